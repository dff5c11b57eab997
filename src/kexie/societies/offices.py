"""A society's or county association's officers (理事长、副理事长、秘书长、理事) are directory
positions (directory.Affiliation) with dates, not a model of their own: a person's page lists
their society offices over the years, and any past year's officers are computed from the dates.

A position is an officer's when its role is one of the titles below. A term's officers are the
positions held at some day of the term's period, which runs from its start to the day before
the next term starts (the current term: open), so an early or late congress does not make the
old and new leadership overlap."""

from __future__ import annotations

import datetime as dt

from kexie.directory.models import Affiliation
from kexie.societies.models import LEADER_ROLES, OfficerRole

TITLES: dict[str, str] = {code: str(label) for code, label in OfficerRole.choices}
CODES: dict[str, str] = {title: code for code, title in TITLES.items()}
LEADER_TITLES = frozenset(TITLES[code] for code in LEADER_ROLES)
FOREVER = dt.date.max


def title_of(role: str) -> str:
    """The position title stored for an officer role code (or a title already)."""
    return TITLES.get(role, role)


def code_of(position: Affiliation) -> str:
    return CODES.get(position.role, "")


def is_leader(position: Affiliation) -> bool:
    return position.role in LEADER_TITLES


def positions(org_ids) -> list[Affiliation]:
    """Every officer position at these organisations, oldest first, with the person. The caller
    has checked that the organisations are in the user's scope: a society's officers are shown
    with it whoever manages the person's record."""
    return list(
        Affiliation.objects.unscoped(reason="officers of organisations already in the caller's scope")
        .filter(organisation_id__in=list(org_ids), role__in=list(TITLES.values()))
        .select_related("person", "organisation")
        .order_by("starts_on", "id")
    )


def held_during(items, first: dt.date, last: dt.date | None) -> list[Affiliation]:
    last = last or FOREVER
    return [p for p in items if p.held_during(first, last)]


def officers_in(org, year: int) -> list[Affiliation]:
    """The officers of `org` in office at some day of `year`, by role then name."""
    order = list(TITLES.values())
    found = held_during(positions([org.pk]), dt.date(year, 1, 1), dt.date(year, 12, 31))
    return sorted(found, key=lambda p: (order.index(p.role), p.person.name, p.pk))


def term_periods(terms) -> dict[int, tuple[dt.date, dt.date | None]]:
    """term id → (first day, last day or None) for one organisation's terms: a term runs until
    the day before the next one starts; the latest is open."""
    ordered = sorted(terms, key=lambda t: t.starts_on)
    periods = {}
    for term, following in zip(ordered, [*ordered[1:], None], strict=True):
        periods[term.pk] = (term.starts_on, following.starts_on - dt.timedelta(days=1) if following else None)
    return periods


def label(position: Affiliation) -> str:
    return f"{position.role} {position.person.name}"
