"""Cached parts of busy pages (the home dashboard, the activity ledger), shared across requests
until the data changes, never across scopes.

A cached part is keyed by:

- the **data version**: the newest audit entry's id (every service write records one, in any
  process: web workers, job workers, the CLI), a process-local write counter bumped by Django's
  model signals (a write made in this process without an audit entry), and what the caller adds
  (the ledger adds the newest activity's id and ``updated_at``). The version is read from the
  database once per request (index look-ups), so a write in one app server or worker makes every
  other server's cached parts stale at once, whatever the cache backend: the local-memory cache of
  each process is correct with several processes and several servers (each keeps its own copy);
  a shared cache (the database cache) only saves memory and the first computation per process;
- the **scope** (``scope_key``): the user's unit path (``""`` for the whole city), the user's
  id when the user holds per-object grants (``kexie.core.grants``), whether the user is a
  superuser, and a digest of the user's permissions, so two users share a part only when they see
  exactly the same rows;
- what the caller names: the page, the query string, the user (a per-user part), the day (parts
  that depend on today's date, like overdue tasks), and the language.

The cache backend is settings ``CACHES["default"]`` (docs/operations.md "Cache"). Nothing secret
or per-session (CSRF tokens, messages) may be inside a cached part.

**Whole pages** (``whole_page``, the home page and the ledger): a repeated GET of the same page
in the same session answers the page rendered before, as long as nothing it shows can have
changed. Its key holds the session, the CSRF secret of the request's cookie (the page carries a
token masked with that secret, valid for this browser only), the path and query string, the data
version, the user's row as read for this request (roles, unit, active, superuser …), the unit's
path, a stamp of the user's Django permissions and group memberships, the user's grants, the
unread-notification count, the language and the day. All of it but the user's row comes from
**one query** (``request_state``) that also gives the permission and grant look-ups of the page
their answers (the permissions from a process-local copy kept per stamp), so a repeated view
reads the session, the user and that one query. A page is not stored when messages are pending or
shown, when the view set a cookie or a header, changed the session, wrote, or the CSRF secret
changed; a stored page replayed renews the CSRF cookie as the page did when rendered. Whole pages
are kept in the process's own memory (``PAGES``), never in ``CACHES["default"]``: a shared cache
would put one user's view and browser token in a table that others (and backups) read.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 600  # seconds; the data version already says when a part is stale
# Whole pages hold one user's view (personal data as that user may see it, a CSRF token of that
# browser): kept in this process's memory only, whatever CACHES["default"] is, so a shared cache
# (the database cache table, a backup of it) never holds them.
PAGES = LocMemCache("kexie-whole-pages", {"TIMEOUT": TIMEOUT, "OPTIONS": {"MAX_ENTRIES": 2000}})
PREFIX = "kexie:part:"
PAGE_PREFIX = "kexie:page:"
_REQUEST_ATTR = "_kexie_data_version"
_STATE_ATTR = "_kexie_request_state"
UNREAD_ATTR = "_kexie_unread"  # the unread-notification count read with the data version

# Writes that change no page's figures: bookkeeping of sessions, tokens, jobs and workers.
IGNORED_MODELS = {
    "sessions.session",
    "core.job",
    "core.jobworker",
    "core.schedule",
    "core.notification",
    "core.notificationsetting",
    "accounts.apitoken",
}

_counter = itertools.count(1)
_generation = 0
_lock = threading.Lock()


def _bump(sender, **kwargs) -> None:
    global _generation
    if sender._meta.label_lower in IGNORED_MODELS:
        return
    with _lock:
        _generation = next(_counter)


def local_generation() -> int:
    return _generation


post_save.connect(_bump, dispatch_uid="kexie.core.pagecache.post_save")
post_delete.connect(_bump, dispatch_uid="kexie.core.pagecache.post_delete")
m2m_changed.connect(_bump, dispatch_uid="kexie.core.pagecache.m2m_changed")


def _version_selects(connection, watch: tuple) -> list[str]:
    from kexie.core.models import AuditEntry

    quote = connection.ops.quote_name
    return [
        f"(SELECT MAX({quote(model._meta.get_field(name).column)}) FROM {quote(model._meta.db_table)})"
        for model, name in [(AuditEntry, "id"), *watch]
    ]


def _version_of(row) -> str:
    return "|".join(str(v) for v in row) + f"|{_generation}"


def _remember_version(request, watch: tuple, version: str) -> None:
    if request is None:
        return
    memo = getattr(request, _REQUEST_ATTR, None)
    if memo is None:
        memo = {}
        setattr(request, _REQUEST_ATTR, memo)
    memo[watch] = version


def data_version(request=None, watch: Iterable[tuple[type, str]] = ()) -> str:
    """The newest audit entry's id, the highest value of each watched (model, column) (its newest
    id, its latest ``updated_at``) and this process's write counter: one query of index look-ups
    (``MAX`` of an indexed column), read once per request."""
    from kexie.core.models import AuditEntry

    watch = tuple(watch)
    memo = getattr(request, _REQUEST_ATTR, None) if request is not None else None
    if memo is not None and watch in memo:
        return memo[watch]
    connection = connections[router.db_for_read(AuditEntry)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(_version_selects(connection, watch)))
        row = cursor.fetchone()
    version = _version_of(row)
    _remember_version(request, watch, version)
    return version


# ---- the request's own state, in one query -------------------------------------------------


@dataclass(frozen=True)
class RequestState:
    """What one query tells about the request's user besides the data version."""

    version: str
    unread: int  # unread notifications
    unit_path: str | None  # the user's unit's path (None: no unit)
    perm_stamp: tuple  # changes whenever the user's Django permissions or groups may have changed
    grant_rows: int  # the user's grant rows, of any state (0: no grant at all, nothing to read)


