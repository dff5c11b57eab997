"""Indicators of volunteers and training: volunteers, teams, service sessions, hours, late
records; people trained, courses, 农技协 leaders trained.

Each figure is one aggregate query over the rows of the period and of the same period a year
earlier (conditional aggregates give both at once). Only recorded service entries count; a
service session is its ledger activity, counted once however many volunteers served.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.volunteers.models import Course, Enrolment, RecordStatus, ServiceRecord

MODULE = "volunteers"


@dataclass(frozen=True)
class Counter:
    model: type
    date_field: str
    unit: str
    region: str
    distinct: str | None = None
    where: Q = Q()
    total: str | None = None  # a Decimal field to sum (hours), stated in whole hours

    def within(self, period: Period) -> Q:
        return Q(**{f"{self.date_field}__gte": period.start, f"{self.date_field}__lt": period.end})

    def count(self, q: Q):
        if self.total:
            return Sum(self.total, filter=q)
        return Count(self.distinct or "id", filter=q, distinct=self.distinct is not None)

    def number(self, value):
        if not self.total:
            return value
        return int(Decimal(value or 0).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def compute(self, period: Period, scope: Scope) -> Result:
        def run():
            qs = self.model.objects.filter(self.where).filter(
                self.within(period) | self.within(period.previous())
            )
            qs = scope.restrict(qs, region=self.region, unit=self.unit)
            return qs.aggregate(
                cur=self.count(self.within(period)), prev=self.count(self.within(period.previous()))
            )

        total = scope.memo((MODULE, id(self), period), run)
        return Result(value=self.number(total["cur"]), previous=self.number(total["prev"]))

    def records(self, period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        qs = self.model.objects.filter(self.where).filter(self.within(period))
        return scope.restrict(qs, region=self.region, unit=self.unit)


def _register(
    code: str, name: str, unit: str, description: str, counter: Counter, better: str = "up"
) -> None:
    register(
        Indicator(code, name, unit, description, counter.compute, counter.records, {}, MODULE, better=better)
    )


RECORDED = Q(status=RecordStatus.RECORDED)
SERVICE = {"unit": "organising_unit", "region": "county"}
COURSE = {"unit": "course__activity__reporting_unit", "region": "course__activity__region"}

_register("volunteers.volunteers", "参与服务的志愿者", "人", "期间内有已记录服务的志愿者数(同一人计一次)", Counter(
    ServiceRecord, "served_on", distinct="volunteer", where=RECORDED, **SERVICE,
))  # fmt: skip
_register("volunteers.teams", "开展服务的志愿服务队", "支", "期间内有已记录服务的志愿服务队数", Counter(
    ServiceRecord, "served_on", distinct="team", where=RECORDED, **SERVICE,
))  # fmt: skip
_register("volunteers.sessions", "志愿服务活动", "场", "期间内有已记录服务的活动数(每场活动计一次)", Counter(
    ServiceRecord, "served_on", distinct="activity", where=RECORDED, **SERVICE,
))  # fmt: skip
_register("volunteers.hours", "志愿服务时长", "小时", "期间内已记录的服务时长之和(四舍五入到小时)", Counter(
    ServiceRecord, "served_on", where=RECORDED, total="hours", **SERVICE,
))  # fmt: skip
_register("volunteers.late_records", "逾期录入的服务记录", "条", "服务结束后超过10个工作日才录入的记录数(未通过的不计)", Counter(
    ServiceRecord, "served_on", where=Q(is_late=True) & ~Q(status=RecordStatus.DECLINED), **SERVICE,
), better="down")  # fmt: skip
_register("volunteers.people_trained", "培训人数", "人", "期间内结业的学员数(同一人参加多个课程各计一次,同一课程计一次)", Counter(
    Enrolment, "completed_on", **COURSE,
))  # fmt: skip
_register("volunteers.courses", "培训班次", "个", "期间内开班的培训课程数(每个课程即一项台账活动)", Counter(
    Course, "activity__start_date", unit="activity__reporting_unit", region="activity__region",
))  # fmt: skip
_register("volunteers.leaders_trained", "培养农技协带头人", "人", "期间内结业并担任农技协负责人的学员数(同一人计一次)", Counter(
    Enrolment, "completed_on", distinct="person", where=Q(leader_of__isnull=False), **COURSE,
))  # fmt: skip

register_columns("volunteers.servicerecord", [
    ("volunteer", "志愿者"), ("activity", "服务活动"), ("served_on", "服务日期"), ("hours", "服务时长(小时)"),
    ("organising_unit", "组织单位"),
])  # fmt: skip
register_columns(
    "volunteers.enrolment", [("person", "学员"), ("course", "课程"), ("completed_on", "结业日期")]
)
register_columns("volunteers.course", [("activity", "课程"), ("get_kind_display", "培训类别")])
