"""Reading an uploaded table: .xlsx/.xls/.ods through python-calamine, .csv in UTF-8
(with or without BOM) or GB18030, detected."""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from kexie.core.imports.columns import CellError
from kexie.core.imports.guard import CSV_GUARD, unguard_csv

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
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        rows = [
            [unguard_csv(c) if c.startswith(CSV_GUARD) else c for c in cells]
            for cells in csv.reader(io.StringIO(decode_csv(data), newline=""))
        ]
    elif suffix in SPREADSHEET_SUFFIXES:
        rows = _read_spreadsheet(data)
    else:
        raise FileProblem(f"不支持的文件类型“{suffix or filename}”,请上传 .xlsx 或 .csv 文件")
    if not rows or not any(str(c).strip() for c in rows[0]):
        raise FileProblem("第1行应为表头,但文件为空或第1行为空")
    return rows[0], ((number, cells) for number, cells in enumerate(rows[1:], start=2))


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


def _read_spreadsheet(data: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    check_unpacked_size(data)

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileProblem(f"无法读取表格文件:{exc}") from None
