"""Reading an uploaded table: .xlsx/.xls/.ods through python-calamine, .csv in UTF-8
(with or without BOM) or GB18030, detected. A csv cell kexie guarded against formula injection
loses exactly that guard; a kexie template's example row is left out (see `_example_row`)."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any
from xml.etree import ElementTree

from kexie.core.imports.columns import CellError, cell_text
from kexie.core.imports.guard import CSV_GUARD, unguard_csv
from kexie.core.imports.writer import EXAMPLE_NAME, EXAMPLE_SHEET

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class FileProblem(CellError):
    """The file as a whole cannot be read."""


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem("CSV 文件编码无法识别,请另存为 UTF-8 或 GB18030(GBK)编码") from None


def read_table(data: bytes, filename: str) -> tuple[list[Any], Iterator[tuple[int, list[Any]]]]:
    """Return the header cells and an iterator of (Excel row number, cells) for data rows."""
    headers, rows, _example = read_upload(data, filename)
    return headers, rows


def read_upload(data: bytes, filename: str) -> tuple[list[Any], Iterator[tuple[int, list[Any]]], int | None]:
    """Like read_table, leaving out a kexie template's example row, whose number comes third."""
    suffix = PurePath(filename).suffix.lower()
    example = None
    if suffix == ".csv":
        rows = [
            [unguard_csv(c) if c.startswith(CSV_GUARD) else c for c in cells]
            for cells in csv.reader(io.StringIO(decode_csv(data), newline=""))
        ]
    elif suffix in SPREADSHEET_SUFFIXES:
        rows, example = _read_spreadsheet(data)
    else:
        raise FileProblem(f"不支持的文件类型“{suffix or filename}”,请上传 .xlsx 或 .csv 文件")
    if not rows or not any(str(c).strip() for c in rows[0]):
        raise FileProblem("第1行应为表头,但文件为空或第1行为空")
    numbered = ((number, cells) for number, cells in enumerate(rows[1:], start=2) if number != example)
    return rows[0], numbered, example


def check_unpacked_size(data: bytes) -> None:
    """Refuse a zip-based workbook (.xlsx, .ods) that would unpack beyond the configured limit,
    before anything is unpacked: the sizes come from the zip's central directory."""
    from django.conf import settings

    if not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem("文件已损坏或不是有效的 Excel 工作簿") from None
    limit = settings.SPREADSHEET_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise FileProblem(
            f"工作簿解压后达 {unpacked // 2**20} MB,超过上限 {limit // 2**20} MB,请拆分后分批导入"
        )


def _read_spreadsheet(data: bytes) -> tuple[list[list[Any]], int | None]:
    from python_calamine import CalamineWorkbook

    check_unpacked_size(data)

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        example = _example_row(data, workbook, rows)
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileProblem(f"无法读取表格文件:{exc}") from None
    return rows, example


def _example_row(data: bytes, workbook, rows: list[list[Any]]) -> int | None:
    """The number of a kexie template's example row, if the file still holds it untouched: the
    row the defined name marks (Excel moves the name with the row), and only while its cells
    equal the hidden copy written with the template, so a row the user typed over is data."""
    if EXAMPLE_SHEET not in workbook.sheet_names:
        return None
    number = _marked_row(data)
    if number is None or not 2 <= number <= len(rows):
        return None
    copy = workbook.get_sheet_by_name(EXAMPLE_SHEET).to_python(skip_empty_area=False)
    if len(copy) < 2:
        return None
    return number if _texts(rows[number - 1]) == _texts(copy[1]) else None


def _texts(cells: list[Any]) -> list[str]:
    texts = [cell_text(c) for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW_REF = re.compile(r"^'?[^!]*'?!\$?[A-Z]{1,3}\$?(\d+)(?::\$?[A-Z]{1,3}\$?(\d+))?$")


def _marked_row(data: bytes) -> int | None:
    try:  # expat >= 2.4 (Python 3.11) refuses entity-expansion bombs; the size was checked above
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    for name in root.iter(f"{_SHEET_NS}definedName"):
        if name.get("name") == EXAMPLE_NAME:
            match = _ROW_REF.match((name.text or "").strip())
            if match and match[2] in (None, match[1]):
                return int(match[1])
    return None
