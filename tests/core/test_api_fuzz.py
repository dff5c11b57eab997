"""schemathesis fuzzes every API operation from its OpenAPI schema, as the city admin and as
a county user: no server error, and every answer (errors included) matches the schema.

Deterministic (derandomized Hypothesis, no example database), 50 examples per operation.
Marked `fuzz`: CI runs it once, on SQLite, as its own step (`pytest -m fuzz`).
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kexie.accounts.services import api_token_create
from kexie.api import api

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = 50
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = WSGIHandler()


@pytest.fixture(params=["city_admin", "county_staff"])
def bearer(request, world) -> dict[str, str]:
    user = world.users[request.param]
    _token, key = api_token_create(actor=user, user=user, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


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
