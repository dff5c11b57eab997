"""Periodic work run by the job workers (kexie.core.jobs.schedule): each run is a job, a run is
not started beside one that goes on, missed runs are not piled up, several workers on one
PostgreSQL start one run."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.utils import timezone

from kexie.core.jobs import schedule
from kexie.core.models import Job, Schedule
from kexie.testing import on_postgresql, run_jobs, run_together

CALLS = []


def probe(progress=None):
    CALLS.append(progress is not None)
    return 7


def fails():
    raise ValueError("3708 should not reach the job's message")


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """schedule.tick, its jobs on the queue (they reach it when the transaction commits)."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return schedule.tick(now)

    return run


@pytest.fixture
def only(monkeypatch):
    """Only the schedules a test registers."""
    schedule.registered()  # the apps' schedules are in before the test empties the registry
    monkeypatch.setattr(schedule, "_registry", {})
    CALLS.clear()

    def register(name, func=f"{__name__}.probe", every=dt.timedelta(minutes=1)):
        return schedule.register(name, every=every, func=func, title="探针")

    return register


def test_the_core_and_the_volunteers_register_their_periodic_work():
    entries = schedule.registered()
    assert entries["notifications.email"].func == "kexie.core.notifications.send_due_emails"
    assert entries["notifications.email"].every == dt.timedelta(minutes=1)
    assert entries["volunteers.entry_deadline"].func == "kexie.volunteers.services.service_reminders_send"
    assert entries["office.task_reminders"].func == "kexie.office.services.task_reminders"
    assert entries["opinion.poll"].func == "kexie.opinion.polling.poll_sources_scheduled"


def test_every_registered_schedule_names_a_function_that_exists():
    from django.utils.module_loading import import_string

    for entry in schedule.registered().values():
        assert callable(import_string(entry.func)), entry.name


def test_a_due_schedule_runs_as_a_job_once_until_its_next_time(db, only, tick):
    only("probe")
    now = timezone.now()
    (job,) = tick(now)
    assert (job.kind, job.owner, job.title, job.state) == ("scheduled", None, "探针", Job.QUEUED)
    assert tick(now + dt.timedelta(seconds=30)) == []  # queued: not a second one
    assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.DONE, {"rows": 7}) and CALLS == [True]
    assert tick(now + dt.timedelta(seconds=59)) == []  # done, but not due yet
    assert len(tick(now + dt.timedelta(seconds=60))) == 1


def test_no_second_run_while_one_goes_on(db, only, tick):
    only("probe")
    now = timezone.now()
    (job,) = tick(now)
    Job.objects.filter(pk=job.pk).update(state=Job.RUNNING)
    assert tick(now + dt.timedelta(minutes=5)) == []
    Job.objects.filter(pk=job.pk).update(state=Job.FAILED)
    assert len(tick(now + dt.timedelta(minutes=5))) == 1


def test_missed_runs_are_not_piled_up(db, only, tick):
    only("probe")
    now = timezone.now()
    tick(now - dt.timedelta(days=1))
    run_jobs()
    # A day without a worker: 1,440 runs missed, one is made, the next is a minute after it.
    started = tick(now)
    assert len(started) == 1 and tick(now) == []
    assert Schedule.objects.get(name="probe").next_run_at == now + dt.timedelta(minutes=1)
    assert Job.objects.filter(kind="scheduled").count() == 2


def test_a_failing_run_ends_failed_and_the_schedule_goes_on(db, only, tick):
    only("broken", func=f"{__name__}.fails")
    now = timezone.now()
    (job,) = tick(now)
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.FAILED and "ValueError" in job.error and "3708" not in job.error
    assert len(tick(now + dt.timedelta(minutes=1))) == 1


def test_old_runs_are_pruned(db, only, tick):
    only("probe")
    now = timezone.now()
    (job,) = tick(now - dt.timedelta(days=3))
    run_jobs()
    Job.objects.filter(pk=job.pk).update(created_at=now - dt.timedelta(days=3))
    tick(now)
    assert not Job.objects.filter(pk=job.pk).exists()
    assert Schedule.objects.get(name="probe").job.created_at > now - dt.timedelta(minutes=1)


def test_registering_refuses_a_too_short_period(only):
    with pytest.raises(ValueError):
        schedule.register("x", every=dt.timedelta(seconds=1), func="builtins.print")


def test_the_worker_sends_due_notification_emails(db, personas, django_capture_on_commit_callbacks):
    from kexie.core.jobs.worker import Worker
    from kexie.core.notifications import notify

    user = personas["county_staff"]
    user.email = "staff@example.cn"
    user.save()
    notify(users=[user], text="有新的待办", link="/", kind="test.schedule", email=True)
    from kexie.core.models import Notification

    Notification.objects.update(email_due_at=timezone.now() - dt.timedelta(seconds=1))
    mail.outbox.clear()
    from unittest import mock

    worker = Worker(batch=True, interval=0, heartbeat=False)  # schedules on, as `kexie worker --batch`
    with (
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None),
        django_capture_on_commit_callbacks(execute=True),
    ):
        worker.run()  # its jobs reach the queue as this (test) transaction "commits"
    run_jobs()
    assert [m.to for m in mail.outbox] == [["staff@example.cn"]]
    assert Job.objects.filter(kind="scheduled", state=Job.DONE, title="发送到期的通知邮件").count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason="concurrent row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_looking_at_once_start_one_run(only):
    only("probe")
    for attempt in range(5):
        now = timezone.now() + dt.timedelta(minutes=attempt)
        results = run_together(lambda now=now: schedule.tick(now), lambda now=now: schedule.tick(now))
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert sorted(len(r) for r in results) == [0, 1]
        Job.objects.filter(kind="scheduled").update(state=Job.DONE)
    assert Job.objects.filter(kind="scheduled").count() == 5


# Two real worker processes with a probe schedule: each run appends a line to a file.
SCHEDULE_WORKER = """
import sys, time
import django
django.setup()
from datetime import timedelta
from kexie.core import discovery
from kexie.core.jobs import schedule
schedule._registry.clear(); discovery.mark_done("schedules")
schedule.register("probe", every=timedelta(hours=1), func="__main__.probe")
def probe():
    with open(sys.argv[1], "a") as runs:
        runs.write("run\\n")
    time.sleep(0.2)
from kexie.cli import main
main(["worker", "--batch", "--quiet", "--interval", "0"])
"""


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason="real concurrent workers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_start_one_run(tmp_path, settings):
    from tests.core.test_jobs_concurrency import _database_url

    runs = tmp_path / "runs.txt"
    env = {**os.environ, "KEXIE_DATABASE_URL": _database_url(), "KEXIE_JOBS_DIR": str(settings.JOBS_DIR)}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    workers = [
        subprocess.Popen([sys.executable, "-c", SCHEDULE_WORKER, str(runs)], env=env) for _ in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=300) == 0
    assert runs.read_text().splitlines() == ["run"]
    assert list(Job.objects.values_list("kind", "state")) == [("scheduled", Job.DONE)]
