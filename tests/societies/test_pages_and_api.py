"""The web pages and the API over the services: scope, the review path, downloads, the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from kexie.core.jobs import schedule
from kexie.societies import evaluation, services
from kexie.societies.models import AnnualReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_report_prepared_filled_submitted_and_accepted_on_the_pages(client, world, personas):
    client.force_login(personas["society_secretary"])
    response = client.post(reverse("societies:report_prepare"), {"year": "2020"})
    report = AnnualReport.objects.within(world.orgs["society"]).get()
    assert response.url == reverse("societies:report_detail", args=[report.pk])
    url = reverse("societies:report_edit", args=[report.pk])
    client.post(url, {"compliance": "遵守章程", "income": "12,000.50", "expenditure": "abc"}, follow=True)
    report.refresh_from_db()
    assert report.income is None  # the bad amount refused the whole form, naming the field
    page = client.post(
        url, {"compliance": "遵守章程", "income": "12,000.50", "expenditure": "9000"}, follow=True
    )
    assert "已保存" in page.content.decode()
    client.post(reverse("societies:report_action", args=[report.pk, "submit"]))
    client.force_login(personas["city_admin"])
    page = client.get(reverse("societies:report_detail", args=[report.pk])).content.decode()
    assert 'id="accept-report"' in page
    client.post(reverse("societies:report_action", args=[report.pk, "accept"]), {"seen": "submitted"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.income == 12000.5


def test_a_county_sees_its_county_only(client, world, personas):
    services.annual_report_prepare(actor=personas["society_secretary"], org=world.orgs["society"], year=2020)
    services.annual_report_prepare(actor=personas["county_staff"], org=world.orgs["rencheng"], year=2020)
    client.force_login(personas["county_staff"])
    page = client.get(reverse("societies:report_list")).content.decode()
    assert "任城区科学技术协会" in page and "济宁市心理学会" not in page
    data = client.get("/api/v1/societies/reports").json()
    assert [r["organisation"] for r in data["items"]] == ["任城区科学技术协会"]


def test_word_and_workbook_downloads(client, world, personas):
    report = services.annual_report_prepare(
        actor=personas["society_secretary"], org=world.orgs["society"], year=2020
    )
    services.annual_report_update(actor=personas["society_secretary"], report=report,
                                  data={"compliance": "=HYPERLINK(\"x\")", "income": 1, "expenditure": 1})  # fmt: skip
    client.force_login(personas["city_admin"])
    word = client.get(reverse("societies:report_word", args=[report.pk]))
    assert word.status_code == 200 and word.content[:2] == b"PK"
    book = client.get(reverse("societies:report_export"), {"year": "2020"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    row = list(sheet[2])
    assert row[0].value == "济宁市心理学会"
    assert row[-1].value == '=HYPERLINK("x")' and row[-1].data_type == "s"  # text, never a formula


def test_api_scores_an_item_and_refuses_a_bad_one(client, world, personas):
    admin = personas["city_admin"]
    scheme = services.scheme_create(actor=admin, name="评估", items=evaluation.DEFAULT_ITEMS,
                                    grades=evaluation.DEFAULT_GRADES)  # fmt: skip
    ev = services.evaluation_open(actor=admin, org=world.orgs["society"], scheme=scheme, year=2020)
    client.force_login(admin)
    url = f"/api/v1/societies/evaluations/{ev.pk}/scores"
    ok = client.post(url, {"item_code": "B4"}, content_type="application/json")
    assert ok.status_code == 201 and float(ok.json()["score"]) == 60
    bad = client.post(url, {"item_code": "ZZ", "score": 1, "evidence": "x"}, content_type="application/json")
    assert bad.status_code == 422 and "不在指标体系中" in bad.json()["detail"][0]["message"]


def test_terms_api_lists_due_dates_and_flags(client, world, personas):
    admin = personas["city_admin"]
    services.term_create(actor=admin, org=world.orgs["society"], data={
        "starts_on": dt.date(2014, 1, 1), "member_count": 30, "board_size": 20})  # fmt: skip
    client.force_login(admin)
    (row,) = client.get("/api/v1/societies/terms").json()
    assert row["plan_due"] == "2018-06-30" and row["request_due"] == "2018-10-31"
    assert "届满未换届" in row["flags"] and "理事会人数超过会员数的三分之一" in row["flags"]


def test_the_remind_command_and_the_scheduler_hook(world, personas):
    out = io.StringIO()
    call_command("societies", "remind", "--date", "2021-03-20", stdout=out)
    assert "已发送 1 条年度报告提醒" in out.getvalue()
    entry = schedule.registered()["societies.annual_report_reminders"]
    assert entry.every == dt.timedelta(days=1)
    assert entry.func == "kexie.societies.services.annual_report_reminders_send"


def test_api_foundings_and_officers(client, world, personas):
    from kexie.core.models import AuditEntry
    from kexie.directory.models import Organisation, OrganisationYear
    from kexie.directory.services import person_create

    client.force_login(personas["city_admin"])
    post = lambda url, body: client.post(url, body, content_type="application/json")  # noqa: E731
    refused = post("/api/v1/societies/foundings", {"name": "济宁市新材料学会", "party_plan": "none"})
    assert refused.status_code == 422
    assert any(d["field"] == "party_plan" and "党建前置" in d["message"] for d in refused.json()["detail"])
    warned = post("/api/v1/societies/foundings", {"name": "济宁市新材料学会", "party_plan": "instructor"})
    assert warned.status_code == 201 and warned.json()["party_warning"]
    made = post("/api/v1/societies/foundings", {"name": "济宁市新能源研究院", "kind": "research_institute",
                                                "party_plan": "joint", "joint_branch": "市科协联合党支部"})  # fmt: skip
    assert made.status_code == 201 and made.json()["supervisor_id"] == world.orgs["city"].pk
    listed = client.get("/api/v1/societies/foundings").json()
    assert {f["name"] for f in listed["items"]} == {"济宁市新材料学会", "济宁市新能源研究院"}
    url = f"/api/v1/societies/foundings/{warned.json()['id']}/complete"
    done = post(url, {"founded_on": "2020-07-01"})
    assert done.status_code == 200 and done.json()["status"] == "founded"
    org = Organisation.objects.get(pk=done.json()["organisation_id"])
    assert (org.name, org.kind, org.parent) == ("济宁市新材料学会", "society", world.orgs["city"])
    assert OrganisationYear.objects.get(organisation=org).has_party_instructor
    assert post(url, {}).status_code == 422  # founded once
    # officers: appointed, the same office twice refused, ended
    member = person_create(actor=personas["city_admin"], data={"name": "周会长", "unit": org})
    officers = f"/api/v1/societies/organisations/{org.pk}/officers"
    body = {"person_id": member.pk, "role": "chair", "starts_on": "2020-07-01"}
    appointed = post(officers, body)
    assert appointed.status_code == 201 and appointed.json()["role"] == "理事长(主席)"
    twice = post(officers, {**body, "starts_on": "2020-08-01"})
    assert twice.status_code == 422
    assert [(d["field"], "请先登记离任" in d["message"]) for d in twice.json()["detail"]] == [
        ("person_id", True)
    ]
    end = f"{officers}/{appointed.json()['id']}/end"
    assert post(end, {"ends_on": "2020-06-30"}).status_code == 422  # before it started
    ended = post(end, {"ends_on": "2020-12-31"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2020-12-31"
    assert [o["ends_on"] for o in client.get(officers, {"year": 2020}).json()] == ["2020-12-31"]
    assert AuditEntry.objects.filter(action__in=["kexie.position.added", "kexie.position.ended"]).count() == 2
    assert post(f"{officers}/999999/end", {"ends_on": "2020-12-31"}).status_code == 404
