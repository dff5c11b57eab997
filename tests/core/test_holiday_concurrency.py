"""Two saves of the same new day in the holiday table at once (PostgreSQL: SQLite runs one writer
at a time). Before, both found no override for the day (a row lock cannot lock a row that does
not exist yet), both inserted, and the second hit the unique date and answered a server error.
Now the second is refused with a message on the form and the day is stored once."""

import pytest
from django.test import Client
from django.urls import reverse

from kexie.core import holidays
from kexie.core.models import AuditEntry, HolidayOverride
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS),
    pytest.mark.django_db(transaction=True),
]


def test_two_saves_of_one_new_day_at_once_store_it_once_and_answer_both(world):
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(world.users["city_admin"])
        clients.append(client)
    save = [
        lambda c=c, n=n: c.post(
            reverse("core:holidays"), {"date": "2099-05-04", "kind": "holiday", "name": n}
        )
        for c, n in zip(clients, ("青年节", "青年节调休"), strict=True)
    ]
    with meet_after(holidays, "_stored", parties=2, timeout=2):
        answers = run_together(*save)
    codes = sorted(str(getattr(a, "status_code", a)) for a in answers)
    assert codes == ["200", "302"], answers
    refused = next(a for a in answers if a.status_code == 200).content.decode()
    assert "其他用户刚刚保存了这一天" in refused
    assert HolidayOverride.objects.filter(date="2099-05-04").count() == 1
    assert AuditEntry.objects.unscoped(reason="test").filter(action="kexie.holiday.created").count() == 1
