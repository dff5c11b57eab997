"""Read-only queries of activities. Every one starts from kexie.core.scoping.scoped; the ledger
is the one read path of the activity list (web page, API, export)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet

from kexie.accounts.roles import REVIEW
from kexie.activities import rules
from kexie.activities.models import Activity, ActivityAttachment, ActivityKind, Campaign
from kexie.core import textsearch
from kexie.core.scoping import get_scoped_or_404, path_ids, scoped
from kexie.core.textsearch import contains
from kexie.directory.models import Organisation
from kexie.directory.selectors import pk_of, region_and_below, subtree_ids


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
    return path_ids(unit.path) if unit is not None else []


def visible_campaigns(user):
    """Campaigns the user may read: hosted in scope, or taken part in by the user's unit or a
    unit above it (see CampaignQuerySet.for_user)."""
    return Campaign.objects.for_user(user)


def editable_campaigns(user):
    """Campaigns the user may edit: hosted in scope."""
    return Campaign.objects.for_user(user, capability="edit")


def kind_and_below(kind: ActivityKind | int) -> list[int]:
    """A kind filter's meaning: the kind and every kind below it (any depth, through the tree's
    parent links; a staff-made kind's code need not start with its parent's)."""
    return subtree_ids(ActivityKind, kind)


def ledger(user, filters: Mapping[str, Any] | None = None, *, rows: QuerySet | None = None):
    """The activity ledger: the one read path of the web page, the API and the export.

    Filters: `year` (by start date), `status`, `kind` (and below), `region` (and below),
    `campaign`, `reporting_unit` (with `include_below`: its units below too), `q` (the title
    contains it, case-insensitive, or the activity code equals it). Values may be records or
    ids. Newest first. `rows` replaces the user's scope (an export the system runs)."""
    f = filters or {}
    qs = scoped(Activity, user) if rows is None else rows
    if f.get("year"):
        qs = qs.in_year(int(f["year"]))
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("kind"):
        qs = qs.filter(kind_id__in=kind_and_below(f["kind"]))
    if f.get("region"):
        qs = qs.filter(region_id__in=region_and_below(f["region"]))
    if f.get("campaign"):
        qs = qs.filter(campaign_id=pk_of(f["campaign"]))
    if f.get("reporting_unit"):
        qs = _reported_by(qs, user, f["reporting_unit"], below=bool(f.get("include_below")))
    if (f.get("q") or "").strip():
        text = f["q"].strip()
        qs = contains(qs, "title", text, or_equal="code")
    return qs.select_related("kind", "kind__parent", "region", "reporting_unit", "campaign").order_by(
        "-start_date", "-id"
    )


def _reported_by(qs, user, unit, *, below: bool):
    if not below:
        return qs.filter(reporting_unit_id=pk_of(unit))
    if not isinstance(unit, Organisation):  # an id from the API: only a unit the user may see
        unit = Organisation.objects.for_user(user).filter(pk=unit).first()
    return qs.within(unit)


def activity_for(user, pk) -> Activity:
    """One activity of the user's scope, with what its pages show (404 outside the scope)."""
    return get_scoped_or_404(
        Activity.objects.select_related(
            "kind", "kind__parent", "region", "organiser", "reporting_unit", "campaign"
        ),
        user,
        pk=pk,
    )


def attachment_for(user, pk) -> ActivityAttachment:
    return get_scoped_or_404(ActivityAttachment, user, pk=pk)


def after_cursor(qs, cursor: str):
    """Keyset paging on (start_date, id) descending: rows strictly after the cursor."""
    try:
        day, pk = cursor.split("_", 1)
        day, pk = dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return qs
    return qs.filter(Q(start_date__lt=day) | Q(start_date=day, id__lt=pk))


def first_rows(qs, n: int) -> list:
    """The first ``n`` rows of ``qs`` in its order, read in two steps: their ids from the activity
    table alone (the filters, the title condition and the order; no join), then those rows with
    their related records (``qs``'s select_related and prefetches). In one query the database may
    join every matching row with its related tables before it sorts them for the page (issue 10:
    a word with 8,000 matches read from the title index)."""
    return rows_of(qs, list(qs.values_list("pk", flat=True)[:n]))


def ledger_first_page(user, filters: Mapping[str, Any] | None, n: int, cap: int) -> tuple[list, int]:
    """The first ``n`` rows of ``ledger(user, filters)`` (as ``first_rows``) and how many rows it
    has, at most ``cap`` + 1.

    When the title search reads its matches from the gram index's bitmap (PostgreSQL, a word of
    at most a few tens of thousands of matches: ``textsearch.bitmap_estimate``), the matches are
    sorted first, from the activity table alone, and the user's scope is checked on them in that
    order until the page is full (a semi-join by primary key; ``OFFSET 0`` keeps the sorted
    matches a sub-query). In one query the database joins every match with the organisations
    before it sorts them, and for a city-wide scope that is a hash of all 100,000 organisations
    (航天, 8,156 matches at 1,000,000 activities: ~75 ms against ~25 ms). For a rare word (at
    most ``textsearch.PG_COMMON`` matches by the index's statistics) the same statement counts
    the matches in scope (``COUNT(*) OVER ()``), instead of a second statement that reads the
    bitmap again; otherwise the count stops at ``cap`` + 1 rows as everywhere."""
    qs = ledger(user, filters)
    estimate = textsearch.bitmap_estimate(qs)
    if estimate is None:
        return first_rows(qs, n), _capped(qs, cap)
    candidates = ledger(
        user, filters, rows=Activity.objects.unscoped(reason="sorted before the scope is checked")
    )
    sql, params = candidates.values_list("id", "start_date").query.sql_with_params()
    total = ", COUNT(*) OVER ()" if estimate <= textsearch.PG_COMMON else ""
    scope = scoped(Activity, user).order_by().values_list("id")
    where, where_params = "", []
    if scope.query.where:
        scope_sql, where_params = scope.query.sql_with_params()
        where = f" WHERE c.id IN ({scope_sql})"
    statement = (
        f"SELECT c.id{total} FROM ({sql} OFFSET 0) c{where} ORDER BY c.start_date DESC, c.id DESC LIMIT %s"
    )
    with connections[qs.db].cursor() as cursor:
        cursor.execute(statement, [*params, *where_params, n])
        found = cursor.fetchall()
    rows = rows_of(qs, [row[0] for row in found])
    if not total:
        return rows, _capped(qs, cap)
    return rows, min(found[0][1] if found else 0, cap + 1)


def _capped(qs, cap: int) -> int:
    return qs.order_by()[: cap + 1].count()


def rows_of(qs, ids: list) -> list:
    """The rows of ``qs``'s model with these ids, in this order, with ``qs``'s related records."""
    if not ids:
        return []
    rows = qs.model.objects.unscoped(reason="the page's ids, just read through the scoped query").filter(
        pk__in=ids
    )
    rows.query.select_related = qs.query.select_related
    rows.query.deferred_loading = qs.query.deferred_loading
    rows = rows.prefetch_related(*qs._prefetch_related_lookups)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids]


# Columns whose highest value changes with every activity added or saved, even by a write that
# recorded no audit entry: the cached parts of the ledger and the home page watch them
# (kexie.core.pagecache.data_version, which adds the audit log's newest entry).
WATCHED = ((Activity, "id"), (Activity, "updated_at"))