def _user_selects(connection, user) -> tuple[list[str], list]:
    """Scalar sub-queries about `user`, each an index look-up, and their parameters."""
    from django.contrib.auth.models import Group, Permission

    from kexie.core.models import Grant, Notification

    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name) -> str:
        return quote(model._meta.get_field(name).column)

    selects: list[str] = []
    params: list = []
    selects.append(
        f"(SELECT COUNT(*) FROM {table(Notification)} WHERE {column(Notification, 'user')} = %s"
        f" AND {column(Notification, 'read_at')} IS NULL)"
    )
    params.append(user.pk)
    unit_field = type(user)._meta.get_field("unit")
    unit_model = unit_field.related_model
    selects.append(
        f"(SELECT {column(unit_model, 'path')} FROM {table(unit_model)}"
        f" WHERE {column(unit_model, unit_model._meta.pk.name)} = %s)"
    )
    params.append(user.unit_id)
    selects.append(f"(SELECT COUNT(*) FROM {table(Grant)} WHERE {column(Grant, 'user')} = %s)")
    params.append(user.pk)
    # Django's own permissions (the admin's "user permissions" and groups): rows of link tables are
    # only ever inserted or deleted, and ids are never reused, so (count, highest id) changes with
    # every change. Permission rows themselves (a superuser holds them all) likewise.
    stamp_selects: list[str] = []
    for name in ("user_permissions", "groups"):
        field = type(user)._meta.get_field(name)
        through_model = field.remote_field.through
        through = quote(through_model._meta.db_table)
        mine = quote(field.m2m_column_name())
        for aggregate in ("COUNT(*)", f"MAX({quote(through_model._meta.pk.column)})"):
            stamp_selects.append(f"(SELECT {aggregate} FROM {through} WHERE {mine} = %s)")
            params.append(user.pk)
    groups = type(user)._meta.get_field("groups")
    user_groups = quote(groups.remote_field.through._meta.db_table)
    group_perms_field = Group._meta.get_field("permissions")
    group_perms_model = group_perms_field.remote_field.through
    group_perms = quote(group_perms_model._meta.db_table)
    for aggregate in ("COUNT(*)", f"MAX(gp.{quote(group_perms_model._meta.pk.column)})"):
        stamp_selects.append(
            f"(SELECT {aggregate} FROM {group_perms} gp INNER JOIN {user_groups} ug"
            f" ON gp.{quote(group_perms_field.m2m_column_name())} = ug.{quote(groups.m2m_reverse_name())}"
            f" WHERE ug.{quote(groups.m2m_column_name())} = %s)"
        )
        params.append(user.pk)
    stamp_selects.append(f"(SELECT COUNT(*) FROM {table(Permission)})")
    stamp_selects.append(f"(SELECT MAX({quote(Permission._meta.pk.column)}) FROM {table(Permission)})")
    return selects + stamp_selects, params


