"""API of activities: the kind tree, campaigns, and the activity ledger with its workflow.

The activity list uses keyset (cursor) pagination ordered by start date then id, newest
first: each page is one index range scan, so it stays fast with millions of rows.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from kexie.activities import services
from kexie.activities.models import Activity, ActivityKind, Campaign
from kexie.activities.models import Status as ActivityStatus
from kexie.activities.schemas import (
    ActivityIn,
    ActivityKindOut,
    ActivityOut,
    ActivityPatch,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    ReturnIn,
)
from kexie.activities.selectors import ledger
from kexie.core.api_base import (
    Page,
    Status,
    actor,
    decode_cursor,
    encode_cursor,
    error_fields,
    keyset_page,
    lookup,
    offset_page,
    reference,
    reference_list,
)
from kexie.core.schemas import Id, Limit, Offset, Year
from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.core.textsearch import contains
from kexie.directory.models import Region

router = Router(tags=["活动"])

ACTIVITY_FKS = {
    "kind": "kind_id", "region": "region_id", "organiser": "organiser_id", "campaign": "campaign_id",
    "reporting_unit": "reporting_unit_id", "return_reason": "reason",
}  # fmt: skip
CAMPAIGN_FKS = {"host_unit": "host_unit_id"}
BLANK_IF_NULL = {"code", "venue", "description"}


def _activity_data(request: HttpRequest, payload: Schema, *, partial: bool) -> tuple[dict, list | None]:
    data = payload.dict(exclude_unset=partial)
    user = actor(request)
    co_organisers = reference_list(
        "activities.Activity.co_organisers", data.pop("co_organiser_ids", None), "co_organiser_ids", user
    )
    for name in BLANK_IF_NULL & set(data):
        data[name] = data[name] or ""
    for name, model in (("kind", ActivityKind), ("region", Region)):
        if f"{name}_id" in data:
            value = lookup(model, data.pop(f"{name}_id"), f"{name}_id")
            if value is not None:
                data[name] = value
    for name in ("organiser", "campaign", "reporting_unit"):
        if f"{name}_id" in data:
            value = reference(f"activities.Activity.{name}", data.pop(f"{name}_id"), f"{name}_id", user)
            if value is not None or name == "campaign":
                data[name] = value
    return data, co_organisers


# ---------------------------------------------------------------- kinds


@router.get("/kinds", response=list[ActivityKindOut], summary="活动类型列表")
def activity_kind_list(request: HttpRequest, include_inactive: bool = False):
    """活动类型树(不分页:条目很少),按代码排序;上级类型在前。"""
    qs = ActivityKind.objects.select_related("parent").order_by("code")
    return qs if include_inactive else qs.filter(is_active=True)


# ---------------------------------------------------------------- campaigns


class CampaignFilters(Schema):
    year: Year | None = Field(None, title="年度")
    search: str | None = Field(None, title="搜索", description="名称包含此文字(不区分大小写)")
    limit: Limit = Field(50, title="每页条数")
    offset: Offset = Field(0, title="偏移量")


def _campaigns(request: HttpRequest, capability: str = "view"):
    return (
        Campaign.objects.for_user(actor(request), capability=capability)
        .select_related("host_unit")
        .prefetch_related("participating_units")
    )


@router.get("/campaigns", response=Page[CampaignOut], summary="专项活动列表")
def campaign_list(request: HttpRequest, filters: Query[CampaignFilters]):
    qs = _campaigns(request).order_by("-year", "name")
    if filters.year:
        qs = qs.filter(year=filters.year)
    qs = contains(qs, "name", filters.search)
    return offset_page(request, qs, limit=filters.limit, offset=filters.offset)


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut, summary="专项活动详情")
def campaign_detail(request: HttpRequest, campaign_id: Id):
    return get_object_or_404(_campaigns(request), pk=campaign_id)


def _campaign_data(request: HttpRequest, payload: Schema, *, partial: bool) -> tuple[dict, list | None]:
    data = payload.dict(exclude_unset=partial)
    units = reference_list(
        "activities.Campaign.participating_units",
        data.pop("participating_unit_ids", None),
        "participating_unit_ids",
        actor(request),
    )
    if "description" in data:
        data["description"] = data["description"] or ""
    if "host_unit_id" in data:
        host = reference(
            "activities.Campaign.host_unit", data.pop("host_unit_id"), "host_unit_id", actor(request)
        )
        if host is not None:
            data["host_unit"] = host
    return data, units


@router.post("/campaigns", response={201: CampaignOut}, summary="新建专项活动")
def campaign_create(request: HttpRequest, payload: CampaignIn):
    data, units = _campaign_data(request, payload, partial=False)
    with error_fields(CAMPAIGN_FKS):
        campaign = services.campaign_create(actor=actor(request), data=data, participating_units=units)
    return Status(201, campaign)


@router.patch("/campaigns/{int:campaign_id}", response=CampaignOut, summary="修改专项活动")
def campaign_update(request: HttpRequest, campaign_id: Id, payload: CampaignPatch):
    campaign = get_object_or_404(_campaigns(request, "edit"), pk=campaign_id)
    data, units = _campaign_data(request, payload, partial=True)
    with error_fields(CAMPAIGN_FKS):
        return services.campaign_update(
            actor=actor(request), campaign=campaign, data=data, participating_units=units
        )


# ---------------------------------------------------------------- activities


class ActivityFilters(Schema):
    year: Year | None = Field(None, title="年度", description="按开始日期")
    status: ActivityStatus | None = Field(None, title="状态")
    kind_id: Id | None = Field(None, title="活动类型编号", description="含下级类型")
    region_id: Id | None = Field(None, title="所在区划编号", description="含下级区划")
    campaign_id: Id | None = Field(None, title="所属专项活动编号")
    reporting_unit_id: Id | None = Field(None, title="填报单位编号")
    include_below: bool = Field(False, title="含下级填报单位", description="与 reporting_unit_id 同用")
    search: str | None = Field(
        None, title="搜索", description="活动名称包含此文字(不区分大小写),或活动编号等于此文字"
    )
    cursor: str | None = Field(None, title="分页游标", description="上一页返回的 next 链接已含此参数")
    limit: Limit = Field(50, title="每页条数")


def _activities(request: HttpRequest):
    return (
        scoped(Activity, actor(request))
        .select_related("kind", "region", "organiser", "campaign", "reporting_unit")
        .prefetch_related("co_organisers")
    )


def _ledger_filters(f: ActivityFilters) -> dict:
    """The API's filter names as the ledger selector's (the web form's) names."""
    return {
        "year": f.year, "status": f.status, "kind": f.kind_id, "region": f.region_id,
        "campaign": f.campaign_id, "reporting_unit": f.reporting_unit_id, "include_below": f.include_below,
        "q": f.search,
    }  # fmt: skip


def _after(cursor: str):
    start, last_id = decode_cursor(cursor, 2)
    try:
        day, pk = dt.date.fromisoformat(start), int(last_id)
    except ValueError as exc:
        raise ValidationError({"cursor": "分页游标无效"}) from exc
    return lambda qs: qs.filter(Q(start_date__lt=day) | Q(start_date=day, id__lt=pk))


@router.get("/", response=Page[ActivityOut], summary="活动列表")
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]):
    """本单位及下级单位填报的活动,按开始日期倒序。游标分页:不返回总数,沿 next 链接翻页。"""
    qs = (
        ledger(actor(request), _ledger_filters(filters))
        .select_related("organiser")
        .prefetch_related("co_organisers")
    )
    after = _after(filters.cursor) if filters.cursor else None
    return keyset_page(
        request, qs, limit=filters.limit, after=after, cursor_of=lambda a: encode_cursor(a.start_date, a.id)
    )


