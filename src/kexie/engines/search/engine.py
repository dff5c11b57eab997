"""kexie's patent search: any backend's BM25 results re-ranked by IPC feedback.

The IPC subclasses that dominate the top results of the first pass (weighted by score) are taken as
the query's likely technical field; results in those subclasses move up. Only the classification
of indexed patents is used, never a label of the query.
"""

from __future__ import annotations

from collections.abc import Iterable

from .base import PatentDoc, PatentSearchBackend, SearchFilters, SearchHit, SearchPage
from .normalize import ipc_subclass

# Results a search can page through. A backend's top-k collector allocates offset + limit slots
# up front: tantivy aborts the whole process (not an exception) on an offset of 2**31.
MAX_WINDOW = 10_000


class PatentSearchEngine:
    """Wraps a backend; ``ipc_feedback=0`` gives the backend's plain ranking."""

    def __init__(
        self,
        backend: PatentSearchBackend,
        ipc_feedback: float = 0.5,
        feedback_docs: int = 10,
        pool: int = 100,
    ) -> None:
        self.backend = backend
        self.ipc_feedback = ipc_feedback
        self.feedback_docs = feedback_docs
        self.pool = pool

    def index(self, docs: Iterable[PatentDoc]) -> int:
        return self.backend.index(docs)

    def update(self, doc: PatentDoc) -> None:
        self.backend.update(doc)

    def delete(self, doc_id: str) -> None:
        self.backend.delete(doc_id)

    def count(self) -> int:
        return self.backend.count()

    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 10, offset: int = 0
    ) -> SearchPage:
        if offset >= MAX_WINDOW:
            return SearchPage(hits=[], total=self.backend.search(query, filters, limit=1, offset=0).total)
        limit = min(limit, MAX_WINDOW - offset)
        if self.ipc_feedback <= 0 or not query.strip():
            return self.backend.search(query, filters, limit, offset)
        page = self.backend.search(query, filters, limit=max(self.pool, offset + limit), offset=0)
        hits = rerank_by_ipc(page.hits, self.ipc_feedback, self.feedback_docs)
        return SearchPage(hits=hits[offset : offset + limit], total=page.total)

    def similar(self, text: str, filters: SearchFilters | None = None, limit: int = 10) -> list[SearchHit]:
        """More like this (recommendations): the backend's ``similar`` pool re-ranked by IPC feedback."""
        if not text.strip():
            return []
        if self.ipc_feedback <= 0:
            return self.backend.similar(text, filters, limit)
        hits = self.backend.similar(text, filters, limit=max(self.pool, limit))
        return rerank_by_ipc(hits, self.ipc_feedback, self.feedback_docs)[:limit]


def rerank_by_ipc(hits: list[SearchHit], weight: float, feedback_docs: int = 10) -> list[SearchHit]:
    """Score = BM25 / top BM25 + weight * share of the feedback mass held by the hit's subclasses."""
    if not hits:
        return hits
    top = max(h.score for h in hits) or 1.0
    mass: dict[str, float] = {}
    for hit in hits[:feedback_docs]:
        subs = {ipc_subclass(c) for c in hit.ipc}
        for sub in subs:
            mass[sub] = mass.get(sub, 0.0) + hit.score / top / len(subs)
    total = sum(mass.values()) or 1.0
    rescored = []
    for hit in hits:
        prior = max((mass.get(ipc_subclass(c), 0.0) for c in hit.ipc), default=0.0) / total
        rescored.append(SearchHit(hit.id, hit.score / top + weight * prior, hit.ipc))
    return sorted(rescored, key=lambda h: -h.score)
