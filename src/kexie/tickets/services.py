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
    NOTE_MAX,
    OPEN_STATUSES,
    RESOLVE_FROM,
    RESPOND_FROM,
    RESUME_FROM,
    WAIT_FROM,
    Queue,
    Status,
    Ticket,
    TicketNote,
    TicketPause,
)
from kexie.tickets.signals import ticket_changed

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
    ticket_changed.send(sender=Ticket, ticket=ticket)  # every write of a ticket ends in its audit entry


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


def _clean_note(text: str, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({"note": _("处理情况:必须填写(说明做了什么、结果如何)")})
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"note": _("处理情况:最多 %(n)d 个字,现有 %(m)d 个字") % {"n": NOTE_MAX, "m": len(text)}}
        )
    return text


@transaction.atomic
def ticket_note(
    *, actor, ticket: Ticket, text: str, step: str = "", at: dt.datetime | None = None
) -> TicketNote:
    """Record what was done on a ticket (a progress note, the answer, how it was handled).
    Open or resolved, a ticket keeps its notes; the audit entry names the note, not its words."""
    _require_worker(actor, ticket)
    note = TicketNote.objects.create(
        ticket=ticket, author=_user_or_none(actor), step=step[:20], text=_clean_note(text, required=True),
        written_at=_now(at),
    )  # fmt: skip
    _log(
        actor,
        "kexie.ticket.noted",
        ticket,
        after={"note": note.pk, "step": step, "characters": len(note.text)},
    )
    return note


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


def ticket_clocks_recompute(tickets, *, now: dt.datetime | None = None) -> list[int]:
    """Recompute the clocks of `tickets` under the calendar as it stands now (after a change of
    the holiday table): a stopped clock's business time and breach, a running clock's due time
    and, unless the ticket is waiting for the caller, whether it is past due. Writes only the
    tickets whose values change; returns their ids (no audit here: the caller logs the batch)."""
    now, cal, changed = _now(now), current_calendar(), []
    for ticket in tickets:
        values: dict = {}
        for which in ("first_response", "resolution"):
            stopped_at = getattr(ticket, STOPPED_AT[which])
            if stopped_at is not None:
                values.update(_stop(ticket, which, stopped_at, cal))
            else:
                due = values[f"{which}_due"] = _due(ticket, which, cal)
                if ticket.waiting_since is None:
                    values[f"{which}_breached"] = due < now
        values = {name: value for name, value in values.items() if getattr(ticket, name) != value}
        if values:
            Ticket.objects.of(ticket).update(**values)
            for name, value in values.items():
                setattr(ticket, name, value)
            changed.append(ticket.pk)
    return changed


# ---------------------------------------------------------------------------- past tickets in bulk


def _stopped(queue: Queue, opened: dt.datetime, at: dt.datetime, pauses, which: str, cal) -> dict:
    """As `_stop`, for a ticket not saved yet: the pauses begun before `at` count, up to `at`."""
    ran = business_time(
        opened, at, hours=queue.hours, pauses=[(s, min(e, at)) for s, e in pauses if s < at], calendar=cal
    )
    minutes = queue.first_response_minutes if which == "first_response" else queue.resolution_minutes
    return {
        STOPPED_AT[which]: at,
        f"{which}_seconds": int(ran.total_seconds()),
        f"{which}_breached": ran > dt.timedelta(minutes=minutes),
    }


def _past_ticket(entry: dict, cal) -> tuple[Ticket, list]:
    queue = entry["queue"]
    subject = (entry.get("subject") or "").strip()
    opened, resolved = entry["opened_at"], entry["resolved_at"]
    first = entry.get("first_response_at") or resolved
    pauses = sorted(entry.get("pauses") or ())
    if not subject or len(subject) > 200:
        raise ValidationError(_("主题:请填写,不能超过200个字"))
    if not opened <= first <= resolved:
        raise ValidationError(_("时间:应受理在前、首次响应其次、解决在后"))
    previous_end = first
    for start, end in pauses:  # a wait begins after the first response, ends before the resolution
        if not previous_end <= start <= end <= resolved:
            raise ValidationError(_("等待来电人:应在首次响应与解决之间,且互不重叠"))
        previous_end = end
    satisfaction = entry.get("satisfaction")
    if satisfaction is not None and (not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5):
        raise ValidationError(_("满意度:应为1至5的整数"))
    ticket = Ticket(
        queue=queue, unit=entry.get("unit") or queue.unit, subject=subject, opened_at=opened,
        status=Status.RESOLVED, satisfaction=satisfaction, satisfaction_note=(entry.get("satisfaction_note") or "")[:300],
        **_stopped(queue, opened, first, pauses, "first_response", cal),
        **_stopped(queue, opened, resolved, pauses, "resolution", cal),
    )  # fmt: skip
    ticket.scope_unit = None if queue.is_sensitive else ticket.unit
    return ticket, pauses


