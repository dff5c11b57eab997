"""The office API: tasks in working days, decisions to tasks, records between cadres."""

import pytest

from kexie.office.models import Task
from kexie.office.testing import build_office


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def test_task_in_working_days_and_completion(client, world, office):
    client.force_login(world.users["city_admin"])
    body = {"title": "报送总结", "department_id": office["office"].unit_id, "owner_id": office["cadre_a"].pk,
            "source": "notice", "notice": "省科协通知", "assigned_on": "2020-09-30", "working_days": 5}  # fmt: skip
    response = client.post("/api/v1/office/tasks", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["deadline"] == "2020-10-14"  # 10-1..10-8 holidays; Saturday 10-10 is a working day
    task_id = response.json()["id"]
    done = client.post(f"/api/v1/office/tasks/{task_id}/complete", {"done_on": "2020-10-15"},
                       content_type="application/json")  # fmt: skip
    assert done.json()["status"] == "done"
    assert Task.objects.unscoped(reason="test").get(pk=task_id).done_late


def test_bad_source_is_refused_in_chinese(client, world, office):
    client.force_login(world.users["city_admin"])
    body = {"title": "x", "department_id": office["office"].unit_id, "owner_id": office["cadre_a"].pk,
            "source": "rule", "assigned_on": "2020-10-01", "deadline": "2020-10-13"}  # fmt: skip
    response = client.post("/api/v1/office/tasks", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "rule"
    assert "依据制度" in response.json()["detail"][0]["message"]


def test_decision_to_task_once(client, world, office):
    client.force_login(world.users["city_admin"])
    url = f"/api/v1/office/decisions/{office['spare_decision'].pk}/task"
    body = {"department_id": office["office"].unit_id, "owner_id": office["cadre_b"].pk, "working_days": 10}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and first.json()["title"] == "建立干部执行力档案"
    assert first.json()["source"] == "decision"
    assert client.post(url, body, content_type="application/json").status_code == 422
    meeting = client.get(f"/api/v1/office/meetings/{office['meeting'].pk}").json()
    assert [d["task_id"] is not None for d in meeting["decisions"]] == [True, True]


def test_one_cadre_cannot_read_anothers_record(client, office):
    client.force_login(office["user_b"])
    assert client.get(f"/api/v1/office/records/{office['record_a'].pk}").status_code == 404
    own = client.get(f"/api/v1/office/records/{office['record_b'].pk}")
    assert own.status_code == 200 and own.json()["figures"]["total"] == 1
    assert [r["cadre"] for r in client.get("/api/v1/office/records").json()["items"]] == ["李干部"]


def test_rule_search_and_version(client, world, office):
    client.force_login(world.users["city_admin"])
    found = client.get("/api/v1/office/rules", {"q": "报销"}).json()
    assert [r["title"] for r in found] == ["济宁市科协财务报销制度"]
    assert client.get("/api/v1/office/rules", {"q": "三重一大"}).json() == []
    assert client.get("/api/v1/office/rules", {"on": "2020-03-01"}).json() == []
    rule = client.get(f"/api/v1/office/rules/{office['rule'].pk}", {"on": "2020-05-01"}).json()
    assert rule["version"] == 1 and rule["text"].startswith("第一条")
