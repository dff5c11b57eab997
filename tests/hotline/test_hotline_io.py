"""Consultations through the import framework and the export guard."""

import io

from openpyxl import Workbook, load_workbook

from kexie.core.imports import export_rows, import_file
from kexie.hotline.models import Consultation

HEADERS = ["受理时间", "渠道", "咨询类别", "来电人", "联系电话", "所在区划", "问题", "解答", "满意度"]


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = [
    "2020-06-03 09:30",
    "电话",
    "种植",
    "张先生",
    "13812345678",
    "任城区",
    "小麦干热风怎么预防",
    "喷施磷酸二氢钾",
    5,
]


def _import(actor, rows, **kw):
    return import_file(actor=actor, kind="consultations", fileobj=workbook(rows), filename="咨询.xlsx", **kw)


def test_import_goes_through_the_services(hotline, personas):
    result = _import(
        personas["city_admin"], [GOOD, ["2020-06-04 10:00", "微信", "畜牧养殖", "", "", "", "羊咳嗽", "", ""]]
    )
    assert result.ok and result.created == 2 and result.written, result.errors
    answered = Consultation.objects.unscoped(reason="test").get(question="小麦干热风怎么预防")
    assert answered.ticket.status == "resolved" and answered.ticket.satisfaction == 5
    assert answered.caller_phone_masked == "138****5678"


def test_bad_rows_are_named_and_nothing_is_written(hotline, personas):
    bad = ["2020-13-03", "传真", "种植", "", "123", "火星", "", "", 6]
    result = _import(personas["city_admin"], [GOOD, bad])
    assert not result.written and not Consultation.objects.unscoped(reason="test").exists()
    columns = {p.header for p in result.errors if p.row == 3}
    assert {"受理时间", "渠道", "联系电话", "所在区划", "问题", "满意度"} <= columns


def test_answers_need_a_pool_member(hotline, personas):
    result = _import(personas["outsider"], [GOOD])
    assert not result.written and any("专家组" in p.reason for p in result.errors)


def test_export_masks_phones_and_hides_psychology(hotline, personas):
    _import(
        personas["city_admin"],
        [GOOD, ["2020-06-05 22:00", "电话", "心理援助", "", "13912345678", "", "睡不着", "", ""]],
    )
    county = load_workbook(
        io.BytesIO(export_rows(actor=personas["county_staff"], kind="consultations"))
    ).worksheets[0]
    rows = list(county.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][5] == "138****5678"
    mine = load_workbook(
        io.BytesIO(export_rows(actor=personas["society_secretary"], kind="consultations"))
    ).worksheets[0]
    assert [r[7] for r in mine.iter_rows(min_row=2, values_only=True)] == ["睡不着"]
