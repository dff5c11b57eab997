"""Exports in the tables' own layout (xlsx: one sheet a table named by its code first, head and
stamp lines, printable), a machine-readable JSON export, and import of a unit's tables from
kexie's own xlsx export (hand cells only; errors name sheet, row and column, nothing changes)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from kexie.core import audit
from kexie.core.imports.guard import guard_workbook
from kexie.core.imports.reader import FileProblem, check_unpacked_size
from kexie.core.services import require_obj_in_scope, require_perm
from kexie.stats import checks, compute, definitions, services
from kexie.stats.models import CellSource, StatsCell, StatsReport

META_SHEET = "kexie"
FIRST_DATA_ROW = 5  # title, head line, blank, header, then the rows
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def values_of(report: StatsReport) -> dict[tuple[str, str], str]:
    """What the report states, as shown: a city's summary (本级 + counties), a county's own cells."""
    if compute.counties_of(report.unit):
        totals, _problems = checks.summary(report)
        return {k: ("-" if v is None else str(v)) for k, v in totals.items()}
    return {key: c.display for key, c in compute.report_cells(report).items()}


def workbook_bytes(report: StatsReport) -> bytes:
    tables = compute.report_tables(report)
    values = values_of(report)
    wb = Workbook()
    wb.remove(wb.active)
    for t in tables:
        ws = wb.create_sheet(t.sheet_name)
        width = 3 + len(t.columns)
        ws.cell(1, 1, f"{definitions.FORMS.get(t.form, '')} {t.code} {t.title}").font = Font(
            bold=True, size=14
        )
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        ws.cell(2, 1, f"填报单位:{report.unit.name}")
        ws.cell(2, 3, f"{report.year}年")
        ws.cell(2, width, f"表号:{t.code}")
        headers = ["指标名称", "代码", "计量单位"] + [label for _c, label in t.columns]
        for j, h in enumerate(headers, start=1):
            cell = ws.cell(4, j, h)
            cell.font, cell.border, cell.alignment = Font(bold=True), _BOX, Alignment(horizontal="center")
        r = FIRST_DATA_ROW
        for rcode, label, unit in t.rows:
            ws.cell(r, 1, label).border = _BOX
            ws.cell(r, 2, rcode).border = _BOX
            ws.cell(r, 3, unit or "").border = _BOX
            for j, (ccode, _label) in enumerate(t.columns, start=4):
                text = values.get((t.code, f"{rcode}-{ccode}"))
                cell = ws.cell(r, j, int(text) if text not in (None, "", "-") else (text or None))
                cell.border = _BOX
                if (t.code, f"{rcode}-{ccode}") not in {(t.code, c.code) for c in t.cell_list()}:
                    cell.value = "×"  # no such cell in the form
            r += 1
        r += 1
        ws.cell(r, 1, f"单位负责人:{report.head}")
        ws.cell(r, 3, f"填表人:{report.preparer}")
        ws.cell(r, width, f"联系电话:{report.phone}")
        ws.cell(
            r + 1, 1, f"报出日期:{report.submitted_at:%Y年%m月%d日}" if report.submitted_at else "报出日期:"
        )
        ws.cell(r + 1, width, "(单位盖章)")
        ws.column_dimensions["A"].width = 32
        ws.column_dimensions["B"].width = 6
        ws.column_dimensions["C"].width = 10
        for j in range(4, width + 1):
            ws.column_dimensions[get_column_letter(j)].width = 14
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "4:4"
    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate([("unit_id", report.unit_id), ("unit", report.unit.name), ("year", report.year),
                                ("form", report.form), ("version", tables[0].year if tables else "")], start=1):  # fmt: skip
        meta.cell(i, 1, k)
        meta.cell(i, 2, v)
    meta.sheet_state = "hidden"
    guard_workbook(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def json_data(report: StatsReport) -> dict:
    tables = compute.report_tables(report)
    cells = compute.report_cells(report, tables)
    values = values_of(report)
    out = []
    for t in tables:
        items = []
        for d in t.cell_list():
            c = cells.get((t.code, d.code))
            items.append({
                "code": d.code, "label": d.label, "unit": d.unit, "source": d.source_label,
                "value": None if c is None or c.is_dash else c.value, "dash": bool(c and c.is_dash),
                "stated": values.get((t.code, d.code), ""),
                "computed": c.computed if c else None, "overridden": bool(c and c.overridden),
                "override_reason": c.override_reason if c else "", "note": c.note if c else "",
            })  # fmt: skip
        out.append({"code": t.code, "title": t.title, "version": t.year, "cells": items})
    return {
        "unit": {"id": report.unit_id, "name": report.unit.name}, "year": report.year, "form": report.form,
        "status": report.status, "explanation": report.explanation, "tables": out,
        "summary": bool(compute.counties_of(report.unit)),
    }  # fmt: skip


# ---------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self):
        where = f"工作表“{self.sheet}”" if self.sheet else "文件"
        if self.row:
            where += f"第{self.row}行"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}:{self.reason}"


def _sheets(data: bytes) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    check_unpacked_size(data)
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
    except Exception as exc:  # calamine's own error types
        raise FileProblem(f"无法读取表格文件:{exc}") from None


def read_import(report: StatsReport, data: bytes) -> tuple[dict, list[ImportProblem]]:
    """(table, cell) → (value, dash) for the hand cells of kexie's own export, and the problems."""
    try:
        sheets = _sheets(data)
    except FileProblem as exc:
        return {}, [ImportProblem("", 0, "", str(exc))]
    problems: list[ImportProblem] = []
    meta = {str(r[0]): r[1] for r in sheets.get(META_SHEET, []) if len(r) >= 2}
    if not meta:
        return {}, [ImportProblem("", 0, "", "不是kexie导出的统计报表(缺少隐藏的 kexie 工作表)")]
    try:
        unit_id, year = int(meta.get("unit_id")), int(meta.get("year"))
    except (TypeError, ValueError):
        return {}, [ImportProblem(META_SHEET, 0, "", "单位或年度缺失")]
    if unit_id != report.unit_id or year != report.year:
        return {}, [ImportProblem("", 0, "", f"文件是“{meta.get('unit')}”{year}年的报表,与本报表不符")]
    found: dict = {}
    for t in compute.report_tables(report):
        name = next((n for n in sheets if n.split(" ")[0] == t.code), None)
        if name is None:
            problems.append(ImportProblem(t.sheet_name, 0, "", "缺少此表"))
            continue
        rows = sheets[name]
        header = [
            str(h).strip() for h in (rows[FIRST_DATA_ROW - 2] if len(rows) >= FIRST_DATA_ROW - 1 else [])
        ]
        for rcode, label, _unit in t.rows:
            at = next((i for i, r in enumerate(rows) if len(r) > 1 and str(r[1]).strip() == rcode
                       and i >= FIRST_DATA_ROW - 1), None)  # fmt: skip
            if at is None:
                problems.append(ImportProblem(name, 0, "", f"缺少代码为 {rcode}({label})的行"))
                continue
            for j, (ccode, clabel) in enumerate(t.columns, start=3):
                d = t.cells.get(f"{rcode}-{ccode}")
                if d is None or not d.hand:
                    continue
                if clabel not in header:
                    problems.append(ImportProblem(name, FIRST_DATA_ROW - 1, clabel, "缺少此列"))
                    continue
                raw = rows[at][j] if j < len(rows[at]) else ""
                try:
                    found[(t.code, d.code)] = services.parse_cell(raw, d)
                except ValidationError as exc:
                    problems.append(ImportProblem(name, at + 1, clabel, f"{label}:{'；'.join(exc.messages)}"))
    return found, problems


@transaction.atomic
def import_workbook(*, actor, report: StatsReport, data: bytes) -> int:
    """Merge the hand cells of a kexie export into the report; on any problem nothing changes
    (ValidationError listing them). Returns the number of cells changed."""
    from kexie.accounts.roles import EDIT

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    if not report.is_editable:
        raise ValidationError("报表已上报或已通过,不能导入")
    found, problems = read_import(report, data)
    if problems:
        raise ValidationError([str(p) for p in problems[:100]])
    cells = {key: c for key, c in compute.report_cells(report).items() if c.source == CellSource.HAND}
    changed = []
    for key, (value, dash) in found.items():
        cell = cells.get(key)
        if cell is not None and (cell.value, cell.is_dash) != (value, dash):
            cell.value, cell.is_dash = value, dash
            changed.append(cell)
    StatsCell.objects.bulk_update([c for c in changed if c.pk is not None], ["value", "is_dash"])
    services._created(lambda: StatsCell.objects.bulk_create([c for c in changed if c.pk is None]))
    audit.log(actor=actor, action="kexie.stats_report.imported", obj=report,
              after={"cells": [f"{c.table}:{c.code}={c.display}" for c in changed][:200]})  # fmt: skip
    return len(changed)
