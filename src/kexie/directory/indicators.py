"""Indicators of the directory: organisations by kind, new designations by level,
societies' party coverage, people by tag. Organisations and people are counted as they
stand now (a stock: no previous-year value); designations and party coverage by year."""

from django.db.models import Count, Q, QuerySet

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.directory.codes import DesignationLevel, DesignationType, OrgKind, PersonTag
from kexie.directory.models import Designation, Organisation, OrganisationYear, Person

MODULE = "directory"


def _years(period: Period) -> tuple[list[int], list[int]]:
    return list(period.years), list(period.previous().years)


# ---------------------------------------------------------------- organisations


def _organisations(scope: Scope) -> QuerySet:
    return scope.restrict(Organisation.objects.filter(is_active=True), region="region", unit="")


def organisations_by_kind(period: Period, scope: Scope) -> Result:
    rows = dict(_organisations(scope).values_list("kind").annotate(n=Count("id")).order_by())
    cur = {k: rows[k] for k in OrgKind.values if rows.get(k)}
    return Result(value=sum(cur.values()), breakdown={"kind": cur},
                  labels={"kind": {k: str(OrgKind(k).label) for k in cur}})  # fmt: skip


def organisation_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _organisations(scope).select_related("region", "parent")
    return qs.filter(kind=key) if dimension == "kind" and key else qs


register(Indicator(
    "directory.organisations", "组织数(按类型)", "家", "名录中有效的组织数(当前状态),按组织类型分列",
    organisations_by_kind, organisation_records, {"kind": "组织类型"}, MODULE, year_on_year=False,
))  # fmt: skip


# ---------------------------------------------------------------- designations


def _designations(scope: Scope) -> QuerySet:
    return scope.restrict(
        Designation.objects.filter(type=DesignationType.OUTREACH_BASE),
        region="organisation__region",
        unit="organisation",
    )


def new_bases_by_level(period: Period, scope: Scope) -> Result:
    cur_years, prev_years = _years(period)
    rows = (
        _designations(scope).filter(year__in=cur_years + prev_years).values("level")
        .annotate(cur=Count("id", filter=Q(year__in=cur_years)), prev=Count("id", filter=Q(year__in=prev_years)))
        .order_by()
    )  # fmt: skip
    by_level = {r["level"]: (r["cur"], r["prev"]) for r in rows}
    levels = [lv for lv in DesignationLevel.values if lv in by_level]
    return Result(
        value=sum(c for c, _ in by_level.values()), previous=sum(p for _, p in by_level.values()),
        breakdown={"level": {lv: by_level[lv][0] for lv in levels}},
        previous_breakdown={"level": {lv: by_level[lv][1] for lv in levels}},
        labels={"level": {lv: str(DesignationLevel(lv).label) for lv in levels}},
    )  # fmt: skip


def designation_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _designations(scope).filter(year__in=list(period.years)).select_related("organisation")
    return qs.filter(level=key) if dimension == "level" and key else qs


register(Indicator(
    "directory.new_outreach_bases", "新命名科普教育基地", "家",
    "期间内各年度命名的科普教育基地数(命名年度计入),按级别(市级、省级、国家级)分列",
    new_bases_by_level, designation_records, {"level": "级别"}, MODULE,
))  # fmt: skip


# ---------------------------------------------------------------- party coverage


def _society_years(scope: Scope) -> QuerySet:
    return scope.restrict(
        OrganisationYear.objects.filter(organisation__kind=OrgKind.SOCIETY, organisation__is_active=True),
        region="organisation__region",
        unit="organisation",
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def party_coverage(period: Period, scope: Scope) -> Result:
    year, prev = period.last.year, period.last.year - 1
    agg = _society_years(scope).aggregate(
        total=Count("id", filter=Q(year=year)), party=Count("id", filter=Q(year=year, has_party_organisation=True)),
        total_prev=Count("id", filter=Q(year=prev)),
        party_prev=Count("id", filter=Q(year=prev, has_party_organisation=True)),
    )  # fmt: skip
    return Result(
        value=_share(agg["party"], agg["total"]), previous=_share(agg["party_prev"], agg["total_prev"]),
        breakdown={"party": {"with": agg["party"], "without": agg["total"] - agg["party"]}},
        previous_breakdown={"party": {"with": agg["party_prev"], "without": agg["total_prev"] - agg["party_prev"]}},
        labels={"party": {"with": "已建立党组织", "without": "未建立党组织"}},
    )  # fmt: skip


def party_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _society_years(scope).filter(year=period.last.year).select_related("organisation")
    if dimension == "party" and key in ("with", "without"):
        qs = qs.filter(has_party_organisation=key == "with")
    return qs


register(Indicator(
    "directory.party_coverage", "学会党组织覆盖率", "%",
    "期间最后一年填报了年度情况的学会中,已建立党组织的学会所占比例(保留一位小数)",
    party_coverage, party_records, {"party": "党组织"}, MODULE,
))  # fmt: skip


# ---------------------------------------------------------------- people


def _people(scope: Scope) -> QuerySet:
    return scope.restrict(Person.objects.all(), region="unit__region", unit="unit")


def people_by_tag(period: Period, scope: Scope) -> Result:
    aggs = {tag: Count("id", filter=Q(**{f: True})) for tag, f in Person.TAG_FIELDS.items()}
    agg = _people(scope).aggregate(total=Count("id"), **aggs)
    return Result(value=agg["total"], breakdown={"tag": {str(t): agg[t] for t in Person.TAG_FIELDS}},
                  labels={"tag": {str(t): str(PersonTag(t).label) for t in Person.TAG_FIELDS}})  # fmt: skip


def people_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _people(scope).select_related("unit")
    if dimension == "tag" and key in Person.TAG_FIELDS:
        qs = qs.filter(**{Person.TAG_FIELDS[key]: True})
    return qs


register(Indicator(
    "directory.people", "人员数(按标签)", "人", "名录中的人员数(当前状态),按标签(科技工作者、专家、志愿者…)分列",
    people_by_tag, people_records, {"tag": "标签"}, MODULE, year_on_year=False,
))  # fmt: skip

register_columns("directory.organisation", [
    ("name", "名称"), ("get_kind_display", "类型"), ("region", "所在区划"), ("parent", "上级单位"),
])  # fmt: skip
register_columns("directory.designation", [
    ("organisation", "单位"), ("get_type_display", "命名类型"), ("get_level_display", "级别"), ("display_title", "称号"), ("year", "命名年度"),
    ("document_no", "文号"),
])  # fmt: skip
register_columns("directory.organisationyear", [
    ("organisation", "学会"), ("year", "年度"), ("has_party_organisation", "建立党组织"), ("member_count", "会员数"),
])  # fmt: skip
register_columns("directory.person", [
    ("name", "姓名"), ("get_gender_display", "性别"), ("unit", "管理单位"), ("title", "职称"), ("tag_labels", "标签"),
])  # fmt: skip
