"""Affinity between entries and judges: from text with the matching engine, or from a supplied table."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np

from kexie.engines.matching import MatchingEngine, Profile
from kexie.engines.matching.tokenize import Tokenizer

from .model import Entry, Judge


@lru_cache(maxsize=1)
def _tokenizer() -> Tokenizer:
    """One default tokenizer for every affinity table: loading the segmenter's dictionary costs
    0.2 s of CPU, and this one never gets user words, so sharing it changes no result."""
    return Tokenizer()


def text_affinity(entries: Sequence[Entry], judges: Sequence[Judge]) -> np.ndarray:
    """Entries × judges matrix in [0, 1]: the matching engine's score of each judge's expertise for
    the entry's title and abstract, divided by the entry's best score (so each entry's best judge
    has 1.0; an entry sharing no word with any judge has 0 everywhere).

    Scaling per entry, not over the whole table, keeps a long abstract (whose BM25 scores are all
    higher) from drawing the best judges away from short ones."""
    out = np.zeros((len(entries), len(judges)), dtype=np.float64)
    if not entries or not any(j.expertise.strip() for j in judges):
        return out
    engine = MatchingEngine(tokenizer=_tokenizer())
    engine.add_many(Profile(id=j.id, text=j.expertise, kind="judge") for j in judges)
    ids = [j.id for j in judges]
    for row, entry in enumerate(entries):
        query = Profile(id="", name=entry.title, text=entry.abstract, kind="entry")
        out[row] = engine.scores(query, ids, kind="judge")
    best = out.max(axis=1, keepdims=True)
    np.divide(out, best, out=out, where=best > 0)
    return out


def table_affinity(
    table: Mapping[tuple[str, str], float], entries: Sequence[Entry], judges: Sequence[Judge]
) -> np.ndarray:
    """Entries × judges matrix from ``{(entry id, judge id): affinity}``, used as given; a pair
    the table leaves out has affinity 0."""
    rows = {e.id: r for r, e in enumerate(entries)}
    cols = {j.id: c for c, j in enumerate(judges)}
    out = np.zeros((len(entries), len(judges)), dtype=np.float64)
    for (entry, judge), value in table.items():
        entry, judge = str(entry), str(judge)
        if entry not in rows:
            raise ValueError(f"亲和度表中的作品“{entry}”不在作品名单中")
        if judge not in cols:
            raise ValueError(f"亲和度表中的评委“{judge}”不在评委名单中")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"作品“{entry}”与评委“{judge}”的亲和度不是有限数值")
        out[rows[entry], cols[judge]] = value
    return out


def matrix_affinity(matrix: np.ndarray, entries: Sequence[Entry], judges: Sequence[Judge]) -> np.ndarray:
    """An entries × judges array, used as given."""
    out = np.asarray(matrix, dtype=np.float64)
    if out.shape != (len(entries), len(judges)):
        raise ValueError(f"亲和度矩阵应为 {len(entries)}×{len(judges)},实为 {'×'.join(map(str, out.shape))}")
    if not np.isfinite(out).all():
        raise ValueError("亲和度矩阵含非有限数值")
    return out