def request_state(request, watch: Iterable[tuple[type, str]] = ()) -> RequestState:
    """The data version (as ``data_version``) and the user's ``RequestState``, in one query; also
    gives the request's permission and grant look-ups their answers (``_prefill``)."""
    from kexie.core.models import AuditEntry

    watch = tuple(watch)
    state = getattr(request, _STATE_ATTR, None)
    if state is not None and state[0] == watch:
        return state[1]
    user = _real(request.user)
    connection = connections[router.db_for_read(AuditEntry)]
    versions = _version_selects(connection, watch)
    mine, params = _user_selects(connection, user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(versions + mine), params)
        row = cursor.fetchone()
    n = len(versions)
    version = _version_of(row[:n])
    unread, unit_path, grant_rows, *stamp = row[n:]
    result = RequestState(version, int(unread or 0), unit_path, tuple(stamp), int(grant_rows or 0))
    _remember_version(request, watch, version)
    setattr(request, _STATE_ATTR, (watch, result))
    setattr(request, UNREAD_ATTR, result.unread)
    _prefill(user, result)
    return result


# Django's permissions of a user (ModelBackend: user and group permissions), per process, keyed by
# the user's row and the permission stamp: a change of either is seen at the next request.
_PERMISSION_COPIES: dict[tuple, tuple] = {}
_PERMISSION_COPIES_MAX = 10_000
_PERM_ATTRS = ("_user_perm_cache", "_group_perm_cache", "_perm_cache")


def _prefill(user, state: RequestState) -> None:
    from django.contrib.auth.backends import ModelBackend

    from kexie.core.grants import _CACHE_ATTR as GRANTS_ATTR

    if not user.is_active:
        return  # no permissions, no grants: nothing is read for them
    if state.grant_rows == 0 and not hasattr(user, GRANTS_ATTR):
        setattr(user, GRANTS_ATTR, {})  # no grant rows at all: what granted_ids would read
    if any(hasattr(user, name) for name in _PERM_ATTRS):
        return
    copy_key = (user.pk, user.is_superuser, state.perm_stamp)
    copies = _PERMISSION_COPIES.get(copy_key)
    if copies is None:
        ModelBackend().get_all_permissions(user)  # fills the three caches on the user object
        copies = tuple(frozenset(getattr(user, name)) for name in _PERM_ATTRS)
        if len(_PERMISSION_COPIES) >= _PERMISSION_COPIES_MAX:
            _PERMISSION_COPIES.clear()
        _PERMISSION_COPIES[copy_key] = copies
        return
    for name, perms in zip(_PERM_ATTRS, copies, strict=True):
        setattr(user, name, set(perms))


def scope_key(user) -> str:
    """Who sees the same rows: the unit's subtree (or the city), per user when grants widen it."""
    from kexie.core.grants import granted_ids
    from kexie.core.scoping import unit_path_of

    if user is None or not user.is_authenticated:
        return "anonymous"
    path = unit_path_of(user)
    # fills the user's grant cache (one query, kept per request); the user's class, not type(user):
    # request.user is a lazy object
    granted_ids(user, user.__class__, "view")
    has_grants = bool(getattr(user, "_kexie_grants", None))
    parts = ["path=" + ("-" if path is None else path), permissions_key(user)]
    if has_grants:
        parts.append(f"user={user.pk}")
    return ";".join(parts)


