"""Reads of funded projects, scoped to the user (kexie.core.scoping)."""

from django.db.models import QuerySet

from kexie.core.scoping import get_scoped_or_404
from kexie.funds.models import Programme, Project, ProjectReport, Tranche


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
