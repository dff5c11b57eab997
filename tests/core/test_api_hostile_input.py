"""Hostile input at the API edge (and the web pages taking the same parameters).

Each case here was a server error (an English HTML 500 page) or a silently accepted body
before: years out of range, ids and offsets beyond 64 bits, a PATCH nulling a required
reference, a body that is not an object. The API must answer `{"detail": …}` in Chinese
for every error, 404 and 405 included, and 500 too (logged).
"""

import json
import logging

import pytest

from kexie.accounts.services import api_token_create
from kexie.api import api
from kexie.directory.models import Person
from kexie.directory.services import person_create

BEYOND_64_BITS = str(2**63)
HUGE = "9" * 25


@pytest.fixture
def bearer(world):
    admin = world.users["city_admin"]
    _token, key = api_token_create(actor=admin, user=admin, name="hostile")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def person(world):
    return person_create(
        actor=world.users["city_admin"], data={"name": "张三", "unit": world.orgs["rencheng"]}
    )


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _assert_json_error(response, status: int, field: str | None = None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    detail = response.json()["detail"]
    if isinstance(detail, list):
        assert all(_chinese(e["message"]) for e in detail), detail
        if field:
            assert field in {e["field"] for e in detail}, detail
    else:
        assert _chinese(detail), detail
    return detail


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/activities/?year=9999", "year"),
        ("/api/v1/activities/?year=-679", "year"),
        (f"/api/v1/activities/campaigns?year={HUGE}", "year"),
        ("/api/v1/reports/indicators?year=9999", "year"),
        (f"/api/v1/activities/campaigns?offset={HUGE}", "offset"),
        (f"/api/v1/directory/people?offset={BEYOND_64_BITS}", "offset"),
        (f"/api/v1/directory/organisations?offset={BEYOND_64_BITS}", "offset"),
        (f"/api/v1/innovation/demands?offset={BEYOND_64_BITS}", "offset"),
        (f"/api/v1/innovation/patents/search?offset={BEYOND_64_BITS}", "offset"),
        (f"/api/v1/directory/people?unit_id={BEYOND_64_BITS}", "unit_id"),
        (f"/api/v1/activities/?kind_id={BEYOND_64_BITS}", "kind_id"),
        (f"/api/v1/reports/indicators?org={BEYOND_64_BITS}", "org"),
        (f"/api/v1/reports/indicators/activities.count/records?after={BEYOND_64_BITS}", "after"),
        ("/api/v1/innovation/demands?limit=0", "limit"),
        ("/api/v1/core/audit-log?action=%00", "action"),
        ("/api/v1/directory/people?search=a%00b", "search"),
    ],
)
def test_parameters_out_of_range_answer_422_in_chinese(client, world, bearer, url, field):
    response = client.get(url, **bearer)
    _assert_json_error(response, 422, field)


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/directory/people/{BEYOND_64_BITS}", f"/api/v1/activities/{HUGE}", "/api/v1/activities/0"],
)
def test_ids_out_of_range_answer_json(client, world, bearer, path):
    response = client.get(path, **bearer)
    assert response.status_code in (404, 422)
    _assert_json_error(response, response.status_code)


def test_organisation_year_out_of_range_answers_422(client, world, bearer):
    url = f"/api/v1/directory/organisations/{world.orgs['rencheng'].pk}/years/99999"
    response = client.put(url, data={}, content_type="application/json", **bearer)
    _assert_json_error(response, 422, "year")
    assert not world.orgs["rencheng"].years.exists()


def test_patch_person_with_null_unit_names_the_field(client, world, bearer, person):
    response = client.patch(
        f"/api/v1/directory/people/{person.pk}",
        data={"unit_id": None},
        content_type="application/json",
        **bearer,
    )
    detail = _assert_json_error(response, 422, "unit_id")
    assert {"field": "unit_id", "message": "不能为空(null)"} in detail
    assert Person.objects.get(pk=person.pk).unit_id == world.orgs["rencheng"].pk


@pytest.mark.parametrize("body", ['"AAA"', "[null, null]", "42", "null", "{not json"])
def test_body_must_be_a_json_object(client, world, bearer, person, body):
    response = client.patch(
        f"/api/v1/directory/people/{person.pk}", data=body, content_type="application/json", **bearer
    )
    _assert_json_error(response, 422)
    assert Person.objects.get(pk=person.pk).title == ""


