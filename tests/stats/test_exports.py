"""Exports in the tables' layout, the JSON export, import from kexie's own export, the CLI."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook
from tests.stats.conftest import fill_hand_cells

from kexie.stats import exports, services


@pytest.fixture
def report(world, academic):
    academic(2)
    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=world.orgs["rencheng"], year=2020)
    fill_hand_cells(report, staff)
    services.cell_enter(actor=staff, report=report, table="CKX表3", code="04-1", text=2)
    services.cell_enter(actor=staff, report=report, table="CKX表3", code="04-2", text=240)
    return report


def test_xlsx_has_one_sheet_a_table_named_by_code_with_head_and_stamp(report):
    wb = load_workbook(io.BytesIO(exports.workbook_bytes(report)))
    names = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert "CKX表3 学术交流活动" in names and "AK表1-1 组织建设" in names
    assert not any(n.startswith("AX表1-2") for n in names)  # a county files AK, not AX
    ws = wb["CKX表3 学术交流活动"]
    assert "任城区科学技术协会" in ws["A2"].value
    row = next(r for r in ws.iter_rows(min_row=5) if r[1].value == "01")
    assert row[3].value == 2 and row[4].value == 240
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert "(单位盖章)" in texts and any(t.startswith("填表人") for t in texts)
    assert ws.page_setup.orientation == "landscape"


def test_json_export_states_sources_and_values(report):
    data = exports.json_data(report)
    ckx = next(t for t in data["tables"] if t["code"] == "CKX表3")
    first = next(c for c in ckx["cells"] if c["code"] == "01-1")
    assert first["value"] == 2 and first["source"] == "activities.academic_exchange"


def _edited(report, sheet, row_code, column, value) -> bytes:
    wb = load_workbook(io.BytesIO(exports.workbook_bytes(report)))
    ws = wb[sheet]
    row = next(r for r in ws.iter_rows(min_row=5) if r[1].value == row_code)
    row[column].value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_merges_hand_cells_from_kexie_export(world, report):
    data = _edited(report, "AK表1-1 组织建设", "08", 3, 15)
    assert exports.import_workbook(actor=world.users["county_staff"], report=report, data=data) == 1
    assert report.cells.get(table="AK表1-1", code="08-1").value == 15


def test_import_with_a_bad_cell_names_sheet_row_and_column_and_changes_nothing(world, report):
    data = _edited(report, "AK表1-1 组织建设", "08", 3, "十二")
    with pytest.raises(ValidationError) as exc:
        exports.import_workbook(actor=world.users["county_staff"], report=report, data=data)
    message = exc.value.messages[0]
    assert "AK表1-1" in message and "第12行" in message and "本年" in message
    assert report.cells.get(table="AK表1-1", code="08-1").value == 0


def test_import_refuses_another_units_file(world, report):
    other = services.report_prepare(actor=world.users["city_admin"], unit=world.orgs["yanzhou"], year=2020)
    with pytest.raises(ValidationError, match="不符"):
        exports.import_workbook(
            actor=world.users["city_admin"], report=other, data=exports.workbook_bytes(report)
        )


def test_cli_export_and_check(world, report, tmp_path, capsys):
    out = tmp_path / "任城区.xlsx"
    call_command("stats", "export", "--year", "2020", "--org", str(report.unit_id), "--out", str(out))
    assert "CKX表3 学术交流活动" in load_workbook(out).sheetnames
    call_command(
        "stats", "export", "--year", "2020", "--org", str(report.unit_id), "--out", str(tmp_path / "a.json")
    )
    assert json.loads((tmp_path / "a.json").read_text("utf-8"))["year"] == 2020
    call_command("stats", "check", "--year", "2020", "--org", str(report.unit_id))  # clean: no error
    services.cell_enter(
        actor=world.users["county_staff"], report=report, table="CKX表3", code="04-1", text=""
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未通过"):
        call_command("stats", "check", "--year", "2020", "--org", str(report.unit_id))
    printed = capsys.readouterr().out
    assert "CKX表3\t04-1" in printed and "未填写" in printed


def test_import_stores_hand_cells_a_report_has_not_stored_yet(world, report):
    """A report stores a hand cell when it is first entered: importing into a report whose hand
    cells are all still empty stores every imported one."""
    data = _edited(report, "AK表1-1 组织建设", "08", 3, 15)
    hand = report.cells.filter(source="hand").count()
    report.cells.filter(source="hand").delete()  # as prepared: no hand cell stored
    assert exports.import_workbook(actor=world.users["county_staff"], report=report, data=data) == hand
    assert report.cells.get(table="AK表1-1", code="08-1").value == 15
    assert report.cells.filter(source="hand").count() == hand
    assert not report.cells.filter(source="hand", value__isnull=True, is_dash=False).exists()
