"""API of societies and county associations (/api/v1/societies/): annual reports (prepare,
fill, submit, return/accept), rectifications, terms with due dates and flags, officers
(appointed and ending between congresses), foundings (党建前置: prepared with a party plan, then
登记成立), evaluations with item scores, and the 3+1 coverage by county. Same scope as the web pages."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from kexie.accounts.roles import REVIEW
from kexie.core.api_base import (
    Page,
    Status,
    actor,
    error_fields,
    offset_page,
    reference,
    reference_list,
    require,
)
from kexie.core.schemas import Count, Id, InputSchema, Limit, Money, NotNull, Offset, Year
from kexie.core.scoping import get_scoped_or_404
from kexie.directory.models import Organisation
from kexie.societies import grassroots, offices, selectors, services
from kexie.societies.models import (
    AnnualReport,
    Evaluation,
    Founding,
    ItemScore,
    Rectification,
    ReportStatus,
    Term,
)

router = Router(tags=["学会与县级科协"])
SocietyDay = Annotated[dt.date, Field(ge=dt.date(1949, 1, 1), le=dt.date(2100, 12, 31))]


class SocietyReportOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(alias="organisation.name")
    year: int
    status: str
    prefilled: dict
    compliance: str
    registration_changes: str
    officer_changes: str
    income: Decimal | None
    expenditure: Decimal | None
    donations: Decimal | None
    staff_count: int | None
    awards: str
    party_building: str
    other: str
    return_reason: str
    submitted_at: dt.datetime | None


class SocietyReportIn(InputSchema):
    compliance: str = NotNull(title="遵守法律法规和章程情况", max_length=5000)
    registration_changes: str = NotNull(title="登记事项变更情况", max_length=5000)
    officer_changes: str = NotNull(title="负责人及工作人员变动情况", max_length=5000)
    income: Money | None = Field(None, title="年度收入(元)")
    expenditure: Money | None = Field(None, title="年度支出(元)")
    donations: Money | None = Field(None, title="接受捐赠(元)")
    staff_count: Count | None = Field(None, title="专职工作人员数")
    awards: str = NotNull(title="评比表彰情况", max_length=5000)
    party_building: str = NotNull(title="党建工作情况", max_length=5000)
    other: str = NotNull(title="其他需要说明的事项", max_length=5000)


class SocietyReviewIn(InputSchema):
    reason: str = Field("", max_length=300, title="退回原因")


class SocietyRectificationOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(alias="organisation.name")
    reasons: str
    required_evidence: str
    ordered_on: dt.date
    deadline: dt.date
    extensions: int
    status: str
    outcome: str
    closed_on: dt.date | None


class SocietyTermOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    number: int
    starts_on: dt.date
    ends_on: dt.date
    congress_on: dt.date | None
    filed_on: dt.date | None
    plan_due: dt.date
    request_due: dt.date
    filing_due: dt.date | None
    flags: list[str]


class SocietyEvaluationOut(Schema):
    id: int
    organisation_id: int
    organisation: str = Field(alias="organisation.name")
    year: int
    scheme: str = Field(alias="scheme.name")
    status: str
    total: Decimal | None
    grade: str


class SocietyItemScoreOut(Schema):
    item_code: str
    score: Decimal
    source: str
    evidence: str


class SocietyEvaluationDetailOut(SocietyEvaluationOut):
    items: list[dict]
    scores: list[SocietyItemScoreOut]


class SocietyScoreIn(InputSchema):
    item_code: str = Field(min_length=1, max_length=20, title="细则编号")
    score: Decimal | None = Field(None, ge=0, le=1000, max_digits=6, decimal_places=1, title="得分",
                                  description="省略时按记录计分(仅限有计分规则的细则)")  # fmt: skip
    evidence: str = Field("", max_length=2000, title="依据")


class SocietyOfficerOut(Schema):
    id: int
    person_id: int
    person: str
    role: str
    role_code: str
    starts_on: dt.date | None
    ends_on: dt.date | None


class SocietyOfficerIn(InputSchema):
    person_id: Id = Field(title="人员")
    role: Literal["chair", "vice_chair", "secretary_general", "board"] = Field(
        title="职务",
        description="chair 理事长(主席)、vice_chair 副理事长(副主席)、secretary_general 秘书长、board 理事(委员)",
    )
    starts_on: SocietyDay = Field(title="任职日期")


class SocietyOfficerEndIn(InputSchema):
    ends_on: SocietyDay = Field(title="离任日期", description="在任的最后一天")


class SocietyFoundingOut(Schema):
    id: int
    name: str
    kind: str
    supervisor_id: int
    supervisor: str = Field(alias="supervisor.name")
    status: str
    party_plan: str
    party_members: int
    joint_branch: str
    party_warning: str
    prepared_on: dt.date
    founded_on: dt.date | None
    organisation_id: int | None


class SocietyFoundingIn(InputSchema):
    name: str = Field(min_length=1, max_length=200, title="名称")
    kind: Literal["society", "research_institute"] = Field(
        "society", title="类型", description="学会或科研院所"
    )
    supervisor_id: Id | None = Field(None, title="业务主管单位", description="缺省为本单位")
    party_plan: Literal["independent", "joint", "instructor", "none"] = Field(
        title="党组织设置方案",
        description="independent 单独建立党支部(发起人中党员须不少于3人)、joint 纳入联合党支部(须写明支部)、"
        "instructor 仅选派党建指导员(可登记但给出提示)、none 暂无安排(不予登记)",
    )
    party_members: Count = Field(0, title="发起人中党员数")
    joint_branch: str = Field("", max_length=200, title="拟纳入的联合党支部")
    prepared_on: SocietyDay | None = Field(None, title="筹建日期", description="缺省为今天")


class SocietyFoundingCompleteIn(InputSchema):
    founded_on: SocietyDay | None = Field(None, title="成立日期", description="缺省为今天")


class SocietyCoverageOut(Schema):
    county: str
    units: int
    covered: int
    share: float | None


@router.get("/reports", response=Page[SocietyReportOut], summary="年度报告列表")
def list_reports(
    request: HttpRequest, year: Year | None = None, status: ReportStatus | None = None, limit: Limit = 50,
    offset: Offset = 0,
):  # fmt: skip
    qs = selectors.annual_reports(actor(request), year=year, status=status)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/organisations/{org_id}/reports/{year}", response={200: SocietyReportOut},
             summary="准备年度报告(已有数据自动带入;已存在则返回)")  # fmt: skip
def prepare_report(request: HttpRequest, org_id: Id, year: Year):
    user = actor(request)
    org = get_scoped_or_404(Organisation, user, pk=org_id)
    return services.annual_report_prepare(actor=user, org=org, year=year)


@router.get("/reports/{report_id}", response=SocietyReportOut, summary="年度报告")
def get_report(request: HttpRequest, report_id: Id):
    return get_scoped_or_404(AnnualReport, actor(request), pk=report_id)


@router.patch("/reports/{report_id}", response=SocietyReportOut, summary="填写年度报告")
def update_report(request: HttpRequest, report_id: Id, payload: SocietyReportIn):
    user = actor(request)
    report = get_scoped_or_404(AnnualReport, user, pk=report_id)
    return services.annual_report_update(actor=user, report=report, data=payload.dict(exclude_unset=True))


@router.post("/reports/{report_id}/{action}", response=SocietyReportOut, summary="提交、退回或通过年度报告")
def review_report(
    request: HttpRequest,
    report_id: Id,
    action: Literal["submit", "return", "accept"],
    payload: SocietyReviewIn,
):
    user = actor(request)
    report = get_scoped_or_404(AnnualReport, user, pk=report_id)
    if action == "submit":
        return services.annual_report_submit(actor=user, report=report)
    if action == "return":
        return services.annual_report_return(actor=user, report=report, reason=payload.reason)
    return services.annual_report_accept(actor=user, report=report)


@router.get("/rectifications", response=Page[SocietyRectificationOut], summary="限期整改")
def list_rectifications(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.rectifications(actor(request)), limit=limit, offset=offset)


@router.get("/terms", response=list[SocietyTermOut], summary="届次、换届时间节点与提示")
def list_terms(request: HttpRequest):
    return [
        {"id": r.term.pk, "organisation_id": r.term.organisation_id, "organisation": r.term.organisation.name,
         "number": r.term.number, "starts_on": r.term.starts_on, "ends_on": r.term.ends_on,
         "congress_on": r.term.congress_on, "filed_on": r.term.filed_on, "plan_due": r.dates.plan_due,
         "request_due": r.dates.request_due, "filing_due": r.dates.filing_due, "flags": r.flags.messages()}
        for r in selectors.term_rows(actor(request))
    ]  # fmt: skip


@router.get("/organisations/{org_id}/officers", response=list[SocietyOfficerOut],
            summary="某年度在任负责人(任职记录,带任离职日期)")  # fmt: skip
def list_officers(request: HttpRequest, org_id: Id, year: Year | None = None):
    user = actor(request)
    year = year or dt.date.today().year
    org = get_scoped_or_404(Organisation, user, pk=org_id)
    return [
        _officer(p) for p in selectors.officers_in(user, org, year)
    ]  # fmt: skip


def _officer(p) -> dict:
    return {"id": p.pk, "person_id": p.person_id, "person": p.person.name, "role": p.role,
            "role_code": offices.code_of(p), "starts_on": p.starts_on, "ends_on": p.ends_on}  # fmt: skip


@router.post("/organisations/{org_id}/officers", response={201: SocietyOfficerOut},
             summary="登记负责人(届中增补、调整;任职记录从任职日期起)")  # fmt: skip
def appoint_officer(request: HttpRequest, org_id: Id, payload: SocietyOfficerIn):
    user = actor(request)
    org = get_scoped_or_404(Organisation, user, pk=org_id)
    person = reference("directory.Affiliation.person", payload.person_id, "person_id", user)
    with error_fields({"person": "person_id"}):
        position = services.officer_appoint(actor=user, org=org, person=person, role=payload.role,
                                            starts_on=payload.starts_on)  # fmt: skip
    return Status(201, _officer(position))


@router.post("/organisations/{org_id}/officers/{position_id}/end", response=SocietyOfficerOut,
             summary="登记负责人离任(在任的最后一天)")  # fmt: skip
def end_officer(request: HttpRequest, org_id: Id, position_id: Id, payload: SocietyOfficerEndIn):
    user = actor(request)
    org = get_scoped_or_404(Organisation, user, pk=org_id)
    position = next((p for p in offices.positions([org.pk]) if p.pk == position_id), None)
    if position is None:
        raise Http404
    return _officer(services.officer_end(actor=user, org=org, position=position, ends_on=payload.ends_on))


@router.get("/foundings", response=Page[SocietyFoundingOut], summary="新建学会(院所)筹建登记(党建前置)")
def list_foundings(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.foundings(actor(request)), limit=limit, offset=offset)


@router.post("/foundings", response={201: SocietyFoundingOut}, summary="筹建登记(须明确党组织设置方案)")
def create_founding(request: HttpRequest, payload: SocietyFoundingIn):
    user = actor(request)
    data = payload.dict(exclude={"supervisor_id"}, exclude_none=True)
    if payload.supervisor_id is not None:
        data["supervisor"] = reference(
            "societies.Founding.supervisor", payload.supervisor_id, "supervisor_id", user
        )
    with error_fields({"supervisor": "supervisor_id"}):
        return Status(201, services.founding_prepare(actor=user, data=data))


@router.post("/foundings/{founding_id}/complete", response=SocietyFoundingOut,
             summary="登记成立(在通讯录中建立该学会或院所及其首年党组织情况)")  # fmt: skip
def complete_founding(request: HttpRequest, founding_id: Id, payload: SocietyFoundingCompleteIn):
    user = actor(request)
    founding = get_scoped_or_404(Founding, user, pk=founding_id)
    return services.founding_complete(actor=user, founding=founding, founded_on=payload.founded_on)


@router.get("/evaluations", response=Page[SocietyEvaluationOut], summary="等级评估")
def list_evaluations(request: HttpRequest, year: Year | None = None, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.evaluations(actor(request), year=year), limit=limit, offset=offset)


def _detail(ev: Evaluation) -> dict:
    return {
        "id": ev.pk, "organisation_id": ev.organisation_id, "organisation.name": ev.organisation.name,
        "year": ev.year, "scheme.name": ev.scheme.name, "status": ev.status, "total": ev.total, "grade": ev.grade,
        "items": ev.scheme.items, "scores": list(ItemScore.objects.within(ev.organisation).filter(evaluation=ev)),
    }  # fmt: skip


@router.get("/evaluations/{evaluation_id}", response=SocietyEvaluationDetailOut, summary="评估及各细则得分")
def get_evaluation(request: HttpRequest, evaluation_id: Id):
    return _detail(get_scoped_or_404(Evaluation, actor(request), pk=evaluation_id))


@router.post("/evaluations/{evaluation_id}/scores", response={201: SocietyItemScoreOut}, summary="细则评分")
def score_item(request: HttpRequest, evaluation_id: Id, payload: SocietyScoreIn):
    user = actor(request)
    ev = get_scoped_or_404(Evaluation, user, pk=evaluation_id)
    row = services.evaluation_score(actor=user, evaluation=ev, item_code=payload.item_code, score=payload.score,
                                    evidence=payload.evidence)  # fmt: skip
    return Status(201, row)


@router.get("/grassroots", response=list[SocietyCoverageOut], summary="“基层三长”覆盖情况(按县市区)")
def grassroots_coverage(request: HttpRequest):
    rows = grassroots.coverage_by_county(grassroots.scoped_head_units(actor(request)))
    return [{"county": r.county, "units": r.units, "covered": r.covered, "share": r.share} for r in rows]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/export/{kind}", summary="导出党组织年度情况、“3+1”基层三长或负责人任职(xlsx,可改后经导入页导回)"
)
def export_records(
    request: HttpRequest,
    kind: Literal["party_records", "grassroots_heads", "officers"],
    year: Year | None = None,
):
    from django.http import HttpResponse

    from kexie.core.imports import export_rows

    data = export_rows(actor=actor(request), kind=kind, year=year)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}{"-" + str(year) if year else ""}.xlsx"'
    return response


# ---------------------------------------------------------------------- orders, terms, schemes, evaluations


class SocietyRectificationIn(InputSchema):
    reasons: str = Field(min_length=1, max_length=5000, title="整改原因")
    required_evidence: str = Field(min_length=1, max_length=5000, title="须提交的整改材料")
    ordered_on: SocietyDay | None = Field(None, title="下达日期", description="缺省为今天")
    deadline: SocietyDay = Field(title="整改期限", description="应晚于下达日期")


class SocietyFollowUpIn(InputSchema):
    note: str = Field(min_length=1, max_length=5000, title="跟踪情况")
    evidence: str = Field("", max_length=300, title="整改材料")


class SocietyDecisionIn(InputSchema):
    outcome: Literal["closed", "extended", "escalated"] = Field(
        title="整改结论",
        description="closed 整改完成、extended 延期(须给 new_deadline)、escalated 移交注销程序",
    )
    note: str = Field(min_length=1, max_length=5000, title="结论说明")
    new_deadline: SocietyDay | None = Field(None, title="延长后的期限")


class SocietyTermIn(InputSchema):
    number: Annotated[int, Field(ge=1, le=99)] | None = Field(
        None, title="届次", description="缺省为上一届的下一届"
    )
    starts_on: SocietyDay = Field(title="本届开始日期")
    ends_on: SocietyDay | None = Field(None, title="本届届满日期", description="缺省为5年")
    member_count: Count | None = Field(None, title="会员(代表)数")
    board_size: Count | None = Field(None, title="理事会人数")


class SocietyTermCreatedOut(Schema):
    id: int
    organisation_id: int
    number: int
    starts_on: dt.date
    ends_on: dt.date
    congress_on: dt.date | None
    filed_on: dt.date | None
    member_count: int | None
    board_size: int | None


class SocietyCongressIn(InputSchema):
    congress_on: SocietyDay = Field(title="换届大会日期", description="应晚于本届开始日期")
    filed_on: SocietyDay | None = Field(None, title="换届备案日期", description="不早于大会日期")


class SocietySchemeItemIn(InputSchema):
    code: str = Field(min_length=1, max_length=20, title="编号")
    category: Literal["基础条件", "内部治理", "工作绩效", "社会评价"] = Field(title="类别")
    name: str = Field(min_length=1, max_length=100, title="名称")
    max: Annotated[int, Field(ge=1, le=1000)] = Field(title="分值")
    source: str = Field("", max_length=40, title="计分规则", description="留空为人工评分")
    per: Annotated[int, Field(ge=1, le=1000)] | None = Field(None, title="每条记录得分")


class SocietyGradeIn(InputSchema):
    min_score: Annotated[int, Field(ge=1, le=1000)] = Field(title="最低分")
    grade: str = Field(min_length=1, max_length=10, title="等级")


class SocietySchemeIn(InputSchema):
    name: str = Field(min_length=1, max_length=100, title="名称")
    items: list[SocietySchemeItemIn] = Field(
        min_length=1, max_length=200, title="评分细则", description="总分1000分"
    )
    grades: list[SocietyGradeIn] = Field(min_length=1, max_length=20, title="等级线", description="从高到低")


class SocietySchemeOut(Schema):
    id: int
    name: str
    owner_id: int
    items: list[dict]
    grades: list


class SocietyFollowUpOut(Schema):
    id: int
    on: dt.date
    note: str
    evidence: str


class SocietyEvaluationIn(InputSchema):
    scheme_id: Id = Field(title="评估指标体系")
    year: Year = Field(title="评估年度")
    evaluator_ids: list[Id] = Field(default_factory=list, max_length=50, title="评估专家")


def _org(user, org_id):
    return get_scoped_or_404(Organisation, user, pk=org_id)


@router.post("/organisations/{org_id}/rectifications", response={201: SocietyRectificationOut},
             summary="下达限期整改(原因、期限、须提交的整改材料)")  # fmt: skip
def order_rectification(request: HttpRequest, org_id: Id, payload: SocietyRectificationIn):
    user = actor(request)
    org = _org(user, org_id)
    data = payload.dict(exclude_none=True)
    return Status(201, services.rectification_order(actor=user, org=org, data=data))


@router.get("/rectifications/{rectification_id}", response=SocietyRectificationOut, summary="限期整改")
def get_rectification(request: HttpRequest, rectification_id: Id):
    return get_scoped_or_404(Rectification, actor(request), pk=rectification_id)


@router.post("/rectifications/{rectification_id}/follow-ups", response={201: SocietyFollowUpOut},
             summary="整改跟踪记录(情况、材料)")  # fmt: skip
def follow_up_rectification(request: HttpRequest, rectification_id: Id, payload: SocietyFollowUpIn):
    user = actor(request)
    item = get_scoped_or_404(Rectification, user, pk=rectification_id)
    step = services.rectification_follow_up(actor=user, item=item, data=payload.dict())
    return Status(201, step)


@router.post("/rectifications/{rectification_id}/decision", response=SocietyRectificationOut,
             summary="整改结论:整改完成、延期或移交注销程序")  # fmt: skip
def decide_rectification(request: HttpRequest, rectification_id: Id, payload: SocietyDecisionIn):
    user = actor(request)
    item = get_scoped_or_404(Rectification, user, pk=rectification_id)
    return services.rectification_decide(actor=user, item=item, outcome=payload.outcome, note=payload.note,
                                         new_deadline=payload.new_deadline)  # fmt: skip


@router.post("/organisations/{org_id}/terms", response={201: SocietyTermCreatedOut},
             summary="登记届次(上一届在任负责人于前一日离任;新一届负责人经负责人接口登记)")  # fmt: skip
def create_term(request: HttpRequest, org_id: Id, payload: SocietyTermIn):
    user = actor(request)
    org = _org(user, org_id)
    return Status(201, services.term_create(actor=user, org=org, data=payload.dict(exclude_none=True)))


@router.post(
    "/terms/{term_id}/congress", response=SocietyTermCreatedOut, summary="登记换届大会(会员代表大会)及备案"
)
def record_congress(request: HttpRequest, term_id: Id, payload: SocietyCongressIn):
    user = actor(request)
    term = get_scoped_or_404(Term, user, pk=term_id)
    return services.term_record_congress(actor=user, term=term, congress_on=payload.congress_on,
                                         filed_on=payload.filed_on)  # fmt: skip


@router.get("/schemes", response=list[SocietySchemeOut], summary="评估指标体系(本单位及下级单位制定的)")
def list_schemes(request: HttpRequest):
    from kexie.core import references

    return list(references.choices("societies.Evaluation.scheme", actor(request)).order_by("name")[:200])


@router.post(
    "/schemes", response={201: SocietySchemeOut}, summary="新建评估指标体系(总分1000分,等级线从高到低)"
)
def create_scheme(request: HttpRequest, payload: SocietySchemeIn):
    items = [{k: v for k, v in item.dict().items() if v is not None} for item in payload.items]
    grades = [[g.min_score, g.grade] for g in payload.grades]
    return Status(201, services.scheme_create(actor=actor(request), name=payload.name.strip(), items=items,
                                              grades=grades))  # fmt: skip


@router.post("/organisations/{org_id}/evaluations", response={201: SocietyEvaluationOut},
             summary="开始等级评估(存在利益冲突的评估专家须回避)")  # fmt: skip
def open_evaluation(request: HttpRequest, org_id: Id, payload: SocietyEvaluationIn):
    user = actor(request)
    org = _org(user, org_id)
    require(request, REVIEW)  # before the references: a society's staff get 403, not a reference's 422
    scheme = reference("societies.Evaluation.scheme", payload.scheme_id, "scheme_id", user)
    evaluators = reference_list(
        "societies.Evaluation.evaluators", payload.evaluator_ids, "evaluator_ids", user
    )
    with error_fields({"evaluators": "evaluator_ids", "scheme": "scheme_id"}):
        ev = services.evaluation_open(actor=user, org=org, scheme=scheme, year=payload.year,
                                      evaluators=evaluators or [])  # fmt: skip
    return Status(201, ev)


@router.post(
    "/evaluations/{evaluation_id}/finish", response=SocietyEvaluationOut, summary="定级(各细则均已评分)"
)
def finish_evaluation(request: HttpRequest, evaluation_id: Id):
    user = actor(request)
    ev = get_scoped_or_404(Evaluation, user, pk=evaluation_id)
    return services.evaluation_finish(actor=user, evaluation=ev)
