"""API of volunteers and training (/api/v1/volunteers/): volunteers with their hours, service
records (team entry, self-report, approve/decline), hours totals, the certificate of service,
and courses."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from kexie.core.api_base import (
    Page,
    Status,
    _url_with,
    actor,
    clamp_limit,
    offset_page,
    reference,
    reference_list,
)
from kexie.core.schemas import Id, InputSchema, Limit, Moment, Offset, Year
from kexie.core.scoping import get_scoped_or_404
from kexie.directory.models import personal_data_visible
from kexie.volunteers import selectors, services
from kexie.volunteers.models import Course, CourseSession, RecordStatus, ServiceRecord, VolunteerProfile

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
        selectors.summary_rows(actor(request)),
        by,
        year=year,
        sort=sort,
        offset=offset,
        limit=limit,
        user=actor(request),
    )
    nxt = _url_with(request, offset=offset + limit) if offset + limit < count else None
    return {"items": items, "count": count, "next": nxt}


# ---------------------------------------------------------------------- training courses

TrainingKind = Literal["rural", "expert_lecture", "party", "other"]
RequiredSessions = Annotated[int, Field(ge=1, le=100)]


class CourseOut(Schema):
    id: int
    activity_id: int
    title: str
    kind: str
    required_sessions: int
    start_date: dt.date
    enrolled: int
    completed: int


class CourseSessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    attended: int


class EnrolmentOut(Schema):
    id: int
    person_id: int
    name: str
    completed_on: dt.date | None
    leader_of_id: int | None
    certificate_code: str | None


class CourseDetailOut(CourseOut):
    trainer_ids: list[int]
    sessions: list[CourseSessionOut]
    enrolments: list[EnrolmentOut]


class CourseIn(InputSchema):
    activity_id: Id = Field(title="活动", description="活动台账中的培训活动(一个活动一门课程)")
    kind: TrainingKind = Field(
        title="培训类别", description="rural:科普惠农培训;expert_lecture:专家讲座;party:党建培训班;other:其他"
    )
    trainer_ids: list[Id] = Field(default_factory=list, max_length=50, title="授课人")
    required_sessions: RequiredSessions = Field(1, title="结业所需出勤次数")


class CourseChangeIn(InputSchema):
    kind: TrainingKind | None = Field(None, title="培训类别")
    trainer_ids: list[Id] | None = Field(None, max_length=50, title="授课人", description="省略时不变")
    required_sessions: RequiredSessions | None = Field(None, title="结业所需出勤次数")


class EnrolIn(InputSchema):
    person_ids: list[Id] = Field(min_length=1, max_length=500, title="学员", description="目录中的人员")


class AttendanceIn(InputSchema):
    person_ids: list[Id] = Field(min_length=1, max_length=500, title="签到学员", description="须已报名本课程")
    at: Moment | None = Field(None, title="签到时间", description="省略时为本课次开始时间")


class AttendanceOut(Schema):
    added: int


def _course_row(course: Course) -> dict:
    return {
        "id": course.pk, "activity_id": course.activity_id, "title": course.activity.title, "kind": course.kind,
        "required_sessions": course.required_sessions, "start_date": course.activity.start_date,
        "enrolled": getattr(course, "enrolled", 0), "completed": getattr(course, "completed", 0),
    }  # fmt: skip


def _course_detail(user, course_id: int) -> dict:
    from django.db.models import Count

    course = get_scoped_or_404(selectors.courses(user), user, pk=course_id)
    sessions = (
        CourseSession.objects.for_user(user).filter(course=course).select_related("checkin_session")
        .annotate(attended=Count("checkin_session__records", distinct=True))
    )  # fmt: skip
    return {
        **_course_row(course),
        "trainer_ids": sorted(course.trainers.values_list("pk", flat=True)),
        "sessions": [
            {"id": s.pk, "title": s.checkin_session.title, "starts_at": s.checkin_session.starts_at,
             "ends_at": s.checkin_session.ends_at, "attended": s.attended}
            for s in sessions
        ],
        "enrolments": [
            {"id": e.pk, "person_id": e.person_id, "name": e.person.name, "completed_on": e.completed_on,
             "leader_of_id": e.leader_of_id, "certificate_code": e.certificate.code if e.certificate_id else None}
            for e in selectors.enrolments(user, course)
        ],
    }  # fmt: skip


@router.get("/courses", response=Page[CourseOut], summary="培训课程列表(含报名、结业人数)")
def list_courses(request: HttpRequest, limit: Limit = 50, offset: Offset = 0):
    page = offset_page(request, selectors.courses(actor(request)), limit=limit, offset=offset)
    return {**page, "items": [_course_row(c) for c in page["items"]]}


@router.get("/courses/{course_id}", response=CourseDetailOut, summary="培训课程及其课次、学员")
def get_course(request: HttpRequest, course_id: Id):
    return _course_detail(actor(request), course_id)


@router.post("/courses", response={201: CourseDetailOut}, summary="新建培训课程(一个台账活动一门课程)")
def create_course(request: HttpRequest, payload: CourseIn):
    user = actor(request)
    activity = reference("volunteers.Course.activity", payload.activity_id, "activity_id", user)
    trainers = reference_list("volunteers.Course.trainers", payload.trainer_ids, "trainer_ids", user)
    course = services.course_create(actor=user, activity=activity, kind=payload.kind, trainers=trainers,
                                    required_sessions=payload.required_sessions)  # fmt: skip
    return Status(201, _course_detail(user, course.pk))


@router.put(
    "/courses/{course_id}", response=CourseDetailOut, summary="修改培训课程(类别、授课人、结业所需出勤)"
)
def update_course(request: HttpRequest, course_id: Id, payload: CourseChangeIn):
    user = actor(request)
    course = get_scoped_or_404(Course, user, pk=course_id)
    trainers = reference_list("volunteers.Course.trainers", payload.trainer_ids, "trainer_ids", user)
    data = {k: v for k, v in payload.dict().items() if k in ("kind", "required_sessions") and v is not None}
    services.course_update(actor=user, course=course, data=data, trainers=trainers)
    return _course_detail(user, course.pk)


@router.post("/courses/{course_id}/enrolments", response={201: CourseDetailOut}, summary="培训报名(批量)")
def enrol(request: HttpRequest, course_id: Id, payload: EnrolIn):
    user = actor(request)
    course = get_scoped_or_404(Course, user, pk=course_id)
    people = reference_list("volunteers.Enrolment.person", payload.person_ids, "person_ids", user)
    services.enrolments_create_bulk(actor=user, course=course, people=people)
    return Status(201, _course_detail(user, course.pk))


@router.post(
    "/courses/{course_id}/sessions/{session_id}/attendance", response=AttendanceOut,
    summary="登记课次出勤(纸质签到表录入)",
)  # fmt: skip
def record_attendance(request: HttpRequest, course_id: Id, session_id: Id, payload: AttendanceIn):
    user = actor(request)
    course = get_scoped_or_404(Course, user, pk=course_id)
    session = get_scoped_or_404(CourseSession, user, pk=session_id, course=course)
    people = reference_list("volunteers.Enrolment.person", payload.person_ids, "person_ids", user)
    added = services.course_attendance_record(
        actor=user, course_session=session, people=people, at=payload.at
    )
    return {"added": added}


def _day_in_range(value: dt.date) -> dt.date:
    from pydantic_core import PydanticCustomError

    from kexie.core.schemas import YEAR_MAX, YEAR_MIN

    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise PydanticCustomError(
            "moment_range",
            "时间须在{year_min}–{year_max}年之间",
            {"year_min": YEAR_MIN, "year_max": YEAR_MAX},
        )
    return value


TrainingDay = Annotated[dt.date, AfterValidator(_day_in_range)]


class CourseSessionIn(InputSchema):
    title: str = Field(title="课次名称", min_length=1, max_length=200)
    starts_at: Moment = Field(title="开始时间")
    ends_at: Moment = Field(title="结束时间", description="晚于开始时间")


class CompletionIn(InputSchema):
    completed_on: TrainingDay | None = Field(None, title="结业日期", description="省略时为今天")
    leader_of_id: Id | None = Field(None, title="担任负责人的农技协", description="该学员此后负责的农技协")


class CompletionOut(EnrolmentOut):
    certificate_url: str | None = Field(None, title="证书公开验证页")


class VolunteerEvaluationIn(InputSchema):
    unit_id: Id = Field(title="评价单位", description="调用者管理范围内的单位")
    year: Year = Field(title="评价年度", description="不晚于评价日期所在年度;每个单位每年度一次")
    rating: Literal["excellent", "good", "pass", "fail"] = Field(
        title="评价等次", description="excellent:优秀;good:良好;pass:合格;fail:不合格"
    )
    comment: str = Field("", title="评语", max_length=500)
    evaluated_on: TrainingDay | None = Field(None, title="评价日期", description="省略时为今天;不晚于今天")


@router.post(
    "/courses/{course_id}/sessions", response={201: CourseDetailOut}, summary="添加课次(含扫码签到场次)"
)
def create_course_session(request: HttpRequest, course_id: Id, payload: CourseSessionIn):
    from django.core.exceptions import ValidationError

    user = actor(request)
    course = get_scoped_or_404(Course, user, pk=course_id)
    if payload.ends_at <= payload.starts_at:
        raise ValidationError({"ends_at": "结束时间:应晚于开始时间"})
    services.course_session_create(
        actor=user, course=course, title=payload.title, starts_at=payload.starts_at, ends_at=payload.ends_at
    )
    return Status(201, _course_detail(user, course.pk))


@router.post(
    "/courses/{course_id}/enrolments/{enrolment_id}/completion", response=CompletionOut,
    summary="学员结业(出勤达到要求,出具可公开验证的结业证书)",
)  # fmt: skip
def complete_enrolment(request: HttpRequest, course_id: Id, enrolment_id: Id, payload: CompletionIn):
    from kexie.core.certificates import verify_url
    from kexie.volunteers.models import Enrolment

    user = actor(request)
    course = get_scoped_or_404(Course, user, pk=course_id)
    enrolment = get_scoped_or_404(Enrolment, user, pk=enrolment_id, course=course)
    leader_of = (
        reference("volunteers.Enrolment.leader_of", payload.leader_of_id, "leader_of_id", user)
        if payload.leader_of_id
        else None
    )
    e = services.enrolment_complete(
        actor=user, enrolment=enrolment, on=payload.completed_on, leader_of=leader_of
    )
    return {
        "id": e.pk, "person_id": e.person_id, "name": e.person.name, "completed_on": e.completed_on,
        "leader_of_id": e.leader_of_id, "certificate_code": e.certificate.code if e.certificate_id else None,
        "certificate_url": verify_url(e.certificate) if e.certificate_id else None,
    }  # fmt: skip


@router.post(
    "/volunteers/{volunteer_id}/evaluations", response={201: VolunteerEvaluationOut},
    summary="评价志愿者(每个单位每年度一次)",
)  # fmt: skip
def create_evaluation(request: HttpRequest, volunteer_id: Id, payload: VolunteerEvaluationIn):
    user = actor(request)
    volunteer = get_scoped_or_404(VolunteerProfile, user, pk=volunteer_id)
    unit = reference("volunteers.VolunteerEvaluation.unit", payload.unit_id, "unit_id", user)
    data = {k: v for k, v in payload.dict().items() if k in ("year", "rating", "comment", "evaluated_on")}
    if data.get("evaluated_on") is None:
        data.pop("evaluated_on", None)
    evaluation = services.volunteer_evaluation_add(actor=user, volunteer=volunteer, unit=unit, data=data)
    return Status(201, evaluation)


@router.delete("/evaluations/{evaluation_id}", response={204: None}, summary="撤回志愿者评价")
def withdraw_evaluation(request: HttpRequest, evaluation_id: Id):
    from kexie.volunteers.models import VolunteerEvaluation

    user = actor(request)
    evaluation = get_scoped_or_404(VolunteerEvaluation, user, pk=evaluation_id)
    services.volunteer_evaluation_withdraw(actor=user, evaluation=evaluation)
    return Status(204, None)
