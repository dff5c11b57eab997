"""An incremental BM25F index: a compacted CSR main segment, a small delta segment and tombstones.

Documents live in *slots*. Adding a document appends a slot to the delta segment; removing one marks
its slot dead (a tombstone) and updates the live statistics at once. ``compact()`` rebuilds the
term-major CSR postings over the live slots and renumbers them; callers that keep per-slot data
reorder it with the returned mapping. Document frequencies, and so idf, are always live; only the
average document length used by the main segment's length normalisation waits for compaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

FieldTerms = Mapping[str, Sequence[str]]


def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    if size <= len(arr):
        return arr
    new = np.zeros(max(size, 2 * len(arr), 16), dtype=arr.dtype)
    new[: len(arr)] = arr
    return new


class SparseIndex:
    """BM25F over weighted fields with add/remove and periodic compaction."""

    def __init__(self, field_weights: Mapping[str, float], k1: float = 1.2, b: float = 0.75) -> None:
        self.field_weights = dict(field_weights)
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self._df = np.zeros(0, dtype=np.int64)
        self.doc_terms: list[np.ndarray] = []
        self.doc_tfs: list[np.ndarray] = []
        self.doc_len = np.zeros(0, dtype=np.float64)
        self.alive = np.zeros(0, dtype=bool)
        self.n_slots = 0
        self.n_live = 0
        self._total_len = 0.0
        self.main_slots = 0
        self._indptr = np.zeros(1, dtype=np.int64)
        self._post_docs = np.zeros(0, dtype=np.int32)
        self._post_sat = np.zeros(0, dtype=np.float32)
        self._delta: dict[int, list[tuple[int, float]]] = {}

    # ----------------------------------------------------------------- building
    def _term_id(self, term: str) -> int:
        tid = self.vocab.get(term)
        if tid is None:
            tid = len(self.terms)
            self.vocab[term] = tid
            self.terms.append(term)
        return tid

    def weighted_tf(self, fields: FieldTerms) -> tuple[np.ndarray, np.ndarray, float]:
        """BM25F: per-term tf summed over fields with field weights; returns (ids, tfs, length)."""
        tf: dict[str, float] = {}
        length = 0.0
        for name, tokens in fields.items():
            weight = self.field_weights.get(name, 1.0)
            if weight <= 0 or not tokens:
                continue
            for token, count in Counter(tokens).items():
                tf[token] = tf.get(token, 0.0) + weight * count
            length += weight * len(tokens)
        ids = np.fromiter((self._term_id(t) for t in tf), dtype=np.int32, count=len(tf))
        tfs = np.fromiter(tf.values(), dtype=np.float32, count=len(tf))
        return ids, tfs, length

    def add(self, fields: FieldTerms, bulk: bool = False) -> int:
        """Appends a document to the delta segment; returns its slot. ``bulk`` skips the delta
        postings and live df: the caller must ``compact()`` before scoring."""
        ids, tfs, length = self.weighted_tf(fields)
        slot = self.n_slots
        self.n_slots += 1
        self.doc_terms.append(ids)
        self.doc_tfs.append(tfs)
        self.doc_len = _grow(self.doc_len, self.n_slots)
        self.alive = _grow(self.alive, self.n_slots)
        self.doc_len[slot] = length
        self.alive[slot] = True
        self.n_live += 1
        self._total_len += length
        if bulk:
            return slot
        self._df = _grow(self._df, len(self.terms))
        self._df[ids] += 1  # ids are distinct within a document
        for tid, tf in zip(ids.tolist(), tfs.tolist(), strict=True):
            self._delta.setdefault(tid, []).append((slot, tf))
        return slot

    def remove(self, slot: int) -> None:
        """Tombstones a slot; its postings stay until the next compaction but never score."""
        if not self.alive[slot]:
            return
        self.alive[slot] = False
        self._df = _grow(self._df, len(self.terms))  # a bulk-added slot: compaction recounts df
        self._df[self.doc_terms[slot]] -= 1
        self.n_live -= 1
        self._total_len -= self.doc_len[slot]

    @property
    def delta_size(self) -> int:
        return self.n_slots - self.main_slots

    @property
    def dead_count(self) -> int:
        return self.n_slots - self.n_live

    def needs_compaction(self, ratio: float = 0.1, minimum: int = 2000) -> bool:
        churn = self.delta_size + self.dead_count
        return churn > max(minimum, ratio * max(self.n_live, 1))

    def compact(self) -> np.ndarray:
        """Rebuilds postings over live slots; returns ``old_slot`` for each new slot, in order."""
        keep = np.flatnonzero(self.alive[: self.n_slots])
        self.doc_terms = [self.doc_terms[i] for i in keep]
        self.doc_tfs = [self.doc_tfs[i] for i in keep]
        self.doc_len = self.doc_len[keep].copy()
        self.alive = np.ones(len(keep), dtype=bool)
        self.n_slots = self.main_slots = len(keep)
        self._delta = {}
        self._build_postings()
        return keep

    def _build_postings(self) -> None:
        n_terms = len(self.terms)
        if self.n_slots == 0:
            self._df = np.zeros(n_terms, dtype=np.int64)
            self._indptr = np.zeros(n_terms + 1, dtype=np.int64)
            self._post_docs = np.zeros(0, dtype=np.int32)
            self._post_sat = np.zeros(0, dtype=np.float32)
            return
        lengths = np.fromiter((len(t) for t in self.doc_terms), dtype=np.int64, count=self.n_slots)
        tids = np.concatenate(self.doc_terms)
        tfs = np.concatenate(self.doc_tfs).astype(np.float64)
        docs = np.repeat(np.arange(self.n_slots, dtype=np.int32), lengths)
        norm = self.k1 * (1 - self.b + self.b * self.doc_len / self.avgdl)
        sat = tfs * (self.k1 + 1) / (tfs + norm[docs])
        self._df = np.bincount(tids, minlength=n_terms).astype(np.int64)
        order = np.argsort(tids, kind="stable")
        self._post_docs = docs[order]
        self._post_sat = sat[order].astype(np.float32)
        counts = self._df
        self._indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=self._indptr[1:])

    # ----------------------------------------------------------------- scoring
    @property
    def avgdl(self) -> float:
        return self._total_len / self.n_live if self.n_live else 1.0

    def idf(self, tids: np.ndarray) -> np.ndarray:
        df = self._df[tids].astype(np.float64)
        return np.log1p((self.n_live - df + 0.5) / (df + 0.5))

    def query_ids(self, tokens: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Known term ids of a query and their query weights (1 + ln qtf)."""
        counts: dict[int, int] = {}
        for token in tokens:
            tid = self.vocab.get(token)
            if tid is not None and tid < len(self._df) and self._df[tid] > 0:
                counts[tid] = counts.get(tid, 0) + 1
        tids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        qtf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        return tids, 1.0 + np.log(qtf) if len(qtf) else qtf

    def score(self, tids: np.ndarray, qweights: np.ndarray) -> np.ndarray:
        """BM25F scores of every slot (dead slots score 0)."""
        scores = np.zeros(self.n_slots, dtype=np.float64)
        if len(tids) == 0:
            return scores
        weights = self.idf(tids) * qweights
        self._score_main(tids, weights, scores)
        self._score_delta(tids, weights, scores)
        scores[~self.alive[: self.n_slots]] = 0.0
        return scores

    def _score_main(self, tids: np.ndarray, weights: np.ndarray, scores: np.ndarray) -> None:
        in_main = tids < len(self._indptr) - 1
        tids, weights = tids[in_main], weights[in_main]
        if len(tids) == 0:
            return
        starts, ends = self._indptr[tids], self._indptr[tids + 1]
        sizes = ends - starts
        total = int(sizes.sum())
        if total == 0:
            return
        # Gather all postings of the query terms at once: position i belongs to term j.
        offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        contrib = self._post_sat[offsets] * np.repeat(weights, sizes)
        scores[: self.main_slots] += np.bincount(
            self._post_docs[offsets], weights=contrib, minlength=self.main_slots
        )

    def _score_delta(self, tids: np.ndarray, weights: np.ndarray, scores: np.ndarray) -> None:
        if not self._delta:
            return
        avgdl = self.avgdl
        for tid, weight in zip(tids.tolist(), weights.tolist(), strict=True):
            for slot, tf in self._delta.get(tid, ()):
                norm = self.k1 * (1 - self.b + self.b * self.doc_len[slot] / avgdl)
                scores[slot] += weight * tf * (self.k1 + 1) / (tf + norm)

    def doc_vector(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        return self.doc_terms[slot], self.doc_tfs[slot]
