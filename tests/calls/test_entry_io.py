"""Entries from xlsx/csv (问卷星 exports): every bad cell named by row and column, nothing
half-written; institution spellings resolved through aliases; the results export is guarded."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from kexie.calls import io as calls_io
from kexie.calls import services
from kexie.calls.models import Entry, EntryMember
from kexie.calls.testing import open_call


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def contest(world):
    admin = world.users["city_admin"]
    call = open_call(
        admin, title="首届山东省大学生医养健康创新创业大赛", kind="competition", entrant_kind="team", eligibility=[],
        form_fields=[{"name": "track", "label": "赛道", "type": "choice", "choices": ["创意组", "创业组"], "required": True}],
    )  # fmt: skip
    uni = services.institution_create(actor=admin, name="济宁医学院", kind="university")
    services.institution_alias_add(actor=admin, alias="济宁医学院(日照校区)", organisation=uni)
    return call, uni


HEADER = ["名称", "学校/单位", "省份", "赛道", "成员1", "成员2", "指导教师1"]


def test_bad_rows_are_named_and_nothing_is_written(world, contest):
    call, _uni = contest
    data = _xlsx([HEADER, ["智慧养老床垫", "济宁医学院", "山东", "创意组", "张一/高校", "李二/高校", "王老师"],
                  ["", "济宁学院", "山东", "养老组", "赵三/研究生", None, None]])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        calls_io.entries_import(actor=world.users["city_admin"], call=call, data=data, filename="报名.xlsx")
    messages = exc.value.messages
    assert any("第3行 列“名称”" in m for m in messages)
    assert any("第3行 列“赛道”" in m and "养老组" in m for m in messages)
    assert any("第3行" in m and "研究生" in m for m in messages)
    assert not Entry.objects.unscoped(reason="test").exists()


def test_an_unknown_column_is_refused(world, contest):
    call, _uni = contest
    data = _xlsx([["名称", "身份证号"], ["作品", "x"]])
    with pytest.raises(ValidationError) as exc:
        calls_io.entries_import(actor=world.users["city_admin"], call=call, data=data, filename="报名.xlsx")
    assert "身份证号" in exc.value.messages[0]


def test_a_good_sheet_imports_teams_members_and_institutions(world, contest):
    call, uni = contest
    data = _xlsx([HEADER, ["智慧养老床垫", "济宁医学院(日照校区)", "山东", "创意组", "张一/高校", "李二/高校", "王老师"],
                  ["康复机器人", "济宁医学院", "山东", "创业组", "赵三", None, None]])  # fmt: skip
    report = calls_io.entries_import(
        actor=world.users["city_admin"], call=call, data=data, filename="报名.xlsx"
    )
    assert (report.created, report.members) == (2, 4)
    entries = Entry.objects.unscoped(reason="test").order_by("code")
    assert [e.institution_id for e in entries] == [uni.pk, uni.pk]
    assert EntryMember.objects.unscoped(reason="test").filter(role="adviser").count() == 1
    book = openpyxl.load_workbook(io.BytesIO(calls_io.results_workbook(call, entries)))
    assert book.active["B2"].value == "智慧养老床垫"


def test_the_export_guards_formulas(world, contest):
    call, _uni = contest
    entry = services.entry_create(actor=world.users["city_admin"], call=call,
                                  data={"title": "=HYPERLINK(\"x\")", "answers": {"track": "创意组"}})  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(calls_io.results_workbook(call, [entry])))
    assert book.active["B2"].data_type == "s"
