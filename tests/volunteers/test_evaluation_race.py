"""Two evaluations of the same volunteer by the same unit for the same year at once (PostgreSQL:
SQLite runs one writer at a time). Before, both checked "none yet" and both inserted: the second
hit the unique constraint and answered a server error. Now the second is refused on the year
with the message the form shows, and one evaluation is kept."""

import pytest
from django.test import Client
from django.urls import reverse

from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together
from kexie.volunteers import services
from kexie.volunteers.models import VolunteerEvaluation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS),
    pytest.mark.django_db(transaction=True),
]


def test_two_evaluations_for_one_unit_and_year_at_once_keep_one_and_refuse_the_other(make_volunteer, staff):
    volunteer = make_volunteer(name="钱志愿")
    url = reverse("volunteers:evaluation_create", args=[volunteer.pk])
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(staff)
        clients.append(client)
    posts = [
        lambda c=c, r=r: c.post(url, {"unit": staff.unit.pk, "year": 2020, "rating": r, "comment": "",
                                      "evaluated_on": "2020-12-01"})
        for c, r in zip(clients, ("good", "excellent"), strict=True)
    ]  # fmt: skip
    # Both requests check "no evaluation yet" and validate, meet, then both insert.
    with meet_after(services, "full_clean_chinese", parties=2, timeout=2):
        answers = run_together(*posts)
    codes = sorted(getattr(a, "status_code", repr(a)) for a in answers)
    assert codes == [200, 302], answers
    (refused,) = [a for a in answers if a.status_code == 200]
    assert "已评价过该志愿者2020年度的服务" in refused.content.decode()
    assert VolunteerEvaluation.objects.unscoped(reason="test").filter(volunteer=volunteer).count() == 1
