"""API of the directory: regions, organisations (with yearly attributes and designations), people."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from kexie.core.api_base import Page, Status, actor, error_fields, lookup, offset_page, reference
from kexie.core.fields import personal_search_index
from kexie.core.schemas import Id, InputSchema, Limit, Offset, Year
from kexie.core.textsearch import contains
from kexie.directory import selectors, services
from kexie.directory.codes import OrgKind, PersonTag
from kexie.directory.models import Region
from kexie.directory.schemas import (
    DesignationIn,
    DesignationOut,
    OrganisationDetailOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    OrganisationYearIn,
    OrganisationYearOut,
    PersonIn,
    PersonOut,
    PersonPatch,
    RegionOut,
)

router = Router(tags=["名录"])

ORG_FKS = {"parent": "parent_id", "region": "region_id"}
PERSON_FKS = {"unit": "unit_id"}
BLANK_IF_NULL = {"association_level", "gender", "short_name", "uscc", "contact_name", "contact_phone", "email",
                 "address", "note", "phone", "title", "discipline", "profile"}  # fmt: skip


class PageParams(Schema):
    limit: Limit = Field(50, title="每页条数")
    offset: Offset = Field(0, title="偏移量")


def service_data(request: HttpRequest, payload: Schema, *, partial: bool, stored=None) -> dict:
    """A request body as a service's `data`: ids become records (422 if unknown or not offered
    by the field's rule), null text becomes "". A reference equal to the one `stored` already
    holds is kept as it is, as on the web form (the service checks only a changed one)."""
    data = payload.dict(exclude_unset=partial)
    for name in list(data):
        if name in BLANK_IF_NULL and data[name] is None:
            data[name] = ""
    if "parent_id" in data:
        data["parent"] = _reference(
            request, "directory.Organisation.parent", data.pop("parent_id"), "parent", stored
        )
    if "region_id" in data:
        data["region"] = lookup(Region, data.pop("region_id"), "region_id")
    if "unit_id" in data:
        unit = _reference(request, "directory.Person.unit", data.pop("unit_id"), "unit", stored)
        if unit is not None or partial:
            data["unit"] = unit
    return data


def _reference(request: HttpRequest, key: str, pk: int | None, name: str, stored):
    if stored is not None and pk is not None and pk == getattr(stored, f"{name}_id"):
        return getattr(stored, name)
    return reference(key, pk, f"{name}_id", actor(request))


# ---------------------------------------------------------------- regions (reference data)


class RegionFilters(PageParams):
    level: str | None = Field(None, title="级别", description="province/city/county/town")
    parent_id: Id | None = Field(None, title="上级区划编号")
    search: str | None = Field(None, title="搜索", description="名称包含此文字,或代码以此开头")


@router.get("/regions", response=Page[RegionOut], summary="行政区划列表")
def region_list(request: HttpRequest, filters: Query[RegionFilters]):
    qs = Region.objects.select_related("parent").order_by("code")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent_id:
        qs = qs.filter(parent_id=filters.parent_id)
    if filters.search:
        text = filters.search.strip()
        qs = contains(qs, "name", text) | qs.filter(code__startswith=text)
    return offset_page(request, qs, limit=filters.limit, offset=filters.offset)


@router.get("/regions/{int:region_id}", response=RegionOut, summary="行政区划详情")
def region_detail(request: HttpRequest, region_id: Id):
    return get_object_or_404(Region.objects.select_related("parent"), pk=region_id)


# ---------------------------------------------------------------- organisations


class OrganisationFilters(PageParams):
    kind: OrgKind | None = Field(None, title="类型")
    parent_id: Id | None = Field(None, title="上级单位编号", description="只列直接下级")
    region_id: Id | None = Field(None, title="所在区划编号", description="含其下各级区划")
    is_active: bool | None = Field(None, title="有效")
    search: str | None = Field(None, title="搜索", description="名称、简称或信用代码包含此文字(不区分大小写)")


@router.get("/organisations", response=Page[OrganisationOut], summary="组织列表")
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]):
    """本单位及下级单位,按组织树排序。筛选与网页、导出相同(kexie.directory.selectors.organisations)。"""
    qs = selectors.organisations(
        actor(request),
        {"kind": filters.kind, "parent": filters.parent_id, "region": filters.region_id,
         "is_active": filters.is_active, "q": filters.search},
    )  # fmt: skip
    return offset_page(request, qs, limit=filters.limit, offset=filters.offset)


@router.get("/organisations/{int:org_id}", response=OrganisationDetailOut, summary="组织详情")
def organisation_detail(request: HttpRequest, org_id: Id):
    return selectors.organisation_for(actor(request), org_id)


@router.post("/organisations", response={201: OrganisationDetailOut}, summary="新建组织")
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    with error_fields(ORG_FKS):
        org = services.organisation_create(
            actor=actor(request), data=service_data(request, payload, partial=False)
        )
    return Status(201, org)


@router.patch("/organisations/{int:org_id}", response=OrganisationDetailOut, summary="修改组织")
def organisation_update(request: HttpRequest, org_id: Id, payload: OrganisationPatch):
    org = selectors.organisation_for(actor(request), org_id)
    with error_fields(ORG_FKS):
        return services.organisation_update(
            actor=actor(request), org=org, data=service_data(request, payload, partial=True, stored=org)
        )


@router.delete("/organisations/{int:org_id}", response={204: None}, summary="删除组织")
def organisation_delete(request: HttpRequest, org_id: Id):
    org = selectors.organisation_for(actor(request), org_id)
    services.organisation_delete(actor=actor(request), org=org)
    return Status(204, None)


@router.put(
    "/organisations/{int:org_id}/years/{int:year}", response=OrganisationYearOut, summary="设置组织年度情况"
)
def organisation_year_set(request: HttpRequest, org_id: Id, year: Year, payload: OrganisationYearIn):
    org = selectors.organisation_for(actor(request), org_id)
    return services.organisation_year_set(actor=actor(request), org=org, year=year, data=payload.dict())


@router.post(
    "/organisations/{int:org_id}/designations", response={201: DesignationOut}, summary="新增命名认定"
)
def designation_create(request: HttpRequest, org_id: Id, payload: DesignationIn):
    org = selectors.organisation_for(actor(request), org_id)
    data = {**payload.dict(), "organisation": org}
    return Status(201, services.designation_create(actor=actor(request), data=data))


@router.delete("/designations/{int:designation_id}", response={204: None}, summary="删除命名认定")
def designation_delete(request: HttpRequest, designation_id: Id):
    designation = selectors.designation_for(actor(request), designation_id)
    services.designation_delete(actor=actor(request), designation=designation)
    return Status(204, None)


# ---------------------------------------------------------------- people


class PersonFilters(PageParams):
    unit_id: Id | None = Field(None, title="管理单位编号")
    tag: PersonTag | None = Field(None, title="标签")
    discipline: str | None = Field(None, title="学科代码")
    search: str | None = Field(None, title="搜索", description="姓名包含此文字(不区分大小写)")


@router.get("/people", response=Page[PersonOut], summary="人员列表")
def person_list(request: HttpRequest, filters: Query[PersonFilters]):
    """手机号码与身份证号码脱敏显示,除非有“可查看个人信息”权限。筛选与网页、导出相同
    (kexie.directory.selectors.people)。"""
    if filters.search and personal_search_index(filters.search):
        raise DjangoValidationError({"search": NUMBER_IN_URL})
    qs = selectors.people(
        actor(request),
        {"unit": filters.unit_id, "tag": filters.tag, "discipline": filters.discipline, "q": filters.search},
    )
    return offset_page(request, qs, limit=filters.limit, offset=filters.offset)


NUMBER_IN_URL = "手机号和身份证号不能放在网址中(会记入访问日志),请用 POST /directory/people/search"


class PersonSearchIn(InputSchema, PageParams):
    number: str = Field(
        title="手机号或身份证号", description="完整号码,精确匹配;放在请求体中,不进网址和日志", max_length=40
    )


@router.post("/people/search", response=Page[PersonOut], summary="按手机号或身份证号查找人员")
def person_search(request: HttpRequest, payload: PersonSearchIn):
    """精确匹配完整的手机号或身份证号(按盲索引,不支持按尾号查找)。号码在请求体中,不出现在网址和访问日志里。"""
    index = personal_search_index(payload.number)
    if index is None:
        raise DjangoValidationError({"number": "请输入完整的手机号或身份证号"})
    qs = selectors.people(actor(request), {"pd": index})
    return offset_page(request, qs, limit=payload.limit, offset=payload.offset)


@router.get("/people/{int:person_id}", response=PersonOut, summary="人员详情")
def person_detail(request: HttpRequest, person_id: Id):
    return selectors.person_for(actor(request), person_id)


@router.post("/people", response={201: PersonOut}, summary="新建人员")
def person_create(request: HttpRequest, payload: PersonIn):
    with error_fields(PERSON_FKS):
        person = services.person_create(
            actor=actor(request), data=service_data(request, payload, partial=False)
        )
    return Status(201, person)


@router.patch("/people/{int:person_id}", response=PersonOut, summary="修改人员")
def person_update(request: HttpRequest, person_id: Id, payload: PersonPatch):
    person = selectors.person_for(actor(request), person_id)
    with error_fields(PERSON_FKS):
        return services.person_update(
            actor=actor(request),
            person=person,
            data=service_data(request, payload, partial=True, stored=person),
        )


@router.delete("/people/{int:person_id}", response={204: None}, summary="删除人员")
def person_delete(request: HttpRequest, person_id: Id):
    person = selectors.person_for(actor(request), person_id)
    services.person_delete(actor=actor(request), person=person)
    return Status(204, None)
