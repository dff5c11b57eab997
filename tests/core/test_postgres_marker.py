"""Tests marked `postgres` run on PostgreSQL and skip on SQLite, saying so (README "Test it")."""

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_postgres_test_runs_on_postgresql_only():
    assert connection.vendor == "postgresql"


def test_postgres_tests_skip_on_sqlite_saying_why(request):
    if connection.vendor == "postgresql":
        pytest.skip("this run uses PostgreSQL: the postgres tests run")
    marked = [item for item in request.session.items if item.get_closest_marker("postgres")]
    assert marked
    for item in marked:
        skip = item.get_closest_marker("skip")
        assert skip is not None, f"{item.nodeid} runs on SQLite"
        assert "PostgreSQL" in skip.kwargs["reason"] and "scripts/with-postgres" in skip.kwargs["reason"]
