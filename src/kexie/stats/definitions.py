"""The statistical tables as data: one YAML file per table and year in tables/<year>/.

A table has a `code` (e.g. "CKX表3"), a `title`, the `form` it belongs to ("kx": 科协综合统计),
the organisation kinds that file it (`filers`), `columns` and `rows`; a row's `cells` map a
column code to the cell's source:

- `indicator: code` (optionally `dimension` and `key`: one item of its breakdown) — the figure
  the indicator gives for the unit and the year; the cell opens the indicator's records;
- `query: name` with `params` — a named query of kexie.stats.queries (stocks at 31 December);
- `hand: true` — entered by the unit;
- `dash: true` — "-" (not applicable) is allowed in this cell.

The cell code is "<row>-<column>" ("01-1"); the full code "<table>:<row>-<column>". `checks`
list the table's rules beyond the defaults: `{sum: cell, of: [cells]}` (a row or column sum),
`{le: cell, of: cell}` (a part is at most its whole); `yoy_threshold` is the relative change
against last year above which a cell needs a written explanation.

Correcting a label or a source is an edit of the file; next year's tables are a new folder.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TABLES_DIR = Path(__file__).parent / "tables"
FORMS = {"kx": "科协综合统计", "kp": "科普统计"}
DEFAULT_YOY_THRESHOLD = 0.5
YOY_MIN_CHANGE = 10  # changes smaller than this many units never need an explanation


class DefinitionError(ValueError):
    pass


@dataclass(frozen=True)
class CellDef:
    table: str
    code: str  # "01-1"
    row_label: str
    column_label: str
    unit: str
    indicator: str = ""
    dimension: str = ""
    key: str = ""
    query: str = ""
    params: tuple = ()
    hand: bool = False
    dash: bool = False

    @property
    def computed(self) -> bool:
        return bool(self.indicator or self.query)

    @property
    def full_code(self) -> str:
        return f"{self.table}:{self.code}"

    @property
    def label(self) -> str:
        if self.column_label in ("本年", ""):
            return self.row_label
        return f"{self.row_label}({self.column_label})"

    @property
    def source_label(self) -> str:
        if self.indicator:
            return self.indicator + (f"|{self.dimension}={self.key}" if self.dimension else "")
        if self.query:
            return f"query:{self.query}(" + ",".join(f"{k}={v}" for k, v in self.params) + ")"
        return "手工填报"


@dataclass(frozen=True)
class Check:
    kind: str  # "sum" | "le"
    cell: str
    of: tuple[str, ...]


@dataclass(frozen=True)
class TableDef:
    code: str
    title: str
    form: str
    year: int
    filers: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]  # (code, label)
    rows: tuple[tuple[str, str, str], ...]  # (code, label, unit)
    cells: dict = field(hash=False, compare=False)  # cell code → CellDef
    checks: tuple[Check, ...] = ()
    yoy_threshold: float = DEFAULT_YOY_THRESHOLD
    stock: bool = False
    path: str = ""

    @property
    def sheet_name(self) -> str:
        return f"{self.code} {self.title}"[:31]

    def cell_list(self) -> list[CellDef]:
        return list(self.cells.values())


def _load(path: Path, year: int) -> TableDef:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path.name}: {exc}") from None
    where = f"{year}/{path.name}"
    try:
        code, title = str(raw["code"]), str(raw["title"])
        columns = tuple((str(c["code"]), str(c["label"])) for c in raw["columns"])
        col_units = {str(c["code"]): str(c.get("unit", "")) for c in raw["columns"]}
        rows, cells = [], {}
        for row in raw["rows"]:
            rcode = str(row["code"])
            rows.append((rcode, str(row["label"]), str(row.get("unit", ""))))
            for ccode, spec in (row.get("cells") or {}).items():
                ccode = str(ccode)
                if ccode not in col_units:
                    raise DefinitionError(f"{where}: 行 {rcode} 的列 {ccode} 未定义")
                spec = spec or {}
                unknown = set(spec) - {"indicator", "dimension", "key", "query", "params", "hand", "dash"}
                if unknown:
                    raise DefinitionError(f"{where}: 单元格 {rcode}-{ccode} 有未知属性 {sorted(unknown)}")
                sources = bool(spec.get("indicator")) + bool(spec.get("query")) + bool(spec.get("hand"))
                if sources != 1:
                    raise DefinitionError(
                        f"{where}: 单元格 {rcode}-{ccode} 须有且只有一个来源(indicator/query/hand)"
                    )
                cell = CellDef(
                    table=code, code=f"{rcode}-{ccode}", row_label=str(row["label"]),
                    column_label=dict(columns)[ccode], unit=str(row.get("unit") or col_units[ccode]),
                    indicator=str(spec.get("indicator", "")), dimension=str(spec.get("dimension", "")),
                    key=str(spec.get("key", "")), query=str(spec.get("query", "")),
                    params=tuple(sorted((str(k), str(v)) for k, v in (spec.get("params") or {}).items())),
                    hand=bool(spec.get("hand")), dash=bool(spec.get("dash")),
                )  # fmt: skip
                cells[cell.code] = cell
        checks = []
        for c in raw.get("checks") or ():
            kind = "sum" if "sum" in c else "le" if "le" in c else None
            if kind is None:
                raise DefinitionError(f"{where}: 未知的审核规则 {c}")
            of = c["of"] if isinstance(c["of"], list) else [c["of"]]
            check = Check(kind, str(c[kind]), tuple(str(o) for o in of))
            for ref in (check.cell, *check.of):
                if ref not in cells:
                    raise DefinitionError(f"{where}: 审核规则引用了不存在的单元格 {ref}")
            checks.append(check)
        return TableDef(
            code=code, title=title, form=str(raw.get("form", "kx")), year=year,
            filers=tuple(raw.get("filers") or ()), columns=columns, rows=tuple(rows), cells=cells,
            checks=tuple(checks), yoy_threshold=float(raw.get("yoy_threshold", DEFAULT_YOY_THRESHOLD)),
            stock=bool(raw.get("stock")), path=where,
        )  # fmt: skip
    except (KeyError, TypeError) as exc:
        raise DefinitionError(f"{where}: 缺少或错误的项 {exc}") from None


def available_years() -> list[int]:
    return list(_years_in(TABLES_DIR))


@functools.cache
def _years_in(folder: Path) -> tuple[int, ...]:
    """The years with a folder of tables, read once per process like the tables themselves."""
    return tuple(sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit()))


def version_for(year: int) -> int:
    """The tables of `year` are those of the latest version not after it (next year's edit
    is a new folder; a year without its own folder uses the last one before it)."""
    every = available_years()
    if not every or not 2000 <= year <= 2100:
        raise DefinitionError(f"没有 {year} 年可用的报表定义")
    versions = [v for v in every if v <= year]
    return versions[-1] if versions else every[0]  # earlier years: the earliest tables kexie has


def _order(path: Path) -> tuple:
    import re

    digits = re.findall(r"\d+", path.stem)
    return tuple(int(d) for d in digits)


@functools.cache
def _tables_of_version(version: int) -> tuple[TableDef, ...]:
    folder = TABLES_DIR / str(version)
    tables = tuple(_load(p, version) for p in sorted(folder.glob("*.yaml"), key=_order))
    codes = [t.code for t in tables]
    if len(set(codes)) != len(codes):
        raise DefinitionError(f"{version}: 表号重复")
    return tables


def tables_for(year: int, filer_kind: str | None = None, form: str = "kx") -> list[TableDef]:
    tables = [t for t in _tables_of_version(version_for(year)) if t.form == form]
    if filer_kind is not None:
        tables = [t for t in tables if filer_kind in t.filers]
    return tables


def table(year: int, code: str, form: str = "kx") -> TableDef:
    for t in tables_for(year, form=form):
        if t.code == code:
            return t
    raise DefinitionError(f"表“{code}”不存在")


FILER_KINDS = ("association", "society")


def filer_kind(org, form: str = "kx", venues: set | None = None) -> str | None:
    """Which set of tables an organisation files. 科协综合统计 ("kx"): city/county associations and
    societies. 科普统计 ("kp"): city/county associations, and every organisation that runs a
    venue (科普场馆: kexie.bases Venue), which files its own form (`venues`: the operators' ids,
    when the caller has them; else one query)."""
    if form == "kp":
        if org.kind == "association" and org.association_level in ("city", "county"):
            return "association"
        operators = venues if venues is not None else venue_operators([org.pk])
        return "venue" if org.pk in operators else None
    if org.kind == "association" and org.association_level in ("city", "county"):
        return "association"
    if org.kind == "society":
        return "society"
    return None


def filers_q(form: str = "kx", venues: set | None = None):
    """The organisations that may file `form` (filer_kind is not None for them only: it decides),
    as a filter, so that a city's fill reads its filing units rather than every organisation."""
    from django.db.models import Q

    q = Q(kind="association", association_level__in=("city", "county"))
    if form == "kp":
        return q | Q(pk__in=sorted(venues if venues is not None else venue_operators()))
    return q | Q(kind="society")


def venue_operators(pks=None) -> set[int]:
    """The organisations (of `pks`, or all) that run an active venue (科普场馆)."""
    from kexie.bases.models import Venue

    qs = Venue.objects.unscoped(reason="statistics: which units file the venue form").filter(is_active=True)
    if pks is not None:
        qs = qs.filter(operator_id__in=list(pks))
    return set(qs.values_list("operator_id", flat=True))
