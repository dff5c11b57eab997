"""API of volunteers and training (/api/v1/volunteers/): volunteers with their hours, service
records (team entry, self-report, approve/decline), hours totals, the certificate of service,
and courses."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Page, Status, _url_with, actor, clamp_limit, offset_page, reference
from kexie.core.schemas import Id, InputSchema, Limit, Offset, Year
from kexie.core.scoping import get_scoped_or_404
from kexie.directory.models import personal_data_visible
from kexie.volunteers import selectors, services
from kexie.volunteers.models import RecordStatus, ServiceRecord, VolunteerProfile

router = Router(tags=["志愿服务与培训"])

Hours = Annotated[Decimal, Field(gt=0, le=24, max_digits=4, decimal_places=2)]


class VolunteerOut(Schema):
    id: int
    person_id: int
    name: str = Field(alias="person.name")
    service_category: str
    skills: str
    registered_on: dt.date
    hours: Decimal | None = None


class RecordOut(Schema):
    id: int
    volunteer_id: int
    activity_id: int
    activity: str = Field(alias="activity.title")
    served_on: dt.date
    place: str
    content: str
    hours: Decimal
    organising_unit_id: int
    responsible_person_id: int | None
    source: str
    status: str
    decline_reason: str
    recorded_on: dt.date
    is_late: bool


class VolunteerEvaluationOut(Schema):
    id: int
    unit_id: int
    unit: str = Field(alias="unit.name")
    year: int
    rating: str
    comment: str
    evaluated_on: dt.date


class VolunteerDetailOut(VolunteerOut):
    birth_date: dt.date | None
    id_type: str
    id_number: str
    residence_region_id: int | None
    records: list[RecordOut]
    evaluations: list[VolunteerEvaluationOut] = Field(
        title="评价", description="调用者可见单位(评价单位)对该志愿者的评价"
    )


class RecordIn(InputSchema):
    volunteer_id: Id
    activity_id: Id
    source: Literal["team", "self"] = Field(
        "team", title="记录方式", description="team:团队录入;self:本人申报(待审核)"
    )
    served_on: dt.date | None = Field(None, title="服务日期", description="省略时为活动开始日期")
    place: str = Field("", title="服务地点", max_length=200, description="省略时为活动地点")
    content: str = Field(title="服务内容", min_length=1, max_length=300)
    hours: Hours = Field(title="服务时长(小时)")
    organising_unit_id: Id | None = Field(None, title="组织单位", description="省略时为活动主办单位")
    responsible_person_id: Id | None = None
    team_id: Id | None = None


class ReviewIn(InputSchema):
    reason: str = Field("", max_length=300)


class HoursOut(Schema):
    key: int | None
    label: str | int | None
    hours: Decimal
    entries: int


class CertificateOut(Schema):
    id: int
    code: str
    title: str
    holder_name: str
    issued_on: dt.date


@router.get("/volunteers", response=Page[VolunteerOut], summary="志愿者列表(含已记录服务时长)")
def list_volunteers(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    """Each volunteer's hours are summed from the recorded service records the caller may see
    (the same figure as `GET volunteers/{id}`), not from a stored total."""
    user = actor(request)
    qs = selectors.volunteers(user).annotate(hours=selectors.recorded_hours_subquery(user))
    page = offset_page(request, qs, limit=limit, offset=offset)
    for profile in page["items"]:
        profile.hours = selectors.hundredths(profile.hours)
    return page


@router.get("/volunteers/{volunteer_id}", response=VolunteerDetailOut, summary="志愿者及其服务记录")
def get_volunteer(request: HttpRequest, volunteer_id: Id):
    user = actor(request)
    profile = get_scoped_or_404(VolunteerProfile, user, pk=volunteer_id)
    return {
        "id": profile.pk, "person_id": profile.person_id, "person.name": profile.person.name,
        "service_category": profile.service_category, "skills": profile.skills,
        "registered_on": profile.registered_on, "hours": selectors.person_hours(user, profile),
        "birth_date": profile.birth_date, "id_type": profile.id_type,
        "id_number": profile.id_number if personal_data_visible(user) else profile.id_number_masked,
        "residence_region_id": profile.residence_region_id,
        "records": list(selectors.records(user, volunteer=profile)),
        "evaluations": list(selectors.evaluations(user, profile)),
    }  # fmt: skip


@router.post(
    "/volunteers/{volunteer_id}/certificate", response={201: CertificateOut}, summary="出具志愿服务证明"
)
def issue_certificate(request: HttpRequest, volunteer_id: Id, year: Year | None = None):
    user = actor(request)
    profile = get_scoped_or_404(VolunteerProfile, user, pk=volunteer_id)
    return Status(201, services.volunteer_certificate_issue(actor=user, profile=profile, year=year))


@router.get("/records", response=Page[RecordOut], summary="志愿服务记录")
def list_records(
    request: HttpRequest, status: RecordStatus | None = None, year: Year | None = None, limit: Limit = 50,
    offset: Offset = 0,
):  # fmt: skip
    qs = selectors.records(actor(request), status=status, year=year)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/records", response={201: RecordOut}, summary="录入或申报志愿服务记录")
def create_record(request: HttpRequest, payload: RecordIn):
    user = actor(request)
    data = payload.dict()
    volunteer = reference(
        "volunteers.ServiceRecord.volunteer", data.pop("volunteer_id"), "volunteer_id", user
    )
    activity = reference("volunteers.ServiceRecord.activity", data.pop("activity_id"), "activity_id", user)
    for name in ("organising_unit", "responsible_person", "team"):
        pk = data.pop(f"{name}_id")
        if pk is not None:
            data[name] = reference(f"volunteers.ServiceRecord.{name}", pk, f"{name}_id", user)
    for name in ("served_on", "place"):
        if not data[name]:
            data.pop(name)
    write = services.service_record_report if data.pop("source") == "self" else services.service_record_enter
    return Status(201, write(actor=user, volunteer=volunteer, activity=activity, data=data))


@router.post(
    "/records/{record_id}/{action}", response=RecordOut, summary="审核本人申报的服务记录(通过/不通过)"
)
def review_record(
    request: HttpRequest, record_id: Id, action: Literal["approve", "decline"], payload: ReviewIn
):
    user = actor(request)
    record = get_scoped_or_404(ServiceRecord, user, pk=record_id)
    if action == "approve":
        return services.service_record_approve(actor=user, record=record)
    return services.service_record_decline(actor=user, record=record, reason=payload.reason)


@router.get("/hours", response=Page[HoursOut], summary="服务时长统计(按志愿者、团队、县区、年度,分页)")
def hours_totals(
    request: HttpRequest,
    by: Literal["person", "team", "county", "year"] = "team",
    year: Year | None = None,
    sort: Literal["key", "hours", "label"] = "key",
    limit: Limit = 50,
    offset: Offset = 0,
):
    """One page of the totals with `count`, the number of all rows; `sort` orders the whole
    answer (key, hours from most to least, name; ties by key), so the pages follow each other."""
    limit, offset = clamp_limit(limit), max(0, offset)
    count, items = selectors.hours_page(
        selectors.summary_rows(actor(request)), by, year=year, sort=sort, offset=offset, limit=limit
    )
    nxt = _url_with(request, offset=offset + limit) if offset + limit < count else None
    return {"items": items, "count": count, "next": nxt}
