"""API of funded projects (/api/v1/funds/): programmes, projects with their ledger (money in
fen, integers), reports, payments on tranches and 结题验收. The same services as the pages."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.bases.api import Day
from kexie.core.api_base import Page, Status, actor, offset_page
from kexie.core.schemas import Id, InputSchema, Limit, Offset, Year
from kexie.funds import selectors, services
from kexie.funds.codes import AcceptanceResult, Direction, ProjectStatus, ReportKind
from kexie.funds.ledger import ledger

router = Router(tags=["科普项目与资金"])
Fen = Annotated[int, Field(ge=1, le=10**13)]
FenOrZero = Annotated[int, Field(ge=0, le=10**13)]


class FundsProgrammeOut(Schema):
    id: int
    name: str
    kind: str
    direction: str
    year: int
    unit_id: int
    source_body: str
    budget_fen: int
    call_id: int | None


class FundsLedgerOut(Schema):
    granted: int = Field(title="立项金额(分)")
    paid: int = Field(title="已拨付(分)")
    spent: int = Field(title="已支出(分)")
    remaining: int = Field(title="待拨付(分)")
    withdrawn: int = Field(title="收回未拨(分)")
    returned: int = Field(title="退回结余(分)")
    balance: int = Field(title="已拨未支(分)")


class FundsTrancheOut(Schema):
    id: int
    seq: int
    amount_fen: int
    condition: str
    cancelled: bool


class FundsProjectOut(Schema):
    id: int
    programme_id: int
    title: str
    undertaker_id: int
    undertaker: str = Field(alias="undertaker.name")
    status: str
    requested_fen: int
    granted_fen: int
    approved_on: dt.date | None
    agreement_no: str


class FundsProjectDetailOut(FundsProjectOut):
    ledger: FundsLedgerOut
    tranches: list[FundsTrancheOut]


class FundsReportIn(InputSchema):
    kind: Literal[tuple(ReportKind.values)] = Field(title="报告类别")
    period_end: Day = Field(title="截至日期")
    text: str = Field(title="报告内容", min_length=1, max_length=5000)
    spent_fen: FenOrZero = Field(0, title="本期支出(分)", description="仅财务报告填写")


class FundsReportOut(Schema):
    id: int
    project_id: int
    kind: str
    period_end: dt.date
    spent_fen: int
    accepted: bool


class FundsPaymentIn(InputSchema):
    amount_fen: Fen = Field(title="金额(分)")
    paid_on: Day | None = Field(None, title="拨付日期")
    voucher_no: str = Field("", title="凭证号", max_length=60)


class FundsPaymentOut(Schema):
    id: int
    tranche_id: int
    amount_fen: int
    paid_on: dt.date


class FundsAcceptanceIn(InputSchema):
    result: Literal[tuple(AcceptanceResult.values)] = Field(title="验收结论")
    note: str = Field("", title="验收意见", max_length=2000)
    on: Day | None = Field(None, title="验收日期")


def _detail(project):
    project.ledger = ledger(project).as_dict()
    return project


@router.get("/programmes", response=Page[FundsProgrammeOut], summary="资金计划列表")
def list_programmes(
    request: HttpRequest, year: Year | None = None, direction: Literal[tuple(Direction.values)] | None = None,
    limit: Limit = 50, offset: Offset = 0,
):  # fmt: skip
    qs = selectors.programmes(actor(request), year=year, direction=direction or "")
    return offset_page(request, qs, limit=limit, offset=offset)


@router.get("/projects", response=Page[FundsProjectOut], summary="项目列表")
def list_projects(
    request: HttpRequest, status: Literal[tuple(ProjectStatus.values)] | None = None, limit: Limit = 50,
    offset: Offset = 0,
):  # fmt: skip
    return offset_page(
        request, selectors.projects(actor(request), status=status or ""), limit=limit, offset=offset
    )


@router.get("/projects/{project_id}", response=FundsProjectDetailOut, summary="项目详情(含资金账)")
def get_project(request: HttpRequest, project_id: Id):
    return _detail(selectors.project_or_404(actor(request), project_id))


@router.post("/projects/{project_id}/reports", response={201: FundsReportOut}, summary="提交项目报告")
def submit_report(request: HttpRequest, project_id: Id, payload: FundsReportIn):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    return Status(201, services.report_submit(actor=user, project=project, **payload.dict()))


@router.post("/reports/{report_id}/accept", response=FundsReportOut, summary="审核通过项目报告")
def accept_report(request: HttpRequest, report_id: Id):
    user = actor(request)
    return services.report_accept(actor=user, report=selectors.report_or_404(user, report_id))


@router.post("/tranches/{tranche_id}/payments", response={201: FundsPaymentOut}, summary="拨付一笔款项")
def pay_tranche(request: HttpRequest, tranche_id: Id, payload: FundsPaymentIn):
    user = actor(request)
    tranche = selectors.tranche_or_404(user, tranche_id)
    return Status(201, services.tranche_pay(actor=user, tranche=tranche, **payload.dict()))


@router.post("/projects/{project_id}/acceptance", response=FundsProjectDetailOut, summary="结题验收")
def accept_project(request: HttpRequest, project_id: Id, payload: FundsAcceptanceIn):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    services.project_accept(actor=user, project=project, **payload.dict())
    return _detail(project)
