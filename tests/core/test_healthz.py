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
        "checks": {"database": "ok", "migrations": "ok", "jobs": "no worker"},
        "jobs": {
            "workers": 0, "last_heartbeat": None, "queued": 0, "running": 0, "failed": 0,
            "oldest_queued_seconds": 0,
        },
    }  # fmt: skip
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_holds_no_personal_data(client, world):
    from kexie.accounts.models import User

    body = client.get("/healthz").content.decode()
    assert set(json.loads(body)) == {"status", "checks", "jobs"}
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
        "jobs": "unknown",
    }


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200


# ---- the job queue (issue 10, "Background jobs") ---------------------------------------------


def _queue_job(owner=None, *, state="queued", age=0, finished_age=None):
    from django.utils import timezone

    from kexie.core.models import Job

    job = Job.objects.create(kind="export", title="导出", owner=owner, state=state)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        created_at=now - timezone.timedelta(seconds=age),
        finished_at=None if finished_age is None else now - timezone.timedelta(seconds=finished_age),
    )
    return job


@pytest.mark.django_db
def test_healthz_shows_a_live_worker_and_the_queue(client, world):
    from kexie.core.jobs.worker import register

    register("worker-1")
    _queue_job(world.users["county_staff"])
    _queue_job(state="running")
    _queue_job(state="failed", finished_age=3600)
    _queue_job(state="failed", finished_age=3 * 86400)  # older than a day: not counted
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["checks"]["jobs"] == "ok"
    jobs = body["jobs"]
    assert (jobs["workers"], jobs["queued"], jobs["running"], jobs["failed"]) == (1, 1, 1, 1)
    assert jobs["last_heartbeat"]


@pytest.mark.django_db
def test_a_worker_without_heartbeat_for_too_long_is_not_alive(client, settings):
    from django.utils import timezone

    from kexie.core.jobs.worker import register
    from kexie.core.models import JobWorker

    register("worker-1")
    JobWorker.objects.update(
        last_seen=timezone.now() - timezone.timedelta(seconds=settings.JOB_WORKER_TIMEOUT + 1)
    )
    body = client.get("/healthz").json()
    assert body["checks"]["jobs"] == "no worker" and body["jobs"]["workers"] == 0


@pytest.mark.django_db
def test_jobs_waiting_with_no_worker_make_the_service_unhealthy(client):
    _queue_job(age=5)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["jobs"] == "no worker"
    _queue_job(age=health.STALLED_AFTER + 1)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["jobs"] == "stalled"


@pytest.mark.django_db
def test_kexie_check_prints_the_same_checks(world):
    from io import StringIO

    from django.core.management import call_command

    _queue_job(age=health.STALLED_AFTER + 1)
    out = StringIO()
    call_command("check", stdout=out)
    text = out.getvalue()
    assert "数据库: 正常" in text and "数据库迁移: 正常" in text
    assert "后台任务: 有任务排队超过 1 分钟却没有工作进程处理" in text and "排队 1" in text
