"""Indicators of calls and competitions: entries, teams, participants, institutions, provinces,
competitions held, awards by prize and awards at the higher contest (docs/indicators.md).

Each figure is one aggregate over the rows of the period and of the same period a year earlier
(conditional counts give both at once); a breakdown is one GROUP BY more. An entry falls in the
period of its call's closing date; only entries that were submitted count (not drafts, returned
or withdrawn ones)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kexie.calls.codes import CallKind, CallStatus, EntrantKind, EntryStatus, MemberRole
from kexie.calls.models import Call, Entry, EntryMember, HigherResult
from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.directory.codes import DesignationLevel

MODULE = "calls"
COUNTED = (EntryStatus.SUBMITTED, EntryStatus.ACCEPTED, EntryStatus.AWARDED, EntryStatus.NOT_AWARDED)


@dataclass(frozen=True)
class Counter:
    """How to count one model's rows (the same shape as the other modules' counters)."""

    model: type
    date_field: str
    unit: str
    region: str
    distinct: str | None = None
    where: Q = Q()
    group_by: str | None = None
    dimension: str | None = None
    labels: tuple[tuple[str, str], ...] = ()

    def within(self, period: Period) -> Q:
        return Q(**{f"{self.date_field}__gte": period.start, f"{self.date_field}__lt": period.end})

    def rows(self, period: Period, scope: Scope) -> QuerySet:
        qs = self.model.objects.filter(self.where).filter(
            self.within(period) | self.within(period.previous())
        )
        return scope.restrict(qs, region=self.region, unit=self.unit)

    def count(self, q: Q):
        return Count(self.distinct or "id", filter=q, distinct=self.distinct is not None)

    def compute(self, period: Period, scope: Scope) -> Result:
        def run():
            qs = self.rows(period, scope)
            counts = {
                "cur": self.count(self.within(period)),
                "prev": self.count(self.within(period.previous())),
            }
            if not self.group_by:
                return qs.aggregate(**counts), []
            groups = list(qs.values(self.group_by).annotate(**counts).order_by())
            if self.distinct:  # a record may fall in two groups: the total is its own query
                return qs.aggregate(**counts), groups
            return {k: sum(g[k] for g in groups) for k in counts}, groups  # one query for both

        total, groups = scope.memo((MODULE, id(self), period), run)
        result = Result(value=total["cur"], previous=total["prev"])
        if self.dimension:
            labels = dict(self.labels)
            cur = {str(g[self.group_by]): g["cur"] for g in groups if g["cur"] or g["prev"]}
            prev = {str(g[self.group_by]): g["prev"] for g in groups}
            result.breakdown = {self.dimension: cur}
            result.previous_breakdown = {self.dimension: {k: prev.get(k, 0) for k in cur}}
            result.labels = {self.dimension: {k: labels.get(k, k) for k in cur}}
        return result

    def records(self, period: Period, scope: Scope, dimension: str | None = None, key: str | None = None):
        qs = scope.restrict(
            self.model.objects.filter(self.where).filter(self.within(period)),
            region=self.region,
            unit=self.unit,
        )
        if dimension and key is not None and self.group_by:
            qs = qs.filter(**{self.group_by: key})
        return qs


DIMENSION_LABELS = {"kind": "征集类别", "prize": "奖项等级", "higher_prize": "上级竞赛奖项", "title": "荣誉名称",
                    "level": "级别"}  # fmt: skip


def add(code: str, name: str, unit: str, description: str, counter: Counter, module: str = MODULE) -> None:
    dims = {counter.dimension: DIMENSION_LABELS[counter.dimension]} if counter.dimension else {}
    register(Indicator(code, name, unit, description, counter.compute, counter.records, dims, module))


ENTRY = {
    "model": Entry,
    "date_field": "call__closes_on",
    "unit": "submitting_unit",
    "region": "submitting_unit__region",
}
COMPETITION = Q(call__kind=CallKind.COMPETITION, status__in=COUNTED)
KINDS = tuple((str(v), str(label)) for v, label in CallKind.choices)

add("calls.entries", "申报与参赛作品", "项", "截止日期在期间内的征集评选收到的申报(已提交的,不含草稿、退回和撤回),按征集类别分列", Counter(
    **ENTRY, where=Q(status__in=COUNTED), group_by="call__kind", dimension="kind", labels=KINDS,
))  # fmt: skip
add("calls.teams", "参赛队伍", "支", "截止日期在期间内的竞赛中以团队参赛的作品数", Counter(
    **ENTRY, where=COMPETITION & Q(call__entrant_kind=EntrantKind.TEAM),
))  # fmt: skip
add("calls.participants", "参赛人员", "人", "截止日期在期间内的竞赛的参赛成员人数(不含指导教师;一人参加多项按项计)", Counter(
    EntryMember, "entry__call__closes_on", unit="entry__submitting_unit", region="entry__submitting_unit__region",
    where=Q(entry__call__kind=CallKind.COMPETITION, entry__status__in=COUNTED) & ~Q(role=MemberRole.ADVISER),
))  # fmt: skip
add("calls.institutions", "参赛院校", "所", "截止日期在期间内的竞赛中参赛作品所在的院校和单位数(按名录中的单位计,别名归并)", Counter(
    **ENTRY, where=COMPETITION & Q(institution__isnull=False), distinct="institution",
))  # fmt: skip
add("calls.provinces", "参赛省份", "个", "截止日期在期间内的竞赛中参赛作品来自的省份数", Counter(
    **ENTRY, where=COMPETITION & ~Q(province=""), distinct="province",
))  # fmt: skip
add("calls.competitions", "举办竞赛", "项", "截止日期在期间内的竞赛数(不含草稿)", Counter(
    Call, "closes_on", unit="organiser", region="organiser__region",
    where=Q(kind=CallKind.COMPETITION) & ~Q(status=CallStatus.DRAFT),
))  # fmt: skip
add("calls.awards", "竞赛获奖", "项", "结果已确定、截止日期在期间内的竞赛中获奖的作品数,按奖项等级分列", Counter(
    **ENTRY, where=Q(call__kind=CallKind.COMPETITION, call__status=CallStatus.FINAL, status=EntryStatus.AWARDED),
    group_by="prize", dimension="prize",
))  # fmt: skip
add("calls.case_studies", "形成典型案例", "份", "结果已确定、截止日期在期间内的命名认定类征集(如从大赛参赛项目中遴选典型案例)认定的作品数,按奖项等级(案例类别)分列", Counter(
    **ENTRY, where=Q(call__kind=CallKind.DESIGNATION, call__status=CallStatus.FINAL, status=EntryStatus.AWARDED),
    group_by="prize", dimension="prize",
))  # fmt: skip
add("calls.higher_awards", "上级竞赛获奖", "项", "截止日期在期间内的竞赛推荐到上级竞赛并获奖的作品数,按上级奖项分列", Counter(
    **ENTRY, where=Q(call__kind=CallKind.COMPETITION) & ~Q(higher_prize=""), group_by="higher_prize",
    dimension="higher_prize",
))  # fmt: skip

add("calls.recommended_up", "向上级竞赛推荐作品", "项", "截止日期在期间内的竞赛中获奖后在名额内推荐到上级竞赛的作品数", Counter(
    **ENTRY, where=Q(call__kind=CallKind.COMPETITION, recommended_at__isnull=False),
))  # fmt: skip
add("calls.higher_results", "上级竞赛获奖(按级别)", "项", "截止日期在期间内的竞赛推荐到上级竞赛后获奖的结果数,按上级竞赛级别分列(省级、国家级各计)", Counter(
    HigherResult, "entry__call__closes_on", unit="entry__submitting_unit", region="entry__submitting_unit__region",
    where=Q(entry__call__kind=CallKind.COMPETITION, source__isnull=True) & ~Q(prize=""), group_by="level",
    dimension="level",
    labels=tuple((str(v), str(label)) for v, label in DesignationLevel.choices),
))  # fmt: skip

register_columns(
    "calls.higherresult",
    [("entry", "作品"), ("get_level_display", "级别"), ("result", "结果"), ("prize", "奖项")],
)
register_columns("calls.entry", [
    ("code", "编号"), ("title", "名称"), ("entrant_display", "参评人/单位"), ("institution_display", "学校/单位"),
    ("province", "省份"), ("call", "征集评选"), ("get_status_display", "状态"), ("prize", "奖项"),
    ("higher_prize", "上级奖项"),
])  # fmt: skip
register_columns("calls.entrymember", [("name", "姓名"), ("get_role_display", "角色"), ("entry", "作品")])
register_columns(
    "calls.call",
    [("title", "名称"), ("get_kind_display", "类别"), ("year", "年度"), ("closes_on", "截止日期")],
)
