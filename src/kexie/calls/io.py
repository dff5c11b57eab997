"""Entries in bulk: import from xlsx/csv (a 问卷星 export is an xlsx with one row per answer
sheet) and the results export (xlsx, through the formula guard).

An import reads the sheet's header row, maps columns by their Chinese headers (the base
columns below, the call's own form fields by label, and 成员1…成员N for team members), checks
every row and every cell, and writes nothing unless every row is valid: each problem names the
row, the column header, the value and the reason. Valid rows are written in one transaction
with one audit entry (`kexie.entry.imported`), entries submitted as registrations."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT
from kexie.calls import rules
from kexie.calls.codes import CallStatus, EntryStatus, MemberRole
from kexie.calls.models import Call, Entry, EntryMember, InstitutionAlias
from kexie.calls.services import normalise_name, require_organiser
from kexie.core import audit
from kexie.core.services import lock_for_update
from kexie.directory.models import Organisation

BASE_COLUMNS = {
    "名称": "title",
    "参评人/单位": "entrant_name",
    "学校/单位": "institution_name",
    "省份": "province",
}
MEMBER_HEADER = re.compile(r"^(成员|指导教师)\d*$")
MAX_ROWS = 20000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    members: int = 0
    problems: list[str] = field(default_factory=list)


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    from kexie.core.imports.reader import read_upload

    header, rows, _example = read_upload(data, filename)
    return [str(h or "").strip() for h in header], list(rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value.isoformat() if isinstance(value, dt.date) else value).strip()


def _member(text: str, role: str) -> dict:
    """“姓名/学段” or just a name; advisers from 指导教师 columns."""
    name, _, stage = text.partition("/")
    return {"name": name.strip(), "role": role, "school_stage": stage.strip()}


def _institutions() -> dict[str, int]:
    """Every spelling kexie knows → organisation id (names and aliases), read once per import."""
    names = dict(
        Organisation.objects.unscoped(reason="institutions are reference data").values_list("name", "id")
    )
    names.update(dict(InstitutionAlias.objects.values_list("alias", "organisation_id")))
    return names


def _check_headers(headers: list[str], call: Call) -> tuple[dict, list[str]]:
    labels = {s["label"]: s for s in call.form_fields if s["type"] not in ("members", "file")}
    mapping, problems = {}, []
    for n, header in enumerate(headers):
        if not header:
            continue
        if header in BASE_COLUMNS or header in labels or MEMBER_HEADER.match(header):
            mapping[n] = header
        else:
            problems.append(
                f"第1行 列“{header}”:不是本次征集的列;可用列:{'、'.join([*BASE_COLUMNS, *labels])}、成员1…"
            )
    if "名称" not in mapping.values():
        problems.append("第1行:缺少“名称”列")
    return mapping, problems


def _parse_row(
    number: int, cells: list, mapping: dict, call: Call, spellings: dict
) -> tuple[dict, list, list[str]]:
    labels = {s["label"]: s for s in call.form_fields}
    data, answers, members, problems = {}, {}, [], []
    for index, header in mapping.items():
        value = _text(cells[index] if index < len(cells) else None)
        if header in BASE_COLUMNS:
            data[BASE_COLUMNS[header]] = value
        elif MEMBER_HEADER.match(header):
            if value:
                role = MemberRole.ADVISER if header.startswith("指导教师") else MemberRole.MEMBER
                members.append(_member(value, role))
        elif value:
            answers[labels[header]["name"]] = value
    if not data.get("title"):
        problems.append(f"第{number}行 列“名称”:不能为空")
    by_name = {s["name"]: s["label"] for s in call.form_fields}
    for name, message in rules.answer_problems(call.form_fields, answers).items():
        label = by_name.get(name, name)
        problems.append(f"第{number}行 列“{label}”:{message}")
    stages = {
        "小学": "primary",
        "初中": "junior",
        "高中": "senior",
        "中职": "vocational",
        "高校": "university",
    }
    for m in members:
        if m["school_stage"] and m["school_stage"] not in stages:
            problems.append(
                f"第{number}行 成员“{m['name']}”:学段“{m['school_stage']}”应为 {'、'.join(stages)} 之一"
            )
        m["school_stage"] = stages.get(m["school_stage"], "")
    data["institution_name"] = normalise_name(data.get("institution_name", ""))
    data["institution_id"] = spellings.get(data["institution_name"])
    data["answers"] = answers
    return data, members, problems


@transaction.atomic
def entries_import(*, actor, call: Call, data: bytes, filename: str, unit=None) -> ImportReport:
    """Registrations from a sheet, all or nothing. The call's organiser imports them."""
    headers, rows = read_rows(data, filename)
    return entries_import_table(actor=actor, call=call, headers=headers, rows=rows, unit=unit)


@transaction.atomic
def entries_import_table(*, actor, call: Call, headers: list[str], rows: list[tuple[int, list]], unit=None):
    """The same import from a table already read: (row number as the sheet shows it, cells)."""
    require_organiser(actor, call, EDIT)
    if call.status not in (CallStatus.OPEN, CallStatus.CLOSED):
        raise ValidationError("只有征集中或征集结束(待审查)的征集评选可以导入申报")
    report = ImportReport(rows=len(rows))
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_ROWS} 行,本文件有 {len(rows)} 行")
    mapping, report.problems = _check_headers(headers, call)
    if report.problems:
        raise ValidationError(report.problems)
    spellings = _institutions()
    parsed = []
    for number, cells in rows:
        values, members, problems = _parse_row(number, cells, mapping, call, spellings)
        report.problems += problems
        parsed.append((values, members))
    if report.problems:
        raise ValidationError(report.problems[:500])
    _write(actor, call, parsed, unit or call.organiser, report)
    return report


def _write(actor, call: Call, parsed: list, unit, report: ImportReport) -> None:
    lock_for_update(call)
    start = Entry.objects.unscoped(reason="numbering within a call").filter(call=call).count()
    now = timezone.now()
    entries = [
        Entry(
            call=call,
            code=f"{call.year}-{call.pk:03d}-{start + n:05d}",
            submitting_unit=unit,
            status=EntryStatus.SUBMITTED,
            submitted_at=now,
            created_by=actor if getattr(actor, "pk", None) else None,
            **{k: v for k, v in values.items()},
        )  # fmt: skip
        for n, (values, _members) in enumerate(parsed, start=1)
    ]
    Entry.objects.bulk_create(entries, batch_size=500)
    members = [
        EntryMember(entry=entry, **m)
        for entry, (_values, ms) in zip(entries, parsed, strict=True)
        for m in ms
    ]
    EntryMember.objects.bulk_create(members, batch_size=1000)
    report.created, report.members = len(entries), len(members)
    audit.log(
        actor=actor, action="kexie.entry.imported", obj=call,
        after={"entries": report.created, "members": report.members}, note=f"导入申报 {report.created} 项",
    )  # fmt: skip


# ---------------------------------------------------------------------- results export


def results_workbook(call: Call, entries) -> bytes:
    """The call's entries and results as xlsx, every cell through the formula guard."""
    from openpyxl import Workbook

    from kexie.core.imports.guard import guard_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "结果"
    sheet.append(
        ["编号", "名称", "参评人/单位", "学校/单位", "省份", "报送单位", "状态", "奖项", "上级评选结果"]
    )
    for e in entries:
        sheet.append([e.code, e.title, e.entrant_display, e.institution_display, e.province, str(e.submitting_unit),
                      e.get_status_display(), e.prize_display, f"{e.higher_result} {e.higher_prize}".strip()])  # fmt: skip
    guard_workbook(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
