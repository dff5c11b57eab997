"""Indicators of societies and county associations (docs/indicators.md): annual reports
submitted, evaluations by grade, rectifications opened and closed, re-elections (换届) due and
held, and the 3+1 coverage of 基层三长. Party coverage stays the directory's
(`directory.party_coverage`, fed by the same yearly record)."""

from django.db.models import Count, Q, QuerySet

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.directory.codes import OrgKind
from kexie.directory.models import Organisation
from kexie.societies.grassroots import HEAD_UNIT_KINDS, head_units
from kexie.societies.models import (
    AnnualReport,
    Evaluation,
    EvaluationStatus,
    Rectification,
    ReportStatus,
    Term,
)

MODULE = "societies"
SENT = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _years(period: Period, field: str = "year") -> Q:
    return Q(**{f"{field}__in": list(period.years)})


ORG = {"region": "organisation__region", "unit": "organisation"}


# ---------------------------------------------------------------- annual reports


def reports_sent(period: Period, scope: Scope) -> Result:
    prev = period.previous()
    rows = (
        scope.restrict(AnnualReport.objects.filter(_years(period) | _years(prev)), **ORG).values("status")
        .annotate(cur=Count("id", filter=_years(period)), old=Count("id", filter=_years(prev))).order_by()
    )  # fmt: skip
    cur = {r["status"]: r["cur"] for r in rows}
    old = {r["status"]: r["old"] for r in rows}
    keys = [s for s in ReportStatus.values if s in cur]
    return Result(
        value=sum(cur.get(s, 0) for s in SENT), previous=sum(old.get(s, 0) for s in SENT),
        breakdown={"status": {s: cur[s] for s in keys}}, previous_breakdown={"status": {s: old.get(s, 0) for s in keys}},
        labels={"status": {s: str(ReportStatus(s).label) for s in keys}},
    )  # fmt: skip


def report_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = scope.restrict(AnnualReport.objects.filter(_years(period)), **ORG).select_related("organisation")
    return qs.filter(status=key) if dimension == "status" and key else qs.filter(status__in=SENT)


register(Indicator(
    "societies.annual_reports", "报送年度报告的学会", "家",
    "期间各年度已提交(含已通过)的年度报告数,按状态分列", reports_sent, report_records,
    {"status": "状态"}, MODULE,
))  # fmt: skip


# ---------------------------------------------------------------- evaluation


def evaluated_by_grade(period: Period, scope: Scope) -> Result:
    prev = period.previous()
    rows = (
        scope.restrict(Evaluation.objects.filter(status=EvaluationStatus.FINISHED).filter(_years(period) | _years(prev)), **ORG)
        .values("grade").annotate(cur=Count("id", filter=_years(period)), old=Count("id", filter=_years(prev)))
        .order_by("grade")
    )  # fmt: skip
    cur = {r["grade"]: r["cur"] for r in rows if r["cur"]}
    old = {r["grade"]: r["old"] for r in rows}
    return Result(
        value=sum(cur.values()), previous=sum(old.values()), breakdown={"grade": cur},
        previous_breakdown={"grade": {g: old.get(g, 0) for g in cur}}, labels={"grade": {g: g for g in cur}},
    )  # fmt: skip


def evaluation_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    qs = scope.restrict(
        Evaluation.objects.filter(status=EvaluationStatus.FINISHED).filter(_years(period)), **ORG
    )
    qs = qs.select_related("organisation")
    return qs.filter(grade=key) if dimension == "grade" and key else qs


register(Indicator(
    "societies.evaluated", "完成等级评估的学会(按等级)", "家",
    "期间各年度已定级的评估数,按等级(5A…1A、未定级)分列", evaluated_by_grade, evaluation_records,
    {"grade": "等级"}, MODULE,
))  # fmt: skip


# ---------------------------------------------------------------- rectification


def rectifications(period: Period, scope: Scope) -> Result:
    prev = period.previous()
    agg = scope.restrict(Rectification.objects.filter(_in(period, "ordered_on") | _in(period, "closed_on")
                                                 | _in(prev, "ordered_on") | _in(prev, "closed_on")), **ORG).aggregate(
        opened=Count("id", filter=_in(period, "ordered_on")), closed=Count("id", filter=_in(period, "closed_on")),
        opened_prev=Count("id", filter=_in(prev, "ordered_on")), closed_prev=Count("id", filter=_in(prev, "closed_on")),
    )  # fmt: skip
    return Result(
        value=agg["opened"], previous=agg["opened_prev"],
        breakdown={"stage": {"opened": agg["opened"], "closed": agg["closed"]}},
        previous_breakdown={"stage": {"opened": agg["opened_prev"], "closed": agg["closed_prev"]}},
        labels={"stage": {"opened": "下达整改", "closed": "办结"}},
    )  # fmt: skip


