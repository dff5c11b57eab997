"""Volunteers in a real browser: a volunteer checks in and out on a phone with the rotating code
of the organiser's screen, the staff turn the check-in into service records, the hours show on
the volunteer's record, the certificate of service is issued, and its public page checks it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from kexie.core import checkin
from kexie.core.models import CheckinRecord
from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_check_in_to_hours_to_certificate_to_public_check(
    browser_page, live_server, world, settings, screenshot_dir
):
    from kexie.activities.services import activity_create
    from kexie.directory.services import person_create
    from kexie.volunteers.models import ServiceRecord
    from kexie.volunteers.services import volunteer_register

    settings.KEXIE_PUBLIC_URL = live_server.url
    staff = world.users["county_staff"]
    now = timezone.now()
    # the session starts three hours ago: after midnight that was yesterday, so the activity
    # runs from the session's first day (its service records are dated by the session's start)
    activity = activity_create(actor=staff, data={
        "title": "新时代文明实践广场科普", "kind": world.kinds["outreach.volunteer"],
        "start_date": timezone.localdate(now - dt.timedelta(hours=3)), "end_date": timezone.localdate(now),
        "region": world.regions["370811"], "organiser": staff.unit, "venue": "太白广场",
    })  # fmt: skip
    session = checkin.checkin_session_create(
        actor=staff, title="广场科普志愿服务", starts_at=now - dt.timedelta(hours=3),
        ends_at=now + dt.timedelta(hours=1), target=activity, rotate_seconds=30,
    )  # fmt: skip
    person = person_create(actor=staff, data={"name": "李志愿", "unit": staff.unit})
    profile = volunteer_register(actor=staff, person=person, data={})

    page, base = browser_page, live_server.url
    phone = page.context.browser.new_context(**PHONE).new_page()
    phone.goto(f"{base}/checkin/me/{checkin.personal_token(person)}/")
    phone.goto(f"{base}/checkin/s/{session.pk}/?c={checkin.rotating_code(session)}")
    phone.click("button[value=in]")
    phone.wait_for_selector("text=签到成功")
    # two hours pass on the square
    CheckinRecord.objects.unscoped(reason="test").filter(person=person).update(
        checked_in_at=now - dt.timedelta(hours=2)
    )
    phone.goto(f"{base}/checkin/s/{session.pk}/?c={checkin.rotating_code(session)}")
    phone.click("button[value=out]")
    phone.wait_for_selector("text=签退成功")

    login(page, base, "rencheng_staff")
    page.goto(f"{base}/volunteers/records/")
    page.click("summary:has-text('由现场签到生成服务记录')")
    form = page.locator("form.checkin-to-records").first
    form.locator("input[name=content]").fill("广场科普宣传")
    form.locator("button").click()
    page.wait_for_selector("text=生成服务记录1条")
    record = ServiceRecord.objects.unscoped(reason="test").get(volunteer=profile)
    assert record.is_recorded and record.hours >= 2

    page.goto(f"{base}/volunteers/{profile.pk}/")
    assert page.inner_text(".total-hours").startswith(f"{record.hours}")
    page.click("button:has-text('出具志愿服务证明')")
    page.wait_for_selector("text=已出具志愿服务证明")
    code = re.search(r"验证码 (\S+)", page.inner_text("main")).group(1)
    page.screenshot(path=str(screenshot_dir / "volunteer-record.png"))

    phone.goto(f"{base}/verify/")
    phone.fill("#id_code", code)
    phone.click("button[type=submit]")
    phone.wait_for_selector("text=证书真实有效")
    text = phone.inner_text("main")
    assert "志愿服务证明" in text and "李志愿" not in text  # the holder's name is masked
    phone.screenshot(path=str(screenshot_dir / "volunteer-verify.png"))
