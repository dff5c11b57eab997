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
from kexie.calls.entry_files import check_file, file_fields, store_file
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


def _check_files(call: Call, files: dict) -> list[tuple[str, object, str]]:
    """(field, upload, extension) of each checked upload; every problem named at once (a missing
    required file, a wrong type, too large, a field the form does not have)."""
    specs = file_fields(call)
    problems, checked = [], []
    for name in files:
        if name not in specs:
            problems.append(f"报名表没有附件“{name}”")
    for name, spec in specs.items():
        upload = files.get(name)
        if upload is None:
            if spec.get("required"):
                problems.append(f"请上传{spec['label']}")
            continue
        try:
            checked.append((name, upload, check_file(spec, upload)))
        except ValidationError as exc:
            problems += exc.messages
    if problems:
        raise ValidationError({"files": problems})
    return checked


def _store_files(entry: Entry, checked: list[tuple[str, object, str]]) -> list:
    """Stores the checked uploads (the last step that can fail: every check is done before);
    if storing one fails, the ones stored before are deleted (their rows roll back)."""
    stored = []
    try:
        for name, upload, ext in checked:
            stored.append(store_file(entry, name, upload, ext))
    except BaseException:
        for row in stored:
            row.file.delete(save=False)
        raise
    return stored


@transaction.atomic
def entry_register(
    *,
    call: Call,
    data: dict,
    members: list[dict],
    privacy_accepted: bool,
    files: dict | None = None,
    today: dt.date | None = None,
) -> tuple[Entry, str]:
    """A public registration: returns the submitted entry and the token of its status link.

    `files` maps the call's `file` fields to uploads: each is checked (type, the field's
    extensions and size) and a required one must be there, before anything is saved."""
    today = today or timezone.localdate()
    if call.status != CallStatus.OPEN or not call.is_public:
        raise ValidationError("该活动未开放公开报名")
    if not members:
        raise ValidationError({"members": "请至少填写一名参赛者"})
    errors, checked = {}, []
    if problems := _check_consents(members, privacy_accepted, today):
        errors["consent"] = problems
    try:
        checked = _check_files(call, files or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
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
    stored = _store_files(entry, checked)
    Entry.objects.of(entry).update(status=EntryStatus.SUBMITTED, submitted_at=now)
    entry.status, entry.submitted_at = EntryStatus.SUBMITTED, now
    audit.log(actor=None, action="kexie.entry.registered", obj=entry,
              after={"code": entry.code, "members": len(members), "privacy_accepted_at": now.isoformat(),
                     "files": [{"field": f.field, "size": f.size, "ext": f.extension} for f in stored]})  # fmt: skip
    _link, token = grants.link_create(actor=None, obj=entry, capability=STATUS_CAPABILITY)
    return entry, token