def rectification_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    field = "closed_on" if dimension == "stage" and key == "closed" else "ordered_on"
    return scope.restrict(Rectification.objects.filter(_in(period, field)), **ORG).select_related(
        "organisation"
    )


register(Indicator(
    "societies.rectifications", "限期整改", "次",
    "期间下达的限期整改数;分列下达与办结(办结日期在期间内,含移交注销程序)", rectifications, rectification_records,
    {"stage": "环节"}, MODULE, better="down",
))  # fmt: skip


# ---------------------------------------------------------------- re-elections


def term_renewals(period: Period, scope: Scope) -> Result:
    prev = period.previous()
    agg = scope.restrict(Term.objects.all(), **ORG).aggregate(
        due=Count("id", filter=_in(period, "ends_on")), held=Count("id", filter=_in(period, "congress_on")),
        due_prev=Count("id", filter=_in(prev, "ends_on")), held_prev=Count("id", filter=_in(prev, "congress_on")),
    )  # fmt: skip
    return Result(
        value=agg["held"], previous=agg["held_prev"],
        breakdown={"stage": {"due": agg["due"], "held": agg["held"]}},
        previous_breakdown={"stage": {"due": agg["due_prev"], "held": agg["held_prev"]}},
        labels={"stage": {"due": "届满应换届", "held": "召开换届大会"}},
    )  # fmt: skip


def term_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    field = "ends_on" if dimension == "stage" and key == "due" else "congress_on"
    return scope.restrict(Term.objects.filter(_in(period, field)), **ORG).select_related("organisation")


register(Indicator(
    "societies.term_renewals", "完成换届", "家",
    "期间召开换届大会的届次数;分列届满应换届(届满日期在期间内)与召开换届大会", term_renewals, term_records,
    {"stage": "环节"}, MODULE,
))  # fmt: skip


# ---------------------------------------------------------------- 3+1


def _head_units(scope: Scope) -> QuerySet:
    return scope.restrict(
        Organisation.objects.filter(kind__in=HEAD_UNIT_KINDS, is_active=True), region="region", unit=""
    )


def head_coverage(period: Period, scope: Scope) -> Result:
    units = _head_units(scope)
    flags = head_units(units)
    kinds = dict(units.values_list("id", "kind"))
    by_kind: dict[str, int] = {}
    for pk, covered in flags.items():
        by_kind[kinds[pk]] = by_kind.get(kinds[pk], 0) + covered
    total, covered = len(flags), sum(flags.values())
    return Result(
        value=round(100 * covered / total, 1) if total else None,
        breakdown={"kind": by_kind},
        labels={"kind": {k: str(OrgKind(k).label) for k in by_kind}},
    )  # fmt: skip


def head_unit_records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
    units = _head_units(scope).select_related("region")
    return units.filter(kind=key) if dimension == "kind" and key else units


register(Indicator(
    "societies.grassroots_coverage", "“基层三长”覆盖率", "%",
    "医院、学校、农技站中,负责人(院长、校长、站长)已作为“基层三长”进入科协组织的单位所占比例(当前状态)",
    head_coverage, head_unit_records, {"kind": "单位类型"}, MODULE, year_on_year=False,
))  # fmt: skip

register_columns("societies.annualreport", [
    ("organisation", "单位"), ("year", "年度"), ("get_status_display", "状态"), ("submitted_at", "提交时间"),
])  # fmt: skip
register_columns("societies.evaluation", [
    ("organisation", "单位"), ("year", "年度"), ("total", "总分"), ("grade", "等级"),
])  # fmt: skip
register_columns("societies.rectification", [
    ("organisation", "单位"), ("ordered_on", "下达日期"), ("deadline", "整改期限"), ("get_status_display", "状态"),
])  # fmt: skip
register_columns("societies.term", [
    ("organisation", "单位"), ("number", "届次"), ("starts_on", "开始"), ("ends_on", "届满"), ("congress_on", "换届大会"),
])  # fmt: skip
