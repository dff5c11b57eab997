"""Writes of funded projects. Keyword-only, atomic, audited; money in fen (int).

A project of a programme with a call is applied for as an entry of that call (kind 项目申报)
and reviewed there (形式审查, committee votes, 立项公示); once the call is final,
`project_approve` grants it. Projects won from above without a call of the city's are
approved with the higher body's document. Every payment locks the project row, so two
concurrent payments cannot together overdraw the grant or a tranche."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from kexie.accounts.roles import EDIT, REVIEW
from kexie.calls import services as calls
from kexie.calls.codes import CallKind, CallStatus, EntryStatus
from kexie.core import audit
from kexie.core.scoping import in_scope
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_perm,
    require_unit_in_scope,
    transition,
)
from kexie.funds.codes import (
    PAYABLE,
    AcceptanceResult,
    ProjectStatus,
    ReportKind,
    TrancheCondition,
)
from kexie.funds.ledger import ledger, yuan
from kexie.funds.models import (
    Acceptance,
    BudgetLine,
    ConflictOfInterest,
    Payment,
    Programme,
    Project,
    ProjectReport,
    Tranche,
)

PROGRAMME_FIELDS = ("name", "kind", "direction", "year", "unit", "source_body", "budget_fen", "note")
MAX_FEN = 10**13  # 一千亿元: beyond any programme


def _today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


def _fen(value, field: str, *, positive: bool = True) -> int:
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or value < (1 if positive else 0)
        or value > MAX_FEN
    ):
        raise ValidationError({field: "金额应为以分计的正整数" if positive else "金额应为以分计的非负整数"})
    return value


def _require_manager(actor, project_or_programme, perm: str = EDIT) -> None:
    programme = getattr(project_or_programme, "programme", project_or_programme)
    if actor is not None and not in_scope(actor, programme.unit):
        raise Http404
    require_perm(actor, perm)


def _log(actor, verb: str, project: Project, **after) -> None:
    audit.log(actor=actor, action=f"kexie.project.{verb}", obj=project,
              after={"status": project.status, **after, "ledger": ledger(project).as_dict()})  # fmt: skip


# ---------------------------------------------------------------------- programmes


@transaction.atomic
def programme_create(*, actor, data: dict[str, Any], call_data: dict[str, Any] | None = None) -> Programme:
    """A programme; with `call_data`, also its call for projects (kind 项目申报)."""
    require_perm(actor, EDIT)
    programme = Programme()
    apply_fields(programme, data, PROGRAMME_FIELDS)
    if not programme.unit_id and actor is not None:
        programme.unit = actor.unit
    require_unit_in_scope(actor, programme.unit if programme.unit_id else None, "unit")
    _fen(programme.budget_fen, "budget_fen")
    if call_data is not None:
        programme.call = calls.call_create(
            actor=actor,
            data={"year": programme.year, **call_data, "kind": CallKind.GRANT, "entrant_kind": "project"},
        )
    full_clean_chinese(programme)
    programme.save()
    audit.log(actor=actor, action="kexie.programme.created", obj=programme, after=audit.snapshot(programme))
    return programme


# ---------------------------------------------------------------------- applications


def _budget(lines: list[dict]) -> list[tuple[str, int]]:
    if not lines:
        raise ValidationError({"budget_lines": "请填写预算明细"})
    rows = []
    for n, line in enumerate(lines, start=1):
        item = str(line.get("item") or "").strip()
        if not item:
            raise ValidationError({"budget_lines": f"预算第{n}行:请填写支出科目"})
        try:
            rows.append((item, _fen(line.get("amount_fen"), "budget_lines")))
        except ValidationError:
            raise ValidationError({"budget_lines": f"预算第{n}行:金额应为以分计的正整数"}) from None
    return rows


@transaction.atomic
def project_apply(
    *, actor, programme: Programme, title: str, undertaker, budget_lines: list[dict], leader_name: str = "",
    answers: dict | None = None, submit: bool = True,
) -> Project:  # fmt: skip
    """An application with its budget lines; the requested amount is their sum. Under a
    programme with a call it is also an entry of the call (submitted unless `submit` is false)."""
    require_perm(actor, EDIT)
    lines = _budget(budget_lines)
    project = Project(programme=programme, title=(title or "").strip(), undertaker=undertaker,
                      leader_name=leader_name, requested_fen=sum(a for _i, a in lines))  # fmt: skip
    if programme.call_id:
        entry = calls.entry_create(actor=actor, call=programme.call, data={
            "title": project.title, "organisation": undertaker, "answers": answers or {}})  # fmt: skip
        if submit:
            calls.entry_submit(actor=actor, entry=entry)
        project.entry = entry
    else:
        _require_manager(actor, programme)
    full_clean_chinese(project)
    project.save()
    BudgetLine.objects.bulk_create([BudgetLine(project=project, item=i, amount_fen=a) for i, a in lines])
    _log(actor, "applied", project, requested=project.requested_fen)
    return project


@transaction.atomic
def project_approve(
    *, actor, project: Project, granted_fen: int | None = None, on: dt.date | None = None,
    document_no: str = "", seen: str | None = None,
) -> Project:  # fmt: skip
    """立项 with the granted amount (default: as requested). A project applied through a call is
    approved only once the call's 立项公示 is over (the call final) and its entry was chosen.
    The programme's projects together never exceed its budget."""
    _require_manager(actor, project, REVIEW)
    programme = lock_for_update(project.programme)
    if project.entry_id:
        call = project.entry.call
        if call.status != CallStatus.FINAL:
            raise ValidationError("立项公示期满、结果确定后才能立项")
        if project.entry.status != EntryStatus.AWARDED:
            raise ValidationError(f"“{project}”未通过评审,不能立项")
    granted = _fen(project.requested_fen if granted_fen is None else granted_fen, "granted_fen")
    if granted > project.requested_fen:
        raise ValidationError({"granted_fen": f"立项金额不能超过申请金额 {yuan(project.requested_fen)} 元"})
    others = (
        Project.objects.unscoped(reason="a programme's budget counts all of its projects")
        .filter(programme=programme).exclude(pk=project.pk)
        .aggregate(n=Sum("granted_fen"))["n"] or 0
    )  # fmt: skip
    if others + granted > programme.budget_fen:
        free = programme.budget_fen - others
        raise ValidationError({"granted_fen": f"超出计划预算:尚可立项 {yuan(free)} 元"})
    transition(project, seen=seen or project.status, to=ProjectStatus.APPROVED, allowed_from=(ProjectStatus.APPLIED,),
               values={"granted_fen": granted, "approved_on": _today(on), "document_no": document_no})  # fmt: skip
    _log(actor, "approved", project, granted=granted)
    return project


