"""Bases: naming through the call engine, assessments against the city's thresholds, renewal
and revocation as dated changes, venues' visitors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.bases import services
from kexie.bases.codes import AssessmentOutcome, BaseStatus, ChangeKind
from kexie.bases.models import BaseDesignation
from kexie.directory.models import Designation

from .conftest import FULL, through_review


def test_naming_lands_a_designation_with_batch_theme_and_validity(world, city_admin, named, naming_round):
    designation = named.designation
    assert (designation.organisation, designation.type, designation.level, designation.year) == (
        world.orgs["base"], "outreach_base", "city", 2020)  # fmt: skip
    assert designation.valid_until == dt.date(2024, 12, 31)
    assert designation.document_no == "济科协字〔2020〕30号"
    assert (named.batch, named.theme, named.valid_from) == ("第五批", "综合", dt.date(2020, 7, 1))
    assert [c.kind for c in named.changes.all()] == [ChangeKind.NAMED]
    assert named.entry.call == naming_round.call
    # landing again adds nothing
    assert services.naming_land(actor=city_admin, naming_round=naming_round) == []
    assert Designation.objects.unscoped(reason="test").count() == 1


def test_only_named_entries_land_and_only_after_the_notice(world, city_admin, naming_round):
    first = services.base_apply(actor=city_admin, naming_round=naming_round, base=world.orgs["base"])
    with pytest.raises(ValidationError, match="公示期满"):
        services.naming_land(actor=city_admin, naming_round=naming_round)
    # nothing awarded: the call engine refuses the notice, so the round never lands
    with pytest.raises(ValidationError, match="无需公示"):
        through_review(city_admin, naming_round, [first], award=lambda e: False)
    assert not BaseDesignation.objects.unscoped(reason="test").exists()


def test_a_non_base_cannot_apply(world, city_admin, naming_round):
    with pytest.raises(ValidationError, match="不是科普教育基地"):
        services.base_apply(actor=city_admin, naming_round=naming_round, base=world.orgs["school"])


def test_default_thresholds_score_and_rate(world, city_admin, named):
    a = services.assessment_record(actor=city_admin, base_designation=named, year=2020, figures=FULL)
    assert (a.score, a.computed_outcome, a.shortfalls) == (Decimal("100.0"), AssessmentOutcome.EXCELLENT, [])
    assert a.scheme_used["thresholds"][0] == {
        "figure": "open_days",
        "minimum": 200,
        "points": 20,
        "required": True,
    }
    # open 199 days: the required threshold is missed, so 整改 at best whatever the score
    b = services.assessment_record(
        actor=city_admin, base_designation=named, year=2020, figures={**FULL, "open_days": 199}
    )
    assert (b.pk, b.score, b.computed_outcome) == (a.pk, Decimal("80.0"), AssessmentOutcome.RECTIFY)
    assert b.shortfalls == ["年开放天数 199天,未达到 200天"]


def test_the_city_sets_thresholds_as_data(world, city_admin, named):
    services.assessment_scheme_set(
        actor=city_admin, unit=world.orgs["city"], year=2020, pass_from=50, rectify_from=30, excellent_from=95,
        thresholds=[{"figure": "open_days", "minimum": 250, "points": 50, "required": True},
                    {"figure": "visitors", "minimum": 100000, "points": 50}],
    )  # fmt: skip
    a = services.assessment_record(actor=city_admin, base_designation=named, year=2020, figures=FULL)
    assert (a.score, a.computed_outcome) == (Decimal("50.0"), AssessmentOutcome.PASS)
    assert a.scheme_used["unit"] == "济宁市科学技术协会"
    with pytest.raises(ValidationError, match="第2项"):
        services.assessment_scheme_set(actor=city_admin, unit=world.orgs["city"], year=2021,
                                       thresholds=[{"figure": "open_days", "minimum": 1, "points": 1},
                                                   {"figure": "height", "minimum": 1, "points": 1}])  # fmt: skip


def test_bad_figures_are_refused_by_name(world, city_admin, named):
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(actor=city_admin, base_designation=named, year=2020,
                                   figures={**FULL, "visitors": -3})  # fmt: skip
    assert "年接待观众应为非负整数" in str(exc.value)
    with pytest.raises(ValidationError, match="未持有该命名"):
        services.assessment_record(actor=city_admin, base_designation=named, year=2019, figures=FULL)


def test_revocation_by_assessment_keeps_past_years_right(world, city_admin, named):
    services.assessment_decide(
        actor=city_admin,
        assessment=services.assessment_record(
            actor=city_admin, base_designation=named, year=2020, figures=FULL
        ),
        on=dt.date(2021, 3, 1),
    )
    poor = {"open_days": 120, "visitors": 300}
    a = services.assessment_record(actor=city_admin, base_designation=named, year=2021, figures=poor)
    assert a.computed_outcome == AssessmentOutcome.REVOKE
    services.assessment_decide(actor=city_admin, assessment=a, on=dt.date(2022, 3, 1))
    named.refresh_from_db()
    assert (named.status, named.revoked_on) == (BaseStatus.REVOKED, dt.date(2022, 3, 1))
    assert [c.kind for c in named.changes.all()] == [ChangeKind.NAMED, ChangeKind.REVOKED]
    held = BaseDesignation.objects.unscoped(reason="test")
    assert held.held_on(dt.date(2020, 12, 31)).count() == 1
    assert held.held_on(dt.date(2021, 12, 31)).count() == 1
    assert held.held_on(dt.date(2022, 12, 31)).count() == 0
    with pytest.raises(ValidationError, match="已撤销"):
        services.designation_renew(actor=city_admin, base_designation=named, valid_to=dt.date(2029, 12, 31))


def test_a_different_outcome_needs_a_note(world, city_admin, named):
    a = services.assessment_record(actor=city_admin, base_designation=named, year=2020, figures=FULL)
    with pytest.raises(ValidationError, match="审定意见"):
        services.assessment_decide(actor=city_admin, assessment=a, outcome="rectify")
    services.assessment_decide(actor=city_admin, assessment=a, outcome="rectify", note="安全检查存在隐患")
    assert a.outcome == "rectify" and a.is_decided
    with pytest.raises(ValidationError, match="已审定"):
        services.assessment_record(actor=city_admin, base_designation=named, year=2020, figures=FULL)


def test_renewal_is_a_dated_change(world, city_admin, named):
    services.designation_renew(actor=city_admin, base_designation=named, valid_to=dt.date(2029, 12, 31),
                               on=dt.date(2024, 11, 1), reason="复核合格")  # fmt: skip
    named.refresh_from_db()
    assert named.valid_to == named.designation.valid_until == dt.date(2029, 12, 31)
    change = named.changes.get(kind=ChangeKind.RENEWED)
    assert (change.valid_to_before, change.valid_to_after) == (dt.date(2024, 12, 31), dt.date(2029, 12, 31))
    held = BaseDesignation.objects.unscoped(reason="test")
    assert held.held_on(dt.date(2026, 6, 1)).count() == 1


def test_another_county_gets_404(world, named):
    with pytest.raises(Http404):
        services.designation_revoke(actor=world.users["county_staff"], base_designation=named, reason="x",
                                    on=dt.date(2021, 1, 1))  # fmt: skip


def test_venue_visitors_by_month(world, city_admin):
    venue = services.venue_create(actor=city_admin, data={
        "name": "邹城市科技馆", "kind": "special", "operator": world.orgs["yanzhou"],
        "region": world.regions["370812"], "exhibition_area": 3000,
    })  # fmt: skip
    services.venue_visitors_record(actor=city_admin, venue=venue, month=dt.date(2020, 5, 17), visitors=1200)
    row = services.venue_visitors_record(
        actor=city_admin, venue=venue, month=dt.date(2020, 5, 1), visitors=1300
    )
    assert (row.month, row.visitors, venue.months.count()) == (dt.date(2020, 5, 1), 1300, 1)
    with pytest.raises(ValidationError, match="尚未到来"):
        services.venue_visitors_record(actor=city_admin, venue=venue, month=dt.date(2999, 1, 1), visitors=1)
    with pytest.raises(Http404):
        services.venue_visitors_record(actor=world.users["county_staff"], venue=venue, month=dt.date(2020, 6, 1),
                                       visitors=5)  # fmt: skip


def test_the_assessment_notice_is_a_word_document_of_what_the_user_sees(world, city_admin, named, client):
    import io

    from docx import Document

    a = services.assessment_record(actor=city_admin, base_designation=named, year=2020, figures=FULL)
    services.assessment_decide(actor=city_admin, assessment=a, on=dt.date(2021, 1, 15))
    client.force_login(city_admin)
    response = client.get("/bases/assessments/notice/", {"year": 2020})
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "关于2020年度科普教育基地考核结果的通报" in text and "兖州区科技馆(市级,得分100.0)" in text
    client.force_login(world.users["county_staff"])  # 任城区 does not see 兖州区's base
    text = "\n".join(
        p.text
        for p in Document(io.BytesIO(client.get("/bases/assessments/notice/?year=2020").content)).paragraphs
    )
    assert "兖州区科技馆" not in text


def test_the_base_page_in_the_directory_shows_its_designations(world, city_admin, named, client):
    client.force_login(city_admin)
    page = client.get(f"/directory/organisations/{world.orgs['base'].pk}/").content.decode()
    assert 'id="bases-panel"' in page and "第五批" in page


def test_an_assessment_takes_the_figures_kexie_already_holds(world, city_admin, named, make_activity, client):
    """The issue: “figures a base reports or kexie already holds”: the ledger's approved activities
    of the base (organised or co-organised, in the year) and its venues' area and visitors fill
    the figures the base left out; a figure given wins."""
    from kexie.activities.services import activity_approve, activity_submit
    from kexie.bases import selectors

    base, county = world.orgs["base"], world.users["outsider"]
    for day in (dt.date(2020, 3, 1), dt.date(2020, 9, 1), dt.date(2019, 9, 1)):
        activity = make_activity(
            county, organiser=base, region=world.regions["370812"], start_date=day, end_date=day
        )
        activity_submit(actor=county, activity=activity)
        activity_approve(actor=city_admin, activity=activity)
    make_activity(county, organiser=base, region=world.regions["370812"])  # a draft: not counted
    venue = services.venue_create(actor=city_admin, data={"name": "兖州区科技馆展厅", "kind": "special", "operator": base,
                                                          "region": world.regions["370812"], "exhibition_area": 800})  # fmt: skip
    services.venue_visitors_record(actor=city_admin, venue=venue, month=dt.date(2020, 5, 1), visitors=12000)
    assert selectors.held_figures(named, 2020) == {"activities": 2, "exhibition_area": 800, "visitors": 12000}

    a = services.assessment_record(actor=city_admin, base_designation=named, year=2020,
                                   figures={"open_days": 250, "visitors": 15000})  # fmt: skip
    assert (a.activities, a.exhibition_area, a.visitors) == (2, 800, 15000)
    # the form starts from the figures kexie holds for last year
    client.force_login(city_admin)
    page = client.get(f"/bases/{named.pk}/").content.decode()
    form = page[page.index('id="assessment-form"') :]
    assert 'value="800"' in form
