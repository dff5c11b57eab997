"""Background jobs with progress (issue 10, part 2): a large web import or export runs as a job,
the page answers at once and follows the job's progress (HTMX polling) to its result; jobs are
the submitter's own (administrators see all), other ids answer 404; /healthz shows the queue."""

import io
import re

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook, load_workbook

from kexie.activities.models import Activity
from kexie.core.jobs import Progress, job_start
from kexie.core.models import Job
from kexie.testing import run_jobs

HEADERS = ["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "地点", "主办单位", "填报单位"]


def row(n: int) -> list:
    return [f"科普讲座{n}", "科普讲座", "2020-09-19", "2020-09-19", "任城区", f"社区{n}", "任城区科学技术协会",
            "任城区科学技术协会"]  # fmt: skip


def xlsx(rows) -> bytes:
    wb = Workbook()
    wb.active.append(HEADERS)
    for cells in rows:
        wb.active.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def as_jobs(settings):
    """Every upload and export counts as large."""
    settings.IMPORT_JOB_BYTES = 0
    settings.EXPORT_JOB_ROWS = 0


def upload(client, data, name="活动.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("core:import"), {"kind": "activities", "file": SimpleUploadedFile(name, data)})


def job_of(response) -> Job:
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/core/jobs/([0-9a-f-]{36})/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match[1])


def test_a_large_import_is_checked_then_written_by_jobs_and_the_pages_follow_them(
    client, personas, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(personas["county_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, xlsx([row(n) for n in range(30)]))
    check = job_of(response)
    assert check.state == Job.QUEUED and check.owner == personas["county_staff"]
    assert DBTaskResult.objects.filter(pk=check.task_id, status="READY").exists()

    page = client.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in page and 'hx-trigger="every 1s"' in page and "<progress" in page
    assert "排队中" in page and "<script>" not in page  # CSP: no inline script

    assert run_jobs() == 1
    check.refresh_from_db()
    assert check.state == Job.DONE and check.done == check.total == 30 and check.attempts == 1
    fragment = client.get(reverse("core:job_progress", args=[check.pk]))
    assert fragment["HX-Refresh"] == "true" and "hx-trigger" not in fragment.content.decode()
    page = client.get(reverse("core:job", args=[check.pk])).content.decode()
    assert 'id="import-result"' in page and "试运行,未写入" in page and ">确认导入</button>" in page
    assert Activity.objects.count() == 0

    token = client.session["kexie_import_pending"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:import"), {"kind": "activities", "action": "commit", "token": token}
        )
    write = job_of(response)
    assert Activity.objects.count() == 0  # the page answered before any row was written
    assert run_jobs() == 1
    assert Activity.objects.count() == 30
    page = client.get(reverse("core:job", args=[write.pk])).content.decode()
    assert "数据已写入" in page and "kexie_import_pending" not in client.session


def test_an_import_job_with_bad_rows_offers_the_error_workbook_of_its_owner_only(
    client, personas, as_jobs, django_capture_on_commit_callbacks
):
    client.force_login(personas["county_staff"])
    bad = row(2)
    bad[2] = "2020-13-01"
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(upload(client, xlsx([row(1), bad])))
    run_jobs()
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'id="error-workbook"' in page and "2020-13-01" in page
    download = client.get(reverse("core:job_download", args=[job.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0] == (*HEADERS, "错误原因") and rows[1][2] == "2020-13-01"
    assert "%E6%B4%BB%E5%8A%A8.errors.xlsx" in download["Content-Disposition"]


def test_a_large_export_is_written_by_a_job_and_downloaded_when_done(
    client, personas, make_activity, as_jobs, django_capture_on_commit_callbacks
):
    from kexie.core.imports import export_rows

    for n in range(3):
        make_activity(title=f"讲座{n}")
    client.force_login(personas["county_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        job = job_of(client.get(reverse("core:export"), {"kind": "activities", "format": "csv"}))
    assert job.params == {"kind": "activities", "year": None, "fmt": "csv"}
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404  # not yet
    run_jobs()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.result["rows"]) == (Job.DONE, 3, 3, 3)
    page = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert 'id="job-download"' in page
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == export_rows(
        actor=personas["county_staff"], kind="activities", fmt="csv"
    )
    assert "activities.csv" in download["Content-Disposition"]


def test_small_uploads_and_exports_stay_in_the_page(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas["county_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, xlsx([row(1)])).status_code == 200
        assert client.get(reverse("core:export"), {"kind": "activities"}).status_code == 200
    assert not Job.objects.exists()


@pytest.mark.parametrize("name", ["core:job", "core:job_progress", "core:job_download"])
def test_a_job_is_seen_by_its_owner_and_the_administrators_above_other_ids_answer_404(client, personas, name):
    from kexie.core.jobs import job_dir

    job = job_start(
        actor=personas["county_staff"], kind="export", title="导出活动", params={"kind": "activities"}
    )
    Job.objects.filter(pk=job.pk).update(state=Job.DONE, result={"file": "export.xlsx"})
    (job_dir(job) / "export.xlsx").write_bytes(b"x")
    # The owner (任城区); the city's administrator above; not the society, nor 兖州区's administrator.
    expected = {"county_staff": 200, "city_admin": 200, "society_secretary": 404, "outsider": 404}
    for persona, status in expected.items():
        client.force_login(personas[persona])
        assert client.get(reverse(name, args=[job.pk])).status_code == status, persona
    client.force_login(personas["county_staff"])
    assert client.get(reverse(name, args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_a_system_job_is_seen_by_superusers_only(client, personas):
    job = job_start(actor=None, kind="export", title="导出活动", params={"kind": "activities"})
    client.force_login(personas["city_admin"])
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 404
    personas["city_admin"].is_superuser = True
    personas["city_admin"].save()
    assert client.get(reverse("core:job", args=[job.pk])).status_code == 200


def test_the_job_list_shows_only_the_jobs_one_may_see(client, personas):
    job_start(actor=personas["county_staff"], kind="export", title="导出甲", params={"kind": "activities"})
    job_start(actor=personas["outsider"], kind="export", title="导出乙", params={"kind": "activities"})
    client.force_login(personas["county_staff"])
    page = client.get(reverse("core:jobs")).content.decode()
    assert "导出甲" in page and "导出乙" not in page
    client.force_login(personas["city_admin"])
    page = client.get(reverse("core:jobs")).content.decode()
    assert "导出甲" in page and "导出乙" in page and "rencheng_staff" in page  # whose job it is


def test_progress_shows_rows_done_of_total_and_time_left(client, personas):
    from django.utils import timezone

    job = job_start(
        actor=personas["county_staff"], kind="export", title="导出活动", params={"kind": "activities"}
    )
    started = timezone.now() - timezone.timedelta(seconds=100)
    Job.objects.filter(pk=job.pk).update(state=Job.RUNNING, started_at=started)
    progress = Progress(job.pk)
    progress.update(done=250, total=1000, line="正在导出第 251 条")
    progress.write()
    progress.write()  # nothing new: no second write needed
    client.force_login(personas["county_staff"])
    page = client.get(reverse("core:job_progress", args=[job.pk])).content.decode()
    assert 'value="25"' in page and "250 / 1000 行" in page and "正在导出第 251 条" in page
    assert "约 5 分" in page  # 100 s for a quarter: about 300 s left
    assert "HX-Refresh" not in client.get(reverse("core:job_progress", args=[job.pk])).headers


def test_progress_is_written_only_for_a_running_job(personas):
    job = job_start(actor=None, kind="export", title="导出", params={"kind": "activities"})
    Job.objects.filter(pk=job.pk).update(state=Job.FAILED)
    progress = Progress(job.pk)
    progress.update(done=5, total=10)
    progress.write()
    assert Job.objects.get(pk=job.pk).done == 0


def test_an_unknown_kind_is_refused_before_anything_is_queued(personas):
    with pytest.raises(KeyError):
        job_start(actor=None, kind="nope", title="?")
    assert not Job.objects.exists()


def test_a_job_that_raises_ends_failed_with_a_chinese_message_and_no_detail(
    personas, monkeypatch, django_capture_on_commit_callbacks
):
    from kexie.core.jobs import KINDS

    def broken(job, progress, **params):
        raise ValueError("secret detail 370811199001011234")

    monkeypatch.setitem(KINDS, "broken", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=None, kind="broken", title="坏任务")
    run_jobs()
    job.refresh_from_db()
    assert job.state == Job.FAILED and "任务出错(ValueError)" in job.error and "3708" not in job.error


# ---- the command line ----------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_import_command_draws_a_progress_bar_on_a_terminal_only(personas, tmp_path, monkeypatch):
    from django.core.management import call_command

    from kexie.core.imports import engine
    from kexie.core.jobs import terminal

    monkeypatch.setattr(engine, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(terminal, "EVERY", 0)
    path = tmp_path / "活动.xlsx"
    path.write_bytes(xlsx([row(n) for n in range(40)]))
    screen = Terminal()
    call_command("import", "activities", str(path), "--dry-run", stdout=io.StringIO(), stderr=screen)
    drawn = screen.getvalue()
    assert "\r[" in drawn and "10/40 25%" in drawn and "正在检查第 11 行(共 40 行)" in drawn
    assert "[########################] 40/40 100%" in drawn
    quiet = Terminal()
    call_command(
        "import", "activities", str(path), "--dry-run", "--quiet", stdout=io.StringIO(), stderr=quiet
    )
    piped = io.StringIO()
    call_command("import", "activities", str(path), "--dry-run", stdout=io.StringIO(), stderr=piped)
    assert "\r" not in quiet.getvalue() and "\r" not in piped.getvalue()


def test_the_export_command_draws_a_progress_bar(personas, make_activity, tmp_path, monkeypatch):
    from django.core.management import call_command

    from kexie.core.jobs import terminal

    monkeypatch.setattr(terminal, "EVERY", 0)
    make_activity()
    screen = Terminal()
    call_command("export", "activities", str(tmp_path / "a.csv"), stdout=io.StringIO(), stderr=screen)
    assert "1/1 100%" in screen.getvalue()


def test_time_left_follows_the_rate_so_far():
    from kexie.core.jobs.terminal import render

    assert render(100, 400, "正在检查", 30.0).endswith("100/400 25% 剩余约 1 分 30 秒 正在检查")
    assert render(0, 0, "正在读取文件", 1.0) == "正在读取文件"


# ---- dead workers --------------------------------------------------------------------------


def _running_job(worker_id, *, started_ago=0):
    from django.utils import timezone

    job = job_start(actor=None, kind="export", title="导出", params={"kind": "activities"})
    started = timezone.now() - timezone.timedelta(seconds=started_ago)
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [str(job.pk)], "kwargs": {}}, task_path="kexie.core.jobs.tasks.run_job",
        backend_name="default", status="RUNNING", worker_ids=[worker_id], run_after=started,
    )  # fmt: skip
    Job.objects.filter(pk=job.pk).update(
        state=Job.RUNNING, worker_id=worker_id, started_at=started, task_id=task.pk
    )
    return job


def _worker(worker_id, *, hostname=None, pid=None, seconds_ago=0):
    import os
    import socket

    from django.utils import timezone

    from kexie.core.models import JobWorker

    return JobWorker.objects.create(
        pk=worker_id, hostname=hostname or socket.gethostname(), pid=pid or os.getpid(),
        last_seen=timezone.now() - timezone.timedelta(seconds=seconds_ago),
    )  # fmt: skip


def _ended_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="process ids are checked on POSIX")
def test_the_jobs_of_a_dead_worker_end_failed_and_their_tasks_too(personas, settings):
    from kexie.core.jobs.worker import LOST_CLASS, reap_dead_workers
    from kexie.core.models import JobWorker

    timeout = settings.JOB_WORKER_TIMEOUT
    _worker("killed", pid=_ended_pid())  # here, its process gone: dead at once
    _worker("lost", hostname="another-machine", seconds_ago=timeout + 5)  # elsewhere, silent: dead
    _worker("busy", seconds_ago=timeout + 5)  # here, alive, heartbeat held back by a long transaction
    _worker("elsewhere", hostname="another-machine")  # elsewhere, beating
    jobs = {name: _running_job(name) for name in ("killed", "lost", "busy", "elsewhere")}
    forgotten = _running_job("restored-from-a-backup", started_ago=timeout + 5)

    assert sorted(reap_dead_workers("me")) == ["killed", "lost"]

    states = {name: Job.objects.get(pk=job.pk).state for name, job in jobs.items()}
    assert states == {"killed": "failed", "lost": "failed", "busy": "running", "elsewhere": "running"}
    failed = Job.objects.get(pk=jobs["killed"].pk)
    assert "意外退出" in failed.error and failed.finished_at
    task = DBTaskResult.objects.get(pk=failed.task_id)
    assert (task.status, task.exception_class_path) == ("FAILED", LOST_CLASS)
    assert Job.objects.get(pk=forgotten.pk).state == Job.FAILED
    assert sorted(JobWorker.objects.values_list("pk", flat=True)) == ["busy", "elsewhere"]


def test_a_job_declared_lost_is_not_run_again(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=None, kind="export", title="导出", params={"kind": "activities"})
    Job.objects.filter(pk=job.pk).update(state=Job.FAILED, error="丢失")
    run_jobs()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (Job.FAILED, 0, "丢失")


@pytest.mark.django_db(transaction=True)
def test_a_worker_stopped_inside_a_transaction_still_removes_its_heartbeat(monkeypatch):
    """CI on PostgreSQL: SIGTERM landed between the loop's BEGIN and its atomic block, so the
    worker's last DELETE ran inside a transaction nobody committed and its heartbeat row stayed."""
    from django.db import connection, transaction
    from django_tasks_db.management.commands.db_worker import Worker as QueueWorker

    from kexie.core.jobs.worker import Worker
    from kexie.core.models import JobWorker

    def interrupted_loop(self):
        transaction.atomic().__enter__()  # BEGIN, and the signal arrives before the block runs
        raise SystemExit(0)

    monkeypatch.setattr(QueueWorker, "run", interrupted_loop)
    worker = Worker(heartbeat=False, schedule=False)
    with pytest.raises(SystemExit):
        worker.run()
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert not JobWorker.objects.filter(pk=worker.worker_id).exists()


def test_a_stopping_worker_s_last_beat_does_not_bring_its_heartbeat_back(personas):
    from kexie.core.jobs.worker import beat
    from kexie.core.models import JobWorker

    beat("gone", revive=False)
    assert not JobWorker.objects.filter(pk="gone").exists()
    beat("gone")
    assert JobWorker.objects.filter(pk="gone").exists()
