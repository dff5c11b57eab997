"""Reads of the societies module, always through the user's scope (kexie.core.scoping): a
society sees its own records, a county association its county's, the city everything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kexie.core.scoping import get_scoped_or_404
from kexie.societies import offices, rules
from kexie.societies.models import (
    AnnualReport,
    Evaluation,
    Founding,
    Rectification,
    RectificationStatus,
    Term,
)


def annual_reports(user, *, year: int | None = None, status: str | None = None):
    qs = AnnualReport.objects.for_user(user).select_related("organisation")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs


def foundings(user):
    return Founding.objects.for_user(user).select_related("supervisor", "organisation")


def rectifications(user, *, status: str | None = None):
    qs = Rectification.objects.for_user(user).select_related("organisation")
    return qs.filter(status=status) if status else qs


def overdue_rectifications(user, *, today: dt.date | None = None) -> list[Rectification]:
    today = today or timezone.localdate()
    return list(
        rectifications(user, status=RectificationStatus.OPEN).filter(deadline__lt=today).order_by("deadline")
    )


def evaluations(user, *, year: int | None = None):
    qs = Evaluation.objects.for_user(user).select_related("organisation", "scheme")
    return qs.filter(year=year) if year else qs


@dataclass
class TermRow:
    term: Term
    dates: rules.TermDates
    flags: rules.TermFlags
    officers: list  # the term's officer positions (directory positions with dates)


def term_rows(user, *, today: dt.date | None = None, current_only: bool = True) -> list[TermRow]:
    """Each organisation's terms (the latest only by default) with due dates, flags and officers.
    Two queries: the terms in scope, and the officer positions at their organisations."""
    today = today or timezone.localdate()
    terms = list(
        Term.objects.for_user(user).select_related("organisation").order_by("organisation__name", "-number")
    )
    by_org: dict[int, list[Term]] = {}
    for term in terms:
        by_org.setdefault(term.organisation_id, []).append(term)
    positions: dict[int, list] = {}
    for position in offices.positions(by_org):
        positions.setdefault(position.organisation_id, []).append(position)
    rows = []
    for org_id, org_terms in by_org.items():
        periods = offices.term_periods(org_terms)
        held = {t.pk: offices.held_during(positions.get(org_id, []), *periods[t.pk]) for t in org_terms}
        leaders = {t.pk: {p.person_id for p in held[t.pk] if offices.is_leader(p)} for t in org_terms}
        for i, term in enumerate(org_terms):
            if current_only and i:
                break
            earlier = [leaders[t.pk] for t in org_terms[i + 1 :]]
            flags = rules.term_flags(term, today=today, newer_exists=i > 0, officers=held[term.pk],
                                     earlier_leaders=earlier)  # fmt: skip
            rows.append(TermRow(term, rules.term_dates(term), flags, held[term.pk]))
    return rows


def officers_in(user, org, year: int) -> list:
    """The officers of `org` (directory positions) in office at some day of `year`; `org` must be
    in the user's scope (else 404)."""
    from kexie.directory.models import Organisation

    get_scoped_or_404(Organisation, user, pk=org.pk)
    return offices.officers_in(org, year)
