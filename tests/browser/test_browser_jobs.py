"""A large import in a real browser (issue 10, "Background jobs with progress"): the page answers
at once with the job's progress bar, which polls (HTMX, under the CSP without 'unsafe-inline')
until the job is done, then shows the check result; confirming runs the write as a job too."""

import pytest

from kexie.activities.models import Activity
from kexie.core.models import Job
from kexie.testing import run_jobs

from .test_browser_flow import activities_workbook, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_import_follows_its_job_to_the_result(browser_page, live_server, world, tmp_path, settings):
    settings.IMPORT_JOB_BYTES = 0  # every upload counts as large
    page, base = browser_page, live_server.url
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    login(page, base, "city_admin")
    page.click("text=数据导入")
    page.select_option("#id_kind", "activities")
    page.set_input_files("#id_file", str(activities_workbook(tmp_path / "活动台账.xlsx")))
    page.click("#preview-button")
    page.wait_for_selector("#job-progress")
    assert "/core/jobs/" in page.url and "排队中" in page.inner_text("#job-state")
    assert page.locator("#job-bar").get_attribute("value") == "0"

    run_jobs()  # a worker takes the job; the page polls, then reloads itself with the result
    page.wait_for_selector("#import-result")
    assert "试运行" in page.inner_text("#import-summary") and "已完成" in page.inner_text("#job-state")
    assert page.locator("#job-bar").get_attribute("value") == "100"

    checked = page.url
    page.click("#commit-button")
    page.wait_for_url(lambda url: "/core/jobs/" in url and url != checked)
    page.wait_for_selector("#job-progress")
    run_jobs()
    page.wait_for_selector("#import-done")
    assert Activity.objects.count() == 2 and Job.objects.filter(state=Job.DONE).count() == 2
    assert blocked == []
