"""Indicators of bases and venues: bases holding a designation (by level), assessments (by
outcome), revocations, venues (by kind) and their visitors (by county).

A designation is held on a day if it was valid then and not yet revoked (dated changes, so a
later revocation leaves earlier years as they were)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from kexie.bases.codes import AssessmentOutcome, AssessmentStatus, ChangeKind, VenueKind
from kexie.bases.models import Assessment, BaseDesignation, DesignationChange, Venue, VenueMonth
from kexie.core.indicators import Indicator, Period, Result, Scope, register
from kexie.directory.codes import DesignationLevel

MODULE = "bases"
BASE = {"region": "designation__organisation__region", "unit": "designation__organisation"}


def _labels(choices, keys) -> dict[str, str]:
    return {k: str(choices(k).label) for k in keys}


def _by(rows: dict, order) -> dict:
    return {k: rows[k] for k in order if rows.get(k)}


# ---------------------------------------------------------------- bases held


def _held(scope: Scope, day: dt.date) -> QuerySet:
    return scope.restrict(BaseDesignation.objects.held_on(day), **BASE)


def held_by_level(period: Period, scope: Scope) -> Result:
    def count(day):
        rows = _held(scope, day).values_list("designation__level").annotate(n=Count("id")).order_by()
        return _by(dict(rows), DesignationLevel.values)

    cur, prev = count(period.last), count(period.previous().last)
    return Result(value=sum(cur.values()), previous=sum(prev.values()), breakdown={"level": cur},
                  previous_breakdown={"level": prev}, labels={"level": _labels(DesignationLevel, cur)})  # fmt: skip


def held_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _held(scope, period.last).select_related("designation__organisation")
    return qs.filter(designation__level=key) if dimension == "level" and key else qs


register(Indicator(
    "bases.held", "在册科普教育基地", "家", "期末持有有效命名(未过期、未撤销)的科普教育基地命名数,按级别分列",
    held_by_level, held_records, {"level": "级别"}, MODULE,
))  # fmt: skip


# ---------------------------------------------------------------- assessments


def _assessed(scope: Scope, years) -> QuerySet:
    return scope.restrict(
        Assessment.objects.filter(status=AssessmentStatus.DECIDED, year__in=list(years)),
        region=f"base_designation__{BASE['region']}",
        unit=f"base_designation__{BASE['unit']}",
    )


def assessed_by_outcome(period: Period, scope: Scope) -> Result:
    def count(years):
        return _by(dict(_assessed(scope, years).values_list("outcome").annotate(n=Count("id")).order_by()),
                   AssessmentOutcome.values)  # fmt: skip

    cur, prev = count(period.years), count(period.previous().years)
    return Result(value=sum(cur.values()), previous=sum(prev.values()), breakdown={"outcome": cur},
                  previous_breakdown={"outcome": prev}, labels={"outcome": _labels(AssessmentOutcome, cur)})  # fmt: skip


def assessed_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _assessed(scope, period.years).select_related("base_designation__designation__organisation")
    return qs.filter(outcome=key) if dimension == "outcome" and key else qs


register(Indicator(
    "bases.assessed", "年度考核的科普教育基地", "家", "考核年度在期间内且已审定的基地年度考核数,按考核结果(优秀、合格、整改、撤销)分列",
    assessed_by_outcome, assessed_records, {"outcome": "考核结果"}, MODULE,
))  # fmt: skip


def _revocations(scope: Scope) -> QuerySet:
    return scope.restrict(
        DesignationChange.objects.filter(kind=ChangeKind.REVOKED),
        region=f"base_designation__{BASE['region']}",
        unit=f"base_designation__{BASE['unit']}",
    )


def revoked(period: Period, scope: Scope) -> Result:
    def within(p):
        return Q(on__gte=p.start, on__lt=p.end)

    agg = _revocations(scope).aggregate(cur=Count("id", filter=within(period)),
                                        prev=Count("id", filter=within(period.previous())))  # fmt: skip
    return Result(value=agg["cur"], previous=agg["prev"])


def revoked_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    return _revocations(scope).filter(on__gte=period.start, on__lt=period.end)


register(Indicator(
    "bases.revoked", "撤销命名的科普教育基地", "家", "撤销日期在期间内的基地命名数(考核撤销或其他原因)",
    revoked, revoked_records, {}, MODULE, better="down",
))  # fmt: skip


# ---------------------------------------------------------------- venues


def _venues(scope: Scope, day: dt.date) -> QuerySet:
    return scope.restrict(
        Venue.objects.filter(is_active=True).filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)),
        region="region",
        unit="operator",
    )


def venues_by_kind(period: Period, scope: Scope) -> Result:
    rows = dict(_venues(scope, period.last).values_list("kind").annotate(n=Count("id")).order_by())
    cur = _by(rows, VenueKind.values)
    return Result(value=sum(cur.values()), breakdown={"kind": cur}, labels={"kind": _labels(VenueKind, cur)})


def venue_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _venues(scope, period.last).select_related("region", "operator")
    return qs.filter(kind=key) if dimension == "kind" and key else qs


register(Indicator(
    "bases.venues", "科普场馆", "个", "科技馆体系中期末开放的科技馆和特色科普场馆数(当前状态),按类型分列",
    venues_by_kind, venue_records, {"kind": "类型"}, MODULE, year_on_year=False,
))  # fmt: skip


def _months(scope: Scope) -> QuerySet:
    return scope.restrict(VenueMonth.objects.all(), region="venue__region", unit="venue__operator")


def visitors(period: Period, scope: Scope) -> Result:
    def within(p):
        return Q(month__gte=p.start, month__lt=p.end)

    agg = _months(scope).aggregate(cur=Sum("visitors", filter=within(period)),
                                   prev=Sum("visitors", filter=within(period.previous())))  # fmt: skip
    rows = (
        _months(scope).filter(within(period)).values_list("venue__region__code", "venue__region__name")
        .annotate(n=Sum("visitors")).order_by("venue__region__code")
    )  # fmt: skip
    return Result(value=agg["cur"] or 0, previous=agg["prev"] or 0,
                  breakdown={"county": {code: n for code, _name, n in rows}},
                  labels={"county": {code: name for code, name, _n in rows}})  # fmt: skip


def visitor_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = _months(scope).filter(month__gte=period.start, month__lt=period.end).select_related("venue__region")
    return qs.filter(venue__region__code=key) if dimension == "county" and key else qs


register(Indicator(
    "bases.visitors", "科普场馆观众", "人次", "期间内各月登记的科普场馆观众人次合计,按场馆所在县市区分列",
    visitors, visitor_records, {"county": "县市区"}, MODULE,
))  # fmt: skip
