"""Writes of tickets: open, route, assign, respond, wait for the caller, resume, resolve, rate,
and the sweep that flags running clocks past their due time. Keyword-only, atomic, audited.

The clocks: both start when the ticket is opened and run on the queue's working hours
(kexie.core.workdays: working days with their 调休, office hours or round the clock). While the
ticket waits for the caller both stand still (a TicketPause); the first-response clock stops
at the first response, the resolution clock at the resolution, each storing the business time
it ran and whether that exceeded the queue's target. While a clock runs its due instant is
stored (none while paused); `ticket_flag_breaches` marks the running clocks already past due.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit, grants
from kexie.core.models import Grant
from kexie.core.scoping import in_scope
from kexie.core.services import require_state_unchanged, transition
from kexie.core.workdays import WorkingCalendar, business_time, current_calendar, deadline
from kexie.tickets.models import (
    OPEN_STATUSES,
    RESOLVE_FROM,
    RESPOND_FROM,
    RESUME_FROM,
    WAIT_FROM,
    Queue,
    Status,
    Ticket,
    TicketPause,
)

VIEW = "view"


# ---------------------------------------------------------------------------- who may act


def is_member(user, queue: Queue) -> bool:
    if user is None or not getattr(user, "pk", None):
        return False
    return queue.members.filter(pk=user.pk).union(queue.supervisors.filter(pk=user.pk)).exists()


def may_work(user, ticket: Ticket) -> bool:
    """Members and supervisors of the ticket's queue; for a queue that is not sensitive, also
    the editors whose scope holds the ticket's unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if is_member(user, ticket.queue):
        return True
    return not ticket.queue.is_sensitive and user.has_perm(EDIT) and in_scope(user, ticket.unit)


def _require_worker(actor, ticket: Ticket) -> None:
    if actor is not None and not may_work(actor, ticket):
        raise PermissionDenied(_("您不是该工单队列的成员,不能处理此工单"))


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _log(actor, action: str, ticket: Ticket, **kwargs) -> None:
    audit.log(actor=actor, action=action, obj=ticket, unit=ticket.unit, **kwargs)


# ---------------------------------------------------------------------------- visibility


def _viewers(ticket: Ticket) -> set[int]:
    """Users who must be granted the ticket: every member and supervisor of a sensitive queue,
    and of any queue those outside the unit's scope (a society's expert on a county line)."""
    from kexie.accounts.models import User

    queue = ticket.queue
    users = list(
        User.objects.unscoped(reason="the people of one queue")
        .filter(Q(ticket_queues=queue) | Q(supervised_queues=queue))
        .distinct()
    )
    if ticket.assignee_id:
        users.append(ticket.assignee)
    return {u.pk for u in users if queue.is_sensitive or not in_scope(u, ticket.unit)}


def _share(actor, ticket: Ticket, *, new: bool = False) -> None:
    """Set who sees the ticket: the unit's scope (not for a sensitive queue) plus grants. `new`:
    a ticket just saved has no grants yet (skips reading them: the demo opens hundreds)."""
    scope_unit = None if ticket.queue.is_sensitive else ticket.unit
    if ticket.scope_unit_id != (scope_unit.pk if scope_unit else None):
        ticket.scope_unit = scope_unit
        Ticket.objects.of(ticket).update(scope_unit=scope_unit)
    wanted = _viewers(ticket)
    if new and not wanted:
        return
    current = (
        {}
        if new
        else {
            g.user_id: g
            for g in Grant.objects.unscoped(reason="the grants of one ticket, kept in step with its queue")
            .filter(content_type__app_label="tickets", content_type__model="ticket", object_id=ticket.pk)
            .filter(capability=VIEW, revoked_at__isnull=True)
            .select_related("user")
        }
    )
    from kexie.accounts.models import User

    for user in User.objects.unscoped(reason="queue members named by the queue").filter(
        pk__in=wanted - set(current)
    ):
        grants.grant_create(actor=None, user=user, obj=ticket, capability=VIEW, unit=ticket.unit)
    for user_id, grant in current.items():
        if user_id not in wanted:
            grants.grant_revoke(actor=None, grant=grant, unit=ticket.unit)


