"""Expert review (专家评审) of a call: rounds (初赛/复赛/决赛), judges from the directory, conflicts,
assignment by `kexie.engines.contest.assign`, rubric scoring by the judges, chasing missing
scores, rankings side by side (`kexie.engines.contest.rank_side_by_side`), proposed prize levels
within the call's quotas (`kexie.engines.contest.award`) and advancement to the next round.

Who does what: rounds, judges, conflicts, assignment, chasing and closing belong to staff of the
organiser's scope (EDIT; closing a round: REVIEW); scores belong to the judge alone (the account
the round names for them), whatever their unit. See docs/calls.md, "Expert review"."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kexie.accounts.roles import REVIEW
from kexie.calls.codes import EntryStatus
from kexie.calls.models import Entry, JudgeAssignment, JudgeConflict, ReviewRound, RoundEntry, RoundJudge
from kexie.calls.services import normalise_name, require_organiser
from kexie.core import audit
from kexie.core.imports.bulk import insert_rows
from kexie.core.services import lock_for_update
from kexie.engines import contest

ROUND_FIELDS = (
    "name",
    "per_entry",
    "min_load",
    "max_load",
    "criteria",
    "advance_rule",
    "ranking_method",
    "due_on",
)
DEFAULT_CRITERIA = [{"code": "overall", "label": "综合评价", "weight": 1, "max": 100}]
OWN_ENTRY = "本人参评"


# ---------------------------------------------------------------------- rubric and rules as data


def clean_criteria(criteria: Any) -> list[dict]:
    """`[{"code", "label", "weight", "max"}]`: each criterion scored 0..max, weighted."""
    if not criteria:
        return [dict(c) for c in DEFAULT_CRITERIA]
    if not isinstance(criteria, list):
        raise ValidationError({"criteria": "评分标准应为列表"})
    out, seen = [], set()
    for n, item in enumerate(criteria, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"criteria": f"第{n}项评分标准格式不对"})
        code, label = str(item.get("code") or "").strip(), str(item.get("label") or "").strip()
        weight, top = item.get("weight", 1), item.get("max", 100)
        if not code or not label or code in seen:
            raise ValidationError({"criteria": f"第{n}项评分标准缺少代码或名称,或代码重复"})
        if not _positive_number(weight) or not _positive_number(top):
            raise ValidationError({"criteria": f"评分标准“{label}”的权重和满分应为正数"})
        seen.add(code)
        out.append({"code": code, "label": label, "weight": float(weight), "max": float(top)})
    return out


def clean_advance_rule(rule: Any) -> dict:
    """`{}` (no advancement: the last round), `{"top": N}` or `{"threshold": x}`."""
    if not rule:
        return {}
    if not isinstance(rule, dict) or len(rule) != 1:
        raise ValidationError({"advance_rule": "晋级规则应为“前 N 名”或“分数线”之一"})
    if "top" in rule:
        if not isinstance(rule["top"], int) or isinstance(rule["top"], bool) or rule["top"] < 1:
            raise ValidationError({"advance_rule": "晋级名额应为正整数"})
        return {"top": rule["top"]}
    if "threshold" in rule and _number(rule["threshold"]):
        return {"threshold": float(rule["threshold"])}
    raise ValidationError({"advance_rule": "晋级规则应为“前 N 名”或“分数线”之一"})


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _positive_number(value) -> bool:
    return _number(value) and value > 0


def validate_round(rnd: ReviewRound) -> None:
    rnd.criteria = clean_criteria(rnd.criteria)
    rnd.advance_rule = clean_advance_rule(rnd.advance_rule)
    if rnd.ranking_method not in contest.METHODS:
        raise ValidationError({"ranking_method": "排序方法应为 raw、zscore 或 calibrated"})
    if not (rnd.name or "").strip():
        raise ValidationError({"name": "请填写轮次名称"})
    if rnd.per_entry < 1:
        raise ValidationError({"per_entry": "每件评委数至少为 1"})
    if rnd.min_load > rnd.max_load:
        raise ValidationError({"min_load": "每位评委最少件数不能大于最多件数"})


# ---------------------------------------------------------------------- rounds, judges, conflicts


def _require_open(rnd: ReviewRound) -> None:
    if rnd.is_closed:
        raise ValidationError(f"{rnd.name}已结束")


@transaction.atomic
def round_create(*, actor, call, data: dict[str, Any]) -> ReviewRound:
    """The call's next round of review (初赛, then 复赛, 决赛)."""
    require_organiser(actor, call)
    lock_for_update(call)
    last = (
        ReviewRound.objects.unscoped(reason="numbering within a call").filter(call=call).order_by("-number")
    )
    previous = last.first()
    rnd = ReviewRound(call=call, number=(previous.number + 1) if previous else 1)
    for name in ROUND_FIELDS:
        if name in data:
            setattr(rnd, name, data[name])
    validate_round(rnd)
    rnd.save()
    audit.log(actor=actor, action="kexie.review_round.created", obj=rnd, after=audit.snapshot(rnd))
    return rnd


