"""A base's way to its designation and first assessment in a real browser, every step on the
pages: the city's staff create the naming round (opened at once) on /bases/, recommend 兖州区科技馆
on the round's application page, check and decide the entry on the call's pages, put it on 公示
and make it final; the naming is landed on the bases page; the year's figures are recorded,
scored against the default thresholds and the outcome decided."""

import pytest

from kexie.bases.models import BaseDesignation, NamingRound
from kexie.calls.models import Entry
from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_application_review_naming_assessment(browser_page, live_server, world, screenshot_dir):
    page, base = browser_page, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "city_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/bases/")
    page.click("#round-create")
    for field, value in {"title": "2020年市级科普教育基地命名", "year": "2020", "opens_on": "2020-03-01",
                         "closes_on": "2020-04-30", "batch": "第五批", "theme": "综合类",
                         "valid_from": "2020-07-01", "valid_to": "2024-12-31"}.items():  # fmt: skip
        page.fill(f"#id_{field}", value)
    page.select_option("#id_honour_level", "city")
    page.click("#save-button")
    page.wait_for_url(f"{base}/bases/**")
    naming_round = NamingRound.objects.unscoped(reason="test").get()
    page.click(f"#apply-{naming_round.pk}")
    page.select_option("#id_base", label=world.orgs["base"].name)
    page.click("#save-button")
    page.wait_for_load_state()
    assert Entry.objects.unscoped(reason="test").filter(call=naming_round.call).count() == 1

    page.goto(f"{base}/calls/{naming_round.call_id}/")
    page.click(f"a:has-text('{Entry.objects.unscoped(reason='test').get().code}')")
    page.click("#accept-button")
    page.select_option("select[name=outcome]", "award")
    page.fill("input[name=votes_for]", "7")
    page.click("#decide-button")
    page.goto(f"{base}/calls/{naming_round.call_id}/")
    page.fill("input[name=starts_on]", "2020-06-15")  # a notice whose period has ended
    page.click("#notice-button")
    page.click("#finalise-button")

    page.goto(f"{base}/bases/")
    page.click(f"#land-{naming_round.pk}")
    page.click("a:has-text('兖州区科技馆')")
    assert page.inner_text("#base-status") == "有效"
    record = BaseDesignation.objects.unscoped(reason="test").get()
    assert (record.designation.level, record.batch) == ("city", "第五批")
    page.fill("#id_year", "2020")
    for field, value in {"open_days": 280, "student_free_days": 90, "visitors": 36000, "exhibition_area": 2400,
                         "staff": 12, "volunteers": 30, "activities": 26}.items():  # fmt: skip
        page.fill(f"#id_{field}", str(value))
    page.click("#record-assessment")
    assert "得分 100.0" in page.inner_text("main")
    page.click("button[id^=decide-]")
    assert page.inner_text(".assessment-outcome") == "优秀"
    page.screenshot(path=str(screenshot_dir / "bases-assessed.png"))
