"""The formula guard of every file kexie writes (CSV/formula injection, OWASP).

A text that a spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage
return) is written as a string cell in xlsx (data type "s", with Excel's quote prefix so that
editing the cell keeps it text) and behind a single quote in csv. `unguard_csv` takes that quote
off again on import, exactly where `guard_csv` put it, so a csv kexie exported imports back
unchanged. Exports of other apps built with openpyxl call `guard_workbook` before saving.
"""

from typing import Any

from kexie.core.imports.columns import looks_like_formula

CSV_GUARD = "'"

__all__ = ["CSV_GUARD", "guard_cell", "guard_csv", "guard_workbook", "looks_like_formula", "unguard_csv"]


def _needs_csv_guard(text: str) -> bool:
    """A formula-like text, or one that already starts with quotes in front of a formula-like
    text (guarded again, so that `unguard_csv` can always take exactly one quote off)."""
    return looks_like_formula(text.lstrip(CSV_GUARD))


def guard_csv(value: Any) -> Any:
    if type(value) is str and value and _needs_csv_guard(value):
        return CSV_GUARD + value
    return value


def unguard_csv(text: str) -> str:
    """The inverse of `guard_csv` on a csv cell as read: one quote off a guarded value only."""
    if text.startswith(CSV_GUARD) and _needs_csv_guard(text):
        return text[1:]
    return text


def guard_cell(cell) -> None:
    """Make a formula-like text cell a string cell that stays text when edited in Excel."""
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def guard_workbook(workbook):
    """Guard every cell of a workbook built cell by cell (not write-only): kexie's exports hold
    no formulas, so any formula cell is a text that merely looks like one."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                guard_cell(cell)
    return workbook
