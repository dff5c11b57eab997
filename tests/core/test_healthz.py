"""`/healthz` (issue 10, "Serving"): database reachable, migrations applied, job workers; for
monitors, so unauthenticated and without personal data."""

import json

import pytest
from django.db import DatabaseError

from kexie.core import health


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


@pytest.mark.django_db
def test_healthz_answers_anonymous_monitors_with_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "jobs": "not configured"},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_holds_no_personal_data(client, world):
    from kexie.accounts.models import User

    body = client.get("/healthz").content.decode()
    assert set(json.loads(body)) == {"status", "checks"}
    names = list(User.objects.values_list("username", flat=True))
    assert names and not [name for name in names if name in body]


@pytest.mark.django_db
def test_pending_migrations_make_the_service_unhealthy(client, monkeypatch):
    class Executor:
        def __init__(self, connection):
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": lambda self: []})()})()

        def migration_plan(self, targets):
            return [("accounts", "9999_future")]

    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail" and response.json()["checks"]["migrations"] == "pending"


@pytest.mark.django_db
def test_an_unreachable_database_makes_the_service_unhealthy(client, monkeypatch):
    def broken():
        raise DatabaseError("down")

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "unreachable",
        "migrations": "unknown",
        "jobs": "not configured",
    }


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