@transaction.atomic
def round_update(*, actor, round: ReviewRound, data: dict[str, Any]) -> ReviewRound:
    require_organiser(actor, round.call)
    _require_open(round)
    before = audit.snapshot(round)
    for name in ROUND_FIELDS:
        if name in data:
            setattr(round, name, data[name])
    validate_round(round)
    round.save()
    audit.log(actor=actor, action="kexie.review_round.changed", obj=round, before=before,
              after=audit.snapshot(round))  # fmt: skip
    return round


@transaction.atomic
def round_judge_add(*, actor, round: ReviewRound, person, user, expertise: str = "") -> RoundJudge:
    """A directory expert judges the round, signing in with `user` to score."""
    require_organiser(actor, round.call)
    _require_open(round)
    if not person.is_expert:
        raise ValidationError({"person": f"{person.name}不在专家库中(人员未标记为“专家”)"})
    if user is None or not user.is_active:
        raise ValidationError({"user": "请选择评委登录用的有效账号"})
    taken = RoundJudge.objects.unscoped(reason="one judge per person and account in a round").filter(
        round=round
    )
    if taken.filter(person=person).exists() or taken.filter(user=user).exists():
        raise ValidationError({"person": f"{person.name}或该账号已是{round.name}的评委"})
    judge = RoundJudge.objects.create(
        round=round, person=person, user=user, expertise=(expertise or "").strip()
    )
    audit.log(actor=actor, action="kexie.round_judge.added", obj=judge,
              after={"round": str(round), "person": person.name, "user": user.get_username()})  # fmt: skip
    return judge


@transaction.atomic
def judge_conflict_add(*, actor, judge: RoundJudge, entry: Entry, kind: str, note: str = "") -> JudgeConflict:
    """A declared relation or a listed pair: the judge never gets the entry."""
    from kexie.calls.codes import ConflictKind

    require_organiser(actor, judge.round.call)
    if entry.call_id != judge.round.call_id:
        raise ValidationError({"entry": "该作品不属于本征集评选"})
    if kind not in ConflictKind.values:
        raise ValidationError({"kind": "回避类型应为“申报的利害关系”或“回避名单”"})
    row, _created = JudgeConflict.objects.unscoped(reason="one row per judge and entry").update_or_create(
        judge=judge, entry=entry, defaults={"kind": kind, "note": (note or "")[:200]}
    )
    audit.log(actor=actor, action="kexie.round_judge.conflict_added", obj=judge,
              after={"entry": entry.code, "kind": kind})  # fmt: skip
    return row


def round_entries(rnd: ReviewRound, members: bool = True, only: tuple[str, ...] | None = None) -> list[Entry]:
    """The entries of a round: the ones advanced into it, or, for a first round not yet
    assigned, every entry that passed the formal check (with their members prefetched unless
    `members` is False: the plan reads only two facts of each member, see `_member_facts`;
    `only` loads just those columns, without members)."""
    rows = RoundEntry.objects.unscoped(reason="the round's own entries").filter(round=rnd)
    if rows.exists() or rnd.number > 1:
        ids = rows.values_list("entry_id", flat=True)
        qs = Entry.objects.unscoped(reason="the round's own entries").filter(pk__in=ids)
    else:
        qs = Entry.objects.unscoped(reason="a first round takes every accepted entry of the call").filter(
            call=rnd.call, status=EntryStatus.ACCEPTED
        )
    if only is not None:
        return list(qs.select_related("institution", "organisation").only(*only).order_by("code"))
    qs = qs.select_related("institution", "organisation", "person").order_by("code")
    return list(qs.prefetch_related("members") if members else qs)


