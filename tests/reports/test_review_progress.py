"""`kexie review` and the review job report the same steps (issue 10): one per indicator
computed, one per chart drawn, one for the Word document. A terminal sees a bar, a log one
plain line per step, --quiet nothing. Two indicators of an empty database keep these fast."""

import io

import pytest
from django.core.management import call_command

from kexie.core import indicators
from kexie.core.jobs import terminal
from kexie.reports import word


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def two_indicators(db, monkeypatch):
    chosen = indicators.all_indicators()[:2]
    monkeypatch.setattr(indicators, "all_indicators", lambda: chosen)
    monkeypatch.setattr(word, "chart_png", lambda row: None)  # drawing is not what is tested
    monkeypatch.setattr(terminal, "EVERY", 0)
    return chosen


def test_the_review_document_counts_its_steps_in_order(two_indicators):
    from kexie.core.indicators import Period, Scope
    from kexie.reports.params import SystemActor

    heard = []
    review, data = word.review_document(
        Period.year(2020), Scope(SystemActor()), progress=lambda *step: heard.append(step)
    )
    charts = sum(1 for b in review.blocks if b.kind == "chart")
    total = len(two_indicators) + charts + 1
    assert heard[0] == (0, 3, f"正在计算指标:{two_indicators[0].name}")
    assert heard[1] == (1, 3, f"正在计算指标:{two_indicators[1].name}")
    assert heard[-2] == (2 + charts, total, "正在生成 Word 文档")
    assert heard[-1] == (total, total, "已生成")
    dones = [done for done, _total, _line in heard]
    assert dones == sorted(dones) and data[:2] == b"PK"


def test_the_command_prints_one_line_per_step_off_a_terminal(two_indicators, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("review", year=2020, out=str(tmp_path / "r.docx"), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == f"[0/3] 正在计算指标:{two_indicators[0].name}"
    assert lines[1] == f"[1/3] 正在计算指标:{two_indicators[1].name}"
    assert lines[-1].endswith("已生成") and "\r" not in err.getvalue()
    assert "已生成" in out.getvalue() and (tmp_path / "r.docx").stat().st_size > 1000
    assert not list(tmp_path.glob(".*partial"))


def test_the_command_draws_a_bar_on_a_terminal(two_indicators, tmp_path):
    err = Terminal()
    call_command("review", year=2020, out=str(tmp_path / "r.docx"), stdout=io.StringIO(), stderr=err)
    assert "\r[" in err.getvalue() and "正在计算指标" in err.getvalue() and err.getvalue().endswith("\n")


def test_the_command_shows_no_progress_when_quiet(two_indicators, tmp_path):
    for stream in (Terminal(), io.StringIO()):
        call_command(
            "review", year=2020, out=str(tmp_path / "q.docx"), quiet=True, stdout=io.StringIO(), stderr=stream
        )
        assert stream.getvalue() == ""


def test_the_review_job_records_the_same_steps(two_indicators, personas, django_capture_on_commit_callbacks):
    from kexie.core.jobs import job_start
    from kexie.core.models import Job
    from kexie.testing import run_jobs

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=personas["county_staff"], kind="review", title="综述", params={"year": "2020"})
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.DONE, job.error
    assert job.total >= 3 and job.done == job.total and job.result["file"] == "review.docx"
