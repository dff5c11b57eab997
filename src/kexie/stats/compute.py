"""Filling computed cells from the indicators and named queries, for a unit and a year.

A county's (or a society's) cells are the figures of its own subtree. A city's own report is
its 本级 (the city association itself, the societies, enterprise and university associations
and everything else under it that lies in no county): the city's figure less the figures of
its county associations. The city's summary table (汇总) is then its 本级 plus its counties'
filed tables, cell by cell (kexie.stats.checks.summary), and equals the city's figure when
every part is current and nothing is overridden.
"""

from __future__ import annotations

from dataclasses import dataclass

from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.core.scoping import unit_filter
from kexie.stats import definitions, queries
from kexie.stats.definitions import CellDef, TableDef


@dataclass
class SystemUser:
    """The statistics read records as the system: the acting user's scope is checked before."""

    pk: None = None
    id: None = None
    unit: None = None
    unit_id: None = None
    is_superuser: bool = True
    is_authenticated: bool = True
    is_active: bool = True
    username: str = "system"

    def has_perm(self, perm) -> bool:
        return True


SYSTEM = SystemUser()


def unit_scope(unit) -> Scope:
    return Scope(SYSTEM, org_id=unit.pk)


def _whole(value) -> int:
    if value is None:
        return 0
    return int(round(value))


def cell_value(cell: CellDef, period: Period, scope: Scope) -> int:
    if cell.indicator:
        result = scope.memo(
            ("stats", "indicator", cell.indicator, period),
            lambda: indicators.get(cell.indicator).compute(period, scope),
        )
        if cell.dimension:
            return _whole(result.breakdown.get(cell.dimension, {}).get(cell.key, 0))
        return _whole(result.value)
    query = queries.get(cell.query)
    return _whole(query.value(period, scope, dict(cell.params)))


def subtree_figures(
    unit, year: int, tables: list[TableDef], scope: Scope | None = None
) -> dict[tuple[str, str], int]:
    """(table, cell) → the figure of the unit's whole subtree, for every computed cell."""
    scope = scope or unit_scope(unit)
    period = Period.year(year)
    return {
        (t.code, c.code): cell_value(c, period, scope) for t in tables for c in t.cell_list() if c.computed
    }


def counties_of(city) -> list:
    """The county associations a city's summary adds up."""
    from kexie.directory.models import Organisation

    if city.kind != "association" or city.association_level != "city":
        return []
    return list(
        Organisation.objects.within(city)
        .filter(kind="association", association_level="county")
        .exclude(pk=city.pk)
        .order_by("path")
    )


def topmost(units: list, below) -> list:
    """Those of `units` inside the subtree of `below` (not `below` itself) that lie under no
    other of them: subtracting each of these once takes every one of them out."""
    inside = sorted(
        (u for u in units if u.pk != below.pk and u.path.startswith(below.path)), key=lambda u: u.path
    )
    kept: list = []
    for u in inside:
        if not any(u.path.startswith(k.path) for k in kept):
            kept.append(u)
    return kept


def venues_below(unit) -> list:
    """The units under `unit` that file the 科普统计 as a venue (科普场馆 operators; a city or
    county association running a venue files as an association, its venue in its figures)."""
    from kexie.directory.models import Organisation

    operators = definitions.venue_operators()
    if not operators:
        return []
    within = Organisation.objects.unscoped(reason="statistics: the venues under a unit").filter(
        pk__in=operators
    )
    return [
        u
        for u in within.filter(unit_filter("", unit.path))
        if u.pk != unit.pk and definitions.filer_kind(u, "kp", operators) == "venue"
    ]


Figures = dict[tuple[str, str], int]


