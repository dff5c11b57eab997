"""The consultations' copies of their tickets' service-level outcome (resolved, resolved within
the resolution target, a clock breached, satisfaction): what the figures group, one table
without the join. `sync` recomputes them in one UPDATE from the tickets; the tickets' services
call it through `ticket_changed` after every write, so the copy never lags a ticket. Whatever
rewrites tickets' clocks in bulk (a calendar correction, a data repair) calls `sync()` after."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Case, OuterRef, Q, Subquery, Value, When

from kexie.tickets.models import Status, Ticket

OUTCOME = {
    "resolved": Q(status=Status.RESOLVED),
    "within_sla": Q(status=Status.RESOLVED, resolution_breached=False),
    "breached": Q(first_response_breached=True) | Q(resolution_breached=True),
}


def _flag(where: Q):
    return Case(When(where, then=Value(True)), default=Value(False), output_field=BooleanField())


def sync(ticket_ids: Iterable[int] | None = None) -> int:
    """Copy the outcome of the given tickets (every ticket when None) onto their consultations."""
    from kexie.hotline.models import Consultation

    rows = Consultation.objects.unscoped(reason="copies of tickets' outcomes, not shown to anyone")
    if ticket_ids is not None:
        rows = rows.filter(ticket_id__in=list(ticket_ids))
    tickets = Ticket.objects.unscoped(reason="the outcome of a consultation's own ticket").filter(
        pk=OuterRef("ticket_id")
    )
    values = {
        name: Subquery(tickets.annotate(v=_flag(where)).values("v")[:1]) for name, where in OUTCOME.items()
    }
    values["satisfaction"] = Subquery(tickets.values("satisfaction")[:1])
    return rows.update(**values)


def on_ticket_changed(sender, ticket, **kwargs) -> None:
    if ticket.pk is not None:
        sync([ticket.pk])
