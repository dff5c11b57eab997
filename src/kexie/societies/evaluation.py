"""Evaluation (等级评估) on a scoring scheme kept as data: the default scheme (1,000 points over
基础条件, 内部治理, 工作绩效, 社会评价), the rules that score an item from records, grades, the
ranking 优进劣出 uses, and the evaluators' conflicts, found by kexie.engines.contest's rules
(same institution, the avoidance list) rather than a second checker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext as _

from kexie.engines import contest

CATEGORIES = ("基础条件", "内部治理", "工作绩效", "社会评价")

# code, category, name, max points, record rule ("" = scored by hand), points per record
DEFAULT_ITEMS: list[dict] = [
    {"code": "A1", "category": "基础条件", "name": "法人资格与登记事项", "max": 60, "source": ""},
    {"code": "A2", "category": "基础条件", "name": "年度报告按时报送", "max": 40, "source": "annual_report_on_time"},
    {"code": "A3", "category": "基础条件", "name": "办公场所与专职人员", "max": 50, "source": ""},
    {"code": "B1", "category": "内部治理", "name": "党组织建设", "max": 80, "source": "party_organisation"},
    {"code": "B2", "category": "内部治理", "name": "按期换届与民主选举", "max": 70, "source": "term_on_time"},
    {"code": "B3", "category": "内部治理", "name": "财务管理", "max": 90, "source": ""},
    {"code": "B4", "category": "内部治理", "name": "未受整改处理", "max": 60, "source": "no_rectification"},
    {"code": "B5", "category": "内部治理", "name": "会员管理与档案", "max": 50, "source": ""},
    {"code": "C1", "category": "工作绩效", "name": "学术交流活动", "max": 120, "source": "academic_exchanges", "per": 20},
    {"code": "C2", "category": "工作绩效", "name": "科普与决策咨询", "max": 100, "source": "activities", "per": 10},
    {"code": "C3", "category": "工作绩效", "name": "评比表彰与人才举荐", "max": 60, "source": "honours", "per": 15},
    {"code": "C4", "category": "工作绩效", "name": "服务会员与创新驱动", "max": 70, "source": ""},
    {"code": "D1", "category": "社会评价", "name": "会员满意度", "max": 70, "source": ""},
    {"code": "D2", "category": "社会评价", "name": "业务主管单位评价", "max": 50, "source": ""},
    {"code": "D3", "category": "社会评价", "name": "社会影响与媒体报道", "max": 30, "source": ""},
]  # fmt: skip
DEFAULT_GRADES: list = [[900, "5A"], [800, "4A"], [700, "3A"], [600, "2A"], [500, "1A"]]
NO_GRADE = "未定级"
SCHEME_TOTAL = 1000


def scheme_problem(items: list[dict], grades: list) -> str | None:
    """Why a scheme is not usable (Chinese), else None: items with code, category, name, a
    positive max, a known rule; 1,000 points in all; grade lines from high to low."""
    if not items:
        return _("评分细则:不能为空")
    seen = set()
    for n, item in enumerate(items, 1):
        code = str(item.get("code", "")).strip()
        if not code or code in seen:
            return _("评分细则第%(n)d项:编号为空或重复") % {"n": n}
        seen.add(code)
        if item.get("category") not in CATEGORIES:
            return _("评分细则第%(n)d项:类别应为%(c)s之一") % {"n": n, "c": "、".join(CATEGORIES)}
        if not str(item.get("name", "")).strip():
            return _("评分细则第%(n)d项:名称为空") % {"n": n}
        if not isinstance(item.get("max"), int) or item["max"] <= 0:
            return _("评分细则第%(n)d项:分值应为正整数") % {"n": n}
        if item.get("source") and item["source"] not in RULES:
            return _("评分细则第%(n)d项:计分规则“%(r)s”不存在") % {"n": n, "r": item["source"]}
    total = sum(i["max"] for i in items)
    if total != SCHEME_TOTAL:
        return _("评分细则:总分应为%(t)d分,现为%(s)d分") % {"t": SCHEME_TOTAL, "s": total}
    lines = [g[0] for g in grades]
    if lines != sorted(lines, reverse=True) or any(not (0 < x <= SCHEME_TOTAL) for x in lines):
        return _("等级线:应从高到低,且在0至%(t)d之间") % {"t": SCHEME_TOTAL}
    return None


def grade_of(scheme, total: Decimal) -> str:
    for line, grade in scheme.grades:
        if total >= line:
            return grade
    return NO_GRADE


# ---------------------------------------------------------------------- scores from records


def _year_range(year: int):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _count_activities(org, year, academic: bool) -> int:
    from kexie.activities.models import Activity

    qs = Activity.objects.within(org).approved().in_year(year)
    return qs.filter(kind__code__startswith="academic").count() if academic else qs.count()


def _rule_academic(item, ev):
    n = _count_activities(ev.organisation, ev.year, True)
    return min(item["max"], n * item.get("per", 10)), _("本年度学术交流活动%(n)d次(活动台账)") % {"n": n}


def _rule_activities(item, ev):
    n = _count_activities(ev.organisation, ev.year, False)
    return min(item["max"], n * item.get("per", 10)), _("本年度已审核活动%(n)d项(活动台账)") % {"n": n}


def _rule_honours(item, ev):
    from kexie.honours.models import Honour

    n = Honour.objects.within(ev.organisation).filter(year=ev.year).count()
    return min(item["max"], n * item.get("per", 10)), _("本年度登记荣誉%(n)d项") % {"n": n}


def _rule_report(item, ev):
    from kexie.societies.models import AnnualReport, ReportStatus
    from kexie.societies.rules import first_review_due

    report = (
        AnnualReport.objects.within(ev.organisation)
        .filter(organisation=ev.organisation, year=ev.year - 1)
        .first()
    )
    due = first_review_due(ev.year - 1)
    on_time = bool(report and report.submitted_at and report.submitted_at.date() <= due
                   and report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED))  # fmt: skip
    if on_time:
        return item["max"], _("%(y)d年度报告于%(d)s提交") % {
            "y": ev.year - 1,
            "d": report.submitted_at.date(),
        }
    return 0, _("%(y)d年度报告未在%(d)s前提交") % {"y": ev.year - 1, "d": due}


def _rule_party(item, ev):
    from kexie.directory.models import OrganisationYear

    record = (
        OrganisationYear.objects.within(ev.organisation)
        .filter(organisation=ev.organisation, year=ev.year)
        .first()
    )
    if record and record.has_party_organisation:
        return item["max"], _("已建立党组织(%(f)s)") % {"f": record.get_party_form_display() or _("已建立")}
    return 0, _("本年度未建立党组织")


def _rule_rectification(item, ev):
    from kexie.societies.models import Rectification

    start, end = _year_range(ev.year)
    n = Rectification.objects.within(ev.organisation).filter(ordered_on__range=(start, end)).count()
    return (item["max"], _("本年度未被责令整改")) if n == 0 else (0, _("本年度被责令整改%(n)d次") % {"n": n})


def _rule_term(item, ev):
    from kexie.societies.models import Term

    start, end = _year_range(ev.year)
    overdue = (
        Term.objects.within(ev.organisation)
        .filter(organisation=ev.organisation, ends_on__lt=end, congress_on__isnull=True)
        .exclude(organisation__terms__starts_on__gt=start)
    )
    if overdue.exists():
        return 0, _("届满未按期换届")
    return item["max"], _("按期换届")


RULES = {
    "academic_exchanges": _rule_academic,
    "activities": _rule_activities,
    "honours": _rule_honours,
    "annual_report_on_time": _rule_report,
    "party_organisation": _rule_party,
    "no_rectification": _rule_rectification,
    "term_on_time": _rule_term,
}


def score_from_records(item: dict, evaluation) -> tuple[Decimal, str]:
    score, evidence = RULES[item["source"]](item, evaluation)
    return Decimal(score), evidence


# ---------------------------------------------------------------------- evaluators' conflicts


def _institutions(person) -> tuple[str, ...]:
    from kexie.directory.models import Affiliation

    names = [person.unit.name]
    names += (
        Affiliation.objects.within(person.unit)
        .filter(person=person)
        .values_list("organisation__name", flat=True)
    )
    return tuple(names)


def conflicted(org, evaluators: list) -> list[tuple[object, str]]:
    """The evaluators in conflict with `org`, with why (kexie.engines.contest's exclusions):
    from the same institution, or an officer of the society (listed as a declared relation)."""
    from kexie.societies import offices

    if not evaluators:
        return []
    officers = {p.person_id for p in offices.positions([org.pk])}
    entry = contest.Entry(id=str(org.pk), institutions=(org.name,))
    judges = [contest.Judge(id=str(p.pk), institutions=_institutions(p)) for p in evaluators]
    listed = [
        contest.Conflict(str(org.pk), str(p.pk), contest.DECLARED_RELATION)
        for p in evaluators
        if p.pk in officers
    ]
    result = contest.assign(
        [entry], judges, per_entry=1, max_load=1, conflicts=listed, affinity=np.zeros((1, len(judges)))
    )
    by_id = {str(p.pk): p for p in evaluators}
    return [(by_id[x.judge], "、".join(x.reasons)) for x in result.exclusions]


# ---------------------------------------------------------------------- ranking


def ranking(evaluations) -> list[tuple[int, object]]:
    """Finished evaluations, best first, with their rank (equal totals share a rank)."""
    rows = sorted(
        (e for e in evaluations if e.total is not None), key=lambda e: (-e.total, e.organisation.name)
    )
    ranked, rank, last = [], 0, None
    for n, ev in enumerate(rows, 1):
        if ev.total != last:
            rank, last = n, ev.total
        ranked.append((rank, ev))
    return ranked
