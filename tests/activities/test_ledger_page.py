"""The ledger's page of rows (issue 10, list pages at scale): read in two steps, the ids from the
activity table alone and then those rows with their related records, giving exactly the rows and
the order of the one-query page."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.activities.selectors import first_rows, ledger


def test_first_rows_are_the_page_of_the_one_query_read(personas, make_activity):
    admin = personas["city_admin"]
    for n in range(7):
        make_activity(title=f"航天科普第{n}讲", start_date=dt.date(2020, 3, 1 + n % 3))
    make_activity(title="天文观测")
    for filters in ({}, {"q": "航天"}, {"q": "第2讲"}, {"q": "火星"}, {"year": 2020, "q": "科普"}):
        qs = ledger(admin, filters)
        for n in (1, 3, 51):
            assert [a.pk for a in first_rows(qs, n)] == [a.pk for a in qs[:n]], (filters, n)
    qs = ledger(admin, {"q": "航天"})
    with CaptureQueriesContext(connection) as queries:
        rows = first_rows(qs, 4)
        assert [(a.kind.name, a.region.name, a.reporting_unit.name) for a in rows]  # no more queries
    assert len(queries) == 2, [q["sql"] for q in queries]
    ids_query = queries[0]["sql"]
    assert ids_query.startswith('SELECT "activities_activity"."id" AS') and "LIMIT 4" in ids_query
    assert "activities_activitykind" not in ids_query and "campaign" not in ids_query, ids_query
