"""Indicators of funded projects: funds won from above and given below (万元, from the
granted amounts in fen), projects and units by programme kind, projects started, accepted
and closed. A project counts in its programme's year."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from kexie.core.indicators import Indicator, Period, Result, Scope, register
from kexie.funds.codes import STARTED, Direction, ProgrammeKind, ProjectStatus
from kexie.funds.models import Project

MODULE = "funds"
PLACE = {"region": "undertaker__region", "unit": "programme__unit"}


def wan(fen: int | None):
    """万元 for display, to four decimals (exact amounts in fen stay on the records)."""
    value = (Decimal(fen or 0) / 1_000_000).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


def _started(scope: Scope, direction: str) -> QuerySet:
    return scope.restrict(Project.objects.filter(programme__direction=direction, status__in=STARTED), **PLACE)


def _by_kind(direction: str, aggregate, convert=lambda v: v or 0):
    """`aggregate(filter)` builds the aggregate over the rows the filter keeps."""

    def compute(period: Period, scope: Scope) -> Result:
        cur_years, prev_years = list(period.years), list(period.previous().years)
        rows = (
            _started(scope, direction).filter(programme__year__in=cur_years + prev_years)
            .values("programme__kind").order_by()
            .annotate(cur=aggregate(Q(programme__year__in=cur_years)),
                      prev=aggregate(Q(programme__year__in=prev_years)))
        )  # fmt: skip
        # One grouped query for both periods: the total is the sum over kinds (a unit supported
        # under two kinds of programme counts once in each).
        found = {r["programme__kind"]: (convert(r["cur"]), convert(r["prev"])) for r in rows}
        cur = {k: found[k][0] for k in ProgrammeKind.values if k in found and found[k][0]}
        prev = {k: found[k][1] for k in ProgrammeKind.values if k in found and found[k][1]}
        total, before = sum(cur.values()), sum(prev.values())
        return Result(value=total, previous=before, breakdown={"kind": cur}, previous_breakdown={"kind": prev},
                      labels={"kind": {k: str(ProgrammeKind(k).label) for k in cur}})  # fmt: skip

    def records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        qs = (
            _started(scope, direction)
            .filter(programme__year__in=list(period.years))
            .select_related("programme", "undertaker")
        )
        return qs.filter(programme__kind=key) if dimension == "kind" and key else qs

    return compute, records


for code, name, unit, description, direction, aggregate, convert in (
    ("funds.won", "争取上级科普资金", "万元", "向上争取的资金计划中已立项项目的立项金额合计(计划年度计入),按计划类别分列",
     Direction.WON, lambda f: Sum("granted_fen", filter=f), wan),
    ("funds.won_projects", "争取上级科普项目", "个", "向上争取的资金计划中已立项的项目数,按计划类别分列",
     Direction.WON, lambda f: Count("id", filter=f), lambda v: v or 0),
    ("funds.given", "配套支持基层科普资金", "万元", "向下支持的资金计划中已立项项目的立项金额合计,按计划类别分列",
     Direction.GIVEN, lambda f: Sum("granted_fen", filter=f), wan),
    ("funds.given_units", "获支持的基层单位", "个", "向下支持的资金计划中承担已立项项目的单位数(同一单位计一次),按计划类别分列",
     Direction.GIVEN, lambda f: Count("undertaker", distinct=True, filter=f), lambda v: v or 0),
):  # fmt: skip
    compute, records = _by_kind(direction, aggregate, convert)
    register(Indicator(code, name, unit, description, compute, records, {"kind": "计划类别"}, MODULE))


def _dated(field: str, where: Q):
    def qs(scope: Scope) -> QuerySet:
        return scope.restrict(Project.objects.filter(where), **PLACE)

    def within(p: Period) -> Q:
        return Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end})

    def compute(period: Period, scope: Scope) -> Result:
        agg = qs(scope).aggregate(
            cur=Count("id", filter=within(period)), prev=Count("id", filter=within(period.previous()))
        )
        return Result(value=agg["cur"], previous=agg["prev"])

    def records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        return qs(scope).filter(within(period)).select_related("programme", "undertaker")

    return compute, records


for code, name, description, field, where in (
    ("funds.projects_started", "立项科普项目", "立项日期在期间内的项目数(向上争取和向下支持)", "approved_on", Q(status__in=STARTED)),
    ("funds.projects_accepted", "验收通过的科普项目", "最近一次结题验收通过、验收日期在期间内的项目数", "accepted_on",
     Q(status__in=[ProjectStatus.PASSED, ProjectStatus.CLOSED], acceptances__result="passed")),
    ("funds.projects_closed", "结项的科普项目", "结项日期在期间内的项目数", "closed_on", Q(status=ProjectStatus.CLOSED)),
):  # fmt: skip
    compute, records = _dated(field, where)
    register(Indicator(code, name, "个", description, compute, records, {}, MODULE))