@transaction.atomic
def project_reject(*, actor, project: Project, seen: str | None = None) -> Project:
    _require_manager(actor, project, REVIEW)
    transition(
        project, seen=seen or project.status, to=ProjectStatus.REJECTED, allowed_from=(ProjectStatus.APPLIED,)
    )
    _log(actor, "rejected", project)
    return project


@transaction.atomic
def programme_approve_from_call(*, actor, programme: Programme, on: dt.date | None = None) -> list[Project]:
    """After the programme's call is final: chosen entries' projects approved (as requested),
    the others not."""
    if not programme.call_id or programme.call.status != CallStatus.FINAL:
        raise ValidationError("项目征集结果确定后才能批量立项")
    approved = []
    waiting = Project.objects.unscoped(reason="every application of the programme").filter(
        programme=programme, status=ProjectStatus.APPLIED
    )
    for project in waiting.select_related("entry", "programme").order_by("id"):
        if project.entry and project.entry.status == EntryStatus.AWARDED:
            approved.append(
                project_approve(actor=actor, project=project, on=on, document_no=programme.call.title)
            )
        else:
            project_reject(actor=actor, project=project)
    return approved


# ---------------------------------------------------------------------- agreement and money


@transaction.atomic
def project_agree(
    *, actor, project: Project, agreement_no: str, tranches: list[dict], on: dt.date | None = None,
    seen: str | None = None, ends_on: dt.date | None = None,
) -> Project:  # fmt: skip
    """The agreement with its payment plan: tranches (amount, condition) adding up to the grant,
    and the date the project is to be finished by (default: the end of the programme's year)."""
    _require_manager(actor, project)
    on = _today(on)
    if ends_on is None:  # the end of the programme's year, or of the agreement's if later
        ends_on = dt.date(max(project.programme.year, on.year), 12, 31)
    if ends_on < on:
        raise ValidationError({"ends_on": "计划结题日期不能早于协议签订日期"})
    if not (agreement_no or "").strip():
        raise ValidationError({"agreement_no": "请填写协议编号"})
    if not tranches:
        raise ValidationError({"tranches": "请填写拨款计划"})
    rows = []
    for n, t in enumerate(tranches, start=1):
        if t.get("condition") not in TrancheCondition.values:
            raise ValidationError({"tranches": f"第{n}批:拨付条件不正确"})
        try:
            amount = _fen(t.get("amount_fen"), "tranches")
        except ValidationError:
            raise ValidationError({"tranches": f"第{n}批:金额应为以分计的正整数"}) from None
        rows.append(Tranche(project=project, seq=n, amount_fen=amount, condition=t["condition"]))
    total = sum(r.amount_fen for r in rows)
    if total != project.granted_fen:
        raise ValidationError(
            {"tranches": f"拨款计划合计 {yuan(total)} 元,与立项金额 {yuan(project.granted_fen)} 元不符"}
        )
    transition(project, seen=seen or project.status, to=ProjectStatus.AGREED, allowed_from=(ProjectStatus.APPROVED,),
               values={"agreement_no": agreement_no.strip(), "agreed_on": on, "ends_on": ends_on})  # fmt: skip
    Tranche.objects.bulk_create(rows)
    _log(actor, "agreed", project, tranches=[r.amount_fen for r in rows])
    return project


