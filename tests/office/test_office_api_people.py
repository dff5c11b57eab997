"""The office API for departments, cadres, task forces and task changes: through the services
(audited), scoped (another office's records answer 404), departed cadres and dissolved task
forces kept where already held and never newly named."""

import pytest

from kexie.core.models import AuditEntry
from kexie.office import services
from kexie.office.testing import build_office

JSON = "application/json"


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def test_departments_by_their_units_id(client, world, office):
    client.force_login(world.users["city_admin"])
    listed = client.get("/api/v1/office/departments").json()
    assert [d["name"] for d in listed] == ["办公室", "学会部"]
    assert listed[0]["id"] == office["office"].unit_id  # the department_id tasks and cadres name
    created = client.post("/api/v1/office/departments", {"name": "科普部", "order": 3}, content_type=JSON)
    assert created.status_code == 201, created.content
    url = f"/api/v1/office/departments/{created.json()['id']}"
    body = {"name": "科学普及部", "order": 3, "leader_id": office["leader"].pk}
    changed = client.put(url, body, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["name"] == "科学普及部"
    assert changed.json()["leader_id"] == office["leader"].pk
    assert AuditEntry.objects.filter(action="kexie.department.changed").exists()


def test_a_department_head_renames_but_names_no_leader(client, office):
    client.force_login(office["head"])
    url = f"/api/v1/office/departments/{office['office'].unit_id}"
    same = {"name": "综合办公室", "order": 1, "leader_id": office["leader"].pk}
    assert client.put(url, same, content_type=JSON).status_code == 200
    other = {**same, "leader_id": office["other_leader"].pk}
    assert client.put(url, other, content_type=JSON).status_code == 422  # not a user the head may name
    office["office"].refresh_from_db()
    assert office["office"].leader == office["leader"] and office["office"].unit.name == "综合办公室"
    assert client.get(f"/api/v1/office/departments/{office['society_dept'].unit_id}").status_code == 404


def test_cadres_create_change_and_leave(client, world, office):
    client.force_login(world.users["city_admin"])
    body = {"name": "孙干部", "department_id": office["office"].unit_id, "position": "科员"}
    created = client.post("/api/v1/office/cadres", body, content_type=JSON)
    assert created.status_code == 201, created.content
    cadre = created.json()
    assert (cadre["department"], cadre["is_active"]) == ("办公室", True)
    url = f"/api/v1/office/cadres/{cadre['id']}"
    changed = client.put(url, {"name": "孙干部", "position": "二级主任科员"}, content_type=JSON)
    assert changed.json()["position"] == "二级主任科员"
    ended = client.post(f"{url}/end", {"reason": "调离"}, content_type=JSON)
    assert ended.status_code == 200 and ended.json()["is_active"] is False
    assert client.post(f"{url}/end", {}, content_type=JSON).status_code == 422
    active = client.get("/api/v1/office/cadres", {"active": "true"}).json()["items"]
    assert cadre["id"] not in [c["id"] for c in active]


def test_another_department_cadre_answers_404(client, office):
    client.force_login(office["leader"])  # 分管领导 of 办公室 only
    assert client.get(f"/api/v1/office/cadres/{office['cadre_c'].pk}").status_code == 404
    assert client.get(f"/api/v1/office/cadres/{office['cadre_a'].pk}").status_code == 200


def test_task_force_keeps_departed_members_and_refuses_new_departed(client, world, office):
    admin, force = world.users["city_admin"], office["task_force"]
    services.cadre_end(actor=admin, cadre=office["cadre_b"], reason="调离")
    services.cadre_end(actor=admin, cadre=office["cadre_c"], reason="调离")
    client.force_login(admin)
    url = f"/api/v1/office/task-forces/{force.pk}"
    body = {"name": "制度建设专班", "department_id": office["office"].unit_id, "lead_id": office["cadre_head"].pk,
            "member_ids": [office["cadre_head"].pk, office["cadre_a"].pk, office["cadre_b"].pk]}  # fmt: skip
    kept = client.put(url, body, content_type=JSON)
    assert kept.status_code == 200, kept.content
    assert kept.json()["member_ids"] == sorted(
        [office["cadre_head"].pk, office["cadre_a"].pk, office["cadre_b"].pk]
    )
    refused = client.put(url, {**body, "member_ids": [office["cadre_c"].pk]}, content_type=JSON)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "member_ids"
    closed = client.post(f"{url}/close", {}, content_type=JSON)
    assert closed.status_code == 200 and closed.json()["closed_on"]
    again = client.put(url, body, content_type=JSON)
    assert again.status_code == 422 and "撤销" in again.json()["detail"][0]["message"]
    listed = client.get("/api/v1/office/task-forces", {"active": "true"}).json()
    assert force.pk not in [f["id"] for f in listed]


def test_task_force_created_through_the_api(client, world, office):
    client.force_login(world.users["city_admin"])
    body = {"name": "科普月专班", "department_id": office["office"].unit_id, "lead_id": office["cadre_a"].pk,
            "member_ids": [office["cadre_a"].pk, office["cadre_b"].pk], "set_up_on": "2020-05-01"}  # fmt: skip
    created = client.post("/api/v1/office/task-forces", body, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["set_up_on"] == "2020-05-01" and len(created.json()["member_ids"]) == 2


def test_task_update_keeps_a_departed_owner_until_reassigned(client, world, office):
    admin, task = world.users["city_admin"], office["task_b"]
    services.cadre_end(actor=admin, cadre=office["cadre_b"], reason="调离")
    client.force_login(admin)
    url = f"/api/v1/office/tasks/{task.pk}"
    body = {"title": task.title, "department_id": office["office"].unit_id, "owner_id": office["cadre_b"].pk,
            "source": "plan", "assigned_on": "2020-01-06", "deadline": "2020-04-30"}  # fmt: skip
    changed = client.put(url, body, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["deadline"] == "2020-04-30"
    entry = AuditEntry.objects.filter(action="kexie.task.changed", object_id=str(task.pk)).get()
    assert entry.before["deadline"] == "2020-03-31"
    no_deadline = {k: v for k, v in body.items() if k != "deadline"}
    assert client.put(url, no_deadline, content_type=JSON).status_code == 422
    reassigned = client.put(url, {**body, "owner_id": office["cadre_a"].pk}, content_type=JSON)
    assert reassigned.json()["owner"] == "王干部"
    back = client.put(url, {**body, "owner_id": office["cadre_b"].pk}, content_type=JSON)
    assert back.status_code == 422 and back.json()["detail"][0]["field"] == "owner_id"


def test_a_decision_task_keeps_its_source_and_cancel(client, world, office):
    client.force_login(world.users["city_admin"])
    task = office["task"]
    url = f"/api/v1/office/tasks/{task.pk}"
    body = {"title": task.title, "department_id": office["office"].unit_id, "owner_id": office["cadre_a"].pk,
            "source": "plan", "assigned_on": "2020-03-10", "working_days": 10}  # fmt: skip
    assert client.put(url, body, content_type=JSON).json()["detail"][0]["field"] == "source"
    changed = client.put(url, {**body, "source": "decision"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["decision_id"] == office["decision"].pk
    cancelled = client.post(f"{url}/cancel", {"reason": "并入其他任务"}, content_type=JSON)
    assert cancelled.json()["status"] == "cancelled"
    assert client.put(url, {**body, "source": "decision"}, content_type=JSON).status_code == 422


def test_own_notes_and_outside_assignments_through_the_api(client, world, office):
    client.force_login(office["user_a"])
    url = f"/api/v1/office/records/{office['record_a'].pk}/notes"
    own = client.post(url, {"text": "全年任务按时完成"}, content_type=JSON)
    assert own.status_code == 200 and own.json()["own_notes"] == "全年任务按时完成"
    client.force_login(office["personnel"])
    assert client.post(url, {"text": "代写"}, content_type=JSON).status_code == 403
    body = {"kind": "epidemic", "title": "社区疫情防控", "start_on": "2020-02-01", "end_on": "2020-03-15"}
    added = client.post(f"/api/v1/office/cadres/{office['cadre_a'].pk}/assignments", body, content_type=JSON)
    assert added.status_code == 201, added.content
    client.force_login(office["user_b"])  # another cadre: neither writes nor reads them
    assert client.get(f"/api/v1/office/cadres/{office['cadre_a'].pk}/assignments").status_code == 404
    assert client.post(f"/api/v1/office/cadres/{office['cadre_a'].pk}/assignments", body,
                       content_type=JSON).status_code in (403, 404)  # fmt: skip
