"""A worker killed with SIGKILL in the middle of an import (issue 10: "a job killed midway leaves
nothing half written, and is marked failed or resumed, never left running forever"). Real
processes on a database file of their own: a setup process queues the import, a worker process
is killed while its write transaction is open, a second worker finds the dead one."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")

SETUP = """
import io, sys
import django
django.setup()
from openpyxl import Workbook
from kexie.testing import build_world
from kexie.core.jobs import job_start
world = build_world()
wb = Workbook()
wb.active.append(["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "地点", "主办单位", "填报单位"])
for n in range(500):
    wb.active.append([f"讲座{n}", "科普讲座", "2020-09-19", "2020-09-19", "任城区", f"社区{n}",
                      "任城区科学技术协会", "任城区科学技术协会"])
wb.save(sys.argv[1])
job = job_start(actor=world["users"]["county_staff"], kind="import", title="导入活动",
                params={"kind": "activities", "filename": "活动.xlsx", "dry_run": False},
                inputs={"input": sys.argv[1]})
print(job.pk)
"""

# The worker, with one change: once the rows are inserted, inside the import's transaction and
# before it commits, it says so (a marker file) and waits to be killed.
SLOW_WORKER = """
import sys, time
from pathlib import Path
import django
django.setup()
from kexie.core.imports import engine
log = engine.audit.log
def log_then_wait(**kwargs):
    log(**kwargs)
    Path(sys.argv[1]).write_text("in the transaction")
    time.sleep(120)
engine.audit.log = log_then_wait
from kexie.cli import main
main(["worker", "--quiet", "--interval", "0.2"])
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """An empty, migrated database file, made once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "-m", "kexie.cli", "migrate", "--verbosity", "0"],
        env=_env(folder), timeout=300, check=True,
    )  # fmt: skip
    return folder / "kexie.sqlite3"


@pytest.fixture
def site(tmp_path, migrated):
    shutil.copyfile(migrated, tmp_path / "kexie.sqlite3")
    return tmp_path


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEXIE_")}
    env.update(
        DJANGO_SETTINGS_MODULE="kexie.settings",
        KEXIE_DATA_DIR=str(tmp_path / "data"),
        KEXIE_DATABASE_URL=f"sqlite:///{tmp_path / 'kexie.sqlite3'}",
        KEXIE_JOBS_DIR=str(tmp_path / "jobs"),
        PYTHONPATH=os.pathsep.join(sys.path),
    )
    return env


def _wait_for(path, process, seconds=120):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, "the worker ended before the import was under way"
        assert time.monotonic() < deadline, "the import never reached its transaction"
        time.sleep(0.1)


def _query(tmp_path, sql, *params):
    with closing(sqlite3.connect(tmp_path / "kexie.sqlite3")) as db:
        return db.execute(sql, params).fetchall()


def test_a_worker_killed_mid_import_leaves_nothing_written_and_the_job_ends_failed(site):
    tmp_path = site
    env = _env(tmp_path)
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, str(tmp_path / "活动.xlsx")],
        env=env, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    job_id = setup.stdout.strip().splitlines()[-1].replace("-", "")
    marker = tmp_path / "marker"
    worker = subprocess.Popen([sys.executable, "-c", SLOW_WORKER, str(marker)], env=env)
    try:
        _wait_for(marker, worker)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL

    # Killed inside the transaction: not one row of the 500, no audit entry; the job "running".
    assert _query(tmp_path, "SELECT count(*) FROM activities_activity") == [(0,)]
    assert _query(
        tmp_path, "SELECT count(*) FROM core_auditentry WHERE action = 'kexie.import.activities'"
    ) == [(0,)]
    assert _query(tmp_path, "SELECT state FROM core_job WHERE id = ?", job_id) == [("running",)]

    # The next worker (here one that runs what is queued, then stops) finds the dead one.
    subprocess.run(
        [sys.executable, "-m", "kexie.cli", "worker", "--batch", "--quiet"], env=env, timeout=120, check=True
    )
    [(state, error, attempts)] = _query(
        tmp_path, "SELECT state, error, attempts FROM core_job WHERE id = ?", job_id
    )
    assert state == "failed" and attempts == 1
    assert "意外退出" in error and "没有写入任何数据" in error and "请重新提交" in error
    [(task_state, exception)] = _query(
        tmp_path,
        "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
        "WHERE id = (SELECT task_id FROM core_job WHERE id = ?)",
        job_id,
    )
    assert (task_state, exception) == ("FAILED", "kexie.core.jobs.WorkerLost")
    assert _query(tmp_path, "SELECT count(*) FROM activities_activity") == [(0,)]  # not run again
    assert _query(tmp_path, "SELECT count(*) FROM core_jobworker") == [(0,)]


def _wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


# A stand-in for `kexie serve`: starts a worker as its child, as serving.start_worker does, says its
# process id, and waits to be killed.
PARENT = """
import os, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-m", "kexie.cli", "worker", "--quiet", "--parent", str(os.getpid())])
print(worker.pid, flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_a_worker_reports_its_heartbeat_and_ends_with_its_parent(site):
    env = _env(site)
    parent = subprocess.Popen([sys.executable, "-c", PARENT], env=env, stdout=subprocess.PIPE, text=True)
    worker_pid = int(parent.stdout.readline())
    try:
        _wait_until(lambda: _query(site, "SELECT count(*) FROM core_jobworker") == [(1,)])
        check = subprocess.run(
            [sys.executable, "-m", "kexie.cli", "check"], env=env, capture_output=True, text=True, timeout=120
        )
        assert "后台任务: 正常;工作进程 1 个" in check.stdout and "排队 0" in check.stdout
        parent.kill()  # the server killed outright: its worker notices and stops by itself, cleanly
        parent.wait()
        _wait_until(lambda: _gone(worker_pid))
    finally:
        if parent.poll() is None:
            parent.kill()
        if not _gone(worker_pid):
            os.kill(worker_pid, signal.SIGKILL)
    assert _query(site, "SELECT count(*) FROM core_jobworker") == [(0,)]  # it removed its heartbeat
    check = subprocess.run(
        [sys.executable, "-m", "kexie.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "后台任务: 没有运行中的工作进程" in check.stdout


def test_the_worker_serve_starts_stops_with_it(site, monkeypatch):
    from kexie import serving

    for name, value in _env(site).items():
        monkeypatch.setenv(name, value)
    worker = serving.start_worker()
    try:
        _wait_until(lambda: _query(site, "SELECT count(*) FROM core_jobworker") == [(1,)])
        serving.stop_worker(worker)
        assert worker.returncode == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _query(site, "SELECT count(*) FROM core_jobworker") == [(0,)]