@transaction.atomic
def report_submit(
    *, actor, project: Project, kind: str, period_end: dt.date, text: str, spent_fen: int = 0
) -> ProjectReport:
    """A report of the undertaker (or staff for it)."""
    if actor is not None and not (
        in_scope(actor, project.undertaker) or in_scope(actor, project.programme.unit)
    ):
        raise Http404
    require_perm(actor, EDIT)
    if project.status not in (*PAYABLE, ProjectStatus.FAILED):
        raise ValidationError("项目签订协议后才能提交报告")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "报告类别不正确"})
    _fen(spent_fen, "spent_fen", positive=False)
    if spent_fen and kind != ReportKind.FINANCIAL:
        raise ValidationError({"spent_fen": "支出金额只在财务报告中填写"})
    if not (text or "").strip():
        raise ValidationError({"text": "请填写报告内容"})
    report = ProjectReport.objects.create(project=project, kind=kind, period_end=period_end, text=text.strip(),
                                          spent_fen=spent_fen)  # fmt: skip
    audit.log(actor=actor, action="kexie.project_report.submitted", obj=report,
              after={"kind": kind, "spent_fen": spent_fen})  # fmt: skip
    return report


@transaction.atomic
def report_accept(*, actor, report: ProjectReport) -> ProjectReport:
    """审核通过; a financial report's spending then counts, and must be covered by the money paid."""
    project = report.project
    _require_manager(actor, project, REVIEW)
    lock_for_update(project)
    if report.accepted:
        raise ValidationError("该报告已审核通过")
    after = ledger(project)
    if report.spent_fen > after.balance:
        raise ValidationError(
            {"spent_fen": f"本期支出 {yuan(report.spent_fen)} 元超过已拨付未支出的 {yuan(after.balance)} 元"}
        )
    ProjectReport.objects.of(report).update(accepted=True)
    report.accepted = True
    audit.log(
        actor=actor,
        action="kexie.project_report.accepted",
        obj=report,
        after={"ledger": ledger(project).as_dict()},
    )
    return report


def _condition_report(project: Project, tranche: Tranche) -> ProjectReport | None:
    kind = {
        TrancheCondition.MILESTONE: ReportKind.MILESTONE,
        TrancheCondition.FINANCIAL: ReportKind.FINANCIAL,
    }
    if tranche.condition == TrancheCondition.NONE:
        return None
    if tranche.condition == TrancheCondition.ACCEPTANCE:
        if project.status != ProjectStatus.PASSED:
            raise ValidationError({"tranche": f"第{tranche.seq}批须在验收通过后拨付"})
        return None
    if tranche.report_id:
        return tranche.report
    report = (
        ProjectReport.objects.unscoped(reason="the project's reports")
        .filter(project=project, kind=kind[tranche.condition], accepted=True, tranche__isnull=True)
        .order_by("period_end", "id").first()
    )  # fmt: skip
    if report is None:
        label = ReportKind(kind[tranche.condition]).label
        raise ValidationError({"tranche": f"第{tranche.seq}批须在{label}审核通过后拨付"})
    return report


