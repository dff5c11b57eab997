"""The 科普统计 form: city and county associations file it, and so does every unit that runs a
venue (科普场馆) — its own form, not summed into its parent's (the 科协综合统计 still counts the
venue in its county's tables)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kexie.bases import services as bases_services
from kexie.stats import checks, services
from kexie.stats.models import StatsReport


@pytest.fixture
def venue(world):
    admin = world.users["city_admin"]
    venue = bases_services.venue_create(actor=admin, data={
        "name": "兖州区科技馆", "kind": "science_centre", "operator": world.orgs["base"],
        "region": world.regions["370812"], "opened_on": dt.date(2015, 5, 1),
    })  # fmt: skip
    bases_services.venue_visitors_record(actor=admin, venue=venue, month=dt.date(2020, 5, 1), visitors=5000)
    return venue


def _cells(report, table) -> dict:
    from kexie.stats import compute

    return {code: c.value for (t, code), c in compute.report_cells(report).items() if t == table}


def test_a_venue_files_its_own_form_and_is_not_summed_into_its_county(world, venue):
    admin = world.users["city_admin"]
    reports = {
        r.unit.name: r for r in services.fill_city(actor=admin, city=world.orgs["city"], year=2020, form="kp")
    }
    assert set(reports) == {world.orgs[k].name for k in ("city", "rencheng", "yanzhou", "base")}
    assert all(r.form == "kp" and str(r).endswith("2020年科普统计") for r in reports.values())
    own = _cells(reports["兖州区科技馆"], "KP表2")
    assert (own["KC100-1"], own["KC110-1"]) == (1, 5000)
    county = _cells(reports["兖州区科学技术协会"], "KP表2")
    assert (county["KC100-1"], county["KC110-1"]) == (0, 0)
    totals, problems = checks.summary(reports["济宁市科学技术协会"])
    assert totals[("KP表2", "KC110-1")] == 0 and not [p for p in problems if p.table]
    # The 科协综合统计 counts the venue in its county, and the venue files none of it.
    kx = {r.unit.name: r for r in services.fill_city(actor=admin, city=world.orgs["city"], year=2020)}
    assert "兖州区科技馆" not in kx and _cells(kx["兖州区科学技术协会"], "GKX表7")["03-1"] == 1
    again = services.report_prepare(actor=admin, unit=world.orgs["base"], year=2020, form="kp")
    assert again.pk == reports["兖州区科技馆"].pk
    assert StatsReport.objects.unscoped(reason="test").filter(form="kp").count() == 4


def test_the_fill_and_each_units_own_figures_apply_the_venue_rule_alike(world, venue):
    """One definition of the venue rule (compute.less_venues) serves the city's fill and a unit's
    own figures: every 科普统计 report of the fill holds what compute.own_figures gives it."""
    from kexie.stats import compute

    reports = services.fill_city(
        actor=world.users["city_admin"], city=world.orgs["city"], year=2020, form="kp"
    )
    for report in reports:
        figures = compute.own_figures(report.unit, 2020, compute.report_tables(report), "kp")
        cells = compute.report_cells(report).values()
        assert {(c.table, c.code): c.value for c in cells if c.is_computed} == figures
    assert not any(p.table for p in checks.summary(reports[0])[1])


def test_the_venue_rule_holds_when_a_report_is_prepared_alone(world, venue):
    admin = world.users["city_admin"]
    county = services.report_prepare(actor=admin, unit=world.orgs["yanzhou"], year=2020, form="kp")
    assert _cells(county, "KP表2")["KC110-1"] == 0
    with pytest.raises(ValidationError, match="科普场馆"):
        services.report_prepare(actor=admin, unit=world.orgs["society"], year=2020, form="kp")
    with pytest.raises(ValidationError):
        services.report_prepare(actor=admin, unit=world.orgs["yanzhou"], year=2020, form="zz")


def test_cli_exports_and_checks_the_science_popularisation_form(world, venue, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from openpyxl import load_workbook

    admin = world.users["city_admin"]
    report = services.report_prepare(actor=admin, unit=world.orgs["base"], year=2020, form="kp")
    out = tmp_path / "科技馆.xlsx"
    call_command("stats", "export", "--year", "2020", "--org", str(report.unit_id), "--form", "kp",
                 "--out", str(out))  # fmt: skip
    assert load_workbook(out).sheetnames[:2] == ["KP表1 科普人员", "KP表2 科普场地"]
    assert "已导出 兖州区科技馆 2020 年 6 张表" in capsys.readouterr().out
    with pytest.raises(CommandError, match="未通过"):  # hand cells still empty
        call_command("stats", "check", "--year", "2020", "--org", str(report.unit_id), "--form", "kp")
    assert "KP表1\tKR100-1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="尚无 2020 年科协综合统计报表"):  # the venue files no 科协 form
        call_command("stats", "export", "--year", "2020", "--org", str(report.unit_id), "--out", str(out))


def test_a_county_association_running_a_venue_keeps_it_in_its_own_figures(world):
    """A county association that runs a venue files as an association: the venue's figures stay
    in its report and the city's summary check does not take them out again (it did: 汇总 ≠ 记录)."""
    admin = world.users["city_admin"]
    venue = bases_services.venue_create(actor=admin, data={
        "name": "兖州区青少年科技馆", "kind": "science_centre", "operator": world.orgs["yanzhou"],
        "region": world.regions["370812"], "opened_on": dt.date(2015, 5, 1),
    })  # fmt: skip
    bases_services.venue_visitors_record(actor=admin, venue=venue, month=dt.date(2020, 5, 1), visitors=700)
    reports = {
        r.unit_id: r for r in services.fill_city(actor=admin, city=world.orgs["city"], year=2020, form="kp")
    }
    assert _cells(reports[world.orgs["yanzhou"].pk], "KP表2")["KC110-1"] == 700
    totals, problems = checks.summary(reports[world.orgs["city"].pk])
    assert totals[("KP表2", "KC110-1")] == 700 and not [p for p in problems if p.table]


def test_both_forms_filled_at_once_hold_what_each_form_filled_alone_holds(world, venue, academic, client):
    """fill_city with both forms reads the records once for both: every report and cell is what
    the two fills one form at a time give; the page's 全部报表 fills both for the user's unit."""
    from kexie.core.models import AuditEntry
    from kexie.stats.models import StatsCell

    admin, city = world.users["city_admin"], world.orgs["city"]
    academic(2)

    def stored() -> dict:
        rows = StatsCell.objects.unscoped(reason="test").values_list(
            "report__unit_id", "report__form", "table", "code", "value", "computed", "source"
        )
        return {row[:4]: row[4:] for row in rows}

    services.fill_city(actor=admin, city=city, year=2020, form="kx")
    services.fill_city(actor=admin, city=city, year=2020, form="kp")
    one_at_a_time = stored()
    StatsReport.objects.unscoped(reason="test").delete()
    both = services.fill_city(actor=admin, city=city, year=2020, form=("kx", "kp"))
    assert stored() == one_at_a_time and {r.form for r in both} == {"kx", "kp"}
    assert len(both) == StatsReport.objects.unscoped(reason="test").count()
    StatsReport.objects.unscoped(reason="test").delete()
    client.force_login(admin)
    assert client.post("/stats/fill/", {"year": "2020", "form": "all"}).status_code == 302
    assert stored() == one_at_a_time
    fills = AuditEntry.objects.filter(action="kexie.stats_report.filled").order_by("-pk")[:2]
    assert sorted(e.after["form"] for e in fills) == ["kp", "kx"]
