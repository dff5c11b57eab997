"""Figures that agree with their definitions (issue 9): county keys, campaign scope, labels."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from kexie.activities.services import activity_approve, activity_submit, campaign_create
from kexie.core import indicators
from kexie.core.indicators import CITY_LEVEL, Period, Scope
from kexie.directory.models import Organisation
from kexie.directory.services import _refresh_path

YEAR = Period.year(2020)


def _org(name, kind, parent, region):
    org = Organisation.objects.create(name=name, kind=kind, parent=parent, region=region)
    _refresh_path(org)
    return org


@pytest.fixture
def science_day(world, personas, make_activity):
    """The city's 科普日, hosted by the city association: one approved activity in 任城区, one at
    city level (济宁市); participating units: two in 任城区 (one a government department), one in 兖州区."""
    city, rencheng = world.orgs["city"], world.orgs["rencheng"]
    department = _org("任城区教育局", "government_department", rencheng, world.regions["370811"])
    campaign = campaign_create(
        actor=personas["city_admin"],
        data={"name": "2020年全国科普日", "year": 2020, "start_date": dt.date(2020, 9, 1),
              "end_date": dt.date(2020, 9, 30), "host_unit": city},
        participating_units=[world.orgs["school"], department, world.orgs["base"]],
    )  # fmt: skip
    for actor, region in ((personas["county_staff"], "370811"), (personas["city_admin"], "370800")):
        activity = make_activity(actor=actor, campaign=campaign, region=world.regions[region])
        activity_submit(actor=actor, activity=activity)
        activity_approve(actor=personas["city_admin"], activity=activity)
    return campaign


def _compute(code, scope):
    return indicators.get(code).compute(YEAR, scope)


def test_campaign_county_coverage_counts_only_county_level_divisions(science_day, personas):
    result = _compute("activities.campaign_counties", Scope(personas["city_admin"]))
    assert result.value == 1
    assert result.breakdown["campaign"] == {str(science_day.pk): 1}


def test_records_above_county_level_have_the_city_level_key(science_day, personas, world):
    scope = Scope(personas["city_admin"])
    result = _compute("activities.by_county", scope)
    assert result.breakdown["county"] == {"370811": 1, CITY_LEVEL: 1}
    assert result.labels["county"] == {"370811": "任城区", CITY_LEVEL: "市本级"}
    records = indicators.get("activities.by_county").records(YEAR, scope, "county", CITY_LEVEL)
    assert [a.region.code for a in records] == ["370800"]


@pytest.mark.parametrize(
    "scope_kw, units, departments",
    [({}, 3, 1), ({"region_code": "370811"}, 2, 1), ({"region_code": "370812"}, 1, 0)],
)
def test_campaign_units_are_the_participating_units_within_the_scope(
    science_day, personas, scope_kw, units, departments
):
    scope = Scope(personas["city_admin"], **scope_kw)
    assert _compute("activities.campaign_units", scope).breakdown["campaign"] == {str(science_day.pk): units}
    assert _compute("activities.campaign_departments", scope).value == departments


def test_a_county_sees_its_units_in_the_citys_campaign_by_org_by_region_and_as_itself(
    science_day, personas, world
):
    """One meaning for every scope: the county association's own view, --org and --region agree."""
    key = str(science_day.pk)
    scopes = [
        Scope(personas["county_staff"]),
        Scope(personas["city_admin"], org_id=world.orgs["rencheng"].pk),
        Scope(personas["city_admin"], region_code="370811"),
    ]
    for scope in scopes:
        result = _compute("activities.campaign_units", scope)
        assert result.breakdown["campaign"] == {key: 2}, scope
        assert result.labels["campaign"] == {key: "2020年全国科普日"}
        records = indicators.get("activities.campaign_units").records(YEAR, scope, "campaign", key)
        assert {o.name for o in records} == {"任城区二十里铺中学", "任城区教育局"}


def test_every_breakdown_of_the_cli_json_has_labels_for_its_keys(science_day):
    out = StringIO()
    call_command("indicators", "--year", "2020", "--json", stdout=out)
    rows = json.loads(out.getvalue())["indicators"]
    assert {"code", "name", "value", "unit", "previous", "breakdown", "labels"} <= set(rows[0])
    for row in rows:
        for dimension, items in row["breakdown"].items():
            assert set(items) <= set(row["labels"][dimension]), (row["code"], dimension)
    by_code = {r["code"]: r for r in rows}
    assert by_code["activities.campaign_units"]["labels"]["campaign"] == {
        str(science_day.pk): "2020年全国科普日"
    }
    assert by_code["activities.by_county"]["labels"]["county"][CITY_LEVEL] == "市本级"
