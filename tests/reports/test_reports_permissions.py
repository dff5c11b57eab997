"""Every /reports/ URL and reports API endpoint × persona. Anonymous → login (web) / 401 (API);
everyone logged in sees their own scope; an organisation outside it answers 404."""

import pytest
from django.urls import get_resolver, reverse

PERSONAS = ("city_admin", "county_staff", "society_secretary", "outsider")
URLS = [
    ("reports:dashboard", [], {"year": 2020}),
    ("reports:indicators", [], {"year": 2020}),
    ("reports:records", ["activities.by_county"], {"year": 2020, "dimension": "county", "key": "370811"}),
    ("reports:review", [], {"year": 2020}),
    ("reports:review_docx", [], {"year": 2020}),
]
API = [
    "/api/v1/reports/indicators?year=2020",
    "/api/v1/reports/indicators/activities.pending/records?year=2020",
]


def test_every_reports_url_is_listed():
    names = {
        f"reports:{k}" for k in get_resolver().namespace_dict["reports"][1].reverse_dict if isinstance(k, str)
    }
    assert names == {name for name, _, _ in URLS}


@pytest.mark.parametrize("name,args,query", URLS, ids=[u[0] for u in URLS])
def test_anonymous_is_sent_to_login(client, world, name, args, query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,args,query", URLS, ids=[u[0] for u in URLS])
def test_logged_in_personas_see_their_scope(client, personas, persona, name, args, query):
    client.force_login(personas[persona])
    # The Word review is written by a background job: its page follows (tests/reports/test_review_job.py).
    assert client.get(reverse(name, args=args), query).status_code == (
        302 if name == "reports:review_docx" else 200
    )


@pytest.mark.parametrize("persona,status", [("city_admin", 200), ("county_staff", 404), ("outsider", 200),
                                            ("society_secretary", 404)])  # fmt: skip
@pytest.mark.parametrize("name,args,query", URLS, ids=[u[0] for u in URLS])
def test_organisation_outside_scope_is_404(client, world, personas, persona, status, name, args, query):
    client.force_login(personas[persona])
    response = client.get(reverse(name, args=args), {**query, "org": world.orgs["yanzhou"].pk})
    assert response.status_code == (302 if status == 200 and name == "reports:review_docx" else status)


@pytest.mark.parametrize("url", API)
def test_api_requires_authentication_and_scopes(client, world, personas, url):
    assert client.get(url).status_code == 401
    client.force_login(personas["county_staff"])
    assert client.get(url).status_code == 200
    assert client.get(f"{url}&org={world.orgs['yanzhou'].pk}").status_code == 404


def test_bad_parameters_answer_in_chinese(client, personas):
    client.force_login(personas["city_admin"])
    response = client.get(reverse("reports:dashboard"), {"year": "abc"})
    assert response.status_code == 400 and "期间无效" in response.content.decode()
    assert client.get(reverse("reports:records", args=["no.such"]), {"year": 2020}).status_code == 404
    api = client.get("/api/v1/reports/indicators", {"start": "2020-01-01"})
    assert api.status_code == 422


@pytest.mark.parametrize("query,message", [
    ({"dimension": "colour", "key": "red"}, "没有分列“colour”"),
    ({"dimension": "county"}, "须同时填写"),
    ({"key": "370811"}, "须同时填写"),
])  # fmt: skip
def test_bad_drill_down_parameters_answer_in_chinese(client, personas, query, message):
    client.force_login(personas["city_admin"])
    page = client.get(reverse("reports:records", args=["activities.by_county"]), {"year": 2020, **query})
    assert page.status_code == 400 and message in page.content.decode()
    api = client.get("/api/v1/reports/indicators/activities.by_county/records", {"year": 2020, **query})
    assert api.status_code == 422 and message in api.json()["detail"][0]["message"]


def test_a_campaign_key_that_is_not_a_number_is_refused(client, personas):
    client.force_login(personas["city_admin"])
    url = reverse("reports:records", args=["activities.campaign_activities"])
    page = client.get(url, {"year": 2020, "dimension": "campaign", "key": "x"})
    assert page.status_code == 400 and "分列项“x”无效" in page.content.decode()
