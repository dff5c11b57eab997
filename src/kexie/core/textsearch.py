"""Text filters of list pages: one meaning everywhere, answered from an index where there is one.

``contains(qs, field, text)`` keeps the rows whose ``field`` holds ``text`` as a case-insensitive
substring (after trimming): exactly the rows of Django's ``icontains``, which stays in every query
as the final check. Every list's selector calls it for its free-text filter, so that the web page,
the API and the exports find the same rows.

The columns in ``INDEXED`` carry a search index (created by ``TitleSearchIndex`` migrations), used
to find the candidate rows quickly; the ``icontains`` check then keeps exactly the right ones:

- SQLite: an FTS5 table with the trigram tokenizer over the column (external content, kept by
  triggers). The indexed text ends in two padding characters, so every character of a title starts
  one trigram: a query of three or more characters is the AND of its trigrams; a query of one or
  two characters is the OR of the indexed trigrams that begin with it (looked up in the index's
  vocabulary). When the index says the query is common, the plain filter is used instead: walking
  the list's own order finds a page of matches sooner than collecting them all.
- PostgreSQL: a pg_trgm GIN index on ``UPPER(column)`` (the expression ``icontains`` filters
  on), which the planner uses by itself for queries of three or more characters, with statistics
  that tell it how common the text is; and a GIN index on the column's one- and two-character
  grams (``kexie_grams``) for one- and two-character queries, which trigrams cannot answer, and
  for non-ASCII queries where the database's C locale makes pg_trgm ignore CJK characters. As on
  SQLite, a query that the gram index's statistics (``ANALYZE``: its most common grams and their
  frequencies) say is common gets the plain filter: the gram condition would be computed row by
  row on the list's walk, or on thousands of index matches, for nothing.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

# model label -> the fields with a search index (each added by a TitleSearchIndex migration).
INDEXED: dict[str, tuple[str, ...]] = {
    "activities.activity": ("title",),
    "directory.organisation": ("name",),
    "directory.person": ("name",),
}

PAD = "\x1f\x1f"  # appended to the indexed text: every character then starts a trigram
# Above this many candidate rows (by the index's own counts) the plain filter answers a list page
# faster: the keyset walk meets a page of matches (and the capped count's 1,001) early.
COMMON = 20_000
MAX_TERMS = 2_000  # an OR of more trigrams than this is left to the plain filter
# PostgreSQL: above this many candidate rows (by the gram index's statistics) the plain filter
# answers faster. The gram condition is checked on each row the index finds, and building a title's
# grams costs ~50 times a LIKE: at 8,000 matches (航天 in 1,000,000 titles) that is slower than
# walking the list's order with the LIKE alone, which stops after a page and 1,001 matches.
PG_COMMON = 5_000
# PostgreSQL, the index path: a word estimated above PG_COMMON but at no more than
# ``pg_index_limit(rows)`` rows is answered from the gram index's bitmap: the list's query gets the
# gram condition as the one way to its rows (with the list's own OR, e.g. the ledger's code, folded
# into it, so that no OR repeats the gram condition row by row) and the substring check as
# ``strpos(UPPER(column), UPPER(text)) > 0``, the same test as icontains' ``UPPER(column) LIKE``
# but one the pg_trgm index does not claim (under the C locale that index returns every row for a
# Chinese LIKE). With kexie_grams' COST the planner then reads the bitmap's rows, checks them and
# stops at the LIMIT. The keyset walk reads about (what it needs) × rows ÷ matches titles instead:
# for the capped count's 1,001 matches that is 1,001 × rows ÷ matches, so the walk is the cheaper
# one above sqrt(1,001 × rows) matches (≈ 31,600 at 1,000,000 rows), the index below. The same
# holds with the list's filters as long as they are independent of the title (both sides shrink
# by the filters' share). Measured at 1,000,000 activities: docs/benchmarks.md, issue 10, fifth
# session. ``USE_SUBSELECT = False`` gives the path before it (the benchmark compares both).
USE_SUBSELECT = True
PG_WALK_NEEDS = 1_001  # matches the walk must find: the capped count's (core.views.COUNT_CAP + 1)
PG_INDEX_FACTOR = 1.0  # the index's cost per candidate ÷ the walk's cost per title read


def pg_index_limit(rows: float) -> float:
    """Above this many estimated matches in a table of ``rows`` rows the keyset walk is cheaper."""
    return max(float(PG_COMMON), PG_INDEX_FACTOR * (PG_WALK_NEEDS * max(rows, 0.0)) ** 0.5)


def pg_path(estimate: float | None, rows: float | None) -> str:
    """How PostgreSQL answers a one- or two-character word (or a Chinese word pg_trgm cannot read)
    that the gram index's statistics put at ``estimate`` rows of ``rows``: "grams" (the gram
    condition in the list's query: rare words, or no statistics yet), "subselect" (candidate ids
    from the gram index inside the database: mid-frequency words) or "plain" (the LIKE on the
    keyset walk: common words)."""
    if estimate is None or estimate <= PG_COMMON:
        return "grams"
    if USE_SUBSELECT and rows is not None and estimate <= pg_index_limit(rows):
        return "subselect"
    return "plain"


def contains(qs: QuerySet, field: str, text: str | None, *, or_equal: str | None = None) -> QuerySet:
    """Rows whose ``field`` contains ``text`` (case-insensitive); all rows when ``text`` is blank.
    With ``or_equal``, also the rows whose ``or_equal`` field equals ``text`` (the ledger's code)."""
    text = (text or "").strip()
    if not text:
        return qs
    found = _contains(qs, field, text, or_equal)
    if isinstance(found, tuple):  # PostgreSQL's index path, which takes the OR in itself
        return found[0]
    if not or_equal:
        return found
    equal = qs.filter(**{or_equal: text})
    # A search word is almost never a code: then the OR is left out (one unique-index look-up),
    # since with it SQLite reads every row of the filters through a MULTI-INDEX OR and sorts them
    # instead of walking the list's order until a page is full.
    return found | equal if equal.exists() else found


def _contains(qs: QuerySet, field: str, text: str, or_equal: str | None) -> QuerySet | tuple:
    exact = qs.filter(**{f"{field}__icontains": text})
    if field not in INDEXED.get(qs.model._meta.label_lower, ()):
        return exact
    connection = connections[qs.db]
    if connection.vendor == "sqlite":
        return _sqlite(exact, qs.model, field, text, connection)
    if connection.vendor == "postgresql":
        return _postgres(qs, exact, field, text, connection, or_equal)
    return exact


def index_label() -> str:
    """Which title search index this database uses (for ``kexie check``)."""
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        return "SQLite FTS5 trigram"
    if vendor == "postgresql":
        return "PostgreSQL pg_trgm + kexie_grams (GIN)"
    return "无(逐行比对)"


# ---------------------------------------------------------------------------------------- SQLite


def fts_table(model, field: str) -> str:
    return f"{model._meta.db_table}_{field}_fts"


def _sqlite(exact: QuerySet, model, field: str, text: str, connection) -> QuerySet:
    if "\x00" in text:
        return exact
    fts = fts_table(model, field)
    if len(text) >= 3:
        windows = sorted({text[i : i + 3] for i in range(len(text) - 2)})
        candidates = _sqlite_term_counts(connection, fts, [w.lower() for w in windows])
        estimate = min((candidates.get(w.lower(), 0) for w in windows), default=0)
        match = " AND ".join(_fts_string(w) for w in windows)
    else:
        prefix = _folded_prefix(text)
        if prefix is None:
            return exact
        terms = _sqlite_prefix_counts(connection, fts, prefix)
        if len(terms) > MAX_TERMS:
            return exact
        estimate = sum(terms.values())
        if not terms:
            return exact.none()
        match = " OR ".join(_fts_string(t) for t in terms)
    if estimate > COMMON:
        return exact
    quote = connection.ops.quote_name
    return exact.filter(pk__in=RawSQL(f"SELECT rowid FROM {quote(fts)} WHERE {quote(fts)} MATCH %s", [match]))


def _fts_string(text: str) -> str:
    """``text`` as one FTS5 string: no operator or column filter inside it means anything."""
    return '"' + text.replace('"', '""') + '"'


def _folded_prefix(text: str) -> str | None:
    """``text`` folded as the index folds it, when that is certain: ASCII letters are lower-cased
    and characters without case (CJK, digits, punctuation) are kept; else ``None``."""
    if all(c.isascii() or c.lower() == c.upper() for c in text):
        return text.lower()
    return None


def _sqlite_term_counts(connection, fts: str, terms: list[str]) -> dict[str, int]:
    vocab = connection.ops.quote_name(f"{fts}_vocab")
    marks = ", ".join(["%s"] * len(terms))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term, doc FROM {vocab} WHERE term IN ({marks})", terms)
        return dict(cursor.fetchall())


def _sqlite_prefix_counts(connection, fts: str, prefix: str) -> dict[str, int]:
    """The indexed trigrams that begin with ``prefix``, with how many rows hold each."""
    vocab = connection.ops.quote_name(f"{fts}_vocab")
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1) if ord(prefix[-1]) < 0x10FFFF else None
    sql = f"SELECT term, doc FROM {vocab} WHERE term >= %s" + (" AND term < %s" if upper else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix, upper] if upper else [prefix])
        return {term: doc for term, doc in cursor.fetchall() if term.startswith(prefix)}


