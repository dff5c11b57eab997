"""The staff roll's import (干部名册, kind `cadres`): cadres with their 到岗/离岗日期 come in through
the import framework and AK表1-1 机关在编人员 counts them at 31 December of the right year; a bad
row is named by row, column and reason, and nothing is written."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from kexie.core.imports import export_rows, import_file, template_bytes
from kexie.office import services as office
from kexie.office.models import Cadre
from kexie.stats import services

HEADERS = ["姓名", "处室", "职务", "性别", "到岗日期", "离岗日期"]


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _import(actor, rows):
    return import_file(actor=actor, kind="cadres", fileobj=workbook(rows), filename="干部名册.xlsx")


@pytest.fixture
def department(world):
    return office.department_create(actor=world.users["city_admin"], name="任城区科协办公室",
                                    parent=world.orgs["rencheng"])  # fmt: skip


def _staff_cell(report) -> tuple[int, int]:
    from kexie.stats import compute

    cells = compute.report_cells(report)
    return cells[("AK表1-1", "06-1")].value, cells[("AK表1-1", "07-1")].value


def test_imported_cadres_change_the_staff_cell_of_the_right_year(world, department):
    admin, county = world.users["city_admin"], world.orgs["rencheng"]
    report_2020 = services.report_prepare(actor=admin, unit=county, year=2020)
    assert _staff_cell(report_2020) == (0, 0)
    result = _import(admin, [
        ["甲", "任城区科协办公室", "科员", "女", "2018-03-01", ""],
        ["乙", "任城区科协办公室", "", "女", "2021-02-01", ""],
        ["丙", "任城区科协办公室", "副主任", "男", "2015-01-05", "2020-06-30"],
    ])  # fmt: skip
    assert result.ok and result.written and result.created == 3, [p.message for p in result.errors]
    made = {
        c.person.name: c for c in Cadre.objects.unscoped(reason="test").filter(person__unit=department.unit)
    }
    assert made["丙"].left_on == dt.date(2020, 6, 30) and not made["丙"].is_active
    assert made["甲"].joined_on == dt.date(2018, 3, 1) and made["甲"].person.gender == "F"
    services.report_compute(actor=admin, report=report_2020)
    assert _staff_cell(report_2020) == (1, 1)  # 甲; 丙 left in June, 乙 came in 2021
    report_2019 = services.report_prepare(actor=admin, unit=county, year=2019)
    assert _staff_cell(report_2019) == (2, 1)  # 甲 and 丙

    # the roll imported again with 丙's leaving corrected to 2021 and 甲 leaving in 2020
    again = _import(admin, [
        ["甲", "任城区科协办公室", "科员", "女", "2018-03-01", "2020-11-30"],
        ["乙", "任城区科协办公室", "", "女", "2021-02-01", ""],
        ["丙", "任城区科协办公室", "副主任", "男", "2015-01-05", "2021-01-15"],
    ])  # fmt: skip
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 2, 1), again.errors
    services.report_compute(actor=admin, report=report_2020)
    assert _staff_cell(report_2020) == (1, 0)  # 丙 (still in post at the end of 2020); 甲 left
    services.report_compute(actor=admin, report=report_2019)
    assert _staff_cell(report_2019) == (2, 1)  # 2019 unchanged


def test_bad_rows_are_named_and_nothing_is_written(world, department):
    admin = world.users["city_admin"]
    office.cadre_create(actor=admin, name="丁", department=department.unit, gender="M")
    cadres = Cadre.objects.unscoped(reason="test")
    before = [(c.pk, c.position, c.joined_on, c.left_on, c.is_active) for c in cadres.order_by("pk")]
    result = _import(admin, [
        ["甲", "任城区科协办公室", "科员", "女", "2018-03-01", ""],
        ["乙", "不存在的处室", "", "", "", ""],
        ["丙", "任城区科协办公室", "", "", "2019-05-01", "2018-01-01"],
        ["戊", "任城区科协办公室", "", "", "2019-05-01", "2999-01-01"],
        ["丁", "任城区科协办公室", "", "女", "", ""],
        ["甲", "任城区科协办公室", "", "", "", ""],
        ["己", "任城区科协办公室", "", "男", "2019-13-01", ""],
    ])  # fmt: skip
    assert not result.written
    assert [(c.pk, c.position, c.joined_on, c.left_on, c.is_active) for c in cadres.order_by("pk")] == before
    text = "\n".join(p.message for p in result.errors)
    assert "第3行「处室」“不存在的处室”:处室不存在" in text
    assert "第4行「离岗日期」“2018-01-01”:离岗日期不能早于到岗日期" in text
    assert "第5行「离岗日期」“2999-01-01”:离岗日期不能晚于今天" in text
    assert "第6行「性别」“女”:与人员信息中的性别不一致" in text
    assert "第7行" in text and "重复" in text
    assert "第8行「到岗日期」" in text


def test_template_and_export_of_the_roll(world, department):
    admin = world.users["city_admin"]
    office.cadre_create(actor=admin, name="=HYPERLINK(1)", department=department.unit,
                        joined_on=dt.date(2019, 4, 1))  # fmt: skip
    template = load_workbook(io.BytesIO(template_bytes(actor=admin, kind="cadres")))
    assert [c.value for c in template["数据"][1]] == HEADERS
    exported = load_workbook(io.BytesIO(export_rows(actor=admin, kind="cadres"))).active
    rows = list(exported.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    row = next(r for r in rows[1:] if r[1] == "任城区科协办公室")
    assert row[0] == "=HYPERLINK(1)" and row[4] == "2019-04-01"  # kept as text, not a formula
    cell = next(c for r in exported.iter_rows(min_row=2) for c in r if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"
    outsider = load_workbook(io.BytesIO(export_rows(actor=world.users["outsider"], kind="cadres"))).active
    assert all(r[1] != "任城区科协办公室" for r in list(outsider.iter_rows(values_only=True))[1:])
