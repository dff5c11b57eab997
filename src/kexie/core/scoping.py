"""The one scoping mechanism: every query for scoped data starts here.

A scoped model names, in `scope_field`, the path to the Organisation that owns a record
("" for Organisation itself), and uses `ScopedModel` (or a manager built on
`ScopedQuerySet`). A query on it says whose data it reads:

- `Model.objects.for_user(user)`: the records of the user's unit and every unit below it (the
  materialised `path` of the organisation tree; superusers see all), plus the records granted
  to the user one by one (`kexie.core.grants`);
- `Model.objects.within(unit)`: the records owned by a unit's subtree;
- `Model.objects.published()`: what the model declares public (`published_filter`);
- `Model.objects.unscoped(reason="…")`: every row, spelled out for review.

Fail closed: while a request is served (`ScopeMiddleware`) or inside `enforced()`, evaluating
a query of a scoped model that did none of these raises `ScopeError`. Related managers
(`org.activities.all()`) start from an object already read, and Django's `_base_manager`
(forward relations, deletion) is a plain manager, so both keep working. A static test
(tests/core/test_scoping_static.py) refuses hand-written path filters and `Model.objects`
reads of scoped models outside this module and its allow-list.

Out-of-scope records are simply absent, so views answer 404, never 403.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import TypeVar

from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

_enforced: contextvars.ContextVar[bool] = contextvars.ContextVar("kexie_scope_enforced", default=False)

SCOPED = "scoped"
UNSCOPED = "unscoped"
RELATED = "related"


class ScopeError(RuntimeError):
    """A query on a scoped model said neither whose data it reads nor why it reads all."""


@contextmanager
def enforced():
    """Refuse unscoped reads of scoped models in this block (every request runs in one)."""
    token = _enforced.set(True)
    try:
        yield
    finally:
        _enforced.reset(token)


@contextmanager
def unenforced(*, reason: str):
    """Django internals that must see every row (uniqueness checks): the reason is required."""
    _require_reason(reason)
    token = _enforced.set(False)
    try:
        yield
    finally:
        _enforced.reset(token)


def is_enforced() -> bool:
    return _enforced.get()


def _require_reason(reason: str) -> None:
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("unscoped() needs a reason")


def is_scoped_model(model) -> bool:
    return hasattr(model, "scope_field") and isinstance(model._default_manager.get_queryset(), ScopedQuerySet)


# ---------------------------------------------------------------------- who sees what


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


def path_ids(path: str | None) -> list[int]:
    """The ids along a unit's `path` ("/1/4/17/" → [1, 4, 17]), top down: the unit and every unit
    above it."""
    return [int(part) for part in (path or "").strip("/").split("/") if part]


def unit_filter(field: str, path: str) -> models.Q:
    """Records whose organisation at `field` ("" for the organisation itself) lies in the
    subtree at `path`: the one place the path prefix is spelled."""
    return models.Q(**{f"{field}__path__startswith" if field else "path__startswith": path})


def _grant_filter(model, user, capability: str) -> models.Q | None:
    from kexie.core import grants

    ids = grants.granted_ids(user, model, capability)
    return models.Q(pk__in=ids) if ids else None


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows whether it was scoped; see the module docstring."""

    _scope_state: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope_state = self._scope_state
        return clone

    def _marked(self, state: str):
        qs = self._chain()
        qs._scope_state = state
        return qs

    # -- the ways to say whose data a query reads

    def for_user(self, user, *, capability: str = "view"):
        path = unit_path_of(user)
        grant = _grant_filter(self.model, user, capability) if path != "" else None
        if path is None:
            qs = self.filter(grant) if grant is not None else self.none()
        elif path == "":
            qs = self.all()
        else:
            condition = scope_filter(self.model, path)
            qs = self.filter(condition | grant if grant is not None else condition)
        return qs._marked(SCOPED)

    def within(self, unit):
        """The records owned by `unit` and the units below it (None: nothing)."""
        if unit is None:
            return self.none()._marked(SCOPED)
        return self.filter(scope_filter(self.model, unit.path))._marked(SCOPED)

    def within_path(self, path: str | None):
        """Like within(), from a tree path ("" everything, None nothing): import contexts."""
        if path is None:
            return self.none()._marked(SCOPED)
        qs = self.all() if path == "" else self.filter(scope_filter(self.model, path))
        return qs._marked(SCOPED)

    def published(self):
        """What the model declares public (公示, certificate checks, registration)."""
        condition = getattr(self.model, "published_filter", None)
        if condition is None:
            return self.none()._marked(SCOPED)
        if isinstance(condition, str):
            condition = models.Q(**{condition: True})
        return self.filter(condition)._marked(SCOPED)

    def of(self, obj):
        """The row of an object already read (to update it in place)."""
        return self.filter(pk=obj.pk)._marked(SCOPED)

    def unscoped(self, *, reason: str):
        """Every row: for services and indicators that need all of them. Say why."""
        _require_reason(reason)
        return self._marked(UNSCOPED)

    # -- the guard

    def _check_scope(self):
        # `.none()` reads no row, so it needs no scope (an indicator with nothing to count).
        if self._scope_state is None and _enforced.get() and not self.query.is_empty():
            raise ScopeError(
                f"{self.model.__name__}: query without a scope; use for_user(), within(), "
                "published() or unscoped(reason=…)"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self):
        self._check_scope()
        return super().count()

    def exists(self):
        self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        self._check_scope()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def delete(self):
        self._check_scope()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        # Writes objects already read; the rows are named by their keys.
        return super(ScopedQuerySet, self._marked(RELATED)).bulk_update(objs, fields, batch_size)

    def contains(self, obj):
        self._check_scope()
        return super().contains(obj)

    @classmethod
    def as_manager(cls):
        manager = ScopedManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True  # type: ignore[attr-defined]


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """The default manager of scoped models. A related manager (`org.activities`) reads rows
    reached from an object already read, so its querysets count as scoped."""

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "instance", None) is not None:
            qs._scope_state = RELATED
        return qs


class ScopedModel(models.Model):
    """Base of scoped models: the scoped manager, and global uniqueness checks."""

    objects = ScopedManager()

    class Meta:
        abstract = True

    def validate_unique(self, exclude=None):
        with unenforced(reason="uniqueness is checked over every row"):
            super().validate_unique(exclude)

    def validate_constraints(self, exclude=None):
        with unenforced(reason="constraints are checked over every row"):
            super().validate_constraints(exclude)


# ---------------------------------------------------------------------- the old helpers


def scoped(queryset: models.QuerySet[M] | type[M], user) -> models.QuerySet[M]:
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    if isinstance(qs, ScopedQuerySet):
        return qs.for_user(user)
    path = unit_path_of(user)
    if path is None:
        return qs.none()
    return qs if path == "" else qs.filter(scope_filter(qs.model, path))


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


class ScopeMiddleware:
    """Every request runs with the guard on, except Django's admin: a tool for superusers (who
    see every row anyway) whose internals (list filters, raw id widgets) read related tables
    through their default managers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def _is_admin(self, request) -> bool:
        if self._admin_prefix is None:
            from django.urls import NoReverseMatch, reverse

            try:
                self._admin_prefix = reverse("admin:index")
            except NoReverseMatch:
                self._admin_prefix = ""
        return bool(self._admin_prefix) and request.path_info.startswith(self._admin_prefix)

    def __call__(self, request):
        if self._is_admin(request):
            return self.get_response(request)
        with enforced():
            return self.get_response(request)
