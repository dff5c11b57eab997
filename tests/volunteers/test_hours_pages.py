"""Hours by person a page at a time: the database sorts the whole answer and cuts one page (the
page and the API return one page with the count of all rows), so that pages follow each other
in every order and only the page's people are read."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kexie.volunteers import selectors
from kexie.volunteers.services import service_record_enter

HOURS = {"丁": "1.5", "甲": "4", "丙": "2.25", "乙": "4", "戊": "0.5"}


def _five(make_volunteer, service_activity, staff):
    people = {}
    for name, hours in HOURS.items():
        people[name] = make_volunteer(name=name)
        service_record_enter(
            actor=staff, volunteer=people[name], activity=service_activity,
            data={"content": "科普宣传", "hours": Decimal(hours)},
        )  # fmt: skip
    return people


def test_pages_follow_each_other_in_every_order(make_volunteer, service_activity, staff, world):
    people = _five(make_volunteer, service_activity, staff)
    rows = selectors.summary_rows(staff)
    whole = selectors.hours_totals(rows, "person")
    expected = {
        "key": sorted(whole, key=lambda r: r["key"]),
        "hours": sorted(whole, key=lambda r: (-r["hours"], r["key"])),
        "label": sorted(whole, key=lambda r: (r["label"], r["key"])),
    }
    for sort, rows_in_order in expected.items():
        pages = []
        for offset in (0, 2, 4):
            with CaptureQueriesContext(connection) as queries:
                count, page = selectors.hours_page(rows, "person", sort=sort, offset=offset, limit=2)
            assert count == 5 and len(queries) == 2  # the count, then the page with its names
            pages += page
        assert pages == rows_in_order, sort
    count, top = selectors.hours_page(rows, "person", sort="hours", limit=2)
    assert [r["key"] for r in top] == sorted([people["甲"].pk, people["乙"].pk])  # 4 hours each: by key
    assert top[0]["hours"] == Decimal("4.00") and top[0]["entries"] == 1
    assert selectors.hours_page(rows, "person", offset=5) == (5, [])
    assert selectors.hours_page(selectors.summary_rows(world.users["outsider"]), "person") == (0, [])
    count, teams = selectors.hours_page(rows, "team", sort="hours")
    assert count == 1 and teams[0]["key"] is None and teams[0]["entries"] == 5  # entered without a team


def test_the_api_and_the_page_show_one_page_with_the_count(client, make_volunteer, service_activity, staff):
    _five(make_volunteer, service_activity, staff)
    client.force_login(staff)
    first = client.get("/api/v1/volunteers/hours?by=person&sort=hours&limit=2").json()
    assert first["count"] == 5 and [r["hours"] for r in first["items"]] == ["4.00", "4.00"]
    second = client.get(first["next"]).json()
    assert [r["label"] for r in second["items"]] == ["丙", "丁"]
    last = client.get("/api/v1/volunteers/hours?by=person&sort=hours&limit=2&offset=4").json()
    assert [r["label"] for r in last["items"]] == ["戊"] and last["next"] is None
    county = client.get("/api/v1/volunteers/hours?by=county").json()
    assert county["count"] == 1 and county["items"][0]["hours"] == "12.25"

    page = client.get(reverse("volunteers:hours") + "?by=person&sort=hours").content.decode()
    assert page.count('class="hours-row"') == 5 and "共 5 条" in page
    assert page.index("丙") < page.index("丁") < page.index("戊")


def test_by_name_the_index_walk_and_the_grouped_sort_give_the_same_pages(
    make_volunteer, service_activity, staff, monkeypatch
):
    _five(make_volunteer, service_activity, staff)
    rows = selectors.summary_rows(staff)
    walked = [selectors.hours_page(rows, "person", sort="label", offset=o, limit=2) for o in (0, 2, 4)]
    monkeypatch.setattr(selectors, "NAME_WALK_MAX", 0)  # deep pages read the grouped sort
    grouped = [selectors.hours_page(rows, "person", sort="label", offset=o, limit=2) for o in (0, 2, 4)]
    assert walked == grouped and [len(p) for _c, p in walked] == [2, 2, 1]
