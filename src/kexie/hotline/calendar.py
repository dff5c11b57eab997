"""When the working-day calendar changes (a row of the holiday table saved or deleted, on
/core/holidays/), the consultations whose service-level clocks run over that day are brought
in line at once, in the same transaction as the change: their tickets' clocks are recomputed
under the new calendar (deadlines, business time, breaches: `tickets.ticket_clocks_recompute`)
and the consultations' outcome copies (`outcomes.sync`) follow; one audit entry says what
moved (none when nothing did). Connected in `HotlineConfig.ready` to the holiday table's post_save and post_delete."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from kexie.core import audit
from kexie.tickets.models import Clock, Ticket

# a clock "runs over" a day when it starts before the day is over and is not stopped before it
# begins; a day's margin either side covers any time zone's local day
MARGIN = dt.timedelta(days=1)


def affected_tickets(day: dt.date):
    """The hotline's tickets on the office calendar whose clocks may run over `day`."""
    from kexie.hotline.models import Consultation

    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz) - MARGIN
    end = dt.datetime.combine(day, dt.time.min, tzinfo=tz) + dt.timedelta(days=1) + MARGIN
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


def resync(day: dt.date, *, now: dt.datetime | None = None) -> int:
    """Recompute the clocks and outcomes that depend on `day`; returns how many tickets changed."""
    from kexie.hotline import outcomes
    from kexie.tickets.services import ticket_clocks_recompute

    tickets = list(affected_tickets(day))
    changed = ticket_clocks_recompute(tickets, now=now)
    if not changed:
        return 0
    outcomes.sync(changed)
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
        },
    )
    return len(changed)


def on_calendar_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures being loaded: nothing to bring in line yet
        return
    day = instance.date
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    resync(day)
