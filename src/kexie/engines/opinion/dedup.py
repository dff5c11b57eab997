"""Near-duplicate clustering: MinHash LSH over character shingles, computed in bulk with numpy.

A cluster is a connected component of the pairs whose Jaccard similarity of character shingles
reaches the threshold. MinHash signatures (128 hash functions) and LSH banding only propose
candidate pairs; each candidate pair's Jaccard similarity is then computed exactly from the two
shingle sets (verify="exact", the default), so neither the banding's S-curve nor the estimate's
noise decides alone. verify="estimate" keeps a pair when the MinHash estimate reaches the threshold
(what datasketch's MinHashLSH plus a `jaccard` check does; kept for the benchmark's comparison).

Everything runs in bulk, a chunk of texts (CHUNK, 5,000) at a time: the chunk's texts are normalised
and turned into one array of code points; shingle ids, the hash functions and the per-item minima
are numpy operations over the chunk, with no Python loop per item or per shingle. So the hashing's
working memory is bounded by the chunk; the whole corpus keeps only each item's signature and its
distinct shingle ids (for the exact check). The band keys, the candidate pairs (deduplicated every
8 bands), the exact intersections (a block of pairs at a time) and the components
(scipy.sparse.csgraph) are bulk operations too. chunk=None is the former whole-corpus way (one
sparse item × shingle matrix; the exact baseline still uses it); it finds the same pairs.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

# Reposts and lightly edited copies (a changed headline, a sentence added or cut, different
# punctuation) keep well above 0.5 of their 3-character shingles; unrelated news on the same topic
# share far fewer (benchmarks/bench_opinion_dedup.py measures both). 0.5 is the documented default.
DEFAULT_THRESHOLD = 0.5
SHINGLE_SIZE = 3
NUM_PERM = 128
_SEED = 17
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_BIG_BUCKET = 64  # an LSH bucket larger than this pairs each member with its next 64 only
_PERM_BLOCK = 16  # hash functions evaluated together (bounds the working memory)
_PAIR_BLOCK = 200_000  # candidate pairs verified together (the whole-corpus path)
# texts shingled and signed together; candidate pairs checked together: half as many (so the
# shingle sets gathered for one block come from at most `CHUNK` texts)
CHUNK = 5_000
_U64 = np.uint64


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation: reposts differ in these."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


_DROP_KEEP_NEWLINE = re.compile(r"(?:[^\w\n]|_)+", re.UNICODE)


def normalize_all(texts: Sequence[str]) -> list[str]:
    """normalize() of many texts in one pass over their concatenation (one call of each step
    instead of one per text); a text's own line breaks are dropped like any other space."""
    joined = "\n".join((t or "").replace("\n", " ").replace("\r", " ") for t in texts)
    out = _DROP_KEEP_NEWLINE.sub("", unicodedata.normalize("NFKC", joined).lower()).split("\n")
    if len(out) != len(texts):  # a compatibility character that NFKC turned into a line break
        return [normalize(t) for t in texts]
    return out


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


