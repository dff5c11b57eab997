"""The building blocks in a real browser: the organiser's screen refreshes its rotating code by
HTMX polling under the CSP (no inline script), a phone checks in with it and out again, and the
certificate's public check page opens on a phone without login."""

import datetime as dt

import pytest
from django.utils import timezone

from kexie.core import certificates, checkin
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


def test_rotating_code_check_in_and_certificate_check(
    browser_page, live_server, world, settings, screenshot_dir
):
    from kexie.directory.services import person_create

    settings.KEXIE_PUBLIC_URL = live_server.url
    staff = world.users["county_staff"]
    now = timezone.now()
    session = checkin.checkin_session_create(
        actor=staff, title="社区科普志愿服务", starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2), rotate_seconds=10,
    )  # fmt: skip
    person = person_create(actor=staff, data={"name": "李志愿", "unit": staff.unit})

    page, base = browser_page, live_server.url
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, base, "rencheng_staff")
    page.goto(f"{base}/checkin/{session.pk}/screen/")
    first = page.inner_text("[data-testid=checkin-code]")
    page.wait_for_function(
        "c => document.querySelector('[data-testid=checkin-code]').innerText !== c", arg=first, timeout=20000
    )
    page.screenshot(path=str(screenshot_dir / "checkin-screen.png"))
    assert not [e for e in errors if "Content Security Policy" in e], errors

    phone = page.context.browser.new_context(**PHONE).new_page()
    phone.goto(f"{base}/checkin/me/{checkin.personal_token(person)}/")
    assert "李志愿" in phone.inner_text("main")
    phone.goto(f"{base}/checkin/s/{session.pk}/?c={checkin.rotating_code(session)}")
    phone.click("button[value=in]")
    phone.wait_for_selector("text=签到成功")
    phone.click("button[value=out]")
    phone.wait_for_selector("text=签退成功")
    phone.screenshot(path=str(screenshot_dir / "checkin-phone.png"))
    record = CheckinRecord.objects.unscoped(reason="test").get()
    assert record.person == person and record.checked_out_at is not None

    cert = certificates.certificate_issue(
        actor=staff, kind="volunteer_hours", holder_name="李志愿", title="志愿服务证明", unit=staff.unit,
        body={"fields": [["服务时长", f"{checkin.total_minutes(checkin.attendance(session)) / 60:.1f} 小时"]]},
        source=record,
    )  # fmt: skip
    phone.goto(f"{base}/verify/")
    phone.fill("#id_code", cert.code.lower())
    phone.click("button[type=submit]")
    phone.wait_for_selector("text=证书真实有效")
    assert "李*愿" in phone.inner_text("main") and "李志愿" not in phone.inner_text("main")
    phone.screenshot(path=str(screenshot_dir / "verify-phone.png"))
