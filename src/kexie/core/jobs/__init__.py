"""Background jobs with progress (docs/architecture.md "Background jobs", docs/operations.md).

Long work (a large import, a large export) runs in a worker process, not inside a web request:

    job = job_start(actor=user, kind="export", title="导出活动", params={...})

puts a `Job` row (kexie's: owner, progress, result) and a task (django-tasks' database backend,
the queue) in one transaction. A worker (`kexie worker`, or the one `kexie serve` starts) claims
the task, runs the kind's function registered with `@job_kind("export")`, and records the
result. The function reports progress through the `Progress` it is given:

    @job_kind("export")
    def export_job(job, progress, *, kind, year):
        progress.update(done=0, total=n, line="正在导出")
        ...
        return {"rows": n}

Progress is held in memory and written by the worker's heartbeat thread on its own database
connection, so a job inside one long transaction (an import is all-or-nothing) still shows it
(on PostgreSQL; on SQLite the write waits for the transaction, see docs/operations.md).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from kexie.core.models import Job

KINDS: dict[str, Callable] = {}
KIND_MODULES = (
    "kexie.core.jobs.kinds",
    "kexie.core.jobs.schedule",
)  # modules whose import registers job kinds


class JobFailed(Exception):
    """A job ends failed with this (Chinese) message for its owner; nothing else is said."""


def job_kind(name: str):
    """Register the function that runs jobs of kind `name`: fn(job, progress, **params) -> dict."""

    def register(fn):
        KINDS[name] = fn
        return fn

    return register


def kind_function(name: str) -> Callable:
    """The function of job kind `name`: the core's kinds, and those each app declares in its
    `<app>/jobs.py` (reports' annual review, innovation's patent import)."""
    if name not in KINDS:
        from importlib import import_module

        from kexie.core import discovery

        for module in KIND_MODULES:
            import_module(module)
        discovery.discover("jobs")
    return KINDS[name]


def runs_as_job(size_bytes: int) -> bool:
    """The one rule for uploads (imports, patent files): larger than KEXIE_IMPORT_JOB_KB, a job."""
    return size_bytes > settings.IMPORT_JOB_BYTES


class Progress:
    """What a running job reports: rows done of total and a Chinese status line. Updated by the
    job's own thread, written to the database by the worker's heartbeat thread (`pending`)."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.done = 0
        self.total = 0
        self.line = ""
        self._lock = threading.Lock()
        self._dirty = False

    def update(self, *, done: int | None = None, total: int | None = None, line: str | None = None) -> None:
        with self._lock:
            if done is not None:
                self.done = done
            if total is not None:
                self.total = total
            if line is not None:
                self.line = line[:200]
            self._dirty = True

    def __call__(self, done: int, total: int, line: str = "") -> None:
        """The callback shape the import engine takes: progress(done, total, line)."""
        self.update(done=done, total=total, line=line or None)

    def pending(self) -> dict | None:
        """The values not yet written, or None; marks them written."""
        with self._lock:
            if not self._dirty:
                return None
            self._dirty = False
            return {"done": self.done, "total": self.total, "status_line": self.line}

    def write(self) -> None:
        values = self.pending()
        if values is not None:
            Job.objects.filter(pk=self.job_id, state=Job.RUNNING).update(progress_at=timezone.now(), **values)


def job_start(*, actor, kind: str, title: str, params: dict | None = None, inputs: dict | None = None) -> Job:
    """Queue a job for `actor` (None: the system). `inputs` maps a file name to a path copied
    into the job's folder before it is queued (the worker may run on another machine that
    shares the data directory). The task is enqueued when the transaction commits."""
    from kexie.core.jobs.tasks import run_job

    kind_function(kind)  # an unknown kind is refused here, not in the worker
    with transaction.atomic():
        job = Job.objects.create(kind=kind, title=title[:200], owner=actor, params=params or {})
        folder = job_dir(job)
        for name, source in (inputs or {}).items():
            shutil.copyfile(source, folder / name)

        def enqueue():
            result = run_job.enqueue(str(job.pk))
            Job.objects.filter(pk=job.pk).update(task_id=result.id)

        transaction.on_commit(enqueue)
    return job


def job_dir(job) -> Path:
    folder = Path(settings.JOBS_DIR) / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def visible_jobs(user):
    """The jobs `user` may see: their own; a unit administrator (who manages the unit's users)
    also those of the users in their scope; a superuser every job, the system's too."""
    if user.is_superuser:
        return Job.objects.all()
    from kexie.accounts.models import User
    from kexie.accounts.roles import MANAGE_USERS

    mine = Q(owner=user)
    if user.has_perm(MANAGE_USERS):
        mine |= Q(owner__in=User.objects.for_user(user, capability=MANAGE_USERS).values("pk"))
    return Job.objects.filter(mine)


def job_for_user_or_404(user, job_id) -> Job:
    try:
        return visible_jobs(user).get(pk=job_id)
    except (Job.DoesNotExist, ValueError):
        raise Http404 from None


def seconds_left(job) -> int | None:
    """Time left by the rate so far, or None before there is a rate."""
    if job.state != Job.RUNNING or not job.started_at or not job.total or not job.done:
        return None
    spent = (timezone.now() - job.started_at).total_seconds()
    return max(0, round(spent / job.done * (job.total - job.done)))


def percent(job) -> int:
    if job.state == Job.DONE:
        return 100
    return min(100, job.done * 100 // job.total) if job.total else 0
