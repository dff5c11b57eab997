"""Near-duplicate clustering: MinHash LSH over character shingles (datasketch).

A cluster is a connected component of the pairs whose estimated Jaccard similarity of character
shingles reaches the threshold. LSH only proposes candidate pairs; each candidate pair is then
checked with the MinHash estimate, so the banding's S-curve does not decide alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

# Reposts and lightly edited copies (a changed headline, a sentence added or cut, different
# punctuation) keep well above 0.5 of their 3-character shingles; unrelated news on the same topic
# share far fewer (benchmarks/opinion_dedup.py measures both). 0.5 is the documented default.
DEFAULT_THRESHOLD = 0.5
SHINGLE_SIZE = 3
NUM_PERM = 128
_SEED = 17
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation: reposts differ in these."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """The character shingles of a text (the whole text if shorter than one shingle)."""
    clean = normalize(text)
    if len(clean) <= size:
        return {clean} if clean else set()
    return {clean[i : i + size] for i in range(len(clean) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED)
_PERMUTATIONS, _SCHEME = _TEMPLATE.permutations, getattr(_TEMPLATE, "scheme", None)


def _minhash(grams: set[str]) -> LeanMinHash:
    # shared permutations: drawing them anew for every MinHash costs more than hashing the text
    m = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_PERMUTATIONS, scheme=_SCHEME)
    if grams:
        m.update_batch([g.encode("utf-8") for g in grams])
    return LeanMinHash(m)


class _Components:
    """Union-find over item positions."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[int]]:
        by_root: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            by_root.setdefault(self.find(i), []).append(i)
        return [g for g in by_root.values() if len(g) > 1]


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise ValueError("相似度阈值须在 0 与 1 之间(不含 0)")


def _lsh_threshold(threshold: float) -> float:
    """The banding's threshold: a little below the check's, so that pairs just above the threshold
    are still proposed (LSH misses some of those at its own threshold); at most 0.9, where 128
    permutations still make two bands."""
    return min(max(threshold - 0.1, 0.05), 0.9)


def clusters(items: Sequence[tuple[object, str]], threshold: float = DEFAULT_THRESHOLD) -> list[list[object]]:
    """Groups of two or more near-duplicate items, each group in input order, groups by first item.

    `items` are (id, text). Items with no characters left after normalising are never grouped.
    """
    _check_threshold(threshold)
    hashes = [_minhash(shingles(text)) for _, text in items]
    lsh = MinHashLSH(threshold=_lsh_threshold(threshold), num_perm=NUM_PERM)
    components = _Components(len(items))
    empty = {i for i, (_, text) in enumerate(items) if not normalize(text)}
    for i, h in enumerate(hashes):
        if i in empty:
            continue
        for j in lsh.query(h):
            if h.jaccard(hashes[j]) >= threshold:
                components.union(i, j)
        lsh.insert(i, h, check_duplication=False)
    return _as_ids(components.groups(), items)


def exact_clusters(
    items: Sequence[tuple[object, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[list[object]]:
    """The exact baseline: every pair's true shingle Jaccard (quadratic; for samples)."""
    _check_threshold(threshold)
    sets = [shingles(text) for _, text in items]
    components = _Components(len(items))
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if sets[i] and sets[j] and jaccard(sets[i], sets[j]) >= threshold:
                components.union(i, j)
    return _as_ids(components.groups(), items)


def _as_ids(groups: Iterable[list[int]], items: Sequence[tuple[object, str]]) -> list[list[object]]:
    ordered = sorted((sorted(g) for g in groups), key=lambda g: g[0])
    return [[items[i][0] for i in g] for g in ordered]


def signature(text: str) -> np.ndarray:
    """The MinHash signature of a text (stored with an item so later clustering need not re-hash)."""
    return _minhash(shingles(text)).hashvalues
