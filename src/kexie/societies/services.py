"""Writes of the societies module: keyword-only, atomic, audited (kexie.core.audit).

Party building is written on the directory's yearly record (`party_record_set` calls
kexie.directory.services.organisation_year_set), so directory.party_coverage keeps one source.
A new society passes the 党建前置 check (`party_plan_problem`) before it is prepared.
Annual reports move draft → submitted → returned/accepted with kexie.core.services.transition,
like activities. Rectification, terms (换届) and evaluations are here too; the rules they
compute (due dates, flags, scores) are in kexie.societies.rules and .evaluation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core import audit
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_state_unchanged,
    require_unit_in_scope,
    save_with_audit,
    transition,
    unique_or_refuse,
)
from kexie.directory.codes import OrgKind, PartyForm
from kexie.directory.models import Organisation, OrganisationYear
from kexie.directory.services import organisation_create, organisation_year_set, position_add, position_end
from kexie.societies import offices, rules
from kexie.societies.models import (
    REPORT_EDITABLE,
    REPORT_REVIEWABLE,
    AnnualReport,
    Evaluation,
    EvaluationScheme,
    EvaluationStatus,
    FollowUp,
    Founding,
    FoundingStatus,
    ItemScore,
    PartyPlan,
    Rectification,
    RectificationStatus,
    ReportStatus,
    ScoreSource,
    Term,
)

REPORT_FIELDS = (
    "compliance", "registration_changes", "officer_changes", "income", "expenditure", "donations",
    "staff_count", "awards", "party_building", "other",
)  # fmt: skip
PARTY_FIELDS = ("party_form", "party_members", "party_secretary", "has_party_instructor", "member_count")
MANAGED_KINDS = (OrgKind.SOCIETY, OrgKind.ASSOCIATION, OrgKind.RESEARCH_INSTITUTE)


def _today() -> dt.date:
    return timezone.localdate()


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _require_supervisor(actor, org: Organisation) -> None:
    """Reviews, orders and scores come from a unit above the organisation, never from itself."""
    if actor is None or actor.is_superuser:
        return
    if org.pk == actor.unit_id:
        raise PermissionDenied(_("不能审核或评价本单位"))


# ---------------------------------------------------------------------- party building


@transaction.atomic
def party_record_set(*, actor, org: Organisation, year: int, data: dict[str, Any]) -> OrganisationYear:
    """The society's party organisation in `year`, on the directory's yearly record."""
    unknown = set(data) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationError({name: _("不允许修改此字段") for name in sorted(unknown)})
    return organisation_year_set(actor=actor, org=org, year=year, data=data)


# ---------------------------------------------------------------------- foundings (党建前置)


@transaction.atomic
def founding_prepare(*, actor, data: dict[str, Any]) -> Founding:
    """Start preparing (筹建) a society or research institute. Refused when the party plan
    fails the 党建前置 rule; registered with a warning when only an instructor is planned."""
    require_perm(actor, EDIT)
    founding = Founding(prepared_on=_today())
    apply_fields(
        founding, data,
        ("name", "kind", "supervisor", "party_plan", "party_members", "joint_branch", "prepared_on"),
    )  # fmt: skip
    if founding.supervisor_id is None and actor is not None:
        founding.supervisor = actor.unit
    require_unit_in_scope(actor, founding.supervisor, "supervisor")
    if founding.kind not in (OrgKind.SOCIETY, OrgKind.RESEARCH_INSTITUTE):
        raise ValidationError({"kind": _("类型:只能是学会或科研院所")})
    refusal, warning = rules.party_plan_check(
        founding.party_plan, founding.party_members, founding.joint_branch
    )
    if refusal:
        raise ValidationError({"party_plan": refusal})
    founding.party_warning = warning or ""
    full_clean_chinese(founding)
    founding.save()
    audit.log(actor=actor, action="kexie.founding.prepared", obj=founding, after=audit.snapshot(founding))
    return founding


_PLAN_FORM = {
    PartyPlan.INDEPENDENT: PartyForm.INDEPENDENT,
    PartyPlan.JOINT: PartyForm.JOINT,
    PartyPlan.INSTRUCTOR: PartyForm.NONE,
    PartyPlan.NONE: PartyForm.NONE,
}


@transaction.atomic
def founding_complete(*, actor, founding: Founding, founded_on: dt.date | None = None) -> Founding:
    """The society is set up: a directory organisation under the supervisor, with its first
    yearly record carrying the planned party organisation."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, founding)
    if lock_for_update(founding).status != FoundingStatus.PREPARING:
        raise ValidationError(_("只有筹建中的单位可以登记成立"))
    founded_on = founded_on or _today()
    org = organisation_create(
        actor=actor,
        data={"name": founding.name, "kind": founding.kind, "parent": founding.supervisor,
              "region": founding.supervisor.region},
        founding=founding,
    )  # fmt: skip
    if founding.kind == OrgKind.SOCIETY:
        party_record_set(
            actor=actor, org=org, year=founded_on.year,
            data={"party_form": _PLAN_FORM[founding.party_plan],
                  "party_members": founding.party_members or None,
                  "has_party_instructor": founding.party_plan == PartyPlan.INSTRUCTOR},
        )  # fmt: skip
    before = audit.snapshot(founding, ["status"])
    Founding.objects.of(founding).update(
        status=FoundingStatus.FOUNDED, founded_on=founded_on, organisation=org
    )
    founding.status, founding.founded_on, founding.organisation = FoundingStatus.FOUNDED, founded_on, org
    audit.log(
        actor=actor, action="kexie.founding.founded", obj=founding, before=before,
        after=audit.snapshot(founding, ["status", "organisation"]),
    )  # fmt: skip
    return founding


