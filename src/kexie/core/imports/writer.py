"""Writing workbooks: templates (drop-downs, example row, 说明 sheet), exports and error
workbooks. Exports use openpyxl's write-only mode and come out byte-for-byte the same for the
same data (fixed document dates and zip timestamps), so export → import → export can be compared.

Every cell goes through the formula guard (kexie.core.imports.guard): a title such as
`=HYPERLINK(…)` is written as text, never as a live formula."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from kexie.core.imports.columns import Column
from kexie.core.imports.guard import guard_cell, guard_csv, guard_workbook, looks_like_formula

DATA_SHEET = "数据"
HELP_SHEET = "说明"
LISTS_SHEET = "选项"
EXAMPLE_SHEET = "示例"  # hidden: the example row as written, to tell it from a row typed over it
EXAMPLE_NAME = "kexie_example"  # a defined name marking the example row (Excel moves it with the row)
EXAMPLE_NOTE = "示例行:导入时自动跳过。请在下方填写,或直接改写本行(改写后按数据导入)。"
ERROR_HEADER = "错误原因"
FIXED_TIME = dt.datetime(2000, 1, 1)
TEMPLATE_ROWS = 5000  # drop-downs cover this many data rows
INLINE_LIST_LIMIT = 200  # longer lists go to the hidden sheet (Excel caps inline lists at 255 chars)

_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(italic=True, color="808080")


def _cell(ws, value: Any):
    """A value for ws.append (write-only or not): formula-like texts become guarded cells."""
    if type(value) is str and looks_like_formula(value):
        cell = WriteOnlyCell(ws, value=value)
        guard_cell(cell)
        return cell
    return value


def _deterministic(data: bytes) -> bytes:
    """Re-pack the zip with fixed timestamps so equal workbooks give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                content = _MODIFIED_RE.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(fixed, content)
    return out.getvalue()


def _fix_properties(workbook: Workbook) -> None:
    workbook.properties.creator = "kexie"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.lastModifiedBy = None


def _save(workbook: Workbook) -> bytes:
    _fix_properties(workbook)
    if not getattr(workbook, "write_only", False):
        guard_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic(buffer.getvalue())


def _header_cells(ws, columns: Sequence[Column], extra: Sequence[str] = ()) -> list:
    cells = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = _REQUIRED_FONT if col.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cells.append(cell)
    for header in extra:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = _REQUIRED_FONT
        cells.append(cell)
    for cell in cells:
        guard_cell(cell)
    return cells


def _data_cell(ws, value: Any, date_style: str = "yyyy-mm-dd"):
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = date_style
        return cell
    return _cell(ws, value)


def write_help_sheet(
    workbook: Workbook, columns: Sequence[Column], ctx, kind_label: str, write_only: bool
) -> None:
    ws = workbook.create_sheet(HELP_SHEET)
    rows = [
        [f"{kind_label}导入说明:第一个工作表“{DATA_SHEET}”的第1行为表头,请勿修改;红色表头为必填列。"],
        ["文件可为 .xlsx 或 .csv(UTF-8 或 GB18030 编码);任何单元格有误时整个文件不导入,并逐一列出错误。"],
        ["模板第2行(灰色斜体)为示例行,导入时自动跳过;改写后按数据导入。以 = + - @ 开头的文字按文本保存。"],
        ["表头", "必填", "格式", "可选值", "示例", "说明"],
    ]
    for col in columns:
        options = col.choice_labels(ctx)
        shown = "、".join(options[:30]) + ("…(见下拉列表)" if len(options) > 30 else "")
        example = col.example_value(ctx)
        if isinstance(example, dt.date):
            example = example.isoformat()
        rows.append([col.header, "是" if col.required else "否", col.fmt, shown, example, col.help])
    if write_only:
        for row in rows:
            ws.append([_cell(ws, value) for value in row])
        return
    for row in rows:
        ws.append(row)
    for letter, width in zip("ABCDEF", (16, 6, 24, 40, 24, 60), strict=True):
        ws.column_dimensions[letter].width = width
    for cell in ws[4]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL


