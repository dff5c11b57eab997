"""Weighting to census margins and the estimates of the demo survey."""

import pytest

from kexie.literacy import services
from kexie.literacy.demo import COUNTIES, PER_PSU, PSUS_PER_COUNTY, build_demo_survey, census_margins
from kexie.literacy.estimation import estimate
from kexie.literacy.models import Response, SampleUnit
from kexie.literacy.selectors import survey_results


@pytest.fixture
def demo(world):
    return build_demo_survey(actor=world.users["city_admin"], unit=world.orgs["city"])


def test_demo_survey_has_480_valid_respondents_in_six_counties_and_flagged_extras(demo):
    assert Response.objects.filter(survey=demo, status="valid").count() == 480
    counts = dict(
        (s, Response.objects.filter(survey=demo, status=s).count())
        for s in ("incomplete", "duplicate", "out_of_range")
    )
    assert counts == {"incomplete": 2, "duplicate": 2, "out_of_range": 2}
    assert SampleUnit.objects.filter(survey=demo, selected=True).count() == len(COUNTIES) * PSUS_PER_COUNTY
    per_county = {
        c: Response.objects.filter(survey=demo, status="valid", county=c).count() for c, *_ in COUNTIES
    }
    assert set(per_county.values()) == {PSUS_PER_COUNTY * PER_PSU}


def test_demo_is_deterministic(world, demo):
    other = build_demo_survey(actor=world.users["city_admin"], unit=world.orgs["city"], name="再来一次")
    first = list(Response.objects.filter(survey=demo).order_by("id").values_list("score", "county", "age"))
    again = list(Response.objects.filter(survey=other).order_by("id").values_list("score", "county", "age"))
    assert first == again


def test_raking_reproduces_every_census_margin(demo):
    results = estimate(demo)
    assert results.weighted and not results.error
    assert len(results.weighting) == len(COUNTIES) * (2 + 5 + 2)
    for cell in results.weighting:
        assert cell["weighted"] == pytest.approx(cell["census"], rel=1e-4), cell
    total = sum(m["population"] for m in census_margins())
    assert results.overall.population == pytest.approx(total, rel=1e-6)


def test_weighted_estimates_have_sensible_cis(demo):
    results = estimate(demo)
    overall = results.overall
    assert 0.05 < overall.share < 0.3
    assert overall.ci_low < overall.share < overall.ci_high
    assert 0 < overall.se < 0.05
    counties = results.by_domain["county"]
    assert {r.level for r in counties} == {c for c, *_ in COUNTIES}
    for row in counties:
        assert row.n == 80
        assert 0 <= row.ci_low <= row.share <= row.ci_high <= 1
    education = {r.level: r.share for r in results.by_domain["education"]}
    assert education["大专及以上"] > education["初中"] > education["小学及以下"]


def test_weighting_changes_the_estimate_and_margins_drive_it(world, demo):
    weighted = estimate(demo).overall.share
    services.margins_replace(
        actor=world.users["city_admin"], survey=demo,
        rows=[{**m, "population": m["population"] * (5 if m["age_group"] == "60-69岁" else 1)} for m in census_margins()],
    )  # fmt: skip
    older = estimate(demo).overall.share
    assert older < weighted  # more weight on the least literate age group


def test_without_margins_results_use_base_weights_and_say_so(world):
    survey = build_demo_survey(actor=world.users["city_admin"], unit=world.orgs["city"])
    survey.margins.all().delete()
    results = estimate(survey)
    assert not results.weighted
    assert any("尚未录入人口普查边际" in n for n in results.notes)
    assert results.overall is not None and results.overall.n == 480


def test_results_are_cached_until_the_data_changes(world, demo, django_assert_max_num_queries):
    first = survey_results(demo)
    with django_assert_max_num_queries(1):
        assert survey_results(demo) == first
    services.survey_update(actor=world.users["city_admin"], survey=demo, data={"threshold_inclusive": True})
    demo.refresh_from_db()
    changed = survey_results(demo)
    assert changed["overall"]["share"] >= first["overall"]["share"]
    assert demo.results_version == demo.data_version


def test_threshold_setting_rescores_responses(world, demo):
    before = Response.objects.filter(survey=demo, literate=True).count()
    services.survey_update(actor=world.users["city_admin"], survey=demo, data={"literate_threshold": 60})
    after = Response.objects.filter(survey=demo, literate=True).count()
    assert after > before
    assert not Response.objects.filter(survey=demo, literate=True, score__lte=60).exists()


def test_margins_input_is_checked_cell_by_cell(world, demo):
    from django.core.exceptions import ValidationError

    bad = [
        {
            "county": "任城区",
            "sex": "男",
            "age_group": "18-29岁",
            "urban_rural": "城镇",
            "population": "1000",
        },
        {
            "county": "任城区",
            "sex": "未知",
            "age_group": "18-29岁",
            "urban_rural": "城镇",
            "population": "10",
        },
        {"county": "任城区", "sex": "女", "age_group": "70-79岁", "urban_rural": "城镇", "population": "-3"},
        {"county": "任城区", "sex": "男", "age_group": "18-29岁", "urban_rural": "城镇", "population": "5"},
    ]
    with pytest.raises(ValidationError) as info:
        services.margins_replace(actor=world.users["city_admin"], survey=demo, rows=bad)
    text = " ".join(info.value.messages)
    assert (
        "第 3 行“性别”" in text
        and "第 4 行“年龄段”" in text
        and "第 4 行“人口数”" in text
        and "第 5 行" in text
    )
    assert demo.margins.count() == len(census_margins())  # unchanged


def test_levels_follow_their_natural_order(demo):
    from kexie.literacy.codes import AGE_GROUPS, EDUCATIONS

    results = estimate(demo)
    assert [r.level for r in results.by_domain["education"]] == EDUCATIONS
    assert [r.level for r in results.by_domain["age_group"]] == AGE_GROUPS
    assert [r.level for r in results.by_domain["county"]] == [c for c, *_ in COUNTIES]


def test_a_share_of_zero_gets_an_exact_interval_not_a_point(demo):
    """Nobody literate in a group: SE 0, but the 95% CI is Clopper-Pearson on the group's n."""
    from kexie.literacy.estimation import clopper_pearson

    results = estimate(demo)
    zero = [r for rows in results.by_domain.values() for r in rows if r.share == 0.0]
    assert zero, "the demo has a group without literate respondents (小学及以下)"
    for row in zero:
        assert row.se == 0.0 and row.ci_low == 0.0
        assert row.ci_high == pytest.approx(1 - 0.025 ** (1 / row.n), rel=1e-9)
        assert row.mean_score is not None
    assert any("Clopper-Pearson" in note for note in results.notes)
    low, high = clopper_pearson(40, 40)
    assert high == 1.0 and low == pytest.approx(0.025 ** (1 / 40), rel=1e-9)
    low, high = clopper_pearson(3, 10)
    assert 0 < low < 0.3 < high < 1


def test_cached_results_of_an_older_method_are_recomputed(demo):
    from kexie.literacy.estimation import METHOD_VERSION
    from kexie.literacy.models import Survey

    first = survey_results(demo)
    assert first["method"] == METHOD_VERSION
    Survey.objects.filter(pk=demo.pk).update(results={**first, "method": METHOD_VERSION - 1, "n_valid": -1})
    demo.refresh_from_db()
    assert survey_results(demo)["n_valid"] == 480
