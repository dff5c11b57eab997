"""Which records the tickets' references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register

register("tickets.Queue.unit", in_scope("directory.Organisation", is_active=True))
register("tickets.Ticket.queue", in_scope("tickets.Queue", is_active=True))