def sqlite_create_sql(table: str, column: str, fts: str, quote) -> list[str]:
    src, vocab = quote(f"{fts}_src"), quote(f"{fts}_vocab")
    t, c, f = quote(table), quote(column), quote(fts)

    def padded(row: str) -> str:
        return f"{row}.{c} || char(31, 31)"

    return [
        f"CREATE VIEW {src} AS SELECT id, {padded(t)} AS {c} FROM {t}",
        f"CREATE VIRTUAL TABLE {f} USING fts5({c}, content={src}, content_rowid=id,"
        " tokenize='trigram case_sensitive 0', detail=none, columnsize=0)",
        f"CREATE VIRTUAL TABLE {vocab} USING fts5vocab({f}, 'row')",
        f"CREATE TRIGGER {quote(fts + '_ai')} AFTER INSERT ON {t} BEGIN"
        f" INSERT INTO {f}(rowid, {c}) VALUES (new.id, {padded('new')}); END",
        f"CREATE TRIGGER {quote(fts + '_ad')} AFTER DELETE ON {t} BEGIN"
        f" INSERT INTO {f}({f}, rowid, {c}) VALUES ('delete', old.id, {padded('old')}); END",
        f"CREATE TRIGGER {quote(fts + '_au')} AFTER UPDATE OF id, {c} ON {t} BEGIN"
        f" INSERT INTO {f}({f}, rowid, {c}) VALUES ('delete', old.id, {padded('old')});"
        f" INSERT INTO {f}(rowid, {c}) VALUES (new.id, {padded('new')}); END",
        f"INSERT INTO {f}({f}) VALUES ('rebuild')",
    ]