# ---------------------------------------------------------------------- annual reports


@transaction.atomic
def annual_report_prepare(*, actor, org: Organisation, year: int) -> AnnualReport:
    """The report of `org` for `year`, pre-filled from what kexie holds (created if absent)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    if org.kind not in MANAGED_KINDS:
        raise ValidationError({"organisation": _("单位:只有学会、科协和科研院所填报年度报告")})
    report = AnnualReport.objects.within(org).filter(organisation=org, year=year).first()
    if report is not None:
        return report
    report = AnnualReport(organisation=org, year=year, prefilled=rules.prefill(org, year))
    full_clean_chinese(report)
    report.save()
    audit.log(actor=actor, action="kexie.annual_report.created", obj=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def annual_report_update(*, actor, report: AnnualReport, data: dict[str, Any]) -> AnnualReport:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    require_state_unchanged(report)
    if not report.is_editable:
        raise ValidationError(_("年度报告已提交,不能修改"))
    before = audit.snapshot(report)
    apply_fields(report, data, REPORT_FIELDS)
    for name in ("income", "expenditure", "donations"):
        value = getattr(report, name)
        if value is not None and not isinstance(value, Decimal):
            setattr(report, name, Decimal(str(value)))
    return save_with_audit(
        obj=report,
        actor=actor,
        action="kexie.annual_report.changed",
        before=before,
        validate=full_clean_chinese,
    )


@transaction.atomic
def annual_report_submit(*, actor, report: AnnualReport, seen: str | None = None) -> AnnualReport:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    missing = [str(AnnualReport._meta.get_field(f).verbose_name) for f in rules.REPORT_REQUIRED
               if getattr(report, f) in (None, "")]  # fmt: skip
    if missing:
        raise ValidationError(_("请先填写:%(f)s") % {"f": "、".join(missing)})
    before = audit.snapshot(report, ["status"])
    transition(
        report, seen=seen or report.status, to=ReportStatus.SUBMITTED, allowed_from=REPORT_EDITABLE,
        values={"submitted_at": timezone.now(), "return_reason": "",
                "prefilled": rules.prefill(report.organisation, report.year)},
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.annual_report.submitted", obj=report, before=before,
              after=audit.snapshot(report, ["status"]))  # fmt: skip
    return report


@transaction.atomic
def annual_report_return(
    *, actor, report: AnnualReport, reason: str, seen: str | None = None
) -> AnnualReport:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, report)
    _require_supervisor(actor, report.organisation)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回原因:请填写")})
    before = audit.snapshot(report, ["status"])
    transition(
        report, seen=seen or report.status, to=ReportStatus.RETURNED, allowed_from=REPORT_REVIEWABLE,
        values={"return_reason": reason[:300], "reviewed_at": timezone.now(), "reviewed_by": _user(actor)},
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.annual_report.returned", obj=report, before=before,
              after=audit.snapshot(report, ["status", "return_reason"]))  # fmt: skip
    return report


@transaction.atomic
def annual_report_accept(*, actor, report: AnnualReport, seen: str | None = None) -> AnnualReport:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, report)
    _require_supervisor(actor, report.organisation)
    before = audit.snapshot(report, ["status"])
    transition(
        report, seen=seen or report.status, to=ReportStatus.ACCEPTED, allowed_from=REPORT_REVIEWABLE,
        values={"reviewed_at": timezone.now(), "reviewed_by": _user(actor)},
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.annual_report.accepted", obj=report, before=before,
              after=audit.snapshot(report, ["status"]))  # fmt: skip
    return report


def annual_report_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the societies whose report for last year is not yet submitted, and the supervising
    units whose submitted reports wait for the first review, when the 31 March deadline is
    within REMIND_DAYS or past. Returns the number of notifications. Meant to run daily (the
    job scheduler runs it: kexie/societies/schedules.py)."""
    from kexie.accounts.models import User
    from kexie.core.notifications import notify

    today = today or _today()
    year = today.year - 1
    due = rules.first_review_due(year)
    if (due - today).days > rules.REMIND_DAYS:
        return 0
    reports = {r.organisation_id: r for r in AnnualReport.objects.unscoped(reason="a reminder over every unit")
               .filter(year=year).select_related("organisation")}  # fmt: skip
    orgs = Organisation.objects.unscoped(reason="every society is reminded").filter(
        kind__in=(OrgKind.SOCIETY,), is_active=True
    )
    users = User.objects.unscoped(reason="the people a reminder goes to").filter(is_active=True)
    sent = 0
    for org in orgs:
        report = reports.get(org.pk)
        if report is None or report.is_editable:
            staff = [u for u in users.filter(unit=org) if u.has_perm(EDIT)]
            text = _("%(o)s %(y)s年度报告尚未提交,初审截止日期为%(d)s") % {"o": org, "y": year, "d": due}
        elif report.is_reviewable and org.parent_id:
            staff = [u for u in users.filter(unit_id=org.parent_id) if u.has_perm(REVIEW)]
            text = _("%(o)s %(y)s年度报告待初审,截止日期为%(d)s") % {"o": org, "y": year, "d": due}
        else:
            continue
        sent += len(notify(users=staff, text=text, kind="societies.annual_report"))
    return sent


