"""Read-only queries for activity pages. Every one starts from kexie.core.scoping.scoped."""

import datetime as dt

from django.db.models import Q

from kexie.accounts.roles import REVIEW
from kexie.activities import rules
from kexie.activities.models import Activity, ActivityKind, Campaign
from kexie.core.scoping import scoped
from kexie.directory.models import Region


def is_top_unit(user) -> bool:
    return rules.reviews_own_unit(user)


def reviewable_activities(user):
    """Submitted activities in scope that this user may approve (not their own unit's, unless top)."""
    if not user.has_perm(REVIEW):
        return Activity.objects.none()
    qs = scoped(Activity, user).filter(status__in=rules.AWAITING_REVIEW)
    if not is_top_unit(user):
        qs = qs.exclude(reporting_unit_id=user.unit_id)
    return qs


def ancestor_ids(unit) -> list[int]:
    return [int(part) for part in unit.path.strip("/").split("/") if part] if unit is not None else []


def visible_campaigns(user):
    """Campaigns the user may read: hosted in scope, or taken part in by the user's unit or a
    unit above it (see CampaignQuerySet.for_user)."""
    return Campaign.objects.for_user(user)


def editable_campaigns(user):
    """Campaigns the user may edit: hosted in scope."""
    return Campaign.objects.for_user(user, capability="edit")


def kind_ids(kind: ActivityKind) -> list[int]:
    return list(ActivityKind.objects.filter(Q(pk=kind.pk) | Q(parent=kind)).values_list("pk", flat=True))


def region_ids(region: Region) -> list[int]:
    q = Q(pk=region.pk) | Q(parent=region) | Q(parent__parent=region)
    return list(Region.objects.filter(q).values_list("pk", flat=True))


def ledger(user, filters: dict):
    """The activity ledger with its filters. Each filter is an indexed column (status,
    start_date, reporting_unit, region, kind, campaign); the title search is a LIKE that the
    keyset LIMIT stops early."""
    qs = scoped(Activity, user).select_related("kind", "kind__parent", "region", "reporting_unit", "campaign")
    if filters.get("year"):
        year = filters["year"]
        qs = qs.filter(start_date__gte=dt.date(year, 1, 1), start_date__lt=dt.date(year + 1, 1, 1))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind_id__in=kind_ids(filters["kind"]))
    if filters.get("region"):
        qs = qs.filter(region_id__in=region_ids(filters["region"]))
    if filters.get("campaign"):
        qs = qs.filter(campaign=filters["campaign"])
    if filters.get("reporting_unit"):
        qs = qs.filter(reporting_unit=filters["reporting_unit"])
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"].strip())
    return qs.order_by("-start_date", "-id")


def after_cursor(qs, cursor: str):
    """Keyset paging on (start_date, id) descending: rows strictly after the cursor."""
    try:
        day, pk = cursor.split("_", 1)
        day, pk = dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return qs
    return qs.filter(Q(start_date__lt=day) | Q(start_date=day, id__lt=pk))
