"""Bookkeeping writes are throttled and never fail a read (issue 10, "Concurrency on the embedded
database"): the session's last-seen time and an API token's last use."""

import datetime as dt

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kexie.accounts.middleware import IdleTimeoutMiddleware
from kexie.accounts.models import ApiToken
from kexie.accounts.services import api_token_create


def writes_to(table: str, queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if table in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


@pytest.fixture
def logged_in(client, personas):
    client.force_login(personas["county_staff"])
    client.get("/accounts/password/")  # the first request notes the session as seen
    return client


@pytest.fixture
def bearer(personas):
    user = personas["county_staff"]
    _token, key = api_token_create(actor=user, user=user, name="对接")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_request_within_the_minute_does_not_write_the_session(logged_in):
    with CaptureQueriesContext(connection) as queries:
        assert logged_in.get("/accounts/password/").status_code == 200
    assert writes_to("django_session", queries.captured_queries) == []


def test_the_session_is_noted_again_after_a_minute(logged_in, monkeypatch):
    session = logged_in.session
    session[IdleTimeoutMiddleware.KEY] -= 61
    session.save()
    with CaptureQueriesContext(connection) as queries:
        assert logged_in.get("/accounts/password/").status_code == 200
    assert len(writes_to("django_session", queries.captured_queries)) == 1


def test_the_idle_timeout_still_logs_out(logged_in, settings):
    session = logged_in.session
    session[IdleTimeoutMiddleware.KEY] -= settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 + 1
    session.save()
    assert logged_in.get("/accounts/password/").status_code == 302


def test_a_locked_session_write_does_not_fail_the_read(logged_in, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    session = logged_in.session
    session[IdleTimeoutMiddleware.KEY] -= 61
    session.save()

    def locked(self, must_create=False):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionStore, "save", locked)
    assert logged_in.get("/accounts/password/").status_code == 200


def test_an_api_call_within_the_minute_does_not_write_the_token(client, bearer):
    assert client.get("/api/v1/accounts/me", **bearer).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/accounts/me", **bearer).status_code == 200
    assert writes_to("accounts_apitoken", queries.captured_queries) == []


def test_the_token_is_noted_again_after_a_minute(client, bearer):
    ApiToken.objects.update(last_used_at=timezone.now() - dt.timedelta(seconds=61))
    assert client.get("/api/v1/accounts/me", **bearer).status_code == 200
    assert timezone.now() - ApiToken.objects.get().last_used_at < dt.timedelta(seconds=10)


def test_a_locked_token_write_does_not_fail_the_read(client, bearer, monkeypatch):
    from django.db.models import QuerySet

    def locked(self, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    assert client.get("/api/v1/accounts/me", **bearer).status_code == 200


def test_the_embedded_database_waits_instead_of_failing(settings):
    """WAL (readers go on while one writes), writes take the lock when they start, and wait."""
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert "journal_mode=WAL" in options["init_command"]
        assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5


@pytest.mark.django_db(transaction=True)
def test_a_read_answers_while_another_connection_holds_the_write_lock(client, personas):
    """As in the issue: another transaction holds SQLite's write lock; the read must still answer."""
    import sqlite3
    import time

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock")
    client.force_login(personas["county_staff"])
    session = client.session
    session[IdleTimeoutMiddleware.KEY] = time.time() - 61  # the last-seen time is due
    session.save()
    name = connection.settings_dict["NAME"]
    holder = sqlite3.connect(name, uri=str(name).startswith("file:"), isolation_level=None, timeout=0)
    try:
        holder.execute("CREATE TABLE IF NOT EXISTS lock_holder (x)")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO lock_holder VALUES (1)")  # a long import, say
        started = time.monotonic()
        response = client.get("/accounts/password/")
        took = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.execute("DROP TABLE lock_holder")
        holder.close()
    assert response.status_code == 200
    assert took < 5  # a bookkeeping write does not wait the busy timeout
