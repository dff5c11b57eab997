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
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

TIMEOUT = 600  # seconds; the data version already says when a part is stale
PREFIX = "kexie:part:"
_REQUEST_ATTR = "_kexie_data_version"

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


def data_version(request=None, watch: Iterable[tuple[type, str]] = ()) -> str:
    """The newest audit entry's id, the highest value of each watched (model, column) (its newest
    id, its latest ``updated_at``) and this process's write counter: one query of index look-ups
    (``MAX`` of an indexed column), read once per request."""
    watch = tuple(watch)
    memo = getattr(request, _REQUEST_ATTR, None) if request is not None else None
    if memo is not None and watch in memo:
        return memo[watch]
    from kexie.core.models import AuditEntry

    connection = connections[router.db_for_read(AuditEntry)]
    quote = connection.ops.quote_name
    columns = [(AuditEntry, "id"), *watch]
    selects = ", ".join(
        f"(SELECT MAX({quote(model._meta.get_field(name).column)}) FROM {quote(model._meta.db_table)})"
        for model, name in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        row = cursor.fetchone()
    version = "|".join(str(v) for v in row) + f"|{_generation}"
    if request is not None:
        if memo is None:
            memo = {}
            setattr(request, _REQUEST_ATTR, memo)
        memo[watch] = version
    return version


def scope_key(user) -> str:
    """Who sees the same rows: the unit's subtree (or the city), per user when grants widen it."""
    from kexie.core.grants import granted_ids
    from kexie.core.scoping import unit_path_of

    if user is None or not user.is_authenticated:
        return "anonymous"
    path = unit_path_of(user)
    granted_ids(user, type(user), "view")  # fills the user's grant cache (one query, kept per request)
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
