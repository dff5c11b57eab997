"""Column access, factor encoding and a dependency-free CSV reader for the survey engine."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

Data = Mapping[str, np.ndarray]

MISSING_TOKENS = frozenset({"", "NA", "NaN", "nan", "null", "NULL"})


class SurveyError(ValueError):
    """A user-facing error: a bad column, a missing weight, a lonely PSU under ``fail``..."""

    def __init__(self, message: str, *, code: str = "survey", column: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.column = column


def column(data: Data, name: str) -> np.ndarray:
    """Return ``data[name]`` as an array, or raise :class:`SurveyError` naming the column."""
    if name not in data:
        raise SurveyError(f"列 “{name}” 不存在 (column '{name}' not found)", code="bad_column", column=name)
    return np.asarray(data[name])


def numeric(data: Data, name: str) -> np.ndarray:
    """Return a column as float64; raise if it is not numeric."""
    values = column(data, name)
    if values.dtype.kind in "biuf":
        return values.astype(np.float64, copy=False)
    try:
        return np.array([np.nan if str(v) in MISSING_TOKENS else float(v) for v in values])
    except ValueError as exc:
        raise SurveyError(
            f"列 “{name}” 不是数值列 (column '{name}' is not numeric)", code="not_numeric", column=name
        ) from exc


def is_missing(values: np.ndarray) -> np.ndarray:
    """Boolean mask of missing entries for numeric or object arrays."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "biu":
        return np.zeros(values.shape, dtype=bool)
    return np.array([v is None or str(v) in MISSING_TOKENS for v in values], dtype=bool)


def dense_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """O(n) factor codes for integers of modest range (no sort); None when the range is too wide."""
    if values.dtype.kind not in "biu" or values.size == 0:
        return None
    low, high = int(values.min()), int(values.max())
    if high - low > 4 * values.size + 1024:
        return None
    shifted = values.astype(np.int64) - low
    present = np.bincount(shifted, minlength=high - low + 1) > 0
    mapping = np.cumsum(present) - 1
    return mapping[shifted], np.flatnonzero(present) + low


def encode(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (0..k-1, in sorted level order) and the levels of a factor."""
    values = np.asarray(values)
    fast = dense_codes(values)
    if fast is not None:
        return fast
    if values.dtype.kind == "O":
        values = values.astype(str)
    levels, codes = np.unique(values, return_inverse=True)
    return codes.reshape(-1).astype(np.int64), levels


def encode_many(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, list[tuple]]:
    """Codes of the cross-classification of several factors and the level tuple of each code."""
    codes = []
    levels = []
    for values in arrays:
        c, lv = encode(values)
        codes.append(c)
        levels.append(lv)
    if len(codes) == 1:
        return codes[0], [(_plain(v),) for v in levels[0]]
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c, lv in zip(codes, levels, strict=True):
        key = key * len(lv) + c
    combined, used = encode(key)
    tuples = []
    for k in used:
        parts = []
        for lv in reversed(levels):
            parts.append(_plain(lv[k % len(lv)]))
            k //= len(lv)
        tuples.append(tuple(reversed(parts)))
    return combined.reshape(-1).astype(np.int64), tuples


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def _convert(raw: list[str]) -> np.ndarray:
    present = [v for v in raw if v not in MISSING_TOKENS]
    try:
        as_int = [int(v) for v in present]
        if len(as_int) == len(raw):
            return np.array(as_int, dtype=np.int64)
    except ValueError:
        pass
    try:
        return np.array([np.nan if v in MISSING_TOKENS else float(v) for v in raw], dtype=np.float64)
    except ValueError:
        return np.array(raw, dtype=object)


def read_csv(path: str | Path) -> dict[str, np.ndarray]:
    """Read a CSV file with a header into columns; numeric columns become int64/float64 arrays."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration as exc:
            raise SurveyError(f"文件 “{path}” 为空 (empty file)", code="empty") from exc
        rows = list(reader)
    cols: list[list[str]] = [[] for _ in header]
    for row in rows:
        for j in range(len(header)):
            cols[j].append(row[j].strip() if j < len(row) else "")
    return {name.strip(): _convert(values) for name, values in zip(header, cols, strict=True)}
