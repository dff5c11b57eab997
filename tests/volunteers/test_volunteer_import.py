"""Service-record import through the import framework (kind `service_records`): every problem
names its row, column and reason in Chinese and nothing is written; a good file is written
through the bulk service (recorded, hours summary kept, audited); an export imports back
unchanged."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from kexie.core.imports import export_rows, import_file, template_bytes
from kexie.core.models import AuditEntry
from kexie.core.validators import id_number_check_char
from kexie.volunteers import selectors, summary
from kexie.volunteers.models import ServiceRecord

HEADERS = [
    "志愿者",
    "身份证件号码",
    "活动编号",
    "服务日期",
    "服务地点",
    "服务内容",
    "服务时长(小时)",
    "组织单位",
]
NUMBER = "37081119900101123"
NUMBER += id_number_check_char(NUMBER)


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, data, **kwargs):
    return import_file(
        actor=actor, kind="service_records", fileobj=io.BytesIO(data), filename="r.xlsx", **kwargs
    )


def records():
    return ServiceRecord.objects.unscoped(reason="test")


@pytest.fixture
def people(make_volunteer):
    return make_volunteer(name="李志愿", id_number=NUMBER), make_volunteer(name="王志愿")


def test_a_good_file_is_recorded_through_the_bulk_service(staff, people, service_activity, on_day):
    li, wang = people
    code = service_activity.code
    data = xlsx([
        ["李志愿", "", code, "2020-09-19", "", "科普宣传", "2.5", ""],
        ["王志愿", "", code, "2020-09-19", "太白广场东", "科普讲解", 3, staff.unit.name],
    ])  # fmt: skip
    result = run(staff, data)
    assert result.ok and result.written and result.created == 2, [p.message for p in result.errors]
    rec = records().get(volunteer=wang)
    assert rec.status == "recorded" and rec.source == "team" and rec.place == "太白广场东"
    assert records().get(volunteer=li).place == "太白广场"  # the activity's venue by default
    assert selectors.person_hours(staff, li) == Decimal("2.50")
    assert summary.differences() == []
    assert AuditEntry.objects.filter(action="kexie.import.service_records").count() == 1
    assert AuditEntry.objects.filter(action="kexie.service_record.recorded_in_bulk").count() == 1


def test_bad_rows_are_named_in_chinese_and_nothing_is_written(staff, people, service_activity, on_day, world):
    code = service_activity.code
    outsider_unit = world.users["outsider"].unit.name
    data = xlsx([
        ["李志愿", "", code, "2020-09-19", "", "科普宣传", "2.5", ""],  # good
        ["张三", "", code, "2020-09-19", "", "科普宣传", "2", ""],  # not a volunteer
        ["王志愿", "", "HD-NOPE", "2020-09-19", "", "科普宣传", "2", ""],  # no such activity
        ["王志愿", "", code, "2020-10-01", "", "科普宣传", "2", ""],  # outside the activity's dates
        ["王志愿", "", code, "2020-09-19", "", "科普宣传", "25", ""],  # too many hours
        ["王志愿", "", code, "2020-09-19", "", "科普宣传", "两小时", ""],  # not a number
        ["李志愿", "", code, "2020-09-19", "", "科普宣传", "1", ""],  # same volunteer, activity, day
        ["王志愿", "", code, "2020-09-19", "", "科普宣传", "2", outsider_unit],  # unit out of scope
        ["王志愿", "", code, "2020-09-19", "", "", "2", ""],  # content missing
    ])  # fmt: skip
    result = run(staff, data)
    assert not result.written and records().count() == 0
    messages = {p.row: p.message for p in result.errors}
    assert "第3行「志愿者」“张三”:不是已注册的志愿者" in messages[3]
    assert "第4行「活动编号」" in messages[4] and "活动不存在" in messages[4]
    assert "第5行「服务日期」" in messages[5] and "应在活动" in messages[5]
    assert "第6行「服务时长(小时)」" in messages[6] and "24小时" in messages[6]
    assert "第7行「服务时长(小时)」" in messages[7] and "应为数字" in messages[7]
    assert "第8行「服务日期」" in messages[8] and "与第2行重复" in messages[8]
    assert "第9行「组织单位」" in messages[9]
    assert "第10行「服务内容」" in messages[10] and "必填" in messages[10]
    assert 2 not in messages and result.error_workbook
    assert (
        summary.differences() == []
        and not AuditEntry.objects.filter(action__startswith="kexie.import").exists()
    )


def test_namesakes_need_the_id_number(staff, make_volunteer, service_activity, on_day):
    make_volunteer(name="李志愿", id_number=NUMBER)
    other = make_volunteer(name="李志愿")
    row = ["李志愿", "", service_activity.code, "2020-09-19", "", "科普宣传", "2", ""]
    result = run(staff, xlsx([row]))
    assert not result.written and "2名同名志愿者" in result.errors[0].message
    result = run(staff, xlsx([[row[0], NUMBER, *row[2:]]]))
    assert result.written and records().get().volunteer.id_number == NUMBER
    assert not records().filter(volunteer=other).exists()


def test_an_out_of_scope_importer_sees_no_volunteer(world, people, service_activity, on_day):
    row = ["李志愿", "", service_activity.code, "2020-09-19", "", "科普宣传", "2", ""]
    result = run(world.users["outsider"], xlsx([row]))
    assert not result.written and records().count() == 0
    assert "不是已注册的志愿者,或不在您的管辖范围内" in result.errors[0].message


def test_an_existing_record_conflicts_unless_it_is_the_same(staff, people, service_activity, on_day):
    code = service_activity.code
    assert run(staff, xlsx([["李志愿", "", code, "2020-09-19", "", "科普宣传", "2.5", ""]])).written
    same = run(staff, xlsx([["李志愿", "", code, "2020-09-19", "", "科普宣传", "2.50", ""]]))
    assert same.written and same.unchanged == 1 and records().count() == 1
    other = run(staff, xlsx([["李志愿", "", code, "2020-09-19", "", "科普宣传", "4", ""]]))
    assert not other.written and "已有服务记录" in other.errors[0].message and records().count() == 1


def test_an_export_imports_back_unchanged_and_masks_for_editors(staff, people, service_activity, on_day):
    code = service_activity.code
    assert run(staff, xlsx([["李志愿", "", code, "2020-09-19", "", "+科普宣传", "2.5", ""]])).written
    data = export_rows(actor=staff, kind="service_records")
    cells = [c for row in load_workbook(io.BytesIO(data))["数据"].iter_rows(values_only=True) for c in row]
    assert NUMBER not in cells and any(isinstance(c, str) and "*" in c for c in cells)  # masked for editors
    assert records().get().content == "+科普宣传"  # kept as text; the export writes it as text
    result = run(staff, data)
    assert result.ok and result.unchanged == 1 and result.created == 0, [p.message for p in result.errors]
    assert records().count() == 1


def test_the_template_example_is_not_imported(staff, people, service_activity):
    result = run(staff, template_bytes(actor=staff, kind="service_records"))
    assert result.ok and result.rows == 0 and records().count() == 0