# ---------------------------------------------------------------------------- the clocks


def pauses_of(ticket: Ticket, until: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    if ticket.pk is None:
        return []
    rows = TicketPause.objects.unscoped(reason="the pauses of a ticket already read").filter(ticket=ticket)
    return [(p.started_at, p.ended_at or until) for p in rows]


def _target(ticket: Ticket, which: str) -> dt.timedelta:
    minutes = (
        ticket.queue.first_response_minutes if which == "first_response" else ticket.queue.resolution_minutes
    )
    return dt.timedelta(minutes=minutes)


def _due(ticket: Ticket, which: str, cal: WorkingCalendar) -> dt.datetime:
    pauses = pauses_of(ticket, ticket.opened_at)  # only closed pauses while the clock runs
    return deadline(
        ticket.opened_at, _target(ticket, which), hours=ticket.queue.hours, pauses=pauses, calendar=cal
    )


STOPPED_AT = {"first_response": "first_response_at", "resolution": "resolved_at"}


def _stop(ticket: Ticket, which: str, at: dt.datetime, cal: WorkingCalendar) -> dict:
    """The values that stop one clock at `at`: its business time and whether it breached."""
    ran = business_time(
        ticket.opened_at, at, hours=ticket.queue.hours, pauses=pauses_of(ticket, at), calendar=cal
    )
    seconds = int(ran.total_seconds())
    return {
        STOPPED_AT[which]: at,
        f"{which}_seconds": seconds,
        f"{which}_breached": ran > _target(ticket, which),
        f"{which}_due": None,
    }


def _running_dues(ticket: Ticket, cal: WorkingCalendar) -> dict:
    values = {"resolution_due": _due(ticket, "resolution", cal)}
    if ticket.first_response_at is None:
        values["first_response_due"] = _due(ticket, "first_response", cal)
    return values


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


# ---------------------------------------------------------------------------- services


@transaction.atomic
def ticket_open(
    *, actor, queue: Queue, subject: str, unit=None, opened_at: dt.datetime | None = None
) -> Ticket:
    """Open a ticket in `queue` (its unit owns it unless `unit` says otherwise). `actor` may
    be None: a caller's web form."""
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": _("主题:请填写")})
    if len(subject) > 200:
        raise ValidationError({"subject": _("主题:不能超过200个字")})
    if not queue.is_active:
        raise ValidationError({"queue": _("队列“%(q)s”已停用") % {"q": queue}})
    ticket = Ticket(queue=queue, unit=unit or queue.unit, subject=subject, opened_at=_now(opened_at))
    ticket.scope_unit = None if queue.is_sensitive else ticket.unit
    cal = current_calendar()
    ticket.first_response_due = _due(ticket, "first_response", cal)
    ticket.resolution_due = _due(ticket, "resolution", cal)
    ticket.save()
    _share(actor, ticket, new=True)
    _log(actor, "kexie.ticket.opened", ticket, after={"queue": queue.code, "status": ticket.status})
    return ticket


@transaction.atomic
def ticket_route(*, actor, ticket: Ticket, queue: Queue) -> Ticket:
    """Send the ticket to another queue: its targets, due times and visibility follow."""
    _require_worker(actor, ticket)
    require_state_unchanged(ticket)
    if not ticket.is_open:
        raise ValidationError(_("工单已解决,不能转派"))
    before = ticket.queue.code
    ticket.queue = queue
    if ticket.assignee_id and not is_member(ticket.assignee, queue):
        ticket.assignee = None
    values = {"queue": queue, "assignee": ticket.assignee}
    if ticket.status != Status.WAITING:
        values.update(_running_dues(ticket, current_calendar()))
    Ticket.objects.of(ticket).update(**values)
    for name, value in values.items():
        setattr(ticket, name, value)
    _share(actor, ticket)
    _log(actor, "kexie.ticket.routed", ticket, before={"queue": before}, after={"queue": queue.code})
    return ticket


@transaction.atomic
def ticket_assign(*, actor, ticket: Ticket, assignee) -> Ticket:
    _require_worker(actor, ticket)
    if assignee is not None and not is_member(assignee, ticket.queue):
        raise ValidationError(
            {"assignee": _("处理人:“%(u)s”不是队列“%(q)s”的成员") % {"u": assignee, "q": ticket.queue}}
        )
    before = str(ticket.assignee or "")
    ticket.assignee = assignee
    Ticket.objects.of(ticket).update(assignee=assignee)
    _share(actor, ticket)
    _log(
        actor,
        "kexie.ticket.assigned",
        ticket,
        before={"assignee": before},
        after={"assignee": str(assignee or "")},
    )
    return ticket


@transaction.atomic
def ticket_respond(
    *, actor, ticket: Ticket, at: dt.datetime | None = None, seen: str | None = None
) -> Ticket:
    """The first response to the caller: stops the first-response clock."""
    _require_worker(actor, ticket)
    at = _now(at)
    values = _stop(ticket, "first_response", at, current_calendar())
    transition(ticket, seen=seen or ticket.status, to=Status.OPEN, allowed_from=RESPOND_FROM, values=values)
    _log(actor, "kexie.ticket.responded", ticket, after={"breached": values["first_response_breached"]})
    return ticket


@transaction.atomic
def ticket_wait(*, actor, ticket: Ticket, reason: str = "", at: dt.datetime | None = None) -> Ticket:
    """Wait for the caller (a photo, a call back): both clocks stand still."""
    _require_worker(actor, ticket)
    at = _now(at)
    if ticket.first_response_at is None:
        ticket_respond(actor=actor, ticket=ticket, at=at)
    values = {"waiting_since": at, "first_response_due": None, "resolution_due": None}
    transition(ticket, seen=ticket.status, to=Status.WAITING, allowed_from=WAIT_FROM, values=values)
    TicketPause.objects.create(ticket=ticket, started_at=at, reason=(reason or "")[:200])
    _log(actor, "kexie.ticket.waiting", ticket, note=reason)
    return ticket


@transaction.atomic
def ticket_resume(*, actor, ticket: Ticket, at: dt.datetime | None = None) -> Ticket:
    """The caller answered: the clocks run again, due times move by the pause."""
    _require_worker(actor, ticket)
    at = _now(at)
    if ticket.waiting_since and at < ticket.waiting_since:
        raise ValidationError(_("恢复时间不能早于等待开始时间"))
    TicketPause.objects.unscoped(reason="the open pause of a ticket already read").filter(
        ticket=ticket, ended_at__isnull=True
    ).update(ended_at=at)
    values = {"waiting_since": None, **_running_dues(ticket, current_calendar())}
    transition(ticket, seen=ticket.status, to=Status.OPEN, allowed_from=RESUME_FROM, values=values)
    _log(actor, "kexie.ticket.resumed", ticket)
    return ticket


@transaction.atomic
def ticket_resolve(*, actor, ticket: Ticket, at: dt.datetime | None = None) -> Ticket:
    """Resolved: stops the resolution clock (and the first-response clock if still running)."""
    _require_worker(actor, ticket)
    at = _now(at)
    if ticket.status == Status.WAITING:
        ticket_resume(actor=actor, ticket=ticket, at=at)
    cal = current_calendar()
    values = _stop(ticket, "resolution", at, cal)
    if ticket.first_response_at is None:
        values.update(_stop(ticket, "first_response", at, cal))
    transition(ticket, seen=ticket.status, to=Status.RESOLVED, allowed_from=RESOLVE_FROM, values=values)
    _log(actor, "kexie.ticket.resolved", ticket, after={"breached": values["resolution_breached"]})
    return ticket


@transaction.atomic
def ticket_rate(*, actor, ticket: Ticket, satisfaction: int, note: str = "") -> Ticket:
    """The caller's satisfaction, 1 (very unsatisfied) to 5 (very satisfied), once resolved.
    `actor` is None when the caller rates through their link."""
    if actor is not None and not may_work(actor, ticket):
        raise PermissionDenied(_("您不是该工单队列的成员,不能处理此工单"))
    if ticket.status != Status.RESOLVED:
        raise ValidationError(_("工单解决后才能评价"))
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("满意度:应为1至5的整数")})
    note = (note or "").strip()[:300]
    Ticket.objects.of(ticket).update(satisfaction=satisfaction, satisfaction_note=note)
    ticket.satisfaction, ticket.satisfaction_note = satisfaction, note
    _log(actor, "kexie.ticket.rated", ticket, after={"satisfaction": satisfaction})
    return ticket


