"""Reads of the societies module, always through the user's scope (kexie.core.scoping): a
society sees its own records, a county association its county's, the city everything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from kexie.societies import rules
from kexie.societies.models import (
    AnnualReport,
    Evaluation,
    Founding,
    Officer,
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


def term_rows(user, *, today: dt.date | None = None, current_only: bool = True) -> list[TermRow]:
    """Each organisation's terms (the latest only by default) with due dates and flags."""
    today = today or timezone.localdate()
    officers = Prefetch("officers", queryset=Officer.objects.for_user(user).select_related("person"))
    terms = list(Term.objects.for_user(user).select_related("organisation").prefetch_related(officers)
                 .order_by("organisation__name", "-number"))  # fmt: skip
    by_org: dict[int, list[Term]] = {}
    for term in terms:
        by_org.setdefault(term.organisation_id, []).append(term)
    rows = []
    for org_terms in by_org.values():
        for i, term in enumerate(org_terms):
            if current_only and i:
                break
            earlier = [
                {
                    o.person_id
                    for o in t.officers.all()
                    if o.role in ("chair", "vice_chair", "secretary_general")
                }
                for t in org_terms[i + 1 :]
            ]
            flags = rules.term_flags(term, today=today, newer_exists=i > 0, earlier_leaders=earlier)
            rows.append(TermRow(term, rules.term_dates(term), flags))
    return rows


def officers_in(user, org, year: int):
    """The officers of `org` in office at some time in `year`."""
    return (
        Officer.objects.for_user(user).filter(term__organisation=org, starts_on__lte=dt.date(year, 12, 31))
        .exclude(ends_on__lt=dt.date(year, 1, 1)).select_related("person").order_by("role", "person__name")
    )  # fmt: skip