# ---------------------------------------------------------------------- rectification


@transaction.atomic
def rectification_order(*, actor, org: Organisation, data: dict[str, Any]) -> Rectification:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, org)
    _require_supervisor(actor, org)
    if org.kind not in MANAGED_KINDS:
        raise ValidationError({"organisation": _("整改单位:只能是学会、科协或科研院所")})
    item = Rectification(
        organisation=org, ordered_on=_today(), ordered_by=actor.unit if actor else org.parent
    )
    apply_fields(item, data, ("reasons", "required_evidence", "deadline", "ordered_on"))
    if item.deadline and item.ordered_on and item.deadline <= item.ordered_on:
        raise ValidationError({"deadline": _("整改期限:应晚于下达日期")})
    full_clean_chinese(item)
    item.save()
    audit.log(actor=actor, action="kexie.rectification.ordered", obj=item, after=audit.snapshot(item))
    return item


@transaction.atomic
def rectification_follow_up(*, actor, item: Rectification, data: dict[str, Any]) -> FollowUp:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, item)
    if not item.is_open:
        raise ValidationError(_("整改已办结,不能再添加跟踪记录"))
    step = FollowUp(rectification=item, on=_today())
    apply_fields(step, data, ("on", "note", "evidence"))
    full_clean_chinese(step)
    step.save()
    audit.log(actor=actor, action="kexie.rectification.followed_up", obj=step, after=audit.snapshot(step))
    return step


