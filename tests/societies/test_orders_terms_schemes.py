"""Pages and API for what was services-only: ordering a rectification (限期整改), recording a term
(届次) and its congress (会员代表大会), drawing up a scoring scheme and opening an evaluation."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.directory.services import person_create
from kexie.societies import evaluation, services
from kexie.societies.forms import SchemeForm
from kexie.societies.models import Evaluation, EvaluationScheme, Rectification, Term

pytestmark = pytest.mark.django_db
JSON = {"content_type": "application/json"}


def _page(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------- rectification


def test_a_rectification_ordered_on_the_page(client, world, personas):
    client.force_login(personas["city_admin"])
    url = reverse("societies:rectification_new")
    data = {"organisation": world.orgs["society"].pk, "reasons": "不履行章程规定的职责",
            "required_evidence": "整改报告", "ordered_on": "2020-10-09", "deadline": "2020-10-01"}  # fmt: skip
    bad = client.post(url, data)
    assert bad.status_code == 200 and "整改期限:应晚于下达日期" in _page(bad)
    assert not Rectification.objects.unscoped(reason="test").exists()
    response = client.post(url, {**data, "deadline": "2020-12-31"})
    item = Rectification.objects.within(world.orgs["society"]).get()
    assert response.url == reverse("societies:rectification_detail", args=[item.pk])
    assert item.deadline == dt.date(2020, 12, 31) and item.ordered_by == world.orgs["city"]
    listing = _page(client.get(reverse("societies:rectification_list")))
    assert 'id="rectification-new"' in listing and "济宁市心理学会" in listing


def test_a_county_cannot_order_a_society_it_does_not_supervise(client, world, personas):
    client.force_login(personas["county_staff"])
    response = client.post(reverse("societies:rectification_new"), {
        "organisation": world.orgs["society"].pk, "reasons": "x", "required_evidence": "y", "deadline": "2099-01-01"})  # fmt: skip
    assert response.status_code == 200 and not Rectification.objects.unscoped(reason="test").exists()
    url = f"/api/v1/societies/organisations/{world.orgs['society'].pk}/rectifications"
    body = {"reasons": "x", "required_evidence": "y", "deadline": "2099-01-01"}
    assert client.post(url, body, **JSON).status_code == 404


def test_rectification_through_the_api(client, world, personas):
    client.force_login(personas["city_admin"])
    url = f"/api/v1/societies/organisations/{world.orgs['society'].pk}/rectifications"
    body = {"reasons": "未按期年检", "required_evidence": "整改报告", "ordered_on": "2020-10-09"}
    bad = client.post(url, {**body, "deadline": "2020-10-09"}, **JSON)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "deadline"
    assert "应晚于下达日期" in bad.json()["detail"][0]["message"]
    school = client.post(f"/api/v1/societies/organisations/{world.orgs['school'].pk}/rectifications",
                         {**body, "deadline": "2020-12-31"}, **JSON)  # fmt: skip
    assert school.status_code == 422 and "只能是学会、科协或科研院所" in school.json()["detail"][0]["message"]
    created = client.post(url, {**body, "deadline": "2020-12-31"}, **JSON)
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    client.force_login(personas["society_secretary"])
    step = client.post(
        f"/api/v1/societies/rectifications/{item_id}/follow-ups", {"note": "已提交整改报告"}, **JSON
    )
    assert step.status_code == 201 and step.json()["note"] == "已提交整改报告"
    assert client.post(f"/api/v1/societies/rectifications/{item_id}/decision",
                       {"outcome": "closed", "note": "自评"}, **JSON).status_code == 403  # fmt: skip
    client.force_login(personas["city_admin"])
    extended = client.post(f"/api/v1/societies/rectifications/{item_id}/decision",
                           {"outcome": "extended", "note": "材料不全", "new_deadline": "2021-01-31"}, **JSON)  # fmt: skip
    assert extended.status_code == 200 and extended.json()["deadline"] == "2021-01-31"
    assert extended.json()["extensions"] == 1 and extended.json()["status"] == "open"
    client.force_login(personas["county_staff"])
    assert client.get(f"/api/v1/societies/rectifications/{item_id}").status_code == 404


# ---------------------------------------------------------------------- terms and congresses


def test_a_term_and_its_congress_on_the_pages(client, world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    chair = person_create(actor=admin, data={"name": "钱理事长", "unit": society})
    services.term_create(actor=admin, org=society, data={"starts_on": dt.date(2016, 5, 1)},
                         officers=[{"person": chair, "role": "chair"}])  # fmt: skip
    client.force_login(admin)
    url = reverse("societies:term_new")
    bad = client.post(url, {"organisation": society.pk, "starts_on": "2021-05-01", "ends_on": "2021-01-01"})
    assert "本届届满日期:应晚于开始日期" in _page(bad)
    response = client.post(
        url, {"organisation": society.pk, "starts_on": "2021-05-01", "member_count": "300"}
    )
    term = Term.objects.within(society).get(number=2)
    assert response.url == reverse("societies:officers", args=[society.pk]) + "?year=2021"
    assert term.ends_on == dt.date(2026, 4, 30) and term.member_count == 300
    old = Term.objects.within(society).get(number=1)
    congress = reverse("societies:term_congress", args=[old.pk])
    late = client.post(congress, {"congress_on": "2021-04-28", "filed_on": "2021-04-01"})
    assert "换届备案日期:不能早于换届大会日期" in _page(late)
    client.post(congress, {"congress_on": "2021-04-28", "filed_on": "2021-05-20"})
    old.refresh_from_db()
    assert (old.congress_on, old.filed_on) == (dt.date(2021, 4, 28), dt.date(2021, 5, 20))
    officers = client.get(reverse("societies:officers", args=[society.pk]), {"year": "2016"})
    assert "钱理事长" in _page(officers)  # the old chair is still known for 2016
    assert "钱理事长" not in _page(
        client.get(reverse("societies:officers", args=[society.pk]), {"year": "2022"})
    )
    client.force_login(personas["county_staff"])
    assert client.get(congress).status_code == 404


def test_terms_through_the_api(client, world, personas):
    client.force_login(personas["society_secretary"])
    url = f"/api/v1/societies/organisations/{world.orgs['society'].pk}/terms"
    first = client.post(url, {"starts_on": "2016-05-01", "board_size": 40}, **JSON)
    assert (
        first.status_code == 201 and first.json()["number"] == 1 and first.json()["ends_on"] == "2021-04-30"
    )
    again = client.post(url, {"number": 1, "starts_on": "2021-05-01"}, **JSON)
    assert again.status_code == 422 and "已有此届次" in again.json()["detail"][0]["message"]
    congress = f"/api/v1/societies/terms/{first.json()['id']}/congress"
    early = client.post(congress, {"congress_on": "2016-01-01"}, **JSON)
    assert early.status_code == 422 and early.json()["detail"][0]["field"] == "congress_on"
    done = client.post(congress, {"congress_on": "2021-04-28", "filed_on": "2021-05-20"}, **JSON)
    assert done.status_code == 200 and done.json()["congress_on"] == "2021-04-28"
    client.force_login(personas["outsider"])
    assert client.post(congress, {"congress_on": "2021-04-28"}, **JSON).status_code == 404


# ---------------------------------------------------------------------- schemes and evaluations


def test_scheme_drawn_up_on_the_page_from_the_default(client, personas):
    client.force_login(personas["city_admin"])
    url = reverse("societies:scheme_new")
    initial = SchemeForm.initial_from(evaluation.DEFAULT_ITEMS, evaluation.DEFAULT_GRADES)
    assert "A2,基础条件,年度报告按时报送,40,annual_report_on_time" in _page(client.get(url))
    bad_line = client.post(
        url, {"name": "县级科协评估", "items": "A1,基础条件,法人资格\n", "grades": initial["grades"]}
    )
    assert "第1行:应为" in _page(bad_line)
    items = initial["items"].replace("A1,基础条件,法人资格与登记事项,60", "A1,基础条件,法人资格与登记事项,50")
    short = client.post(url, {"name": "县级科协评估", "items": items, "grades": initial["grades"]})
    assert "总分应为1000分,现为990分" in _page(short)
    assert not EvaluationScheme.objects.unscoped(reason="test").exists()
    saved = client.post(url, {"name": "县级科协评估", **initial})
    assert saved.url == reverse("societies:evaluation_new")
    scheme = EvaluationScheme.objects.unscoped(reason="test").get()
    assert scheme.items == evaluation.DEFAULT_ITEMS and scheme.grades == evaluation.DEFAULT_GRADES


def test_evaluation_opened_on_the_page_refuses_a_conflicted_evaluator(client, world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    scheme = services.scheme_create(actor=admin, name="学会评估", items=evaluation.DEFAULT_ITEMS,
                                    grades=evaluation.DEFAULT_GRADES)  # fmt: skip
    insider = person_create(actor=admin, data={"name": "孙会员", "unit": society})
    outsider = person_create(actor=admin, data={"name": "李专家", "unit": world.orgs["city"]})
    client.force_login(admin)
    url = reverse("societies:evaluation_new")
    data = {"organisation": society.pk, "scheme": scheme.pk, "year": "2020"}
    refused = client.post(url, {**data, "evaluators": [insider.pk, outsider.pk]})
    assert "评估专家存在利益冲突,须回避:孙会员" in _page(refused)
    response = client.post(url, {**data, "evaluators": [outsider.pk]})
    ev = Evaluation.objects.within(society).get()
    assert response.url == reverse("societies:evaluation_detail", args=[ev.pk])
    assert list(ev.evaluators.all()) == [outsider]
    twice = client.post(url, {**data, "evaluators": [outsider.pk]})
    assert "该单位本年度已按此指标体系评估" in _page(twice)


def test_scheme_and_evaluation_through_the_api(client, world, personas):
    client.force_login(personas["city_admin"])
    grades = [{"min_score": m, "grade": g} for m, g in evaluation.DEFAULT_GRADES]
    short = client.post("/api/v1/societies/schemes",
                        {"name": "学会评估", "items": evaluation.DEFAULT_ITEMS[:3], "grades": grades}, **JSON)  # fmt: skip
    assert short.status_code == 422 and "总分应为1000分" in short.json()["detail"][0]["message"]
    created = client.post("/api/v1/societies/schemes",
                          {"name": "学会评估", "items": evaluation.DEFAULT_ITEMS, "grades": grades}, **JSON)  # fmt: skip
    assert created.status_code == 201, created.content
    assert [s["name"] for s in client.get("/api/v1/societies/schemes").json()] == ["学会评估"]
    url = f"/api/v1/societies/organisations/{world.orgs['society'].pk}/evaluations"
    opened = client.post(url, {"scheme_id": created.json()["id"], "year": 2020}, **JSON)
    assert opened.status_code == 201 and opened.json()["status"] == "scoring"
    finish = client.post(f"/api/v1/societies/evaluations/{opened.json()['id']}/finish")
    assert finish.status_code == 422 and "尚有细则未评分" in finish.json()["detail"][0]["message"]
    client.force_login(personas["county_staff"])  # the city's scheme and society are out of its scope
    assert client.post(url, {"scheme_id": created.json()["id"], "year": 2020}, **JSON).status_code == 404
    assert client.get("/api/v1/societies/schemes").json() == []
