"""The one scoping mechanism: every query for scoped data starts here.

A scoped model names, in `scope_field`, the path to the Organisation that owns a record
("" for Organisation itself). A user sees the records of their unit and of every unit
below it (the materialised `path` of the organisation tree), superusers see all.
Out-of-scope records are simply absent, so views answer 404, never 403.
"""

from typing import TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def unit_path_of(user) -> str | None:
    """The tree path the user may see, "" for everything, None for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    unit = getattr(user, "unit", None)
    return unit.path if unit is not None else None


def scope_filter(model: type[models.Model], path: str) -> models.Q:
    stored_path = getattr(model, "scope_path_field", None)
    if stored_path:  # the owner's path stored on the record (AuditEntry: survives the unit's deletion)
        return models.Q(**{f"{stored_path}__startswith": path})
    field = model.scope_field  # type: ignore[attr-defined]
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    return models.Q(**{lookup: path})


def scoped(queryset: models.QuerySet[M] | type[M], user) -> models.QuerySet[M]:
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    path = unit_path_of(user)
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(scope_filter(qs.model, path))


def get_scoped_or_404(queryset, user, **lookup):
    qs = scoped(queryset, user)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def in_scope(user, unit) -> bool:
    """Whether an organisation (used as an owner unit) lies within the user's scope."""
    path = unit_path_of(user)
    return path is not None and unit is not None and unit.path.startswith(path)