def sqlite_drop_sql(fts: str, quote) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {quote(fts + s)}" for s in ("_ai", "_ad", "_au")),
        f"DROP TABLE IF EXISTS {quote(fts + '_vocab')}",
        f"DROP TABLE IF EXISTS {quote(fts)}",
        f"DROP VIEW IF EXISTS {quote(fts + '_src')}",
    ]


# ------------------------------------------------------------------------------------ PostgreSQL

# What the planner is told a call of kexie_grams costs (in units of cpu_operator_cost; PostgreSQL's
# default for a SQL function is 100). Building a title's grams costs ~50 times a LIKE; at the default
# the planner walks the list's order computing them row by row for a page of a word with thousands
# of matches (1.2 s for 航天 at 1,000,000 activities) instead of reading the gram index's bitmap.
PG_GRAMS_COST = 10_000
PG_GRAMS_COST_SQL = f"ALTER FUNCTION kexie_grams(text) COST {PG_GRAMS_COST}"

_PG_FUNCTIONS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Every one- and two-character substring of t.
    "CREATE OR REPLACE FUNCTION kexie_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT"
    f" PARALLEL SAFE COST {PG_GRAMS_COST} AS $$"
    " SELECT coalesce(array_agg(DISTINCT g), '{}') FROM generate_series(1, length(t))"
    " AS i, LATERAL (VALUES (substr(t, i, 1)), (substr(t, i, 2))) AS v(g) $$",
    # The grams a row must hold to contain t: t itself when short, else its two-character substrings.
    "CREATE OR REPLACE FUNCTION kexie_query_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT"
    " PARALLEL SAFE AS $$ SELECT CASE WHEN length(t) <= 2 THEN ARRAY[t] ELSE (SELECT array_agg(DISTINCT"
    " substr(t, i, 2)) FROM generate_series(1, length(t) - 1) AS i) END $$",
]

