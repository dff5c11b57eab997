"""The office in a real browser: a meeting is recorded with its decisions, a decision becomes a
task in one step, the owner completes it, and the task shows in the owner's execution record."""

import pytest

from kexie.office.models import Task
from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def logout(page):
    page.click(".kx-topbar button[type=submit]")


def test_meeting_decision_task_record(browser_page, live_server, world, screenshot_dir):
    from kexie.office.testing import build_office

    office = build_office(world.users, world.orgs)
    page, base = browser_page, live_server.url

    login(page, base, "city_admin")  # the office records the party group's meeting
    page.click("nav >> text=机关工作")
    page.click("text=会议")
    page.click("text=记录会议")
    page.select_option("#id_kind", "party_group")
    page.fill("#id_title", "2020年第6次党组会")
    page.fill("#id_held_on", "2020-06-01")
    page.select_option("#id_attendees", [str(office["cadre_head"].pk), str(office["cadre_a"].pk)])
    page.fill("#id_decisions", "修订公务接待管理办法\n开展制度执行情况检查")
    page.click("#office-form button[type=submit]")
    page.wait_for_selector("text=修订公务接待管理办法")
    form = page.locator("form.decision-task").first  # the first decision becomes a task
    form.locator("select[name=department]").select_option(str(office["office"].unit_id))
    form.locator("select[name=owner]").select_option(str(office["cadre_a"].pk))
    form.locator("input[name=deadline]").fill("2020-06-30")
    form.locator("button").click()
    page.wait_for_selector("#task-title")
    assert page.inner_text("#task-title") == "修订公务接待管理办法"
    task = Task.objects.unscoped(reason="test").get(title="修订公务接待管理办法")
    assert task.source == "decision" and task.decision.meeting.title == "2020年第6次党组会"
    page.screenshot(path=str(screenshot_dir / "office-task.png"))
    logout(page)

    login(page, base, "cadre_a")  # the owner reports and completes it
    page.goto(f"{base}/office/tasks/{task.pk}/")
    page.fill("textarea[name=text]", "修订稿已提交党组会审议")
    page.click("text=报告进展")
    page.wait_for_selector("text=修订稿已提交党组会审议")
    page.fill("#complete-form input[name=done_on]", "2020-06-20")
    page.click("#complete-form button")
    page.wait_for_selector("#task-status >> text=已完成")
    page.click("text=干部执行力档案")  # the owner's record counts it on time
    page.click(f"a[href='/office/records/{office['record_a'].pk}/']")
    assert page.inner_text("#on-time") == "1"
    assert "修订公务接待管理办法" in page.inner_text("body")
    assert "李干部" not in page.inner_text("body")  # another cadre's record is not listed
    page.screenshot(path=str(screenshot_dir / "office-record.png"))
