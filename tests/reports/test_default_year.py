"""Without ?year=, the dashboard, the review and the API show the latest year with approved
records in the user's scope (else the current year); an explicit year is kept."""

import datetime as dt

import pytest

from kexie.activities.services import activity_approve, activity_submit

THIS_YEAR = dt.date.today().year


@pytest.fixture
def ledger(world, make_activity, personas):
    """任城区 approved an activity five years ago, 兖州区 two years ago."""
    for persona, year in (("county_staff", THIS_YEAR - 5), ("outsider", THIS_YEAR - 2)):
        actor, day = personas[persona], dt.date(year, 6, 1)
        activity = make_activity(actor=actor, start_date=day, end_date=day, region=actor.unit.region)
        activity_submit(actor=actor, activity=activity)
        activity_approve(actor=personas["city_admin"], activity=activity)
    return world


@pytest.mark.parametrize("persona,year", [("county_staff", THIS_YEAR - 5), ("outsider", THIS_YEAR - 2),
                                          ("city_admin", THIS_YEAR - 2), ("society_secretary", THIS_YEAR)])  # fmt: skip
def test_pages_and_api_default_to_the_latest_year_in_scope(client, ledger, personas, persona, year):
    client.force_login(personas[persona])
    for url in ("/reports/", "/reports/review/", "/reports/indicators/"):
        page = client.get(url).content.decode()
        assert f'<option value="{year}" selected>' in page, url
        assert f"{year}年 ·" in page, url
    api = client.get("/api/v1/reports/indicators", {"code": "activities.by_county"}).json()
    assert api["period"]["start"] == f"{year}-01-01"
    assert api["indicators"][0]["value"] == (0 if persona == "society_secretary" else 1)


def test_an_explicit_year_or_range_is_kept(client, ledger, personas):
    client.force_login(personas["city_admin"])
    page = client.get("/reports/", {"year": THIS_YEAR - 5}).content.decode()
    assert f'<option value="{THIS_YEAR - 5}" selected>' in page
    assert 'data-code="activities.by_county">1<' in page
    start, end = f"{THIS_YEAR - 5}-05-01", f"{THIS_YEAR - 5}-06-30"
    api = client.get(
        "/api/v1/reports/indicators", {"start": start, "end": end, "code": "activities.by_county"}
    )
    assert api.json()["period"]["start"] == start and api.json()["indicators"][0]["value"] == 1
    page = client.get("/reports/", {"start": start, "end": end}).content.decode()
    assert f'value="{start}"' in page and f'value="{end}"' in page
    assert 'data-code="activities.by_county">1<' in page
