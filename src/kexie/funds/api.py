"""API of funded projects (/api/v1/funds/): programmes, projects with their ledger (money in
fen, integers), reports, payments on tranches and 结题验收. The same services as the pages."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.bases.api import Day
from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Id, InputSchema, Limit, Offset, Year
from kexie.funds import selectors, services
from kexie.funds.codes import (
    AcceptanceResult,
    Direction,
    ProgrammeKind,
    ProjectStatus,
    ReportKind,
    TrancheCondition,
)
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


class FundsBudgetLineOut(Schema):
    item: str
    amount_fen: int


class FundsProjectDetailOut(FundsProjectOut):
    ledger: FundsLedgerOut
    tranches: list[FundsTrancheOut]
    budget_lines: list[FundsBudgetLineOut]
    ends_on: dt.date | None


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


# ---------------------------------------------------------------------- programmes and the project's life


class FundsProgrammeIn(InputSchema):
    name: str = Field(title="名称", min_length=1, max_length=200)
    kind: Literal[tuple(ProgrammeKind.values)] = Field(title="类别")
    direction: Literal[tuple(Direction.values)] = Field(title="资金方向")
    year: Year = Field(title="年度")
    budget_fen: Fen = Field(title="预算(分)")
    unit_id: Id | None = Field(None, title="管理单位", description="省略为本单位")
    source_body: str = Field("", title="资金来源单位", max_length=100)
    note: str = Field("", title="说明", max_length=5000)
    call_title: str | None = Field(
        None, title="项目征集名称", max_length=200, description="与征集起止日期一起填写则同时发布项目征集"
    )
    call_opens_on: Day | None = Field(None, title="征集开始")
    call_closes_on: Day | None = Field(None, title="征集截止")


class FundsBudgetLineIn(InputSchema):
    item: str = Field(title="支出科目", min_length=1, max_length=100)
    amount_fen: Fen = Field(title="金额(分)")


class FundsApplicationIn(InputSchema):
    title: str = Field(title="项目名称", min_length=1, max_length=200)
    undertaker_id: Id = Field(title="承担单位")
    leader_name: str = Field("", title="项目负责人", max_length=50)
    budget_lines: list[FundsBudgetLineIn] = Field(title="预算明细", min_length=1, max_length=100)
    submit: bool = Field(True, title="即提交(有项目征集时)")


class FundsApprovalIn(InputSchema):
    granted_fen: Fen | None = Field(None, title="立项金额(分)", description="省略为申请金额")
    document_no: str = Field("", title="立项文号", max_length=100)
    on: Day | None = Field(None, title="立项日期")


class FundsTrancheIn(InputSchema):
    amount_fen: Fen = Field(title="金额(分)")
    condition: Literal[tuple(TrancheCondition.values)] = Field(title="拨付条件")


class FundsAgreementIn(InputSchema):
    agreement_no: str = Field(title="协议编号", min_length=1, max_length=100)
    tranches: list[FundsTrancheIn] = Field(title="拨款计划", min_length=1, max_length=20)
    on: Day | None = Field(None, title="协议签订日期")
    ends_on: Day | None = Field(None, title="计划结题日期")


class FundsCloseIn(InputSchema):
    returned_fen: FenOrZero = Field(0, title="退回结余(分)")
    on: Day | None = Field(None, title="结项日期")


class FundsConflictIn(InputSchema):
    name: str = Field(title="姓名", min_length=1, max_length=50)
    relation: str = Field(title="利益关系", min_length=1, max_length=200)
    person_id: Id | None = Field(None, title="人员(名录)")
    recused: bool = Field(True, title="已回避")
    on: Day | None = Field(None, title="申报日期")


class FundsConflictOut(Schema):
    id: int
    project_id: int
    name: str
    relation: str
    recused: bool
    declared_on: dt.date


@router.post("/programmes", response={201: FundsProgrammeOut}, summary="新建资金计划(可同时发布项目征集)")
def create_programme(request: HttpRequest, payload: FundsProgrammeIn):
    user = actor(request)
    d = payload.dict()
    call = {
        "title": d.pop("call_title"),
        "opens_on": d.pop("call_opens_on"),
        "closes_on": d.pop("call_closes_on"),
    }
    unit_id = d.pop("unit_id")
    if unit_id is not None:
        d["unit"] = reference("funds.Programme.unit", unit_id, "unit_id", user)
    call_data = None
    if call["opens_on"] or call["closes_on"] or call["title"]:
        call_data = {**call, "title": call["title"] or f"{d['name']}项目征集"}
    return Status(201, services.programme_create(actor=user, data=d, call_data=call_data))


@router.post(
    "/programmes/{programme_id}/projects",
    response={201: FundsProjectDetailOut},
    summary="申报项目(含预算明细)",
)
def apply_project(request: HttpRequest, programme_id: Id, payload: FundsApplicationIn):
    user = actor(request)
    programme = selectors.programme_or_404(user, programme_id)
    undertaker = reference("funds.Project.undertaker", payload.undertaker_id, "undertaker_id", user)
    project = services.project_apply(
        actor=user, programme=programme, title=payload.title, undertaker=undertaker, leader_name=payload.leader_name,
        budget_lines=[line.dict() for line in payload.budget_lines], submit=payload.submit,
    )  # fmt: skip
    return Status(201, _detail(project))


@router.post(
    "/programmes/{programme_id}/approve", response=list[FundsProjectOut], summary="按项目征集结果批量立项"
)
def approve_programme(request: HttpRequest, programme_id: Id):
    user = actor(request)
    programme = selectors.programme_or_404(user, programme_id)
    return services.programme_approve_from_call(actor=user, programme=programme)


@router.post("/projects/{project_id}/approve", response=FundsProjectDetailOut, summary="立项")
def approve_project(request: HttpRequest, project_id: Id, payload: FundsApprovalIn):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    services.project_approve(actor=user, project=project, **payload.dict())
    return _detail(project)


@router.post("/projects/{project_id}/reject", response=FundsProjectDetailOut, summary="不予立项")
def reject_project(request: HttpRequest, project_id: Id):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    services.project_reject(actor=user, project=project)
    return _detail(project)


@router.post("/projects/{project_id}/agreement", response=FundsProjectDetailOut, summary="签订协议与拨款计划")
def agree_project(request: HttpRequest, project_id: Id, payload: FundsAgreementIn):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    d = payload.dict()
    services.project_agree(actor=user, project=project, agreement_no=d["agreement_no"], tranches=d["tranches"],
                           on=d["on"], ends_on=d["ends_on"])  # fmt: skip
    return _detail(project)


@router.post("/projects/{project_id}/close", response=FundsProjectDetailOut, summary="结项(退回结余)")
def close_project(request: HttpRequest, project_id: Id, payload: FundsCloseIn):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    services.project_close(actor=user, project=project, **payload.dict())
    project.refresh_from_db()
    return _detail(project)


@router.post("/projects/{project_id}/conflicts", response={201: FundsConflictOut}, summary="登记利益冲突申报")
def declare_conflict(request: HttpRequest, project_id: Id, payload: FundsConflictIn):
    user = actor(request)
    project = selectors.project_or_404(user, project_id)
    d = payload.dict()
    d["person"] = reference("funds.ConflictOfInterest.person", d.pop("person_id"), "person_id", user)
    return Status(201, services.conflict_declare(actor=user, project=project, **d))
