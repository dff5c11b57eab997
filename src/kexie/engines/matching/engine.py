"""kexie's matching engine: demands <-> experts/societies over an incremental BM25F index.

Signals fused into kexie's ranking (each can be switched off in :class:`RankConfig`):

* BM25F over fields (name, keywords, discipline, free text) with field weights;
* pseudo-relevance feedback (RM3-style): the query is expanded with terms of the top documents;
* a discipline prior: the query's likely disciplines, inferred only from labelled *corpus* profiles
  (cosine to per-discipline tf-idf centroids, plus a vote of the nearest BM25 neighbours), boosts
  profiles of those disciplines; a discipline stated on the query adds an explicit boost;
* optionally a dense cosine signal from an encoder shipped inside a package (see ``dense.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .dense import DenseEncoder
from .index import SparseIndex
from .tokenize import Tokenizer, split_keywords

DEFAULT_FIELD_WEIGHTS: dict[str, float] = {"name": 1.5, "keywords": 2.0, "discipline": 1.0, "text": 1.0}


@dataclass(frozen=True)
class Profile:
    """Anything that is matched: an expert, a society or a demand (``kind``)."""

    id: str
    name: str = ""
    keywords: tuple[str, ...] | str = ()
    discipline: str = ""
    text: str = ""
    kind: str = "expert"

    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)

    def plain_text(self) -> str:
        return "。".join(p for p in (self.name, "，".join(self.keyword_list()), self.text) if p)


@dataclass
class Match:
    id: str
    score: float
    kind: str = ""
    discipline: str = ""
    shared_terms: list[str] = field(default_factory=list)
    shared_discipline: str | None = None
    explanation: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "kind": self.kind,
            "discipline": self.discipline,
            "shared_terms": self.shared_terms,
            "shared_discipline": self.shared_discipline,
            "explanation": self.explanation,
        }


@dataclass
class RankConfig:
    field_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FIELD_WEIGHTS))
    k1: float = 1.2
    b: float = 0.75
    prf_docs: int = 10
    prf_terms: int = 30
    prf_weight: float = 0.3  # share of the expanded terms in the second-pass query; 0 turns PRF off
    prior_weight: float = 1.0  # weight of the inferred discipline prior; 0 turns it off
    prior_temperature: float = 0.02
    prior_knn: int = 20
    discipline_boost: float = 0.3  # added when the query states a discipline and a profile shares it
    dense_weight: float = 0.3  # share of the dense cosine in the text score, when an encoder is set
    compact_ratio: float = 0.1
    compact_min: int = 2000


class _Labels:
    """Interns string labels (disciplines, kinds) to small ints; 0 is the empty label."""

    def __init__(self) -> None:
        self.names: list[str] = [""]
        self.codes: dict[str, int] = {"": 0}

    def code(self, name: str) -> int:
        if name not in self.codes:
            self.codes[name] = len(self.names)
            self.names.append(name)
        return self.codes[name]


class MatchingEngine:
    """Ranks profiles for a query profile (or plain text). Profiles can be added, updated and removed
    at any time; the index compacts itself when churn exceeds ``compact_ratio`` of its size."""

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        config: RankConfig | None = None,
        encoder: DenseEncoder | None = None,
    ) -> None:
        self.config = config or RankConfig()
        self.tokenizer = tokenizer or Tokenizer()
        self.encoder = encoder
        self.index = SparseIndex(self.config.field_weights, k1=self.config.k1, b=self.config.b)
        self._slot_of: dict[str, int] = {}
        self._ids: list[str] = []
        self._disciplines = _Labels()
        self._kinds = _Labels()
        self._disc = np.zeros(0, dtype=np.int32)
        self._kind = np.zeros(0, dtype=np.int32)
        self._dense = np.zeros((0, encoder.dim if encoder else 0), dtype=np.float32)
        self._centroids: _Centroids | None = None

    # ------------------------------------------------------------------ mutation
    def __len__(self) -> int:
        return self.index.n_live

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._slot_of

    def fields(self, profile: Profile) -> dict[str, list[str]]:
        tok = self.tokenizer.tokenize
        keywords = [t for kw in profile.keyword_list() for t in tok(kw)]
        return {
            "name": tok(profile.name),
            "keywords": keywords,
            "discipline": tok(profile.discipline),
            "text": tok(profile.text),
        }

    def add_many(self, profiles: Iterable[Profile], embeddings: np.ndarray | None = None) -> None:
        """Bulk load (replaces profiles whose id exists), then compacts once."""
        profiles = list(profiles)
        if embeddings is None and self.encoder is not None:
            embeddings = self.encoder.encode_passages([p.plain_text() for p in profiles])
        for i, profile in enumerate(profiles):
            self._add(profile, None if embeddings is None else embeddings[i], bulk=True)
        self.compact()

    def add(self, profile: Profile, embedding: np.ndarray | None = None) -> None:
        """Adds or replaces one profile without rebuilding the index."""
        if embedding is None and self.encoder is not None:
            embedding = self.encoder.encode_passages([profile.plain_text()])[0]
        self._add(profile, embedding)
        self._maybe_compact()

    update = add

    def remove(self, profile_id: str) -> bool:
        slot = self._slot_of.pop(profile_id, None)
        if slot is None:
            return False
        self.index.remove(slot)
        self._maybe_compact()
        return True

    def _add(self, profile: Profile, embedding: np.ndarray | None, bulk: bool = False) -> None:
        old = self._slot_of.pop(profile.id, None)
        if old is not None:
            self.index.remove(old)
        slot = self.index.add(self.fields(profile), bulk=bulk)
        self._slot_of[profile.id] = slot
        self._ids.append(profile.id)
        n = self.index.n_slots
        self._disc = _grow1(self._disc, n)
        self._kind = _grow1(self._kind, n)
        self._disc[slot] = self._disciplines.code(profile.discipline.strip())
        self._kind[slot] = self._kinds.code(profile.kind)
        if self.encoder is not None or embedding is not None:
            self._store_embedding(slot, embedding)

    def _store_embedding(self, slot: int, embedding: np.ndarray | None) -> None:
        if embedding is None:
            raise ValueError("this engine holds dense vectors: every profile needs an embedding")
        if self._dense.shape[1] == 0:
            self._dense = np.zeros((0, len(embedding)), dtype=np.float32)
        if slot >= len(self._dense):
            grown = np.zeros((max(slot + 1, 2 * len(self._dense), 16), self._dense.shape[1]), np.float32)
            grown[: len(self._dense)] = self._dense
            self._dense = grown
        self._dense[slot] = embedding

    def _maybe_compact(self) -> None:
        if self.index.needs_compaction(self.config.compact_ratio, self.config.compact_min):
            self.compact()

    def compact(self) -> None:
        """Drops tombstones, folds the delta segment into the main one and refreshes centroids."""
        keep = self.index.compact()
        self._ids = [self._ids[i] for i in keep]
        self._slot_of = {pid: i for i, pid in enumerate(self._ids)}
        self._disc = self._disc[keep].copy()
        self._kind = self._kind[keep].copy()
        if self._dense.shape[1]:
            self._dense = self._dense[keep].copy()
        self._centroids = _Centroids.build(self.index, self._disc, len(self._disciplines.names))

    # ------------------------------------------------------------------ ranking
    def rank(
        self,
        query: Profile | str,
        k: int = 10,
        kind: str | None = None,
        exclude: Iterable[str] = (),
        signals: str = "kexie",
        query_embedding: np.ndarray | None = None,
        min_score: float = 0.0,
    ) -> list[Match]:
        """Top ``k`` profiles for ``query``.

        ``kind`` restricts results (e.g. ``"expert"``, ``"society"``, ``"demand"``); ``exclude`` drops
        profile ids (e.g. the query's own profile) from results *and* from every corpus statistic
        learned from labels. ``signals`` is ``"kexie"`` (fused ranking), ``"bm25"`` or ``"dense"``.
        Results scoring ``min_score`` or less are dropped.
        """
        if isinstance(query, str):
            query = Profile(id="", text=query)
        eligible = self._eligible(kind, exclude)
        tokens = [t for toks in self.fields(query).values() for t in toks]
        tids, qw = self.index.query_ids(tokens)
        if signals == "bm25":
            scores = self.index.score(tids, qw)
        elif signals == "dense":
            scores = self._dense_scores(query, query_embedding)
        elif signals == "kexie":
            scores = self._kexie_scores(query, tids, qw, eligible, exclude, query_embedding)
        else:
            raise ValueError(f"unknown signals {signals!r}")
        return self._top(np.where(scores > min_score, scores, -np.inf), eligible, k, query, tids, qw)

    def scores(
        self,
        query: Profile | str,
        ids: Sequence[str],
        kind: str | None = None,
        signals: str = "kexie",
        min_score: float = 0.0,
    ) -> np.ndarray:
        """:meth:`rank`'s score of each profile in ``ids`` (in that order) without building the
        matches and their explanations: 0 where ``rank`` would leave the profile out (not of
        ``kind``, or scoring ``min_score`` or less). For scoring every profile against many
        queries, e.g. a contest's entries × judges affinity table."""
        if isinstance(query, str):
            query = Profile(id="", text=query)
        eligible = self._eligible(kind, ())
        tokens = [t for toks in self.fields(query).values() for t in toks]
        tids, qw = self.index.query_ids(tokens)
        if signals == "bm25":
            values = self.index.score(tids, qw)
        elif signals == "kexie":
            values = self._kexie_scores(query, tids, qw, eligible, (), None)
        else:
            raise ValueError(f"unknown signals {signals!r}")
        slots = np.fromiter((self._slot_of[i] for i in ids), dtype=np.int64, count=len(ids))
        picked = values[slots]
        return np.where(eligible[slots] & (picked > min_score), picked, 0.0)

    def _eligible(self, kind: str | None, exclude: Iterable[str]) -> np.ndarray:
        n = self.index.n_slots
        mask = self.index.alive[:n].copy()
        if kind is not None:
            mask &= self._kind[:n] == self._kinds.codes.get(kind, -1)
        for pid in exclude:
            slot = self._slot_of.get(pid)
            if slot is not None:
                mask[slot] = False
        return mask

    def _dense_scores(self, query: Profile, query_embedding: np.ndarray | None) -> np.ndarray:
        if not self._dense.shape[1]:
            raise ValueError("no dense vectors in this engine")
        if query_embedding is None:
            if self.encoder is None:
                raise ValueError("a query embedding or an encoder is needed for the dense signal")
            query_embedding = self.encoder.encode_query(query.plain_text())
        return self._dense[: self.index.n_slots] @ query_embedding.astype(np.float32)

    def _kexie_scores(
        self,
        query: Profile,
        tids: np.ndarray,
        qw: np.ndarray,
        eligible: np.ndarray,
        exclude: Iterable[str],
        query_embedding: np.ndarray | None,
    ) -> np.ndarray:
        cfg = self.config
        first = self.index.score(tids, qw)
        alive_others = self.index.alive[: self.index.n_slots].copy()
        excluded = [self._slot_of[p] for p in exclude if p in self._slot_of]
        alive_others[excluded] = False
        text = _unit(self._prf(first, tids, qw, alive_others) if cfg.prf_weight > 0 else first)
        use_dense = (
            cfg.dense_weight > 0
            and self._dense.shape[1]
            and (query_embedding is not None or self.encoder is not None)
        )
        if use_dense:
            dense = _unit(self._dense_scores(query, query_embedding), lower=True)
            text = (1 - cfg.dense_weight) * text + cfg.dense_weight * dense
        scores = text
        if cfg.prior_weight > 0 and self._centroids is not None and self._any_discipline():
            prior = self._discipline_prior(tids, qw, first, alive_others, excluded)
            scores = scores + cfg.prior_weight * prior[self._disc[: self.index.n_slots]]
        if query.discipline:
            code = self._disciplines.codes.get(query.discipline.strip())
            if code:
                scores = scores + cfg.discipline_boost * (self._disc[: self.index.n_slots] == code)
        return scores

    def _any_discipline(self) -> bool:
        """Whether any live profile has a discipline: without one the prior is 0 everywhere (its
        centroids and neighbours only count labelled profiles), so it is not computed."""
        n = self.index.n_slots
        return bool((self.index.alive[:n] & (self._disc[:n] > 0)).any())

    def _prf(self, first: np.ndarray, tids: np.ndarray, qw: np.ndarray, pool: np.ndarray) -> np.ndarray:
        """RM3-style expansion: weights of the top documents' terms, mixed into the query."""
        cfg = self.config
        feedback = _top_slots(np.where(pool, first, 0.0), cfg.prf_docs)
        feedback = feedback[first[feedback] > 0]
        if len(feedback) == 0:
            return first
        doc_weights = first[feedback] / first[feedback].sum()
        expansion: dict[int, float] = {}
        for slot, dw in zip(feedback.tolist(), doc_weights.tolist(), strict=True):
            terms, tfs = self.index.doc_vector(slot)
            share = tfs / tfs.sum()
            for tid, s in zip(terms.tolist(), share.tolist(), strict=True):
                expansion[tid] = expansion.get(tid, 0.0) + dw * s
        exp_ids = np.fromiter(expansion.keys(), dtype=np.int64, count=len(expansion))
        exp_w = np.fromiter(expansion.values(), dtype=np.float64, count=len(expansion))
        best = np.argsort(-exp_w)[: cfg.prf_terms]
        exp_ids, exp_w = exp_ids[best], exp_w[best] / exp_w[best].sum()
        # BM25 is linear in query weights: score(q') = (1-λ) score(q)/|q| + λ score(expansion).
        expanded = self.index.score(exp_ids, exp_w)
        return (1 - cfg.prf_weight) * first / qw.sum() + cfg.prf_weight * expanded

    def _discipline_prior(
        self, tids: np.ndarray, qw: np.ndarray, first: np.ndarray, pool: np.ndarray, excluded: list[int]
    ) -> np.ndarray:
        """P(discipline | query), from corpus labels only: centroid cosine and a kNN vote."""
        cfg = self.config
        assert self._centroids is not None
        n_labels = len(self._disciplines.names)
        sims = self._centroids.similarities(tids, qw, excluded, self.index, self._disc, n_labels)
        valid = np.isfinite(sims)
        valid[0] = False
        prior = np.zeros(n_labels)
        if valid.any():
            logits = np.where(valid, sims, -np.inf) / cfg.prior_temperature
            logits -= logits[valid].max()
            centroid_p = np.where(valid, np.exp(logits), 0.0)
            prior += 0.5 * centroid_p / centroid_p.sum()
        neighbours = _top_slots(np.where(pool & (self._disc[: len(pool)] > 0), first, 0.0), cfg.prior_knn)
        neighbours = neighbours[first[neighbours] > 0]
        if len(neighbours):
            votes = np.bincount(self._disc[neighbours], weights=first[neighbours], minlength=n_labels)
            prior += 0.5 * votes / votes.sum()
        prior[0] = 0.0
        return prior

    def _top(
        self,
        scores: np.ndarray,
        eligible: np.ndarray,
        k: int,
        query: Profile,
        tids: np.ndarray,
        qw: np.ndarray,
    ) -> list[Match]:
        masked = np.where(eligible, scores, -np.inf)
        best = _top_slots(masked, k)
        best = best[np.isfinite(masked[best])]
        idf = self.index.idf(tids) * qw if len(tids) else np.zeros(0)
        return [self._explain(int(slot), float(masked[slot]), query, tids, idf) for slot in best]

    def _name_words(self, name: str) -> frozenset[str]:
        cache = self.__dict__.setdefault("_name_word_cache", {})
        if name not in cache:
            cache[name] = frozenset(self.tokenizer.tokenize(name))
        return cache[name]

    def _explain(
        self, slot: int, score: float, query: Profile, tids: np.ndarray, weights: np.ndarray
    ) -> Match:
        terms, tfs = self.index.doc_vector(slot)
        common, q_pos, d_pos = np.intersect1d(tids, terms, return_indices=True)
        order = np.argsort(-(weights[q_pos] * tfs[d_pos]))
        discipline = self._disciplines.names[self._disc[slot]]
        # Words of the discipline names (科学技术, 工程…) are told by the discipline part, not as keywords.
        discipline_words = self._name_words(discipline) | self._name_words(query.discipline)
        shared = _longest_forms(
            (self.index.terms[int(t)] for t in common[order][:50]), skip=discipline_words, limit=5
        )
        same = discipline if discipline and discipline == query.discipline.strip() else None
        parts = []
        if shared:
            parts.append("共同关键词：" + "、".join(shared))
        if same:
            parts.append(f"同属学科：{same}")
        elif discipline:
            parts.append(f"学科：{discipline}")
        return Match(
            id=self._ids[slot],
            score=score,
            kind=self._kinds.names[self._kind[slot]],
            discipline=discipline,
            shared_terms=shared,
            shared_discipline=same,
            explanation="；".join(parts),
        )


class _Centroids:
    """Per-discipline sums of L2-normalised tf-idf document vectors (snapshotted at compaction)."""

    def __init__(self, sums: sparse.csc_matrix, norms2: np.ndarray, counts: np.ndarray, idf: np.ndarray):
        self.sums = sums
        self.norms2 = norms2
        self.counts = counts
        self.idf = idf
        self.n_slots = 0  # slots of the index when the snapshot was taken (set by `build`)

    @classmethod
    def build(cls, index: SparseIndex, disc: np.ndarray, n_labels: int) -> _Centroids:
        n_terms = len(index.terms)
        idf = index.idf(np.arange(n_terms)) if n_terms else np.zeros(0)
        n = index.n_slots
        if n == 0:
            empty = sparse.csc_matrix((n_labels, n_terms))
            return cls(empty, np.zeros(n_labels), np.zeros(n_labels), idf)
        lengths = np.fromiter((len(t) for t in index.doc_terms), dtype=np.int64, count=n)
        cols = np.concatenate(index.doc_terms)
        vals = (1.0 + np.log(np.concatenate(index.doc_tfs).astype(np.float64))) * idf[cols]
        docs = np.repeat(np.arange(n), lengths)
        norms = np.sqrt(np.bincount(docs, weights=vals * vals, minlength=n))
        vals = vals / np.where(norms > 0, norms, 1.0)[docs]
        sums = sparse.csc_matrix((vals, (disc[:n][docs], cols)), shape=(n_labels, n_terms))
        sums.sum_duplicates()
        norms2 = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
        counts = np.bincount(disc[:n], minlength=n_labels).astype(np.float64)
        centroids = cls(sums, norms2, counts, idf)
        centroids.n_slots = n
        return centroids

    @staticmethod
    def _unit_vector(index: SparseIndex, slot: int, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        terms, tfs = index.doc_vector(slot)
        vals = (1.0 + np.log(tfs)) * idf[terms]
        norm = np.linalg.norm(vals)
        return terms, vals / norm if norm > 0 else vals

    def similarities(
        self,
        tids: np.ndarray,
        qw: np.ndarray,
        excluded: Sequence[int],
        index: SparseIndex,
        disc: np.ndarray,
        n_labels: int,
    ) -> np.ndarray:
        sims = np.full(n_labels, -np.inf)
        known = tids < self.sums.shape[1]
        tids, qw = tids[known], qw[known]
        if len(tids) == 0:
            return sims
        q = qw * self.idf[tids]
        q = q / (np.linalg.norm(q) or 1.0)
        size = min(n_labels, self.sums.shape[0])
        dots = np.zeros(n_labels)
        dots[:size] = self.sums[:, tids] @ q
        norms2 = np.zeros(n_labels)
        norms2[:size] = self.norms2
        counts = np.zeros(n_labels)
        counts[:size] = self.counts
        for slot in excluded:
            # Leave-one-out: take an excluded profile out of its discipline's centroid. Only slots
            # of the snapshot are in it: a profile added or replaced since the last compaction
            # (a slot at or past `n_slots`) never was, and may use terms the snapshot lacks.
            d = int(disc[slot])
            if d >= size or slot >= self.n_slots:
                continue
            terms, vals = self._unit_vector(index, slot, self.idf)
            q_dense = dict(zip(tids.tolist(), q.tolist(), strict=True))
            dots[d] -= sum(
                q_dense.get(t, 0.0) * v for t, v in zip(terms.tolist(), vals.tolist(), strict=True)
            )
            row = np.asarray(self.sums[d, terms].todense()).ravel() if len(terms) else np.zeros(0)
            norms2[d] += -2.0 * float(row @ vals) + float(vals @ vals)
            counts[d] -= 1
        ok = (counts > 0) & (norms2 > 1e-12)
        sims[ok] = dots[ok] / np.sqrt(norms2[ok])
        return sims


def _longest_forms(terms: Iterable[str], skip: frozenset[str], limit: int) -> list[str]:
    """Search-mode segmentation yields 污水处理 and also 污水, 处理: show the longest form once, in
    the place of its first part."""
    shown: list[str] = []
    for term in terms:
        if term in skip or any(term in s for s in shown):
            continue
        parts = [i for i, s in enumerate(shown) if s in term]
        if parts:
            shown[parts[0]] = term
            shown = [s for i, s in enumerate(shown) if i not in parts[1:]]
        elif len(shown) < limit:
            shown.append(term)
    return shown


def _grow1(arr: np.ndarray, size: int) -> np.ndarray:
    if size <= len(arr):
        return arr
    new = np.zeros(max(size, 2 * len(arr), 16), dtype=arr.dtype)
    new[: len(arr)] = arr
    return new


def _top_slots(scores: np.ndarray, k: int) -> np.ndarray:
    if k <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def _unit(scores: np.ndarray, lower: bool = False) -> np.ndarray:
    """Scales scores to [0, 1]: by the maximum, or min-max when ``lower`` (for cosines)."""
    if len(scores) == 0:
        return scores
    hi = float(scores.max())
    lo = float(scores.min()) if lower else 0.0
    return (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)


def profiles_from_rows(
    rows: Iterable[Mapping[str, str]],
    id_col: str,
    mapping: Mapping[str, str | Sequence[str]],
    kind: str = "expert",
) -> list[Profile]:
    """Builds profiles from table rows; ``mapping`` maps profile fields (name, keywords, discipline,
    text) to one column or several columns joined."""

    def cell(row: Mapping[str, str], cols: str | Sequence[str]) -> str:
        cols = [cols] if isinstance(cols, str) else list(cols)
        return "。".join(str(row.get(c) or "") for c in cols if row.get(c))

    return [
        Profile(
            id=str(row[id_col]),
            name=cell(row, mapping.get("name", ())),
            keywords=cell(row, mapping.get("keywords", ())),
            discipline=cell(row, mapping.get("discipline", ())),
            text=cell(row, mapping.get("text", ())),
            kind=kind,
        )
        for row in rows
    ]