# What the assignment reads of an entry (`round_plan(..., light=True)`): loading only these
# columns leaves out the entry's dates, person record (decrypted fields) and others, which
# cost a sixth of a large contest's assignment to build into model instances.
ASSIGNMENT_FIELDS = ("id", "code", "title", "answers", "institution_name", "created_by", "person",
                     "institution__name", "organisation__name")  # fmt: skip


@dataclass(frozen=True)
class MemberFact:
    """What the assignment reads of a team member or adviser: who, and at which institution."""

    person_id: int | None
    institution: str


def _member_facts(rnd: ReviewRound, entries: list[Entry]) -> dict[int, list[MemberFact]]:
    """Each entry's members' people and institutions in one query over the call (no model
    instances: 5,000 members of a large contest cost more to build than to read)."""
    from kexie.calls.models import EntryMember

    out: dict[int, list[MemberFact]] = {e.pk: [] for e in entries}
    rows = (
        EntryMember.objects.unscoped(reason="the members of the round's entries")
        .filter(entry__call=rnd.call_id)
        .order_by("entry_id", "id")
        .values_list("entry_id", "person_id", "institution__name", "institution_name")
    )
    for entry_id, person_id, institution, typed in rows.iterator(chunk_size=2000):
        if entry_id in out:
            out[entry_id].append(MemberFact(person_id, institution or normalise_name(typed)))
    return out


def _judges(rnd: ReviewRound) -> list[RoundJudge]:
    return list(
        RoundJudge.objects.unscoped(reason="the round's judges")
        .filter(round=rnd)
        .select_related("person", "user")
        .prefetch_related("person__affiliations__organisation")
        .order_by("id")
    )


# ---------------------------------------------------------------------- assignment


def entry_institutions(entry: Entry, members: list[MemberFact] | None = None) -> tuple[str, ...]:
    """Every institution of the entry: its own, its unit entrant's, each member's and adviser's
    (`members` from `_member_facts`, else read from the entry)."""
    names = [entry.institution.name if entry.institution_id else normalise_name(entry.institution_name)]
    if entry.organisation_id:
        names.append(entry.organisation.name)
    if members is None:
        members = [
            MemberFact(
                m.person_id, m.institution.name if m.institution_id else normalise_name(m.institution_name)
            )
            for m in entry.members.all()
        ]
    names += [m.institution for m in members]
    return tuple(n for n in names if n)


def judge_institutions(judge: RoundJudge) -> tuple[str, ...]:
    return tuple(a.organisation.name for a in judge.person.affiliations.all())


def entry_text(entry: Entry) -> str:
    """What the affinity reads: the call's text answers (never names, never phones)."""
    texts = [str(v) for k, v in (entry.answers or {}).items() if isinstance(v, str)]
    return "\n".join(texts)


def judge_expertise(judge: RoundJudge) -> str:
    return judge.expertise or judge.person.profile or judge.person.get_discipline_display()


def _judge_ids(judges: list[RoundJudge]) -> dict[int, str]:
    """The engine's judge ids are the judges' names (so its sentences read as names), with the
    record number added where two judges share a name."""
    names = [j.person.name for j in judges]
    return {
        j.pk: j.person.name if names.count(j.person.name) == 1 else f"{j.person.name}#{j.pk}" for j in judges
    }


def _own_conflicts(
    entries: list[Entry], judges: list[RoundJudge], jid: dict[int, str], members: dict[int, list[MemberFact]]
) -> list[contest.Conflict]:
    """Own nominees (the judge's account created the entry) and the judge's own entries."""
    by_user: dict[int, list[RoundJudge]] = {}
    by_person: dict[int, list[RoundJudge]] = {}
    for j in judges:
        by_user.setdefault(j.user_id, []).append(j)
        by_person.setdefault(j.person_id, []).append(j)
    out = []
    for e in entries:
        if e.created_by_id:
            out += [
                contest.Conflict(e.code, jid[j.pk], contest.OWN_NOMINEE)
                for j in by_user.get(e.created_by_id, ())
            ]
        people = {e.person_id, *(m.person_id for m in members[e.pk])} - {None}
        for person in people:
            out += [contest.Conflict(e.code, jid[j.pk], OWN_ENTRY) for j in by_person.get(person, ())]
    return out