_trgm_reads_cjk: dict[str, bool] = {}


def bitmap_estimate(qs: QuerySet) -> float | None:
    """The gram index's estimate of the matches when ``qs``'s title search reads its rows from
    the index's bitmap (PostgreSQL: the "grams" and "subselect" paths, with the index's statistics
    at hand), else ``None``: then the database reads every match, at most a few tens of thousands,
    to sort them for a page (``activities.selectors.ledger_first_page``)."""
    return getattr(qs.query, "kexie_bitmap_estimate", None)


@contextmanager
def page_planner(using: str = "default"):
    """PostgreSQL: the statements of a list page inside run in a transaction with two planner
    settings (``SET LOCAL``): no JIT compilation (kexie_grams' COST, which keeps the planner off
    the row-by-row gram check, lifts a gram-index page's estimated cost past ``jit_above_cost``,
    and PostgreSQL then spent ~20 ms compiling a statement that runs in 20-50 ms), and no
    sequential scan where an index can answer (the capped count of 防溺水 + year + status, whose
    matches pg_trgm's statistics overestimate 3.5-fold, read 710,000 rows of the table in
    physical order for 1,001 matches: 263 ms, against 22 ms from the trigram and date indexes).
    Inside an outer transaction the settings are put back on the way out."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block  # then SET LOCAL would last until the outer block ends
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('jit'), current_setting('enable_seqscan'),"
                " set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true)"
            )
            before = cursor.fetchone()[:2]
        yield  # (an error rolls the savepoint back, and the settings with it)
        if nested:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('jit', %s, true), set_config('enable_seqscan', %s, true)", before
                )


def _postgres(qs: QuerySet, exact: QuerySet, field: str, text: str, connection, or_equal) -> QuerySet | tuple:
    model = qs.model
    if len(text) >= 3 and (text.isascii() or _pg_trgm_reads_cjk(connection)):
        return exact  # pg_trgm: see pg_path_of
    estimate, rows = _pg_statistics(connection, model, field, text)
    path = pg_path(estimate, rows)
    if path == "plain":
        return exact
    found = _postgres_path(qs, exact, field, text, connection, or_equal, path)
    if estimate is not None:  # a bounded number of matches, read from the bitmap
        (found[0] if isinstance(found, tuple) else found).query.kexie_bitmap_estimate = estimate
    return found


def _postgres_path(qs, exact, field: str, text: str, connection, or_equal, path: str) -> QuerySet | tuple:
    model = qs.model
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    grams = f"kexie_grams(UPPER({column}::text)) @> kexie_query_grams(UPPER(%s::text))"
    if path == "grams":
        return exact.filter(RawSQL(grams, [text], output_field=BooleanField()))
    check = f"strpos(UPPER({column}::text), UPPER(%s::text)) > 0"
    params = [text]
    if or_equal:
        other = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(or_equal).column)}"
        check, grams, params = f"({check} OR {other} = %s)", f"({grams} OR {other} = %s)", [text, text]
    found = qs.filter(RawSQL(check, params, output_field=BooleanField()))
    return (found.filter(RawSQL(grams, params, output_field=BooleanField())),)


def pg_path_of(connection, model, field: str, text: str) -> str:
    """The path PostgreSQL takes for ``text``: ``pg_path``'s, or "pg_trgm" for a word of three or
    more characters that pg_trgm reads, which the planner answers from that index by itself (the
    index path was tried for 防溺水, 8,228 rows: 173 ms against pg_trgm's 100 ms; the page sorts
    every candidate where the walk stops at 51)."""
    if len(text) >= 3 and (text.isascii() or _pg_trgm_reads_cjk(connection)):
        return "pg_trgm"
    return pg_path(*_pg_statistics(connection, model, field, text))


def _pg_estimate(connection, model, field: str, text: str) -> float | None:
    return _pg_statistics(connection, model, field, text)[0]


def _pg_statistics(connection, model, field: str, text: str) -> tuple[float | None, float | None]:
    """At most how many rows hold every gram of ``text``, by the gram index's statistics (the
    frequency of its rarest gram, a gram missing from the most common ones being rarer than the
    least common of them, times the table's rows), and the table's rows; ``None`` before the first
    ``ANALYZE``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples,"
            " kexie_query_grams(UPPER(%s::text)) FROM pg_class c LEFT JOIN pg_stats s"
            " ON s.schemaname = current_schema() AND s.tablename = %s AND s.attname = 'kexie_grams'"
            " WHERE c.oid = %s::regclass",
            [text, f"{model._meta.db_table}_{field}_grams", connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None or not row[0] or not row[1] or row[2] is None or row[2] < 0 or not row[3]:
        return None, None
    elements, freqs, rows, wanted = row
    known = dict(zip(elements, freqs, strict=False))  # freqs ends with min, max, null frequency
    floor = freqs[len(elements)]
    return rows * min(known.get(gram, floor) for gram in wanted), float(rows)


def _pg_trgm_reads_cjk(connection) -> bool:
    """False under the C locale, where pg_trgm extracts no trigram from Chinese text."""
    key = connection.alias + str(connection.settings_dict.get("NAME"))
    if key not in _trgm_reads_cjk:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(show_trgm('科普活动'))")
            _trgm_reads_cjk[key] = cursor.fetchone()[0] > 0
    return _trgm_reads_cjk[key]


def pg_create_sql(table: str, column: str, quote) -> list[str]:
    t, c = quote(table), quote(column)
    return [
        *_PG_FUNCTIONS,
        f"CREATE INDEX {quote(f'{table}_{column}_trgm')} ON {t} USING gin (UPPER({c}::text) gin_trgm_ops)",
        f"CREATE INDEX {quote(f'{table}_{column}_grams')} ON {t} USING gin (kexie_grams(UPPER({c}::text)))",
        f"ANALYZE {t}",
    ]


def pg_drop_sql(table: str, column: str, quote) -> list[str]:
    return [f"DROP INDEX IF EXISTS {quote(f'{table}_{column}_{kind}')}" for kind in ("trgm", "grams")]


# ------------------------------------------------------------------------------------ migrations


class TitleSearchIndex(Operation):
    """Creates the search index of one text column: FTS5 trigram on SQLite, pg_trgm and gram GIN
    indexes on PostgreSQL (each a no-op on the other database). The model state is unchanged."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, field: str) -> None:
        self.model_name = model_name
        self.field = field

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "field": self.field}

    def state_forwards(self, app_label, state):
        pass

    def _names(self, app_label, schema_editor, from_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        return model._meta.db_table, model._meta.get_field(self.field).column, schema_editor.quote_name

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table, column, quote = self._names(app_label, schema_editor, from_state)
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            statements = sqlite_create_sql(table, column, f"{table}_{column}_fts", quote)
        elif vendor == "postgresql":
            statements = pg_create_sql(table, column, quote)
        else:
            statements = []
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table, column, quote = self._names(app_label, schema_editor, from_state)
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            statements = sqlite_drop_sql(f"{table}_{column}_fts", quote)
        elif vendor == "postgresql":
            statements = pg_drop_sql(table, column, quote)
        else:
            statements = []
        for sql in statements:
            schema_editor.execute(sql, params=None)

    def describe(self):
        return f"Search index on {self.model_name}.{self.field}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_{self.field}_search"
