"""Evaluations on the volunteer's record (《志愿服务记录与证明出具办法(试行)》: training, honours
and evaluations appear on the record): a unit's rating for a year through the service, audited,
scoped by the evaluating unit, shown on the volunteer's page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.volunteers import selectors
from kexie.volunteers.models import VolunteerEvaluation
from kexie.volunteers.services import volunteer_evaluation_add, volunteer_evaluation_withdraw

GOOD = {
    "year": 2020,
    "rating": "excellent",
    "comment": "服务认真,群众满意",
    "evaluated_on": dt.date(2020, 12, 1),
}


def test_an_evaluation_is_audited_scoped_and_one_per_unit_and_year(make_volunteer, staff, world):
    volunteer = make_volunteer()
    evaluation = volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=staff.unit, data=GOOD)
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.volunteer_evaluation.created")
    assert entry.after["rating"] == "excellent"
    with pytest.raises(ValidationError) as refused:
        volunteer_evaluation_add(
            actor=staff, volunteer=volunteer, unit=staff.unit, data={**GOOD, "rating": "good"}
        )
    assert "year" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=staff.unit,
                                 data={**GOOD, "year": 2021, "evaluated_on": dt.date(2999, 1, 1)})  # fmt: skip
    assert "evaluated_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # a unit outside the county's scope
        volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=world.users["city_admin"].unit,
                                 data={**GOOD, "year": 2019})  # fmt: skip
    assert "unit" in refused.value.message_dict

    outsider = world.users["outsider"]
    assert not selectors.evaluations(outsider, volunteer).exists()
    with pytest.raises(Http404):
        volunteer_evaluation_withdraw(actor=outsider, evaluation=evaluation)
    assert list(selectors.evaluations(world.users["city_admin"], volunteer)) == [evaluation]
    volunteer_evaluation_withdraw(actor=staff, evaluation=evaluation)
    assert not VolunteerEvaluation.objects.unscoped(reason="test").exists()
    gone = AuditEntry.objects.unscoped(reason="test").get(action="kexie.volunteer_evaluation.withdrawn")
    assert gone.before["comment"] == GOOD["comment"]


def test_evaluating_through_the_page_shows_it_on_the_record(client, make_volunteer, staff):
    volunteer = make_volunteer(name="赵志愿")
    client.force_login(staff)
    url = reverse("volunteers:evaluation_create", args=[volunteer.pk])
    form = client.get(url).content.decode()
    assert "评价等次" in form
    data = {"unit": staff.unit.pk, "year": 2020, "rating": "good", "comment": "按时参加服务",
            "evaluated_on": "2020-12-01"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(reverse("volunteers:volunteer_detail", args=[volunteer.pk])).content.decode()
    assert page.count('class="evaluation-row"') == 1 and "良好" in page and "按时参加服务" in page
    again = client.post(url, data).content.decode()  # the same unit and year: refused on the form
    assert "已评价过" in again


def test_the_api_gives_the_evaluations_with_the_volunteer(client, make_volunteer, staff, world):
    volunteer = make_volunteer()
    volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=staff.unit, data=GOOD)
    client.force_login(staff)
    (given,) = client.get(f"/api/v1/volunteers/volunteers/{volunteer.pk}").json()["evaluations"]
    assert (given["year"], given["rating"], given["unit"]) == (2020, "excellent", staff.unit.name)


def test_the_certificate_of_service_states_the_latest_evaluation_in_the_unit(
    make_volunteer, service_activity, staff, world
):
    from decimal import Decimal

    from kexie.volunteers.services import service_record_enter, volunteer_certificate_issue

    volunteer = make_volunteer(name="孙志愿")
    service_record_enter(actor=staff, volunteer=volunteer, activity=service_activity,
                         data={"content": "科普宣传", "hours": Decimal("2")})  # fmt: skip
    plain = volunteer_certificate_issue(actor=staff, profile=volunteer)
    assert "服务评价" not in dict(map(tuple, plain.body["fields"]))  # none yet: no line
    volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=staff.unit,
                             data={**GOOD, "year": 2019, "rating": "pass", "evaluated_on": dt.date(2019, 12, 1)})  # fmt: skip
    volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=staff.unit, data=GOOD)
    cert = volunteer_certificate_issue(actor=staff, profile=volunteer)
    assert dict(map(tuple, cert.body["fields"]))["服务评价"] == f"2020年度 优秀({staff.unit.name})"
    city = world.users["city_admin"]
    volunteer_evaluation_add(actor=city, volunteer=volunteer, unit=city.unit,
                             data={**GOOD, "year": 2021, "evaluated_on": dt.date(2021, 12, 1)})  # fmt: skip
    again = volunteer_certificate_issue(actor=staff, profile=volunteer)  # the city is not in the county
    assert dict(map(tuple, again.body["fields"]))["服务评价"] == f"2020年度 优秀({staff.unit.name})"
    by_city = volunteer_certificate_issue(actor=city, profile=volunteer)
    assert dict(map(tuple, by_city.body["fields"]))["服务评价"] == f"2021年度 优秀({city.unit.name})"
