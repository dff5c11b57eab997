"""Filling, checking and the workflow of the statistical tables."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.stats.conftest import fill_hand_cells

from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.core.models import AuditEntry
from kexie.stats import checks, services
from kexie.stats.models import StatsCell, StatsStatus


def _cell(report, table, code) -> StatsCell:
    """The cell as the report holds it (stored, or what a cell not stored reads)."""
    from kexie.stats import compute

    return compute.report_cells(report)[(table, code)]


def _clean_county(world, academic, n=3):
    """任城区's report with n academic exchanges, every hand cell filled and the sums right."""
    staff = world.users["county_staff"]
    academic(n, participants=50)
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    fill_hand_cells(report, staff)
    services.cell_enter(actor=staff, report=report, table="CKX表3", code="04-1", text=n)
    services.cell_enter(actor=staff, report=report, table="CKX表3", code="04-2", text=50 * n)
    return report


def test_academic_exchange_cell_equals_the_indicator_for_the_same_scope_and_year(world, academic):
    academic(3)
    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    expected = indicators.get("activities.academic_exchange").compute(
        Period.year(2020), Scope(staff, org_id=world.orgs["rencheng"].pk)
    )
    assert expected.value == 3
    assert _cell(report, "CKX表3", "01-1").value == 3
    assert _cell(report, "CKX表3", "01-2").value == 360  # 3 × 120 participants


def test_hand_cells_and_overrides_survive_recomputation(world, academic):
    report = _clean_county(world, academic, n=2)
    staff = world.users["county_staff"]
    services.cell_enter(actor=staff, report=report, table="AK表1-1", code="08-1", text="12")
    services.cell_override(
        actor=staff, report=report, table="EKX表5", code="01-1", text="7", reason="含未录入的2场"
    )
    academic(1)
    services.report_compute(actor=staff, report=report)
    assert _cell(report, "AK表1-1", "08-1").value == 12
    over = _cell(report, "EKX表5", "01-1")
    assert (over.value, over.overridden, over.override_reason) == (7, True, "含未录入的2场")
    assert _cell(report, "CKX表3", "01-1").value == 3  # the computed cell follows the records


def test_hand_cell_validation(world, academic):
    report = _clean_county(world, academic, n=1)
    staff = world.users["county_staff"]
    for text, message in [("1.5", "整数"), ("abc", "非负整数"), ("-3", "非负整数"), ("-", "不允许")]:
        with pytest.raises(ValidationError, match=message):
            services.cell_enter(actor=staff, report=report, table="CKX表3", code="04-1", text=text)
    services.cell_enter(actor=staff, report=report, table="AK表1-1", code="08-1", text="-")  # allowed there
    assert _cell(report, "AK表1-1", "08-1").display == "-"
    with pytest.raises(ValidationError, match="自动取数"):
        services.cell_enter(actor=staff, report=report, table="CKX表3", code="01-1", text="5")
    with pytest.raises(ValidationError, match="原因"):
        services.cell_override(actor=staff, report=report, table="CKX表3", code="01-1", text="5", reason=" ")


def test_rules_list_every_failure(world, academic):
    academic(2)
    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    problems = checks.check_report(report)
    reasons = {(p.table, p.cell.split()[0]): p.reason for p in problems}
    assert "未填写" in reasons[("AK表1-1", "08-1")]
    fill_hand_cells(report, staff)
    problems = checks.check_report(report)
    assert [(p.table, p.cell) for p in problems] == [("CKX表3", "01-1"), ("CKX表3", "01-2")]  # 2 ≠ 0+0+0
    services.cell_override(actor=staff, report=report, table="AK表1-1", code="07-1", text="3", reason="核实")
    assert any(p.table == "AK表1-1" and p.cell == "07-1" for p in checks.check_report(report))  # 女性 > 总数


def test_change_against_last_year_needs_an_explanation(world, academic):
    staff = world.users["county_staff"]
    last = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2019)
    fill_hand_cells(last, staff)
    services.cell_enter(actor=staff, report=last, table="AK表1-1", code="08-1", text="20")
    report = _clean_county(world, academic, n=1)
    services.cell_enter(actor=staff, report=report, table="AK表1-1", code="08-1", text="40")
    problems = [p for p in checks.check_report(report) if p.table == "AK表1-1"]
    assert len(problems) == 1 and "须在报表说明中说明" in problems[0].reason
    services.cell_explain(actor=staff, report=report, table="AK表1-1", code="08-1", note="会员发展")
    assert not [p for p in checks.check_report(report) if p.table == "AK表1-1"]


