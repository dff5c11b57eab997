"""schemathesis fuzzes every API operation from its OpenAPI schema, as the city admin and as
a county user: no server error, and every answer (errors included) is documented and
matches the schema.

Random ids almost never name a record, and a request about no record stops at its 404: so
the ids in paths, query strings and bodies are, half of the time, those of real records
(the personas' world, the permission matrix's activities, campaign, person, designation,
survey, demands, patents and selection list). Deterministic (derandomized Hypothesis, no
example database), 50 generated examples per operation on top of schemathesis' coverage
cases. Marked `fuzz`: left out of `pytest`, run with `pytest -m fuzz` (CI: a step of its own on
each database).
"""

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kexie.accounts.services import api_token_create
from kexie.activities.services import activity_submit, campaign_create
from kexie.api import api
from kexie.core.indicators import all_indicators
from kexie.directory.services import designation_create, person_create
from kexie.innovation.views import ACTION_LABELS

_spec = importlib.util.spec_from_file_location(
    "kexie_matrix_urls", Path(__file__).with_name("matrix_urls.py")
)
web_matrix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(web_matrix)

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = 50
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = WSGIHandler()

# Parameter or body field → the ids (or codes) of real records, filled per test by `known`.
KNOWN: dict[str, list] = {}
ORG_FIELDS = ("org_id", "org", "unit_id", "parent_id", "organiser_id", "host_unit_id", "reporting_unit_id",
              "enterprise_id", "society_id")  # fmt: skip
LIST_FIELDS = {"co_organiser_ids": "org_id", "participating_unit_ids": "org_id", "patent_ids": "patent_id"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: a request's end must not close the test's connection
    (on PostgreSQL that would end the test transaction)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _ids(*records) -> list[int]:
    return [r.pk for r in records]


@pytest.fixture
def known(world, make_activity, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = world.users["county_staff"]
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
    person = person_create(actor=staff, data={"name": "张三", "phone": "13800138000"})
    designation = designation_create(
        actor=staff, data={"organisation": world.orgs["school"], "level": "city", "year": 2020}
    )
    survey = web_matrix.literacy_targets(world)["survey"]
    with web_matrix.fresh_innovation_indexes():
        inno = web_matrix.innovation_targets(world)
        hotline = web_matrix.hotline_targets(world)
        orgs = [*world.orgs.values(), inno["enterprise"]]
        KNOWN.clear()
        KNOWN.update(
            {
                "org_id": _ids(*orgs),
                "person_id": _ids(person, inno["expert"]),
                "expert_id": _ids(person, inno["expert"]),
                "designation_id": _ids(designation),
                "region_id": _ids(*world.regions.values()),
                "region": list(world.regions),
                "kind_id": _ids(*world.kinds.values()),
                "activity_id": _ids(make_activity(title="草稿活动"), submitted),
                "campaign_id": _ids(campaign),
                "survey_id": _ids(survey),
                "demand_id": _ids(inno["demand"], inno["published"], inno["confidential"]),
                "patent_id": _ids(inno["patent"], inno["other_patent"]),
                "list_id": _ids(inno["selection_list"]),
                "forum_id": _ids(inno["forum"]),
                "consultation_id": _ids(
                    hotline["consultation"], hotline["answered"], hotline["psy_consultation"]
                ),
                "code": [i.code for i in all_indicators()],
                "action": list(ACTION_LABELS),
                **{name: _ids(*orgs) for name in ORG_FIELDS},
            }
        )
        yield KNOWN
    KNOWN.clear()


@pytest.fixture(params=["city_admin", "county_staff"])
def bearer(request, world, known) -> dict[str, str]:
    user = world.users[request.param]
    token, key = api_token_create(actor=user, user=user, name="fuzz")
    known["token_id"] = [token.pk]
    return {"Authorization": f"Bearer {key}"}


def _sometimes_known(values: dict | None):
    """The generated values, each known field replaced by a real record's id half of the time."""
    if not isinstance(values, dict):
        return st.just(values)
    fields = {}
    for name, value in values.items():
        choices = KNOWN.get(LIST_FIELDS.get(name, name))
        if not choices:
            fields[name] = st.just(value)
        elif name in LIST_FIELDS:
            fields[name] = st.just(value) | st.lists(st.sampled_from(choices), max_size=3)
        else:
            fields[name] = st.just(value) | st.sampled_from(choices)
    return st.fixed_dictionaries(fields)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _sometimes_known(path_parameters)


@schema.hook
def flatmap_query(context, query):
    return _sometimes_known(query)


@schema.hook
def flatmap_body(context, body):
    return _sometimes_known(body)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)
