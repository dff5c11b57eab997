import datetime as dt

import pytest
from django.db import connection
from django.db.models import Sum
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from kexie.activities.services import activity_approve, activity_return, activity_submit
from kexie.core import indicators
from kexie.core.indicators import Period, Scope


def test_period_year_range_and_previous():
    year = Period.year(2020)
    assert (year.start, year.last, year.label, year.is_year) == (
        dt.date(2020, 1, 1),
        dt.date(2020, 12, 31),
        "2020年",
        True,
    )
    assert year.previous() == Period.year(2019)
    days = Period.between(dt.date(2020, 2, 29), dt.date(2020, 9, 30))
    assert not days.is_year and days.previous().start == dt.date(2019, 2, 28)
    assert Period.parse(start="2020-09-12", end="2020-09-30").query() == {
        "start": "2020-09-12",
        "end": "2020-09-30",
    }


def test_registry_discovers_module_indicators_and_sections():
    codes = {i.code for i in indicators.all_indicators()}
    assert {"activities.by_kind", "activities.by_county", "activities.by_month", "activities.participants",
            "activities.pending", "activities.returned", "activities.campaign_departments",
            "directory.new_outreach_bases", "directory.party_coverage", "directory.people",
            "directory.organisations"} <= codes  # fmt: skip
    assert all(i.name and i.unit and i.description for i in indicators.all_indicators())
    assert {s.code for s in indicators.review_sections()} >= {"activities.outreach", "directory.party"}
    with pytest.raises(Http404):
        indicators.get("no.such.indicator")


@pytest.fixture
def ledger(world, make_activity, personas):
    """任城区: 2 approved (one 2019), 1 pending, 1 returned; 兖州区: 1 approved."""
    staff, city = personas["county_staff"], personas["city_admin"]

    def approved(actor=staff, **kw):
        activity = make_activity(actor=actor, **kw)
        activity_submit(actor=actor, activity=activity)
        activity_approve(actor=city, activity=activity)
        return activity

    approved(participants=100)
    approved(participants=50, kind=world.kinds["outreach.volunteer"], start_date=dt.date(2020, 3, 1),
             end_date=dt.date(2020, 3, 1))  # fmt: skip
    approved(participants=70, start_date=dt.date(2019, 5, 1), end_date=dt.date(2019, 5, 1))
    pending = make_activity(participants=999)
    activity_submit(actor=staff, activity=pending)
    returned = make_activity(participants=999)
    activity_submit(actor=staff, activity=returned)
    activity_return(actor=city, activity=returned, reason="缺少照片")
    make_activity(participants=999)  # a draft: never counts
    approved(actor=personas["outsider"], participants=30, region=world.regions["370812"])
    return world


def _value(code, user, **scope):
    return indicators.get(code).compute(Period.year(2020), Scope(user, **scope))


def test_only_approved_activities_count_with_previous_year(ledger, personas):
    admin = personas["city_admin"]
    result = _value("activities.by_county", admin)
    assert (result.value, result.previous) == (3, 1)
    assert result.breakdown == {"county": {"370811": 2, "370812": 1}}
    assert _value("activities.participants", admin).value == 180
    assert (_value("activities.pending", admin).value, _value("activities.returned", admin).value) == (1, 1)
    assert _value("activities.by_month", admin).breakdown["month"] == {"03": 1, "05": 0, "09": 2}
    assert _value("activities.volunteer_service", admin).value == 1


def test_scope_is_intersected_with_the_users_scope(ledger, personas):
    assert _value("activities.by_county", personas["county_staff"]).value == 2
    assert _value("activities.by_county", personas["outsider"]).value == 1
    assert _value("activities.by_county", personas["society_secretary"]).value == 0
    assert _value("activities.by_county", personas["city_admin"], region_code="370812").value == 1
    yanzhou = ledger.orgs["yanzhou"]
    assert _value("activities.by_county", personas["city_admin"], org_id=yanzhou.pk).value == 1
    with pytest.raises(Http404):  # an organisation outside the user's scope
        Scope(personas["county_staff"], org_id=yanzhou.pk)


def test_every_value_equals_its_records(ledger, personas):
    period = Period.year(2020)
    for user in (personas["city_admin"], personas["county_staff"]):
        scope = Scope(user)
        for indicator in indicators.all_indicators():
            result = indicator.compute(period, scope)
            records = indicator.records(period, scope, None, None)
            if indicator.code in (
                "activities.participants",
                "activities.volunteers",
                "activities.beneficiaries",
            ):
                field = indicator.code.split(".")[1]
                assert result.value == (records.aggregate(s=Sum(field))["s"] or 0), indicator.code
            elif indicator.unit in ("场次", "条") and indicator.code != "activities.campaign_counties":
                assert result.value == records.count(), indicator.code
            for dimension, items in result.breakdown.items():
                for key, value in items.items():
                    drill = indicator.records(period, scope, dimension, key)
                    if indicator.unit in ("场次", "条") and indicator.code != "activities.campaign_counties":
                        assert drill.count() == value, (indicator.code, dimension, key)


def test_full_set_runs_a_fixed_number_of_queries(ledger, personas, make_activity):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            indicators.evaluate(Period.year(2020), Scope(personas["county_staff"]))
        return len(ctx.captured_queries)

    from kexie.activities.models import Activity
    from kexie.core.grants import granted_ids

    granted_ids(personas["county_staff"], Activity, "view")  # read once per user object, then kept
    before = count_queries()
    for _ in range(5):
        make_activity()
    assert count_queries() == before <= len(indicators.all_indicators())


def test_latest_year_is_the_last_with_records_in_the_scope(world, make_activity, personas):
    staff, outsider, city = personas["county_staff"], personas["outsider"], personas["city_admin"]
    this_year = dt.date.today().year

    def approved(actor, year):
        day = dt.date(year, 6, 1)
        activity = make_activity(actor=actor, start_date=day, end_date=day, region=actor.unit.region)
        activity_submit(actor=actor, activity=activity)
        activity_approve(actor=city, activity=activity)

    approved(staff, this_year - 5)
    approved(outsider, this_year - 2)
    draft_day = dt.date(this_year, 1, 2)
    make_activity(actor=staff, start_date=draft_day, end_date=draft_day)  # a draft: never counts
    codes = ["activities.by_county"]
    assert indicators.latest_year(Scope(staff), codes, until=this_year) == this_year - 5
    assert indicators.latest_year(Scope(outsider), codes, until=this_year) == this_year - 2
    assert indicators.latest_year(Scope(city), codes, until=this_year) == this_year - 2
    assert indicators.latest_year(Scope(city), codes, until=this_year - 3) == this_year - 5
    assert indicators.latest_year(Scope(personas["society_secretary"]), codes, until=this_year) is None
    assert indicators.latest_year(Scope(staff), codes, until=this_year, back=3) is None
