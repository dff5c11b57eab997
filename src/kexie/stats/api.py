"""API of the statistical reports (/api/v1/stats/): list, a report's tables as JSON (the same
as the JSON export), its failed rules, hand cells, and the workflow. Same scope as the pages."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Page, actor, offset_page
from kexie.core.schemas import Id, InputSchema, Limit, Offset, Year
from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.stats import checks, exports, services
from kexie.stats.models import StatsReport

router = Router(tags=["统计报表"])


class StatsReportOut(Schema):
    id: int
    unit_id: int
    unit: str = Field(alias="unit.name")
    year: int
    form: str
    status: str
    explanation: str
    return_reason: str


class StatsProblemOut(Schema):
    unit: str
    table: str
    cell: str
    reason: str


class StatsCellIn(InputSchema):
    table: str = Field(min_length=1, max_length=20, title="表号")
    code: str = Field(min_length=1, max_length=20, title="单元格")
    value: str = Field("", max_length=20, title="数值", description="非负整数;空为未填;“-”仅限允许的单元格")


class StatsCellsIn(InputSchema):
    cells: list[StatsCellIn] = Field(max_length=500, title="手工填报单元格")


class StatsActionIn(InputSchema):
    reason: str = Field("", max_length=500, title="退回或更正原因")


@router.get("/reports", response=Page[StatsReportOut], summary="统计报表列表")
def list_reports(request: HttpRequest, year: Year | None = None, limit: Limit = 50, offset: Offset = 0):
    qs = scoped(StatsReport, actor(request)).select_related("unit").order_by("-year", "unit__path")
    if year is not None:
        qs = qs.filter(year=year)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.get("/reports/{report_id}", response=dict, summary="报表各表各单元格(与JSON导出相同)")
def get_report(request: HttpRequest, report_id: Id):
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), actor(request), pk=report_id)
    return {"id": report.pk, **exports.json_data(report)}


@router.get("/reports/{report_id}/checks", response=list[StatsProblemOut], summary="未通过的审核规则")
def get_checks(request: HttpRequest, report_id: Id):
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), actor(request), pk=report_id)
    return [p.as_dict() for p in checks.check_report(report)]


@router.patch("/reports/{report_id}/cells", response=StatsReportOut, summary="填写手工填报单元格")
def set_cells(request: HttpRequest, report_id: Id, payload: StatsCellsIn):
    user = actor(request)
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), user, pk=report_id)
    errors = []
    for cell in payload.cells:
        try:
            services.cell_enter(actor=user, report=report, table=cell.table, code=cell.code, text=cell.value)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return report


@router.post(
    "/reports/{report_id}/{action}", response=StatsReportOut, summary="上报、退回、通过或重新打开报表"
)
def act(request: HttpRequest, report_id: Id, action: Literal["submit", "return", "accept", "reopen"],
        payload: StatsActionIn):  # fmt: skip
    user = actor(request)
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), user, pk=report_id)
    if action == "submit":
        return services.report_submit(actor=user, report=report)
    if action == "return":
        return services.report_return(actor=user, report=report, reason=payload.reason)
    if action == "reopen":
        return services.report_reopen(actor=user, report=report, reason=payload.reason)
    return services.report_accept(actor=user, report=report)
