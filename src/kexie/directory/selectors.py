"""Reads of directory data for pages and filters, through kexie.core.scoping."""

from django.db.models import Q, QuerySet

from kexie.core.scoping import scoped
from kexie.directory.codes import RegionLevel
from kexie.directory.models import Organisation, Region


def counties_in_scope(user) -> QuerySet[Region]:
    """The county-level divisions a county filter offers the user: those where a unit within the
    user's scope lies (in the county or a town of it), and every county below a city- or
    province-level unit within it. A county association's staff see their county only; the
    city association, and a city-level society (whose events take place in every county), all."""
    regions = scoped(Organisation, user).filter(region__isnull=False).values("region_id")
    return (
        Region.objects.filter(level=RegionLevel.COUNTY)
        .filter(
            Q(pk__in=regions)
            | Q(children__in=regions)
            | Q(parent__in=regions)
            | Q(parent__parent__in=regions)
        )
        .distinct()
        .order_by("code")
    )
