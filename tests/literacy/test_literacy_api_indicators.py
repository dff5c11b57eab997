"""The literacy API, indicators in the registry, the review sentence, and the demo loader."""

from types import SimpleNamespace

import pytest

from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.literacy import demo as literacy_demo
from kexie.literacy.demo import COUNTIES, build_demo_survey
from kexie.literacy.models import Survey


@pytest.fixture
def demo(world):
    return build_demo_survey(actor=world.users["city_admin"], unit=world.orgs["city"])


def test_api_results_for_the_city_and_404_outside_scope(client, personas, demo):
    client.force_login(personas["city_admin"])
    response = client.get(f"/api/v1/literacy/surveys/{demo.pk}/results")
    assert response.status_code == 200
    data = response.json()
    assert data["n_valid"] == 480 and data["weighted"] is True
    overall = data["overall"]
    assert overall["ci_low"] < overall["share"] < overall["ci_high"]
    # Counties in the questionnaire's order (the demo lists them as COUNTIES), not by code point.
    assert [r["level"] for r in data["by_domain"]["county"]] == [c for c, *_ in COUNTIES]
    assert len(data["by_domain"]["county"]) == 6
    listed = client.get("/api/v1/literacy/surveys").json()
    assert [s["name"] for s in listed] == [demo.name]
    client.force_login(personas["outsider"])
    assert client.get(f"/api/v1/literacy/surveys/{demo.pk}/results").status_code == 404
    assert client.get("/api/v1/literacy/surveys").json() == []
    client.logout()
    assert client.get(f"/api/v1/literacy/surveys/{demo.pk}/results").status_code == 401


def test_indicators_are_registered_and_read_the_survey_of_the_year(personas, demo):
    codes = {i.code for i in indicators.all_indicators()}
    assert {"literacy.rate", "literacy.sample_size", "literacy.county_count", "literacy.mean_score"} <= codes
    rows = {r["code"]: r for r in indicators.evaluate(Period.year(2020), Scope(personas["city_admin"]))}
    results = Survey.objects.get(pk=demo.pk).results
    assert rows["literacy.rate"]["value"] == round(results["overall"]["share"] * 100, 2)
    assert rows["literacy.sample_size"]["value"] == 480
    assert rows["literacy.county_count"]["value"] == 6
    assert rows["literacy.rate"]["breakdown"]["county"]["任城区"] == round(
        next(r for r in results["by_domain"]["county"] if r["level"] == "任城区")["share"] * 100, 2
    )
    assert rows["literacy.rate"]["previous"] is None
    other_year = {r["code"]: r for r in indicators.evaluate(Period.year(2019), Scope(personas["city_admin"]))}
    assert other_year["literacy.rate"]["value"] is None


def test_indicators_respect_scope_and_county_region(personas, world, demo):
    outsider = {r["code"]: r for r in indicators.evaluate(Period.year(2020), Scope(personas["outsider"]))}
    assert outsider["literacy.rate"]["value"] is None and outsider["literacy.sample_size"]["value"] is None
    scope = Scope(personas["city_admin"], region_code="370811")
    rows = {
        r["code"]: r
        for r in indicators.evaluate(Period.year(2020), scope, ["literacy.rate", "literacy.sample_size"])
    }
    county = next(
        r for r in Survey.objects.get(pk=demo.pk).results["by_domain"]["county"] if r["level"] == "任城区"
    )
    assert rows["literacy.rate"]["value"] == round(county["share"] * 100, 2)
    assert rows["literacy.sample_size"]["value"] == 80


def test_indicator_records_are_the_valid_responses(personas, demo):
    indicator = indicators.get("literacy.sample_size")
    scope = Scope(personas["city_admin"])
    records = indicator.records(Period.year(2020), scope, None, None)
    assert records.count() == 480
    assert indicator.records(Period.year(2020), scope, "county", "任城区").count() == 80
    assert (
        indicators.get("literacy.rate")
        .records(Period.year(2020), scope, "sex", "女")
        .filter(sex="男")
        .count()
        == 0
    )


def test_review_sentence_names_counties_sample_and_rate(personas, demo):
    section = next(s for s in indicators.review_sections() if s.code == "literacy.survey")
    assert section.heading == "outreach"
    from kexie.reports.review import build_review

    review = build_review(Period.year(2020), Scope(personas["city_admin"]))
    assert "对全市6个县市区的480个有效调查样本进行测评" in review.text
    assert "公民具备科学素质的比例为" in review.text


def test_demo_loader_contract(world):
    from kexie.demo.data import ADMIN_USERNAME

    context = SimpleNamespace(users={ADMIN_USERNAME: world.users["city_admin"]}, city=world.orgs["city"])
    literacy_demo.load(context)
    survey = Survey.objects.get(name=literacy_demo.DEMO_NAME)
    assert survey.unit == world.orgs["city"]
    assert survey.responses.filter(status="valid").count() == 480


def test_county_count_of_a_county_scope_is_that_county(personas, demo):
    county = Scope(personas["city_admin"], region_code="370811")
    rows = {r["code"]: r for r in indicators.evaluate(Period.year(2020), county, ["literacy.county_count"])}
    assert rows["literacy.county_count"]["value"] == 1
    city = {r["code"]: r for r in indicators.evaluate(Period.year(2020), Scope(personas["city_admin"]))}
    assert city["literacy.county_count"]["value"] == 6