def _listed_conflicts(rnd: ReviewRound, jid: dict[int, str]) -> list[contest.Conflict]:
    from kexie.calls.codes import ConflictKind

    reason = {ConflictKind.DECLARED: contest.DECLARED_RELATION, ConflictKind.LISTED: contest.LISTED}
    rows = JudgeConflict.objects.unscoped(reason="the round's conflicts").filter(judge__round=rnd)
    return [
        contest.Conflict(code, jid[j], reason[kind])
        for code, j, kind in rows.values_list("entry__code", "judge_id", "kind")
        if j in jid
    ]


@dataclass
class Plan:
    """An assignment computed for a round (nothing saved): the engine's result, and names."""

    round: ReviewRound
    result: contest.Assignment
    entries: dict[str, Entry]
    judges: dict[str, RoundJudge]

    @property
    def infeasible(self) -> str | None:
        return self.result.infeasible

    def pairs(self) -> list[dict]:
        return [
            {"entry": self.entries[p.entry], "judge": self.judges[p.judge], "affinity": p.affinity,
             "explanation": p.explanation}
            for p in self.result.pairs
        ]  # fmt: skip

    def exclusions(self) -> list[dict]:
        return [
            {"entry": self.entries[x.entry], "judge": self.judges[x.judge], "explanation": x.explanation}
            for x in self.result.exclusions
        ]


def round_plan(rnd: ReviewRound, *, light: bool = False) -> Plan:
    """Runs `kexie.engines.contest.assign` over the round's entries and judges: K judges per
    entry, loads within bounds, no conflicted pair, the total affinity (the matching engine's
    score between the entry's text and the judge's expertise, scaled to [0, 1]) maximised.
    `light`: the plan's entries carry only `ASSIGNMENT_FIELDS` (for saving it, not showing it)."""
    entries = round_entries(rnd, members=False, only=ASSIGNMENT_FIELDS if light else None)
    judges = _judges(rnd)
    if not entries:
        raise ValidationError(f"{rnd.name}没有待评作品(形式审查通过或上一轮晋级的作品)")
    if not judges:
        raise ValidationError(f"{rnd.name}尚未设置评委")
    jid = _judge_ids(judges)
    members = _member_facts(rnd, entries)
    engine_entries = [
        contest.Entry(e.code, institutions=entry_institutions(e, members[e.pk]), title=e.title,
                      abstract=entry_text(e))
        for e in entries
    ]  # fmt: skip
    engine_judges = [
        contest.Judge(jid[j.pk], institutions=judge_institutions(j), expertise=judge_expertise(j))
        for j in judges
    ]
    conflicts = _own_conflicts(entries, judges, jid, members) + _listed_conflicts(rnd, jid)
    result = contest.assign(
        engine_entries, engine_judges, per_entry=rnd.per_entry, max_load=rnd.max_load, min_load=rnd.min_load,
        conflicts=conflicts,
    )  # fmt: skip
    return Plan(rnd, result, {e.code: e for e in entries}, {jid[j.pk]: j for j in judges})


def plan_why(plan: Plan, entry: Entry, judge: RoundJudge) -> str:
    """Why the pair was made, excluded, or not chosen."""
    jid = next(k for k, j in plan.judges.items() if j.pk == judge.pk)
    return plan.result.explain(entry.code, jid)


