"""Expert review: judges from the directory, conflicts, assignment by the contest engine with its
reasons, rubric scoring by the judge alone, chasing, rankings side by side with quotas, rounds
that advance entries by rule."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.calls import judging
from kexie.calls.codes import ConflictKind
from kexie.calls.models import JudgeAssignment, RoundEntry
from kexie.core.models import Notification


def _pairs(rnd):
    rows = (
        JudgeAssignment.objects.unscoped(reason="test")
        .filter(round=rnd)
        .select_related("judge__person", "entry")
    )
    return {(a.entry.title, a.judge.person.name) for a in rows}


def _score_all(rnd, totals):
    """Each judge scores: `totals` maps (entry title, judge name) to (innovation, science)."""
    for a in (
        JudgeAssignment.objects.unscoped(reason="test")
        .filter(round=rnd)
        .select_related("judge__person", "entry")
    ):
        inn, sci = totals.get((a.entry.title, a.judge.person.name), totals.get(a.entry.title))
        judging.score_submit(actor=a.judge.user, assignment=a, values={"innovation": inn, "science": sci})


def test_a_judge_must_be_an_expert_of_the_directory(world, review):
    from kexie.directory.services import person_create

    admin = world.users["city_admin"]
    plain = person_create(actor=admin, data={"name": "周普通", "unit": admin.unit})
    with pytest.raises(ValidationError) as exc:
        judging.round_judge_add(
            actor=admin, round=review["round"], person=plain, user=world.users["outsider"]
        )
    assert "专家库" in str(exc.value)
    with pytest.raises(Http404):  # another county's staff cannot touch the city's round
        judging.round_judge_add(
            actor=world.users["outsider"], round=review["round"], person=plain, user=admin
        )


def test_assignment_respects_institution_declared_and_own_conflicts_and_says_why(world, review):
    admin, rnd, judges = world.users["city_admin"], review["round"], review["judges"]
    robot, plants, solar, water = review["entries"]
    judging.judge_conflict_add(actor=admin, judge=judges["赵机器"], entry=robot, kind=ConflictKind.DECLARED,
                               note="指导过该学生")  # fmt: skip
    plan = judging.round_plan(rnd)
    assert plan.infeasible is None
    excluded = {(x["entry"].title, x["judge"].person.name): x["explanation"] for x in plan.exclusions()}
    # 孙物理 is of 二十里铺中学 (the robot's and the solar car's school); 李化学 of 第一中学
    assert "同单位(任城区二十里铺中学)" in excluded[("巡线机器人", "孙物理")]
    assert "同单位(济宁市第一中学)" in excluded[("河水水质监测", "李化学")]
    assert "申报的利害关系" in excluded[("巡线机器人", "赵机器")]
    saved = judging.round_assign(actor=admin, round=rnd)
    pairs = _pairs(rnd)
    assert len(pairs) == 4 * 2 and not pairs & set(excluded)
    assert all(len([p for p in pairs if p[0] == e.title]) == 2 for e in review["entries"])
    made = saved.pairs()[0]
    assert "亲和度" in made["explanation"]
    why = judging.plan_why(plan, robot, judges["孙物理"])
    assert why.startswith("回避") and "同单位" in why


def test_the_judges_own_nominee_and_own_entry_are_conflicts(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judge = review["judges"]["赵机器"]
    entry = review["entries"][1]
    type(entry).objects.unscoped(reason="test").filter(pk=entry.pk).update(created_by=judge.user)
    plan = judging.round_plan(rnd)
    excluded = {(x["entry"].pk, x["judge"].pk): x["explanation"] for x in plan.exclusions()}
    assert "本人推荐" in excluded[(entry.pk, judge.pk)]
    assert admin  # the organiser's own entries are no judge's nominees


def test_an_infeasible_assignment_names_what_to_relax_and_saves_nothing(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judging.round_update(actor=admin, round=rnd, data={"per_entry": 4})
    with pytest.raises(ValidationError) as exc:
        judging.round_assign(actor=admin, round=rnd)
    text = str(exc.value)
    assert "放宽:把每件评委数降到 3" in text and review["entries"][0].code in text
    assert not JudgeAssignment.objects.unscoped(reason="test").filter(round=rnd).exists()
    judging.round_update(actor=admin, round=rnd, data={"per_entry": 2, "max_load": 1})
    with pytest.raises(ValidationError) as exc:
        judging.round_assign(actor=admin, round=rnd)
    assert "上限" in str(exc.value)


def test_only_the_judge_scores_and_bad_scores_are_named_in_chinese(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judging.round_assign(actor=admin, round=rnd)
    a = (
        JudgeAssignment.objects.unscoped(reason="test")
        .filter(round=rnd)
        .select_related("judge__user")
        .first()
    )
    with pytest.raises(Http404):
        judging.score_submit(actor=admin, assignment=a, values={"innovation": 30, "science": 20})
    with pytest.raises(ValidationError) as exc:
        judging.score_submit(actor=a.judge.user, assignment=a, values={"innovation": 41, "science": "好"})
    assert "“创新性”应在 0 到 40 之间" in str(exc.value) and "“科学性”应为数字" in str(exc.value)
    a.refresh_from_db()
    assert a.scored_at is None
    judging.score_submit(actor=a.judge.user, assignment=a, values={"innovation": 30, "science": 15})
    a.refresh_from_db()
    # 100 × (2 × 30/40 + 1 × 15/30) / 3 = 66.6667
    assert a.total == pytest.approx(66.6667, abs=1e-4) and a.values == {"innovation": 30.0, "science": 15.0}
    assert list(judging.judge_assignments(a.judge.user).values_list("pk", flat=True)) == list(
        JudgeAssignment.objects.unscoped(reason="test").filter(judge=a.judge).values_list("pk", flat=True)
    )


def test_missing_scores_are_listed_and_chased(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judging.round_assign(actor=admin, round=rnd)
    first = (
        JudgeAssignment.objects.unscoped(reason="test")
        .filter(round=rnd)
        .select_related("judge__user")
        .first()
    )
    for a in JudgeAssignment.objects.unscoped(reason="test").filter(judge=first.judge):
        judging.score_submit(actor=first.judge.user, assignment=a, values={"innovation": 20, "science": 20})
    missing = judging.missing_scores(rnd)
    assert first.judge not in [j for j, _e in missing] and sum(len(e) for _j, e in missing) == 8 - 2
    assert judging.round_chase(actor=admin, round=rnd) == len(missing)
    notes = Notification.objects.filter(kind="calls.review")
    assert {n.user_id for n in notes} == {j.user_id for j, _e in missing}
    assert all("未评分" in n.text for n in notes)
    with pytest.raises(ValidationError) as exc:
        judging.round_close(actor=admin, round=rnd)
    assert "尚有评分未交" in str(exc.value)


def test_rankings_side_by_side_ties_share_a_rank_and_prizes_keep_quotas(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judging.round_update(actor=admin, round=rnd, data={"ranking_method": "raw"})
    judging.round_assign(actor=admin, round=rnd)
    # the robot and the plants tie on top; the solar car splits its judges (spread flagged)
    _score_all(rnd, {"巡线机器人": (36, 27), "校园植物图鉴": (36, 27), "河水水质监测": (24, 18),
                     ("太阳能小车", "赵机器"): (40, 30), ("太阳能小车", "钱生物"): (0, 0),
                     ("太阳能小车", "李化学"): (0, 0), ("太阳能小车", "孙物理"): (40, 30)})  # fmt: skip
    rows = judging.round_ranking(rnd)
    by_title = {r["entry_obj"].title: r for r in rows}
    assert [r["rank"] for r in rows] == [1, 1, 3, 4]
    assert {"raw", "zscore", "calibrated", "raw_rank", "zscore_rank", "calibrated_rank"} <= set(rows[0])
    assert by_title["太阳能小车"]["spread_flagged"] and not by_title["巡线机器人"]["spread_flagged"]
    # 一等奖 at most 1: the tie of two does not fit, goes to 二等奖 whole (docs/contest.md)
    assert by_title["巡线机器人"]["prize_label"] == by_title["校园植物图鉴"]["prize_label"] == "二等奖"
    assert by_title["河水水质监测"]["prize"] == ""


def test_rounds_advance_the_top_n_to_the_next_round_with_its_own_judges(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judging.round_update(actor=admin, round=rnd, data={"ranking_method": "raw", "advance_rule": {"top": 2}})
    judging.round_assign(actor=admin, round=rnd)
    _score_all(rnd, {"巡线机器人": (38, 27), "校园植物图鉴": (36, 27), "太阳能小车": (30, 20),
                     "河水水质监测": (20, 15)})  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        judging.round_close(actor=admin, round=rnd)
    assert "下一轮" in str(exc.value)
    final = judging.round_create(
        actor=admin, call=review["call"], data={"name": "决赛", "per_entry": 1, "max_load": 2}
    )
    advanced = judging.round_close(actor=admin, round=rnd)
    assert {e.title for e in advanced} == {"巡线机器人", "校园植物图鉴"}
    assert {e.title for e in judging.round_entries(final)} == {"巡线机器人", "校园植物图鉴"}
    ranks = dict(
        RoundEntry.objects.unscoped(reason="test").filter(round=rnd).values_list("entry__title", "rank")
    )
    assert ranks == {"巡线机器人": 1, "校园植物图鉴": 2, "太阳能小车": 3, "河水水质监测": 4}
    with pytest.raises(ValidationError):  # a closed round takes no more scores
        a = (
            JudgeAssignment.objects.unscoped(reason="test")
            .filter(round=rnd)
            .select_related("judge__user")
            .first()
        )
        judging.score_submit(actor=a.judge.user, assignment=a, values={"innovation": 1, "science": 1})
    # the final has its own judges: none yet
    with pytest.raises(ValidationError) as exc:
        judging.round_plan(final)
    assert "评委" in str(exc.value)


def test_a_threshold_rule_advances_every_entry_at_or_above_it(world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    judging.round_update(
        actor=admin, round=rnd, data={"ranking_method": "raw", "advance_rule": {"threshold": 75}}
    )
    judging.round_assign(actor=admin, round=rnd)
    _score_all(
        rnd,
        {
            "巡线机器人": (30, 22.5),
            "校园植物图鉴": (36, 27),
            "太阳能小车": (30, 20),
            "河水水质监测": (20, 15),
        },
    )  # fmt: skip  (75, 90, 72.2, 50)
    judging.round_create(actor=admin, call=review["call"], data={"name": "复赛"})
    assert {e.title for e in judging.round_close(actor=admin, round=rnd)} == {"巡线机器人", "校园植物图鉴"}


def test_rubric_and_rules_are_checked_as_data(world, review):
    admin = world.users["city_admin"]
    with pytest.raises(ValidationError) as exc:
        judging.round_create(actor=admin, call=review["call"],
                             data={"name": "复赛", "criteria": [{"code": "a", "label": "创新", "weight": -1}]})  # fmt: skip
    assert "权重" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        judging.round_create(
            actor=admin, call=review["call"], data={"name": "复赛", "advance_rule": {"top": "十"}}
        )
    assert "晋级" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        judging.round_create(
            actor=admin, call=review["call"], data={"name": "复赛", "min_load": 5, "max_load": 2}
        )
    assert "最少件数" in str(exc.value)