def test_body_with_unknown_field_is_refused(client, world, bearer, person):
    response = client.patch(
        f"/api/v1/directory/people/{person.pk}", data={"unit": 1}, content_type="application/json", **bearer
    )
    _assert_json_error(response, 422, "unit")


def test_nul_character_in_body_is_refused(client, world, bearer, person):
    response = client.patch(
        f"/api/v1/directory/people/{person.pk}",
        data=json.dumps({"title": "a\u0000b"}),
        content_type="application/json",
        **bearer,
    )
    _assert_json_error(response, 422, "title")


def test_counts_beyond_the_database_integer_are_refused(client, world, bearer):
    body = {
        "title": "科普讲座",
        "kind_id": world.kinds["outreach.lecture"].pk,
        "start_date": "2020-09-19",
        "end_date": "2020-09-19",
        "region_id": world.regions["370811"].pk,
        "organiser_id": world.orgs["city"].pk,
        "participants": 2**40,
    }
    response = client.post("/api/v1/activities/", data=body, content_type="application/json", **bearer)
    _assert_json_error(response, 422, "participants")


def test_unknown_api_path_answers_json_404(client, world, bearer):
    _assert_json_error(client.get("/api/v1/nope", **bearer), 404)
    _assert_json_error(client.get("/api/v1/directory/regions/abc", **bearer), 404)
    _assert_json_error(client.get("/api/v2/", **bearer), 404)


def test_method_not_allowed_answers_json_405(client, world, bearer):
    response = client.put("/api/v1/accounts/me", **bearer)
    _assert_json_error(response, 405)
    assert "GET" in response["Allow"]


def test_server_error_answers_json_500_and_is_logged(client, world, bearer, monkeypatch, caplog):
    from kexie.accounts import api as accounts_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(accounts_api, "actor", broken)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/accounts/tokens", **bearer)
    detail = _assert_json_error(response, 500)
    assert "服务器内部错误" in detail
    assert "boom" not in detail
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_openapi_documents_the_error_responses():
    schema = api.get_openapi_schema()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"401", "403", "500"}
            if operation.get("parameters") or operation.get("requestBody"):
                expected |= {"404", "422"}
            if method in ("post", "put", "patch", "delete"):
                expected.add("409")
            if expected - codes:
                missing.append(f"{method.upper()} {path}: {sorted(expected - codes)}")
    assert not missing, missing
    error = schema["components"]["schemas"]["ErrorOut"]
    assert "detail" in error["properties"]


# ---------------------------------------------------------------- the web pages


@pytest.mark.parametrize("year", ["99999", "-5", HUGE, "abc"])
def test_web_export_with_a_bad_year_answers_400_in_chinese(client, world, year):
    client.force_login(world.users["city_admin"])
    response = client.get(f"/core/export/?kind=activities&year={year}")
    assert response.status_code == 400
    assert "年度" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/directory/people/?page={HUGE}",
        f"/directory/organisations/?page={HUGE}",
        f"/innovation/patents/?page={HUGE}",
        f"/activities/campaigns/?year={HUGE}",
        f"/activities/?page={HUGE}",
        f"/reports/indicators/activities.count/records?after={HUGE}",
    ],
)
def test_web_pages_survive_huge_numbers(client, world, url):
    client.force_login(world.users["city_admin"])
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code in (200, 400, 404), response.status_code


# ---------------------------------------------------------------- found by the fuzzer


class _RecordingBackend:
    """A search backend that records the result windows it is asked for."""

    def __init__(self):
        self.windows = []

    def search(self, query, filters=None, limit=10, offset=0):
        from kexie.engines.search.base import SearchPage

        self.windows.append(offset + limit)
        return SearchPage(hits=[], total=3)


@pytest.mark.parametrize("query", ["", "印染 废水"])
def test_patent_search_never_asks_the_backend_for_a_huge_window(query):
    """tantivy allocates offset + limit slots up front and aborts the process at offset 2**31."""
    from kexie.engines.search.engine import MAX_WINDOW, PatentSearchEngine

    backend = _RecordingBackend()
    page = PatentSearchEngine(backend).search(query, limit=20, offset=2**31 - 1)
    assert page.hits == [] and page.total == 3
    assert max(backend.windows) <= MAX_WINDOW


def test_patent_search_offset_beyond_the_window_answers_422(client, world, bearer):
    response = client.get("/api/v1/innovation/patents/search?offset=10000", **bearer)
    _assert_json_error(response, 422, "offset")
