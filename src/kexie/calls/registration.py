"""Public registration (no login, on a phone) for a call that takes public entries.

The form carries a privacy notice the registrant must accept (PIPL art. 13/14: what is
collected, why, for how long, who sees it); a member under 14 on the day of registration needs
a guardian's name and consent (PIPL art. 31), recorded with its time. The entry is checked like
any other (form fields, eligibility rules) and submitted at once, owned by the call's
organiser; the registrant gets a capability link to follow its status and, later, download the
certificate."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.calls import rules
from kexie.calls.codes import CallStatus, EntryStatus, MemberRole
from kexie.calls.models import Call, Entry
from kexie.calls.services import (
    STATUS_CAPABILITY,
    _check_quota,
    _next_code,
    _refresh_identity,
    _resolve_institution,
    _store_members,
    entry_facts,
    validate_entry,
)
from kexie.core import audit, grants

GUARDIAN_AGE = 14
PRIVACY_NOTICE = (
    "我们收集您填写的姓名、出生日期、学校/单位和联系电话,仅用于本次活动的报名、资格审查、评审、"
    "结果公示与证书颁发;公示只公开姓名、学校/单位和获奖等级;联系电话加密保存,仅组织单位工作人员可见;"
    "活动结束后按档案管理规定保存。不满十四周岁的参赛者须由监护人同意后报名。"
)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_consents(members: list[dict], privacy_accepted: bool, today: dt.date) -> list[str]:
    problems = [] if privacy_accepted else ["请阅读并同意隐私说明"]
    for m in members:
        birth = m.get("birth_date")
        if birth is None or m.get("role") == MemberRole.ADVISER:
            continue
        if age_on(birth, today) < GUARDIAN_AGE and not (m.get("guardian_name") and m.get("guardian_consent")):
            problems.append(f"{m['name']}未满{GUARDIAN_AGE}周岁,须填写监护人姓名并由监护人勾选同意")
    return problems


@transaction.atomic
def entry_register(
    *,
    call: Call,
    data: dict,
    members: list[dict],
    privacy_accepted: bool,
    today: dt.date | None = None,
) -> tuple[Entry, str]:
    """A public registration: returns the submitted entry and the token of its status link."""
    today = today or timezone.localdate()
    if call.status != CallStatus.OPEN or not call.is_public:
        raise ValidationError("该活动未开放公开报名")
    if not members:
        raise ValidationError({"members": "请至少填写一名参赛者"})
    problems = _check_consents(members, privacy_accepted, today)
    if problems:
        raise ValidationError({"consent": problems})
    now = timezone.now()
    for m in members:
        consent = m.pop("guardian_consent", False)
        if consent:
            m["guardian_consent_at"] = now
    entry = Entry(call=call, submitting_unit=call.organiser, status=EntryStatus.DRAFT, **data)
    _resolve_institution(entry)
    validate_entry(entry)
    entry.code = _next_code(call)
    entry.save()
    _refresh_identity(entry, _store_members(entry, members))
    eligibility = rules.eligibility_problems(call.eligibility, entry_facts(entry))
    if eligibility:
        raise ValidationError({"eligibility": eligibility})
    _check_quota(entry)
    Entry.objects.of(entry).update(status=EntryStatus.SUBMITTED, submitted_at=now)
    entry.status, entry.submitted_at = EntryStatus.SUBMITTED, now
    audit.log(actor=None, action="kexie.entry.registered", obj=entry,
              after={"code": entry.code, "members": len(members), "privacy_accepted_at": now.isoformat()})  # fmt: skip
    _link, token = grants.link_create(actor=None, obj=entry, capability=STATUS_CAPABILITY)
    return entry, token