def test_county_submits_city_returns_accepts_reopens(world, academic):
    staff, city = world.users["county_staff"], world.users["city_admin"]
    report = _clean_county(world, academic)
    with pytest.raises(PermissionDenied):  # a unit does not review itself
        services.report_accept(actor=staff, report=services.report_submit(actor=staff, report=report))
    services.report_return(actor=city, report=report, reason="请核对学术交流参加人次")
    assert report.status == StatsStatus.RETURNED and report.return_reason
    services.report_submit(actor=staff, report=report)
    services.report_accept(actor=city, report=report)
    assert report.is_accepted
    with pytest.raises(ValidationError):  # locked
        services.cell_enter(actor=staff, report=report, table="AK表1-1", code="06-1", text="1")
    with pytest.raises(ValidationError, match="原因"):
        services.report_reopen(actor=city, report=report, reason="")
    services.report_reopen(actor=city, report=report, reason="省科协要求更正期刊数")
    assert report.is_returned
    entry = AuditEntry.objects.unscoped(reason="test").filter(action="kexie.stats_report.reopened").get()
    assert entry.note == "省科协要求更正期刊数"


def test_submit_is_refused_while_a_rule_fails(world, academic):
    academic(1)
    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    with pytest.raises(ValidationError, match="未填写"):
        services.report_submit(actor=staff, report=report)
    assert report.status == StatsStatus.DRAFT


def test_city_table_is_its_own_level_plus_its_counties(world, academic):
    city_admin = world.users["city_admin"]
    academic(2)  # 任城区
    academic(1, actor=city_admin, region=world.regions["370800"], organiser=world.orgs["city"])  # 市本级
    reports = {
        r.unit.name: r for r in services.fill_city(actor=city_admin, city=world.orgs["city"], year=2020)
    }
    city = reports["济宁市科学技术协会"]
    assert _cell(reports["任城区科学技术协会"], "CKX表3", "01-1").value == 2
    assert _cell(city, "CKX表3", "01-1").value == 1  # 本级 only
    totals, problems = checks.summary(city)
    assert (
        totals[("CKX表3", "01-1")]
        == 3
        == indicators.get("activities.academic_exchange").compute(Period.year(2020), Scope(city_admin)).value
    )
    assert not [p for p in problems if p.table]
    # a county that overrides drops out of the equality; one that is stale shows up
    academic(1)
    _totals, problems = checks.summary(city)
    assert [p.cell.split()[0] for p in problems if p.table == "CKX表3"] == ["01-1", "01-2"]


def test_out_of_scope_unit_cannot_be_prepared(world):
    from django.http import Http404

    with pytest.raises(Http404):
        services.report_prepare(actor=world.users["outsider"], unit=world.orgs["rencheng"], year=2020)


def test_grouped_city_fill_gives_each_unit_its_own_figures(world, academic):
    """compute.city_figures (one grouped query per source) equals each unit's own computation,
    for a society with activities, a county and a unit without any."""
    from kexie.directory.models import Organisation
    from kexie.directory.services import _refresh_path
    from kexie.stats import compute

    secretary = world.users["society_secretary"]
    academic(2)  # 任城区
    academic(1, actor=secretary, organiser=world.orgs["society"], region=world.regions["370800"])
    idle = Organisation.objects.create(
        name="济宁市物理学会", kind="society", parent=world.orgs["city"], region=world.regions["370800"]
    )
    _refresh_path(idle)
    units = [world.orgs["city"], world.orgs["rencheng"], world.orgs["yanzhou"], world.orgs["society"], idle]
    units = list(Organisation.objects.filter(pk__in=[u.pk for u in units]).order_by("path"))
    grouped = compute.city_figures(world.orgs["city"], units, 2020)
    for unit in units:
        assert grouped[unit.pk] == compute.subtree_figures(unit, 2020, compute.tables_of(unit, 2020)), (
            unit.name
        )
    assert grouped[world.orgs["society"].pk][("CKX表3", "01-1")] == 1
    assert grouped[world.orgs["rencheng"].pk][("CKX表3", "01-1")] == 2
    assert grouped[idle.pk][("CKX表3", "01-1")] == 0


