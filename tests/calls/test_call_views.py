"""The call engine's pages and API along the main path, and honours on a person's page."""

import json

from django.urls import reverse

from kexie.calls.codes import EntryStatus
from kexie.calls.models import Call, Entry
from kexie.honours.services import honour_record


def test_a_call_and_an_entry_through_the_pages(client, world, make_person):
    admin, staff = world.users["city_admin"], world.users["county_staff"]
    client.force_login(admin)
    response = client.post(
        reverse("calls:call_create"),
        {
            "title": "2020年济宁市表现突出科技工作者", "kind": "honour", "entrant_kind": "person", "year": "2020",
            "opens_on": "2020-04-01", "closes_on": "2020-04-30", "notice_days": "5",
            "form_fields": json.dumps([{"name": "achievements", "label": "主要事迹", "type": "text", "required": True}]),
            "eligibility": '[{"rule": "one_per_person"}]', "prize_levels": "[]",
        },
    )  # fmt: skip
    call = Call.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and call.organiser == world.orgs["city"]
    client.post(reverse("calls:call_action", args=(call.pk, "open")), {"seen": "draft"})
    person = make_person("孙先进")
    client.force_login(staff)  # 任城区 sees the city's open call and recommends to it
    assert client.get(reverse("calls:call_detail", args=(call.pk,))).status_code == 200
    response = client.post(
        reverse("calls:entry_create", args=(call.pk,)),
        {"title": "孙先进", "person": person.pk, "answer_achievements": "研发节水灌溉设备"},
    )
    entry = Entry.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and entry.answers == {"achievements": "研发节水灌溉设备"}
    assert entry.submitting_unit == world.orgs["rencheng"]
    client.post(reverse("calls:entry_action", args=(entry.pk, "submit")), {"seen": "draft"})
    client.force_login(admin)
    client.post(reverse("calls:entry_action", args=(entry.pk, "accept")), {"seen": "submitted"})
    client.post(
        reverse("calls:entry_action", args=(entry.pk, "decide")),
        {"seen": "accepted", "outcome": "award", "votes_for": "9", "votes_against": "0", "votes_abstain": "0",
         "meeting": "评审委员会"},
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.status == EntryStatus.AWARDED
    page = client.get(reverse("calls:entry_detail", args=(entry.pk,))).content.decode()
    assert "赞成 9" in page


def test_a_bad_entry_form_names_the_field_and_writes_nothing(client, world, city_call):
    client.force_login(world.users["county_staff"])
    response = client.post(reverse("calls:entry_create", args=(city_call.pk,)), {"title": "缺事迹"})
    assert response.status_code == 200
    assert "主要事迹" in response.content.decode()
    assert not Entry.objects.unscoped(reason="test").exists()


def test_a_persons_page_shows_every_honour_over_the_years(client, world, make_person):
    staff = world.users["county_staff"]
    person = make_person("周荣誉")
    for year, title, kind in (
        (2019, "任城区优秀科技工作者", "commendation"),
        (2020, "山东省优秀科技工作者", "recommendation"),
    ):
        honour_record(
            actor=staff, data={"kind": kind, "title": title, "level": "city", "year": year, "person": person}
        )
    client.force_login(staff)
    page = client.get(reverse("directory:person_detail", args=(person.pk,))).content.decode()
    assert "任城区优秀科技工作者" in page and "山东省优秀科技工作者" in page and "待定" in page
    # A unit that cannot see the honours does not see the person either (404).
    client.force_login(world.users["outsider"])
    assert client.get(reverse("directory:person_detail", args=(person.pk,))).status_code == 404


def test_blind_calls_hide_entrants_from_other_units_in_the_api(client, world, recommend, city_call):
    from kexie.calls import services

    services.call_update(actor=world.users["city_admin"], call=city_call, data={"is_blind": True})
    entry = recommend("盲审对象")
    client.force_login(world.users["county_staff"])
    data = client.get(f"/api/v1/calls/entries/{entry.pk}").json()
    assert data["entrant"] == "—"
    client.force_login(world.users["city_admin"])
    assert client.get(f"/api/v1/calls/entries/{entry.pk}").json()["entrant"] == "盲审对象"


def test_the_status_link_opens_without_login(client, world, recommend):
    from kexie.calls import services

    entry = recommend()
    token = services.entry_status_link(actor=world.users["county_staff"], entry=entry)
    page = client.get(reverse("calls:entry_status", args=(token,)))
    assert page.status_code == 200 and entry.code in page.content.decode()
