"""Which records the hotline's references may take (kexie.core.references). Regions are reference
data open to everyone (not scoped), so they need no rule."""

from kexie.core.references import everyone, register

register(
    "hotline.Consultation.expert",
    everyone("directory.Person", reason="the pools' experts come from every unit", is_expert=True),
)


def _queue_people(user):
    """The people a ticket or a call-back may be given to: members and supervisors of the
    queues, from every unit (a society's expert on the city's line); the service then checks
    that the person belongs to this consultation's queue."""
    from django.db.models import Q

    from kexie.accounts.models import User

    if user is None or not user.is_authenticated:
        return User.objects.none()
    people = Q(ticket_queues__isnull=False) | Q(supervised_queues__isnull=False)
    return (
        User.objects.unscoped(reason="the queues' people come from every unit")
        .filter(people, is_active=True)
        .distinct()
    )


register("hotline.Callback.assignee", _queue_people)
register("tickets.Ticket.assignee", _queue_people)
