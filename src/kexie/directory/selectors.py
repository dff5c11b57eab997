"""Reads of directory data, through kexie.core.scoping.

The list selectors (`organisations`, `people`) are the one read path of their list: the web
page, the API and the export call them with the same filters, so the same filters find the
same rows everywhere. One meaning for every filter:

- a region filter takes the region and every region below it, at any depth;
- a text filter (`q`) is a case-insensitive substring, through `kexie.core.textsearch.contains`;
- any other filter is an exact match.

Filter values may be records or their ids. The detail getters answer 404 outside the scope.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.core.textsearch import contains
from kexie.directory.codes import RegionLevel
from kexie.directory.models import Designation, Organisation, Person, Region

ORGANISATION_TEXT_FIELDS = ("name", "short_name", "uscc")


def pk_of(value: Any) -> Any:
    """A filter value given as a record or as its id."""
    return getattr(value, "pk", value)


def subtree_ids(model, root: Any) -> list[int]:
    """The id of `root` and of every row below it through `parent`, at any depth: one indexed
    query per level (trees of reference data are a few levels deep). A cycle ends the walk."""
    root_id = pk_of(root)
    seen: set[int] = {root_id}
    ids, frontier = [root_id], [root_id]
    while frontier:
        below = model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        frontier = [pk for pk in below if pk not in seen]
        seen.update(frontier)
        ids += frontier
    return ids


def region_and_below(region: Region | int) -> list[int]:
    """A region filter's meaning: the region and every region below it."""
    return subtree_ids(Region, region)


def matching_text(qs: QuerySet, text: str | None, *fields: str) -> QuerySet:
    """Rows where any of `fields` contains `text` (case-insensitive); all rows when blank."""
    if not (text or "").strip():
        return qs
    found = [contains(qs, field, text) for field in fields]
    combined = found[0]
    for more in found[1:]:
        combined = combined | more
    return combined


# ---- organisations ---------------------------------------------------------------------------


def organisation_text(qs: QuerySet, text: str | None) -> QuerySet:
    """The organisation search: name, short name or USCC contains the text (the list's filter and
    the organisation picker's search box)."""
    return matching_text(qs, text, *ORGANISATION_TEXT_FIELDS)


def organisations(user, filters: Mapping[str, Any] | None = None, *, rows: QuerySet | None = None):
    """The organisation list: `q` text, `kind`, `region` (and below), `parent` (its direct
    children), `is_active`; in tree order. `rows` replaces the user's scope (system exports)."""
    f = filters or {}
    qs = scoped(Organisation, user) if rows is None else rows
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("region"):
        qs = qs.filter(region_id__in=region_and_below(f["region"]))
    if f.get("parent"):
        qs = qs.filter(parent_id=pk_of(f["parent"]))
    if f.get("is_active") is not None:
        qs = qs.filter(is_active=f["is_active"])
    qs = organisation_text(qs, f.get("q"))
    return qs.select_related("region", "parent").order_by("path")


def organisation_for(user, pk) -> Organisation:
    return get_scoped_or_404(Organisation.objects.select_related("region", "parent"), user, pk=pk)


def designation_for(user, pk) -> Designation:
    return get_scoped_or_404(Designation.objects.select_related("organisation"), user, pk=pk)


# ---- people ----------------------------------------------------------------------------------


def people(user, filters: Mapping[str, Any] | None = None, *, rows: QuerySet | None = None):
    """The people list: `q` (name), `pd` (the blind index of a full phone or ID number: exact),
    `tag`, `discipline`, `unit` (the managing unit); by name. `rows` replaces the user's scope."""
    f = filters or {}
    qs = scoped(Person, user) if rows is None else rows
    if f.get("pd"):
        qs = qs.filter(Q(phone_hash=f["pd"]) | Q(id_number_hash=f["pd"]))
    if f.get("tag"):
        qs = qs.filter(**{Person.TAG_FIELDS[f["tag"]]: True})
    if f.get("discipline"):
        qs = qs.filter(discipline=f["discipline"])
    if f.get("unit"):
        qs = qs.filter(unit_id=pk_of(f["unit"]))
    qs = contains(qs, "name", f.get("q"))
    return qs.select_related("unit").order_by("name", "id")


def person_for(user, pk) -> Person:
    return get_scoped_or_404(Person.objects.select_related("unit"), user, pk=pk)


# ---- regions ---------------------------------------------------------------------------------


def counties_in_scope(user) -> QuerySet[Region]:
    """The county-level divisions a county filter offers the user: those where a unit within the
    user's scope lies (in the county or anywhere below it), and every county below a city- or
    province-level unit within it. A county association's staff see their county only; the
    city association, and a city-level society (whose events take place in every county), all.
    The division tree is walked at any depth (one read of its parent links)."""
    return Region.objects.filter(pk__in=county_ids_in_scope(user)).order_by("code")


def county_ids_in_scope(user) -> set[int]:
    """The ids of ``counties_in_scope`` (two reads: the located regions and the division tree),
    for a caller that keeps them."""
    located = set(  # no ordering: the default one (path) would make every unit a distinct row
        scoped(Organisation, user)
        .filter(region__isnull=False)
        .order_by()
        .values_list("region_id", flat=True)
        .distinct()
    )
    if not located:
        return set()
    parents, counties = {}, []
    for pk, parent_id, level in Region.objects.values_list("pk", "parent_id", "level"):
        parents[pk] = parent_id
        if level == RegionLevel.COUNTY:
            counties.append(pk)
    offered = {pk for pk in counties if _chain(pk, parents) & located}  # a unit in it or above it
    county_set = set(counties)
    for region_id in located:  # a unit below a county
        offered |= _chain(region_id, parents) & county_set
    return offered


def _chain(pk: int, parents: dict) -> set[int]:
    """A region and every region above it."""
    chain: set[int] = set()
    while pk is not None and pk not in chain:
        chain.add(pk)
        pk = parents.get(pk)
    return chain
