"""Concurrent reviews and scores (PostgreSQL: SQLite runs one writer at a time)."""

import pytest
from django.test import Client

from kexie.core.models import AuditEntry
from kexie.societies import api as societies_api
from kexie.societies import evaluation, services
from kexie.societies.models import AnnualReport, ItemScore
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS),
    pytest.mark.django_db(transaction=True),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_accept_and_return_at_once_one_wins(world, personas):
    secretary = personas["society_secretary"]
    report = services.annual_report_prepare(actor=secretary, org=world.orgs["society"], year=2020)
    services.annual_report_update(
        actor=secretary, report=report, data={"compliance": "合规", "income": 1, "expenditure": 1}
    )
    services.annual_report_submit(actor=secretary, report=report)
    client = _client(personas["city_admin"])
    base = f"/api/v1/societies/reports/{report.pk}"
    accept = lambda: client.post(f"{base}/accept", {}, content_type="application/json")  # noqa: E731
    send_back = lambda: client.post(f"{base}/return", {"reason": "缺附表"}, content_type="application/json")  # noqa: E731
    with meet_after(societies_api, "get_scoped_or_404", parties=2):
        answers = run_together(accept, send_back)
    assert sorted(a.status_code for a in answers) == [200, 409], [a.content for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    stored = AnnualReport.objects.unscoped(reason="the test reads the row as stored").get(pk=report.pk)
    assert stored.status == winner["status"]
    reviews = AuditEntry.objects.filter(object_id=str(report.pk), action__in=[
        "kexie.annual_report.accepted", "kexie.annual_report.returned"])  # fmt: skip
    assert reviews.count() == 1


def test_two_scores_of_one_item_at_once_leave_one_row(world, personas):
    admin = personas["city_admin"]
    scheme = services.scheme_create(actor=admin, name="评估", items=evaluation.DEFAULT_ITEMS,
                                    grades=evaluation.DEFAULT_GRADES)  # fmt: skip
    ev = services.evaluation_open(actor=admin, org=world.orgs["society"], scheme=scheme, year=2020)
    clients = [_client(admin) for _ in range(2)]
    url = f"/api/v1/societies/evaluations/{ev.pk}/scores"
    calls = [lambda c=c, s=s: c.post(url, {"item_code": "A1", "score": s, "evidence": "核查"},
                                     content_type="application/json") for c, s in zip(clients, (40, 50), strict=True)]  # fmt: skip
    with meet_after(societies_api, "get_scoped_or_404", parties=2):
        answers = run_together(*calls)
    assert [a.status_code for a in answers] == [201, 201], [a.content for a in answers]
    rows = ItemScore.objects.unscoped(reason="test").filter(evaluation=ev)
    assert rows.count() == 1 and rows.get().score in (40, 50)


def test_the_same_next_term_recorded_twice_at_once_is_refused_not_a_500(world, personas):
    """Both requests pass the model check (neither term is saved yet), then both save the same
    next number: the loser gets the 届次 message (422), not the constraint's 500."""
    from kexie.societies.models import Term

    client = _client(personas["city_admin"])
    url = f"/api/v1/societies/organisations/{world.orgs['society'].pk}/terms"
    record = lambda: client.post(url, {"starts_on": "2021-05-01"}, content_type="application/json")  # noqa: E731
    with meet_after(services, "full_clean_chinese", parties=2):
        answers = run_together(record, record)
    assert sorted(a.status_code for a in answers) == [201, 422], [a.content for a in answers]
    refused = next(a for a in answers if a.status_code == 422).json()["detail"][0]
    assert refused["field"] == "number" and "已有第1届" in refused["message"]
    assert Term.objects.unscoped(reason="test").filter(organisation=world.orgs["society"]).count() == 1
