"""One structured line per job in the request log (issue 10, "Logs"): kind, state, start, end,
duration and rows; never the title, parameters or error text (they may name people)."""

import json
import logging

import pytest

from kexie.core.jobs import KINDS, job_start
from kexie.core.models import Job
from kexie.testing import run_jobs

PHONE = "13812345678"


@pytest.fixture
def log_dir(settings, tmp_path):
    settings.REQUEST_LOG_DIR = tmp_path / "logs"
    yield settings.REQUEST_LOG_DIR
    for handler in logging.getLogger("kexie.requests").handlers:
        handler.close()


def job_lines(log_dir) -> list[dict]:
    found = [
        json.loads(line) for path in sorted(log_dir.glob("*.log")) for line in path.read_text().splitlines()
    ]
    return [line for line in found if "job" in line]


def counted(job, progress, **params):
    progress.update(done=0, total=3)
    progress.update(done=3)
    return {"rows": 3}


def broken(job, progress, **params):
    progress.update(done=1, total=3)
    raise ValueError(PHONE)


def test_one_line_per_job_with_state_duration_and_rows_and_no_personal_data(
    personas, log_dir, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(KINDS, "counted", counted)
    monkeypatch.setitem(KINDS, "broken", broken)
    owner = personas["county_staff"]
    with django_capture_on_commit_callbacks(execute=True):
        good = job_start(actor=owner, kind="counted", title=f"导入 {PHONE}.xlsx", params={"phone": PHONE})
    run_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        bad = job_start(actor=None, kind="broken", title=f"坏任务 {PHONE}")
    run_jobs()

    first, second = job_lines(log_dir)
    assert set(first) == {
        "time", "job", "kind", "state", "started", "finished", "duration_ms", "rows", "total", "attempts",
        "user", "worker",
    }  # fmt: skip
    assert (first["job"], first["kind"], first["state"], first["rows"], first["total"]) == (
        str(good.pk),
        "counted",
        Job.DONE,
        3,
        3,
    )
    assert first["user"] == owner.pk and first["duration_ms"] >= 0 and first["started"] <= first["finished"]
    assert (second["job"], second["state"], second["rows"], second["user"]) == (
        str(bad.pk),
        Job.FAILED,
        1,
        None,
    )
    text = "".join(path.read_text() for path in log_dir.glob("*.log"))
    assert PHONE not in text


def test_a_job_of_a_dead_worker_gets_its_line_too(personas, log_dir):
    from django.utils import timezone

    from kexie.core.jobs.worker import reap_dead_workers

    job = Job.objects.create(
        kind="import",
        title="x",
        state=Job.RUNNING,
        worker_id="gone-1",
        started_at=timezone.now() - timezone.timedelta(hours=1),
    )
    reap_dead_workers("me")
    (line,) = job_lines(log_dir)
    assert (line["job"], line["state"], line["worker"]) == (str(job.pk), Job.FAILED, "gone-1")
