"""The worker behind `kexie worker`: django-tasks-db's worker loop (claims one task at a time,
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, an exclusive transaction on SQLite, so two
workers never run the same job) plus kexie's heartbeat thread, which

- records that this worker is alive (`JobWorker.last_seen`, read by /healthz),
- writes the running job's progress on its own database connection,
- fails the jobs of workers that died (kill -9, a crash, a lost machine): their job is marked
  failed with a clear message, and their task too, so nothing stays "running" forever. An
  import is one transaction, so a killed one has written nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import sys
import threading

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as QueueWorker
from django_tasks_db.models import DBTaskResult

from kexie.core.jobs import schedule, tasks
from kexie.core.models import Job, JobWorker

logger = logging.getLogger("kexie.jobs")
HEARTBEAT_SECONDS = 1.0
REAP_EVERY = 10  # heartbeats between two looks for dead workers
WORKER_LOST = (
    "后台工作进程在处理本任务时意外退出(进程被结束或服务器重启),任务未完成;"
    "导入在一个事务中写入,中断时没有写入任何数据。请重新提交。"
)
LOST_CLASS = "kexie.core.jobs.WorkerLost"


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Worker(QueueWorker):
    """One worker process. `parent`: stop when that process is gone (the worker `kexie serve`
    starts ends with the server even if the server was killed)."""

    def __init__(
        self, *, interval: float = 1.0, batch: bool = False, max_tasks=None, worker_id=None, parent=None,
        heartbeat: bool = True, schedule: bool = True,
    ):  # fmt: skip
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id or new_worker_id(),
            excluded_queue_names=[],
        )
        self.parent = parent
        self.heartbeat = heartbeat  # off only where one thread must do everything (tests)
        self.schedule = schedule  # start due periodic work (kexie.core.jobs.schedule)
        self._stop = threading.Event()

    def run(self) -> None:
        autocommit_at_start = connection.get_autocommit()
        register(self.worker_id)
        reap_dead_workers(self.worker_id)
        beat = threading.Thread(target=self._heartbeat, name="kexie-job-heartbeat", daemon=True)
        try:
            if self.schedule:
                schedule.tick()  # before the loop: `--batch` runs what is due too
            if self.heartbeat:
                beat.start()
            super().run()
        finally:
            self._stop.set()
            if beat.is_alive():
                beat.join(timeout=5)
            if autocommit_at_start:
                leave_interrupted_transaction()
            JobWorker.objects.filter(pk=self.worker_id).delete()

    def _heartbeat(self) -> None:
        beats = 0
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                beats += 1
                try:
                    beat(self.worker_id, revive=not self._stop.is_set())
                    if beats % REAP_EVERY == 0:
                        reap_dead_workers(self.worker_id)
                    if self.schedule and beats % schedule.TICK_SECONDS == 0:
                        schedule.tick()
                except DatabaseError:
                    # SQLite's write lock held past its timeout by a long import, or a lost
                    # connection: try again at the next beat, on a fresh connection.
                    logger.warning("job heartbeat could not be written; retrying", exc_info=True)
                    connection.close()
                if self.parent and _orphaned(self.parent):
                    self.running = False  # the server is gone: finish the job under way, then stop
        finally:
            connection.close()


def register(worker_id: str) -> None:
    JobWorker.objects.update_or_create(
        pk=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "last_seen": timezone.now()},
    )


def beat(worker_id: str, *, revive: bool = True) -> None:
    progress = tasks.current["progress"]
    if progress is not None:
        progress.write()
    updated = JobWorker.objects.filter(pk=worker_id).update(last_seen=timezone.now())
    if not updated and revive:
        register(worker_id)  # declared dead while stalled (see reap_dead_workers): it lives again


def leave_interrupted_transaction() -> None:
    """Drop a transaction the stop signal left open. django-tasks-db's signal handler ends the
    process with SystemExit wherever the loop is, also between `BEGIN` and the block that would
    commit or roll it back; the worker's last write (removing its heartbeat) would then ride in
    that transaction and be lost at exit. This rolls it back and returns to autocommit; a
    connection broken mid-query is closed instead, and the next query opens a fresh one."""
    if connection.connection is None or connection.get_autocommit():
        return
    logger.warning("job worker stopped inside a transaction; it is rolled back")
    connection.in_atomic_block = False  # the block that set it will never exit
    connection.atomic_blocks.clear()
    connection.savepoint_ids.clear()
    try:
        connection.rollback()
        connection.set_autocommit(True)
    except DatabaseError:
        connection.close()


def reap_dead_workers(me: str = "") -> list[str]:
    """Fail the jobs and tasks of dead workers; return their ids."""
    timeout = dt.timedelta(seconds=settings.JOB_WORKER_TIMEOUT)
    now = timezone.now()
    here = socket.gethostname()[:255]
    dead = [
        worker.pk
        for worker in JobWorker.objects.exclude(pk=me)
        if _is_dead(worker, here=here, stale=worker.last_seen < now - timeout)
    ]
    live = set(JobWorker.objects.exclude(pk__in=dead).values_list("pk", flat=True)) | {me}
    # Running jobs of a dead worker, or of one that is gone without a trace (a restored backup).
    orphans = [
        job
        for job in Job.objects.filter(state=Job.RUNNING).only("pk", "worker_id", "task_id", "started_at")
        if job.worker_id in dead or (job.worker_id not in live and job.started_at < now - timeout)
    ]
    for job in orphans:
        fail_lost_job(job)
    if dead:
        JobWorker.objects.filter(pk__in=dead).delete()
        logger.warning("job workers declared dead: %s", ", ".join(dead))
    return dead


def fail_lost_job(job) -> None:
    now = timezone.now()
    failed = Job.objects.filter(pk=job.pk, state=Job.RUNNING).update(
        state=Job.FAILED, error=WORKER_LOST, finished_at=now, progress_at=now
    )
    if job.task_id:
        DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
            status="FAILED", finished_at=now, exception_class_path=LOST_CLASS, traceback=WORKER_LOST
        )
    if failed:
        tasks.log_job(Job.objects.get(pk=job.pk))


def _is_dead(worker, *, here: str, stale: bool) -> bool:
    """A worker on this machine is dead when its process is gone (at once, whatever its
    heartbeat: a long SQLite transaction can hold the heartbeat back); one elsewhere when its
    heartbeat is older than JOB_WORKER_TIMEOUT."""
    if worker.hostname == here and sys.platform != "win32":
        return not _alive(worker.pid)
    return stale


def _orphaned(parent: int) -> bool:
    if sys.platform == "win32":
        return not _alive(parent)
    return os.getppid() != parent  # reparented: the parent is gone (its pid may be reused)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would end the process on Windows; the heartbeat decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def status() -> dict:
    """The queue as /healthz and `kexie check` show it (no personal data)."""
    timeout = dt.timedelta(seconds=settings.JOB_WORKER_TIMEOUT)
    now = timezone.now()
    last = JobWorker.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()
    counts = {state: Job.objects.filter(state=state).count() for state in (Job.QUEUED, Job.RUNNING)}
    oldest_queued = (
        Job.objects.filter(state=Job.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return {
        "workers": JobWorker.objects.filter(last_seen__gte=now - timeout).count(),
        "last_heartbeat": last.isoformat(timespec="seconds") if last else None,
        "queued": counts[Job.QUEUED],
        "running": counts[Job.RUNNING],
        "failed": Job.objects.filter(state=Job.FAILED, finished_at__gte=now - dt.timedelta(days=1)).count(),
        "oldest_queued_seconds": round((now - oldest_queued).total_seconds()) if oldest_queued else 0,
    }
