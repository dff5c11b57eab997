"""Indicators of the office's work: tasks due, done on time, done late, overdue and open;
meetings held; cadres sent to work outside the office; rules issued.

Each figure is one aggregate query over the rows of the period and of the same period a year
earlier. A task belongs to the period of its deadline and to its department (a unit below the
association, in the association's region); cancelled tasks never count.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.office.models import Meeting, OutsideAssignment, Rule, Task, TaskStatus

MODULE = "office"


@dataclass(frozen=True)
class Counter:
    model: type
    date_field: str
    unit: str
    region: str
    distinct: str | None = None
    where: Q = Q()

    def within(self, period: Period) -> Q:
        return Q(**{f"{self.date_field}__gte": period.start, f"{self.date_field}__lt": period.end})

    def count(self, q: Q):
        return Count(self.distinct or "id", filter=q, distinct=self.distinct is not None)

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
        return Result(value=total["cur"], previous=total["prev"])

    def records(self, period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        qs = self.model.objects.filter(self.where).filter(self.within(period))
        return scope.restrict(qs, region=self.region, unit=self.unit)


def _register(
    code: str, name: str, unit: str, description: str, counter: Counter, better: str = "up"
) -> None:
    register(
        Indicator(code, name, unit, description, counter.compute, counter.records, {}, MODULE, better=better)
    )


COUNTED = ~Q(status=TaskStatus.CANCELLED)
TASK = {"unit": "department", "region": "department__region"}
DONE = Q(status=TaskStatus.DONE)

_register("office.tasks_due", "到期任务", "项", "完成时限在期间内的任务数(已撤销的不计)", Counter(
    Task, "deadline", where=COUNTED, **TASK,
))  # fmt: skip
_register("office.tasks_on_time", "按时完成的任务", "项", "完成时限在期间内、完成日期不晚于时限的任务数", Counter(
    Task, "deadline", where=DONE & Q(done_on__lte=F("deadline")), **TASK,
))  # fmt: skip
_register("office.tasks_late", "逾期完成的任务", "项", "完成时限在期间内、完成日期晚于时限的任务数", Counter(
    Task, "deadline", where=DONE & Q(done_on__gt=F("deadline")), **TASK,
), better="down")  # fmt: skip
_register("office.tasks_open", "未完成的任务", "项", "完成时限在期间内、至今仍未完成的任务数", Counter(
    Task, "deadline", where=Q(status=TaskStatus.OPEN), **TASK,
), better="down")  # fmt: skip
_register("office.meetings", "召开会议", "次", "期间内召开的学习会、碰头会、党组会次数", Counter(
    Meeting, "held_on", unit="unit", region="unit__region",
))  # fmt: skip
_register("office.cadres_outside", "外派干部", "人", "期间内开始外派任务(疫情防控、“四进”等)的干部数(同一人计一次)", Counter(
    OutsideAssignment, "start_on", distinct="cadre", unit="cadre__person__unit", region="cadre__person__unit__region",
))  # fmt: skip
_register("office.rules_issued", "制定制度", "项", "期间内印发的制度数", Counter(
    Rule, "issued_on", unit="unit", region="unit__region",
))  # fmt: skip

register_columns("office.task", [("title", "任务"), ("department", "责任处室"), ("owner", "责任人"),
                                 ("deadline", "完成时限"), ("get_status_display", "状态"), ("done_on", "完成日期")])  # fmt: skip
register_columns(
    "office.meeting", [("title", "会议名称"), ("get_kind_display", "会议类型"), ("held_on", "会议日期")]
)
register_columns("office.outsideassignment", [("cadre", "干部"), ("get_kind_display", "类别"), ("title", "工作内容"),
                                              ("start_on", "开始日期")])  # fmt: skip
register_columns("office.rule", [("title", "制度名称"), ("number", "文号"), ("issued_on", "印发日期")])
