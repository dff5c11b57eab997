"""Two people turning the same decision into a task at once: one task, the other a 422."""

import pytest
from django.test import Client

from kexie.accounts.services import api_token_create
from kexie.office import api as office_api
from kexie.office.models import Task
from kexie.office.testing import build_office
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_one_decision_one_task_under_concurrency(world):
    office = build_office(world.users, world.orgs)
    admin = world.users["city_admin"]
    _token, key = api_token_create(actor=admin, user=admin, name="并发")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = f"/api/v1/office/decisions/{office['spare_decision'].pk}/task"

    def convert(owner):
        body = {"department_id": office["office"].unit_id, "owner_id": owner.pk, "deadline": "2020-06-30"}
        return lambda: client.post(url, body, content_type="application/json")

    with meet_after(office_api, "_get", parties=2):
        answers = run_together(convert(office["cadre_a"]), convert(office["cadre_b"]))
    assert sorted(a.status_code for a in answers) == [201, 422], [a.content for a in answers]
    assert Task.objects.unscoped(reason="test").filter(decision=office["spare_decision"]).count() == 1
