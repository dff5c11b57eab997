"""Reads of the hotline. A consultation is seen by whoever sees its ticket (kexie.tickets:
the unit's scope, and grants for the pool's members; a psychology consultation only by its
pool and supervisors). Web pages, the API and exports call these."""

from django.db.models import Q, QuerySet
from django.http import Http404

from kexie.core.textsearch import contains
from kexie.hotline.models import Callback, Consultation, Pool
from kexie.tickets.models import OPEN_STATUSES


def visible_consultations(user) -> QuerySet[Consultation]:
    return Consultation.objects.for_user(user).select_related("ticket", "ticket__queue", "region", "expert")


def get_visible_consultation_or_404(user, pk) -> Consultation:
    try:
        return visible_consultations(user).get(pk=pk)
    except (Consultation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def desk_consultations(
    user, *, status: str = "", topic: str = "", channel: str = "", q: str = ""
) -> QuerySet:
    qs = visible_consultations(user)
    if status == "open":
        qs = qs.filter(ticket__status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(ticket__status=status)
    if topic:
        qs = qs.filter(topic=topic)
    if channel:
        qs = qs.filter(channel=channel)
    if q:
        qs = contains(qs, "question", q)
    return qs.order_by("-received_at", "-id")


def my_consultations(user) -> QuerySet[Consultation]:
    """The expert view: consultations of the queues the user works or supervises, or assigned to them."""
    mine = Q(ticket__queue__members=user) | Q(ticket__queue__supervisors=user) | Q(ticket__assignee=user)
    return visible_consultations(user).filter(mine).distinct().order_by("ticket__status", "-received_at")


def open_callbacks(user) -> QuerySet[Callback]:
    return (
        Callback.objects.for_user(user)
        .filter(done_at__isnull=True)
        .select_related("consultation", "consultation__ticket")
        .order_by("due_at")
    )


def get_visible_callback_or_404(user, pk) -> Callback:
    try:
        return (
            Callback.objects.for_user(user).select_related("consultation", "consultation__ticket").get(pk=pk)
        )
    except (Callback.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def knowledge_base(q: str = "") -> QuerySet[Consultation]:
    qs = Consultation.objects.published().only("pk", "topic", "kb_question", "kb_answer", "received_at")
    if q:
        qs = contains(qs, "kb_question", q) | contains(qs, "kb_answer", q)
    return qs.order_by("-received_at")


def pool_of(consultation: Consultation) -> Pool | None:
    return (
        Pool.objects.unscoped(reason="the pool of a consultation already read in scope")
        .filter(topic=consultation.topic)
        .prefetch_related("experts")
        .first()
    )
