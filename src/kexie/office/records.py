"""The task figures of an execution record, computed from the task list (docs/office.md
"Execution records" gives the same definitions):

- a task counts in year Y for cadre C when C is its owner, it is not cancelled, and its
  deadline falls in Y;
- on time: done, with the completion date on or before the deadline;
- late: done, with the completion date after the deadline;
- open: not done yet (as of the day asked); of these, overdue: the deadline has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from kexie.office.models import TaskStatus

COUNTED = ~Q(status=TaskStatus.CANCELLED)


@dataclass(frozen=True)
class TaskFigures:
    total: int
    on_time: int
    late: int
    open: int
    overdue: int

    @property
    def on_time_rate(self) -> float | None:
        """On-time share of the tasks that are done or should have been (overdue)."""
        due = self.on_time + self.late + self.overdue
        return round(100 * self.on_time / due, 1) if due else None


def figure_filters(on: dt.date) -> dict[str, Q]:
    done = Q(status=TaskStatus.DONE)
    return {
        "on_time": done & Q(done_on__lte=F("deadline")),
        "late": done & Q(done_on__gt=F("deadline")),
        "open": Q(status=TaskStatus.OPEN),
        "overdue": Q(status=TaskStatus.OPEN, deadline__lt=on),
    }


def task_figures(tasks: QuerySet, *, year: int, on: dt.date) -> TaskFigures:
    """The figures of `tasks` (already narrowed to a cadre or a department) for `year`."""
    qs = tasks.filter(COUNTED, deadline__year=year)
    counts = qs.aggregate(
        total=Count("pk"), **{k: Count("pk", filter=f) for k, f in figure_filters(on).items()}
    )
    return TaskFigures(**counts)
