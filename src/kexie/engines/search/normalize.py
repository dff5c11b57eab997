"""Patent table headers (CNKI, incoPat, CNIPA exports...) -> kexie's canonical patent fields.

Pure functions: the Django import and the search backends both use them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

CANONICAL_FIELDS: tuple[str, ...] = (
    "application_no",
    "publication_no",
    "title",
    "abstract",
    "claims",
    "applicant",
    "inventors",
    "ipc",
    "clc",
    "application_date",
    "publication_date",
    "legal_status",
    "country",
    "source",
    "label",
)

# Lower-cased, space-free aliases. A header like "Title-题名" is tried whole and by each part.
_ALIASES: dict[str, tuple[str, ...]] = {
    "application_no": (
        "申请号",
        "申请号码",
        "专利申请号",
        "applicationnumber",
        "applicationno",
        "appno",
        "an",
    ),
    "publication_no": (
        "公开号",
        "公告号",
        "公开(公告)号",
        "公开公告号",
        "授权公告号",
        "公开号码",
        "专利号",
        "pubno",
        "publicationnumber",
        "publicationno",
        "pn",
    ),
    "title": ("题名", "名称", "专利名称", "发明名称", "标题", "title", "ti"),
    "abstract": ("摘要", "文摘", "summary", "abstract", "ab"),
    "claims": ("主权项", "权利要求", "主权利要求", "权利要求书", "claims", "claim", "cl"),
    "applicant": (
        "申请人",
        "专利权人",
        "申请(专利权)人",
        "申请人/专利权人",
        "权利人",
        "applicant",
        "applicants",
        "assignee",
        "pa",
    ),
    "inventors": (
        "发明人",
        "发明(设计)人",
        "设计人",
        "作者",
        "inventor",
        "inventors",
        "author",
        "authors",
        "in",
    ),
    "ipc": (
        "ipc",
        "ipc分类号",
        "分类号",
        "主分类号",
        "ipc主分类号",
        "ipc分类",
        "国际专利分类号",
        "国际分类号",
    ),
    "clc": ("中图分类号", "clc"),
    "application_date": ("申请日", "申请日期", "applicationdate", "appdate", "ad"),
    "publication_date": (
        "公开日",
        "公开日期",
        "公告日",
        "公开(公告)日",
        "授权公告日",
        "授权日",
        "pubtime",
        "pubdate",
        "publicationdate",
        "pd",
    ),
    "legal_status": ("法律状态", "当前法律状态", "专利状态", "legalstatus", "status", "状态"),
    "country": ("国省名称", "国省代码", "国家/地区", "countryname", "country"),
    "source": ("来源库", "数据库", "srcdatabase", "source"),
    "label": ("标签", "label"),
}
_LOOKUP: dict[str, str] = {alias: canon for canon, aliases in _ALIASES.items() for alias in aliases}


@dataclass
class HeaderMapping:
    """``columns`` maps each recognised original header to its canonical field."""

    columns: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def missing(self, required: Iterable[str] = ("title",)) -> list[str]:
        present = set(self.columns.values())
        return [f for f in required if f not in present]


def _key(text: str) -> str:
    text = text.replace("\ufeff", "").strip().lower()
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def canonical_field(header: str) -> str | None:
    """The canonical field of one header, or ``None``; ``"PubNo-公开号"`` -> ``"publication_no"``."""
    key = _key(header)
    if key in _LOOKUP:
        return _LOOKUP[key]
    for part in re.split(r"[-_:：/|]", key):
        if part in _LOOKUP:
            return _LOOKUP[part]
    return None


def normalize_headers(
    headers: Sequence[str], user_mapping: Mapping[str, str | None] | None = None
) -> HeaderMapping:
    """Maps a table's headers to canonical fields.

    ``user_mapping`` (original header -> canonical field, or ``None``/``""`` to ignore the column)
    wins over the built-in aliases, e.g. ``{"CLC-中图分类号": "ipc"}`` for exports that put IPC codes
    in a column named after the CLC. The first column mapped to a field wins; later ones are unknown.
    """
    user = {_key(k): v for k, v in (user_mapping or {}).items()}
    for target in user.values():
        if target and target not in CANONICAL_FIELDS:
            raise ValueError(f"未知的专利字段：{target}")
    result = HeaderMapping()
    taken: set[str] = set()
    for header in headers:
        key = _key(header)
        target = user[key] if key in user else canonical_field(header)
        if not target or target in taken:
            result.unknown.append(header)
            continue
        result.columns[header] = target
        taken.add(target)
    return result


_IPC_CODE = re.compile(r"^[A-H]\d{2}[A-Z](\d{1,4}(/\d{1,6})?)?$")


def split_ipc(value: str | Iterable[str]) -> list[str]:
    """``"B01J31/24;C07F 9/50"`` -> ``["B01J31/24", "C07F9/50"]`` (upper-case, spaces removed)."""
    parts = re.split(r"[;；,，\n]+", value) if isinstance(value, str) else list(value)
    codes = []
    for part in parts:
        code = re.sub(r"\s+", "", part).upper()
        if code:
            codes.append(code)
    return codes


def looks_like_ipc(values: Iterable[str], threshold: float = 0.8) -> bool:
    """Whether most non-empty cells of a column are IPC codes (to sniff misnamed columns)."""
    codes = [c for v in values if v for c in split_ipc(v)]
    return bool(codes) and sum(bool(_IPC_CODE.match(c)) for c in codes) / len(codes) >= threshold


def ipc_subclass(code: str) -> str:
    """``"G06F16/35"`` -> ``"G06F"``."""
    return re.sub(r"\s+", "", code).upper()[:4]


def parse_date(value: object) -> date | None:
    """Parses ``2025/3/25``, ``2025-03-25``, ``2025.3.25``, ``20250325``, ``2025年3月25日``."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.match(r"^(\d{4})\D(\d{1,2})\D(\d{1,2})", text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def split_names(value: str) -> list[str]:
    """``"中山大学; 中山大学附属第一医院"`` -> two names."""
    return [p.strip() for p in re.split(r"[;；\n]+", value or "") if p.strip()]


def normalize_row(row: Mapping[str, object], mapping: HeaderMapping) -> dict[str, str]:
    """One table row as ``{canonical_field: text}``; unmapped columns are dropped."""
    out: dict[str, str] = {}
    for header, target in mapping.columns.items():
        value = row.get(header)
        out[target] = "" if value is None else str(value).strip()
    return out