def less_venues(figures: Figures, unit, operators: list, figures_of) -> Figures:
    """The venue rule of the 科普统计, the one definition every path uses: a venue (科普场馆) files
    its own form and is not summed into its parent's, so a unit's figures are its subtree's
    (`figures`) less the subtree figures (`figures_of(venue)`) of each topmost venue operator
    under it (`operators`: any venue operators; those outside the unit's subtree are ignored)."""
    out = dict(figures)
    for venue in topmost(operators, unit):
        theirs = figures_of(venue)
        for key in out:
            out[key] -= theirs.get(key, 0)
    return out


def form_figures(
    unit,
    year: int,
    tables: list[TableDef],
    form: str = "kx",
    *,
    known: dict | None = None,
    operators: list | None = None,
) -> Figures:
    """The figures of a unit for a form: its subtree; for 科普统计 less the venues under it
    (less_venues). `known`: unit pk → subtree figures already computed (a city's fill has every
    unit's); `operators`: the venue operators, when the caller has them (else one query)."""
    known = known or {}

    def subtree(u) -> Figures:
        figures = known.get(u.pk)
        return figures if figures is not None else subtree_figures(u, year, tables)

    figures = subtree(unit)
    if form != "kp":
        return figures
    return less_venues(figures, unit, venues_below(unit) if operators is None else operators, subtree)


def own_figures(
    unit,
    year: int,
    tables: list[TableDef],
    form: str = "kx",
    *,
    known: dict | None = None,
    operators: list | None = None,
) -> Figures:
    """The figures a unit's own report holds: its figures (form_figures), less its counties' for
    a city (its 本级). `known` and `operators` as for form_figures."""
    figures = form_figures(unit, year, tables, form, known=known, operators=operators)
    for county in counties_of(unit):
        theirs = form_figures(county, year, tables, form, known=known, operators=operators)
        for key in figures:
            figures[key] -= theirs.get(key, 0)
    return figures


def tables_of(unit, year: int, form: str = "kx", venues: set | None = None) -> list[TableDef]:
    kind = definitions.filer_kind(unit, form, venues)
    if kind is None:
        return []
    return definitions.tables_for(year, kind, form)


def report_tables(report) -> list[TableDef]:
    return tables_of(report.unit, report.year, report.form)


def report_cells(report, tables: list[TableDef] | None = None) -> dict[tuple[str, str], object]:
    """A report's cells by (table, code): those stored, and the others as cells not saved: a hand
    cell not entered yet (empty), a computed cell whose figure is 0 (0). A report stores a computed
    cell when its figure is not 0 (or once it is overridden or explained) and a hand cell when it
    is first entered: a city's fill writes no rows of empty hand cells and zeros for its twelve
    thousand societies (kexie.stats.services._plan_figures, _cell)."""
    cells = {(c.table, c.code): c for c in report.cells.all()}
    for t in report_tables(report) if tables is None else tables:
        for d in t.cell_list():
            if (t.code, d.code) not in cells:
                cells[(t.code, d.code)] = unstored_cell(report, d)
    return cells


def unstored_cell(report, d: CellDef):
    """What a cell a report has not stored holds (report_cells): a computed cell 0, a hand cell
    nothing."""
    from kexie.stats.models import CellSource, StatsCell

    if d.computed:
        return StatsCell(
            report=report, table=d.table, code=d.code, source=CellSource.COMPUTED, value=0, computed=0
        )
    return StatsCell(report=report, table=d.table, code=d.code, source=CellSource.HAND)


def records_url(unit, year: int, cell: CellDef, report_pk: int | None = None) -> str:
    """Where a computed cell's records open: the indicator's drill-down, or the named query's
    list (kexie.stats.views.cell_records)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    if cell.indicator:
        params = {"year": str(year), "org": str(unit.pk)}
        if cell.dimension:
            params.update(dimension=cell.dimension, key=cell.key)
        return f"{reverse('reports:records', args=[cell.indicator])}?{urlencode(params)}"
    if cell.query and report_pk is not None:
        return reverse("stats:cell_records", args=[report_pk, cell.table, cell.code])
    return ""


# ---------------------------------------------------------------- every unit of a city at once


def quick_scope(unit) -> Scope:
    """A unit's scope without the look-up Scope makes (the unit is at hand; the system sees all)."""
    scope = object.__new__(Scope)
    scope.user, scope.region_code, scope.org_id, scope.cache = SYSTEM, None, unit.pk, {}
    scope.region, scope.org, scope._user_path = None, unit, ""
    return scope


