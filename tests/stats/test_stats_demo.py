"""The demo fills the city's statistical reports through the services: every unit's report, the
computed cells stating the demo's (the seed's) figures, one county's report accepted."""

import pytest

from kexie.core.indicators import Period, Scope, get
from kexie.demo.loader import load_demo
from kexie.stats import checks
from kexie.stats import demo as stats_demo
from kexie.stats.compute import report_cells
from kexie.stats.models import StatsReport


@pytest.fixture
def demo(db):
    from kexie.bases import demo as bases_demo

    context = load_demo()
    bases_demo.load(context)  # the venues the 科普统计 counts
    stats_demo.load(context)
    return context


def test_the_demo_fills_the_reports_and_the_summary_states_the_seed(demo):
    reports = StatsReport.objects.unscoped(reason="test").filter(year=2020, form="kx").select_related("unit")
    units = {r.unit_id for r in reports}
    assert demo.city.pk in units and all(c.pk in units for c in demo.orgs["counties"])
    city = reports.get(unit=demo.city)
    totals, problems = checks.summary(city)
    academic = (
        get("activities.academic_exchange").compute(Period.year(2020), Scope(demo.users["admin"])).value
    )
    assert totals[("CKX表3", "01-1")] == academic == 23  # 学术交流活动23次, as the review states
    assert not [p for p in problems if p.table]  # 本级 + counties = the city's records, cell by cell
    first = reports.get(unit=demo.orgs["counties"][0])
    assert (
        first.is_accepted
        and report_cells(first)[("CKX表3", "04-1")].value == report_cells(first)[("CKX表3", "01-1")].value
    )
    assert sum(r.is_editable for r in reports) == len(units) - 1
    _science_popularisation(demo)  # one demo load for both forms (it takes seconds)


def _science_popularisation(demo):
    """科普统计 2020 in the demo: the city, its counties (which run the demo's venues, so they file
    as associations and their venues stay in their own figures), one county accepted; the
    summary and every report agree with the records the way a unit's own preparation counts."""
    from kexie.stats import compute

    reports = list(
        StatsReport.objects.unscoped(reason="test").filter(year=2020, form="kp").select_related("unit")
    )
    units = {r.unit_id for r in reports}
    assert demo.city.pk in units and all(c.pk in units for c in demo.orgs["counties"])
    first = next(r for r in reports if r.unit_id == demo.orgs["counties"][0].pk)
    assert first.is_accepted and sum(r.is_accepted for r in reports) == 1
    city = next(r for r in reports if r.unit_id == demo.city.pk)
    totals, problems = checks.summary(city)
    visitors = get("bases.visitors").compute(Period.year(2020), Scope(demo.users["admin"])).value
    assert totals[("KP表2", "KC110-1")] == visitors > 0  # every venue's visitors, counted once
    assert not [p for p in problems if p.table]
    for report in reports:
        figures = compute.own_figures(report.unit, 2020, compute.report_tables(report), "kp")
        cells = compute.report_cells(report).values()
        assert {(c.table, c.code): c.computed for c in cells if c.is_computed} == figures
