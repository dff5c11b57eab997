"""The workflow's rules live once (kexie.activities.rules): services, imports, selectors, views
and templates ask them; no template compares states itself; bulk approval is a service."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

import kexie
from kexie.activities import rules
from kexie.activities import services as activity_services
from kexie.activities.models import Activity, Status
from kexie.activities.services import activity_approve, activity_submit
from kexie.core.models import AuditEntry

SRC = Path(kexie.__file__).parent
STATE_COMPARISON = re.compile(r"""\bstatus\s*(==|!=)|(==|!=)\s*\w+\.status\b""")


def test_no_template_re_encodes_a_workflow_state():
    offenders = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for path in SRC.rglob("templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if STATE_COMPARISON.search(line)
    ]
    assert offenders == [], "ask the rules (e.g. {% activity_actions a as acts %}) instead:\n" + "\n".join(
        offenders
    )


@pytest.fixture
def submitted(make_activity, personas):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    return activity


def test_actions_follow_state_and_reviewer(submitted, personas):
    county, city = personas["county_staff"], personas["city_admin"]
    assert rules.APPROVE not in rules.actions(county, submitted)  # its own unit's report
    assert {rules.APPROVE, rules.RETURN} <= rules.actions(city, submitted)
    activity_approve(actor=city, activity=submitted)
    approved = rules.actions(city, submitted)
    assert rules.RETURN in approved and rules.APPROVE not in approved and rules.DELETE not in approved
    assert rules.SUBMIT not in rules.actions(county, submitted)


def test_detail_page_buttons_come_from_the_rules(client, submitted, personas, monkeypatch):
    client.force_login(personas["city_admin"])
    url = reverse("activities:activity_detail", args=[submitted.pk])
    page = client.get(url).content.decode()
    assert 'id="approve-button"' in page and 'name="seen" value="submitted"' in page
    monkeypatch.setattr(rules, "actions", lambda user, activity: frozenset({rules.RETURN}))
    page = client.get(url).content.decode()
    assert 'id="approve-button"' not in page
    assert reverse("activities:activity_return", args=[submitted.pk]) in page
    assert reverse("activities:activity_delete", args=[submitted.pk]) not in page


def test_services_and_imports_ask_the_same_date_rule(make_activity, monkeypatch, personas):
    from django.core.exceptions import ValidationError

    from kexie.core.imports import import_file

    monkeypatch.setattr(rules, "date_problems", lambda start, end, campaign: {"end_date": "规则书说不行"})
    with pytest.raises(ValidationError, match="规则书说不行"):
        make_activity()
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位"])
    wb.active.append(["讲座", "科普讲座", "2020-09-19", "2020-09-19", "任城区", "任城区科学技术协会"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_file(
        actor=personas["county_staff"],
        kind="activities",
        fileobj=io.BytesIO(buf.getvalue()),
        filename="a.xlsx",
    )
    assert any("规则书说不行" in p.reason for p in result.errors)


def test_bulk_approve_is_a_service_naming_each_failure(make_activity, personas):
    city, county = personas["city_admin"], personas["county_staff"]
    first, second = make_activity(), make_activity(title="第二场")
    for activity in (first, second):
        activity_submit(actor=county, activity=activity)
    activity_approve(actor=city, activity=Activity.objects.get(pk=second.pk))  # someone was quicker
    approved, failed = activity_services.activities_approve_bulk(actor=city, ids=[first.pk, second.pk])
    assert approved == 1
    assert len(failed) == 1 and "第二场" in failed[0]
    assert Activity.objects.get(pk=first.pk).status == Status.APPROVED
    assert AuditEntry.objects.filter(action="kexie.activity.approved").count() == 2


def test_bulk_approve_view_calls_the_service(client, submitted, personas, monkeypatch):
    calls = []
    monkeypatch.setattr(
        activity_services, "activities_approve_bulk", lambda **kw: calls.append(kw) or (0, ["某活动:原因"])
    )
    client.force_login(personas["city_admin"])
    page = client.post(reverse("activities:review_bulk_approve"), {"ids": [submitted.pk]}, follow=True)
    assert calls == [{"actor": personas["city_admin"], "ids": [submitted.pk]}]
    assert "某活动:原因" in page.content.decode()
