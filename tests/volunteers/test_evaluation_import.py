"""Evaluations import and export (kind `volunteer_evaluations`): written through the service
(audited), bad rows named by row, column and reason with nothing written, and an export imports
back unchanged."""

import datetime as dt
import io

from openpyxl import Workbook

from kexie.core.imports import export_rows, import_file
from kexie.core.models import AuditEntry
from kexie.volunteers.models import VolunteerEvaluation

HEADERS = ["志愿者", "身份证件号码", "评价单位", "评价年度", "评价等次", "评语", "评价日期"]


def xlsx(rows) -> bytes:
    wb = Workbook()
    wb.active.append(HEADERS)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, data):
    return import_file(actor=actor, kind="volunteer_evaluations", fileobj=io.BytesIO(data), filename="e.xlsx")


def evaluations():
    return VolunteerEvaluation.objects.unscoped(reason="test")


def test_a_good_file_is_written_through_the_service_and_exports_back_unchanged(make_volunteer, staff, on_day):
    on_day(dt.date(2021, 1, 5))
    li = make_volunteer(name="李志愿")
    make_volunteer(name="王志愿")
    unit = staff.unit.name
    result = run(staff, xlsx([
        ["李志愿", "", unit, 2020, "优秀", "+服务认真", "2020-12-01"],
        ["王志愿", "", unit, "2020", "good", "", ""],
    ]))  # fmt: skip
    assert result.ok and result.written and result.created == 2, [p.message for p in result.errors]
    got = evaluations().get(volunteer=li)
    assert (got.rating, got.comment, got.evaluated_on) == ("excellent", "+服务认真", dt.date(2020, 12, 1))
    assert evaluations().get(volunteer__person__name="王志愿").evaluated_on == dt.date(2021, 1, 5)
    assert AuditEntry.objects.filter(action="kexie.volunteer_evaluation.created").count() == 2
    assert AuditEntry.objects.filter(action="kexie.import.volunteer_evaluations").count() == 1

    again = run(staff, export_rows(actor=staff, kind="volunteer_evaluations"))
    assert again.ok and again.unchanged == 2 and again.created == 0, [p.message for p in again.errors]
    assert evaluations().count() == 2


def test_bad_rows_are_named_and_nothing_is_written(make_volunteer, staff, world, on_day):
    on_day(dt.date(2021, 1, 5))
    make_volunteer(name="李志愿")
    unit, outside = staff.unit.name, world.users["outsider"].unit.name
    result = run(staff, xlsx([
        ["李志愿", "", unit, 2020, "优秀", "", ""],  # good
        ["张三", "", unit, 2020, "优秀", "", ""],  # not a volunteer
        ["李志愿", "", outside, 2019, "优秀", "", ""],  # unit out of scope
        ["李志愿", "", unit, 2020, "良好", "", ""],  # same unit, volunteer and year as row 2
        ["李志愿", "", unit, 2018, "很好", "", ""],  # not a rating
        ["李志愿", "", unit, 2017, "合格", "", "2099-01-01"],  # date to come
        ["李志愿", "", unit, 2021, "合格", "", "2020-12-01"],  # year after the date's
    ]))  # fmt: skip
    assert not result.written and evaluations().count() == 0
    messages = {p.row: p.message for p in result.errors}
    assert "第3行「志愿者」" in messages[3] and "不是已注册的志愿者" in messages[3]
    assert "第4行「评价单位」" in messages[4]
    assert "第5行「评价年度」" in messages[5] and "与第2行重复" in messages[5]
    assert "第6行「评价等次」" in messages[6] and "可选" in messages[6]
    assert "第7行「评价日期」" in messages[7] and "不能晚于今天" in messages[7]
    assert "第8行「评价年度」" in messages[8]
    assert 2 not in messages


def test_a_different_evaluation_for_a_stored_key_is_refused(make_volunteer, staff, on_day):
    on_day(dt.date(2021, 1, 5))
    make_volunteer(name="李志愿")
    unit = staff.unit.name
    assert run(staff, xlsx([["李志愿", "", unit, 2020, "优秀", "", ""]])).written
    other = run(staff, xlsx([["李志愿", "", unit, 2020, "合格", "", ""]]))
    assert not other.written and "如需更正请先撤回" in other.errors[0].message
    assert evaluations().get().rating == "excellent"
