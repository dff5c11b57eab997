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
    assert response.json()["detail"][0]["field"] == "rule_id"  # the body's field, not the service's
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


def test_rule_create_revise_repeal_through_the_api(client, world, office):
    client.force_login(world.users["city_admin"])
    body = {"title": "公务接待管理办法", "number": "济科协发〔2020〕5号", "issuing_body": "济宁市科学技术协会",
            "issued_on": "2020-03-01", "effective_on": "2020-03-10", "text": "第一条 为规范公务接待,制定本办法。"}  # fmt: skip
    created = client.post("/api/v1/office/rules", body, content_type="application/json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert created.json()["version"] == 1
    early = client.post(f"/api/v1/office/rules/{rule_id}/versions", {"text": "第一条(修订)", "effective_on": "2020-03-10"},
                        content_type="application/json")  # fmt: skip
    assert early.status_code == 422 and "须晚于上一版" in early.json()["detail"][0]["message"]
    revised = client.post(f"/api/v1/office/rules/{rule_id}/versions",
                          {"text": "第一条 为规范公务接待、厉行节约,制定本办法。", "effective_on": "2020-09-01",
                           "note": "增加厉行节约"}, content_type="application/json")  # fmt: skip
    assert revised.status_code == 201 and revised.json()["version"] == 2
    versions = client.get(f"/api/v1/office/rules/{rule_id}/versions").json()
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["note"] == "增加厉行节约"
    assert client.get(f"/api/v1/office/rules/{rule_id}", {"on": "2020-05-01"}).json()["version"] == 1
    assert client.get(f"/api/v1/office/rules/{rule_id}", {"on": "2020-10-01"}).json()["version"] == 2
    repealed = client.post(f"/api/v1/office/rules/{rule_id}/repeal", {"repealed_on": "2021-01-01"},
                           content_type="application/json")  # fmt: skip
    assert repealed.status_code == 200 and repealed.json()["repealed_on"] == "2021-01-01"
    again = client.post(f"/api/v1/office/rules/{rule_id}/repeal", {"repealed_on": "2021-02-01"},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 422
    in_force = client.get("/api/v1/office/rules", {"on": "2021-06-01"}).json()
    assert rule_id not in {r["id"] for r in in_force}


def test_a_viewer_cannot_write_rules(client, world, office):
    from kexie.testing import _user

    viewer = _user("office_viewer", world.orgs["city"], ["viewer"])
    client.force_login(viewer)
    body = {
        "title": "x",
        "issuing_body": "y",
        "issued_on": "2020-03-01",
        "effective_on": "2020-03-01",
        "text": "z",
    }
    assert client.post("/api/v1/office/rules", body, content_type="application/json").status_code == 403
    rule_id = office["rule"].pk
    response = client.post(f"/api/v1/office/rules/{rule_id}/repeal", {"repealed_on": "2099-01-01"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 403
