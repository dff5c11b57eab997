"""Several workers on several machines share one PostgreSQL (issue 10): two worker processes take
jobs from one queue at the same time and never run the same job twice."""

import os
import subprocess
import sys
from collections import Counter

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from kexie.core.jobs import KINDS, job_start
from kexie.core.models import Job
from kexie.testing import on_postgresql

# A worker process that also knows a "probe" job kind: each run appends the job's id to a file
# (O_APPEND: whole lines, however the two processes interleave) and takes a moment.
PROBE_WORKER = """
import os, sys, time
import django
django.setup()
from kexie.core.jobs import job_kind
@job_kind("probe")
def probe(job, progress, **params):
    with open(sys.argv[1], "a") as runs:
        runs.write(f"{job.pk} {os.getpid()}\\n")
    time.sleep(0.1)
    return {}
from kexie.cli import main
main(["worker", "--batch", "--quiet", "--interval", "0", "--no-schedule"])
"""


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason="real concurrent workers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job(tmp_path, monkeypatch, settings):
    monkeypatch.setitem(KINDS, "probe", lambda job, progress, **params: {})
    jobs = [job_start(actor=None, kind="probe", title=f"探针{n}") for n in range(40)]
    runs = tmp_path / "runs.txt"
    env = {**os.environ, "KEXIE_DATABASE_URL": _database_url(), "KEXIE_JOBS_DIR": str(settings.JOBS_DIR)}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    workers = [subprocess.Popen([sys.executable, "-c", PROBE_WORKER, str(runs)], env=env) for _ in range(2)]
    for worker in workers:
        assert worker.wait(timeout=300) == 0

    lines = [line.split() for line in runs.read_text().splitlines()]
    per_job = Counter(job_id for job_id, _pid in lines)
    assert sorted(per_job) == sorted(str(job.pk) for job in jobs)
    assert set(per_job.values()) == {1}  # every job ran, and ran once
    assert len({pid for _job, pid in lines}) == 2  # both workers took jobs: they did compete
    assert set(Job.objects.values_list("state", "attempts")) == {(Job.DONE, 1)}
    claims = [len(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)]
    assert claims == [1] * 40  # the queue handed each task to one worker
