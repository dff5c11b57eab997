"""A dissolved (撤销) task force is not offered for a new task and is refused with a Chinese
message by the form, the API and the service; a task keeps the task force it named. Editing a
task force keeps the members (and lead) who have since left (离岗), and departed cadres are not
offered as new members."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.office import services
from kexie.office.models import Task
from kexie.office.testing import build_office


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


@pytest.fixture
def dissolved(world, office):
    force = office["task_force"]
    services.task_force_close(actor=world.users["city_admin"], force=force)  # today
    force.refresh_from_db()
    return force


def _task_data(office, **extra):
    return {"title": "起草制度", "department": office["office"].unit, "owner": office["cadre_a"], "source": "plan",
            "assigned_on": dt.date(2020, 7, 1), "deadline": dt.date(2020, 7, 31), **extra}  # fmt: skip


def test_the_service_refuses_a_dissolved_task_force(world, office, dissolved):
    with pytest.raises(ValidationError) as info:
        services.task_create(actor=world.users["city_admin"], data=_task_data(office, task_force=dissolved))
    assert f"已于{dissolved.closed_on}撤销" in info.value.message_dict["task_force"][0]


def test_the_task_form_does_not_offer_a_dissolved_task_force(client, world, office, dissolved):
    client.force_login(world.users["city_admin"])
    page = client.get(reverse("office:task_new")).content.decode()
    assert f'value="{dissolved.pk}"' not in page.split('name="task_force"')[1].split("</select>")[0]
    body = {"title": "起草制度", "department": office["office"].unit_id, "owner": office["cadre_a"].pk,
            "task_force": dissolved.pk, "source": "plan", "assigned_on": "2020-07-01", "deadline": "2020-07-31"}  # fmt: skip
    response = client.post(reverse("office:task_new"), body)
    assert response.status_code == 200 and not Task.objects.unscoped(reason="test").filter(title="起草制度")


def test_the_api_refuses_a_dissolved_task_force_in_chinese(client, world, office, dissolved):
    client.force_login(world.users["city_admin"])
    body = {"title": "起草制度", "department_id": office["office"].unit_id, "owner_id": office["cadre_a"].pk,
            "task_force_id": dissolved.pk, "source": "plan", "assigned_on": "2020-07-01", "deadline": "2020-07-31"}  # fmt: skip
    response = client.post("/api/v1/office/tasks", body, content_type="application/json")
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "task_force_id" and "撤销" in detail["message"]


def test_a_task_keeps_its_task_force_once_dissolved(client, world, office):
    admin = world.users["city_admin"]
    task = services.task_create(actor=admin, data=_task_data(office, task_force=office["task_force"]))
    services.task_force_close(actor=admin, force=office["task_force"])
    client.force_login(admin)
    body = {"title": "起草制度", "department": office["office"].unit_id, "owner": office["cadre_a"].pk,
            "task_force": office["task_force"].pk, "source": "plan", "assigned_on": "2020-07-01",
            "deadline": "2020-08-31"}  # fmt: skip
    assert client.post(reverse("office:task_edit", args=[task.pk]), body).status_code == 302
    task.refresh_from_db()
    assert str(task.deadline) == "2020-08-31" and task.task_force == office["task_force"]


def test_editing_a_task_force_keeps_departed_members_and_lead(client, world, office):
    admin, force = world.users["city_admin"], office["task_force"]
    services.cadre_end(actor=admin, cadre=office["cadre_b"], reason="调离")
    services.cadre_end(actor=admin, cadre=office["cadre_head"], reason="退休")
    client.force_login(admin)
    url = reverse("office:task_force_edit", args=[force.pk])
    page = client.get(url).content.decode()
    members = page.split('name="members"')[1].split("</select>")[0]
    assert f'value="{office["cadre_b"].pk}" selected' in members
    body = {"name": "制度建设专班(调整)", "department": office["office"].unit_id, "purpose": "梳理完善制度文件",
            "lead": office["cadre_head"].pk, "set_up_on": str(force.set_up_on),
            "members": [office["cadre_head"].pk, office["cadre_a"].pk, office["cadre_b"].pk]}  # fmt: skip
    response = client.post(url, body)
    assert response.status_code == 302, response.content.decode()
    force.refresh_from_db()
    assert force.name == "制度建设专班(调整)" and force.lead == office["cadre_head"]
    assert set(force.members.all()) == {office["cadre_head"], office["cadre_a"], office["cadre_b"]}


def test_a_departed_cadre_is_not_offered_as_a_new_member(client, world, office):
    admin, force = world.users["city_admin"], office["task_force"]
    services.cadre_end(actor=admin, cadre=office["cadre_c"], reason="调离")
    client.force_login(admin)
    url = reverse("office:task_force_edit", args=[force.pk])
    members = client.get(url).content.decode().split('name="members"')[1].split("</select>")[0]
    assert f'value="{office["cadre_c"].pk}"' not in members
    body = {"name": force.name, "department": office["office"].unit_id, "set_up_on": str(force.set_up_on),
            "members": [office["cadre_a"].pk, office["cadre_c"].pk]}  # fmt: skip
    assert client.post(url, body).status_code == 200
    with pytest.raises(ValidationError) as info:
        services.task_force_update(
            actor=admin, force=force, data={"members": [office["cadre_a"], office["cadre_c"]]}
        )
    assert "成员" in info.value.message_dict["members"][0]
    assert set(force.members.all()) == {office["cadre_head"], office["cadre_a"], office["cadre_b"]}


def test_an_import_refuses_a_dissolved_task_force_by_name_and_keeps_it_on_a_stored_task(world, office):
    from tests.office.test_office_io import _import

    admin = world.users["city_admin"]
    row = [
        "整理制度文件",
        "办公室",
        "王干部",
        "年度重点工作",
        "",
        "",
        "2020-07-01",
        "2020-07-31",
        "制度建设专班",
    ]
    assert _import(admin, [row]).created == 1
    services.task_force_close(actor=admin, force=office["task_force"])
    again = _import(admin, [[*row[:7], "2020-08-31", row[8]]])  # the stored task, a later deadline
    assert again.ok and again.updated == 1, again.errors
    refused = _import(admin, [["新任务", *row[1:]]])
    assert not refused.ok and "撤销" in str(refused.errors)
