"""API of outreach bases and venues (/api/v1/bases/): designations with their changes, yearly
assessments (record, decide), revocation, venues with monthly visitors, and the city's
科技馆体系 by county. The same selectors and services as the pages."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from kexie.bases import selectors, services
from kexie.bases.codes import AssessmentOutcome, BaseStatus, VenueKind
from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Count, Id, InputSchema, Limit, Offset, Year
from kexie.directory.codes import DesignationLevel

router = Router(tags=["科普教育基地与场馆"])
Days = Annotated[int, Field(ge=0, le=366)]


def _in_range(value: dt.date) -> dt.date:
    from pydantic_core import PydanticCustomError

    if not 1949 <= value.year <= 2100:
        raise PydanticCustomError("day_range", "日期应在 1949–2100 年之间")
    return value


Day = Annotated[dt.date, AfterValidator(_in_range)]
OutcomeValue = Literal[tuple(AssessmentOutcome.values)]


class BaseChangeOut(Schema):
    kind: str
    on: dt.date
    valid_to_before: dt.date | None
    valid_to_after: dt.date | None
    reason: str


class BaseDesignationOut(Schema):
    id: int
    organisation_id: int = Field(alias="designation.organisation_id")
    organisation: str = Field(alias="designation.organisation.name")
    level: str = Field(alias="designation.level")
    year: int = Field(alias="designation.year")
    batch: str
    theme: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    revoked_on: dt.date | None
    entry_id: int | None


class BaseDesignationDetailOut(BaseDesignationOut):
    changes: list[BaseChangeOut]


class BaseAssessmentIn(InputSchema):
    year: Year = Field(title="考核年度")
    open_days: Days = Field(title="年开放天数")
    student_free_days: Days = Field(0, title="对学生免费开放天数")
    visitors: Count = Field(0, title="年接待观众")
    exhibition_area: Count = Field(0, title="展教面积(平方米)")
    staff: Count = Field(0, title="专兼职工作人员")
    volunteers: Count = Field(0, title="科普志愿者")
    activities: Count = Field(0, title="年举办科普活动")


class BaseAssessmentDecideIn(InputSchema):
    outcome: OutcomeValue | None = Field(None, title="考核结果", description="省略为评分结果")
    note: str = Field("", title="审定意见", max_length=300)
    on: Day | None = Field(None, title="审定日期")


class BaseAssessmentOut(Schema):
    id: int
    base_designation_id: int
    year: int
    score: str
    computed_outcome: str
    outcome: str
    status: str
    shortfalls: list[str]


class BaseRevokeIn(InputSchema):
    reason: str = Field(title="撤销原因", min_length=1, max_length=300)
    on: Day | None = Field(None, title="撤销日期")


class VenueOut(Schema):
    id: int
    name: str
    kind: str
    operator_id: int
    region_code: str = Field(alias="region.code")
    exhibition_area: int
    opened_on: dt.date | None
    is_active: bool


class VenueVisitorsIn(InputSchema):
    month: Day = Field(title="月份", description="该月任一日期")
    visitors: Count = Field(title="观众人次")


class VenueMonthOut(Schema):
    venue_id: int
    month: dt.date
    visitors: int


class VenueYearOut(Schema):
    year: int
    visitors: int


class VenueDetailOut(VenueOut):
    operator: str = Field(alias="operator.name")
    region: str = Field(alias="region.name")
    year: int
    monthly: list[int] = Field(description="所选年度1至12月观众人次(未登记为0)")
    year_visitors: int
    years: list[VenueYearOut] = Field(description="历年观众人次(有登记的年度)")


class SystemVenueOut(Schema):
    id: int
    name: str
    kind: str
    visitors: int


class SystemTrendPointOut(Schema):
    year: int
    visitors: int


class SystemCountyOut(Schema):
    region_code: str
    region: str
    visitors: int
    venues: list[SystemVenueOut] = Field(title="场馆", description="无场馆的县市区为空列表")
    trend: list[SystemTrendPointOut] = Field(title="近五年观众人次", description="本县市区各场馆逐年合计")


def _assessment(a) -> dict:
    return {"id": a.pk, "base_designation_id": a.base_designation_id, "year": a.year, "score": str(a.score),
            "computed_outcome": a.computed_outcome, "outcome": a.outcome, "status": a.status,
            "shortfalls": a.shortfalls}  # fmt: skip


@router.get("/designations", response=Page[BaseDesignationOut], summary="基地命名列表")
def list_designations(
    request: HttpRequest,
    status: Literal[tuple(BaseStatus.values)] | None = None,
    level: Literal[tuple(DesignationLevel.values)] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    qs = selectors.designations(actor(request), status=status or "", level=level or "")
    return offset_page(request, qs, limit=limit, offset=offset)


@router.get("/designations/{designation_id}", response=BaseDesignationDetailOut, summary="基地命名详情")
def get_designation(request: HttpRequest, designation_id: Id):
    return selectors.designation_or_404(actor(request), designation_id)


@router.post(
    "/designations/{designation_id}/assessments",
    response={201: BaseAssessmentOut},
    summary="录入年度考核数据",
)
def record_assessment(request: HttpRequest, designation_id: Id, payload: BaseAssessmentIn):
    user = actor(request)
    record = selectors.designation_or_404(user, designation_id)
    figures = payload.dict()
    year = figures.pop("year")
    a = services.assessment_record(actor=user, base_designation=record, year=year, figures=figures)
    return Status(201, _assessment(a))


@router.post("/assessments/{assessment_id}/decide", response=BaseAssessmentOut, summary="审定年度考核")
def decide_assessment(request: HttpRequest, assessment_id: Id, payload: BaseAssessmentDecideIn):
    user = actor(request)
    a = selectors.assessment_or_404(user, assessment_id)
    services.assessment_decide(
        actor=user, assessment=a, outcome=payload.outcome, note=payload.note, on=payload.on
    )
    return _assessment(a)


@router.post("/designations/{designation_id}/revoke", response=BaseDesignationOut, summary="撤销命名")
def revoke_designation(request: HttpRequest, designation_id: Id, payload: BaseRevokeIn):
    user = actor(request)
    record = selectors.designation_or_404(user, designation_id)
    return services.designation_revoke(
        actor=user, base_designation=record, reason=payload.reason, on=payload.on
    )


@router.get("/venues", response=Page[VenueOut], summary="科普场馆列表")
def list_venues(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    return offset_page(request, selectors.venues(actor(request)), limit=limit, offset=offset)


@router.get("/venues/{venue_id}", response=VenueDetailOut, summary="科普场馆:某年逐月观众与历年观众")
def venue_detail(request: HttpRequest, venue_id: Id, year: Year | None = None):
    venue = selectors.venue_or_404(actor(request), venue_id)
    venue.year = year or dt.date.today().year
    venue.monthly = selectors.monthly_visitors(venue, venue.year)
    venue.year_visitors = sum(venue.monthly)
    venue.years = [{"year": y, "visitors": n} for y, n in selectors.yearly_visitors(venue)]
    return venue


@router.post("/venues/{venue_id}/visitors", response=VenueMonthOut, summary="登记场馆月度观众")
def record_visitors(request: HttpRequest, venue_id: Id, payload: VenueVisitorsIn):
    user = actor(request)
    venue = selectors.venue_or_404(user, venue_id)
    return services.venue_visitors_record(
        actor=user, venue=venue, month=payload.month, visitors=payload.visitors
    )


@router.get("/system", response=list[SystemCountyOut], summary="科技馆体系(按县市区)")
def science_centre_system(request: HttpRequest, year: Year):
    return [
        {"region_code": row["region"].code, "region": row["region"].name, "visitors": row["visitors"],
         "trend": row["trend"],
         "venues": [{"id": v["venue"].pk, "name": v["venue"].name, "kind": v["venue"].kind, "visitors": v["visitors"]}
                    for v in row["venues"]]}
        for row in selectors.science_centre_system(actor(request), year)
    ]  # fmt: skip


# ---------------------------------------------------------------------- naming rounds, renewal, venues


class NamingRoundIn(InputSchema):
    title: str = Field(title="征集名称", min_length=1, max_length=200)
    year: Year = Field(title="年度")
    honour_level: Literal[tuple(DesignationLevel.values)] = Field("city", title="命名级别")
    higher_body: str = Field("", title="上级命名单位", max_length=100)
    opens_on: Day = Field(title="征集开始")
    closes_on: Day = Field(title="征集截止")
    batch: str = Field(title="批次", min_length=1, max_length=40)
    theme: str = Field("", title="主题", max_length=60)
    valid_from: Day = Field(title="有效期起")
    valid_to: Day = Field(title="有效期至")
    document_no: str = Field("", title="命名文号", max_length=100)
    open_now: bool = Field(True, title="立即开始征集")


class NamingRoundOut(Schema):
    id: int
    call_id: int
    call_status: str = Field(alias="call.status")
    title: str = Field(alias="call.title")
    batch: str
    theme: str
    valid_from: dt.date
    valid_to: dt.date
    document_no: str
    landed_at: dt.datetime | None


class BaseApplicationIn(InputSchema):
    base_id: Id = Field(title="申报基地")
    submitting_unit_id: Id | None = Field(None, title="推荐单位")
    submit: bool = Field(True, title="即提交")


class BaseApplicationOut(Schema):
    entry_id: int
    code: str
    status: str


class BaseRenewIn(InputSchema):
    valid_to: Day = Field(title="新有效期至")
    reason: str = Field("", title="依据", max_length=300)
    on: Day | None = Field(None, title="延续日期")


class VenueIn(InputSchema):
    name: str = Field(title="名称", min_length=1, max_length=200)
    kind: Literal[tuple(VenueKind.values)] = Field(title="类型")
    region_id: Id = Field(title="所在县市区")
    operator_id: Id | None = Field(None, title="运营单位", description="省略为本单位")
    exhibition_area: Count = Field(0, title="展教面积(平方米)")
    opened_on: Day | None = Field(None, title="开馆日期")
    is_active: bool = Field(True, title="开放中")


def _round_or_404(user, round_id):
    from kexie.bases.models import NamingRound
    from kexie.core.scoping import get_scoped_or_404

    return get_scoped_or_404(NamingRound.objects.for_user(user).select_related("call"), user, pk=round_id)


@router.get("/rounds", response=Page[NamingRoundOut], summary="命名批次列表")
def list_rounds(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    from kexie.bases.models import NamingRound

    qs = NamingRound.objects.for_user(actor(request)).select_related("call").order_by("-valid_from", "-id")
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/rounds", response={201: NamingRoundOut}, summary="新建命名批次(命名认定类征集评选)")
def create_round(request: HttpRequest, payload: NamingRoundIn):
    from kexie.calls import services as calls

    user = actor(request)
    d = payload.dict()
    call_data = {
        k: d.pop(k) for k in ("title", "year", "honour_level", "higher_body", "opens_on", "closes_on")
    }
    open_now = d.pop("open_now")
    row = services.naming_round_create(actor=user, call_data=call_data, **d)
    if open_now:
        calls.call_open(actor=user, call=row.call)
    return Status(201, row)


@router.post(
    "/rounds/{round_id}/applications", response={201: BaseApplicationOut}, summary="基地申报命名(或推荐)"
)
def apply_to_round(request: HttpRequest, round_id: Id, payload: BaseApplicationIn):
    user = actor(request)
    naming_round = _round_or_404(user, round_id)
    base = reference(
        "calls.Entry.organisation", payload.base_id, "base_id", user
    )  # the service checks the kind
    unit = reference("calls.Entry.submitting_unit", payload.submitting_unit_id, "submitting_unit_id", user)
    entry = services.base_apply(actor=user, naming_round=naming_round, base=base, submitting_unit=unit,
                                submit=payload.submit)  # fmt: skip
    return Status(201, {"entry_id": entry.pk, "code": entry.code, "status": entry.status})


@router.post("/rounds/{round_id}/land", response=list[BaseDesignationOut], summary="登记命名(评选结果确定后)")
def land_round(request: HttpRequest, round_id: Id):
    user = actor(request)
    return services.naming_land(actor=user, naming_round=_round_or_404(user, round_id))


@router.post("/designations/{designation_id}/renew", response=BaseDesignationOut, summary="复核延续命名")
def renew_designation(request: HttpRequest, designation_id: Id, payload: BaseRenewIn):
    user = actor(request)
    record = selectors.designation_or_404(user, designation_id)
    return services.designation_renew(actor=user, base_designation=record, valid_to=payload.valid_to,
                                      reason=payload.reason, on=payload.on)  # fmt: skip


def _venue_data(payload, user) -> dict:
    from kexie.directory.models import Region

    d = payload.dict(exclude_unset=False)
    region = Region.objects.filter(pk=d.pop("region_id")).first()
    if region is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"region_id": "行政区划不存在"})
    d["region"] = region
    operator_id = d.pop("operator_id")
    if operator_id is not None:
        d["operator"] = reference("bases.Venue.operator", operator_id, "operator_id", user)
    return d


@router.post("/venues", response={201: VenueOut}, summary="新建科普场馆")
def create_venue(request: HttpRequest, payload: VenueIn):
    user = actor(request)
    return Status(201, services.venue_create(actor=user, data=_venue_data(payload, user)))


@router.put("/venues/{venue_id}", response=VenueOut, summary="修改科普场馆")
def update_venue(request: HttpRequest, venue_id: Id, payload: VenueIn):
    user = actor(request)
    venue = selectors.venue_or_404(user, venue_id)
    return services.venue_update(actor=user, venue=venue, data=_venue_data(payload, user))
