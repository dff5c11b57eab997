"""API of the call engine (/api/v1/calls/): calls, entries and their stages."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.calls import services
from kexie.calls.codes import CallKind, EntrantKind, EntryStatus, MemberRole, Outcome, SchoolStage
from kexie.calls.selectors import (
    get_visible_call_or_404,
    get_visible_entry_or_404,
    visible_calls,
    visible_entries,
)
from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Count, Id, InputSchema, Limit, Offset, Year

router = Router(tags=["征集评选"])

SmallCount = Field(ge=0, le=10000)


class CallIn(InputSchema):
    title: str = Field(title="名称", min_length=1, max_length=200)
    kind: CallKind
    entrant_kind: EntrantKind = EntrantKind.PERSON
    series: str = Field("", max_length=100)
    edition: int | None = Field(None, ge=1, le=1000)
    year: Year
    organiser_id: Id | None = None
    higher_body: str = Field("", max_length=100)
    opens_on: dt.date
    closes_on: dt.date
    review_on: dt.date | None = None
    notice_days: int = Field(5, ge=1, le=60)
    form_fields: list[dict[str, Any]] = Field(default_factory=list, max_length=100)
    eligibility: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    quota: Count | None = None
    prize_levels: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    is_public: bool = False
    is_blind: bool = False
    description: str = Field("", max_length=5000)


class CallOut(Schema):
    id: int
    title: str
    kind: str
    entrant_kind: str
    series: str
    edition: int | None
    year: int
    organiser_id: int
    organiser: str = Field(alias="organiser.name")
    higher_body: str
    opens_on: dt.date
    closes_on: dt.date
    notice_days: int
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    form_fields: list[dict[str, Any]]
    eligibility: list[dict[str, Any]]
    quota: int | None
    prize_levels: list[dict[str, Any]]
    is_public: bool
    is_blind: bool
    status: str


class MemberIn(InputSchema):
    name: str = Field(min_length=1, max_length=50)
    role: MemberRole = MemberRole.MEMBER
    birth_date: dt.date | None = None
    school_stage: SchoolStage | Literal[""] = ""
    occupation: str = Field("", max_length=60)
    institution_name: str = Field("", max_length=200)


class EntryIn(InputSchema):
    title: str = Field(title="名称", min_length=1, max_length=200)
    person_id: Id | None = None
    organisation_id: Id | None = None
    entrant_name: str = Field("", max_length=200)
    institution_id: Id | None = None
    institution_name: str = Field("", max_length=200)
    province: str = Field("", max_length=20)
    answers: dict[str, str | int | float | None] = Field(default_factory=dict)
    submitting_unit_id: Id | None = None
    members: list[MemberIn] | None = Field(None, max_length=50)


class MemberOut(Schema):
    name: str
    role: str
    school_stage: str
    institution_name: str


class EntryOut(Schema):
    id: int
    code: str
    call_id: int
    title: str
    entrant: str = Field(alias="entrant_display")
    institution: str = Field(alias="institution_display")
    province: str
    submitting_unit_id: int
    status: str
    return_reason: str
    prize: str
    higher_result: str
    answers: dict[str, Any]


class StepIn(InputSchema):
    seen: EntryStatus | None = None


class ReturnIn(StepIn):
    reason: str = Field(title="退回原因", min_length=1, max_length=500)


class DecisionIn(StepIn):
    outcome: Outcome
    prize: str = Field("", max_length=30)
    votes_for: int = SmallCount
    votes_against: int = Field(0, ge=0, le=10000)
    votes_abstain: int = Field(0, ge=0, le=10000)
    meeting: str = Field("", max_length=200)


def _blind(entry, user):
    """A blind call hides the entrant from those who do not organise it."""
    from kexie.core.scoping import in_scope

    if entry.call.is_blind and not in_scope(user, entry.call.organiser):
        entry.entrant_name, entry.person, entry.organisation = "—", None, None
        entry.institution, entry.institution_name = None, "—"
    return entry


@router.get("/", response=Page[CallOut], summary="征集评选列表")
def list_calls(request: HttpRequest, year: Year | None = None, limit: Limit = 50, offset: Offset = 0):
    qs = visible_calls(actor(request)).order_by("-year", "-id")
    if year:
        qs = qs.filter(year=year)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/", response={201: CallOut}, summary="新建征集评选")
def create_call(request: HttpRequest, payload: CallIn):
    user = actor(request)
    data = payload.dict()
    organiser_id = data.pop("organiser_id")
    if organiser_id is not None:
        data["organiser"] = reference("calls.Call.organiser", organiser_id, "organiser_id", user)
    return Status(201, services.call_create(actor=user, data=data))


@router.get("/{call_id}", response=CallOut, summary="征集评选详情")
def get_call(request: HttpRequest, call_id: Id):
    return get_visible_call_or_404(actor(request), call_id)


@router.get("/{call_id}/entries", response=Page[EntryOut], summary="申报列表")
def list_entries(request: HttpRequest, call_id: Id, limit: Limit = 50, offset: Offset = 0):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    page = offset_page(request, visible_entries(user, call).order_by("code"), limit=limit, offset=offset)
    page["items"] = [_blind(e, user) for e in page["items"]]
    return page


@router.post("/{call_id}/entries", response={201: EntryOut}, summary="新增申报(草稿)")
def create_entry(request: HttpRequest, call_id: Id, payload: EntryIn):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    data = payload.dict()
    members = data.pop("members")
    for name in ("person", "organisation", "institution", "submitting_unit"):
        pk = data.pop(f"{name}_id")
        if pk is not None:
            data[name] = reference(f"calls.Entry.{name}", pk, f"{name}_id", user)
    data["answers"] = {k: v for k, v in data["answers"].items() if v is not None}
    return Status(201, services.entry_create(actor=user, call=call, data=data, members=members))


@router.get("/entries/{entry_id}", response=EntryOut, summary="申报详情")
def get_entry(request: HttpRequest, entry_id: Id):
    user = actor(request)
    return _blind(get_visible_entry_or_404(user, entry_id), user)


@router.post("/entries/{entry_id}/return", response=EntryOut, summary="形式审查退回")
def return_entry(request: HttpRequest, entry_id: Id, payload: ReturnIn):
    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    return services.entry_return(actor=user, entry=entry, reason=payload.reason, seen=payload.seen)


@router.post("/entries/{entry_id}/decide", response=EntryOut, summary="记录评审委员会决定(含表决票数)")
def decide_entry(request: HttpRequest, entry_id: Id, payload: DecisionIn):
    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    data = payload.dict()
    return services.entry_decide(actor=user, entry=entry, **data)


ENTRY_STEPS = {
    "submit": services.entry_submit,
    "withdraw": services.entry_withdraw,
    "accept": services.entry_accept,
}


@router.post("/entries/{entry_id}/{action}", response=EntryOut, summary="提交、撤回申报,或形式审查通过")
def entry_step(
    request: HttpRequest, entry_id: Id, action: Literal["submit", "withdraw", "accept"], payload: StepIn
):
    user = actor(request)
    entry = get_visible_entry_or_404(user, entry_id)
    return ENTRY_STEPS[action](actor=user, entry=entry, seen=payload.seen)


# Last: its path would otherwise take /entries/{entry_id}.
@router.post("/{call_id}/{action}", response=CallOut, summary="开始或结束征集")
def call_action(request: HttpRequest, call_id: Id, action: Literal["open", "close"]):
    user = actor(request)
    call = get_visible_call_or_404(user, call_id)
    step = services.call_open if action == "open" else services.call_close
    return step(actor=user, call=call)
