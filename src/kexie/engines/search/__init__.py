"""Patent search behind a backend interface (no Django): tantivy by default, SQLite FTS5 beside it."""

from .base import PatentAnalyzer, PatentDoc, PatentSearchBackend, SearchFilters, SearchHit, SearchPage
from .engine import PatentSearchEngine, rerank_by_ipc
from .fts5 import Fts5Backend
from .normalize import (
    CANONICAL_FIELDS,
    HeaderMapping,
    canonical_field,
    ipc_subclass,
    looks_like_ipc,
    normalize_headers,
    normalize_row,
    parse_date,
    split_ipc,
    split_names,
)


def default_backend(path: str | None = None) -> PatentSearchBackend:
    """tantivy (a declared dependency; faster, see docs/benchmarks.md), else SQLite FTS5 where no
    tantivy wheel could be installed."""
    try:
        from .tantivy_backend import TantivyBackend
    except ImportError:
        return Fts5Backend(path or ":memory:")
    return TantivyBackend(path)


def default_backend_name() -> str:
    """The name of the backend ``default_backend`` gives on this machine: ``tantivy`` or ``sqlite-fts5``."""
    try:
        from .tantivy_backend import TantivyBackend
    except ImportError:
        return Fts5Backend.name
    return TantivyBackend.name


__all__ = [
    "CANONICAL_FIELDS",
    "Fts5Backend",
    "HeaderMapping",
    "PatentAnalyzer",
    "PatentDoc",
    "PatentSearchBackend",
    "PatentSearchEngine",
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "canonical_field",
    "default_backend",
    "default_backend_name",
    "ipc_subclass",
    "looks_like_ipc",
    "normalize_headers",
    "normalize_row",
    "parse_date",
    "rerank_by_ipc",
    "split_ipc",
    "split_names",
]
