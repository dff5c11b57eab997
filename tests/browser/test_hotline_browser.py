"""The hotline in a real browser: the operator takes a call and routes it, the pool's expert
answers from the expert view, the caller rates the answer on a phone through the link."""

import pytest

from kexie.hotline.models import Consultation
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


def test_call_routing_answer_satisfaction(browser_page, live_server, world, screenshot_dir):
    from kexie.hotline.testing import build_hotline

    hotline = build_hotline(world.users, world.orgs)
    page, base = browser_page, live_server.url

    login(page, base, "city_admin")  # the operator takes the call
    page.click("nav >> text=热线咨询")
    page.click("#new-consultation")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_topic", "livestock")
    page.fill("#id_caller_name", "张大山")
    page.fill("#id_caller_phone", "13812345678")
    page.fill("#id_question", "小麦叶片发黄,是缺肥还是病害?")
    page.click("#save-consultation")
    page.wait_for_selector("#question")
    consultation = Consultation.objects.unscoped(reason="test").get()
    page.select_option("#route-form select[name=topic]", "crop")  # routing to the crop pool
    page.click("#route-form button")
    page.wait_for_selector("text=已转派")
    assert "王麦田" in page.inner_text("#suggested")  # the matching engine's first suggestion
    logout(page)

    login(page, base, "farm_expert")  # the pool's expert answers from the expert view
    page.goto(f"{base}/hotline/mine/")
    page.click(f"a[href='/hotline/{consultation.pk}/'] >> nth=0")
    assert (
        "138****5678" in page.inner_text("body") and "13812345678" not in page.content()
    )  # no personal-data right
    page.fill("#id_answer", "多为缺氮:追施尿素每亩5公斤。")
    page.select_option("#id_expert", str(hotline["wheat"].pk))
    page.click("#save-answer")
    page.wait_for_selector("#answer")
    page.click("text=生成评价链接发给来电人")
    link = page.inner_text("#rating-link")
    logout(page)

    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    caller = phone.new_page()  # the caller, on a phone
    caller.goto(link)
    caller.check("input[name=satisfaction][value='5']")
    caller.click("button")
    caller.wait_for_selector("#rate-done")
    caller.screenshot(path=str(screenshot_dir / "hotline_rate.png"), full_page=True)
    phone.close()

    consultation.ticket.refresh_from_db()
    assert consultation.ticket.status == "resolved" and consultation.ticket.satisfaction == 5
    login(page, base, "city_admin")
    page.goto(f"{base}/hotline/{consultation.pk}/")
    assert "5/5" in page.inner_text("#satisfaction")
