"""Societies in a real browser: the society's secretary fills and submits its annual report, the
city reviews and accepts it, draws up a scoring scheme and opens an evaluation on the pages, then
scores it (one item by hand, one from records) and sees the score on the page."""

import pytest

from kexie.societies import evaluation
from kexie.societies.models import AnnualReport, Evaluation, ItemScore
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


def test_annual_report_review_then_evaluation_score(browser_page, live_server, world, screenshot_dir):
    page, base = browser_page, live_server.url
    society = world.orgs["society"]

    login(page, base, "society_secretary")  # the society fills its report once and submits it
    page.click("nav >> text=学会与县级科协")
    page.fill("#prepare-report input[name=year]", "2020")
    page.click("#prepare-report button")
    page.wait_for_selector("#report-form")
    page.fill("#f-compliance", "遵守法律法规和学会章程,按期召开理事会")
    page.fill("#f-income", "86000")
    page.fill("#f-expenditure", "79500")
    page.click("#report-form button")
    page.wait_for_selector("text=已保存")
    page.click("#submit-report")
    page.wait_for_selector("#report-status >> text=已提交")
    report = AnnualReport.objects.within(society).get()
    logout(page)

    login(page, base, "city_admin")  # the supervising unit reviews it
    page.goto(f"{base}/societies/reports/{report.pk}/")
    page.click("#accept-report")
    page.wait_for_selector("#report-status >> text=已通过")
    page.screenshot(path=str(screenshot_dir / "societies-report.png"), full_page=True)

    # The city draws up its scheme (the default 1,000 points, as data) and opens the evaluation.
    page.goto(f"{base}/societies/evaluations/")
    page.click("text=新建指标体系")
    page.fill("#id_name", "学会评估")
    page.click("#save-button")
    page.wait_for_selector("text=已建立评估指标体系")
    page.select_option("#id_organisation", str(society.pk))
    page.select_option("#id_scheme", label="学会评估")
    page.fill("#id_year", "2021")
    page.click("#save-button")
    page.wait_for_selector("tr.item-row[data-code=A1]")
    assert Evaluation.objects.within(society).get().scheme.items == evaluation.DEFAULT_ITEMS
    row = page.locator("tr.item-row[data-code=A1]")
    row.locator("input[name=score]").fill("55")
    row.locator("input[name=evidence]").fill("查阅登记证书")
    row.locator("button").click()
    page.wait_for_selector("tr.item-row[data-code=A1] td.score >> text=55")
    # From records (score left empty): the 2020 report was submitted today, after 31 March 2021.
    page.locator("tr.item-row[data-code=A2] button").click()
    page.wait_for_selector("tr.item-row[data-code=A2] >> text=未在2021-03-31前提交")
    scores = dict(ItemScore.objects.within(society).values_list("item_code", "score"))
    assert scores == {"A1": 55, "A2": 0}
    page.screenshot(path=str(screenshot_dir / "societies-evaluation.png"), full_page=True)