def _check_threshold(threshold: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise ValueError("相似度阈值须在 0 与 1 之间(不含 0)")


# ---------------------------------------------------------------------------- bulk hashing


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 arrays (wrapping arithmetic)."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def _shingle_ids(texts: Sequence[str], size: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(ids, owner): the 64-bit id of every shingle occurrence of the texts and the position of
    its text (owner ascending; a text may repeat an id)."""
    norm = normalize_all(texts)
    n = len(norm)
    lengths = np.fromiter((len(s) for s in norm), dtype=np.int64, count=n)
    codes = np.frombuffer("".join(norm).encode("utf-32-le"), dtype=np.uint32).astype(_U64)
    starts = np.zeros(n, dtype=np.int64)
    if n:
        np.cumsum(lengths[:-1], out=starts[1:])
    total = len(codes)
    # a window starting at p belongs to its text when it ends inside it
    ends = np.repeat(starts + lengths, lengths)
    positions = np.arange(total, dtype=np.int64)
    valid = positions + size <= ends
    del ends, positions
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    ids = np.zeros(total, dtype=_U64)
    mult = _U64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for k in range(size):
            shifted = np.zeros(total, dtype=_U64)
            shifted[: total - k] = codes[k:]
            ids = ids * mult + shifted + _U64(1)
        del shifted, codes
        ids = _mix(ids[valid])
    owner = owner[valid]
    # texts shorter than one shingle: the whole text is its one shingle (a tagged hash)
    short = np.flatnonzero((lengths > 0) & (lengths < size))
    if len(short):
        extra = [
            _mix(np.array([hash_text(norm[i])], dtype=_U64))[0] ^ _U64(0xA5A5A5A5A5A5A5A5) for i in short
        ]
        ids = np.concatenate([ids, np.array(extra, dtype=_U64)])
        owner = np.concatenate([owner, short])
    return ids, owner


def _shingle_matrix(texts: Sequence[str], size: int = SHINGLE_SIZE):
    """(ids, matrix): the distinct 64-bit shingle ids, and the binary item × shingle CSR matrix
    (row i holds the column numbers of text i's shingles, each once, sorted). All texts at once:
    the exact baseline's form (and the engine's with chunk=None)."""
    n = len(texts)
    ids, owner = _shingle_ids(texts, size)
    vocab, column = np.unique(ids, return_inverse=True)
    matrix = sparse.csr_matrix(
        (np.ones(len(column), dtype=np.int32), (owner, column.ravel())), shape=(n, len(vocab))
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1
    matrix.sort_indices()
    return vocab, matrix


def _bits(count: int) -> int:
    return max(int(count).bit_length(), 1)


def _packed_order(ids: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    """The order that sorts the entries by (group, id): one argsort of a packed key (the group in
    the top bits, the id's top bits below it); where two different ids of a group share the packed
    key (their top bits agree: vanishingly rare), the exact two-key sort decides instead."""
    low = _U64(_bits(groups))
    packed = (group.astype(_U64) << (_U64(64) - low)) | (ids >> low)
    order = np.argsort(packed)
    packed, sorted_ids = packed[order], ids[order]
    if np.any((packed[1:] == packed[:-1]) & (sorted_ids[1:] != sorted_ids[:-1])):
        return np.lexsort((ids, group))
    return order


def _shingle_sets(texts: Sequence[str], size: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """(ids, indptr): each text's distinct shingle ids, sorted, as one CSR-like array
    (text i's are ids[indptr[i]:indptr[i + 1]]); no vocabulary shared between calls."""
    ids, owner = _shingle_ids(texts, size)
    order = _packed_order(ids, owner, len(texts))
    ids, owner = ids[order], owner[order]
    del order
    keep = np.ones(len(ids), dtype=bool)
    keep[1:] = (ids[1:] != ids[:-1]) | (owner[1:] != owner[:-1])
    ids, owner = ids[keep], owner[keep]
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=len(texts)), out=indptr[1:])
    return ids, indptr


def hash_text(text: str) -> int:
    """A stable 64-bit number for a short text (Python's hash() changes from run to run)."""
    value = 0
    for ch in text:
        value = (value * 0x100000001B3 + ord(ch) + 1) & 0xFFFFFFFFFFFFFFFF
    return value


_DENSIFY_ROUNDS = 200


@functools.lru_cache(maxsize=4)
def _densify_sources(num_perm: int) -> np.ndarray:
    """rounds × num_perm: the bin an empty bin borrows from in each round (the same for every item,
    so two items fill a bin alike; Shrivastava's optimal densification, ICML 2017)."""
    rounds = np.arange(_DENSIFY_ROUNDS, dtype=_U64)[:, None]
    bins = np.arange(num_perm, dtype=_U64)[None, :]
    with np.errstate(over="ignore"):
        return (_mix(bins * _U64(0x100000001B3) + rounds * _U64(0x9E3779B97F4A7C15) + _U64(_SEED))
                % _U64(num_perm)).astype(np.int64)  # fmt: skip


def _signatures(vocab: np.ndarray, matrix, num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash signatures of the rows of an item × shingle matrix (see _set_signatures)."""
    return _set_signatures(vocab[matrix.indices], matrix.indptr, num_perm)


def _set_signatures(ids: np.ndarray, indptr: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash signatures, items × num_perm uint32, by one permutation hashing: a shingle's mixed
    64-bit id chooses its bin (top bits) and its value (the next 32 bits); a bin keeps its smallest
    value; empty bins are filled by optimal densification. One hash per shingle instead of 128:
    the columns of each row are sorted by id, so a bin's minimum is simply the first entry of its
    run, found with one vectorised pass (`ids` sorted within each item). An empty item's row is
    all 2^32 − 1."""
    if num_perm & (num_perm - 1) or not 2 <= num_perm <= 2**16:
        raise ValueError("num_perm must be a power of two")
    n = len(indptr) - 1
    empty_value = np.iinfo(np.uint32).max
    out = np.full((n, num_perm), empty_value, dtype=np.uint32)
    if not len(ids):
        return out
    shift = _U64(64 - int(num_perm).bit_length() + 1)
    bins = (ids >> shift).astype(np.int64)
    values = ((ids >> (shift - _U64(32))) & _U64(0xFFFFFFFF)).astype(np.uint32)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    first = np.ones(len(ids), dtype=bool)
    first[1:] = (bins[1:] != bins[:-1]) | (rows[1:] != rows[:-1])
    out[rows[first], bins[first]] = values[first]
    filled = np.zeros((n, num_perm), dtype=bool)
    filled[rows[first], bins[first]] = True
    live = np.flatnonzero(np.diff(indptr) > 0)
    todo = live[(~filled[live]).any(axis=1)]
    sources = _densify_sources(num_perm)
    sub, had = out[todo], filled[todo]
    original, done = sub.copy(), had.copy()
    pending = np.arange(len(todo))  # rows with an empty bin left: few after a handful of rounds
    for round_ in range(_DENSIFY_ROUNDS):
        if not len(pending):
            break
        src = sources[round_]
        take = ~done[pending] & had[pending][:, src]
        rows_, bins_ = np.nonzero(take)
        sub[pending[rows_], bins_] = original[pending[rows_], src[bins_]]
        done[pending[rows_], bins_] = True
        pending = pending[~done[pending].all(axis=1)]
    out[todo] = sub
    return out


_trapezoid = getattr(np, "trapezoid", None) or np.trapz


def _false_probabilities(threshold: float, bands: int, rows: int) -> tuple[float, float]:
    grid = np.linspace(0.0, 1.0, 1001)
    candidate = 1.0 - (1.0 - grid**rows) ** bands
    below, above = grid < threshold, grid >= threshold
    return float(_trapezoid(candidate[below], grid[below])), float(
        _trapezoid(1.0 - candidate[above], grid[above])
    )


@functools.lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) for the banding: candidates are verified afterwards, so a missed pair (lost
    for good) weighs nine times a needless candidate (one exact check); rows ≥ 2."""
    best, best_cost = (num_perm // 2, 2), math.inf
    for rows in range(2, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        fp, fn = _false_probabilities(threshold, bands, rows)
        cost = 0.1 * fp + 0.9 * fn
        if cost < best_cost:
            best, best_cost = (bands, rows), cost
    return best


def _candidate_pairs(sig: np.ndarray, live: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Pairs (i < j) of live items that share the band key of at least one band, as int64 i·n+j."""
    n = sig.shape[0]
    members = np.flatnonzero(live)
    found = []
    weights = (np.arange(1, rows + 1, dtype=_U64) * _U64(0x9E3779B97F4A7C15)) | _U64(1)
    for band in range(bands):
        cols = sig[members, band * rows : (band + 1) * rows].astype(_U64)
        with np.errstate(over="ignore"):
            keys = _mix((cols * weights[None, :]).sum(axis=1, dtype=_U64) + _U64(band))
        order = np.argsort(keys, kind="stable")
        keys, who = keys[order], members[order]
        for step in range(1, _BIG_BUCKET + 1):
            same = np.flatnonzero(keys[step:] == keys[:-step]) if step < len(keys) else np.empty(0, int)
            if not len(same):
                break
            left, right = who[same], who[same + step]
            lo, hi = np.minimum(left, right), np.maximum(left, right)
            found.append(lo.astype(np.int64) * n + hi)
        if band % 8 == 7 and len(found) > 1:  # a pair recurs in many bands: keep each once
            found = [np.unique(np.concatenate(found))]
    if not found:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(found))


