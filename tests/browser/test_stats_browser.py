"""The statistical reports' main path in a real browser: a county opens the year's reports, fills
them from the records, looks at a table (the computed academic exchanges, with their records),
types the hand cells, saves and submits, and exports the workbook (one sheet a table)."""

import io
from pathlib import Path

import openpyxl
import pytest

from kexie.activities.services import activity_approve, activity_submit
from kexie.stats.models import StatsReport
from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_fill_look_submit_and_export(browser_page, live_server, world, make_activity, screenshot_dir):
    staff = world.users["county_staff"]
    activity = make_activity(kind=world.kinds["academic_exchange"], title="学术年会", participants=150)
    activity_submit(actor=staff, activity=activity)
    activity_approve(actor=world.users["city_admin"], activity=activity)
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/stats/?year=2020")
    assert "本年度尚无报表" in page.inner_text("#stats-reports")
    page.click("#fill-reports")
    page.wait_for_url(f"{base}/stats/?year=2020")
    page.locator("#stats-reports tr", has_text="任城区科学技术协会").filter(has_text="科协综合统计").locator(
        "a"
    ).click()
    page.wait_for_url(f"{base}/stats/*/")
    # the fill's default is every form the unit files (全部报表): both forms' reports are there
    reports = StatsReport.objects.unscoped(reason="test").filter(unit=world.orgs["rencheng"], year=2020)
    assert sorted(r.form for r in reports) == ["kp", "kx"]
    report = reports.get(form="kx")
    table = page.locator(".card", has_text="CKX表3 学术交流活动")
    first_row = table.locator("tr", has_text="学术交流活动").first
    assert first_row.locator("a").first.inner_text() == "1"  # the approved academic exchange
    assert "150" in first_row.inner_text()

    for field in page.locator("#cells-form input[data-cell]").all():
        field.fill("0")
    page.fill("input[name='c:CKX表3:04-1']", "1")
    page.fill("input[name='c:CKX表3:04-2']", "150")
    page.fill("#f-explanation", "本年度数据据业务记录取数。")
    page.click("#save-cells")
    assert page.inner_text("#stats-clean") == "全部审核规则已通过"
    page.click("#submit-report")
    assert page.inner_text("#report-status") == "已上报"
    page.screenshot(path=str(screenshot_dir / "stats-submitted.png"))

    with page.expect_download() as download:
        page.click("a:has-text('导出Excel')")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "CKX表3 学术交流活动" in book.sheetnames
    sheet = book["CKX表3 学术交流活动"]
    assert [sheet.cell(5, j).value for j in (1, 4, 5)] == ["学术交流活动", 1, 150]
    report.refresh_from_db()
    assert report.is_reviewable