def template_workbook(columns: Sequence[Column], ctx, kind_label: str) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = DATA_SHEET
    ws.append([col.header for col in columns])
    for index, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = _REQUIRED_FONT if col.required else _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = col.width
        if col.text:
            for row in range(2, 200):
                ws.cell(row=row, column=index).number_format = "@"
    example = [col.example_value(ctx) for col in columns]
    for index, (col, value) in enumerate(zip(columns, example, strict=True), start=1):
        cell = ws.cell(row=2, column=index, value=value)
        cell.font = _EXAMPLE_FONT
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        elif col.text:
            cell.number_format = "@"
    ws.freeze_panes = "A2"
    write_help_sheet(workbook, columns, ctx, kind_label, write_only=False)
    _add_validations(workbook, ws, columns, ctx)
    _mark_example(workbook, ws, example)
    return _save(workbook)


def _mark_example(workbook: Workbook, ws, example: list[Any]) -> None:
    """Mark row 2 as the example: a defined name that follows the row when rows are inserted or
    deleted, a hidden copy of its cells, and a note for the user. The reader skips the row only
    while the marked row still holds the copy's cells (kexie.core.imports.reader._example_row)."""
    last = get_column_letter(len(example))
    ref = f"{quote_sheetname(DATA_SHEET)}!$A$2:${last}$2"
    workbook.defined_names[EXAMPLE_NAME] = DefinedName(EXAMPLE_NAME, attr_text=ref)
    copy = workbook.create_sheet(EXAMPLE_SHEET)
    copy.sheet_state = "hidden"
    copy.append([EXAMPLE_NOTE])
    copy.append(example)
    ws["A2"].comment = Comment(EXAMPLE_NOTE, "kexie")


def _add_validations(workbook: Workbook, ws, columns: Sequence[Column], ctx) -> None:
    lists_ws = None
    for index, col in enumerate(columns, start=1):
        options = col.choice_labels(ctx)
        if not options:
            continue
        letter = get_column_letter(index)
        inline = ",".join(options)
        if len(inline) <= INLINE_LIST_LIMIT and not any("," in o or '"' in o for o in options):
            formula = f'"{inline}"'
        else:
            if lists_ws is None:
                lists_ws = workbook.create_sheet(LISTS_SHEET)
                lists_ws.sheet_state = "hidden"
            list_col = get_column_letter(lists_ws.max_column + (1 if lists_ws.max_row > 1 else 0))
            lists_ws[f"{list_col}1"] = col.header
            for offset, option in enumerate(options, start=2):
                lists_ws[f"{list_col}{offset}"] = option
            formula = f"{quote_sheetname(LISTS_SHEET)}!${list_col}$2:${list_col}${len(options) + 1}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        validation.errorTitle = "输入有误"
        validation.error = f"“{col.header}”请从下拉列表中选择"
        validation.promptTitle = col.header
        validation.prompt = (col.help or col.fmt)[:250]
        validation.showInputMessage = True
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(validation)
    for index, col in enumerate(columns, start=1):
        if col.choices is None and col.help:
            letter = get_column_letter(index)
            prompt = DataValidation(allow_blank=True, showInputMessage=True)
            prompt.promptTitle = col.header
            prompt.prompt = col.help[:250]
            prompt.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(prompt)


def export_workbook(columns: Sequence[Column], rows: Iterable[Sequence[Any]], ctx, kind_label: str) -> bytes:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(DATA_SHEET)
    for index, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = col.width
    ws.freeze_panes = "A2"
    ws.append(_header_cells(ws, columns))
    for row in rows:
        ws.append([_data_cell(ws, value) for value in row])
    write_help_sheet(workbook, columns, ctx, kind_label, write_only=True)
    return _save(workbook)


def export_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([col.header for col in columns])
    for row in rows:
        writer.writerow(
            [value.isoformat() if isinstance(value, dt.date) else guard_csv(value) for value in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def error_workbook(headers: Sequence[str], rejected: Iterable[tuple[list[Any], str]]) -> bytes:
    """The rejected rows as they were read, plus a column with the reasons."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(DATA_SHEET)
    ws.append([_cell(ws, str(h)) for h in headers] + [ERROR_HEADER])
    for raw, reason in rejected:
        cells = [_data_cell(ws, value) for value in raw]
        cells += [""] * (len(headers) - len(cells))
        ws.append(cells[: len(headers)] + [_cell(ws, reason)])
    return _save(workbook)
