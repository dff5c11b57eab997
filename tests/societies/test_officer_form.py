"""The officer form (issue 15): an officer appointed or leaving office between congresses, as a
dated directory position, through kexie.societies.services with an audit entry; scoped; errors
in Chinese on the form."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.directory.models import Affiliation
from kexie.directory.services import person_create


@pytest.fixture
def secretary_client(client, personas):
    client.force_login(personas["society_secretary"])
    return client


def _person(actor, name="李秘书"):
    return person_create(actor=actor, data={"name": name, "unit": actor.unit})


@pytest.mark.django_db
def test_add_then_end_an_officer_through_the_form(secretary_client, personas, world):
    secretary, society = personas["society_secretary"], world.orgs["society"]
    person = _person(secretary)
    page = secretary_client.get(reverse("societies:officer_add", args=[society.pk]))
    assert page.status_code == 200 and "登记负责人" in page.content.decode()
    response = secretary_client.post(
        reverse("societies:officer_add", args=[society.pk]),
        {"person": person.pk, "role": "secretary_general", "starts_on": "2020-03-01"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2020")
    position = Affiliation.objects.get(organisation=society, person=person)
    assert (position.role, position.starts_on, position.ends_on) == ("秘书长", dt.date(2020, 3, 1), None)
    assert AuditEntry.objects.filter(action="kexie.position.added", object_id=str(position.pk)).exists()
    page = secretary_client.get(reverse("societies:officers", args=[society.pk]) + "?year=2020")
    assert "李秘书" in page.content.decode() and "officer-end" in page.content.decode()

    response = secretary_client.post(
        reverse("societies:officer_end", args=[society.pk, position.pk]), {"ends_on": "2020-11-30"}
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.ends_on == dt.date(2020, 11, 30)
    assert AuditEntry.objects.filter(action="kexie.position.ended", object_id=str(position.pk)).exists()
    # ended already: refused in Chinese, nothing changes
    response = secretary_client.post(
        reverse("societies:officer_end", args=[society.pk, position.pk]),
        {"ends_on": "2020-12-31"},
        follow=True,
    )
    assert "已于2020-11-30离任" in response.content.decode()
    position.refresh_from_db()
    assert position.ends_on == dt.date(2020, 11, 30)


@pytest.mark.django_db
def test_the_form_refuses_in_chinese_and_writes_nothing(secretary_client, personas, world):
    secretary, society = personas["society_secretary"], world.orgs["society"]
    person = _person(secretary)
    url = reverse("societies:officer_add", args=[society.pk])
    secretary_client.post(url, {"person": person.pk, "role": "chair", "starts_on": "2019-05-01"})
    again = secretary_client.post(url, {"person": person.pk, "role": "chair", "starts_on": "2020-01-01"})
    assert again.status_code == 200
    assert "李秘书已任理事长(主席)(2019-05-01起),请先登记离任" in again.content.decode()
    missing = secretary_client.post(url, {"person": person.pk, "role": "chair"})
    assert missing.status_code == 200 and "这个字段是必填项" in missing.content.decode()
    assert Affiliation.objects.filter(organisation=society).count() == 1
    # leaving before the first day in office
    position = Affiliation.objects.get(organisation=society)
    response = secretary_client.post(
        reverse("societies:officer_end", args=[society.pk, position.pk]),
        {"ends_on": "2019-01-01"},
        follow=True,
    )
    assert "离任日期:不能早于任职日期" in response.content.decode()
    position.refresh_from_db()
    assert position.ends_on is None


@pytest.mark.django_db
def test_the_officer_form_is_scoped(client, personas, world):
    society = world.orgs["society"]
    position = Affiliation.objects.create(
        person=_person(personas["city_admin"], "王会长"), organisation=society, role="理事长(主席)",
        starts_on=dt.date(2016, 5, 1),
    )  # fmt: skip
    client.force_login(personas["county_staff"])  # 任城区科协: the city's society is not theirs
    assert client.get(reverse("societies:officer_add", args=[society.pk])).status_code == 404
    assert client.post(reverse("societies:officer_end", args=[society.pk, position.pk]),
                       {"ends_on": "2020-01-01"}).status_code == 404  # fmt: skip
    client.force_login(personas["society_secretary"])
    other = world.orgs["rencheng"]
    assert client.get(reverse("societies:officer_add", args=[other.pk])).status_code == 404
    # a position of another organisation is not found under this one
    stranger = Affiliation.objects.create(
        person=position.person, organisation=world.orgs["city"], role="理事长(主席)"
    )
    assert client.post(reverse("societies:officer_end", args=[society.pk, stranger.pk]),
                       {"ends_on": "2020-01-01"}).status_code == 404  # fmt: skip
    position.refresh_from_db()
    assert position.ends_on is None
