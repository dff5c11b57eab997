"""The approved activities' scan is cached across requests, and every kind of change shows at once."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.activities.models import Activity
from kexie.activities.services import activity_approve, activity_return, activity_submit, activity_update
from kexie.core import indicators
from kexie.core.indicators import Period, Scope

CODES = ["activities.by_county", "activities.participants", "activities.by_month"]


def figures(user) -> dict:
    return {r["code"]: r["value"] for r in indicators.evaluate(Period.year(2020), Scope(user), CODES)}


def approved(make_activity, personas, **data):
    activity = make_activity(**data)
    activity_submit(actor=personas["county_staff"], activity=activity)
    return activity_approve(actor=personas["city_admin"], activity=activity)


def test_a_second_request_reads_no_activity_rows(personas, make_activity):
    approved(make_activity, personas)
    first = figures(personas["city_admin"])
    with CaptureQueriesContext(connection) as queries:
        assert figures(personas["city_admin"]) == first
    scans = [
        q["sql"]
        for q in queries.captured_queries
        if "GROUP BY" in q["sql"] and "activities_activity" in q["sql"]
    ]
    assert scans == []


def test_every_change_shows_in_the_next_request(personas, make_activity):
    admin, staff = personas["city_admin"], personas["county_staff"]
    activity = approved(make_activity, personas, participants=100)
    assert figures(admin) == {
        "activities.by_county": 1,
        "activities.participants": 100,
        "activities.by_month": 1,
    }
    approved(
        make_activity, personas, participants=20, start_date=dt.date(2020, 3, 1), end_date=dt.date(2020, 3, 1)
    )
    assert figures(admin)["activities.participants"] == 120
    activity_update(actor=admin, activity=activity, data={"participants": 150})
    assert figures(admin)["activities.participants"] == 170
    activity_return(actor=admin, activity=Activity.objects.get(pk=activity.pk), reason="人数有误")
    assert figures(admin) == {
        "activities.by_county": 1,
        "activities.participants": 20,
        "activities.by_month": 1,
    }
    assert figures(staff)["activities.by_county"] == 1  # another scope, its own cache entry