class _RecordingScope(Scope):
    """A scope that notes which organisation field each `restrict` narrows by."""

    def restrict(self, qs, *, region, unit):
        self.cache.setdefault("_units", []).append(unit)
        return super().restrict(qs, region=region, unit=unit)


def _ancestors(path: str, wanted: dict[str, object]) -> list:
    """The wanted units (path → unit) whose subtree holds the organisation at `path`."""
    found, at = [], 0
    while True:
        at = path.find("/", at + 1)
        if at < 0:
            return found
        unit = wanted.get(path[: at + 1])
        if unit is not None:
            found.append(unit)


class _Above:
    """The wanted scopes above each path, found once per path (many rows share a unit)."""

    def __init__(self, scopes: dict):
        self.by_path = {scope.org.path: scope for scope in scopes.values()}
        self.known: dict[str, list] = {}

    def __call__(self, path: str) -> list:
        found = self.known.get(path)
        if found is None:
            found = self.known[path] = _ancestors(path, self.by_path)
        return found


def _roll_up(scopes: dict, above: _Above, folded: dict[int, dict], n: int) -> None:
    """Add every unit's sums (key → list of n numbers) into the unit above it among `scopes`,
    deepest first: each unit then holds its subtree's sums."""
    for scope in sorted(scopes.values(), key=lambda s: s.org.path.count("/"), reverse=True):
        holders = above(scope.org.path)  # the unit itself last
        if len(holders) < 2:
            continue
        parent = folded[holders[-2].org_id]
        for key, sums in folded[scope.org_id].items():
            into = parent.get(key)
            if into is None:
                parent[key] = list(sums)
            else:
                for i in range(n):
                    into[i] += sums[i]


def _activity_rows(city, period: Period) -> tuple[list[str], list[tuple]]:
    """The city's approved activities of the period, grouped by kind and reporting unit, as plain
    rows (kind, unit, *sums): the metrics' names ("n_cur", "participants_cur", …, as the activity
    indicators' scan names them) and the rows. The same filter as that scan
    (kexie.activities.indicators._scan), for the period only: a cell states the year's figure
    (Result.value and its breakdown), never the previous year's (Result.previous), so the fill
    does not read last year's activities."""
    from django.db.models import Count, Sum

    from kexie.activities import indicators as act
    from kexie.activities.models import Activity

    qs = quick_scope(city).restrict(
        Activity.objects.filter(
            act.SOURCES["approved"], start_date__gte=period.start, start_date__lt=period.end
        ),
        region="region",
        unit="reporting_unit",
    )
    sums = {"n_cur": Count("id"), **{f"{metric}_cur": Sum(metric) for metric in act.METRICS[1:]}}
    rows = qs.values("kind_id", "reporting_unit_id").annotate(**sums).order_by()
    return list(sums), _plain_rows(rows.values_list("kind_id", "reporting_unit_id", *sums))


