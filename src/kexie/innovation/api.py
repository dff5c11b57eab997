"""API of 科技经济融合 (/api/v1/innovation/): demands with their pipeline and ranked experts and
societies, and the patent-information service (search, selections, export)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from kexie.core.api_base import Page, Status, actor, offset_page, reference
from kexie.core.schemas import Id, InputSchema, Limit, Money, Offset
from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.directory.models import Person
from kexie.engines.search.engine import MAX_WINDOW
from kexie.innovation import patents, ranking, services
from kexie.innovation.codes import DemandStatus, SocietyLevel
from kexie.innovation.models import Demand, Patent, PatentSelectionList
from kexie.innovation.selectors import get_visible_demand_or_404, visible_demands

router = Router(tags=["科技经济融合"])


K = Annotated[int, Field(ge=1, le=50)]


class DemandIn(InputSchema):
    enterprise_id: Id | None = Field(None, title="企业编号", description="企业用户可省略(默认本企业)")
    title: str = Field(title="需求名称", max_length=200)
    description: str = Field(title="需求描述")
    industry: str = Field(title="所属行业", max_length=60)
    discipline: str = Field("", title="学科代码(GB/T 13745)", max_length=3)
    ipc: str = Field("", max_length=100)
    keywords: str = Field("", max_length=200)
    budget: Money | None = Field(None, title="预算(万元)")
    deadline: dt.date | None = None
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    is_confidential: bool = False
    allow_in_booklet: bool = False
    collected_on: dt.date | None = None


class DemandOut(Schema):
    id: int
    title: str
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    industry: str
    discipline: str
    keywords: str
    status: str
    status_display: str = Field(alias="get_status_display")
    collected_on: dt.date
    is_confidential: bool


class EventOut(Schema):
    to_status: str
    on: dt.date
    note: str


class DemandDetailOut(DemandOut):
    description: str
    ipc: str
    budget: Decimal | None
    deadline: dt.date | None
    close_reason: str
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


class RankedOut(Schema):
    id: int
    name: str
    kind: str
    score: float
    explanation: str
    shared_terms: list[str]


class ActionIn(InputSchema):
    note: str = ""
    on: dt.date | None = None
    expert_id: Id | None = None
    society_id: Id | None = None
    level: SocietyLevel | None = None
    meeting_on: dt.date | None = None
    parties: str = Field("", max_length=400)
    amount: Money | None = None
    forum_id: Id | None = None
    reason: str = Field("", max_length=300)


class PatentOut(Schema):
    id: int
    publication_no: str
    application_no: str
    title: str
    abstract: str
    applicants: str
    inventors: str
    ipc: list[str] = Field(alias="ipc_list")
    application_date: dt.date | None
    publication_date: dt.date | None
    legal_status: str


class SearchOut(Schema):
    total: int
    items: list[PatentOut]


class SearchParams(Schema):
    q: str = ""
    ipc_prefix: str = ""
    applicant: str = ""
    legal_status: str = ""
    date_field: str = "publication_date"
    date_from: str = ""
    date_to: str = ""
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    offset: Annotated[int, Field(ge=0, lt=MAX_WINDOW, description="检索结果只能翻到前 10000 条")] = 0


class SelectionListOut(Schema):
    id: int
    name: str
    unit_id: int
    created_at: dt.datetime


class SelectIn(InputSchema):
    patent_ids: list[Id] = Field(max_length=500)
    note: str = Field("", max_length=200)


# ---------------------------------------------------------------- demands


@router.get("/demands", response=Page[DemandOut], summary="技术需求列表")
def list_demands(
    request: HttpRequest, status: DemandStatus | None = None, limit: Limit = 50, offset: Offset = 0
):
    qs = visible_demands(actor(request)).order_by("-collected_on", "-id")
    if status:
        qs = qs.filter(status=status)
    return offset_page(request, qs, limit=limit, offset=offset)


@router.post("/demands", response={201: DemandDetailOut}, summary="登记技术需求")
def create_demand(request: HttpRequest, payload: DemandIn):
    data = payload.dict()
    enterprise_id = data.pop("enterprise_id")
    if enterprise_id is not None:
        data["enterprise"] = reference(
            "innovation.Demand.enterprise", enterprise_id, "enterprise_id", actor(request)
        )
    if data["collected_on"] is None:
        data.pop("collected_on")
    return Status(201, services.demand_create(actor=actor(request), data=data))


@router.get("/demands/{demand_id}", response=DemandDetailOut, summary="技术需求详情")
def get_demand(request: HttpRequest, demand_id: Id):
    return get_visible_demand_or_404(actor(request), demand_id)


def _ranked(items) -> list[dict]:
    return [
        {"id": r.obj.pk, "name": getattr(r.obj, "name", None) or str(r.obj), "kind": r.kind, "score": r.score,
         "explanation": r.explanation, "shared_terms": r.shared_terms}
        for r in items
    ]  # fmt: skip


@router.get(
    "/demands/{demand_id}/matches", response=dict[str, list[RankedOut]], summary="为需求推荐专家和学会"
)
def demand_matches(request: HttpRequest, demand_id: Id, k: K = 10):
    user = actor(request)
    demand = get_visible_demand_or_404(user, demand_id)
    k = max(1, min(k, 50))
    return {
        "experts": _ranked(ranking.experts_for_demand(demand, user, k)),
        "societies": _ranked(ranking.societies_for_demand(demand, user, k)),
    }


@router.post(
    "/demands/{demand_id}/{action}",
    response=DemandDetailOut,
    summary="推进需求(审核、发布、对接、意向、签约、完成、关闭)",
)
def demand_action(request: HttpRequest, demand_id: Id, action: str, payload: ActionIn):
    user = actor(request)
    demand = get_scoped_or_404(Demand, user, pk=demand_id)
    data = payload.dict()
    refs = {
        "expert": reference("innovation.Matchmaking.expert", data.pop("expert_id"), "expert_id", user),
        "society": reference("innovation.Matchmaking.society", data.pop("society_id"), "society_id", user),
        "forum": reference("innovation.Agreement.forum", data.pop("forum_id"), "forum_id", user),
        "attachment": None,
    }
    services.demand_step(actor=user, demand=demand, step=action, data={**data, **refs})
    demand.refresh_from_db()
    return demand


@router.get("/experts/{person_id}/demands", response=list[RankedOut], summary="为专家推荐技术需求")
def expert_demands(request: HttpRequest, person_id: Id, k: K = 10):
    user = actor(request)
    person = get_scoped_or_404(Person.objects.filter(is_expert=True), user, pk=person_id)
    return [
        {"id": r.obj.pk, "name": r.obj.title, "kind": "demand", "score": r.score, "explanation": r.explanation,
         "shared_terms": r.shared_terms}
        for r in ranking.demands_for_expert(person, user, max(1, min(k, 50)))
    ]  # fmt: skip


# ---------------------------------------------------------------- patents


@router.post("/patents/registration", response={201: dict}, summary="注册专利信息服务(企业用户)")
def register(request: HttpRequest, interests: Annotated[str, Field(max_length=300)] = ""):
    registration = patents.patent_registration_create(actor=actor(request), interests=interests)
    return Status(201, {"id": registration.pk, "enterprise_id": registration.enterprise_id})


@router.get("/patents/search", response=SearchOut, summary="专利检索(每次检索记一条检索记录)")
def search(request: HttpRequest, params: Query[SearchParams]):
    data = params.dict()
    query = patents.parse_patent_query(data)
    result = patents.patent_search(
        actor=actor(request),
        query=query,
        limit=max(1, min(data["limit"], 100)),
        offset=max(0, data["offset"]),
    )
    return {"total": result.total, "items": result.patents}


@router.get("/patents/{patent_id}", response=PatentOut, summary="专利详情")
def get_patent(request: HttpRequest, patent_id: Id):
    patent = Patent.objects.filter(pk=patent_id).first()
    if patent is None:
        from django.http import Http404

        raise Http404
    return patent


@router.get("/selections", response=list[SelectionListOut], summary="遴选清单")
def list_selections(request: HttpRequest):
    return list(scoped(PatentSelectionList, actor(request)).order_by("-created_at")[:200])


@router.post("/selections", response={201: SelectionListOut}, summary="新建遴选清单")
def create_selection(request: HttpRequest, name: Annotated[str, Field(min_length=1, max_length=100)]):
    return Status(201, patents.selection_list_create(actor=actor(request), name=name))


@router.post("/selections/{list_id}/patents", response=dict, summary="遴选专利到清单")
def select(request: HttpRequest, list_id: Id, payload: SelectIn):
    user = actor(request)
    chosen = get_scoped_or_404(PatentSelectionList, user, pk=list_id)
    found = Patent.objects.in_bulk(payload.patent_ids)
    missing = [i for i in payload.patent_ids if i not in found]
    if missing:
        raise ValidationError({"patent_ids": f"专利(编号 {'、'.join(map(str, missing))})不存在"})
    for pid in payload.patent_ids:
        patents.patent_select(actor=user, selection_list=chosen, patent=found[pid], note=payload.note)
    return {"selected": len(payload.patent_ids)}


@router.get("/selections/{list_id}/export", summary="导出遴选清单(xlsx)")
def export_selection(request: HttpRequest, list_id: Id):
    chosen = get_scoped_or_404(PatentSelectionList, actor(request), pk=list_id)
    from kexie.innovation.views import XLSX, _attachment_response

    response: HttpResponse = _attachment_response(
        patents.selection_export(chosen), f"{chosen.name}.xlsx", XLSX
    )
    return response
