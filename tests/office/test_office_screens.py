"""The office's screens for departments, cadres and task forces: list, create, edit, end a
cadre's service, dissolve a task force — every write through the services (audited), another
office's records answer 404."""

import pytest
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.office.models import Cadre, Department, TaskForce
from kexie.office.testing import build_office


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def _audited(action, obj) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


def test_landing_page_links_the_screens(client, world, office):
    client.force_login(world.users["city_admin"])
    body = client.get(reverse("office:task_list")).content.decode()
    for name in ("office:department_list", "office:cadre_list", "office:task_force_list"):
        assert reverse(name) in body


def test_department_list_create_and_edit(client, world, office):
    admin = world.users["city_admin"]
    client.force_login(admin)
    body = client.get(reverse("office:department_list")).content.decode()
    assert "办公室" in body and "学会部" in body
    response = client.post(reverse("office:department_new"), {"name": "科普部", "order": "3", "leader": ""})
    assert response.status_code == 302
    made = Department.objects.unscoped(reason="test").get(unit__name="科普部")
    assert made.unit.parent == world.orgs["city"] and _audited("kexie.department.created", made)
    url = reverse("office:department_edit", args=[made.pk])
    assert "科普部" in client.get(url).content.decode()
    response = client.post(url, {"name": "科学普及部", "order": "4", "leader": office["leader"].pk})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.unit.name, made.order, made.leader) == ("科学普及部", 4, office["leader"])
    entry = AuditEntry.objects.get(action="kexie.department.changed", object_id=str(made.pk))
    assert entry.before["name"] == "科普部" and entry.after["name"] == "科学普及部"


def test_a_department_head_edits_only_their_own_and_names_no_leader(client, office):
    client.force_login(office["head"])
    assert client.get(reverse("office:department_edit", args=[office["society_dept"].pk])).status_code == 404
    url = reverse("office:department_edit", args=[office["office"].pk])
    response = client.post(url, {"name": "办公室", "order": "1", "leader": office["other_leader"].pk})
    office["office"].refresh_from_db()
    assert response.status_code == 200 and office["office"].leader == office["leader"]


def test_cadre_create_edit_and_end(client, world, office):
    client.force_login(world.users["city_admin"])
    assert "王干部" in client.get(reverse("office:cadre_list")).content.decode()
    response = client.post(reverse("office:cadre_new"),
                           {"name": "孙干部", "department": office["office"].unit.pk, "position": "科员"})  # fmt: skip
    assert response.status_code == 302
    cadre = Cadre.objects.unscoped(reason="test").get(person__name="孙干部")
    assert cadre.person.unit == office["office"].unit and cadre.person.is_cadre
    url = reverse("office:cadre_edit", args=[cadre.pk])
    assert client.post(url, {"name": "孙立", "position": "副主任"}).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.person.name, cadre.position) == ("孙立", "副主任")
    assert _audited("kexie.cadre.changed", cadre)
    assert "离岗" in client.get(url).content.decode()
    assert client.post(reverse("office:cadre_end", args=[cadre.pk]), {"reason": "调离"}).status_code == 302
    cadre.refresh_from_db()
    assert not cadre.is_active and _audited("kexie.cadre.ended", cadre)
    assert "孙立" not in client.get(reverse("office:cadre_list")).content.decode()
    assert "孙立" in client.get(reverse("office:cadre_list") + "?active=0").content.decode()


def test_cadre_screens_answer_404_out_of_scope(client, office):
    client.force_login(office["head"])  # 办公室's head: 学会部's cadre is not theirs
    other = office["cadre_c"]
    assert client.get(reverse("office:cadre_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("office:cadre_end", args=[other.pk])).status_code == 404
    assert "赵干部" not in client.get(reverse("office:cadre_list")).content.decode()
    other.refresh_from_db()
    assert other.is_active


def test_task_force_create_edit_and_dissolve(client, world, office):
    client.force_login(world.users["city_admin"])
    response = client.post(reverse("office:task_force_new"), {
        "name": "科普月专班", "department": office["office"].unit.pk, "purpose": "科普月活动",
        "lead": office["cadre_a"].pk, "members": [office["cadre_a"].pk, office["cadre_b"].pk],
        "set_up_on": "2020-05-01",
    })  # fmt: skip
    assert response.status_code == 302
    force = TaskForce.objects.unscoped(reason="test").get(name="科普月专班")
    assert set(force.members.all()) == {office["cadre_a"], office["cadre_b"]}
    url = reverse("office:task_force_edit", args=[force.pk])
    response = client.post(url, {"name": "科普月专班", "department": office["office"].unit.pk, "purpose": "",
                                 "lead": office["cadre_b"].pk, "members": [office["cadre_b"].pk],
                                 "set_up_on": "2020-05-01"})  # fmt: skip
    assert response.status_code == 302
    force.refresh_from_db()
    assert force.lead == office["cadre_b"] and list(force.members.all()) == [office["cadre_b"]]
    entry = AuditEntry.objects.get(action="kexie.task_force.changed", object_id=str(force.pk))
    assert entry.before["members"] != entry.after["members"]
    close = reverse("office:task_force_close", args=[force.pk])
    assert client.post(close, {"on": "2020-04-01"}).status_code == 302  # before it was set up
    force.refresh_from_db()
    assert force.closed_on is None
    assert client.post(close, {"on": "2020-12-31"}).status_code == 302
    force.refresh_from_db()
    assert str(force.closed_on) == "2020-12-31" and _audited("kexie.task_force.closed", force)
    again = client.post(
        url, {"name": "改名", "department": office["office"].unit.pk, "set_up_on": "2020-05-01"}
    )
    force.refresh_from_db()
    assert again.status_code == 200 and force.name == "科普月专班"


def test_task_force_screens_answer_404_out_of_scope(client, world, office):
    client.force_login(world.users["outsider"])
    force = office["task_force"]
    assert client.get(reverse("office:task_force_edit", args=[force.pk])).status_code == 404
    assert client.post(reverse("office:task_force_close", args=[force.pk])).status_code == 404
    force.refresh_from_db()
    assert force.closed_on is None


def test_task_edit_changes_an_open_task_through_the_service(client, world, office):
    client.force_login(world.users["city_admin"])
    task = office["task"]  # a meeting decision's task: its source stays
    url = reverse("office:task_edit", args=[task.pk])
    assert url in client.get(reverse("office:task_detail", args=[task.pk])).content.decode()
    response = client.post(url, {"title": task.title, "department": office["office"].unit.pk,
                                 "owner": office["cadre_b"].pk, "assigned_on": "2020-03-10",
                                 "deadline": "2020-05-15"})  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert (str(task.deadline), task.owner, task.source) == ("2020-05-15", office["cadre_b"], "decision")
    entry = AuditEntry.objects.get(action="kexie.task.changed", object_id=str(task.pk))
    assert entry.before["deadline"] == "2020-04-30" and entry.after["deadline"] == "2020-05-15"


def test_task_edit_refuses_a_finished_task_and_another_department(client, world, office):
    from kexie.office import services

    admin = world.users["city_admin"]
    services.task_complete(actor=admin, task=office["task_b"], done_on=office["task_b"].deadline)
    client.force_login(admin)
    url = reverse("office:task_edit", args=[office["task_b"].pk])
    assert client.post(url, {"deadline": "2020-12-31"}).status_code == 302
    office["task_b"].refresh_from_db()
    assert str(office["task_b"].deadline) == "2020-03-31"
    client.force_login(office["head"])
    assert client.get(reverse("office:task_edit", args=[office["task_c"].pk])).status_code == 404
