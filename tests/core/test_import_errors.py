"""Bad cells are reported with the row number Excel shows, the column header, the value and a
reason in Chinese; nothing is written while any row is bad."""

import io

import pytest
from openpyxl import Workbook

from kexie.activities.models import Activity
from kexie.core.imports import import_file
from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation

ACTIVITY_HEADERS = [
    "编号",
    "活动名称",
    "活动类型",
    "开始日期",
    "结束日期",
    "所在区划",
    "主办单位",
    "参与人数",
]


def xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def activity_row(code, **changes):
    row = {
        "编号": code, "活动名称": "科普讲座进社区", "活动类型": "科普讲座", "开始日期": "2020-09-19",
        "结束日期": "2020-09-19", "所在区划": "任城区", "主办单位": "任城区科学技术协会", "参与人数": 120,
    }  # fmt: skip
    row.update(changes)
    return [row[h] for h in ACTIVITY_HEADERS]


def run(actor, kind, data, filename="data.xlsx", **kwargs):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename=filename, **kwargs)


def messages(result):
    return [p.message for p in result.errors]


def test_bad_date_names_row_header_value(personas):
    data = xlsx(ACTIVITY_HEADERS, [activity_row("A1"), activity_row("A2", 开始日期="2020-13-01")])
    result = run(personas["county_staff"], "activities", data)
    assert messages(result) == ["第3行「开始日期」“2020-13-01”:日期无效(该日期不存在)"]
    assert (result.errors[0].row, result.errors[0].header) == (3, "开始日期")
    assert not result.written and Activity.objects.count() == 0


def test_unparseable_date_and_end_before_start(personas):
    data = xlsx(
        ACTIVITY_HEADERS,
        [
            activity_row("A1", 开始日期="九月十九日"),
            activity_row("A2", 开始日期="2020-09-20", 结束日期="2020/9/19"),
        ],
    )
    result = run(personas["county_staff"], "activities", data)
    assert messages(result) == [
        "第2行「开始日期」“九月十九日”:日期格式不正确,应为 YYYY-MM-DD,如 2020-09-19",
        "第3行「结束日期」“2020-09-19”:结束日期不能早于开始日期",
    ]
    assert Activity.objects.count() == 0


def test_unknown_county(personas):
    data = xlsx(ACTIVITY_HEADERS, [activity_row("A1", 所在区划="梁山县")])
    result = run(personas["county_staff"], "activities", data)
    assert messages(result) == ["第2行「所在区划」“梁山县”:行政区划不存在(请填写区划名称或6位行政区划代码)"]
    assert Activity.objects.count() == 0


def test_region_by_code_is_accepted(personas):
    result = run(
        personas["county_staff"],
        "activities",
        xlsx(ACTIVITY_HEADERS, [activity_row("A1", 所在区划="370811")]),
    )
    assert result.ok and result.written
    assert Activity.objects.get(code="A1").region.name == "任城区"


def test_unknown_organisation(personas):
    data = xlsx(ACTIVITY_HEADERS, [activity_row("A1", 主办单位="不存在的单位")])
    result = run(personas["county_staff"], "activities", data)
    assert messages(result) == ["第2行「主办单位」“不存在的单位”:单位不存在或不在管辖范围内"]


def test_duplicate_key_in_file(personas):
    data = xlsx(ACTIVITY_HEADERS, [activity_row("A1"), activity_row("A2"), activity_row("A1")])
    result = run(personas["county_staff"], "activities", data)
    assert messages(result) == ["第4行「编号」“A1”:与第2行重复"]
    assert Activity.objects.count() == 0


def test_many_bad_cells_all_reported_in_order(personas):
    data = xlsx(
        ACTIVITY_HEADERS,
        [
            activity_row("A1", 参与人数="很多", 活动类型="跳舞"),
            activity_row("A2"),
            activity_row("A3", 活动名称=""),
        ],
    )
    result = run(personas["county_staff"], "activities", data)
    assert [(p.row, p.header) for p in result.errors] == [(2, "活动类型"), (2, "参与人数"), (4, "活动名称")]
    assert result.errors[1].reason == "应为整数"
    assert result.errors[2].reason == "必填项不能为空"
    assert result.rejected == 2 and Activity.objects.count() == 0


ORG_HEADERS = ["名称", "类型", "科协层级", "上级单位", "统一社会信用代码"]


def test_bad_uscc_format_is_an_error(personas):
    data = xlsx(ORG_HEADERS, [["任城区示例学会", "其他", "", "", "12345"]])
    result = run(personas["county_staff"], "organisations", data)
    assert messages(result) == ["第2行「统一社会信用代码」“12345”:统一社会信用代码应为18位"]
    assert not Organisation.objects.filter(name="任城区示例学会").exists()


