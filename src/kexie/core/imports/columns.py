"""Column specs and cell parsers of the import framework.

A parser takes the cell's text (already stripped; never empty) and the import context,
and returns the value for the model, or raises `CellError` with a reason in Chinese.
"""

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


class CellError(Exception):
    """A bad cell: the reason (Chinese) is the exception's message."""


Parser = Callable[[str, Any], Any]


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Parser
    required: bool = False
    help: str = ""
    fmt: str = "文本"
    example: Any = ""  # a value, or a callable(ctx) -> value
    choices: Sequence[str] | Callable[[Any], Sequence[str]] | None = None  # labels offered in the drop-down
    text: bool = False  # keep as text in Excel (codes, ID numbers, phones)
    width: int = 16
    # The reference rule of the field this column fills (kexie.core.references): the records
    # it names must be ones the rule offers the importing user, as on the web and the API.
    rule: str = ""

    def choice_labels(self, ctx) -> list[str]:
        if self.choices is None:
            return []
        return list(self.choices(ctx) if callable(self.choices) else self.choices)

    def example_value(self, ctx) -> Any:
        return self.example(ctx) if callable(self.example) else self.example


FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (OWASP's CSV injection list)."""
    return text[:1] in FORMULA_TRIGGERS


def cell_text(value: Any) -> str:
    """Normalise a cell read by calamine or csv to stripped text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# ---- parsers ---------------------------------------------------------------------------------


def text(max_length: int | None = None) -> Parser:
    def parse(value: str, ctx) -> str:
        if max_length is not None and len(value) > max_length:
            raise CellError(f"内容过长(最多{max_length}个字符,现有{len(value)}个)")
        return value

    return parse


def integer(minimum: int | None = 0, maximum: int | None = None) -> Parser:
    def parse(value: str, ctx) -> int:
        try:
            number = int(value)
        except ValueError:
            try:
                as_float = float(value)
            except ValueError:
                raise CellError("应为整数") from None
            if not as_float.is_integer():
                raise CellError("应为整数") from None
            number = int(as_float)
        if minimum is not None and number < minimum:
            raise CellError(f"不能小于{minimum}")
        if maximum is not None and number > maximum:
            raise CellError(f"不能大于{maximum}")
        return number

    return parse


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: str, ctx) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = _DATE_RE.match(value)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if len(value) == 8 and value.isdigit():
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        if value.isdigit() and 20000 <= int(value) <= 80000:  # an Excel serial date without date format
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    except ValueError:
        raise CellError("日期无效(该日期不存在)") from None
    raise CellError("日期格式不正确,应为 YYYY-MM-DD,如 2020-09-19")


YES = {"是", "Y", "YES", "TRUE", "1", "√", "有"}
NO = {"否", "N", "NO", "FALSE", "0", "×", "无"}


def parse_bool(value: str, ctx) -> bool:
    upper = value.upper()
    if upper in YES:
        return True
    if upper in NO:
        return False
    raise CellError("应填“是”或“否”")


def choice(pairs: Sequence[tuple[str, Any]]) -> Parser:
    """Accept the label (as shown in the drop-down) or the code; return the code."""
    lookup: dict[str, str] = {}
    for code, label in pairs:
        lookup[str(label)] = code
        lookup[str(code)] = code
    allowed = "、".join(str(label) for _, label in pairs)

    def parse(value: str, ctx) -> str:
        try:
            return lookup[value]
        except KeyError:
            raise CellError(f"不是允许的值,可选:{allowed}") from None

    return parse


def labels(pairs: Sequence[tuple[str, Any]]) -> list[str]:
    return [str(label) for _, label in pairs]


SEPARATORS = re.compile(r"[;;、,,\n]+")


def split_list(value: str) -> list[str]:
    return [part.strip() for part in SEPARATORS.split(value) if part.strip()]


@dataclass
class Row:
    """One data row of the file, as it goes through parsing, checks and writing."""

    number: int  # as Excel shows it (the header is row 1)
    raw: list[Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (header, value, reason)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # warnings needing a confirmation
    instance: Any = None  # the existing record matched by the natural key, if any
    action: str = ""  # "create", "update" or "unchanged"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, header: str, value: Any, reason: str) -> None:
        self.errors.append((header, "" if value is None else str(value), reason))

    def warn(self, header: str, value: Any, reason: str) -> None:
        self.warnings.append((header, "" if value is None else str(value), reason))

    def duplicate(self, header: str, value: Any, reason: str) -> None:
        """A warning that the row may repeat another row or an existing record."""
        self.warn(header, value, reason)
        self.duplicates.append(self.warnings[-1])
