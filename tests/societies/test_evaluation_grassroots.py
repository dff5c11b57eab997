"""Evaluation on a configurable scheme, evaluators' conflicts, ranking; 3+1 coverage."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kexie.directory.models import Organisation
from kexie.directory.services import organisation_create, person_create
from kexie.societies import evaluation, grassroots, services
from kexie.societies.models import EvaluationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(personas):
    return services.scheme_create(actor=personas["city_admin"], name="学会评估2020",
                                  items=evaluation.DEFAULT_ITEMS, grades=evaluation.DEFAULT_GRADES)  # fmt: skip


def test_the_default_scheme_has_1000_points_over_four_parts():
    assert sum(i["max"] for i in evaluation.DEFAULT_ITEMS) == 1000
    assert {i["category"] for i in evaluation.DEFAULT_ITEMS} == set(evaluation.CATEGORIES)


@pytest.mark.parametrize(
    "items, message",
    [
        ([{"code": "A1", "category": "基础条件", "name": "x", "max": 999, "source": ""}], "总分应为1000分"),
        ([{"code": "A1", "category": "其他", "name": "x", "max": 1000}], "类别"),
        ([{"code": "A1", "category": "基础条件", "name": "x", "max": 1000, "source": "nope"}], "计分规则"),
    ],
)
def test_a_bad_scheme_is_refused(personas, items, message):
    with pytest.raises(ValidationError, match=message):
        services.scheme_create(actor=personas["city_admin"], name="坏体系", items=items, grades=[])


def test_evaluators_in_conflict_are_excluded(world, personas, scheme):
    admin, society = personas["city_admin"], world.orgs["society"]
    insider = person_create(actor=admin, data={"name": "学会内专家", "unit": society})
    officer = person_create(actor=admin, data={"name": "学会理事长", "unit": admin.unit})
    services.term_create(actor=admin, org=society, data={"starts_on": dt.date(2018, 1, 1)},
                         officers=[{"person": officer, "role": "chair"}])  # fmt: skip
    fair = person_create(actor=admin, data={"name": "外部专家", "unit": admin.unit})
    with pytest.raises(ValidationError) as exc:
        services.evaluation_open(actor=admin, org=society, scheme=scheme, year=2020,
                                 evaluators=[insider, officer, fair])  # fmt: skip
    text = str(exc.value)
    assert "学会内专家(同单位(济宁市心理学会))" in text
    # an officer holds a directory position at the society: the same institution, and a declared relation
    assert "学会理事长(同单位(济宁市心理学会)、申报的利害关系)" in text
    assert "外部专家" not in text
    ev = services.evaluation_open(actor=admin, org=society, scheme=scheme, year=2020, evaluators=[fair])
    assert list(ev.evaluators.all()) == [fair]


def test_items_scored_by_hand_and_from_records_give_total_grade_and_rank(world, personas, scheme):
    admin, society = personas["city_admin"], world.orgs["society"]
    services.party_record_set(actor=admin, org=society, year=2020, data={"party_form": "joint"})
    ev = services.evaluation_open(actor=admin, org=society, scheme=scheme, year=2020)
    with pytest.raises(ValidationError, match="须人工评分"):
        services.evaluation_score(actor=admin, evaluation=ev, item_code="A1")
    with pytest.raises(ValidationError, match="须写明依据"):
        services.evaluation_score(actor=admin, evaluation=ev, item_code="A1", score=50)
    with pytest.raises(ValidationError, match="应在0至60之间"):
        services.evaluation_score(actor=admin, evaluation=ev, item_code="A1", score=61, evidence="证书")
    party = services.evaluation_score(actor=admin, evaluation=ev, item_code="B1")
    assert party.score == 80 and "联合党支部" in party.evidence
    with pytest.raises(ValidationError, match="尚有细则未评分"):
        services.evaluation_finish(actor=admin, evaluation=ev)
    for item in scheme.items:
        if item["code"] == "B1":
            continue
        if item["source"]:
            services.evaluation_score(actor=admin, evaluation=ev, item_code=item["code"])
        else:
            services.evaluation_score(actor=admin, evaluation=ev, item_code=item["code"], score=item["max"] - 5,
                                      evidence="现场核查")  # fmt: skip
    services.evaluation_finish(actor=admin, evaluation=ev)
    assert ev.status == EvaluationStatus.FINISHED
    # by hand: 8 items × (max − 5); from records: party 80, term 70, no rectification 60, the rest 0
    hand = sum(i["max"] - 5 for i in scheme.items if not i["source"])
    assert ev.total == Decimal(hand + 80 + 70 + 60)
    assert ev.grade == evaluation.grade_of(scheme, ev.total)
    assert evaluation.ranking([ev]) == [(1, ev)]


def test_ranking_shares_a_rank_on_equal_totals():
    from types import SimpleNamespace as N

    a, b, c = (
        N(total=Decimal(t), organisation=N(name=n))
        for t, n in ((900, "A学会"), (900, "B学会"), (700, "C学会"))
    )
    assert [(r, e.organisation.name) for r, e in evaluation.ranking([c, b, a])] == [
        (1, "A学会"),
        (1, "B学会"),
        (3, "C学会"),
    ]


# ---------------------------------------------------------------------- 3+1


def test_head_coverage_by_county(world, personas):
    staff = personas["county_staff"]
    school = world.orgs["school"]
    station = organisation_create(actor=staff, data={"name": "任城区长沟镇农技站", "kind": "agri_station",
                                                     "region": world.regions["370811"]})  # fmt: skip
    head = person_create(actor=staff, data={"name": "赵校长", "unit": staff.unit})
    grassroots.grassroots_head_add(actor=staff, unit=school, person=head)
    head.refresh_from_db()
    assert head.is_grassroots_head
    rows = grassroots.coverage_by_county(grassroots.scoped_head_units(staff))
    assert [(r.county, r.units, r.covered, r.share) for r in rows] == [("任城区", 2, 1, 50.0)]
    assert rows[0].by_kind == {"school": [1, 1], "agri_station": [1, 0]}
    assert station.pk in grassroots.head_units(Organisation.objects.within(staff.unit))
    with pytest.raises(ValidationError, match="只有医院、学校、农技站"):
        grassroots.grassroots_head_add(actor=staff, unit=staff.unit, person=head)
