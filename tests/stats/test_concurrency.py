"""Two fills of a city's reports at once (PostgreSQL: SQLite runs one writer at a time). Before,
both read "no reports yet" and both created them: the second hit the unique constraint and
answered a server error. Now the second waits for the first and re-computes its reports."""

import pytest
from django.test import Client

from kexie.core.models import AuditEntry
from kexie.stats import compute
from kexie.stats.models import StatsReport
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS),
    pytest.mark.django_db(transaction=True),
]


def test_two_fills_of_a_city_at_once_both_answer_and_make_each_report_once(world):
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(world.users["city_admin"])
        clients.append(client)
    fill = [lambda c=c: c.post("/stats/fill/", {"year": "2020"}) for c in clients]
    # Old code: both compute, meet, then both create the reports. With the city's row locked the
    # second waits for the first instead, so the meeting times out and it goes on after.
    with meet_after(compute, "forms_figures", parties=2, timeout=2):
        answers = run_together(*fill)
    assert [getattr(a, "status_code", a) for a in answers] == [302, 302], answers
    reports = StatsReport.objects.unscoped(reason="the test reads the rows as stored").filter(year=2020)
    assert sorted(r.unit.name for r in reports) == sorted(
        world.orgs[k].name for k in ("city", "rencheng", "yanzhou", "society")
    )
    fills = AuditEntry.objects.filter(action="kexie.stats_report.filled").order_by("pk")
    assert [(e.after["created"], e.after["computed"]) for e in fills] == [(4, 0), (0, 4)]
