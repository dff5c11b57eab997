"""The whole path in a real browser: log in, import an activities workbook through the import
page, approve the imported activity in the review queue, see it approved."""

import io

import pytest
from openpyxl import Workbook

from kexie.activities.models import Activity, Status
from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = [
    "活动名称",
    "活动类型",
    "开始日期",
    "结束日期",
    "所在区划",
    "主办单位",
    "填报单位",
    "参与人数",
    "状态",
]
ROWS = [
    ["全国科普日主场活动", "科普日活动", "2020-09-19", "2020-09-19", "任城区", "任城区科学技术协会", "任城区科学技术协会", 1200, "待审核"],
    ["科普进社区·健康讲座", "科普讲座", "2020-09-20", "2020-09-20", "任城区", "任城区科学技术协会", "任城区科学技术协会", 150, "待审核"],
]  # fmt: skip


def activities_workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_import_then_approve_in_review_queue(browser_page, live_server, world, tmp_path, screenshot_dir):
    page, base = browser_page, live_server.url
    login(page, base, "city_admin")
    assert "济宁市科学技术协会" in page.inner_text(".kx-topbar")

    page.click("text=数据导入")
    page.select_option("#id_kind", "activities")
    page.set_input_files("#id_file", str(activities_workbook(tmp_path / "活动台账.xlsx")))
    page.click("#preview-button")
    page.wait_for_selector("#import-result")
    assert "试运行" in page.inner_text("#import-summary")
    assert not Activity.objects.exists()
    page.click("#commit-button")
    page.wait_for_selector("#import-done")
    assert Activity.objects.filter(status=Status.SUBMITTED).count() == 2

    page.click("nav >> text=审核队列")
    row = page.locator("tr", has_text="全国科普日主场活动")
    row.locator(".approve-button").click()  # HTMX swaps the row in place
    page.locator("tr", has_text="全国科普日主场活动").locator(".status-approved").wait_for()
    swapped = page.locator("tr", has_text="全国科普日主场活动")
    assert swapped.count() == 1 and swapped.locator(".status-approved").count() == 1
    assert "已通过“全国科普日主场活动”" in swapped.inner_text()
    assert Activity.objects.get(title="全国科普日主场活动").status == Status.APPROVED
    assert Activity.objects.get(title="科普进社区·健康讲座").status == Status.SUBMITTED

    page.click("nav >> text=活动台账")
    page.wait_for_selector("#activity-table")
    assert "已通过" in page.locator("tr", has_text="全国科普日主场活动").inner_text()
    page.screenshot(path=str(screenshot_dir / "activity_list.png"), full_page=True)
    page.goto(f"{base}/")
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)
    page.goto(f"{base}/activities/review/")
    page.screenshot(path=str(screenshot_dir / "review_queue.png"), full_page=True)


def test_phone_search_stays_out_of_the_url_and_no_script_is_blocked(browser_page, live_server, world):
    """Under the CSP without 'unsafe-inline' every page's scripts still run (charts, HTMX, the
    cancel link), and a phone searched for in the people list never appears in the address."""
    from kexie.directory.services import person_create

    page, base = browser_page, live_server.url
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    person_create(
        actor=world.users["county_staff"],
        data={"name": "李四", "phone": "13112346781", "unit": world.orgs["rencheng"]},
    )
    login(page, base, "rencheng_staff")
    page.goto(f"{base}/directory/people/")
    page.fill("#id_q", "131 1234 6781")
    page.click("form.kx-filters button[type=submit]")
    page.wait_for_url("**pd=*")
    assert "6781" not in page.url and "1311234" not in page.url
    assert "李四" in page.inner_text("table") and "131****6781" in page.inner_text("table")
    page.goto(f"{base}/reports/")
    page.wait_for_selector("canvas, svg", state="attached")
    page.goto(f"{base}/directory/people/new/")
    page.click("text=取消")
    page.wait_for_url(f"{base}/reports/")
    assert blocked == []
