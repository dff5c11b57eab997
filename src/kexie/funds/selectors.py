"""Reads of funded projects, scoped to the user (kexie.core.scoping)."""

import datetime as dt

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from kexie.core.scoping import get_scoped_or_404
from kexie.funds.codes import PAYABLE, ProjectStatus, ReportKind, TrancheCondition
from kexie.funds.models import Payment, Programme, Project, ProjectReport, Tranche

OWN_ROWS = "a project's ledger reads all of its own rows"


def programmes(user, *, year: int | None = None, direction: str = "") -> QuerySet:
    qs = Programme.objects.for_user(user).select_related("unit", "call")
    if year:
        qs = qs.filter(year=year)
    if direction:
        qs = qs.filter(direction=direction)
    return qs.order_by("-year", "name")


def programme_or_404(user, pk: int) -> Programme:
    return get_scoped_or_404(programmes(user), user, pk=pk)


def projects(user, *, programme: Programme | None = None, status: str = "") -> QuerySet:
    qs = Project.objects.for_user(user).select_related("programme", "undertaker")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("programme", "id")


def project_or_404(user, pk: int) -> Project:
    """A project of the user's programmes or undertaken by the user's units (404 otherwise)."""
    from django.http import Http404

    project = projects(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def tranche_or_404(user, pk: int) -> Tranche:
    qs = Tranche.objects.for_user(user).select_related("project__programme")
    return get_scoped_or_404(qs, user, pk=pk)


def report_or_404(user, pk: int) -> ProjectReport:
    qs = ProjectReport.objects.for_user(user).select_related("project__programme")
    return get_scoped_or_404(qs, user, pk=pk)


def _sum_of(model, field: str, key: str, **filters):
    rows = (
        model.objects.unscoped(reason=OWN_ROWS)
        .filter(**{key: OuterRef("pk")}, **filters)
        .order_by()
        .values(key)
        .annotate(n=Sum(field))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_books(qs: QuerySet) -> QuerySet:
    """Projects with `paid_fen` and (accepted) `spent_fen`, each summed in a subquery (no joins
    that multiply rows): the figures of `ledger()` for a whole list in one query."""
    return qs.annotate(
        paid_fen=_sum_of(Payment, "amount_fen", "project"),
        spent_fen=_sum_of(ProjectReport, "spent_fen", "project", accepted=True),
    )


def remaining_of(project) -> int:
    return project.granted_fen - project.withdrawn_fen - project.paid_fen


def balance_of(project) -> int:
    return project.paid_fen - project.spent_fen - project.returned_fen


def _free_report(kind: str):
    return Exists(
        ProjectReport.objects.unscoped(reason=OWN_ROWS).filter(
            project=OuterRef("project"), kind=kind, accepted=True, tranche__isnull=True
        )
    )


def tranches_due(user) -> QuerySet:
    """Tranches of the user's programmes that may be paid now: not cancelled, not fully paid, of
    a project in a payable state, whose condition is met (agreement signed; an accepted milestone
    or financial report not used by another tranche; acceptance passed) — what `tranche_pay`
    would accept."""
    return (
        Tranche.objects.for_user(user)
        .filter(cancelled=False, project__status__in=PAYABLE)
        .annotate(
            paid_here=_sum_of(Payment, "amount_fen", "tranche"),
            milestone_ok=_free_report(ReportKind.MILESTONE),
            financial_ok=_free_report(ReportKind.FINANCIAL),
        )
        .filter(paid_here__lt=F("amount_fen"))
        .filter(
            Q(condition=TrancheCondition.NONE)
            | Q(report__isnull=False)
            | Q(condition=TrancheCondition.MILESTONE, milestone_ok=True)
            | Q(condition=TrancheCondition.FINANCIAL, financial_ok=True)
            | Q(condition=TrancheCondition.ACCEPTANCE, project__status=ProjectStatus.PASSED)
        )
        .select_related("project__programme", "project__undertaker")
        .order_by("project__agreed_on", "project_id", "seq")
    )


def overdue_for_acceptance(user, *, today: dt.date | None = None) -> QuerySet:
    """Projects the user sees that are past their planned end (without one: past their
    programme's year) and not through 结题验收 yet (执行中 or 验收整改)."""
    today = today or timezone.localdate()
    return (
        Project.objects.for_user(user)
        .filter(status__in=(ProjectStatus.AGREED, ProjectStatus.REWORK))
        .filter(Q(ends_on__lt=today) | Q(ends_on__isnull=True, programme__year__lt=today.year))
        .select_related("programme", "undertaker")
        .order_by("ends_on", "id")
    )
