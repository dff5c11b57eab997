"""The default embedded backend: tantivy (Rust, via tantivy-py) over pre-segmented text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import tantivy

from .base import (
    PatentAnalyzer,
    PatentDoc,
    PatentSearchBackend,
    SearchFilters,
    SearchHit,
    SearchPage,
    date_key,
    ipc_prefixes,
)

DEFAULT_BOOSTS: dict[str, float] = {"title": 2.0, "abstract": 1.0, "claims": 0.5}
_DATE_FIELDS = {"publication_date": "pub_date", "application_date": "app_date"}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in DEFAULT_BOOSTS:
        builder.add_text_field(name, tokenizer_name="default", index_option="freq")
    builder.add_text_field("applicant", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("ipc", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("ipc_codes", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("legal_status", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("pub_date", indexed=True, fast=True)
    builder.add_integer_field("app_date", indexed=True, fast=True)
    return builder.build()


class TantivyBackend(PatentSearchBackend):
    """``path=None`` keeps the index in memory; a directory path persists it (and reopens it)."""

    name = "tantivy"

    def __init__(
        self,
        path: str | None = None,
        analyzer: PatentAnalyzer | None = None,
        boosts: Mapping[str, float] | None = None,
        heap_bytes: int = 256_000_000,
        threads: int = 0,
        common_ratio: float | None = 0.2,
        keep_terms: int = 8,
        common_min_docs: int = 10_000,
    ) -> None:
        self.analyzer = analyzer or PatentAnalyzer()
        self.boosts = dict(boosts or DEFAULT_BOOSTS)
        self.schema = _schema()
        self._index = (
            tantivy.Index(self.schema, path=path, reuse=True) if path else tantivy.Index(self.schema)
        )
        self._heap = heap_bytes
        self._threads = threads
        self._writer: tantivy.IndexWriter | None = None
        self.common_ratio = common_ratio
        self.keep_terms = keep_terms
        self.common_min_docs = common_min_docs

    # ------------------------------------------------------------------ writing
    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(self._heap, self._threads)
        return self._writer

    def _document(self, doc: PatentDoc) -> tantivy.Document:
        fields: dict[str, object] = {
            "id": doc.id,
            "title": self.analyzer.segment(doc.title),
            "abstract": self.analyzer.segment(doc.abstract),
            "claims": self.analyzer.segment(doc.claims),
        }
        return self.document_from_segmented(doc, fields)

    def document_from_segmented(self, doc: PatentDoc, segmented: Mapping[str, object]) -> tantivy.Document:
        """A tantivy document from already segmented text fields (lets callers segment in bulk)."""
        fields = {"id": doc.id, **segmented}
        if doc.applicants:
            fields["applicant"] = list(doc.applicants)
        if doc.ipc:
            fields["ipc"] = ipc_prefixes(doc.ipc)
            fields["ipc_codes"] = list(doc.ipc)
        if doc.legal_status:
            fields["legal_status"] = doc.legal_status
        for attr, name in _DATE_FIELDS.items():
            key = date_key(getattr(doc, attr))
            if key is not None:
                fields[name] = key
        return tantivy.Document(**fields)

    def add_documents(self, documents: Iterable[tantivy.Document]) -> int:
        """Bulk path for a fresh index: adds without replacing by id, then commits."""
        writer = self._w()
        n = 0
        for document in documents:
            writer.add_document(document)
            n += 1
        self._commit()
        return n

    def index(self, docs: Iterable[PatentDoc]) -> int:
        writer = self._w()
        n = 0
        for doc in docs:
            writer.delete_documents_by_term("id", doc.id)
            writer.add_document(self._document(doc))
            n += 1
        self._commit()
        return n

    def update(self, doc: PatentDoc) -> None:
        self.index([doc])

    def delete(self, doc_id: str) -> None:
        self._w().delete_documents_by_term("id", doc_id)
        self._commit()

    def _commit(self) -> None:
        assert self._writer is not None
        self._writer.commit()
        self._index.reload()

    def wait_merging(self) -> None:
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None
            self._index.reload()

    def count(self) -> int:
        return self._index.searcher().num_docs

    def close(self) -> None:
        self.wait_merging()

    # ------------------------------------------------------------------ reading
    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 10, offset: int = 0
    ) -> SearchPage:
        terms = self.analyzer.query_terms(query)
        if query.strip() and not terms:
            return SearchPage()  # only stopwords or single characters: nothing indexed matches
        return self._run(terms, filters, limit, offset, count=True)

    def similar(self, text: str, filters: SearchFilters | None = None, limit: int = 10) -> list[SearchHit]:
        """More like this, for a long text; no total is counted. On a large index (at least
        ``common_min_docs`` patents) the text's terms that more than ``common_ratio`` of the patents
        hold are left out: they rank little and cost most. Should that leave fewer than ``limit``
        hits, all the terms are asked for."""
        terms = self.analyzer.query_terms(text)
        if not terms:
            return []
        searcher = self._index.searcher()
        rare = terms
        if self.common_ratio is not None and searcher.num_docs >= self.common_min_docs:
            most = self.common_ratio * searcher.num_docs
            rare = [t for t in terms if max(searcher.doc_freq(f, t) for f in self.boosts) <= most]
            rare = rare if len(rare) >= self.keep_terms else terms
        hits = self._run(rare, filters, limit, 0, count=False).hits
        if len(rare) < len(terms) and len(hits) < limit:
            hits = self._run(terms, filters, limit, 0, count=False).hits
        return hits

    def _run(
        self, terms: list[str], filters: SearchFilters | None, limit: int, offset: int, count: bool
    ) -> SearchPage:
        clauses = [(tantivy.Occur.Must, q) for q in self._filter_queries(filters)]
        if terms:
            clauses.append((tantivy.Occur.Must, self._text_query(terms)))
        if not clauses:
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        searcher = self._index.searcher()
        result = searcher.search(
            tantivy.Query.boolean_query(clauses),
            limit=limit,
            count=count,
            offset=offset,
            **({} if terms else {"order_by_field": "pub_date"}),
        )
        hits = []
        for score, addr in result.hits:
            stored = searcher.doc(addr)
            hits.append(
                SearchHit(stored["id"][0], float(score) if terms else 0.0, tuple(stored["ipc_codes"]))
            )
        return SearchPage(hits=hits, total=result.count if count else len(hits))

    def _text_query(self, terms: list[str]) -> tantivy.Query:
        should = []
        for term in terms:
            for name, boost in self.boosts.items():
                q = tantivy.Query.term_query(self.schema, name, term)
                should.append(
                    (tantivy.Occur.Should, tantivy.Query.boost_query(q, boost) if boost != 1 else q)
                )
        return tantivy.Query.boolean_query(should)

    def _filter_queries(self, filters: SearchFilters | None) -> list[tantivy.Query]:
        if filters is None:
            return []
        raw = []
        if filters.ipc:
            raw.append(tantivy.Query.term_query(self.schema, "ipc", filters.ipc))
        if filters.applicant:
            raw.append(tantivy.Query.term_query(self.schema, "applicant", filters.applicant.strip()))
        if filters.legal_status:
            raw.append(tantivy.Query.term_query(self.schema, "legal_status", filters.legal_status.strip()))
        if filters.date_from or filters.date_to:
            raw.append(
                tantivy.Query.range_query(
                    self.schema,
                    _DATE_FIELDS[filters.date_field],
                    tantivy.FieldType.Integer,
                    date_key(filters.date_from),
                    date_key(filters.date_to),
                )
            )
        # Filters must not change the ranking: score them 0.
        return [tantivy.Query.const_score_query(q, 0.0) for q in raw]