@transaction.atomic
def ticket_flag_breaches(*, actor=None, now: dt.datetime | None = None) -> int:
    """Mark the running clocks already past due (a sweep the worker or `kexie` runs); returns
    how many tickets were newly flagged."""
    now = _now(now)
    base = Ticket.objects.unscoped(reason="the breach sweep looks at every open ticket").filter(
        status__in=OPEN_STATUSES
    )
    late_first = base.filter(first_response_at__isnull=True, first_response_due__lt=now).exclude(
        first_response_breached=True
    )
    late_resolution = base.filter(resolution_due__lt=now).exclude(resolution_breached=True)
    flagged = set(late_first.values_list("pk", flat=True)) | set(late_resolution.values_list("pk", flat=True))
    late_first.update(first_response_breached=True)
    late_resolution.update(resolution_breached=True)
    for ticket in base.filter(pk__in=flagged).select_related("unit"):
        _log(actor, "kexie.ticket.breached", ticket)
    return len(flagged)


# ---------------------------------------------------------------------------- queues

QUEUE_FIELDS = (
    "unit", "code", "name", "clock", "first_response_minutes", "resolution_minutes", "is_sensitive", "is_active",
)  # fmt: skip


@transaction.atomic
def queue_create(*, actor, data: dict, members=(), supervisors=()) -> Queue:
    from kexie.core.services import apply_fields, full_clean_chinese, require_perm, require_unit_in_scope

    require_perm(actor, EDIT)
    queue = Queue()
    apply_fields(queue, data, QUEUE_FIELDS)
    if not queue.unit_id and getattr(actor, "unit", None) is not None:
        queue.unit = actor.unit
    require_unit_in_scope(actor, queue.unit if queue.unit_id else None, "unit")
    full_clean_chinese(queue)
    queue.save()
    queue.members.set(members)
    queue.supervisors.set(supervisors)
    audit.log(actor=actor, action="kexie.queue.created", obj=queue, after=audit.snapshot(queue))
    return queue


@transaction.atomic
def queue_set_people(*, actor, queue: Queue, members=None, supervisors=None) -> Queue:
    """Change who works a queue; the grants of its open tickets follow."""
    from kexie.core.services import require_obj_in_scope, require_perm

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, queue)
    before = {"members": sorted(queue.members.values_list("pk", flat=True)),
              "supervisors": sorted(queue.supervisors.values_list("pk", flat=True))}  # fmt: skip
    if members is not None:
        queue.members.set(members)
    if supervisors is not None:
        queue.supervisors.set(supervisors)
    after = {"members": sorted(queue.members.values_list("pk", flat=True)),
             "supervisors": sorted(queue.supervisors.values_list("pk", flat=True))}  # fmt: skip
    for ticket in Ticket.objects.unscoped(reason="the tickets of a queue whose people changed").filter(
        queue=queue
    ):
        _share(actor, ticket)
    audit.log(actor=actor, action="kexie.queue.changed", obj=queue, before=before, after=after)
    return queue
