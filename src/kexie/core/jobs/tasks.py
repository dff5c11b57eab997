"""The one task on the queue: run a kexie job by its id (kexie.core.jobs)."""

from __future__ import annotations

import json
import logging
import time

from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from kexie.core.jobs import JobFailed, Progress, kind_function
from kexie.core.models import Job

logger = logging.getLogger("kexie.jobs")
# A child of the request log's logger: its JSON lines go to the same daily files (requestlog.py).
job_log = logging.getLogger("kexie.requests").getChild("jobs")  # the request log's files
FAILED_UNEXPECTEDLY = "任务出错({error}),没有写入任何数据;请稍后重试,仍出错请联系管理员。"
WORKER_STOPPED = "后台工作进程被强制停止,任务中断,没有写入任何数据;请重新提交。"

# The progress of the job this process is running, for the worker's heartbeat thread.
current: dict = {"progress": None}


@task(takes_context=True)
def run_job(context, job_id: str) -> None:
    worker_id = (context.task_result.worker_ids or [""])[-1]
    claimed = Job.objects.filter(pk=job_id, state=Job.QUEUED).update(
        state=Job.RUNNING, started_at=timezone.now(), worker_id=worker_id, attempts=F("attempts") + 1
    )
    if not claimed:
        return  # already failed (its worker was declared dead) or run: never twice
    job = Job.objects.get(pk=job_id)
    progress = Progress(job.pk)
    current["progress"] = progress
    started = time.perf_counter()
    try:
        result = kind_function(job.kind)(job, progress, **job.params)
    except JobFailed as exc:
        _finish(job, progress, state=Job.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, progress, state=Job.FAILED, error=FAILED_UNEXPECTEDLY.format(error=type(exc).__name__))
    except BaseException:
        _finish(job, progress, state=Job.FAILED, error=WORKER_STOPPED)
        raise
    else:
        _finish(job, progress, state=Job.DONE, result=result or {})
    finally:
        current["progress"] = None
        try:
            job.refresh_from_db()
            log_job(job, seconds=time.perf_counter() - started)
        except DatabaseError:
            logger.warning("job %s: its log line could not be written", job.pk, exc_info=True)


def _finish(job, progress, *, state, result=None, error="") -> None:
    values = progress.pending() or {}
    if state == Job.DONE and progress.total:
        values["done"] = progress.total
    Job.objects.filter(pk=job.pk, state=Job.RUNNING).update(
        state=state,
        result=result,
        error=error,
        finished_at=timezone.now(),
        progress_at=timezone.now(),
        **values,
    )


def log_job(job, *, seconds: float | None = None) -> None:
    """One line per job, when it ends (docs/operations.md "Logs"): a JSON line in the request log
    and a short one for the worker's console. Ids, kind, state, times and counts only: never the
    title, parameters, file names or the error text, which may name people."""
    if seconds is None and job.started_at and job.finished_at:
        seconds = (job.finished_at - job.started_at).total_seconds()
    logger.info("job id=%s kind=%s state=%s seconds=%.1f", job.pk, job.kind, job.state, seconds or 0)
    if job_log.isEnabledFor(logging.INFO):
        job_log.info(json.dumps(job_line(job, seconds), ensure_ascii=False))


def job_line(job, seconds: float | None) -> dict:
    def moment(value):
        return timezone.localtime(value).isoformat(timespec="milliseconds") if value else None

    return {
        "time": timezone.localtime().isoformat(timespec="milliseconds"),
        "job": str(job.pk),
        "kind": job.kind,
        "state": job.state,
        "started": moment(job.started_at),
        "finished": moment(job.finished_at),
        "duration_ms": round(seconds * 1000, 1) if seconds is not None else None,
        "rows": job.done,
        "total": job.total,
        "attempts": job.attempts,
        "user": job.owner_id,
        "worker": job.worker_id,
    }