def test_uscc_bad_check_digit_is_accepted_with_warning(personas):
    from kexie.core.validators import uscc_check_char

    good = "52370800MJD123456" + uscc_check_char("52370800MJD123456")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    data = xlsx(
        ORG_HEADERS, [["任城区示例学会", "其他", "", "", good], ["任城区示例协会", "其他", "", "", bad]]
    )
    result = run(personas["county_staff"], "organisations", data)
    assert result.ok and result.created == 2
    assert [(w.row, w.header, w.value) for w in result.warnings] == [(3, "统一社会信用代码", bad)]
    assert "校验位" in result.warnings[0].reason
    org = Organisation.objects.get(name="任城区示例协会")
    assert org.uscc == bad and org.uscc_checksum_ok is False
    assert org.parent.name == "任城区科学技术协会" and org.path.startswith(org.parent.path)


def test_association_needs_level(personas):
    result = run(
        personas["county_staff"], "organisations", xlsx(ORG_HEADERS, [["唐口街道科协", "科协", "", "", ""]])
    )
    assert messages(result) == ["第2行「科协层级」:科协须填写层级(市级、县级、乡镇/街道、企业、高校)"]


def test_org_name_taken_outside_scope_is_reported(personas):
    data = xlsx(ORG_HEADERS, [["兖州区科技馆", "科普教育基地", "", "", ""]])
    result = run(personas["county_staff"], "organisations", data)
    assert result.errors[0].row == 2 and result.errors[0].header == "名称"
    assert "不在您的管辖范围内" in result.errors[0].reason


def test_bad_id_number(personas):
    data = xlsx(["姓名", "身份证号码"], [["王五", "370811199013011234"], ["赵六", "37081119900101123"]])
    result = run(personas["county_staff"], "people", data)
    assert messages(result) == [
        "第2行「身份证号码」“370811********1234”:身份证号码中的出生日期无效",
        "第3行「身份证号码」“370811*******1123”:身份证号码应为18位,前17位为数字,末位为数字或X",
    ]


@pytest.mark.parametrize(
    "headers, expected",
    [
        (["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位", "举办人"],
         ["第1行「举办人」“举办人”:未知的表头,可用的表头:"]),
        (["活动名称", "活动类型", "开始日期", "所在区划", "主办单位"], ["第1行「结束日期」:缺少必填列"]),
        (["活动名称", "活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位"],
         ["第1行「活动名称」“活动名称”:表头重复(与第1列相同)"]),
    ],
)  # fmt: skip
def test_wrong_headers(personas, headers, expected):
    rows = [["x"] * len(headers)]
    result = run(personas["county_staff"], "activities", xlsx(headers, rows))
    assert [m[: len(e)] for m, e in zip(messages(result), expected, strict=True)] == expected
    assert not result.written and Activity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="kexie.import.activities").exists()


def test_required_header_with_star_is_accepted(personas):
    headers = [h + "*" if h in ("活动名称", "活动类型") else h for h in ACTIVITY_HEADERS]
    result = run(personas["county_staff"], "activities", xlsx(headers, [activity_row("A1")]))
    assert result.ok and result.created == 1


def test_unsupported_file_type(personas):
    result = run(personas["county_staff"], "activities", b"hello", filename="data.txt")
    assert result.errors[0].row == 0 and "不支持的文件类型" in result.errors[0].reason


def test_blank_rows_are_skipped_but_row_numbers_stay_true(personas):
    data = xlsx(ACTIVITY_HEADERS, [activity_row("A1"), [None] * 8, activity_row("A2", 参与人数=-1)])
    result = run(personas["county_staff"], "activities", data)
    assert messages(result) == ["第4行「参与人数」“-1”:不能小于0"]


def test_dry_run_writes_nothing(personas):
    result = run(
        personas["county_staff"], "activities", xlsx(ACTIVITY_HEADERS, [activity_row("A1")]), dry_run=True
    )
    assert result.ok and result.created == 1 and not result.written
    assert Activity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="kexie.import.activities").exists()


def test_import_needs_import_permission(world):
    from django.core.exceptions import PermissionDenied

    from kexie.accounts.models import User

    viewer = User.objects.create(username="viewer", unit=world.orgs["rencheng"], roles=["viewer"])
    with pytest.raises(PermissionDenied):
        run(viewer, "activities", xlsx(ACTIVITY_HEADERS, [activity_row("A1")]))
