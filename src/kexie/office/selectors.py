"""Who sees what in the office, on top of kexie.core.scoping (every read starts with for_user).

- Departments: those in the user's scope (a department's staff: their own; the association's
  staff: all). A 分管领导 (role division_leader, without the association-wide rights of an
  administrator or the personnel role) sees only the departments they are in charge of.
- Tasks, task forces and cadres: those of the visible departments.
- Execution records: one's own always; a department head or 分管领导 (office.lead_department)
  those of the visible departments; the personnel role (office.view_cadre_records) every
  cadre's in scope. Anyone else, a cadre in the same department included, sees none but their
  own: another's record answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from kexie.accounts.roles import OFFICE_LEAD, OFFICE_RECORDS, Role
from kexie.core import workdays
from kexie.office.models import (
    Cadre,
    Department,
    ExecutionRecord,
    Meeting,
    Rule,
    Task,
    TaskForce,
    TaskStatus,
)

AT_RISK_WORKING_DAYS = 3  # an open task whose deadline is this close (in working days) is at risk


def office_wide(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_perm(OFFICE_RECORDS)))


def is_division_leader_only(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Role.DIVISION_LEADER in (user.roles or [])
        and not office_wide(user)
    )


def departments(user) -> QuerySet[Department]:
    qs = Department.objects.for_user(user).select_related("unit", "leader")
    if is_division_leader_only(user):
        qs = qs.filter(leader=user)
    return qs


def _department_units(user) -> QuerySet:
    return departments(user).values("unit_id")


def _narrow(qs: QuerySet, user, field: str) -> QuerySet:
    """Leave a 分管领导 the departments they lead; everyone else keeps their scope."""
    if is_division_leader_only(user):
        return qs.filter(**{f"{field}__in": _department_units(user)})
    return qs


def cadres(user) -> QuerySet[Cadre]:
    qs = Cadre.objects.for_user(user).select_related("person", "person__unit", "user")
    return _narrow(qs, user, "person__unit")


def tasks(user, *, status: str | None = None, department=None, owner=None) -> QuerySet[Task]:
    qs = _narrow(Task.objects.for_user(user), user, "department")
    if status:
        qs = qs.filter(status=status)
    if department is not None:
        qs = qs.filter(department=department)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.select_related("department", "owner__person", "task_force", "decision__meeting", "rule")


def task_forces(user) -> QuerySet[TaskForce]:
    return _narrow(TaskForce.objects.for_user(user), user, "department").select_related(
        "department", "lead__person"
    )


def meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.for_user(user).select_related("unit")


def rules(user) -> QuerySet[Rule]:
    return Rule.objects.for_user(user)


def records(user) -> QuerySet[ExecutionRecord]:
    qs = ExecutionRecord.objects.for_user(user).select_related("cadre__person__unit", "assessed_by")
    if office_wide(user):
        return qs
    own = Q(cadre__user=user) if user.is_authenticated else Q(pk__in=[])
    if user.has_perm(OFFICE_LEAD):
        return qs.filter(own | Q(cadre__person__unit__in=_department_units(user)))
    return qs.filter(own)


def may_assess(user, record: ExecutionRecord) -> bool:
    """A leader (or the personnel role) assesses others' records, never their own."""
    if record.cadre.user_id == user.pk:
        return False
    return office_wide(user) or user.has_perm(OFFICE_LEAD)


# ---------------------------------------------------------------- overdue and at risk


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def overdue(qs: QuerySet[Task], on: dt.date | None = None) -> QuerySet[Task]:
    return qs.filter(status=TaskStatus.OPEN, deadline__lt=on or today())


def at_risk(qs: QuerySet[Task], on: dt.date | None = None) -> QuerySet[Task]:
    """Open tasks due today or within AT_RISK_WORKING_DAYS working days."""
    on = on or today()
    return qs.filter(
        status=TaskStatus.OPEN,
        deadline__gte=on,
        deadline__lte=workdays.add_working_days(on, AT_RISK_WORKING_DAYS),
    )
