"""公示 and results: the public notice for a period counted in working days (the shared
calendar, kexie.core.workdays), written objections (异议) and their decisions, and the results
made final only after the period, landing on people's and units' records as honours.

The period: a notice published on day S runs for `notice_days` working days after S; it ends
at the end of `add_working_days(S, notice_days)` (holidays and 调休 counted as the calendar
says). Objections are taken until then; the results become final on a later day, once every
objection is decided."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import REVIEW
from kexie.calls.codes import CallKind, CallStatus, EntryStatus, ObjectionStatus, ObjectorKind
from kexie.calls.models import Call, Entry, Objection
from kexie.calls.services import require_organiser
from kexie.core import audit
from kexie.core.services import lock_for_update, transition
from kexie.core.workdays import add_working_days

UNDECIDED = (EntryStatus.SUBMITTED, EntryStatus.ACCEPTED)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def notice_end(starts_on: dt.date, days: int) -> dt.date:
    return add_working_days(starts_on, days)


def _entries(call: Call):
    return Entry.objects.unscoped(reason="a call's notice covers every entry to it").filter(call=call)


@transaction.atomic
def call_notice_start(
    *, actor, call: Call, starts_on: dt.date | None = None, seen: str | None = None
) -> Call:
    """Publish the decided results for objections. Every entry must be decided first."""
    require_organiser(actor, call, REVIEW)
    lock_for_update(call)
    waiting = _entries(call).filter(status__in=UNDECIDED).count()
    if waiting:
        raise ValidationError(f"还有 {waiting} 项申报未完成形式审查或评审决定,不能开始公示")
    if not _entries(call).filter(status=EntryStatus.AWARDED).exists():
        raise ValidationError("没有拟授奖/拟推荐的申报,无需公示")
    starts_on = _today(starts_on)
    ends_on = notice_end(starts_on, call.notice_days)
    before = transition(
        call, seen=seen or call.status, to=CallStatus.NOTICE, allowed_from=(CallStatus.OPEN, CallStatus.CLOSED),
        values={"notice_starts_on": starts_on, "notice_ends_on": ends_on},
    )  # fmt: skip
    audit.log(
        actor=actor, action="kexie.call.notice_started", obj=call, before={"status": before},
        after={"status": CallStatus.NOTICE, "notice_starts_on": str(starts_on), "notice_ends_on": str(ends_on)},
    )  # fmt: skip
    return call


def _check_objector(kind: str, name: str, unit: str, phone: str, seal) -> None:
    errors = {}
    if kind not in ObjectorKind.values:
        errors["objector_kind"] = "请选择以个人实名或单位盖章方式提出"
    if not (name or "").strip():
        errors["objector_name"] = "异议须署真实姓名(单位提出的,填写联系人姓名)"
    if kind == ObjectorKind.PERSON and not (phone or "").strip():
        errors["phone"] = "个人提出异议须留联系电话,以便核实"
    if kind == ObjectorKind.UNIT:
        if not (unit or "").strip():
            errors["objector_unit"] = "单位提出异议须填写单位名称"
        if not seal:
            errors["seal"] = "单位提出异议须上传加盖公章的书面材料"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def objection_file(
    *,
    call: Call,
    text: str,
    objector_kind: str,
    objector_name: str,
    entry: Entry | None = None,
    objector_unit: str = "",
    phone: str = "",
    seal=None,
    today: dt.date | None = None,
) -> Objection:
    """A written objection from the public notice page (no login): during the period only."""
    from kexie.core.uploads import check_upload

    today = _today(today)
    if call.status != CallStatus.NOTICE or call.notice_ends_on is None or today > call.notice_ends_on:
        raise ValidationError("不在公示期内,不能提出异议")
    if today < call.notice_starts_on:
        raise ValidationError("公示尚未开始")
    if entry is not None and (entry.call_id != call.pk or entry.status != EntryStatus.AWARDED):
        raise ValidationError({"entry": "异议对象不在本次公示名单中"})
    if not (text or "").strip():
        raise ValidationError({"text": "请填写异议内容和理由"})
    _check_objector(objector_kind, objector_name, objector_unit, phone, seal)
    if seal:
        check_upload(seal, [".pdf", ".jpg", ".jpeg", ".png"])
    objection = Objection.objects.create(
        call=call, entry=entry, text=text.strip(), objector_kind=objector_kind, objector_name=objector_name.strip(),
        objector_unit=(objector_unit or "").strip(), phone=phone or "", seal=seal or "",
    )  # fmt: skip
    audit.log(
        actor=None, action="kexie.objection.filed", obj=objection,
        after={"entry": entry.code if entry else "", "kind": objector_kind, "length": len(objection.text)},
    )  # fmt: skip
    return objection


def may_see_objector(user, call: Call) -> bool:
    """Only the handlers see who objected: reviewers of the organiser's scope."""
    from kexie.core.scoping import in_scope

    return bool(user and user.is_authenticated and user.has_perm(REVIEW) and in_scope(user, call.organiser))


