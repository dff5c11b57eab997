"""SQLite FTS5 backend over pre-segmented text: no extra dependency, measured beside tantivy."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from .base import (
    PatentAnalyzer,
    PatentDoc,
    PatentSearchBackend,
    SearchFilters,
    SearchHit,
    SearchPage,
    date_key,
)

DEFAULT_WEIGHTS: dict[str, float] = {"title": 2.0, "abstract": 1.0, "claims": 0.5}
_DATE_COLUMNS = {"publication_date": "pub_date", "application_date": "app_date"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS patent (
    rid INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    applicants TEXT NOT NULL,
    ipc TEXT NOT NULL,
    legal_status TEXT NOT NULL,
    pub_date INTEGER,
    app_date INTEGER
);
CREATE INDEX IF NOT EXISTS patent_pub_date ON patent(pub_date);
CREATE VIRTUAL TABLE IF NOT EXISTS patent_fts USING fts5(title, abstract, claims, tokenize='unicode61');
"""


def _delimited(values: Iterable[str]) -> str:
    # ";a;b;" lets LIKE '%;a;%' match one whole value.
    return ";" + ";".join(values) + ";" if values else ""


class Fts5Backend(PatentSearchBackend):
    name = "sqlite-fts5"

    def __init__(
        self,
        path: str = ":memory:",
        analyzer: PatentAnalyzer | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.analyzer = analyzer or PatentAnalyzer()
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.conn = sqlite3.connect(path, check_same_thread=False)
        self.conn.execute("PRAGMA synchronous=NORMAL")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(_SCHEMA)

    # ------------------------------------------------------------------ writing
    def _rows(self, doc: PatentDoc, segmented: Mapping[str, str] | None = None) -> tuple[tuple, tuple]:
        seg = segmented or {
            "title": self.analyzer.segment(doc.title),
            "abstract": self.analyzer.segment(doc.abstract),
            "claims": self.analyzer.segment(doc.claims),
        }
        meta = (
            doc.id,
            _delimited(doc.applicants),
            _delimited(c.replace(" ", "").upper() for c in doc.ipc),
            doc.legal_status,
            date_key(doc.publication_date),
            date_key(doc.application_date),
        )
        return meta, (seg["title"], seg["abstract"], seg["claims"])

    def add_segmented(self, pairs: Iterable[tuple[PatentDoc, Mapping[str, str]]]) -> int:
        """Bulk path for a fresh index from already segmented text fields."""
        return self._insert(self._rows(doc, seg) for doc, seg in pairs)

    def _insert(self, rows: Iterable[tuple[tuple, tuple]], replace: bool = False) -> int:
        n = 0
        with self.conn:
            cur = self.conn.cursor()
            for meta, text in rows:
                if replace:
                    self._delete(cur, meta[0])
                cur.execute(
                    "INSERT INTO patent(id, applicants, ipc, legal_status, pub_date, app_date)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    meta,
                )
                cur.execute(
                    "INSERT INTO patent_fts(rowid, title, abstract, claims) VALUES (?, ?, ?, ?)",
                    (cur.lastrowid, *text),
                )
                n += 1
        return n

    def index(self, docs: Iterable[PatentDoc]) -> int:
        return self._insert((self._rows(d) for d in docs), replace=True)

    def update(self, doc: PatentDoc) -> None:
        self.index([doc])

    def delete(self, doc_id: str) -> None:
        with self.conn:
            self._delete(self.conn.cursor(), doc_id)

    @staticmethod
    def _delete(cur: sqlite3.Cursor, doc_id: str) -> None:
        row = cur.execute("SELECT rid FROM patent WHERE id = ?", (doc_id,)).fetchone()
        if row:
            cur.execute("DELETE FROM patent_fts WHERE rowid = ?", row)
            cur.execute("DELETE FROM patent WHERE rid = ?", row)

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM patent").fetchone()[0]

    def optimize(self) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO patent_fts(patent_fts) VALUES ('optimize')")

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------------ reading
    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 10, offset: int = 0
    ) -> SearchPage:
        terms = self.analyzer.query_terms(query)
        if query.strip() and not terms:
            return SearchPage()  # only stopwords or single characters: nothing indexed matches
        where, params = self._filters(filters)
        if terms:
            match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
            w = self.weights
            base = (
                "FROM patent_fts JOIN patent p ON p.rid = patent_fts.rowid WHERE patent_fts MATCH ?"
                + "".join(" AND " + c for c in where)
            )
            args = [match, *params]
            rank = f"bm25(patent_fts, {w['title']}, {w['abstract']}, {w['claims']})"
            sql = f"SELECT p.id, {rank} AS s, p.ipc {base} ORDER BY s LIMIT ? OFFSET ?"
        else:
            base = "FROM patent p" + (" WHERE " + " AND ".join(where) if where else "")
            args = list(params)
            sql = f"SELECT p.id, 0.0 AS s, p.ipc {base} ORDER BY p.pub_date DESC LIMIT ? OFFSET ?"
        rows = self.conn.execute(sql, [*args, limit, offset]).fetchall()
        total = self.conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        hits = [
            SearchHit(pid, -float(s) if terms else 0.0, tuple(c for c in ipc.split(";") if c))
            for pid, s, ipc in rows
        ]
        return SearchPage(hits=hits, total=total)

    @staticmethod
    def _filters(filters: SearchFilters | None) -> tuple[list[str], list[object]]:
        where: list[str] = []
        params: list[object] = []
        if filters is None:
            return where, params
        if filters.ipc:
            where.append("p.ipc LIKE ? ESCAPE '\\'")
            params.append("%;" + _like_escape(filters.ipc) + "%")
        if filters.applicant:
            where.append("p.applicants LIKE ? ESCAPE '\\'")
            params.append("%;" + _like_escape(filters.applicant.strip()) + ";%")
        if filters.legal_status:
            where.append("p.legal_status = ?")
            params.append(filters.legal_status.strip())
        column = _DATE_COLUMNS[filters.date_field]
        if filters.date_from:
            where.append(f"p.{column} >= ?")
            params.append(date_key(filters.date_from))
        if filters.date_to:
            where.append(f"p.{column} <= ?")
            params.append(date_key(filters.date_to))
        return where, params


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
