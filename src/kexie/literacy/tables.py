"""Reading uploaded tables (xlsx via python-calamine, CSV in UTF-8 or GBK) into header + rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.core.exceptions import ValidationError


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows as strings. Raises ValidationError for unreadable or empty files."""
    ext = Path(filename).suffix.lower()
    if ext == ".xlsx":
        rows = _read_xlsx(data)
    elif ext == ".csv":
        rows = _read_csv(data)
    else:
        raise ValidationError(f"不支持的文件类型“{ext or '无扩展名'}”,请上传 .xlsx 或 .csv")
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise ValidationError(f"文件“{filename}”是空的")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return header, body


def _read_xlsx(data: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        return [[_cell(v) for v in row] for row in sheet.to_python()]
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ValidationError(f"无法读取 xlsx 文件:{exc}") from exc


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError("CSV 文件编码无法识别,请另存为 UTF-8")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def records(header: list[str], rows: list[list[str]], columns: dict[str, tuple[str, ...]]) -> list[dict]:
    """Rows as dicts keyed by field, finding each field's column among accepted header names.

    Raises ValidationError naming the missing columns.
    """
    found = {}
    missing = []
    for name, accepted in columns.items():
        index = next((header.index(h) for h in accepted if h in header), None)
        if index is None:
            missing.append(accepted[0])
        else:
            found[name] = index
    if missing:
        raise ValidationError(f"缺少列:{'、'.join(missing)}(表头为:{'、'.join(header)})")
    return [{name: row[i] for name, i in found.items()} for row in rows]