@transaction.atomic
def rectification_decide(
    *,
    actor,
    item: Rectification,
    outcome: str,
    note: str,
    new_deadline: dt.date | None = None,
    seen: str | None = None,
    on: dt.date | None = None,
) -> Rectification:
    """The outcome: "closed" (rectified), "extended" (a new deadline, still open) or
    "escalated" (handed to deregistration), decided `on` (today unless given)."""
    on = on or _today()
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, item)
    _require_supervisor(actor, item.organisation)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("整改结论:请填写")})
    before = audit.snapshot(item, ["status", "deadline", "outcome"])
    open_ = (RectificationStatus.OPEN,)
    if outcome == "extended":
        if new_deadline is None or new_deadline <= item.deadline:
            raise ValidationError(
                {"new_deadline": _("延长后的期限:应晚于原期限%(d)s") % {"d": item.deadline}}
            )
        transition(item, seen=seen or item.status, to=RectificationStatus.OPEN, allowed_from=open_,
                   values={"deadline": new_deadline, "extensions": item.extensions + 1})  # fmt: skip
        FollowUp.objects.create(
            rectification=item, on=on, note=_("延期至%(d)s:%(n)s") % {"d": new_deadline, "n": note}
        )
    elif outcome in (RectificationStatus.CLOSED, RectificationStatus.ESCALATED):
        transition(item, seen=seen or item.status, to=outcome, allowed_from=open_,
                   values={"outcome": note, "closed_on": on})  # fmt: skip
    else:
        raise ValidationError({"outcome": _("整改结论:只能是整改完成、延期或移交注销程序")})
    audit.log(actor=actor, action=f"kexie.rectification.{outcome}", obj=item, before=before,
              after=audit.snapshot(item, ["status", "deadline", "outcome"]))  # fmt: skip
    return item


# ---------------------------------------------------------------------- terms (换届)