def test_the_city_fill_recomputes_like_a_report_and_keeps_hand_cells_and_overrides(world, academic):
    """fill_city writes its cells as plain rows: a second fill takes the records again, leaves
    hand cells and overrides (its computed figure follows the records), and every report then
    holds what its own re-computation would give."""
    from kexie.stats import compute

    admin, staff = world.users["city_admin"], world.users["county_staff"]
    academic(2)
    reports = {r.unit_id: r for r in services.fill_city(actor=admin, city=world.orgs["city"], year=2020)}
    county = reports[world.orgs["rencheng"].pk]
    services.cell_enter(actor=staff, report=county, table="AK表1-1", code="08-1", text="-")
    services.cell_override(actor=staff, report=county, table="CKX表3", code="01-1", text="9", reason="含线上")
    academic(1)
    again = services.fill_city(actor=admin, city=world.orgs["city"], year=2020)
    assert {r.pk for r in again} == {r.pk for r in reports.values()}
    hand, over = _cell(county, "AK表1-1", "08-1"), _cell(county, "CKX表3", "01-1")
    assert (hand.value, hand.is_dash) == (None, True)
    assert (over.value, over.computed, over.overridden) == (9, 3, True)
    assert _cell(county, "CKX表3", "01-2").value == 360  # 3 × 120 participants, not overridden
    for report in again:
        figures = compute.own_figures(report.unit, 2020, compute.report_tables(report))
        cells = {key: c.computed for key, c in compute.report_cells(report).items() if c.is_computed}
        assert cells == figures, report.unit.name


def test_city_figures_send_no_statement_per_unit(world, academic):
    """The grouped fill's statements do not grow with the number of filing units: three more
    societies (without records) cost no statement (an activity indicator of theirs used to scan
    the activities unit by unit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kexie.directory.models import Organisation
    from kexie.directory.services import _refresh_path
    from kexie.stats import compute

    academic(2)
    city = world.orgs["city"]
    units = [city, world.orgs["rencheng"], world.orgs["yanzhou"], world.orgs["society"]]
    more = []
    for name in ("济宁市物理学会", "济宁市化学学会", "济宁市数学学会"):
        society = Organisation.objects.create(
            name=name, kind="society", parent=city, region=world.regions["370800"]
        )
        _refresh_path(society)
        more.append(society)
    units = list(Organisation.objects.filter(pk__in=[u.pk for u in units]).order_by("path"))
    more = list(Organisation.objects.filter(pk__in=[u.pk for u in more]))

    def statements(of) -> int:
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            compute.city_figures(city, of, 2020)
        return len(queries)

    assert statements(units + more) == statements(units)


def test_a_hand_cell_is_stored_when_first_entered(world, academic):
    """Preparing a report stores its computed cells only; the rules still name every empty hand
    cell; entering one stores it, audited; the summary and exports read the empty ones as empty."""
    from kexie.stats import compute, exports

    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    assert set(report.cells.values_list("source", flat=True)) <= {"computed"}
    hand = [k for k, c in compute.report_cells(report).items() if not c.is_computed]
    assert hand and all(c.pk is None for k, c in compute.report_cells(report).items() if k in hand)
    unfilled = {p.cell.split(" ")[0] for p in checks.check_report(report) if "未填写" in p.reason}
    assert {code for _t, code in hand} <= unfilled
    assert exports.values_of(report)[hand[0]] == ""
    services.cell_enter(actor=staff, report=report, table=hand[0][0], code=hand[0][1], text="7")
    assert _cell(report, *hand[0]).value == 7
    assert report.cells.filter(source="hand").count() == 1
    assert AuditEntry.objects.filter(action="kexie.stats_cell.entered").count() == 1


def test_a_computed_cell_of_0_is_stored_once_it_is_not_0_or_overridden(world, academic):
    """A report stores no computed cell whose figure is 0 (it reads 0: the rules, the summary and
    the equality check see 0); re-computation stores one whose figure becomes more than 0, and
    an override of a 0 stores it with its reason."""

    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    assert not report.cells.filter(table="CKX表3", code="01-1").exists()
    zero = _cell(report, "CKX表3", "01-1")
    assert (zero.value, zero.computed, zero.is_computed, zero.pk) == (0, 0, True, None)
    assert not [
        p for p in checks.check_report(report, fresh=True) if p.table == "CKX表3" and "01-1" in p.cell
    ]
    assert all(c.value for c in report.cells.all())  # every cell stored states a figure, none a 0
    academic(2)
    services.report_compute(actor=staff, report=report)
    assert report.cells.get(table="CKX表3", code="01-2").value == 240
    services.cell_override(actor=staff, report=report, table="FKX表6", code="01-1", text="4", reason="含线上")
    over = report.cells.get(table="FKX表6", code="01-1")
    assert (over.value, over.computed, over.overridden) == (4, 0, True)
