"""Indicators of 科技经济融合: visits, demands, intentions, signings, societies by level, forums,
and the patent-information service (registrations, searches, selections).

Each figure is one aggregate query over event rows of the period and of the same period a year
earlier (conditional counts give both at once); breakdowns are one GROUP BY more.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.innovation.codes import DemandStatus, EngagementKind, ForumKind, SocietyLevel
from kexie.innovation.models import (
    Agreement,
    Demand,
    DemandEvent,
    EnterpriseVisit,
    Forum,
    PatentPromotionAttendance,
    PatentSearchEvent,
    PatentSelection,
    PatentServiceRegistration,
    SocietyEngagement,
)

MODULE = "innovation"


@dataclass(frozen=True)
class Counter:
    """How to count one model's rows: date field (a `DateTimeField` is compared by local date),
    the paths to its owner unit and region for scoping, what is counted (distinct) and by what
    it is broken down."""

    model: type
    date_field: str
    unit: str
    region: str | tuple[str, ...] | None = None
    distinct: str | None = None
    where: Q = Q()
    dimension: str | None = None
    group_by: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    is_datetime: bool = False
    total: str | None = None  # a money field (元, Decimal) to sum instead of counting rows

    @property
    def day(self) -> str:
        return f"{self.date_field}__date" if self.is_datetime else self.date_field

    def within(self, period: Period) -> Q:
        return Q(**{f"{self.day}__gte": period.start, f"{self.day}__lt": period.end})

    def rows(self, period: Period, scope: Scope) -> QuerySet:
        qs = self.model.objects.filter(self.where).filter(
            self.within(period) | self.within(period.previous())
        )
        return scope.restrict(qs, region=self.region, unit=self.unit)

    def count(self, q: Q):
        if self.total:
            return Sum(self.total, filter=q)
        return Count(self.distinct or "id", filter=q, distinct=self.distinct is not None)

    def number(self, value):
        """Counts as they are; money summed exactly (Decimal), then stated in whole yuan."""
        if not self.total:
            return value
        return int((value or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def compute(self, period: Period, scope: Scope) -> Result:
        def run():
            qs = self.rows(period, scope)
            counts = {
                "cur": self.count(self.within(period)),
                "prev": self.count(self.within(period.previous())),
            }
            total = qs.aggregate(**counts)
            groups = list(qs.values(self.group_by).annotate(**counts).order_by()) if self.group_by else []
            return total, groups

        total, groups = scope.memo((MODULE, id(self), period), run)
        result = Result(value=self.number(total["cur"]), previous=self.number(total["prev"]))
        if self.dimension:
            labels = dict(self.labels)
            cur = {str(g[self.group_by]): g["cur"] for g in groups if g["cur"] or g["prev"]}
            for key in labels:
                cur.setdefault(key, 0)
            prev = {str(g[self.group_by]): g["prev"] for g in groups}
            result.breakdown = {self.dimension: cur}
            result.previous_breakdown = {self.dimension: {k: prev.get(k, 0) for k in cur}}
            result.labels = {self.dimension: {k: labels.get(k, k) for k in cur}}
        return result

    def records(
        self, period: Period, scope: Scope, dimension: str | None = None, key: str | None = None
    ) -> QuerySet:
        qs = self.model.objects.filter(self.where).filter(self.within(period))
        qs = scope.restrict(qs, region=self.region, unit=self.unit)
        if dimension and key is not None and self.group_by:
            qs = qs.filter(**{self.group_by: key})
        return qs


def _register(code: str, name: str, unit: str, description: str, counter: Counter) -> None:
    dims = {counter.dimension: _DIMENSION_LABELS[counter.dimension]} if counter.dimension else {}
    register(Indicator(code, name, unit, description, counter.compute, counter.records, dims, MODULE))


_DIMENSION_LABELS = {"industry": "行业", "level": "学会级别", "kind": "活动类型", "forum": "签约活动"}
_LEVELS = tuple((str(v), str(label)) for v, label in SocietyLevel.choices)
ENTERPRISE = {"unit": "enterprise", "region": "enterprise__region"}
# An engagement about a demand lies in the demand's enterprise's county, any other in its unit's.
ENGAGEMENT = {"unit": "unit", "region": ("demand__enterprise__region", "unit__region")}
HOST = {"unit": "host_unit", "region": "host_unit__region"}

_register("innovation.enterprises_visited", "走访企业", "家", "期间内有走访记录的企业数(同一企业多次走访计一家)", Counter(
    EnterpriseVisit, "visited_on", distinct="enterprise", **ENTERPRISE,
))  # fmt: skip
_register("innovation.demands_collected", "征集技术需求", "项", "征集日期在期间内的技术需求数(含已关闭),按行业分列", Counter(
    Demand, "collected_on", dimension="industry", group_by="industry", **ENTERPRISE,
))  # fmt: skip
_register("innovation.intentions", "达成合作意向的需求", "项", "期间内进入“达成意向”阶段的技术需求数(按需求进展记录计)", Counter(
    DemandEvent, "on", unit="demand__enterprise", region="demand__enterprise__region", distinct="demand",
    where=Q(to_status=DemandStatus.INTENTION),
))  # fmt: skip
_register("innovation.agreements_signed", "签约项目", "项", "签约日期在期间内的项目数(需求签约和对接活动上的签约)", Counter(
    Agreement, "signed_on", unit="unit", region="unit__region",
))  # fmt: skip
_register("innovation.societies_engaged", "合作学会", "家", "期间内有对接、合作意向或合作协议记录的学会数,按学会级别分列", Counter(
    SocietyEngagement, "on", **ENGAGEMENT, distinct="society", dimension="level", group_by="level", labels=_LEVELS,
))  # fmt: skip
_register("innovation.societies_matched", "开展需求对接的学会", "家", "期间内与技术需求对接的学会数,按学会级别分列", Counter(
    SocietyEngagement, "on", **ENGAGEMENT, distinct="society", where=Q(kind=EngagementKind.MATCHMAKING),
    dimension="level", group_by="level", labels=_LEVELS,
))  # fmt: skip
_register("innovation.society_intentions", "达成合作意向的学会", "家", "期间内达成合作意向或签订合作协议的学会数,按学会级别分列", Counter(
    SocietyEngagement, "on", **ENGAGEMENT, distinct="society",
    where=Q(kind__in=[EngagementKind.INTENTION, EngagementKind.COOPERATION_AGREEMENT]),
    dimension="level", group_by="level", labels=_LEVELS,
))  # fmt: skip
_register("innovation.forums", "对接活动", "场", "期间内举办的院士恳谈会、产学研合作会等对接活动数,按类型分列", Counter(
    Forum, "held_on", **HOST, dimension="kind", group_by="kind",
    labels=tuple((str(v), str(label)) for v, label in ForumKind.choices),
))  # fmt: skip
_register("innovation.forum_academicians", "邀请院士专家", "人", "期间内对接活动邀请的院士专家人数(同一人计一次)", Counter(
    Forum, "held_on", **HOST, distinct="academicians",
))  # fmt: skip
_register("innovation.patent_registrations", "专利信息服务注册企业", "家", "期间内注册专利信息服务的企业数", Counter(
    PatentServiceRegistration, "registered_at", is_datetime=True, distinct="enterprise", **ENTERPRISE,
))  # fmt: skip
_register("innovation.patent_searches", "专利检索量", "次", "期间内专利检索次数(每次检索记一条检索记录,翻页不计)", Counter(
    PatentSearchEvent, "at", is_datetime=True, unit="unit", region="unit__region",
))  # fmt: skip
_register("innovation.patent_selections", "专利遴选量", "件", "期间内遴选进清单的专利件次(按遴选记录计)", Counter(
    PatentSelection, "at", is_datetime=True, unit="selection_list__unit", region="selection_list__unit__region",
))  # fmt: skip

_register("innovation.patent_savings", "专利遴选节约研发投入", "元", "期间内遴选的专利(按遴选时间)中企业报告的节约研发投入之和(元,精确到分求和后四舍五入到元;未报告的不计)", Counter(
    PatentSelection, "at", is_datetime=True, unit="selection_list__unit", region="selection_list__unit__region",
    total="saving",
))  # fmt: skip
_register("innovation.patent_enterprises_reached", "专利信息推广企业", "家", "期间内举办的专利信息推广会的参会企业数(同一企业参加多场计一家)", Counter(
    PatentPromotionAttendance, "promotion__held_on", distinct="enterprise", **ENTERPRISE,
))  # fmt: skip

register_columns(
    "innovation.enterprisevisit", [("enterprise", "企业"), ("visited_on", "走访日期"), ("staff", "走访人员")]
)
register_columns("innovation.demand", [
    ("title", "需求名称"), ("enterprise", "企业"), ("industry", "行业"), ("collected_on", "征集日期"),
    ("get_status_display", "状态"),
])  # fmt: skip
register_columns(
    "innovation.demandevent", [("demand", "技术需求"), ("get_to_status_display", "阶段"), ("on", "日期")]
)
register_columns("innovation.agreement", [
    ("title", "项目名称"), ("parties", "签约各方"), ("amount", "金额(万元)"), ("signed_on", "签约日期"), ("forum", "签约活动"),
])  # fmt: skip
register_columns("innovation.societyengagement", [
    ("society", "学会"), ("get_level_display", "级别"), ("get_kind_display", "合作形式"), ("on", "日期"),
])  # fmt: skip
register_columns(
    "innovation.forum",
    [("name", "名称"), ("get_kind_display", "类型"), ("held_on", "日期"), ("venue", "地点")],
)
register_columns(
    "innovation.patentserviceregistration", [("enterprise", "企业"), ("registered_at", "注册时间")]
)
register_columns(
    "innovation.patentsearchevent",
    [("unit", "单位"), ("query", "检索词"), ("result_count", "结果数"), ("at", "时间")],
)
register_columns(
    "innovation.patentselection",
    [("selection_list", "遴选清单"), ("patent", "专利"), ("at", "时间"), ("saving", "节约研发投入(元)")],
)
register_columns("innovation.patentpromotionattendance", [("promotion", "推广会"), ("enterprise", "企业")])