@transaction.atomic
def tranche_pay(
    *, actor, tranche: Tranche, amount_fen: int, paid_on: dt.date | None = None, voucher_no: str = ""
) -> Payment:
    """Pay (part of) a tranche once its condition is met. The project row is locked first: of
    two concurrent payments the second sees the first, and neither may overdraw."""
    project = tranche.project
    _require_manager(actor, project, REVIEW)
    project = lock_for_update(project)
    tranche = lock_for_update(tranche)
    amount = _fen(amount_fen, "amount_fen")
    if project.status not in PAYABLE:
        raise ValidationError(f"项目状态为“{project.get_status_display()}”,不能拨款")
    if tranche.cancelled:
        raise ValidationError({"tranche": f"第{tranche.seq}批已取消"})
    report = _condition_report(project, tranche)
    paid_here = int(tranche.payments.aggregate(n=Sum("amount_fen"))["n"] or 0)
    if paid_here + amount > tranche.amount_fen:
        raise ValidationError(
            {"amount_fen": f"第{tranche.seq}批尚可拨付 {yuan(tranche.amount_fen - paid_here)} 元"}
        )
    now = ledger(project)
    if amount > now.remaining:
        raise ValidationError({"amount_fen": f"项目尚可拨付 {yuan(now.remaining)} 元"})
    if report is not None and not tranche.report_id:
        Tranche.objects.of(tranche).update(report=report)
    payment = Payment.objects.create(project=project, tranche=tranche, amount_fen=amount, paid_on=_today(paid_on),
                                     voucher_no=voucher_no, created_by=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    audit.log(actor=actor, action="kexie.payment.paid", obj=payment,
              after={"amount_fen": amount, "ledger": ledger(project).as_dict()})  # fmt: skip
    return payment


# ---------------------------------------------------------------------- acceptance and closing


@transaction.atomic
def project_accept(
    *,
    actor,
    project: Project,
    result: str,
    note: str = "",
    on: dt.date | None = None,
    seen: str | None = None,
) -> Project:
    """结题验收 on the final report: passed, needs rework (accepted again later) or failed."""
    _require_manager(actor, project, REVIEW)
    if result not in AcceptanceResult.values:
        raise ValidationError({"result": "验收结论应为 通过、需整改、不通过 之一"})
    has_final = ProjectReport.objects.unscoped(reason="the project's reports").filter(
        project=project, kind=ReportKind.FINAL
    )
    if not has_final.exists():
        raise ValidationError("请先提交结题报告")
    if result != AcceptanceResult.PASSED and not (note or "").strip():
        raise ValidationError({"note": "未通过验收须填写验收意见"})
    on = _today(on)
    to = {"passed": ProjectStatus.PASSED, "rework": ProjectStatus.REWORK, "failed": ProjectStatus.FAILED}[
        result
    ]
    transition(project, seen=seen or project.status, to=to, allowed_from=(ProjectStatus.AGREED, ProjectStatus.REWORK),
               values={"accepted_on": on})  # fmt: skip
    Acceptance.objects.create(project=project, result=result, decided_on=on, note=(note or "").strip())
    _log(actor, "accepted", project, result=result)
    return project


@transaction.atomic
def project_close(
    *, actor, project: Project, returned_fen: int = 0, on: dt.date | None = None, seen: str | None = None
) -> Project:
    """结项: what was not paid is withdrawn (the unpaid tranches cancelled); what was paid and
    not spent must come back (`returned_fen`), so that nothing is left open."""
    _require_manager(actor, project, REVIEW)
    lock_for_update(project)
    project.refresh_from_db()
    now = ledger(project)
    _fen(returned_fen, "returned_fen", positive=False)
    if returned_fen != now.balance:
        raise ValidationError(
            {"returned_fen": f"已拨付未支出 {yuan(now.balance)} 元,结项时须全部退回(填写 {now.balance} 分)"}
        )
    transition(project, seen=seen or project.status, to=ProjectStatus.CLOSED,
               allowed_from=(ProjectStatus.PASSED, ProjectStatus.FAILED),
               values={"withdrawn_fen": project.withdrawn_fen + now.remaining, "returned_fen": project.returned_fen + returned_fen,
                       "closed_on": _today(on)})  # fmt: skip
    paid_tranches = Payment.objects.unscoped(reason="the project's payments").filter(project=project)
    Tranche.objects.unscoped(reason="the project's tranches").filter(project=project).exclude(
        pk__in=paid_tranches.values("tranche")
    ).update(cancelled=True)
    _log(actor, "closed", project, withdrawn=now.remaining, returned=returned_fen)
    return project


@transaction.atomic
def conflict_declare(
    *, actor, project: Project, name: str, relation: str, person=None, recused: bool = True,
    on: dt.date | None = None,
) -> ConflictOfInterest:  # fmt: skip
    """A declared conflict of interest (回避) of a reviewer or staff member with a project."""
    _require_manager(actor, project)
    if not (name or "").strip() or not (relation or "").strip():
        raise ValidationError({"relation": "请填写姓名和利益关系"})
    row = ConflictOfInterest.objects.create(project=project, person=person, name=name.strip(),
                                            relation=relation.strip(), recused=recused, declared_on=_today(on))  # fmt: skip
    audit.log(actor=actor, action="kexie.conflict_of_interest.declared", obj=row,
              after={"relation": row.relation, "recused": recused})  # fmt: skip
    return row