@transaction.atomic
def round_assign(*, actor, round: ReviewRound) -> Plan:
    """Computes and saves the round's assignment; refused (nothing saved) when infeasible, with
    what to relax, or once a judge has scored."""
    rnd = round
    require_organiser(actor, rnd.call)
    lock_for_update(rnd)
    _require_open(rnd)
    made = JudgeAssignment.objects.unscoped(reason="the round's assignments").filter(round=rnd)
    if made.filter(scored_at__isnull=False).exists():
        raise ValidationError("已有评委提交评分,不能重新分配")
    plan = round_plan(rnd, light=True)
    if plan.infeasible:
        raise ValidationError(plan.infeasible)
    made.delete()
    judge_pk = {name: j.pk for name, j in plan.judges.items()}
    entry_pk = {code: e.pk for code, e in plan.entries.items()}
    # Plain rows by executemany (kexie.core.imports.bulk): 3,540 model instances through
    # bulk_create cost a quarter of a large contest's assignment.
    insert_rows(
        JudgeAssignment,
        ("round", "judge", "entry", "affinity", "explanation", "values", "comment"),
        ((rnd.pk, judge_pk[p.judge], entry_pk[p.entry], p.affinity, p.explanation[:2000], {}, "")
         for p in plan.result.pairs),
    )  # fmt: skip
    present = set(
        RoundEntry.objects.unscoped(reason="the round's entries")
        .filter(round=rnd)
        .values_list("entry_id", flat=True)
    )
    insert_rows(
        RoundEntry, ("round", "entry"), ((rnd.pk, e.pk) for e in plan.entries.values() if e.pk not in present)
    )
    rnd.assigned_at = timezone.now()
    ReviewRound.objects.of(rnd).update(assigned_at=rnd.assigned_at)
    audit.log(actor=actor, action="kexie.review_round.assigned", obj=rnd,
              after={"pairs": len(plan.result.pairs), "total_affinity": plan.result.total_affinity})  # fmt: skip
    return plan


# ---------------------------------------------------------------------- scoring


def judge_assignments(user):
    """The judge's own assignments in every round not closed: the judge's pages read only these."""
    return (
        JudgeAssignment.objects.unscoped(reason="a judge reads their own assignments, in any unit")
        .filter(judge__user=user, round__closed_at__isnull=True, round__assigned_at__isnull=False)
        .select_related("round", "round__call", "entry")
        .order_by("round__call__title", "round__number", "entry__code")
    )


def get_own_assignment_or_404(user, pk) -> JudgeAssignment:
    row = judge_assignments(user).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def score_total(criteria: list[dict], values: dict[str, float]) -> float:
    """100 × Σ weight × value / max ÷ Σ weight: each criterion on its own scale, the total out of 100."""
    weights = sum(c["weight"] for c in criteria)
    total = sum(c["weight"] * values[c["code"]] / c["max"] for c in criteria)
    return round(100 * total / weights, 4)