@transaction.atomic
def term_create(*, actor, org: Organisation, data: dict[str, Any], officers: list[dict] = ()) -> Term:
    """A term of office, with its officers (person, role) from the congress date. The previous
    term's officers leave office the day before."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    if org.kind not in MANAGED_KINDS:
        raise ValidationError({"organisation": _("单位:只有学会、科协和科研院所有届次")})
    term = Term(organisation=org)
    apply_fields(
        term,
        data,
        ("number", "starts_on", "ends_on", "congress_on", "filed_on", "member_count", "board_size"),
    )
    if term.starts_on and not term.ends_on:
        term.ends_on = rules.term_end(term.starts_on)
    if term.number is None:
        last = Term.objects.within(org).filter(organisation=org).order_by("-number").first()
        term.number = last.number + 1 if last else 1
    if term.starts_on and term.ends_on and term.ends_on <= term.starts_on:
        raise ValidationError({"ends_on": _("本届届满日期:应晚于开始日期")})
    full_clean_chinese(term)
    unique_or_refuse(
        term.save, ValidationError({"number": _("届次:该单位已有第%(n)s届") % {"n": term.number}})
    )
    # The leadership in office before this term leaves the day before it starts (a position
    # that started later belongs to a term recorded out of order and is left as it is).
    for position in offices.positions([org.pk]):
        if position.ends_on is None and (position.starts_on is None or position.starts_on < term.starts_on):
            position_end(actor=actor, position=position, ends_on=term.starts_on - dt.timedelta(days=1))
    for row in officers:
        officer_add(actor=actor, term=term, person=row["person"], role=row["role"],
                    starts_on=row.get("starts_on"))  # fmt: skip
    audit.log(actor=actor, action="kexie.term.created", obj=term, after=audit.snapshot(term))
    return term


def officer_add(*, actor, term: Term, person, role: str, starts_on: dt.date | None = None,
                ends_on: dt.date | None = None):  # fmt: skip
    """An officer of `term`: a directory position at the term's organisation from `starts_on`
    (the term's start unless given), so the person's page shows it with its dates."""
    if role not in offices.TITLES:
        raise ValidationError({"role": _("职务:只能是理事长、副理事长、秘书长或理事")})
    starts_on = starts_on or term.starts_on
    if starts_on < term.starts_on:
        raise ValidationError({"starts_on": _("任职日期:不能早于本届开始日期")})
    return position_add(actor=actor, person=person, organisation=term.organisation, role=offices.title_of(role),
                        starts_on=starts_on, ends_on=ends_on)  # fmt: skip


@transaction.atomic
def officer_appoint(*, actor, org: Organisation, person, role: str, starts_on: dt.date):
    """An officer appointed between congresses (a 秘书长 replaced, a 理事 co-opted): a directory
    position at `org` from `starts_on`, audited by the directory (kexie.position.added). The
    same person cannot hold the same office twice at once."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    if org.kind not in MANAGED_KINDS:
        raise ValidationError({"organisation": _("单位:只有学会、科协和科研院所登记负责人")})
    if role not in offices.TITLES:
        raise ValidationError({"role": _("职务:只能是理事长、副理事长、秘书长或理事")})
    if starts_on is None:
        raise ValidationError({"starts_on": _("任职日期:请填写")})
    title = offices.title_of(role)
    held = [p for p in offices.positions([org.pk])
            if p.person_id == person.pk and p.role == title and (p.ends_on is None or p.ends_on >= starts_on)]  # fmt: skip
    if held:
        raise ValidationError(
            {"person": _("%(n)s已任%(r)s(%(d)s起),请先登记离任") % {"n": person.name, "r": title,
                                                              "d": held[0].starts_on or "—"}}
        )  # fmt: skip
    return position_add(actor=actor, person=person, organisation=org, role=title, starts_on=starts_on)


@transaction.atomic
def officer_end(*, actor, org: Organisation, position, ends_on: dt.date):
    """An officer leaves office on `ends_on` (the last day), audited by the directory
    (kexie.position.ended). Only `org`'s officer positions, still open, can be ended."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    if position.organisation_id != org.pk or position.role not in offices.CODES:
        raise ValidationError(_("不是本单位的负责人职务"))
    if position.ends_on is not None:
        raise ValidationError(_("%(n)s已于%(d)s离任") % {"n": position.person.name, "d": position.ends_on})
    if ends_on is None:
        raise ValidationError({"ends_on": _("离任日期:请填写")})
    return position_end(actor=actor, position=position, ends_on=ends_on)


@transaction.atomic
def term_record_congress(*, actor, term: Term, congress_on: dt.date, filed_on: dt.date | None = None) -> Term:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, term)
    if congress_on is None:
        raise ValidationError({"congress_on": _("换届大会日期:请填写")})
    if congress_on <= term.starts_on:
        raise ValidationError(
            {"congress_on": _("换届大会日期:应晚于本届开始日期%(d)s") % {"d": term.starts_on}}
        )
    if filed_on is not None and filed_on < congress_on:
        raise ValidationError({"filed_on": _("换届备案日期:不能早于换届大会日期")})
    before = audit.snapshot(term)
    term.congress_on, term.filed_on = congress_on, filed_on
    return save_with_audit(obj=term, actor=actor, action="kexie.term.changed", before=before,
                           validate=full_clean_chinese)  # fmt: skip


# ---------------------------------------------------------------------- evaluation


@transaction.atomic
def scheme_create(*, actor, name: str, items: list[dict], grades: list) -> EvaluationScheme:
    require_perm(actor, REVIEW)
    from kexie.societies.evaluation import scheme_problem

    problem = scheme_problem(items, grades)
    if problem:
        raise ValidationError({"items": problem})
    scheme = EvaluationScheme(name=name, owner=actor.unit if actor else None, items=items, grades=grades)
    full_clean_chinese(scheme)
    unique_or_refuse(scheme.save, ValidationError({"name": _("名称:已有同名的评估指标体系")}))
    audit.log(actor=actor, action="kexie.evaluation_scheme.created", obj=scheme, after=audit.snapshot(scheme))
    return scheme


@transaction.atomic
def evaluation_open(
    *, actor, org: Organisation, scheme: EvaluationScheme, year: int, evaluators=()
) -> Evaluation:
    """Open an evaluation; evaluators in conflict with the society (kexie.engines.contest's
    rules: same institution, the avoidance list) are refused by name."""
    from kexie.societies.evaluation import conflicted

    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, org)
    require_obj_in_scope(actor, scheme)
    _require_supervisor(actor, org)
    if org.kind not in MANAGED_KINDS:
        raise ValidationError({"organisation": _("评估单位:只能是学会、科协或科研院所")})
    bad = conflicted(org, list(evaluators))
    if bad:
        raise ValidationError(
            {
                "evaluators": _("评估专家存在利益冲突,须回避:%(n)s")
                % {"n": "、".join(f"{p.name}({why})" for p, why in bad)}
            }
        )
    evaluation = Evaluation(organisation=org, scheme=scheme, year=year)
    full_clean_chinese(evaluation)
    unique_or_refuse(evaluation.save, ValidationError(_("该单位本年度已按此指标体系评估")))
    evaluation.evaluators.set(list(evaluators))
    audit.log(actor=actor, action="kexie.evaluation.opened", obj=evaluation, after=audit.snapshot(evaluation))
    return evaluation


@transaction.atomic
def evaluation_score(
    *, actor, evaluation: Evaluation, item_code: str, score=None, evidence: str = ""
) -> ItemScore:
    """Score one item: by hand (`score` given, with evidence), or from records when the item
    names a rule and no score is given."""
    from kexie.societies.evaluation import score_from_records

    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, evaluation)
    _require_supervisor(actor, evaluation.organisation)
    if lock_for_update(evaluation).status != EvaluationStatus.SCORING:
        raise ValidationError(_("评估已定级,不能再评分"))
    item = evaluation.scheme.item(item_code)
    if item is None:
        raise ValidationError({"item_code": _("细则编号:“%(c)s”不在指标体系中") % {"c": item_code}})
    if score is None:
        if not item.get("source"):
            raise ValidationError({"score": _("得分:此项须人工评分")})
        score, evidence, source = *score_from_records(item, evaluation), ScoreSource.RECORDS
    else:
        source = ScoreSource.HAND
        if not (evidence or "").strip():
            raise ValidationError({"evidence": _("依据:人工评分须写明依据")})
    score = Decimal(str(score))
    if not (0 <= score <= Decimal(item["max"])):
        raise ValidationError(
            {"score": _("得分:%(c)s 应在0至%(m)s之间") % {"c": item_code, "m": item["max"]}}
        )
    row, created = ItemScore.objects.within(evaluation.organisation).get_or_create(
        evaluation=evaluation, item_code=item_code,
        defaults={"score": score, "source": source, "evidence": evidence, "scored_by": _user(actor)},
    )  # fmt: skip
    if not created:
        row.score, row.source, row.evidence, row.scored_by = score, source, evidence, _user(actor)
        row.save()
    audit.log(actor=actor, action="kexie.evaluation.scored", obj=row, after=audit.snapshot(row))
    return row


@transaction.atomic
def evaluation_finish(*, actor, evaluation: Evaluation, seen: str | None = None) -> Evaluation:
    """Total and grade, once every item is scored."""
    from kexie.societies.evaluation import grade_of

    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, evaluation)
    _require_supervisor(actor, evaluation.organisation)
    scores = dict(ItemScore.objects.within(evaluation.organisation).filter(evaluation=evaluation)
                  .values_list("item_code", "score"))  # fmt: skip
    missing = [i["code"] for i in evaluation.scheme.items if i["code"] not in scores]
    if missing:
        raise ValidationError(_("尚有细则未评分:%(c)s") % {"c": "、".join(missing[:10])})
    total = sum(scores.values(), Decimal(0))
    before = audit.snapshot(evaluation, ["status"])
    transition(evaluation, seen=seen or evaluation.status, to=EvaluationStatus.FINISHED,
               allowed_from=(EvaluationStatus.SCORING,),
               values={"total": total, "grade": grade_of(evaluation.scheme, total)})  # fmt: skip
    audit.log(actor=actor, action="kexie.evaluation.finished", obj=evaluation, before=before,
              after=audit.snapshot(evaluation, ["status", "total", "grade"]))  # fmt: skip
    return evaluation
