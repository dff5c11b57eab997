"""Periodic work run by the job workers (docs/building-blocks.md "Periodic work").

An app registers its periodic work in its `<app>/schedules.py` (found by the workers at start):

    from datetime import timedelta
    from kexie.core.jobs import schedule

    schedule.register("notifications.email", every=timedelta(minutes=1),
                      func="kexie.core.notifications.send_due_emails", title="发送到期的通知邮件")

Every worker (`kexie worker`, the one `kexie serve` starts) looks at the schedules every few
seconds (`tick`); a schedule that is due is started as a job of kind "scheduled" (the same
progress, job page, log line and failure handling as any job). Several workers on one PostgreSQL
start one run, never two: the schedule's row is taken with a row lock (SKIP LOCKED: a worker
that finds it taken goes on), and a run is not started while the previous one is queued or
running. Missed runs are not piled up: after a pause (no worker for a day) a due schedule runs
once, and the next run is `every` after that run's start.

The function is called without arguments, or with `progress=` (a job's Progress) when it takes
that argument; what it returns is kept as the job's result (a number as `{"rows": n}`).
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from kexie.core import discovery
from kexie.core.jobs import JobFailed, job_kind, job_start

logger = logging.getLogger("kexie.jobs")
KIND = "scheduled"
TICK_SECONDS = 5  # how often a worker looks at the schedules
KEEP_DONE = dt.timedelta(days=1)
KEEP_FAILED = dt.timedelta(days=30)
PRUNE_BATCH = 1000


@dataclass(frozen=True)
class Entry:
    name: str
    every: dt.timedelta
    func: str
    title: str


_registry: dict[str, Entry] = {}


def register(name: str, *, every: dt.timedelta, func: str, title: str = "") -> Entry:
    """Run `func` (a dotted path) about every `every` in a job. Registering a name again replaces
    it (a module imported twice); `every` is at least the workers' look interval."""
    if not isinstance(every, dt.timedelta) or every < dt.timedelta(seconds=TICK_SECONDS):
        raise ValueError(f"schedule {name}: every must be a timedelta of at least {TICK_SECONDS} seconds")
    if len(name) > 100:
        raise ValueError(f"schedule {name}: the name has more than 100 characters")
    entry = Entry(name=name, every=every, func=func, title=str(title or name))
    _registry[name] = entry
    return entry


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registered() -> dict[str, Entry]:
    discovery.discover("schedules")
    return dict(_registry)


def tick(now: dt.datetime | None = None) -> list:
    """Start every due schedule that is not running; return the jobs started."""
    from kexie.core.models import Schedule

    now = now or timezone.now()
    entries = registered()
    if not entries:
        return []
    try:
        Schedule.objects.bulk_create(
            [Schedule(name=name, next_run_at=now) for name in entries], ignore_conflicts=True
        )
        prune(now)
    except DatabaseError:
        logger.warning("schedules: could not be looked at; retrying", exc_info=True)
        return []
    started = []
    for entry in entries.values():
        try:
            job = _start_if_due(entry, now)
        except DatabaseError:
            # SQLite busy past its timeout, or a lost connection: the next tick tries again.
            logger.warning("schedule %s: could not be looked at; retrying", entry.name, exc_info=True)
            continue
        if job is not None:
            started.append(job)
    return started


def _start_if_due(entry: Entry, now: dt.datetime):
    from kexie.core.models import Job, Schedule

    with transaction.atomic():
        row = (
            Schedule.objects.select_for_update(skip_locked=True)
            .filter(name=entry.name, next_run_at__lte=now)
            .first()
        )
        if row is None:
            return None  # not due, or another worker is deciding
        if row.job_id and Job.objects.filter(pk=row.job_id, state__in=(Job.QUEUED, Job.RUNNING)).exists():
            return None  # the previous run goes on: no second one beside it
        job = job_start(actor=None, kind=KIND, title=entry.title, params={"name": entry.name})
        row.job = job
        row.last_run_at = now
        row.next_run_at = now + entry.every  # from now: runs missed while no worker ran are dropped
        row.save(update_fields=["job", "last_run_at", "next_run_at"])
    return job


def prune(now: dt.datetime) -> int:
    """Delete the records of old runs (a run a minute is 1,440 jobs a day): successful ones after
    KEEP_DONE, failed ones after KEEP_FAILED (long enough to look into them)."""
    from django_tasks_db.models import DBTaskResult

    from kexie.core.models import Job

    old = Job.objects.filter(kind=KIND).filter(
        Q(state=Job.DONE, created_at__lt=now - KEEP_DONE)
        | Q(state=Job.FAILED, created_at__lt=now - KEEP_FAILED)
    )
    batch = list(old.values_list("pk", "task_id")[:PRUNE_BATCH])
    if not batch:
        return 0
    deleted = Job.objects.filter(pk__in=[pk for pk, _task in batch]).delete()[0]
    DBTaskResult.objects.filter(pk__in=[task for _pk, task in batch if task]).delete()
    return deleted


@job_kind(KIND)
def scheduled_job(job, progress, *, name):
    entry = registered().get(name)
    if entry is None:
        raise JobFailed(f"定时任务 {name} 已不存在(已被移除)")
    func = import_string(entry.func)
    if "progress" in inspect.signature(func).parameters:
        value = func(progress=progress)
    else:
        value = func()
    if isinstance(value, dict):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return {"rows": value}
    return {}