def score_problems(criteria: list[dict], values: dict) -> dict[str, str]:
    problems = {}
    for c in criteria:
        raw = values.get(c["code"])
        top = f"{c['max']:g}"
        try:
            number = float(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            number = None
            problems[c["code"]] = f"“{c['label']}”应为数字"
            continue
        if number is None:
            problems[c["code"]] = f"“{c['label']}”:请打分(0–{top})"
        elif not math.isfinite(number) or not 0 <= number <= c["max"]:
            problems[c["code"]] = f"“{c['label']}”应在 0 到 {top} 之间"
    return problems


@transaction.atomic
def score_submit(*, actor, assignment: JudgeAssignment, values: dict, comment: str = "") -> JudgeAssignment:
    """A judge scores an entry given to them, each criterion of the rubric; a second submission
    replaces the first while the round is open."""
    if actor is None or assignment.judge.user_id != actor.pk:
        raise Http404
    rnd = assignment.round
    _require_open(rnd)
    problems = score_problems(rnd.criteria, values or {})
    if problems:
        raise ValidationError(problems)
    clean = {c["code"]: float(values[c["code"]]) for c in rnd.criteria}
    before = {"total": assignment.total}
    assignment.values, assignment.total = clean, score_total(rnd.criteria, clean)
    assignment.comment, assignment.scored_at = (comment or "").strip()[:2000], timezone.now()
    JudgeAssignment.objects.of(assignment).update(
        values=assignment.values,
        total=assignment.total,
        comment=assignment.comment,
        scored_at=assignment.scored_at,
    )
    audit.log(actor=actor, action="kexie.judge_assignment.scored", obj=assignment, before=before,
              after={"entry": assignment.entry.code, "total": assignment.total})  # fmt: skip
    return assignment


@transaction.atomic
def scores_record(
    *, actor, round: ReviewRound, sheets: list[tuple[JudgeAssignment, dict]], note: str = ""
) -> int:
    """Staff transcribe judges' paper score sheets (纸质评分表) in one go: each sheet checked
    against the rubric (every problem named by entry and judge, nothing written otherwise),
    written in bulk, with one audit entry for the batch. Returns how many were recorded."""
    rnd = round
    require_organiser(actor, rnd.call, REVIEW)
    _require_open(rnd)
    problems, rows, now = [], [], timezone.now()
    for assignment, values in sheets:
        if assignment.round_id != rnd.pk:
            problems.append(f"{assignment}:不属于{rnd.name}")
            continue
        bad = score_problems(rnd.criteria, values or {})
        if bad:
            problems.extend(f"{assignment.entry.code} · {assignment.judge}:{m}" for m in bad.values())
            continue
        clean = {c["code"]: float(values[c["code"]]) for c in rnd.criteria}
        assignment.values, assignment.total, assignment.scored_at = (
            clean,
            score_total(rnd.criteria, clean),
            now,
        )
        rows.append(assignment)
    if problems:
        raise ValidationError(problems)
    JudgeAssignment.objects.bulk_update(rows, ["values", "total", "scored_at"], batch_size=500)
    audit.log(actor=actor, action="kexie.review_round.scores_recorded", obj=rnd,
              after={"scores": len(rows), "judges": len({a.judge_id for a in rows})}, note=note)  # fmt: skip
    return len(rows)


def missing_scores(rnd: ReviewRound) -> list[tuple[RoundJudge, list[Entry]]]:
    """Who is missing what: each judge with the entries they have not scored."""
    rows = (
        JudgeAssignment.objects.unscoped(reason="the round's assignments")
        .filter(round=rnd, scored_at__isnull=True)
        .select_related("judge__person", "judge__user", "entry")
        .order_by("judge_id", "entry__code")
    )
    out: dict[int, tuple[RoundJudge, list[Entry]]] = {}
    for row in rows:
        out.setdefault(row.judge_id, (row.judge, []))[1].append(row.entry)
    return list(out.values())


@transaction.atomic
def round_chase(*, actor, round: ReviewRound) -> int:
    """Reminds every judge with scores missing (in-app and e-mail); returns how many."""
    from django.urls import reverse

    from kexie.core.notifications import notify

    require_organiser(actor, round.call)
    _require_open(round)
    missing = missing_scores(round)
    for judge, entries in missing:
        due = f",请于{round.due_on:%Y年%m月%d日}前完成" if round.due_on else ""
        notify(users=[judge.user], text=f"{round.call.title}{round.name}:您还有 {len(entries)} 件作品未评分{due}。",
               link=reverse("calls:judging"), kind="calls.review", email=True)  # fmt: skip
    audit.log(actor=actor, action="kexie.review_round.chased", obj=round,
              after={"judges": len(missing), "scores": sum(len(e) for _j, e in missing)})  # fmt: skip
    return len(missing)


# ---------------------------------------------------------------------- ranking, prizes, advancement


def _scores(rnd: ReviewRound) -> list[tuple[str, str, float]]:
    rows = JudgeAssignment.objects.unscoped(reason="the round's scores").filter(
        round=rnd, scored_at__isnull=False
    )
    return [(str(e), str(j), t) for e, j, t in rows.values_list("entry_id", "judge_id", "total")]


def _quotas(call, n: int) -> list[contest.Quota]:
    out = []
    for level in call.prize_levels:
        count, share = level.get("max_count"), level.get("max_share")
        if count is None and share is None:
            count = n
        out.append(contest.Quota(level["code"], share=share, count=count))
    return out


def round_ranking(rnd: ReviewRound) -> list[dict]:
    """One row per scored entry: raw mean, z-score and calibrated score and rank side by side,
    the spread between judges flagged, and the prize level the round's method proposes within
    the call's quotas (ties never split; docs/contest.md)."""
    scores = _scores(rnd)
    if not scores:
        return []
    rows = contest.rank_side_by_side(scores)
    ranked = contest.rank(scores, rnd.ranking_method)
    prizes = {}
    if rnd.call.prize_levels:
        prizes = {a.entry: a.level for a in contest.award(ranked, _quotas(rnd.call, len(ranked)))}
    entries = Entry.objects.unscoped(reason="the round's scored entries").in_bulk(
        [int(r["entry"]) for r in rows]
    )
    method = rnd.ranking_method
    rows.sort(key=lambda r: (r[f"{method}_rank"], r["entry"]))
    for row in rows:
        row["entry_obj"] = entries[int(row["entry"])]
        row["score"], row["rank"] = row[method], row[f"{method}_rank"]
        code = prizes.get(row["entry"])
        row["prize"], row["prize_label"] = code or "", rnd.call.prize_label(code) if code else ""
    return rows


def _advances(rule: dict, row: dict) -> bool:
    if "top" in rule:
        return row["rank"] <= rule["top"]  # a tie across the line advances whole
    return row["score"] >= rule["threshold"] - 1e-9


@transaction.atomic
def round_close(*, actor, round: ReviewRound) -> list[Entry]:
    """Closes a round once every score is in: records each entry's score and rank, and by the
    round's rule (top N, ties across the line advancing whole; or a score threshold) the entries
    that go on to the next round, which must exist. Returns the advanced entries."""
    rnd = round
    require_organiser(actor, rnd.call, REVIEW)
    lock_for_update(rnd)
    _require_open(rnd)
    if rnd.assigned_at is None:
        raise ValidationError(f"{rnd.name}尚未分配评委")
    missing = missing_scores(rnd)
    if missing:
        names = "、".join(f"{j.person.name}({len(e)} 件)" for j, e in missing)
        raise ValidationError(f"尚有评分未交:{names}")
    rows = round_ranking(rnd)
    rule = rnd.advance_rule
    following = (
        ReviewRound.objects.unscoped(reason="the call's next round")
        .filter(call=rnd.call, number=rnd.number + 1)
        .first()
    )
    if rule and following is None:
        raise ValidationError("请先新建下一轮评审,再结束本轮并确定晋级作品")
    advanced = []
    for row in rows:
        goes = _advances(rule, row) if rule else None
        RoundEntry.objects.unscoped(reason="the round's entries").filter(
            round=rnd, entry=row["entry_obj"]
        ).update(score=row["score"], rank=row["rank"], advanced=goes)
        if goes:
            advanced.append(row["entry_obj"])
    if following is not None and rule:
        RoundEntry.objects.bulk_create(RoundEntry(round=following, entry=e) for e in advanced)
    rnd.closed_at = timezone.now()
    ReviewRound.objects.of(rnd).update(closed_at=rnd.closed_at)
    audit.log(actor=actor, action="kexie.review_round.closed", obj=rnd,
              after={"entries": len(rows), "advanced": [e.code for e in advanced], "rule": rule})  # fmt: skip
    return advanced


# ---------------------------------------------------------------------- what a judge may see


def judge_view_of(entry: Entry, *, blind: bool) -> dict:
    """The entry as a judge sees it: code, title and the call's text answers; names and
    institutions only when the call is not blind. Members' names and phones never."""
    labels = {
        f["name"]: f["label"] for f in entry.call.form_fields if f.get("type") not in ("members", "file")
    }
    view = {
        "code": entry.code,
        "title": entry.title,
        "answers": [(labels[k], v) for k, v in (entry.answers or {}).items() if k in labels],
    }
    if not blind:
        view["entrant"] = entry.entrant_display
        view["institution"] = entry.institution_display
    return view


__all__ = [
    "Plan",
    "clean_advance_rule",
    "clean_criteria",
    "get_own_assignment_or_404",
    "judge_assignments",
    "judge_conflict_add",
    "judge_view_of",
    "missing_scores",
    "plan_why",
    "round_assign",
    "round_chase",
    "round_close",
    "round_create",
    "round_entries",
    "round_judge_add",
    "round_plan",
    "round_ranking",
    "round_update",
    "score_submit",
    "scores_record",
    "score_total",
]