@transaction.atomic
def objection_decide(*, actor, objection: Objection, upheld: bool, decision: str) -> Objection:
    """Decide and record an objection. An upheld objection against an entry withdraws its award."""
    require_organiser(actor, objection.call, REVIEW)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": "请填写处理意见"})
    to = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    values = {"decision": decision, "decided_by": actor, "decided_at": timezone.now()}
    transition(
        objection, seen=ObjectionStatus.PENDING, to=to, allowed_from=(ObjectionStatus.PENDING,), values=values
    )
    audit.log(
        actor=actor, action="kexie.objection.decided", obj=objection, after={"status": to}, note=decision
    )
    entry = objection.entry
    if upheld and entry is not None and entry.status == EntryStatus.AWARDED:
        transition(
            entry, seen=EntryStatus.AWARDED, to=EntryStatus.NOT_AWARDED, allowed_from=(EntryStatus.AWARDED,)
        )
        audit.log(
            actor=actor, action="kexie.entry.decided", obj=entry, before={"status": EntryStatus.AWARDED},
            after={"status": EntryStatus.NOT_AWARDED}, note=f"公示异议成立:{decision}",
        )  # fmt: skip
    return objection


@transaction.atomic
def call_finalise(*, actor, call: Call, today: dt.date | None = None, seen: str | None = None) -> Call:
    """Make the results final: only after the notice period, with every objection decided.
    The awarded entries land on the records as honours."""
    require_organiser(actor, call, REVIEW)
    today = _today(today)
    if call.status == CallStatus.NOTICE and call.notice_ends_on and today <= call.notice_ends_on:
        raise ValidationError(f"公示期至 {call.notice_ends_on} 结束,期满后才能确定结果")
    pending = call.objections.filter(status=ObjectionStatus.PENDING).count()
    if pending:
        raise ValidationError(f"还有 {pending} 件异议未处理")
    before = transition(call, seen=seen or call.status, to=CallStatus.FINAL, allowed_from=(CallStatus.NOTICE,),
                        values={"finalised_at": timezone.now()})  # fmt: skip
    honours = land_honours(actor=actor, call=call, on=today)
    from kexie.calls.higher import feed_back

    feed_back(actor=actor, call=call)
    audit.log(
        actor=actor, action="kexie.call.finalised", obj=call, before={"status": before},
        after={"status": CallStatus.FINAL, "honours": len(honours)},
    )  # fmt: skip
    return call


HONOUR_KIND = {
    CallKind.HONOUR: "commendation",
    CallKind.RECOMMENDATION: "recommendation",
    CallKind.COMPETITION: "award",
    CallKind.GRANT: "commendation",
    CallKind.DESIGNATION: "designation",
}


def land_honours(*, actor, call: Call, on: dt.date) -> list:
    """Each awarded entry of a final call becomes an honour on its person's or unit's record."""
    from kexie.honours.services import honour_record

    honours = []
    awarded = (
        _entries(call).filter(status=EntryStatus.AWARDED).select_related("person", "organisation", "call")
    )
    for entry in awarded.order_by("code"):
        data = {
            "unit": call.organiser, "kind": HONOUR_KIND[call.kind], "title": call.series or call.title,
            "level": call.honour_level, "year": call.year, "awarded_by": call.higher_body or call.organiser.name,
            "person": entry.person, "organisation": entry.organisation,
            "subject": "" if (entry.person_id or entry.organisation_id) else entry.entrant_name or entry.title,
            "prize": entry.prize_display, "awarded_on": on,
        }  # fmt: skip
        honours.append(honour_record(actor=actor, data=data, call=call, entry=entry))
    return honours


def entry_higher_result_record(
    *,
    actor,
    entry: Entry,
    result: str,
    prize: str = "",
    successful: bool | None = None,
    level: str | None = None,
):
    """A higher body's result fed back for an entry (省赛一等奖, 获批, 未入选); see
    `kexie.calls.higher.higher_result_record`."""
    from kexie.calls.higher import higher_result_record

    higher_result_record(
        actor=actor, entry=entry, result=result, prize=prize, successful=successful, level=level
    )
    return entry


CERTIFICATE_KIND = "call_result"


def _holder(entry: Entry) -> str:
    members = [m.name for m in entry.members.all() if m.role != "adviser"]
    return (
        "、".join(members)
        if members and not (entry.person_id or entry.organisation_id)
        else entry.entrant_display
    )


@transaction.atomic
def call_certificates_issue(*, actor, call: Call, issued_on: dt.date | None = None) -> list:
    """A certificate (verification code + QR, kexie.core.certificates) for each awarded entry of
    a final call that has none yet; issuing twice adds nothing."""
    from kexie.core.certificates import certificate_for_source, certificate_issue

    require_organiser(actor, call)
    if call.status != CallStatus.FINAL:
        raise ValidationError("结果确定后才能颁发证书")
    issued = []
    for entry in (
        _entries(call).filter(status=EntryStatus.AWARDED).prefetch_related("members").order_by("code")
    ):
        if certificate_for_source(entry):
            continue
        fields = [["编号", entry.code], ["名称", entry.title]]
        if entry.institution_display:
            fields.append(["单位/学校", entry.institution_display])
        if entry.prize:
            fields.append(["奖项", entry.prize_display])
        body = {
            "paragraphs": [f"在{call.title}中{'荣获' + entry.prize_display if entry.prize else '入选'}。"],
            "fields": fields,
        }
        issued.append(certificate_issue(
            actor=actor, kind=CERTIFICATE_KIND, holder_name=_holder(entry), title=call.title, unit=call.organiser,
            body=body, source=entry, issued_on=issued_on,
        ))  # fmt: skip
    return issued
