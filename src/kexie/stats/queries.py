"""Named queries that fill cells no indicator states: each gives a value for (year, scope)
and the records behind it, like an indicator. Stocks are counted at 31 December of the year
(organisations established on or before it and not dissolved by then; unknown dates count
as always), flows over the calendar year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from kexie.core.indicators import Period, Scope


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    value: Callable[[Period, Scope, dict], int]
    records: Callable[[Period, Scope, dict], QuerySet]


QUERIES: dict[str, NamedQuery] = {}


def register(query: NamedQuery) -> NamedQuery:
    QUERIES[query.name] = query
    return query


def get(name: str) -> NamedQuery:
    from kexie.stats.definitions import DefinitionError

    try:
        return QUERIES[name]
    except KeyError:
        raise DefinitionError(f"查询“{name}”不存在") from None


# ---------------------------------------------------------------- organisations at 31 December


def standing_at(day: dt.date, prefix: str = "") -> Q:
    """Organisations that exist on `day`: established by then, not yet dissolved."""
    return (Q(**{f"{prefix}established_on__isnull": True}) | Q(**{f"{prefix}established_on__lte": day})) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": day})
    )


def _org_base(period: Period, scope: Scope) -> QuerySet:
    from kexie.directory.models import Organisation

    day = period.last
    # every unit's standing; scope.restrict below narrows it to the report's region and unit
    qs = Organisation.objects.unscoped(reason="statistics: narrowed by the report's scope").filter(
        standing_at(day)
    )
    # an organisation without dates is counted while it is active; one with a dissolved date by it
    qs = qs.filter(Q(is_active=True) | Q(dissolved_on__isnull=False))
    return scope.restrict(qs, region="region", unit="")


def _org_stock_rows(period: Period, scope: Scope) -> dict[tuple[str, str], int]:
    """(kind, association level) → count at 31 December: one grouped query per scope and year."""

    def compute():
        rows = (
            _org_base(period, scope)
            .values_list("kind", "association_level")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {(k, lv or ""): n for k, lv, n in rows}

    return scope.memo(("stats", "org_stock", period), compute)


def _org_filter(params: dict) -> Q:
    q = Q(kind=params["kind"])
    if params.get("level"):
        q &= Q(association_level=params["level"])
    return q


def org_stock_value(period: Period, scope: Scope, params: dict) -> int:
    rows = _org_stock_rows(period, scope)
    kind, level = params["kind"], params.get("level", "")
    return sum(n for (k, lv), n in rows.items() if k == kind and (not level or lv == level))


def org_stock_records(period: Period, scope: Scope, params: dict) -> QuerySet:
    return _org_base(period, scope).filter(_org_filter(params)).select_related("region", "parent")


register(NamedQuery(
    "org_stock", "12月31日存续的组织数(成立日期不晚于当日、未撤销),按类型与科协层级",
    org_stock_value, org_stock_records,
))  # fmt: skip


# ---------------------------------------------------------------- activities: a metric by kind


def activity_metric_value(period: Period, scope: Scope, params: dict) -> int:
    """Sum of a metric (participants, volunteers, beneficiaries) over the approved activities of
    a kind and its sub-kinds: read from the activities' shared scan (no query of its own)."""
    from kexie.activities.indicators import grouped, kind_tree

    column = f"{params.get('metric', 'participants')}_cur"
    in_tree = kind_tree(scope, params["kind"])
    return sum(r[column] or 0 for r in grouped(period, scope, "approved", "kind") if r["kind_id"] in in_tree)


def activity_metric_records(period: Period, scope: Scope, params: dict) -> QuerySet:
    from kexie.activities.indicators import APPROVED, _activity_records

    return _activity_records(APPROVED)(period, scope, "kind", params["kind"])


register(NamedQuery(
    "activity_metric", "已通过审核的某类活动(含下级类型)的参与人数等之和",
    activity_metric_value, activity_metric_records,
))  # fmt: skip


# ---------------------------------------------------------------- staff at 31 December


def staff_at(day: dt.date) -> Q:
    """Cadres (kexie.office) in post on `day`: joined by then (unknown: always) and not left by
    then (a left date after it; no left date: while still in post)."""
    return (Q(joined_on__isnull=True) | Q(joined_on__lte=day)) & (
        Q(left_on__gt=day) | Q(left_on__isnull=True, is_active=True)
    )


def _staff_base(period: Period, scope: Scope) -> QuerySet:
    from django.apps import apps

    Cadre = apps.get_model("office", "Cadre")
    qs = Cadre.objects.unscoped(reason="statistics: narrowed by the report's scope").filter(
        staff_at(period.last)
    )
    return scope.restrict(qs, region=None, unit="person__unit")


def _staff_rows(period: Period, scope: Scope) -> dict[str, int]:
    """gender → the staff in post at 31 December: one grouped query per scope and year."""

    def compute():
        rows = _staff_base(period, scope).values_list("person__gender").annotate(n=Count("id")).order_by()
        return {gender or "": n for gender, n in rows}

    return scope.memo(("stats", "staff_stock", period), compute)


def staff_stock_value(period: Period, scope: Scope, params: dict) -> int:
    rows = _staff_rows(period, scope)
    gender = params.get("gender", "")
    return sum(n for g, n in rows.items() if not gender or g == gender)


def staff_stock_records(period: Period, scope: Scope, params: dict) -> QuerySet:
    qs = _staff_base(period, scope)
    if params.get("gender"):
        qs = qs.filter(person__gender=params["gender"])
    return qs.select_related("person", "person__unit")


register(NamedQuery(
    "staff_stock", "12月31日在岗的机关干部数(到岗日期不晚于当日、未离岗),可按性别",
    staff_stock_value, staff_stock_records,
))  # fmt: skip


# ---------------------------------------------------------------- members: the year's figure


def _members_base(period: Period, scope: Scope) -> QuerySet:
    """The yearly records (directory OrganisationYear, 年度情况) of the report's year that state a
    member count: a society types its 会员数 for each year, so the figure of a year is the stock
    of that year (a past year's table keeps that year's figure whatever is typed later)."""
    from kexie.directory.models import OrganisationYear

    qs = OrganisationYear.objects.unscoped(reason="statistics: narrowed by the report's scope").filter(
        year=period.last.year, member_count__isnull=False
    )
    return scope.restrict(qs, region=None, unit="organisation")


def member_count_value(period: Period, scope: Scope, params: dict) -> int:
    def compute():
        return _members_base(period, scope).aggregate(n=Sum("member_count"))["n"] or 0

    return scope.memo(("stats", "member_count", period), compute)


def member_count_records(period: Period, scope: Scope, params: dict) -> QuerySet:
    return _members_base(period, scope).select_related("organisation")


register(NamedQuery(
    "member_count", "报告年度的会员数(组织的年度情况中逐年填写的会员数之和)",
    member_count_value, member_count_records,
))  # fmt: skip
