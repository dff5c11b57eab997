"""API of the hotline (/api/v1/hotline/): consultations (list, record, detail), routing (another
topic's pool, an assignee), waiting for the caller, the answer, call-backs (record, list the open
ones by due time, mark done), escalation to a field visit, the caller's satisfaction, and similar
answered questions. The same selectors and services as the desk; a psychology consultation
exists only for its pool and supervisors (404 for others)."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import AfterValidator

from kexie.core.api_base import Page, Status, actor, error_fields, offset_page, reference
from kexie.core.schemas import MAX_COUNT, YEAR_MAX, YEAR_MIN, Id, InputSchema, Limit, Moment, Offset
from kexie.directory.models import Region
from kexie.hotline import matching, selectors, services
from kexie.hotline.codes import Channel, Topic
from kexie.tickets import services as tickets
from kexie.tickets.models import Status as TicketStatus

# The ticket states as plain values: the enum class is named `Status` like the activities' one,
# and two schema components of one name would overwrite each other in the OpenAPI document.
TicketStatusValue = Literal[tuple(TicketStatus.values)]

router = Router(tags=["热线咨询"])


def _day_in_range(value: dt.date) -> dt.date:
    from pydantic_core import PydanticCustomError

    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise PydanticCustomError("hotline_day_range", "日期应在 1949–2100 年之间")
    return value


VisitDay = Annotated[dt.date, AfterValidator(_day_in_range)]
Participants = Annotated[int, Field(ge=1, le=MAX_COUNT)]


class ConsultationIn(InputSchema):
    channel: Channel = Field(title="渠道")
    topic: Topic = Field(title="咨询类别")
    question: str = Field(title="问题", min_length=1, max_length=2000)
    caller_name: str = Field("", title="来电人", max_length=50)
    caller_phone: str = Field("", title="联系电话", max_length=20)
    region_id: Id | None = Field(None, title="所在区划编号")
    received_at: Moment | None = Field(None, title="受理时间", description="省略为当前时间")


class AnswerIn(InputSchema):
    answer: str = Field(title="解答", min_length=1, max_length=5000)
    expert_id: Id | None = Field(None, title="解答专家编号", description="须为本专家组的专家")
    resolve: bool = Field(True, title="解答并结单")


class RatingIn(InputSchema):
    satisfaction: Annotated[int, Field(ge=1, le=5)] = Field(title="满意度(1–5)")
    note: str = Field("", title="意见", max_length=300)


class ConsultationRouteIn(InputSchema):
    topic: Topic = Field(title="咨询类别", description="转到该类别的专家组(工单队列、时限与可见范围随之改变)")


class ConsultationAssignIn(InputSchema):
    assignee_id: Id | None = Field(
        title="处理人(用户编号)", description="须为本专家组成员或主管;null 取消指派"
    )


class ConsultationWaitIn(InputSchema):
    reason: str = Field("", title="等待原因", max_length=200)


class CallbackIn(InputSchema):
    note: str = Field("", title="事由", max_length=200)
    due_at: Moment | None = Field(None, title="回电期限", description="省略为4个工作小时内(随节假日表调整)")
    assignee_id: Id | None = Field(None, title="回电人(用户编号)", description="须为本专家组成员或主管")


class CallbackDoneIn(InputSchema):
    outcome: str = Field(title="回电结果", min_length=1, max_length=300)


class EscalationIn(InputSchema):
    title: str = Field("", title="活动名称", max_length=200, description="省略时由问题生成")
    start_date: VisitDay | None = Field(None, title="服务日期", description="省略为今天")
    end_date: VisitDay | None = Field(None, title="结束日期", description="省略同服务日期")
    venue: str = Field("", title="地点", max_length=200)
    participants: Participants = Field(1, title="服务人数")


class CallbackOut(Schema):
    id: int
    consultation_id: int
    due_at: dt.datetime
    overdue: bool = Field(title="已过期限未完成")
    assignee_id: int | None
    note: str
    created_at: dt.datetime | None
    done_at: dt.datetime | None
    outcome: str

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.done_at is None and obj.due_at < timezone.now()


class ConsultationOut(Schema):
    id: int
    ticket_id: int
    channel: str
    topic: str
    received_at: dt.datetime
    caller_name: str
    caller_phone: str = Field(alias="caller_phone_masked", title="联系电话(脱敏)")
    region_id: int | None
    question: str
    answer: str
    expert_id: int | None
    status: str = Field(alias="ticket.status")
    queue: str = Field(alias="ticket.queue.code", title="工单队列(专家组)代码")
    assignee_id: int | None = Field(alias="ticket.assignee_id", title="处理人(用户编号)")
    first_response_due: dt.datetime | None = Field(alias="ticket.first_response_due")
    resolution_due: dt.datetime | None = Field(alias="ticket.resolution_due")
    first_response_breached: bool | None = Field(alias="ticket.first_response_breached")
    resolution_breached: bool | None = Field(alias="ticket.resolution_breached")
    satisfaction: int | None = Field(alias="ticket.satisfaction")
    field_visit_id: int | None


class SimilarOut(Schema):
    id: int
    topic: str
    question: str
    answer: str
    score: float


@router.get("/consultations", response=Page[ConsultationOut], summary="咨询列表")
def list_consultations(
    request: HttpRequest,
    status: TicketStatusValue | None = None,
    topic: Topic | None = None,
    channel: Channel | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
):
    qs = selectors.desk_consultations(
        actor(request), status=status or "", topic=topic or "", channel=channel or ""
    )
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/consultations", response={201: ConsultationOut}, summary="登记咨询")
def create_consultation(request: HttpRequest, payload: ConsultationIn):
    data = payload.dict()
    region_id = data.pop("region_id")
    data["region"] = Region.objects.filter(pk=region_id).first() if region_id else None
    if region_id and data["region"] is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"region_id": f"所在区划(编号 {region_id})不存在"})
    if data["received_at"] is None:
        data.pop("received_at")
    return Status(201, services.consultation_receive(actor=actor(request), data=data))


@router.get("/consultations/{consultation_id}", response=ConsultationOut, summary="咨询详情")
def get_consultation(request: HttpRequest, consultation_id: Id):
    return selectors.get_visible_consultation_or_404(actor(request), consultation_id)


@router.post("/consultations/{consultation_id}/answer", response=ConsultationOut, summary="解答咨询")
def answer_consultation(request: HttpRequest, consultation_id: Id, payload: AnswerIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    expert = reference("hotline.Consultation.expert", payload.expert_id, "expert_id", user)
    return services.consultation_answer(
        actor=user, consultation=consultation, answer=payload.answer, expert=expert, resolve=payload.resolve
    )


@router.post("/consultations/{consultation_id}/rating", response=ConsultationOut, summary="记录满意度")
def rate_consultation(request: HttpRequest, consultation_id: Id, payload: RatingIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    services.consultation_rate(
        actor=user, consultation=consultation, satisfaction=payload.satisfaction, note=payload.note
    )
    return consultation


@router.get(
    "/consultations/{consultation_id}/similar", response=list[SimilarOut], summary="知识库中的相似问答"
)
def similar_consultations(request: HttpRequest, consultation_id: Id):
    consultation = selectors.get_visible_consultation_or_404(actor(request), consultation_id)
    found = matching.similar_answers(consultation.question, exclude=consultation.pk)
    return [
        {
            "id": s.obj.pk,
            "topic": s.obj.topic,
            "question": s.obj.kb_question,
            "answer": s.obj.kb_answer,
            "score": s.score,
        }
        for s in found
    ]


# ---------------------------------------------------------------------------- routing


@router.post(
    "/consultations/{consultation_id}/route", response=ConsultationOut, summary="转派到其他类别的专家组"
)
def route_consultation(request: HttpRequest, consultation_id: Id, payload: ConsultationRouteIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    return services.consultation_route(actor=user, consultation=consultation, topic=payload.topic)


@router.post("/consultations/{consultation_id}/assignee", response=ConsultationOut, summary="指派处理人")
def assign_consultation(request: HttpRequest, consultation_id: Id, payload: ConsultationAssignIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    assignee = reference("tickets.Ticket.assignee", payload.assignee_id, "assignee_id", user)
    with error_fields({"assignee": "assignee_id"}):
        tickets.ticket_assign(actor=user, ticket=consultation.ticket, assignee=assignee)
    return consultation


@router.post(
    "/consultations/{consultation_id}/waiting", response=ConsultationOut, summary="等待来电人(暂停计时)"
)
def wait_consultation(request: HttpRequest, consultation_id: Id, payload: ConsultationWaitIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    tickets.ticket_wait(actor=user, ticket=consultation.ticket, reason=payload.reason)
    return consultation


@router.post(
    "/consultations/{consultation_id}/resumption", response=ConsultationOut, summary="来电人已回复(恢复计时)"
)
def resume_consultation(request: HttpRequest, consultation_id: Id):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    tickets.ticket_resume(actor=user, ticket=consultation.ticket)
    return consultation


# ---------------------------------------------------------------------------- call-backs


@router.post("/consultations/{consultation_id}/callbacks", response={201: CallbackOut}, summary="建回电任务")
def create_callback(request: HttpRequest, consultation_id: Id, payload: CallbackIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    assignee = reference("hotline.Callback.assignee", payload.assignee_id, "assignee_id", user)
    with error_fields({"assignee": "assignee_id"}):
        callback = services.callback_create(
            actor=user, consultation=consultation, note=payload.note, due_at=payload.due_at, assignee=assignee
        )
    return Status(201, callback)


@router.get("/callbacks", response=Page[CallbackOut], summary="待办回电任务(按期限排序)")
def list_callbacks(
    request: HttpRequest,
    due_before: Moment | None = None,
    mine: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
):
    user = actor(request)
    qs = selectors.open_callbacks(user)
    if due_before is not None:
        qs = qs.filter(due_at__lt=due_before)
    if mine:
        qs = qs.filter(assignee=user)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/callbacks/{callback_id}/done", response=CallbackOut, summary="回电完成")
def finish_callback(request: HttpRequest, callback_id: Id, payload: CallbackDoneIn):
    user = actor(request)
    callback = selectors.get_visible_callback_or_404(user, callback_id)
    return services.callback_done(actor=user, callback=callback, outcome=payload.outcome)


# ---------------------------------------------------------------------------- escalation


@router.post(
    "/consultations/{consultation_id}/escalation", response={201: ConsultationOut}, summary="转现场服务"
)
def escalate_consultation(request: HttpRequest, consultation_id: Id, payload: EscalationIn):
    user = actor(request)
    consultation = selectors.get_visible_consultation_or_404(user, consultation_id)
    # the field visit is reported by the consultation's unit: an expert from elsewhere may not
    with error_fields({"reporting_unit": "__all__", "organiser": "__all__"}):
        consultation = services.consultation_escalate(
            actor=user, consultation=consultation, data=payload.dict()
        )
    return Status(201, consultation)
