"""The call engine's main path in a real browser: a pupil registers on a phone (no login) with a
guardian's consent, staff check and decide it, the 公示 runs on its public page, the results
become final, certificates are issued and the pupil downloads one through the status link.
Between the formal check and the decision, a review round: staff assign the judge on the round's
page, the judge scores on a phone (a blind call: no name, no school), staff close the round."""

import datetime as dt

import pytest

from kexie.calls.models import Entry
from kexie.calls.testing import open_call
from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_registration_decision_notice_certificate(browser_page, live_server, world, screenshot_dir):
    page, base = browser_page, live_server.url
    call = open_call(
        world.users["city_admin"], title="第19届济宁市青少年科技创新大赛", kind="competition", entrant_kind="team",
        is_public=True, is_blind=True, eligibility=[{"rule": "team", "max": 3}],
        prize_levels=[{"code": "first", "label": "一等奖", "max_count": 5}], form_fields=[],
    )  # fmt: skip

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/calls/register/{call.pk}/")
    assert "隐私说明" in page.inner_text("#privacy-notice")
    page.fill("#id_title", "智能浇花器")
    page.fill("#id_institution_name", "济宁市第一中学")
    page.fill("#id_phone", "13912345678")
    ten_years_ago = dt.date.today().replace(year=dt.date.today().year - 10, day=1)
    page.fill("#id_members", f"小明,负责人,{ten_years_ago.isoformat()},小学")
    page.check("#id_privacy")
    page.click("#register-button")
    assert "监护人" in page.inner_text("#registration-form")  # under 14: the guardian must consent
    page.fill("#id_guardian_name", "王家长")
    page.check("#id_guardian_consent")
    page.check("#id_privacy")
    page.click("#register-button")
    page.wait_for_selector("#status-link")
    status_url = page.get_attribute("#status-link", "href")
    page.screenshot(path=str(screenshot_dir / "calls-registered.png"))
    page.goto(f"{base}{status_url}")
    assert page.inner_text("#entry-status") == "待形式审查"

    page.set_viewport_size({"width": 1366, "height": 860})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "city_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/calls/{call.pk}/")
    code = Entry.objects.unscoped(reason="test").get().code
    page.click(f"a:has-text('{code}')")
    page.click("#accept-button")
    _judge_on_a_phone(page, base, call, screenshot_dir)
    page.goto(f"{base}/calls/{call.pk}/")
    page.click(f"a:has-text('{code}')")
    page.select_option("select[name=outcome]", "award")
    page.select_option("select[name=prize]", "first")
    page.fill("input[name=votes_for]", "7")
    page.click("#decide-button")
    assert "一等奖" in page.inner_text("main")
    page.goto(f"{base}/calls/{call.pk}/")
    page.fill("input[name=starts_on]", "2020-09-29")  # a notice whose period has ended
    page.click("#notice-button")
    page.wait_for_selector("#finalise-button")

    public = page.context.browser.new_page(viewport=PHONE)
    public.goto(f"{base}/calls/notice/{call.pk}/")
    assert "智能浇花器" in public.inner_text("#notice-list") and "5 个工作日" in public.inner_text(
        "#notice-period"
    )
    public.screenshot(path=str(screenshot_dir / "calls-notice.png"))

    page.click("#finalise-button")
    page.click("#certificates-button")
    public.goto(f"{base}{status_url}")
    assert public.inner_text("#entry-status") == "拟授奖/拟推荐"
    with public.expect_download() as download:
        public.click("#certificate-download")
    assert download.value.suggested_filename.endswith("证书.docx")
    public.close()


def _judge_on_a_phone(page, base, call, screenshot_dir):
    from kexie.accounts.models import User
    from kexie.calls import judging
    from kexie.directory.services import person_create

    admin = User.objects.get(username="city_admin")
    rnd = judging.round_create(actor=admin, call=call, data={"name": "初赛", "per_entry": 1, "max_load": 5})
    person = person_create(actor=admin, data={"name": "赵评委", "unit": admin.unit, "is_expert": True,
                                              "profile": "浇花 智能 传感器"})  # fmt: skip
    account = User(username="judge_zhao", unit=admin.unit, roles=["viewer"], display_name="赵评委")
    account.set_password(PASSWORD)
    account.save()
    judging.round_judge_add(actor=admin, round=rnd, person=person, user=account)
    page.goto(f"{base}/calls/rounds/{rnd.pk}/?plan=1")
    assert "亲和度" in page.inner_text("#plan-pairs")
    page.click("#assign-button")
    page.wait_for_selector("#saved-pairs")

    context = page.context.browser.new_context(viewport=PHONE, locale="zh-CN")
    judge = context.new_page()
    judge.goto(f"{base}/accounts/login/")
    judge.fill("#id_username", "judge_zhao")
    judge.fill("#id_password", PASSWORD)
    judge.click("button[type=submit]")
    judge.wait_for_url(f"{base}/")
    judge.goto(f"{base}/calls/judging/")
    assert "智能浇花器" in judge.inner_text("#my-assignments")
    judge.click("#my-assignments a")
    assert "小明" not in judge.inner_text("main") and "济宁市第一中学" not in judge.inner_text("main")
    judge.fill("#id_c_overall", "120")
    judge.click("#score-button")
    assert "应在 0 到 100 之间" in judge.inner_text("#score-form")
    judge.fill("#id_c_overall", "92")
    judge.click("#score-button")
    judge.wait_for_url(f"{base}/calls/judging/")
    judge.screenshot(path=str(screenshot_dir / "calls-judging.png"))
    context.close()

    page.goto(f"{base}/calls/rounds/{rnd.pk}/")
    assert "92.00" in page.inner_text("#ranking")
    page.click("#close-round")
    page.wait_for_selector("#ranking")
    assert "本轮结束" in page.inner_text("body")
