"""`kexie index rebuild` (issue 10): rebuilds the search indexes with a progress bar on a terminal
that reaches its total, none with --quiet; --background leaves it to a job worker."""

import io

from django.core.management import call_command

from kexie.core.jobs import terminal
from kexie.core.models import Job
from kexie.testing import run_jobs


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_index_rebuild_draws_a_bar_to_its_total(db, monkeypatch):
    from kexie.core import derived

    monkeypatch.setattr(terminal, "EVERY", 0)
    derived.registered()  # the real registry is complete before the test swaps in its own
    calls = []
    monkeypatch.setattr(
        derived, "_registry", {"甲索引": lambda: calls.append(1), "乙索引": lambda: calls.append(2)}
    )
    tables = [n for n, kind in derived.database_index_tables().items() if kind == "virtual"]
    total = len(tables) + 2
    screen, out = Terminal(), io.StringIO()
    call_command("index", "rebuild", stdout=out, stderr=screen)
    assert calls == [1, 2]
    assert f"{total}/{total} 100%" in screen.getvalue() and "甲索引" in screen.getvalue()
    assert f"已重建 {total} 个检索索引" in out.getvalue()
    quiet = Terminal()
    call_command("index", "rebuild", "--quiet", stdout=io.StringIO(), stderr=quiet)
    assert quiet.getvalue() == "" and calls == [1, 2, 1, 2]


def test_the_index_rebuild_runs_as_a_job_on_request(db, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("index", "rebuild", "--background", stdout=out)
    (job,) = Job.objects.all()
    assert str(job.pk) in out.getvalue() and job.kind == "index_rebuild"
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.DONE and job.done == job.total == job.result["rows"]
