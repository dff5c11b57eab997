"""Judging on the web: the judge's own pages (a phone form, Chinese validation, blind calls hide
entrants and institutions), the staff's round page (the assignment with its reasons, what to
relax when infeasible, the ranking side by side)."""

import json

from django.urls import reverse

from kexie.calls import judging
from kexie.calls.models import JudgeAssignment
from kexie.testing import PASSWORD


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _names_and_institutions(review):
    words = {"济宁市第一中学", "任城区二十里铺中学"}
    for entry in review["entries"]:
        words |= {entry.entrant_name, *(m.name for m in entry.members.all())}
    return words


def test_a_blind_calls_judge_never_sees_entrants_or_institutions(client, world, review):
    judging.round_assign(actor=world.users["city_admin"], round=review["round"])
    judge = review["judges"]["赵机器"]
    _login(client, judge.user)
    pages = [client.get(reverse("calls:judging"))]
    mine = JudgeAssignment.objects.unscoped(reason="test").filter(judge=judge)
    assert mine.count() == 2
    for a in mine:
        pages.append(client.get(reverse("calls:judge_score", args=(a.pk,))))
        pages.append(client.post(reverse("calls:judge_score", args=(a.pk,)), {"c_innovation": "99"}))
    bodies = [p.content.decode() for p in pages]
    assert all(p.status_code == 200 for p in pages)
    assert all(a.entry.title in bodies[0] for a in mine)
    for word in _names_and_institutions(review):
        assert all(word not in body for body in bodies), word
    # not blind: the same judge sees them
    type(review["call"]).objects.unscoped(reason="test").filter(pk=review["call"].pk).update(is_blind=False)
    assert "学生" in client.get(reverse("calls:judging")).content.decode()


def test_a_judge_scores_on_the_phone_form_and_sees_only_their_own(client, world, review):
    judging.round_assign(actor=world.users["city_admin"], round=review["round"])
    judge = review["judges"]["钱生物"]
    mine = JudgeAssignment.objects.unscoped(reason="test").filter(judge=judge).first()
    other = JudgeAssignment.objects.unscoped(reason="test").exclude(judge=judge).first()
    _login(client, judge.user)
    assert client.get(reverse("calls:judge_score", args=(other.pk,))).status_code == 404
    url = reverse("calls:judge_score", args=(mine.pk,))
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page and "创新性(0–40,权重 2)" in page
    bad = client.post(url, {"c_innovation": "45", "c_science": ""}).content.decode()
    assert "“创新性”应在 0 到 40 之间" in bad and "“科学性”:请打分(0–30)" in bad
    done = client.post(url, {"c_innovation": "30", "c_science": "15", "comment": "创意好"})
    assert done.status_code == 302
    mine.refresh_from_db()
    assert mine.total is not None and mine.comment == "创意好"


def test_staff_see_the_plan_with_reasons_and_what_to_relax(client, world, review):
    admin, rnd = world.users["city_admin"], review["round"]
    _login(client, admin)
    url = reverse("calls:round_detail", args=(rnd.pk,))
    page = client.get(url + "?plan=1").content.decode()
    assert "亲和度" in page and "回避:同单位(任城区二十里铺中学)" in page
    judging.round_update(actor=admin, round=rnd, data={"per_entry": 4})
    page = client.get(url + "?plan=1").content.decode()
    assert "放宽:把每件评委数降到 3" in page
    response = client.post(reverse("calls:round_action", args=(rnd.pk, "assign")), follow=True)
    assert "放宽" in response.content.decode()
    assert not JudgeAssignment.objects.unscoped(reason="test").filter(round=rnd).exists()
    judging.round_update(actor=admin, round=rnd, data={"per_entry": 2})
    client.post(reverse("calls:round_action", args=(rnd.pk, "assign")))
    assert JudgeAssignment.objects.unscoped(reason="test").filter(round=rnd).count() == 8
    client.post(reverse("calls:round_action", args=(rnd.pk, "chase")))
    page = client.get(url).content.decode()
    assert "未交评分" in page and "钱生物" in page and "原始平均分" in page


def test_the_judges_api_hides_a_blind_calls_entrants_and_takes_scores(client, world, review):
    judging.round_assign(actor=world.users["city_admin"], round=review["round"])
    judge = review["judges"]["李化学"]
    client.force_login(judge.user)
    response = client.get("/api/v1/calls/judging/assignments")
    assert response.status_code == 200 and len(response.json()) == 2
    body = json.dumps(response.json(), ensure_ascii=False)
    for word in _names_and_institutions(review):
        assert word not in body, word
    first = response.json()[0]
    assert first["entrant"] is None and first["criteria"][0]["label"] == "创新性"
    url = f"/api/v1/calls/judging/assignments/{first['id']}/score"
    bad = client.post(url, {"values": {"innovation": 50}}, content_type="application/json")
    assert bad.status_code == 422 and "“创新性”应在 0 到 40 之间" in str(bad.json())
    ok = client.post(url, {"values": {"innovation": 40, "science": 30}}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["total"] == 100 and ok.json()["scored"]
    other = JudgeAssignment.objects.unscoped(reason="test").exclude(judge=judge).first()
    refused = client.post(f"/api/v1/calls/judging/assignments/{other.pk}/score",
                          {"values": {"innovation": 1, "science": 1}}, content_type="application/json")  # fmt: skip
    assert refused.status_code == 404


def test_staff_plan_and_rank_through_the_api(client, world, review):
    rnd = review["round"]
    client.force_login(world.users["city_admin"])
    plan = client.get(f"/api/v1/calls/rounds/{rnd.pk}/plan").json()
    assert plan["infeasible"] is None and len(plan["pairs"]) == 8
    assert any("同单位" in x["explanation"] for x in plan["exclusions"])
    assert client.post(f"/api/v1/calls/rounds/{rnd.pk}/assign").status_code == 200
    detail = client.get(f"/api/v1/calls/rounds/{rnd.pk}").json()
    assert sum(len(m["entries"]) for m in detail["missing"]) == 8 and detail["ranking"] == []
    created = client.post(f"/api/v1/calls/{review['call'].pk}/rounds",
                          {"name": "决赛", "per_entry": 1, "advance_top": 2}, content_type="application/json")  # fmt: skip
    assert created.status_code == 201 and created.json()["advance_rule"] == {"top": 2}
    client.force_login(world.users["outsider"])
    assert client.get(f"/api/v1/calls/rounds/{rnd.pk}/plan").status_code == 404
