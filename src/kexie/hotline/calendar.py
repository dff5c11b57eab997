"""When the working-day calendar changes (a row of the holiday table saved or deleted, on
/core/holidays/), the consultations whose service-level clocks run over that day are brought
in line: their tickets' clocks are recomputed under the new calendar (deadlines, business time,
breaches: `tickets.ticket_clocks_recompute`), the consultations' outcome copies
(`outcomes.sync`) follow, and so do the due times of the call-back tasks that were computed
from the calendar (four working hours from when the task was set; a due time the operator gave
stays); one audit entry says what moved (none when nothing did).

Connected in `HotlineConfig.ready` to the holiday table's post_save and post_delete. When at
most `INLINE_MAX` tickets and call-backs may run over the day, the resync runs at once, in the
calendar change's transaction; above that the request only saves the day and queues a
background job (`kexie.hotline.jobs`, kind `hotline_calendar_resync`), started when the change
commits, which resyncs under the calendar as it then stands (a second change of the same day
while the job waits queues no second job)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from kexie.core import audit
from kexie.tickets.models import Clock, Ticket

# a clock "runs over" a day when it starts before the day is over and is not stopped before it
# begins; a day's margin either side covers any time zone's local day
MARGIN = dt.timedelta(days=1)
INLINE_MAX = 500  # tickets and call-backs to check: more, and the resync is a background job


def _window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return midnight - MARGIN, midnight + dt.timedelta(days=1) + MARGIN


def affected_tickets(day: dt.date):
    """The hotline's tickets on the office calendar whose clocks may run over `day`."""
    from kexie.hotline.models import Consultation

    start, end = _window(day)
    ticket_ids = Consultation.objects.unscoped(reason="a calendar change concerns every consultation").values(
        "ticket_id"
    )
    return (
        Ticket.objects.unscoped(reason="the clocks of the hotline's tickets under the new calendar")
        .filter(pk__in=ticket_ids, opened_at__lt=end)
        .exclude(queue__clock=Clock.ROUND_THE_CLOCK)  # a 24-hour line ignores the calendar
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start))
        .select_related("queue")
        .order_by("pk")
    )


def affected_callbacks(day: dt.date):
    """The call-back tasks whose due time was computed from the calendar and may move with
    `day`: set before the day ends, due after it begins (under the old calendar)."""
    from kexie.hotline.models import Callback

    start, end = _window(day)
    return (
        Callback.objects.unscoped(reason="a calendar change concerns every call-back's due time")
        .filter(due_within__isnull=False, created_at__lt=end, due_at__gte=start)
        .order_by("pk")
    )


def callbacks_recompute(callbacks) -> list[int]:
    """Recompute the due times of `callbacks` under the current calendar; the ids that moved."""
    from kexie.core.workdays import OFFICE_HOURS, current_calendar, deadline
    from kexie.hotline.models import Callback

    cal = current_calendar()
    moved = []
    for callback in callbacks:
        due = deadline(callback.created_at, callback.due_within, hours=OFFICE_HOURS, calendar=cal)
        if due != callback.due_at:
            callback.due_at = due
            moved.append(callback)
    Callback.objects.unscoped(reason="due times under the new calendar").bulk_update(moved, ["due_at"])
    return [c.pk for c in moved]


def resync(day: dt.date, *, now: dt.datetime | None = None, progress=None) -> int:
    """Recompute the clocks, outcomes and call-back due times that depend on `day`; returns how
    many tickets and call-backs changed."""
    from kexie.hotline import outcomes
    from kexie.tickets.services import ticket_clocks_recompute

    tickets = list(affected_tickets(day))
    callbacks = list(affected_callbacks(day))
    if progress is not None:
        progress.update(done=0, total=len(tickets) + len(callbacks), line="正在重算热线时限")
    changed = ticket_clocks_recompute(tickets, now=now)
    if changed:
        outcomes.sync(changed)
    moved = callbacks_recompute(callbacks)
    if progress is not None:
        progress.update(done=len(tickets) + len(callbacks))
    if not changed and not moved:
        return 0
    audit.log(
        actor=None,
        action="kexie.consultation.calendar_resynced",
        system=True,
        object_repr=day.isoformat(),
        after={
            "date": day.isoformat(),
            "checked": len(tickets),
            "changed": len(changed),
            "tickets": changed[:200],
            "callbacks_checked": len(callbacks),
            "callbacks": moved[:200],
        },
    )
    return len(changed) + len(moved)


def more_than_inline(day: dt.date) -> bool:
    """Whether more than INLINE_MAX tickets and call-backs may run over `day` (two bounded reads)."""
    limit = INLINE_MAX + 1
    n = len(affected_tickets(day).values_list("pk", flat=True)[:limit])
    if n <= INLINE_MAX:
        n += len(affected_callbacks(day).values_list("pk", flat=True)[:limit])
    return n > INLINE_MAX


def on_calendar_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures being loaded: nothing to bring in line yet
        return
    day = instance.date
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if more_than_inline(day):
        from kexie.hotline.jobs import queue_resync

        queue_resync(day)
    else:
        resync(day)
