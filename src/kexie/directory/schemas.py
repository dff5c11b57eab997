"""API schemas of the directory. Foreign keys go out as `<name>_id` plus `<name>_name`."""

import datetime as dt

from ninja import Field, Schema

from kexie.core.schemas import BirthYear, Count, Id, InputSchema, NotNull, Year
from kexie.directory.codes import (
    DISCIPLINE_NAMES,
    AssociationLevel,
    DesignationLevel,
    DesignationType,
    Gender,
    OrgKind,
    RegionLevel,
)
from kexie.directory.models import personal_data_visible


class RegionOut(Schema):
    id: int = Field(title="编号")
    code: str = Field(title="行政区划代码", description="GB/T 2260 六位代码")
    name: str = Field(title="名称")
    level: RegionLevel = Field(title="级别")
    level_name: str = Field(title="级别名称")
    parent_id: int | None = Field(None, title="上级区划编号")
    parent_name: str = Field("", title="上级区划")

    @staticmethod
    def resolve_level_name(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_parent_name(obj) -> str:
        return obj.parent.name if obj.parent_id else ""


class OrganisationOut(Schema):
    id: int = Field(title="编号")
    name: str = Field(title="名称")
    short_name: str = Field(title="简称")
    kind: OrgKind = Field(title="类型")
    kind_name: str = Field(title="类型名称")
    association_level: str = Field(
        title="科协层级", description="仅科协填写:city/county/town/enterprise/university"
    )
    parent_id: int | None = Field(None, title="上级单位编号")
    parent_name: str = Field("", title="上级单位")
    region_id: int | None = Field(None, title="所在区划编号")
    region_name: str = Field("", title="所在区划")
    uscc: str = Field(title="统一社会信用代码")
    uscc_checksum_ok: bool = Field(title="信用代码校验通过")
    contact_name: str = Field(title="联系人")
    contact_phone: str = Field(title="联系电话", description="无个人信息权限时脱敏(3+4)")
    email: str = Field(title="电子邮箱")
    address: str = Field(title="地址")
    is_active: bool = Field(title="有效")
    note: str = Field(title="备注")
    updated_at: dt.datetime = Field(title="更新时间")

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_name(obj) -> str:
        return obj.parent.name if obj.parent_id else ""

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name if obj.region_id else ""

    @staticmethod
    def resolve_contact_phone(obj, context) -> str:
        return obj.contact_phone if _may_see(context) else obj.contact_phone_masked


class OrganisationYearOut(Schema):
    year: int = Field(title="年度")
    has_party_organisation: bool = Field(title="建立党组织")
    member_count: int | None = Field(None, title="会员数")
    note: str = Field(title="备注")


class DesignationOut(Schema):
    id: int = Field(title="编号")
    organisation_id: int = Field(title="组织编号")
    organisation_name: str = Field(title="组织")
    type: DesignationType = Field(title="命名类型")
    type_name: str = Field(title="命名类型名称")
    title: str = Field(title="称号")
    level: DesignationLevel = Field(title="级别")
    level_name: str = Field(title="级别名称")
    year: int = Field(title="命名年度")
    valid_until: dt.date | None = Field(None, title="有效期至")
    issuer: str = Field(title="命名单位")
    document_no: str = Field(title="文号")

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_level_name(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_type_name(obj) -> str:
        return obj.get_type_display()


class OrganisationDetailOut(OrganisationOut):
    years: list[OrganisationYearOut] = Field(title="年度情况")
    designations: list[DesignationOut] = Field(title="命名认定")
    warning: str | None = Field(None, title="提示", description="如信用代码校验位不符时的提醒")

    @staticmethod
    def resolve_years(obj) -> list:
        return list(obj.years.all())

    @staticmethod
    def resolve_designations(obj) -> list:
        return list(obj.designations.select_related("organisation"))

    @staticmethod
    def resolve_warning(obj) -> str | None:
        from kexie.directory.services import uscc_warning

        return uscc_warning(obj)


class OrganisationIn(InputSchema):
    name: str = Field(title="名称", max_length=200)
    short_name: str = Field("", title="简称", max_length=60)
    kind: OrgKind = Field(title="类型")
    association_level: AssociationLevel | None = Field(None, title="科协层级", description="仅科协填写")
    parent_id: Id | None = Field(None, title="上级单位编号", description="缺省为本单位")
    region_id: Id | None = Field(None, title="所在区划编号")
    uscc: str = Field("", title="统一社会信用代码", max_length=18)
    contact_name: str = Field("", title="联系人", max_length=50)
    contact_phone: str = Field("", title="联系电话", max_length=30)
    email: str = Field("", title="电子邮箱", max_length=254)
    address: str = Field("", title="地址", max_length=200)
    is_active: bool = Field(True, title="有效")
    note: str = Field("", title="备注")


class OrganisationPatch(InputSchema):
    name: str = NotNull(title="名称", max_length=200)
    short_name: str | None = Field(None, title="简称", max_length=60)
    kind: OrgKind = NotNull(title="类型")
    association_level: AssociationLevel | None = Field(None, title="科协层级")
    parent_id: Id | None = Field(None, title="上级单位编号")
    region_id: Id | None = Field(None, title="所在区划编号")
    uscc: str | None = Field(None, title="统一社会信用代码", max_length=18)
    contact_name: str | None = Field(None, title="联系人", max_length=50)
    contact_phone: str | None = Field(None, title="联系电话", max_length=30)
    email: str | None = Field(None, title="电子邮箱", max_length=254)
    address: str | None = Field(None, title="地址", max_length=200)
    is_active: bool = NotNull(title="有效")
    note: str | None = Field(None, title="备注")


class OrganisationYearIn(InputSchema):
    has_party_organisation: bool = Field(False, title="建立党组织")
    member_count: Count | None = Field(None, title="会员数")
    note: str = Field("", title="备注", max_length=200)


class DesignationIn(InputSchema):
    type: DesignationType = Field(
        DesignationType.OUTREACH_BASE,
        title="命名类型",
        description="受控列表(见 docs/indicators.md):outreach_base 科普教育基地、outreach_special_unit 科普特色单位、"
        "collaborative_innovation_base 协同创新基地(仅省级、国家级)、other 其他命名;级别须是该类型允许的级别",
    )
    title: str = Field("", title="称号", max_length=100, description="如“济宁市科普教育基地”;空则用类型名")
    level: DesignationLevel = Field(title="级别")
    year: Year = Field(title="命名年度")
    valid_until: dt.date | None = Field(None, title="有效期至")
    issuer: str = Field("", title="命名单位", max_length=100)
    document_no: str = Field("", title="文号", max_length=100)


class PersonOut(Schema):
    id: int = Field(title="编号")
    name: str = Field(title="姓名")
    gender: str = Field(title="性别", description="M 男 / F 女 / 空")
    birth_year: int | None = Field(None, title="出生年份")
    phone: str = Field(title="手机号码", description="无个人信息权限时脱敏(3+4)")
    id_number: str = Field(title="身份证号码", description="无个人信息权限时脱敏(6+4)")
    title: str = Field(title="职称")
    discipline: str = Field(title="学科代码", description="GB/T 13745 一级学科")
    discipline_name: str = Field(title="学科")
    unit_id: int = Field(title="管理单位编号")
    unit_name: str = Field(title="管理单位")
    tags: list[str] = Field(title="标签", description="sci_worker/expert/volunteer/cadre/grassroots_head")
    tag_names: list[str] = Field(title="标签名称")
    profile: str = Field(title="简介/研究方向")
    updated_at: dt.datetime = Field(title="更新时间")

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return obj.phone if _may_see(context) else obj.phone_masked

    @staticmethod
    def resolve_id_number(obj, context) -> str:
        return obj.id_number if _may_see(context) and obj.id_number_encrypted else obj.id_number_masked

    @staticmethod
    def resolve_discipline_name(obj) -> str:
        return DISCIPLINE_NAMES.get(obj.discipline, "")

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_tag_names(obj) -> list[str]:
        return [str(label) for label in obj.tag_labels]


class PersonIn(InputSchema):
    name: str = Field(title="姓名", max_length=50)
    gender: Gender | None = Field(None, title="性别")
    birth_year: BirthYear | None = Field(None, title="出生年份")
    phone: str = Field("", title="手机号码", max_length=30)
    id_number: str | None = Field(None, title="身份证号码", description="18 位;加密保存")
    title: str = Field("", title="职称", max_length=50)
    discipline: str = Field("", title="学科代码", max_length=3)
    unit_id: Id | None = Field(None, title="管理单位编号", description="缺省为本单位")
    is_sci_worker: bool = Field(False, title="科技工作者")
    is_expert: bool = Field(False, title="专家")
    is_volunteer: bool = Field(False, title="志愿者")
    is_cadre: bool = Field(False, title="干部")
    is_grassroots_head: bool = Field(False, title="基层三长")
    profile: str = Field("", title="简介/研究方向")


class PersonPatch(InputSchema):
    name: str = NotNull(title="姓名", max_length=50)
    gender: Gender | None = Field(None, title="性别")
    birth_year: BirthYear | None = Field(None, title="出生年份")
    phone: str | None = Field(None, title="手机号码", max_length=30)
    id_number: str | None = Field(None, title="身份证号码")
    title: str | None = Field(None, title="职称", max_length=50)
    discipline: str | None = Field(None, title="学科代码", max_length=3)
    unit_id: Id = NotNull(title="管理单位编号")
    is_sci_worker: bool = NotNull(title="科技工作者")
    is_expert: bool = NotNull(title="专家")
    is_volunteer: bool = NotNull(title="志愿者")
    is_cadre: bool = NotNull(title="干部")
    is_grassroots_head: bool = NotNull(title="基层三长")
    profile: str | None = Field(None, title="简介/研究方向")


def _may_see(context) -> bool:
    request = (context or {}).get("request")
    return personal_data_visible(getattr(request, "auth", None))
