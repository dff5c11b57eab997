"""Every API endpoint × every persona, with the status each must answer.

The targets belong to 任城区科协 (county_staff's unit): the city sees them, the county
owns them, the society and 兖州区 (outsider) are out of scope (404), anonymous gets 401.
`test_matrix_covers_every_endpoint` fails when an endpoint is added without a row here.
"""

import datetime as dt
import re

import pytest

from kexie.accounts.services import api_token_create
from kexie.activities.services import activity_submit, campaign_create
from kexie.api import api
from kexie.directory.services import designation_create, person_create

PERSONAS = ("city_admin", "county_staff", "society_secretary", "outsider", "anonymous")
IN_SCOPE = {
    "city_admin": 200,
    "county_staff": 200,
    "society_secretary": 404,
    "outsider": 404,
    "anonymous": 401,
}


def everyone(status):
    return {p: status for p in PERSONAS[:-1]} | {"anonymous": 401}


def in_scope(ok):
    return {p: (ok if code == 200 else code) for p, code in IN_SCOPE.items()}


def activity_body(world):
    return {
        "title": "科普讲座",
        "kind_id": world.kinds["outreach.lecture"].pk,
        "start_date": "2020-09-19",
        "end_date": "2020-09-19",
        "region_id": world.regions["370811"].pk,
        "organiser_id": world.orgs["rencheng"].pk,
        "participants": 50,
    }


CAMPAIGN_BODY = {"name": "全国科普日2021", "year": 2021, "start_date": "2021-09-01", "end_date": "2021-09-30"}

# (method, path template): (path params → target name, body, expected status by persona)
MATRIX = {
    ("GET", "/api/v1/core/audit-log"): (
        {}, None, {"city_admin": 200, "county_staff": 403, "society_secretary": 403, "outsider": 200, "anonymous": 401},
    ),
    ("GET", "/api/v1/accounts/me"): ({}, None, everyone(200)),
    ("GET", "/api/v1/accounts/tokens"): ({}, None, everyone(200)),
    ("POST", "/api/v1/accounts/tokens"): ({}, {"name": "脚本"}, everyone(201)),
    ("DELETE", "/api/v1/accounts/tokens/{token_id}"): (
        {"token_id": "token"}, None,
        {"city_admin": 404, "county_staff": 204, "society_secretary": 404, "outsider": 404, "anonymous": 401},
    ),
    ("GET", "/api/v1/directory/regions"): ({}, None, everyone(200)),
    ("GET", "/api/v1/directory/regions/{region_id}"): ({"region_id": "region"}, None, everyone(200)),
    ("GET", "/api/v1/directory/organisations"): ({}, None, everyone(200)),
    ("POST", "/api/v1/directory/organisations"): ({}, {"name": "新建学校", "kind": "school"}, everyone(201)),
    ("GET", "/api/v1/directory/organisations/{org_id}"): ({"org_id": "school"}, None, in_scope(200)),
    ("PATCH", "/api/v1/directory/organisations/{org_id}"): (
        {"org_id": "school"}, {"address": "任城区二十里铺"}, in_scope(200),
    ),
    ("DELETE", "/api/v1/directory/organisations/{org_id}"): ({"org_id": "school"}, None, in_scope(204)),
    ("PUT", "/api/v1/directory/organisations/{org_id}/years/{year}"): (
        {"org_id": "school", "year": "year"}, {"has_party_organisation": True, "member_count": 30}, in_scope(200),
    ),
    ("POST", "/api/v1/directory/organisations/{org_id}/designations"): (
        {"org_id": "school"}, {"level": "city", "year": 2021}, in_scope(201),
    ),
    ("DELETE", "/api/v1/directory/designations/{designation_id}"): (
        {"designation_id": "designation"}, None, in_scope(204),
    ),
    ("GET", "/api/v1/directory/people"): ({}, None, everyone(200)),
    ("POST", "/api/v1/directory/people"): ({}, {"name": "李四", "phone": "13912345678"}, everyone(201)),
    ("GET", "/api/v1/directory/people/{person_id}"): ({"person_id": "person"}, None, in_scope(200)),
    ("PATCH", "/api/v1/directory/people/{person_id}"): ({"person_id": "person"}, {"title": "教授"}, in_scope(200)),
    ("DELETE", "/api/v1/directory/people/{person_id}"): ({"person_id": "person"}, None, in_scope(204)),
    ("GET", "/api/v1/activities/kinds"): ({}, None, everyone(200)),
    ("GET", "/api/v1/activities/campaigns"): ({}, None, everyone(200)),
    ("POST", "/api/v1/activities/campaigns"): ({}, CAMPAIGN_BODY, everyone(201)),
    ("GET", "/api/v1/activities/campaigns/{campaign_id}"): ({"campaign_id": "campaign"}, None, in_scope(200)),
    ("PATCH", "/api/v1/activities/campaigns/{campaign_id}"): (
        {"campaign_id": "campaign"}, {"description": "全市联动"}, in_scope(200),
    ),
    ("GET", "/api/v1/activities/"): ({}, None, everyone(200)),
    ("POST", "/api/v1/activities/"): ({}, activity_body, everyone(201)),
    ("GET", "/api/v1/activities/{activity_id}"): ({"activity_id": "draft"}, None, in_scope(200)),
    ("PATCH", "/api/v1/activities/{activity_id}"): ({"activity_id": "draft"}, {"participants": 60}, in_scope(200)),
    ("DELETE", "/api/v1/activities/{activity_id}"): ({"activity_id": "draft"}, None, in_scope(204)),
    ("POST", "/api/v1/activities/{activity_id}/submit"): ({"activity_id": "draft"}, None, in_scope(200)),
    ("POST", "/api/v1/activities/{activity_id}/approve"): (
        {"activity_id": "submitted"}, None, in_scope(200) | {"county_staff": 403},
    ),
    ("POST", "/api/v1/activities/{activity_id}/return"): (
        {"activity_id": "submitted"}, {"reason": "参与人数有误"}, in_scope(200) | {"county_staff": 403},
    ),
}  # fmt: skip