def _exact_jaccard(matrix, lengths: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    out = np.empty(len(left), dtype=np.float64)
    for first in range(0, len(left), _PAIR_BLOCK):
        part = slice(first, first + _PAIR_BLOCK)
        inter = np.asarray(matrix[left[part]].multiply(matrix[right[part]]).sum(axis=1)).ravel()
        union = lengths[left[part]] + lengths[right[part]] - inter
        out[part] = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    return out


def _gather(ids: np.ndarray, indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values, which): the shingle ids of the given rows, one after another, and for each value
    the position of its row in `rows`."""
    counts = indptr[rows + 1] - indptr[rows]
    which = np.repeat(np.arange(len(rows), dtype=np.int64), counts)
    starts = np.repeat(indptr[rows] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return ids[starts + np.arange(len(which), dtype=np.int64)], which


def _set_jaccard(ids: np.ndarray, indptr: np.ndarray, left: np.ndarray, right: np.ndarray, block: int):
    """The exact Jaccard similarity of each pair of shingle sets, `block` pairs at a time: a
    shingle shared by a pair is one that occurs twice among (pair, id) once both sets are put
    together and sorted (each set holds an id once)."""
    lengths = np.diff(indptr)
    out = np.empty(len(left), dtype=np.float64)
    for first in range(0, len(left), block):
        lo, hi = left[first : first + block], right[first : first + block]
        values_l, which_l = _gather(ids, indptr, lo)
        values_r, which_r = _gather(ids, indptr, hi)
        values, which = np.concatenate([values_l, values_r]), np.concatenate([which_l, which_r])
        del values_l, values_r, which_l, which_r
        order = _packed_order(values, which, len(lo))
        values, which = values[order], which[order]
        del order
        twice = (values[1:] == values[:-1]) & (which[1:] == which[:-1])
        inter = np.bincount(which[1:][twice], minlength=len(lo)).astype(np.int64)
        union = lengths[lo] + lengths[hi] - inter
        out[first : first + len(lo)] = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    return out


def similar_pairs(
    texts: Sequence[str],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    verify: str = "exact",
    num_perm: int = NUM_PERM,
    chunk: int | None = CHUNK,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """(left, right, stats): the pairs of positions whose Jaccard similarity reaches the threshold
    (exact on LSH candidates, or the MinHash estimate with verify="estimate").

    `chunk` texts are shingled and signed at a time, so the hashing's working memory is bounded
    by the chunk, not the corpus; what stays for the whole corpus is each item's signature
    (num_perm × 4 bytes) and, for the exact check, its distinct shingle ids (8 bytes each).
    chunk=None does all texts at once through one item × shingle matrix (the former way; the
    benchmark's "before"). Both give the same pairs."""
    _check_threshold(threshold)
    if verify not in ("exact", "estimate"):
        raise ValueError("verify: exact or estimate")
    if chunk is not None and chunk < 1:
        raise ValueError("chunk: a positive number of texts, or None")
    n_texts = len(texts)
    if chunk is None:
        vocab, matrix = _shingle_matrix(texts)
        lengths = np.diff(matrix.indptr).astype(np.int64)
        sig = _signatures(vocab, matrix, num_perm)
        del vocab
    else:
        sig = np.empty((n_texts, num_perm), dtype=np.uint32)
        counts = np.zeros(n_texts, dtype=np.int64)
        # room for every text's shingles (a text has at most as many as characters, NFKC may add
        # a few): pages never written are never resident, and the rare overflow grows the array
        set_ids = np.empty(sum(len(t or "") for t in texts) + n_texts if verify == "exact" else 0, _U64)
        used = 0
        for first in range(0, n_texts, chunk):
            part_ids, part_ptr = _shingle_sets(texts[first : first + chunk])
            sig[first : first + len(part_ptr) - 1] = _set_signatures(part_ids, part_ptr, num_perm)
            counts[first : first + len(part_ptr) - 1] = np.diff(part_ptr)
            if verify == "exact":
                if used + len(part_ids) > len(set_ids):
                    set_ids = np.concatenate([set_ids[:used], np.empty(len(part_ids) + used, _U64)])
                set_ids[used : used + len(part_ids)] = part_ids
                used += len(part_ids)
            del part_ids, part_ptr
        set_ids = set_ids[:used]
        indptr = np.zeros(n_texts + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        lengths = counts
    bands, rows = lsh_bands(threshold, num_perm)
    pairs = _candidate_pairs(sig, lengths > 0, bands, rows)
    n = max(n_texts, 1)
    left, right = pairs // n, pairs % n
    if verify == "exact":
        if chunk is None:
            score = _exact_jaccard(matrix, lengths, left, right)
        else:
            score = _set_jaccard(set_ids, indptr, left, right, max(chunk // 2, 1))
    else:
        score = np.empty(len(left), dtype=np.float64)
        for first in range(0, len(left), _PAIR_BLOCK):
            part = slice(first, first + _PAIR_BLOCK)
            score[part] = (sig[left[part]] == sig[right[part]]).mean(axis=1)
    keep = score >= threshold
    stats = {"candidates": int(len(pairs)), "kept": int(keep.sum()), "bands": bands, "rows": rows}
    return left[keep], right[keep], stats


def clusters(
    items: Sequence[tuple[object, str]],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    verify: str = "exact",
    chunk: int | None = CHUNK,
) -> list[list[object]]:
    """Groups of two or more near-duplicate items, each group in input order, groups by first item.

    `items` are (id, text). Items with no characters left after normalising are never grouped.
    `chunk`: see similar_pairs.
    """
    _check_threshold(threshold)
    if not items:
        return []
    texts = [text for _, text in items]
    left, right, _ = similar_pairs(texts, threshold, verify=verify, chunk=chunk)
    return _components(len(items), left, right, items)


def _components(n: int, left, right, items) -> list[list[object]]:
    if not len(left):
        return []
    graph = sparse.coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    groups = [g.tolist() for g in np.split(order, cuts) if len(g) > 1]
    return _as_ids(groups, items)


def exact_clusters(
    items: Sequence[tuple[object, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[list[object]]:
    """The exact baseline: every pair's true shingle Jaccard (quadratic; for samples). The shared
    shingle counts of all pairs come from the sparse product X·Xᵀ, a block of rows at a time."""
    _check_threshold(threshold)
    if not items:
        return []
    _, matrix = _shingle_matrix([text for _, text in items])
    lengths = np.diff(matrix.indptr).astype(np.int64)
    transposed = matrix.T.tocsc()
    n, found_left, found_right = len(items), [], []
    block = max(1, min(n, 20_000_000 // n))
    for first in range(0, n, block):
        shared = (matrix[first : first + block] @ transposed).tocoo()
        rows = shared.row.astype(np.int64) + first
        upper = shared.col > rows
        rows, cols, inter = rows[upper], shared.col[upper].astype(np.int64), shared.data[upper]
        union = lengths[rows] + lengths[cols] - inter
        keep = inter / np.maximum(union, 1) >= threshold
        found_left.append(rows[keep])
        found_right.append(cols[keep])
    return _components(n, np.concatenate(found_left), np.concatenate(found_right), items)


def _as_ids(groups: Iterable[list[int]], items: Sequence[tuple[object, str]]) -> list[list[object]]:
    ordered = sorted((sorted(g) for g in groups), key=lambda g: g[0])
    return [[items[i][0] for i in g] for g in ordered]


def signature(text: str) -> np.ndarray:
    """The MinHash signature of one text (uint32, NUM_PERM values)."""
    vocab, matrix = _shingle_matrix([text])
    return _signatures(vocab, matrix)[0]
