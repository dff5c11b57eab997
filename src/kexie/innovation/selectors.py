"""Reads of the innovation app. Demands are seen by their owner's scope (unit and above);
published demands that are not confidential are also open to every logged-in unit, so that
experts and societies can find them. Everything else is plain `scoped()`."""

from django.db.models import Q, QuerySet

from kexie.core.scoping import unit_path_of
from kexie.innovation.models import Demand


def visible_demands(user) -> QuerySet[Demand]:
    qs = Demand.objects.for_user(user)
    if unit_path_of(user) not in (None, ""):
        qs = qs | Demand.objects.published()
    return qs.select_related("enterprise")


def get_visible_demand_or_404(user, pk) -> Demand:
    from django.http import Http404

    try:
        return visible_demands(user).get(pk=pk)
    except (Demand.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def booklet_demands(year: int) -> QuerySet[Demand]:
    """Demands of the year that go into 《年会技术需求汇编》: confidential ones only if allowed."""
    return (
        Demand.objects.unscoped(reason="the city's booklet gathers every unit's demands")
        .filter(collected_on__year=year)
        .exclude(status="closed")
        .filter(Q(is_confidential=False) | Q(allow_in_booklet=True))
        .select_related("enterprise", "enterprise__region")
        .order_by("industry", "collected_on", "id")
    )
