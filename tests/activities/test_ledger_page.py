"""The ledger's page of rows (issue 10, list pages at scale): read in two steps, the ids from the
activity table alone and then those rows with their related records, giving exactly the rows and
the order of the one-query page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.activities.selectors import first_rows, ledger, ledger_first_page
from kexie.core import textsearch


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


def _one_query_page(user, filters, n, cap):
    qs = ledger(user, filters)
    return [a.pk for a in qs[:n]], qs.order_by()[: cap + 1].count()


def _seed(personas, make_activity):
    for n in range(7):
        make_activity(title=f"航天科普第{n}讲", start_date=dt.date(2020, 3, 1 + n % 3))
    for n in range(4):  # another county's: outside the county staff's scope
        make_activity(actor=personas["outsider"], title=f"航天展览第{n}站", start_date=dt.date(2020, 3, 2))
    make_activity(title="天文观测")


def test_the_first_page_and_its_count_are_those_of_the_one_query_page(world, personas, make_activity):
    """ledger_first_page (the view's first page: on PostgreSQL the sorted matches of a gram-index
    search with the scope checked after, and the count from the same statement for rare words):
    the same rows, order and capped count as the one query, in every scope."""
    _seed(personas, make_activity)
    if connection.vendor == "postgresql":  # statistics: the gram-index words take the sorted-first page
        _analyzed()
        assert textsearch.bitmap_estimate(ledger(personas["city_admin"], {"q": "航天"})) is not None
    for user in (personas["city_admin"], personas["county_staff"], personas["outsider"]):
        below = {"reporting_unit": world.orgs["rencheng"], "include_below": True, "q": "航天"}
        for filters in ({}, {"q": "航天"}, {"q": "第2"}, {"q": "火星"}, {"year": 2020, "q": "航"}, below):
            for n, cap in ((51, 1000), (3, 2), (1, 0)):
                rows, total = ledger_first_page(user, filters, n, cap)
                assert ([a.pk for a in rows], total) == _one_query_page(user, filters, n, cap), (filters, n)


def _analyzed():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_activity")


@pytest.mark.postgres
@pytest.mark.parametrize("rare", [True, False], ids=["rare-one-statement", "mid-with-count"])
def test_postgres_gram_index_page_sorts_the_matches_before_the_scope(
    personas, make_activity, monkeypatch, rare
):
    """A word read from the gram index's bitmap: its matches sorted from the activity table alone,
    the scope checked on them in that order (OFFSET 0 keeps them a sub-query); a rare word (at
    most PG_COMMON matches by the statistics) also counted in that statement, a mid-frequency one
    by the usual capped count; a common word the keyset walk and the capped count as before."""
    _seed(personas, make_activity)
    for n in range(30):
        make_activity(title=f"科普讲座第{n}期")
    _analyzed()
    monkeypatch.setattr(textsearch, "PG_COMMON", 10**6 if rare else 1)
    monkeypatch.setattr(textsearch, "PG_INDEX_FACTOR", 10.0)  # 航天 (11 of 42) stays on the index path
    staff = personas["county_staff"]
    assert textsearch.bitmap_estimate(ledger(staff, {"q": "航天"})) is not None
    with CaptureQueriesContext(connection) as queries:
        rows, total = ledger_first_page(staff, {"q": "航天"}, 5, 1000)
    statements = [q["sql"] for q in queries if "pg_stats" not in q["sql"]]
    page = next(s for s in statements if "OFFSET 0) c" in s)
    assert " c WHERE c.id IN (SELECT" in page and "ORDER BY c.start_date DESC, c.id DESC" in page, page
    assert ("COUNT(*) OVER ()" in page) is rare, page
    own = [s for s in statements if not s.startswith('SELECT 1 AS "a"')]  # not the code look-ups
    assert len(own) == (2 if rare else 3), own  # the page, its rows (+ the count when mid)
    assert ([a.pk for a in rows], total) == _one_query_page(staff, {"q": "航天"}, 5, 1000)
    assert total == 7 and all("科普" in a.title for a in rows)  # not the other county's 航天展览
    monkeypatch.setattr(textsearch, "PG_COMMON", 1)
    monkeypatch.setattr(textsearch, "PG_INDEX_FACTOR", 0.01)  # 科普: the keyset walk
    assert textsearch.bitmap_estimate(ledger(staff, {"q": "科普"})) is None
    with CaptureQueriesContext(connection) as queries:
        ledger_first_page(staff, {"q": "科普"}, 5, 1000)
    assert not any("OFFSET 0) c" in q["sql"] for q in queries)


@pytest.mark.postgres
def test_postgres_page_planner_settings_hold_inside_only(db):
    """page_planner: no JIT and no sequential scan for the page's statements, and only for them."""

    def show(name):
        with connection.cursor() as cursor:
            cursor.execute(f"SHOW {name}")
            return cursor.fetchone()[0]

    before = show("jit"), show("enable_seqscan")
    with textsearch.page_planner():
        assert (show("jit"), show("enable_seqscan")) == ("off", "off")
    assert (show("jit"), show("enable_seqscan")) == before  # (the test runs inside a transaction)
    with pytest.raises(RuntimeError), textsearch.page_planner():
        raise RuntimeError("the page failed")
    assert (show("jit"), show("enable_seqscan")) == before


def test_a_new_search_keeps_the_other_filters_and_shows_its_own_text(client, personas, make_activity):
    """The filters other than the title search are rendered once per scope and their values: a new
    search shows its own text and the filters' chosen values, and choosing another value shows it."""
    from django.urls import reverse

    _seed(personas, make_activity)
    client.force_login(personas["county_staff"])
    url = reverse("activities:list")
    first = client.get(url, {"q": "航天", "status": "approved"}).content.decode()
    second = client.get(url, {"q": "天文", "status": "approved"}).content.decode()
    assert 'value="航天"' in first and 'value="天文"' in second and 'value="航天"' not in second
    assert '<option value="approved" selected>' in second
    third = client.get(url, {"q": "天文", "status": "draft"}).content.decode()
    assert '<option value="draft" selected>' in third and '<option value="approved" selected>' not in third
    assert "天文观测" not in second and "天文观测" in third  # the rows follow the filters
