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


def own_figures(
    unit, year: int, tables: list[TableDef], county_figures: dict | None = None
) -> dict[tuple[str, str], int]:
    """The figures a unit's own report holds: its subtree, less its counties for a city."""
    figures = subtree_figures(unit, year, tables)
    counties = counties_of(unit)
    if not counties:
        return figures
    county_figures = county_figures if county_figures is not None else {}
    for county in counties:
        theirs = county_figures.get(county.pk)
        if theirs is None:
            theirs = subtree_figures(county, year, tables)
        for key in figures:
            figures[key] -= theirs.get(key, 0)
    return figures


def tables_of(unit, year: int) -> list[TableDef]:
    kind = definitions.filer_kind(unit)
    if kind is None:
        return []
    return definitions.tables_for(year, kind)


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
