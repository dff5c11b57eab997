"""API of the hotline (/api/v1/hotline/): consultations (list, record, detail), the answer, the
caller's satisfaction, and similar answered questions. The same selectors and services as the
desk; a psychology consultation exists only for its pool and supervisors (404 for others)."""

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Id, InputSchema, Limit, Moment, Offset
from kexie.directory.models import Region
from kexie.hotline import matching, selectors, services
from kexie.hotline.codes import Channel, Topic
from kexie.tickets.models import Status as TicketStatus

# The ticket states as plain values: the enum class is named `Status` like the activities' one,
# and two schema components of one name would overwrite each other in the OpenAPI document.
TicketStatusValue = Literal[tuple(TicketStatus.values)]

router = Router(tags=["热线咨询"])


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
