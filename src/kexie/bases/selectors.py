"""Reads of bases and venues, scoped to the user (kexie.core.scoping)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from kexie.bases.models import Assessment, BaseDesignation, Venue, VenueMonth
from kexie.core.scoping import get_scoped_or_404


def designations(user, *, status: str = "", level: str = "", text: str = "") -> QuerySet:
    qs = BaseDesignation.objects.for_user(user).select_related(
        "designation__organisation__region", "naming_round__call"
    )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(designation__level=level)
    if text:
        from kexie.core.textsearch import contains

        qs = contains(qs, "designation__organisation__name", text)
    return qs.order_by("-valid_from", "designation__organisation__name", "id")


def designation_or_404(user, pk: int) -> BaseDesignation:
    return get_scoped_or_404(designations(user), user, pk=pk)


def assessment_or_404(user, pk: int) -> Assessment:
    qs = Assessment.objects.for_user(user).select_related("base_designation__designation__organisation")
    return get_scoped_or_404(qs, user, pk=pk)


def venues(user) -> QuerySet:
    return Venue.objects.for_user(user).select_related("region", "operator").order_by("region__code", "name")


def venue_or_404(user, pk: int) -> Venue:
    return get_scoped_or_404(venues(user), user, pk=pk)


def science_centre_system(user, year: int) -> list[dict]:
    """The city's 科技馆体系 for a year: each county with its venues and their visitors."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    totals = dict(
        VenueMonth.objects.for_user(user)
        .filter(month__gte=first, month__lte=last)
        .values_list("venue")
        .annotate(n=Sum("visitors"))
        .order_by()
    )
    counties: dict[str, dict] = {}
    for venue in venues(user).filter(Q(opened_on__isnull=True) | Q(opened_on__lte=last), is_active=True):
        row = counties.setdefault(venue.region.code, {"region": venue.region, "venues": [], "visitors": 0})
        visitors = totals.get(venue.pk, 0)
        row["venues"].append({"venue": venue, "visitors": visitors})
        row["visitors"] += visitors
    return [counties[code] for code in sorted(counties)]


def monthly_visitors(venue: Venue, year: int) -> list[int]:
    rows = dict(
        venue.months.filter(month__year=year)
        .values_list("month__month")
        .annotate(n=Sum("visitors"))
        .order_by()
    )
    return [rows.get(m, 0) for m in range(1, 13)]


def yearly_visitors(venue: Venue) -> list[tuple[int, int]]:
    """(year, visitors) of every year with recorded months, oldest first (one grouped query)."""
    return list(venue.months.values_list("month__year").annotate(n=Sum("visitors")).order_by("month__year"))


def assessments_by_outcome(user, year: int) -> dict[str, int]:
    qs = Assessment.objects.for_user(user).filter(year=year, status="decided")
    return dict(qs.values_list("outcome").annotate(n=Count("id")).order_by())


def assessments_due(user, year: int) -> QuerySet:
    """Valid designations the user sees that were held during `year` and have no decided
    assessment for it (a draft still counts as due: it waits for 审定)."""
    from django.db.models import Exists, OuterRef

    from kexie.bases.codes import AssessmentStatus, BaseStatus

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    decided = Assessment.objects.unscoped(reason="whether the designation's year is decided").filter(
        base_designation=OuterRef("pk"), year=year, status=AssessmentStatus.DECIDED
    )
    drafted = Assessment.objects.unscoped(reason="whether the designation's year is drafted").filter(
        base_designation=OuterRef("pk"), year=year
    )
    return (
        BaseDesignation.objects.for_user(user)
        .filter(status=BaseStatus.VALID, valid_from__lte=last, valid_to__gte=first)
        .annotate(decided=Exists(decided), drafted=Exists(drafted))
        .filter(decided=False)
        .select_related("designation__organisation")
        .order_by("designation__organisation__name", "id")
    )
