"""The stored per-person totals (models.PersonHoursTotal): every scope level's total of a
volunteer's recorded hours, kept exactly in step by the service writes that keep the hours
summary, rebuilt with it, and read by the person pages sorted by hours or by name as one index
range (a deep page is not every volunteer added up)."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.volunteers import selectors, summary
from kexie.volunteers.models import PersonHoursTotal
from kexie.volunteers.services import (
    service_record_approve,
    service_record_enter,
    service_record_self_report,
    service_record_update,
)


def _totals(volunteer, year=0):
    rows = PersonHoursTotal.objects.unscoped(reason="test").filter(volunteer=volunteer, year=year)
    return {
        scope: (cents, entries)
        for scope, cents, entries in rows.values_list("scope_unit_id", "cents", "entries")
    }


def test_a_service_write_changes_the_stored_totals_of_every_scope_level(
    make_volunteer, service_activity, staff, world, on_day, make_activity
):
    city, rencheng, school = world.orgs["city"], world.orgs["rencheng"], world.orgs["school"]
    volunteer = make_volunteer(name="王红")
    assert _totals(volunteer) == {}
    record = service_record_enter(
        actor=staff, volunteer=volunteer, activity=service_activity,
        data={"content": "科普宣传", "hours": Decimal("2.5"), "organising_unit": school},
    )  # fmt: skip
    # the school's records count for the school, 任城区科协 above it, the city and the whole city (None)
    expected = {None: (250, 1), city.pk: (250, 1), rencheng.pk: (250, 1), school.pk: (250, 1)}
    assert _totals(volunteer) == expected and _totals(volunteer, 2020) == expected
    assert PersonHoursTotal.objects.unscoped(reason="test").get(scope_unit=None, year=0).name == "王红"

    service_record_update(
        actor=staff, record=record, data={"hours": Decimal("3.75"), "organising_unit": rencheng}
    )
    assert _totals(volunteer) == {
        None: (375, 1),
        city.pk: (375, 1),
        rencheng.pk: (375, 1),
    }  # school's row gone

    other = make_activity(title="科普讲解", kind=world.kinds["outreach.volunteer"], venue="太白广场")
    pending = service_record_self_report(
        volunteer=volunteer, activity=other, data={"content": "讲解", "hours": Decimal("1.25")}
    )
    assert _totals(volunteer)[rencheng.pk] == (375, 1)  # pending counts nothing
    service_record_approve(actor=staff, record=pending)
    assert _totals(volunteer)[rencheng.pk] == (500, 2)
    assert summary.differences() == []


def test_the_rebuild_equals_the_records_and_repairs_a_wrong_total(make_volunteer, service_activity, staff):
    for name, hours in (("甲", "4"), ("乙", "1.5")):
        service_record_enter(
            actor=staff, volunteer=make_volunteer(name=name), activity=service_activity,
            data={"content": "科普宣传", "hours": Decimal(hours)},
        )  # fmt: skip
    assert summary.totals_stored() == summary.totals_from_records() and summary.differences() == []
    PersonHoursTotal.objects.unscoped(reason="test").filter(name="甲").update(cents=1)
    assert any(key[0] == "total" for key, _have, _want in summary.differences())
    summary.rebuild()
    assert summary.differences() == [] and summary.totals_stored() == summary.totals_from_records()
    assert (
        len(summary.totals_stored()) == 2 * 2 * 3
    )  # 2 people × (2020, all years) × (city, 任城区, whole city)


def test_a_renamed_person_keeps_the_name_order(make_volunteer, service_activity, staff):
    from kexie.directory.services import person_update

    volunteer = make_volunteer(name="甲")
    service_record_enter(
        actor=staff,
        volunteer=volunteer,
        activity=service_activity,
        data={"content": "科普", "hours": Decimal(1)},
    )
    person_update(actor=staff, person=volunteer.person, data={"name": "庚"})
    names = set(PersonHoursTotal.objects.unscoped(reason="test").values_list("name", flat=True))
    assert names == {"庚"} and summary.differences() == []


HOURS = {"丁": "1.5", "甲": "4", "丙": "2.25", "乙": "4", "戊": "0.5"}


def test_pages_by_hours_and_name_read_the_stored_totals_as_an_index_range(
    make_volunteer, service_activity, staff, world
):
    for name, hours in HOURS.items():
        service_record_enter(
            actor=staff, volunteer=make_volunteer(name=name), activity=service_activity,
            data={"content": "科普宣传", "hours": Decimal(hours)},
        )  # fmt: skip
    rows = selectors.summary_rows(staff)
    whole = selectors.hours_totals(rows, "person")
    orders = {
        "hours": lambda r: (-r["hours"], r["label"], r["key"]),
        "label": lambda r: (r["label"], r["key"]),
    }
    for sort, key in orders.items():
        pages = []
        for offset in (0, 2, 4):
            with CaptureQueriesContext(connection) as queries:
                count, page = selectors.hours_page(
                    rows, "person", sort=sort, offset=offset, limit=2, user=staff
                )
            assert count == 5 and len(queries) == 2
            sql = " ".join(q["sql"] for q in queries).upper()
            assert "PERSONHOURSTOTAL" in sql and "GROUP BY" not in sql and "HOURSSUMMARY" not in sql
            pages += page
        assert pages == sorted(whole, key=key), sort
    # 甲 and 乙 have 4 hours each: the name breaks the tie (乙 U+4E59 before 甲 U+7532 by code point)
    _count, top = selectors.hours_page(rows, "person", sort="hours", limit=2, user=staff)
    assert [r["label"] for r in top] == sorted(["甲", "乙"])
    # the city's administrator reads the city's level, an outsider (兖州区) nothing of 任城区's records
    city_count, _page = selectors.hours_page(
        selectors.summary_rows(world.users["city_admin"]),
        "person",
        sort="hours",
        user=world.users["city_admin"],
    )
    assert city_count == 5
    outsider = world.users["outsider"]
    assert selectors.hours_page(selectors.summary_rows(outsider), "person", sort="label", user=outsider) == (
        0,
        [],
    )


def test_moving_the_organising_unit_to_another_county_moves_its_hours(
    make_volunteer, service_activity, staff, world, django_capture_on_commit_callbacks
):
    """The totals and the by-county summary are kept per unit on the organising unit's path: a
    unit moved under another parent is counted under its new ancestors once the queued rebuild
    has run (the move itself stays a quick request)."""
    from kexie.core.models import Job
    from kexie.directory.services import organisation_update
    from kexie.testing import run_jobs

    city, rencheng, yanzhou, school = (world.orgs[k] for k in ("city", "rencheng", "yanzhou", "school"))
    volunteer = make_volunteer(name="李明")
    service_record_enter(
        actor=staff, volunteer=volunteer, activity=service_activity,
        data={"content": "科普宣传", "hours": Decimal("2"), "organising_unit": school},
    )  # fmt: skip
    assert set(_totals(volunteer)) == {None, city.pk, rencheng.pk, school.pk}
    with django_capture_on_commit_callbacks(execute=True):
        organisation_update(actor=world.users["city_admin"], org=school, data={"parent": yanzhou})
    job = Job.objects.get(kind="volunteers_summary_rebuild")
    assert job.owner is None
    assert run_jobs() == 1
    assert _totals(volunteer) == {
        None: (200, 1),
        city.pk: (200, 1),
        yanzhou.pk: (200, 1),
        school.pk: (200, 1),
    }
    assert summary.differences() == []