def _plain_rows(qs) -> list[tuple]:
    """The rows of a values_list query (its fields, then its annotations, in order) as the
    database driver returns them, without Django's per-value converters: for whole numbers and
    text only (a city's fill reads a few hundred thousand such rows)."""
    from django.db import connections

    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _seed_activities(city, period: Period, scopes: dict, above: _Above) -> None:
    """One scan of the city's approved activities grouped by kind and reporting unit; each unit's
    grouping by kind is the sum of the rows of its subtree (what its own scan would give, regrouped
    by kind as kexie.activities.indicators.grouped does). Only the grouping by kind is seeded (every
    activity cell of the tables counts by kind; an indicator grouping otherwise scans as usual),
    and only the year's sums (_activity_rows: the previous year's are seeded as 0, read by no
    cell). These scopes serve city_figures only."""
    from kexie.activities import indicators as act
    from kexie.directory.models import Organisation

    columns, rows = _activity_rows(city, period)
    paths = dict(
        Organisation.objects.unscoped(reason="statistics: the units of the city's activities")
        .filter(unit_filter_q(city.path))
        .values_list("id", "path")
    )
    n = len(columns)
    # unit pk → kind → [the metrics' sums], in the order of `columns`: each row is folded into the
    # deepest unit holding it, then every unit's sums into the unit above it
    folded: dict[int, dict[int, list]] = {pk: {} for pk in scopes}
    deepest: dict[int, dict | None] = {}
    for kind, unit_id, *sums in rows:
        into = deepest.get(unit_id, False)
        if into is False:
            holders = above(paths.get(unit_id, ""))
            into = deepest[unit_id] = folded[holders[-1].org_id] if holders else None
        if into is None:
            continue
        got = into.get(kind)
        if got is None:
            into[kind] = [v or 0 for v in sums]
        else:
            for i in range(n):
                got[i] += sums[i] or 0
    _roll_up(scopes, above, folded, n)
    city_scope = quick_scope(city)
    kinds, labels, regions, trees = (
        act._kinds(city_scope),
        act._kind_labels(city_scope),
        city_scope.regions(),
        {},
    )
    unread = {f"{metric}_prev": 0 for metric in act.METRICS}  # the previous year: no cell states it
    for pk, scope in scopes.items():
        scope.cache["regions"] = regions
        scope.cache[("activities", "approved", "kind", period)] = [
            {"kind_id": kind, **dict(zip(columns, sums, strict=True)), **unread}
            for kind, sums in folded[pk].items()
        ]
        scope.cache["activity_kinds"] = kinds
        scope.cache["activity_kind_trees"] = trees
        scope.cache["activity_kind_labels"] = labels


def unit_filter_q(path: str):
    from kexie.core.scoping import unit_filter

    return unit_filter("", path)


def _seed_org_stock(city, period: Period, scopes: dict, above: _Above) -> None:
    """The organisations standing at 31 December, counted into every unit's subtree at once."""
    rows = _plain_rows(
        queries._org_base(period, quick_scope(city)).values_list("path", "kind", "association_level")
    )
    counts: dict[int, dict] = {pk: {} for pk in scopes}
    for path, kind, level in rows:
        for scope in above(path):
            into = counts[scope.org_id]
            into[(kind, level or "")] = into.get((kind, level or ""), 0) + 1
    for pk, scope in scopes.items():
        scope.cache[("stats", "org_stock", period)] = counts[pk]


def _seed_staff_stock(city, period: Period, scopes: dict, above: _Above) -> None:
    """The staff in post at 31 December, counted into every unit's subtree at once."""
    rows = queries._staff_base(period, quick_scope(city)).values_list("person__unit__path", "person__gender")
    counts: dict[int, dict] = {pk: {} for pk in scopes}
    for path, gender in rows:
        for scope in above(path):
            into = counts[scope.org_id]
            into[gender or ""] = into.get(gender or "", 0) + 1
    for pk, scope in scopes.items():
        scope.cache[("stats", "staff_stock", period)] = counts[pk]


def _seed_member_count(city, period: Period, scopes: dict, above: _Above) -> None:
    """The year's member counts (queries.member_count), summed into every unit's subtree at once."""
    rows = queries._members_base(period, quick_scope(city)).values_list("organisation__path", "member_count")
    sums = dict.fromkeys(scopes, 0)
    for path, n in rows:
        for scope in above(path):
            sums[scope.org_id] += n
    for pk, scope in scopes.items():
        scope.cache[("stats", "member_count", period)] = sums[pk]


