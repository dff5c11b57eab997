"""Activity and campaign imports: the 状态 column by permission, campaigns, co-organisers."""

import datetime as dt
import io

from openpyxl import Workbook

from kexie.activities.models import Activity, Campaign, Status
from kexie.activities.services import activity_submit, campaign_create
from kexie.core.imports import import_file

HEADERS = [
    "编号",
    "活动名称",
    "活动类型",
    "开始日期",
    "结束日期",
    "所在区划",
    "主办单位",
    "填报单位",
    "状态",
    "退回原因",
]


def xlsx(headers, rows) -> bytes:
    wb = Workbook()
    wb.active.append(headers)
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(code, status="", unit="任城区科学技术协会", reason=""):
    return [
        code,
        "科普讲座",
        "科普讲座",
        dt.date(2020, 9, 19),
        dt.date(2020, 9, 19),
        "任城区",
        unit,
        unit,
        status,
        reason,
    ]


def run(actor, data, kind="activities"):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename="a.xlsx")


def test_editor_may_import_draft_or_submitted_only(personas):
    secretary = personas["society_secretary"]  # editor, no review permission
    unit = "济宁市心理学会"
    result = run(
        secretary, xlsx(HEADERS, [row("S1", "", unit), row("S2", "待审核", unit), row("S3", "已通过", unit)])
    )
    assert [p.message for p in result.errors] == [
        "第4行「状态」“已通过”:您没有审核权限,导入的活动状态只能为草稿或待审核"
    ]
    ok = run(secretary, xlsx(HEADERS, [row("S1", "", unit), row("S2", "待审核", unit)]))
    assert ok.ok
    assert dict(Activity.objects.values_list("code", "status")) == {
        "S1": Status.DRAFT,
        "S2": Status.SUBMITTED,
    }
    assert Activity.objects.get(code="S2").submitted_at is not None


def test_reviewer_cannot_approve_own_unit_but_city_can(personas):
    county = personas["county_staff"]  # editor + reviewer of 任城区科协
    result = run(county, xlsx(HEADERS, [row("R1", "已通过")]))
    assert result.errors[0].header == "状态" and "上级单位审核" in result.errors[0].reason
    school = row("R2", "已通过", unit="任城区二十里铺中学")
    assert run(county, xlsx(HEADERS, [school])).ok
    city = run(personas["city_admin"], xlsx(HEADERS, [row("R1", "已通过")]))
    assert city.ok
    approved = Activity.objects.get(code="R1")
    assert approved.status == Status.APPROVED and approved.reviewed_by == personas["city_admin"]


def test_returned_needs_a_reason(personas):
    admin = personas["city_admin"]
    result = run(admin, xlsx(HEADERS, [row("R1", "已退回")]))
    assert [(p.row, p.header, p.reason) for p in result.errors] == [(2, "退回原因", "退回时必须填写原因")]
    assert run(admin, xlsx(HEADERS, [row("R1", "已退回", reason="人数有误")])).ok
    assert Activity.objects.get(code="R1").return_reason == "人数有误"


def test_blank_status_keeps_existing_and_submitted_is_locked_for_editors(personas, make_activity):
    secretary = personas["society_secretary"]
    activity = make_activity(actor=secretary, code="S9")
    activity_submit(actor=secretary, activity=activity)
    unit = "济宁市心理学会"
    unchanged = row("S9", "", unit)
    unchanged[1] = activity.title
    unchanged[2] = activity.kind.name
    assert run(secretary, xlsx(HEADERS, [unchanged])).unchanged == 1
    assert Activity.objects.get(code="S9").status == Status.SUBMITTED
    changed = list(unchanged)
    changed[1] = "改名"
    result = run(secretary, xlsx(HEADERS, [changed]))
    assert result.errors[0].reason == "已上报或已通过的活动不能修改;如需修改,请审核人员先退回"
    assert Activity.objects.get(code="S9").title == activity.title


def test_blank_code_generates_unique_codes(personas):
    data = xlsx(HEADERS, [row(""), row("")])
    result = import_file(actor=personas["county_staff"], kind="activities", fileobj=io.BytesIO(data),
                         filename="a.xlsx", allow_duplicates=True)  # fmt: skip
    assert result.created == 2 and len(result.duplicates) == 1  # identical rows: confirmed
    codes = list(Activity.objects.values_list("code", flat=True))
    assert len(set(codes)) == 2 and all(c.startswith("HD") for c in codes)


def test_campaign_range_and_co_organisers(world, personas):
    admin = personas["city_admin"]
    # 任城区科协 takes part in the city's campaign, so it may report into it (the campaign rule).
    campaign_create(actor=admin, data={"name": "2020年全国科普日", "year": 2020, "start_date": dt.date(2020, 9, 1),
                                       "end_date": dt.date(2020, 9, 30)},
                    participating_units=[world.orgs["rencheng"]])  # fmt: skip
    headers = [
        "编号",
        "活动名称",
        "活动类型",
        "开始日期",
        "结束日期",
        "所在区划",
        "主办单位",
        "所属专项活动",
        "协办单位",
    ]
    base = ["C1", "科普日", "科普日活动", "2020-10-01", "2020-10-01", "任城区", "任城区科学技术协会", "2020年全国科普日",
            "任城区二十里铺中学;济宁市心理学会"]  # fmt: skip
    result = run(personas["county_staff"], xlsx(headers, [base]))
    assert [p.header for p in result.errors] == ["所属专项活动"]
    assert "时间范围" in result.errors[0].reason
    base[3] = base[4] = "2020-09-20"
    assert run(personas["county_staff"], xlsx(headers, [base])).ok
    activity = Activity.objects.get(code="C1")
    assert activity.campaign.name == "2020年全国科普日"
    assert sorted(o.name for o in activity.co_organisers.all()) == ["任城区二十里铺中学", "济宁市心理学会"]
    base[8] = "未知单位"
    bad = run(personas["county_staff"], xlsx(headers, [base]))
    assert bad.errors[0].header == "协办单位" and "未知单位" in bad.errors[0].reason


def test_campaign_import(personas):
    headers = ["名称", "年度", "开始日期", "结束日期", "主办单位", "参与单位"]
    rows = [["任城区科普周", 2021, "2021-05-01", "2021-05-07", "", "任城区二十里铺中学"],
            ["兖州区科普周", 2021, "2021-05-01", "2021-05-07", "兖州区科学技术协会", ""]]  # fmt: skip
    result = run(personas["county_staff"], xlsx(headers, rows), kind="campaigns")
    assert [p.message for p in result.errors] == [
        "第3行「主办单位」“兖州区科学技术协会”:单位不存在或不在管辖范围内"
    ]
    result = run(personas["county_staff"], xlsx(headers, rows[:1]), kind="campaigns")
    campaign = Campaign.objects.get()
    assert result.created == 1 and campaign.host_unit.name == "任城区科学技术协会"
    assert [o.name for o in campaign.participating_units.all()] == ["任城区二十里铺中学"]
