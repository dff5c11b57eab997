"""API schemas of activities. Foreign keys go out as `<name>_id` plus `<name>_name`."""

import datetime as dt

from ninja import Field, Schema

from kexie.activities.models import Status
from kexie.core.schemas import Count, Id, InputSchema, NotNull, Year


class UnitRef(Schema):
    id: int = Field(title="单位编号")
    name: str = Field(title="单位名称")


class ActivityKindOut(Schema):
    id: int = Field(title="编号")
    code: str = Field(title="代码", description="点分代码,如 outreach.lecture")
    name: str = Field(title="名称")
    parent_id: int | None = Field(None, title="上级类型编号")
    parent_name: str = Field("", title="上级类型")
    is_active: bool = Field(title="启用")

    @staticmethod
    def resolve_parent_name(obj) -> str:
        return obj.parent.name if obj.parent_id else ""


class CampaignOut(Schema):
    id: int = Field(title="编号")
    name: str = Field(title="名称")
    year: int = Field(title="年度")
    start_date: dt.date = Field(title="开始日期")
    end_date: dt.date = Field(title="结束日期")
    host_unit_id: int = Field(title="主办单位编号")
    host_unit_name: str = Field(title="主办单位")
    participating_units: list[UnitRef] = Field(title="参与单位")
    description: str = Field(title="说明")

    @staticmethod
    def resolve_host_unit_name(obj) -> str:
        return obj.host_unit.name

    @staticmethod
    def resolve_participating_units(obj) -> list:
        return list(obj.participating_units.all())


class CampaignIn(InputSchema):
    name: str = Field(title="名称", max_length=120)
    year: Year = Field(title="年度")
    start_date: dt.date = Field(title="开始日期")
    end_date: dt.date = Field(title="结束日期")
    host_unit_id: Id | None = Field(None, title="主办单位编号", description="缺省为本单位")
    participating_unit_ids: list[Id] | None = Field(None, title="参与单位编号")
    description: str = Field("", title="说明")


class CampaignPatch(InputSchema):
    name: str = NotNull(title="名称", max_length=120)
    year: Year = NotNull(title="年度")
    start_date: dt.date = NotNull(title="开始日期")
    end_date: dt.date = NotNull(title="结束日期")
    host_unit_id: Id = NotNull(title="主办单位编号")
    participating_unit_ids: list[Id] | None = Field(None, title="参与单位编号")
    description: str | None = Field(None, title="说明")


class ActivityOut(Schema):
    id: int = Field(title="编号")
    code: str = Field(title="活动编号")
    title: str = Field(title="活动名称")
    kind_id: int = Field(title="活动类型编号")
    kind_name: str = Field(title="活动类型")
    start_date: dt.date = Field(title="开始日期")
    end_date: dt.date = Field(title="结束日期")
    region_id: int = Field(title="所在区划编号")
    region_name: str = Field(title="所在区划")
    venue: str = Field(title="地点")
    organiser_id: int = Field(title="主办单位编号")
    organiser_name: str = Field(title="主办单位")
    co_organisers: list[UnitRef] = Field(title="协办单位")
    participants: int = Field(title="参与人数")
    volunteers: int = Field(title="志愿者人数")
    beneficiaries: int = Field(title="受益人数")
    campaign_id: int | None = Field(None, title="所属专项活动编号")
    campaign_name: str = Field("", title="所属专项活动")
    description: str = Field(title="活动简介")
    reporting_unit_id: int = Field(title="填报单位编号")
    reporting_unit_name: str = Field(title="填报单位")
    status: Status = Field(
        title="状态", description="draft 草稿 / submitted 待审核 / approved 已通过 / returned 已退回"
    )
    status_name: str = Field(title="状态名称")
    return_reason: str = Field(title="退回原因")
    submitted_at: dt.datetime | None = Field(None, title="上报时间")
    reviewed_at: dt.datetime | None = Field(None, title="审核时间")
    reviewed_by_id: int | None = Field(None, title="审核人编号")
    created_at: dt.datetime = Field(title="创建时间")
    updated_at: dt.datetime = Field(title="更新时间")

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_organiser_name(obj) -> str:
        return obj.organiser.name

    @staticmethod
    def resolve_co_organisers(obj) -> list:
        return list(obj.co_organisers.all())

    @staticmethod
    def resolve_campaign_name(obj) -> str:
        return obj.campaign.name if obj.campaign_id else ""

    @staticmethod
    def resolve_reporting_unit_name(obj) -> str:
        return obj.reporting_unit.name

    @staticmethod
    def resolve_status_name(obj) -> str:
        return str(obj.get_status_display())


class ActivityIn(InputSchema):
    code: str = Field("", title="活动编号", max_length=40, description="缺省自动生成")
    title: str = Field(title="活动名称", max_length=200)
    kind_id: Id = Field(title="活动类型编号")
    start_date: dt.date = Field(title="开始日期")
    end_date: dt.date = Field(title="结束日期")
    region_id: Id = Field(title="所在区划编号")
    venue: str = Field("", title="地点", max_length=200)
    organiser_id: Id = Field(title="主办单位编号")
    co_organiser_ids: list[Id] | None = Field(None, title="协办单位编号")
    participants: Count = Field(0, title="参与人数")
    volunteers: Count = Field(0, title="志愿者人数")
    beneficiaries: Count = Field(0, title="受益人数")
    campaign_id: Id | None = Field(None, title="所属专项活动编号")
    description: str = Field("", title="活动简介")
    reporting_unit_id: Id | None = Field(None, title="填报单位编号", description="缺省为本单位")


class ActivityPatch(InputSchema):
    code: str | None = Field(None, title="活动编号", max_length=40)
    title: str = NotNull(title="活动名称", max_length=200)
    kind_id: Id = NotNull(title="活动类型编号")
    start_date: dt.date = NotNull(title="开始日期")
    end_date: dt.date = NotNull(title="结束日期")
    region_id: Id = NotNull(title="所在区划编号")
    venue: str | None = Field(None, title="地点", max_length=200)
    organiser_id: Id = NotNull(title="主办单位编号")
    co_organiser_ids: list[Id] | None = Field(None, title="协办单位编号")
    participants: Count = NotNull(title="参与人数")
    volunteers: Count = NotNull(title="志愿者人数")
    beneficiaries: Count = NotNull(title="受益人数")
    campaign_id: Id | None = Field(None, title="所属专项活动编号")
    description: str | None = Field(None, title="活动简介")
    reporting_unit_id: Id = NotNull(title="填报单位编号")


class ReturnIn(InputSchema):
    reason: str = Field("", title="退回原因", description="必填")