def permissions_key(user) -> str:
    """The user's permissions, superuser flag and language, as a short digest."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    perms = "|".join(sorted(user.get_all_permissions()))
    text = f"{perms};su={int(user.is_superuser)};lang={translation.get_language()}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def key(
    request,
    name: str,
    vary: Iterable = (),
    *,
    watch: Iterable[tuple[type, str]] = (),
    per_user=False,
    daily=False,
) -> str:
    """The cache key of a part: ``name``, the data version (with the ``watch``ed columns), the
    user's scope, the language, and ``vary`` (the query string, …); ``per_user`` for a part that
    is the user's own, ``daily`` for one that depends on today's date."""
    user = request.user
    parts = [name, data_version(request, watch), scope_key(user), translation.get_language() or ""]
    if per_user:
        parts.append(f"uid={user.pk}")
    if daily:
        parts.append(timezone.localdate().isoformat())
    parts.extend(str(v) for v in vary)
    return PREFIX + name + ":" + hashlib.sha1("\x1e".join(parts).encode()).hexdigest()


def fragment(cache_key: str, render: Callable[[], str]) -> SafeString:
    """The cached HTML under ``cache_key``, else ``render()`` stored there."""
    html = cache.get(cache_key)
    if html is None:
        html = str(render())
        cache.set(cache_key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there


def value(cache_key: str, compute: Callable[[], object]):
    """A cached picklable value (figures, counts)."""
    missing = object()
    found = cache.get(cache_key, missing)
    if found is missing:
        found = compute()
        cache.set(cache_key, found, TIMEOUT)
    return found


# ---- whole pages -----------------------------------------------------------------------------


def _real(user):
    """The user object behind Django's lazy ``request.user``."""
    user.is_authenticated  # noqa: B018 - loads the lazy object
    return getattr(user, "_wrapped", user)


def _user_row(user) -> str:
    """The user's row as read for this request (roles, unit, active, superuser, name …)."""
    return "|".join(f"{f.attname}={getattr(user, f.attname)!r}" for f in user._meta.concrete_fields)


def _grants_digest(user) -> str:
    from kexie.core.grants import _CACHE_ATTR, granted_ids

    granted_ids(user, user.__class__, "view")  # reads the user's valid grants once (the request's copy)
    grants = getattr(user, _CACHE_ATTR, None) or {}
    return repr(sorted((key, sorted(ids)) for key, ids in grants.items()))


def _messages_pending(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def page_key(request, watch: Iterable[tuple[type, str]] = ()) -> str | None:
    """The key of this request's whole page, or None when the page must be rendered (not a GET,
    no session or CSRF cookie yet, messages waiting to be shown)."""
    if request.method != "GET":
        return None
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None or not session.session_key:
        return None
    user = _real(user)
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None  # this response will set a new CSRF cookie
    state = request_state(request, watch)
    if _messages_pending(request):
        return None
    parts = [
        session.session_key,
        secret,
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        state.version,
        str(state.unread),
        repr(state.unit_path),
        repr(state.perm_stamp),
        _grants_digest(user) if state.grant_rows else "",
        _user_row(user),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
    ]
    return PAGE_PREFIX + hashlib.sha1("\x1e".join(parts).encode()).hexdigest()


def _storable(request, response, secret: str, generation: int) -> bool:
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and set(response.headers) == {"Content-Type"}  # no cookie, redirect, cache or other header
        and not response.cookies
        and request.META.get("CSRF_COOKIE") == secret  # the token in the page is still good
        and not request.session.modified
        and (storage is None or (not storage.used and not storage.added_new and not len(storage)))
        and _generation == generation  # the view wrote nothing
    )


def whole_page(watch: Iterable[tuple[type, str]] | Callable[[], Iterable] = ()):
    """Decorator of a GET view (inside ``login_required``): answers a repeated request of the same
    session from the page stored for it (module docstring, "Whole pages"). ``watch`` as for
    ``data_version``, or a function giving it (read at the first request: no import at start)."""
    from django.middleware.csrf import get_token

    watched: list[tuple] = [] if callable(watch) else [tuple(watch)]

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not watched:
                watched.append(tuple(watch()))
            page = page_key(request, watched[0])
            if page is None:
                return view(request, *args, **kwargs)
            stored = PAGES.get(page)
            if stored is not None:
                content_type, body, used_token = stored
                if used_token:
                    get_token(request)  # renews the CSRF cookie, as the rendered page did
                return HttpResponse(body, content_type=content_type)
            secret, generation = request.META.get("CSRF_COOKIE"), _generation
            response = view(request, *args, **kwargs)
            if _storable(request, response, secret, generation):
                used_token = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
                PAGES.set(page, (response["Content-Type"], response.content, used_token), TIMEOUT)
            return response

        return wrapper

    return decorate