def _empty_indicators(
    city, period: Period, codes: set[str], scopes: dict, above: _Above
) -> dict[int, set[str]]:
    """unit pk → the indicators of `codes` whose records (their drill-down: what they count) lie
    in none of the unit's subtree, which give that unit nothing: one query per indicator finds the
    units that hold records. Indicators whose records are not narrowed by an organisation field
    are left out (they compute as usual)."""
    empty: dict[int, set[str]] = {pk: set() for pk in scopes}
    for code in sorted(codes):
        indicator = indicators.get(code)
        probe = _RecordingScope(SYSTEM, org_id=city.pk)
        try:
            qs = indicator.records(period, probe, None, None)
        except Exception:  # noqa: BLE001 - an indicator without a plain drill-down computes as usual
            continue
        units = probe.cache.get("_units", [])
        if len(set(units)) != 1 or units[0] is None:
            continue
        field = f"{units[0]}__path" if units[0] else "path"
        holding = set()
        for path in qs.order_by().values_list(field, flat=True).distinct():
            holding.update(s.org_id for s in above(path or ""))
        for pk, codes_of in empty.items():
            if pk not in holding:
                codes_of.add(code)
    return empty


def city_figures(
    city, units: list, year: int, form: str = "kx", venues: set | None = None
) -> dict[int, dict[tuple[str, str], int]]:
    """unit pk → the subtree figures of each of `units` (a city's filing units of `form`, the
    city among them or not): forms_figures for one form."""
    return forms_figures(city, {form: units}, year, venues)[form]


def forms_figures(
    city, units_of: dict[str, list], year: int, venues: set | None = None
) -> dict[str, dict[int, Figures]]:
    """form → unit pk → the subtree figures of each of a city's filing units of that form
    (`units_of`), from one grouped query per source rather than one per unit, whatever the number
    of forms: the activities' scan and the organisations and staff standing at 31 December serve
    every unit; an indicator whose records lie in none of a unit's subtree gives it nothing
    without a query (one query per indicator finds the units that hold records); only the units
    holding records of an indicator compute it as usual, once for all its forms."""
    period = Period.year(year)
    kinds = {
        (form, u.pk): definitions.filer_kind(u, form, venues)
        for form, units in units_of.items()
        for u in units
    }
    # the computed cells of each form's kind's tables, listed once (every unit of a kind has the same)
    computed = {
        (form, kind): [((t.code, c.code), c) for t in definitions.tables_for(year, kind, form) for c in t.cell_list()
                       if c.computed]
        for form, kind in {(form, kind) for (form, _pk), kind in kinds.items() if kind is not None}
    }  # fmt: skip
    scopes = {u.pk: quick_scope(u) for units in units_of.values() for u in units}
    codes = {c.indicator for cells in computed.values() for _, c in cells if c.indicator}
    empty: dict[int, set[str]] = {}
    if scopes:
        above = _Above(scopes)  # the units above each path, shared by every source
        _seed_activities(city, period, scopes, above)
        _seed_org_stock(city, period, scopes, above)
        _seed_staff_stock(city, period, scopes, above)
        _seed_member_count(city, period, scopes, above)
        others = {c for c in codes if not c.startswith("activities.")}
        empty = _empty_indicators(city, period, others, scopes, above)
    return {
        form: {
            u.pk: _unit_figures(
                computed.get((form, kinds[(form, u.pk)]), []), period, scopes[u.pk], empty[u.pk]
            )
            for u in units
        }
        for form, units in units_of.items()
    }


def _unit_figures(cells: list, period: Period, scope: Scope, empty: set[str]) -> Figures:
    """A unit's computed cells: 0 for an indicator with no records in its subtree (`empty`), the
    others through cell_value."""
    return {key: 0 if c.indicator in empty else cell_value(c, period, scope) for key, c in cells}
