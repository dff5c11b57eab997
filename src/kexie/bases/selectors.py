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


TREND_YEARS = 5  # the 科技馆体系's trend: this year and the four before it


def science_centre_system(user, year: int, *, trend_years: int = TREND_YEARS) -> list[dict]:
    """The city's 科技馆体系 for a year: every county the user's scope covers
    (`directory.selectors.counties_in_scope`), those without a venue too (no venues, 0
    visitors), each with its venues open that year and their visitors, the county's total, and
    its trend: the visitors of its venues summed per year over `trend_years` years ending with
    `year` (a venue counts in the years it has recorded months). A venue placed above the county
    level (the city's own 科技馆) gets a row of its own region after the counties. Three reads of
    venues and months whatever the number of counties."""
    from kexie.directory.models import Region
    from kexie.directory.selectors import counties_in_scope

    last = dt.date(year, 12, 31)
    years = list(range(year - trend_years + 1, year + 1))
    per_year: dict[tuple[int, int], int] = {
        (venue_id, y): n
        for venue_id, y, n in VenueMonth.objects.for_user(user)
        .filter(month__gte=dt.date(years[0], 1, 1), month__lte=last)
        .values_list("venue", "month__year")
        .annotate(n=Sum("visitors"))
        .order_by()
    }
    rows: dict[int, dict] = {
        region.pk: {"region": region, "venues": [], "visitors": 0, "trend": dict.fromkeys(years, 0)}
        for region in counties_in_scope(user)
    }
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    counties = set(Region.objects.filter(level="county").values_list("pk", flat=True))
    open_then = Q(opened_on__isnull=True) | Q(opened_on__lte=last)
    for venue in venues(user).filter(open_then, is_active=True):
        county = _county_of(venue.region_id, parents, counties) or venue.region_id
        if county not in rows:
            region = venue.region if county == venue.region_id else Region.objects.get(pk=county)
            rows[county] = {"region": region, "venues": [], "visitors": 0, "trend": dict.fromkeys(years, 0)}
        row = rows[county]
        visitors = per_year.get((venue.pk, year), 0)
        row["venues"].append({"venue": venue, "visitors": visitors})
        row["visitors"] += visitors
        for y in years:
            row["trend"][y] += per_year.get((venue.pk, y), 0)
    ordered = sorted(rows.values(), key=lambda r: (r["region"].level != "county", r["region"].code))
    for row in ordered:
        row["trend"] = [{"year": y, "visitors": n} for y, n in row["trend"].items()]
    return ordered


def _county_of(region_id: int | None, parents: dict, counties: set) -> int | None:
    """The county a region lies in (itself, or the first county above it); None above counties."""
    seen = set()
    while region_id is not None and region_id not in seen:
        if region_id in counties:
            return region_id
        seen.add(region_id)
        region_id = parents.get(region_id)
    return None


def system_trend_totals(rows: list[dict]) -> list[dict]:
    """The whole system's visitors per year: the counties' trends summed."""
    totals: dict[int, int] = {}
    for row in rows:
        for point in row["trend"]:
            totals[point["year"]] = totals.get(point["year"], 0) + point["visitors"]
    return [{"year": y, "visitors": n} for y, n in sorted(totals.items())]


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


def held_figures(record: BaseDesignation, year: int) -> dict[str, int]:
    """The assessment figures kexie already holds for a base's year (the base reports the rest):
    the approved ledger activities it organised or co-organised that started in the year (each
    once), and, when it runs venues of the 科技馆体系, their exhibition area and the year's
    visitors. Counted whatever the reader's scope: they are the base's own figures."""
    from kexie.activities.models import Activity
    from kexie.activities.models import Status as ActivityStatus

    org_id = record.designation.organisation_id
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ledger = Activity.objects.unscoped(reason="a base's own activities for its assessment")
    held = {
        "activities": ledger.filter(Q(organiser_id=org_id) | Q(co_organisers=org_id))
        .filter(status=ActivityStatus.APPROVED, start_date__gte=first, start_date__lte=last)
        .values("pk")
        .distinct()
        .count()
    }
    own = Venue.objects.unscoped(reason="a base's own venues for its assessment").filter(operator_id=org_id)
    if own.exists():
        held["exhibition_area"] = own.filter(is_active=True).aggregate(n=Sum("exhibition_area"))["n"] or 0
        held["visitors"] = (
            VenueMonth.objects.unscoped(reason="a base's own venues for its assessment")
            .filter(venue__operator_id=org_id, month__gte=first, month__lte=last)
            .aggregate(n=Sum("visitors"))["n"]
            or 0
        )
    return held