@transaction.atomic
def tickets_record_bulk(*, actor, entries) -> list[Ticket]:
    """Tickets already handled before they were entered (a notebook's past calls, the demo's
    year): each entry names queue, subject, opened_at, resolved_at, optionally first_response_at
    (default the resolution), pauses [(start, end)] while waiting for the caller, satisfaction.
    The clocks are stored as the services would have stored them (same calendar, same pauses);
    checked row by row, all or nothing (refused rows named “第N条”); tickets, pauses and the
    grants of the queues' people saved in one statement each; one audit entry per unit names the
    batch. The actor must be able to work in every queue named."""
    entries = list(entries)
    cal = current_calendar()
    built, errors = [], {}
    may = {}
    for n, entry in enumerate(entries, start=1):
        queue = entry["queue"]
        try:
            ticket, pauses = _past_ticket(entry, cal)
            key = (queue.pk, ticket.unit_id)
            if key not in may:
                may[key] = actor is None or may_work(actor, ticket)
            if not may[key]:
                raise ValidationError(_("您不是队列“%(q)s”的成员,不能登记此工单") % {"q": queue})
            built.append((ticket, pauses))
        except ValidationError as exc:
            errors[f"第{n}条"] = exc.messages
    if errors:
        raise ValidationError(errors)
    tickets = Ticket.objects.bulk_create([t for t, _p in built], batch_size=500)
    TicketPause.objects.bulk_create(
        [TicketPause(ticket=t, started_at=s, ended_at=e, reason=_("等待来电人")) for t, ps in built for s, e in ps],
        batch_size=500,
    )  # fmt: skip
    _share_bulk(tickets)
    by_unit: dict = {}
    for ticket in tickets:
        by_unit.setdefault(ticket.unit_id, []).append(ticket)
    for group in by_unit.values():
        audit.log(
            actor=_user_or_none(actor), action="kexie.ticket.recorded_in_bulk", unit=group[0].unit,
            object_type="tickets.ticket", object_repr=_("%(n)d件已办结工单") % {"n": len(group)},
            after={"count": len(group), "tickets": [t.pk for t in group]},
        )  # fmt: skip
    return tickets


def _share_bulk(tickets: list[Ticket]) -> None:
    """The grants `_share` would give each new ticket, for many at once (the viewers depend only
    on the queue and the unit: no assignee yet)."""
    from django.contrib.contenttypes.models import ContentType

    viewers: dict = {}
    rows = []
    content_type = ContentType.objects.get_for_model(Ticket)
    for ticket in tickets:
        key = (ticket.queue_id, ticket.unit_id)
        if key not in viewers:
            viewers[key] = _viewers(ticket)
        rows += [
            Grant(user_id=u, content_type=content_type, object_id=ticket.pk, capability=VIEW)
            for u in viewers[key]
        ]
    if not rows:
        return
    Grant.objects.bulk_create(rows, batch_size=500)
    of = {t.pk: t for t in tickets}
    by_unit: dict = {}
    for grant in rows:
        ticket = of[grant.object_id]
        by_unit.setdefault(ticket.unit_id, (ticket.unit, []))[1].append(grant.pk)
    for unit, ids in by_unit.values():
        audit.log(
            actor=None, action="kexie.grant.created", unit=unit, object_type="core.grant",
            object_repr=_("%(n)d项工单查看授权") % {"n": len(ids)},
            after={"count": len(ids), "grants": ids, "capability": VIEW},
        )  # fmt: skip


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
