"""API of honours (/api/v1/honours/)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Id, InputSchema, Limit, Offset, Year
from kexie.directory.codes import DesignationLevel
from kexie.honours import services
from kexie.honours.models import HonourKind, RecommendationOutcome
from kexie.honours.selectors import visible_honours

router = Router(tags=["荣誉"])


class HonourIn(InputSchema):
    kind: HonourKind
    title: str = Field(min_length=1, max_length=200)
    level: DesignationLevel
    year: Year
    awarded_by: str = Field("", max_length=100)
    person_id: Id | None = None
    organisation_id: Id | None = None
    subject: str = Field("", max_length=200)
    prize: str = Field("", max_length=30)
    outcome: RecommendationOutcome | None = None
    awarded_on: dt.date | None = None
    document_no: str = Field("", max_length=100)
    unit_id: Id | None = None


class HonourOut(Schema):
    id: int
    kind: str
    title: str
    level: str
    year: int
    awarded_by: str
    person_id: int | None
    organisation_id: int | None
    holder: str = Field(alias="holder_display")
    prize: str
    outcome: str
    unit_id: int
    call_id: int | None
    entry_id: int | None


@router.get("/", response=Page[HonourOut], summary="荣誉列表")
def list_honours(
    request: HttpRequest, year: Year | None = None, kind: HonourKind | None = None, person_id: Id | None = None,
    limit: Limit = 50, offset: Offset = 0,
):  # fmt: skip
    qs = visible_honours(actor(request)).order_by("-year", "-id")
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/", response={201: HonourOut}, summary="登记荣誉")
def create_honour(request: HttpRequest, payload: HonourIn):
    user = actor(request)
    data = payload.dict()
    for name in ("person", "organisation", "unit"):
        pk = data.pop(f"{name}_id")
        if pk is not None:
            data[name] = reference(f"honours.Honour.{name}", pk, f"{name}_id", user)
    if data["outcome"] is None:
        data.pop("outcome")
    if data["awarded_on"] is None:
        data.pop("awarded_on")
    return Status(201, services.honour_record(actor=user, data=data))