@router.get("/{int:activity_id}", response=ActivityOut, summary="活动详情")
def activity_detail(request: HttpRequest, activity_id: Id):
    return get_scoped_or_404(_activities(request), actor(request), pk=activity_id)


@router.post("/", response={201: ActivityOut}, summary="新建活动(草稿)")
def activity_create(request: HttpRequest, payload: ActivityIn):
    with error_fields(ACTIVITY_FKS):
        data, co_organisers = _activity_data(request, payload, partial=False)
        activity = services.activity_create(actor=actor(request), data=data, co_organisers=co_organisers)
    return Status(201, activity)


@router.patch("/{int:activity_id}", response=ActivityOut, summary="修改活动")
def activity_update(request: HttpRequest, activity_id: Id, payload: ActivityPatch):
    activity = get_scoped_or_404(_activities(request), actor(request), pk=activity_id)
    with error_fields(ACTIVITY_FKS):
        data, co_organisers = _activity_data(request, payload, partial=True)
        return services.activity_update(
            actor=actor(request), activity=activity, data=data, co_organisers=co_organisers
        )


@router.delete("/{int:activity_id}", response={204: None}, summary="删除活动")
def activity_delete(request: HttpRequest, activity_id: Id):
    activity = get_scoped_or_404(Activity, actor(request), pk=activity_id)
    services.activity_delete(actor=actor(request), activity=activity)
    return Status(204, None)


@router.post("/{int:activity_id}/submit", response=ActivityOut, summary="上报活动")
def activity_submit(request: HttpRequest, activity_id: Id):
    activity = get_scoped_or_404(_activities(request), actor(request), pk=activity_id)
    return services.activity_submit(actor=actor(request), activity=activity)


@router.post("/{int:activity_id}/approve", response=ActivityOut, summary="审核通过")
def activity_approve(request: HttpRequest, activity_id: Id):
    """由上级单位审核;本单位不能审核本单位上报的活动(市科协除外)。"""
    activity = get_scoped_or_404(_activities(request), actor(request), pk=activity_id)
    return services.activity_approve(actor=actor(request), activity=activity)


@router.post("/{int:activity_id}/return", response=ActivityOut, summary="退回活动")
def activity_return(request: HttpRequest, activity_id: Id, payload: ReturnIn):
    activity = get_scoped_or_404(_activities(request), actor(request), pk=activity_id)
    with error_fields(ACTIVITY_FKS):
        return services.activity_return(actor=actor(request), activity=activity, reason=payload.reason)
