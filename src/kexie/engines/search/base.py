"""The patent search interface, its data types and the shared Chinese analyzer."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..matching.tokenize import Tokenizer
from .normalize import parse_date, split_ipc, split_names


@dataclass
class PatentDoc:
    id: str
    title: str = ""
    abstract: str = ""
    claims: str = ""
    applicants: tuple[str, ...] = ()
    inventors: tuple[str, ...] = ()
    ipc: tuple[str, ...] = ()
    application_date: date | None = None
    publication_date: date | None = None
    legal_status: str = ""
    application_no: str = ""
    publication_no: str = ""

    @classmethod
    def from_record(cls, record: Mapping[str, str], doc_id: str | None = None) -> PatentDoc:
        """From a canonical record (see ``normalize_row``); the id defaults to the publication number,
        else the application number."""
        pid = doc_id or record.get("publication_no") or record.get("application_no")
        if not pid:
            raise ValueError("专利记录缺少公开号或申请号")
        return cls(
            id=str(pid),
            title=record.get("title", ""),
            abstract=record.get("abstract", ""),
            claims=record.get("claims", ""),
            applicants=tuple(split_names(record.get("applicant", ""))),
            inventors=tuple(split_names(record.get("inventors", ""))),
            ipc=tuple(split_ipc(record.get("ipc", ""))),
            application_date=parse_date(record.get("application_date")),
            publication_date=parse_date(record.get("publication_date")),
            legal_status=record.get("legal_status", "").strip(),
            application_no=record.get("application_no", ""),
            publication_no=record.get("publication_no", ""),
        )


@dataclass(frozen=True)
class SearchFilters:
    """All given filters must hold. ``ipc_prefix`` matches any IPC code of a patent by prefix
    (``G06F``, ``G06F16``, ``G06F16/35``); ``applicant`` matches one applicant name exactly;
    dates are inclusive and apply to ``date_field``."""

    ipc_prefix: str | None = None
    applicant: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    date_field: str = "publication_date"
    legal_status: str | None = None

    def __post_init__(self) -> None:
        if self.date_field not in ("publication_date", "application_date"):
            raise ValueError(
                f"date_field must be publication_date or application_date, not {self.date_field}"
            )

    @property
    def ipc(self) -> str | None:
        return re.sub(r"\s+", "", self.ipc_prefix).upper() if self.ipc_prefix else None


@dataclass
class SearchHit:
    id: str
    score: float
    ipc: tuple[str, ...] = ()


@dataclass
class SearchPage:
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0

    @property
    def ids(self) -> list[str]:
        return [h.id for h in self.hits]


class PatentSearchBackend(ABC):
    """A patent full-text index with structured filters. Implementations: ``TantivyBackend``
    (default), ``Fts5Backend``; an Elasticsearch backend would implement the same five methods."""

    name: str = "abstract"

    @abstractmethod
    def index(self, docs: Iterable[PatentDoc]) -> int:
        """Adds (or replaces, by id) many patents and commits; returns how many were indexed."""

    @abstractmethod
    def update(self, doc: PatentDoc) -> None:
        """Adds or replaces one patent and commits."""

    @abstractmethod
    def delete(self, doc_id: str) -> None:
        """Removes one patent (no error if absent) and commits."""

    @abstractmethod
    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 10, offset: int = 0
    ) -> SearchPage:
        """Ranked patents for free text ``query`` (any terms, BM25); an empty query lists the
        filtered patents newest first."""

    def similar(self, text: str, filters: SearchFilters | None = None, limit: int = 10) -> list[SearchHit]:
        """More like this: patents ranked for a long text (an abstract, an enterprise's demands);
        no total. Backends may answer it faster than ``search`` (see TantivyBackend)."""
        return self.search(text, filters, limit).hits

    @abstractmethod
    def count(self) -> int:
        """Number of indexed patents."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Releases files and connections."""


_SANITIZE = re.compile(r"[^\w]+")


class PatentAnalyzer:
    """Pre-segments Chinese patent text into space-joined terms for engines without a Chinese
    tokenizer, and turns free text into a bounded list of query terms."""

    def __init__(self, tokenizer: Tokenizer | None = None, max_query_terms: int = 64) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self.max_query_terms = max_query_terms

    def terms(self, text: str) -> list[str]:
        out = []
        for token in self.tokenizer.tokenize(text):
            # Engines split on punctuation anyway; do it here so query and index terms agree.
            out.extend(p for p in _SANITIZE.split(token) if p and p != "_")
        return out

    def segment(self, text: str) -> str:
        return " ".join(self.terms(text))

    def query_terms(self, query: str) -> list[str]:
        """Distinct terms, most frequent first (ties: longer first), at most ``max_query_terms``."""
        counts: dict[str, int] = {}
        for term in self.terms(query):
            counts[term] = counts.get(term, 0) + 1
        ranked = sorted(counts, key=lambda t: (-counts[t], -len(t)))
        return ranked[: self.max_query_terms]


def date_key(value: date | None) -> int | None:
    return value.year * 10000 + value.month * 100 + value.day if value else None


def ipc_prefixes(codes: Iterable[str]) -> list[str]:
    """Every leading substring of every code (``G06F16/35`` -> ``G``, ``G0``, ..., ``G06F16/35``)."""
    out: set[str] = set()
    for code in codes:
        code = re.sub(r"\s+", "", code).upper()
        out.update(code[:i] for i in range(1, len(code) + 1))
    return sorted(out)