# Endpoints of apps whose owners have not yet written their persona rows: only "anonymous
# gets 401" is checked for these. Move each into MATRIX with its full row (and its targets).
AWAITING_ROWS = {
    ("GET", "/api/v1/reports/indicators"),
    ("GET", "/api/v1/reports/indicators/{code}/records"),
    ("GET", "/api/v1/literacy/surveys"),
    ("GET", "/api/v1/literacy/surveys/{survey_id}/results"),
    ("GET", "/api/v1/innovation/demands"),
    ("POST", "/api/v1/innovation/demands"),
    ("GET", "/api/v1/innovation/demands/{demand_id}"),
    ("GET", "/api/v1/innovation/demands/{demand_id}/matches"),
    ("POST", "/api/v1/innovation/demands/{demand_id}/{action}"),
    ("GET", "/api/v1/innovation/experts/{person_id}/demands"),
    ("POST", "/api/v1/innovation/patents/registration"),
    ("GET", "/api/v1/innovation/patents/search"),
    ("GET", "/api/v1/innovation/patents/{patent_id}"),
    ("GET", "/api/v1/innovation/selections"),
    ("POST", "/api/v1/innovation/selections"),
    ("POST", "/api/v1/innovation/selections/{list_id}/patents"),
    ("GET", "/api/v1/innovation/selections/{list_id}/export"),
}


@pytest.fixture
def targets(world, make_activity):
    staff = world.users["county_staff"]
    school = world.orgs["school"]
    submitted = make_activity(title="已上报的活动")
    activity_submit(actor=staff, activity=submitted)
    campaign = campaign_create(
        actor=staff,
        data={
            "name": "任城区科普周",
            "year": 2020,
            "start_date": dt.date(2020, 5, 1),
            "end_date": dt.date(2020, 5, 7),
        },
    )
    token, _key = api_token_create(actor=staff, user=staff, name="任城区脚本")
    return {
        "draft": make_activity(title="草稿活动"),
        "submitted": submitted,
        "campaign": campaign,
        "person": person_create(actor=staff, data={"name": "张三", "phone": "13800138000"}),
        "school": school,
        "designation": designation_create(
            actor=staff, data={"organisation": school, "level": "city", "year": 2020}
        ),
        "token": token,
        "region": world.regions["370811"],
        "year": 2020,
    }


def _call(client, method, url, body):
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    return getattr(client, method.lower())(url, **kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX), ids=lambda e: f"{e[0]} {e[1]}")
def test_api_permission_matrix(client, world, targets, endpoint, persona):
    method, template = endpoint
    params, body, expected = MATRIX[endpoint]
    url = template.format(**{name: getattr(targets[key], "pk", targets[key]) for name, key in params.items()})
    if callable(body):
        body = body(world)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    response = _call(client, method, url, body)
    assert response.status_code == expected[persona], response.content.decode()
    if response.status_code in (401, 403, 404):
        assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("endpoint", sorted(AWAITING_ROWS), ids=lambda e: f"{e[0]} {e[1]}")
def test_api_awaiting_rows_refuse_anonymous(client, db, endpoint):
    method, template = endpoint
    url = re.sub(r"{\w+_id}", "1", template).replace("{action}", "x").replace("{code}", "x")
    response = _call(client, method, url, {} if method != "GET" else None)
    assert response.status_code == 401, response.content.decode()


def _published() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_matrix_covers_every_endpoint():
    published, listed = _published(), set(MATRIX) | AWAITING_ROWS
    missing, stale = published - listed, listed - published
    assert not missing, f"API endpoints missing from the permission matrix: {sorted(missing)}"
    assert not stale, f"matrix rows for endpoints that no longer exist: {sorted(stale)}"


def test_matrix_rows_name_every_persona():
    for endpoint, (_params, _body, expected) in MATRIX.items():
        assert set(expected) == set(PERSONAS), endpoint
