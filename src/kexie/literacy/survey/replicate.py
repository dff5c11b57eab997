"""Replicate-weight designs: JK1, JKn, BRR, Fay's BRR and the Rao-Wu bootstrap (R's as.svrepdesign)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np

from .data import Data, SurveyError, numeric
from .design import SELF_REPRESENTING, SurveyDesign

REPLICATE_TYPES = ("JK1", "JKn", "BRR", "Fay", "bootstrap", "other")


class ReplicateDesign:
    """Full-sample weights plus an n x R matrix of replicate (analysis) weights.

    The variance of a statistic is ``scale * sum_r rscales_r (theta_r - centre)^2`` with the centre the
    mean of the replicates, or the full-sample estimate when ``mse`` is true (R's svrVar).
    """

    def __init__(
        self,
        data: Data,
        weights: np.ndarray,
        repweights: np.ndarray,
        *,
        type: str,
        scale: float,
        rscales: np.ndarray | None = None,
        mse: bool = False,
        rho: float = 0.0,
    ) -> None:
        if type not in REPLICATE_TYPES:
            raise SurveyError(f"未知的复制权重类型 “{type}” (unknown replicate type)")
        self.data = data
        self.weights = np.asarray(weights, dtype=np.float64)
        self.repweights = np.asarray(repweights, dtype=np.float64)
        self.n = len(self.weights)
        self.type = type
        self.scale = float(scale)
        n_rep = self.repweights.shape[1]
        self.rscales = np.ones(n_rep) if rscales is None else np.broadcast_to(rscales, (n_rep,)).astype(float)
        self.mse = mse
        self.rho = rho
        self.calibrated = False
        self.cache: dict = {}

    @property
    def df(self) -> float:
        """R's degf(): rank of the replicate weight matrix minus one (computed once, on demand)."""
        if "df" not in self.cache:
            self.cache["df"] = self._rank(self.repweights)
        return self.cache["df"]

    def _with(self, weights: np.ndarray, repweights: np.ndarray) -> ReplicateDesign:
        new = copy.copy(self)
        new.weights = np.asarray(weights, dtype=np.float64)
        new.repweights = np.asarray(repweights, dtype=np.float64)
        new.calibrated = True
        new.cache = {}
        return new

    def degf(self, rows: np.ndarray | None = None) -> float:
        """R's degf(); for a domain, that of the subset design (rank of its rows' replicate weights)."""
        if rows is None or rows.all():
            return self.df
        key = ("rank", rows.tobytes())
        if key not in self.cache:
            self.cache[key] = self._rank(self.repweights[rows])
        return self.cache[key]

    @staticmethod
    def _rank(matrix: np.ndarray) -> float:
        rows = np.unique(matrix, axis=0)
        if rows.size == 0:
            return 0.0
        # R uses a pivoted QR with tol 1e-5; an SVD threshold gives the same rank on clear-cut cases.
        s = np.linalg.svd(rows, compute_uv=False)
        return float((s > 1e-5 * s[0]).sum() - 1)

    def variance(self, thetas: np.ndarray, estimate: np.ndarray) -> np.ndarray:
        """Replicate variance of each row of ``thetas`` (K x R)."""
        if self.mse:
            centre = estimate
        else:
            centre = thetas[:, self.rscales > 0].mean(axis=1)
        dev = thetas - centre[:, None]
        return (dev * dev * self.rscales).sum(axis=1) * self.scale

    @classmethod
    def from_columns(
        cls,
        data: Data,
        *,
        weights: str,
        repweights: Sequence[str],
        type: str,
        combined_weights: bool = True,
        scale: float | None = None,
        rscales: Sequence[float] | None = None,
        rho: float | None = None,
        mse: bool = False,
    ) -> ReplicateDesign:
        """Read replicate weights from columns (R's svrepdesign with ``combined.weights``)."""
        w = numeric(data, weights)
        if np.isnan(w).any():
            raise SurveyError(
                f"权重列 “{weights}” 有缺失值 (missing weights)", code="missing_weight", column=weights
            )
        reps = np.column_stack([numeric(data, name) for name in repweights])
        if np.isnan(reps).any():
            raise SurveyError("复制权重有缺失值 (missing replicate weights)", code="missing_weight")
        if not combined_weights:
            reps = reps * w[:, None]
        n_rep = reps.shape[1]
        fay = rho or 0.0
        if type == "Fay" and rho is None:
            raise SurveyError("Fay 型复制权重需要 rho (type Fay needs rho)")
        if scale is None:
            scale = {
                "BRR": 1.0 / n_rep,
                "Fay": 1.0 / (n_rep * (1 - fay) ** 2),
                "JK1": (n_rep - 1) / n_rep,
                "bootstrap": 1.0 / (n_rep - 1),
            }.get(type, 1.0)
        return cls(data, w, reps, type=type, scale=scale, rscales=rscales, mse=mse, rho=fay)


def _jk1(design: SurveyDesign) -> tuple[np.ndarray, float, np.ndarray]:
    if design.n_strata > 1:
        raise SurveyError("JK1 不能用于分层设计 (can't use JK1 for a stratified design)")
    n = design.n_psu
    factors = np.full((n, n), n / (n - 1))
    np.fill_diagonal(factors, 0.0)
    f = float(design.stage_fraction()[0])
    return factors, f * (n - 1) / n, np.ones(n)


def _jkn(design: SurveyDesign) -> tuple[np.ndarray, float, np.ndarray]:
    f = design.stage_fraction()
    n_h = design.n_psu_h
    columns, rscales = [], []
    lonely_cols = 0
    for h in range(design.n_strata):
        if f[h] < SELF_REPRESENTING:
            continue
        members = np.flatnonzero(design.psu_stratum == h)
        if len(members) == 1:
            lonely_cols += 1
            col = _jkn_lonely(design, h)
            if col is not None:
                columns.append(col)
                rscales.append((design.n_strata - 1) / design.n_strata)
            continue
        block = np.ones((design.n_psu, len(members)))
        block[members, :] = n_h[h] / (n_h[h] - 1)
        block[members, np.arange(len(members))] = 0.0
        columns.append(block)
        rscales.extend([f[h] * (n_h[h] - 1) / n_h[h]] * len(members))
    if not columns:
        raise SurveyError("所有层都是完全抽样 (all strata were exhaustively sampled)")
    factors = np.column_stack(columns)
    scale = 1.0
    if design.lonely_psu == "average" and lonely_cols:
        scale = design.n_psu / factors.shape[1]
    return factors, scale, np.asarray(rscales)


def _jkn_lonely(design: SurveyDesign, h: int) -> np.ndarray | None:
    option = design.lonely_psu
    if option == "fail":
        label = design.strata_levels[h]
        raise SurveyError(
            f"层 “{label}” 只有一个 PSU (stratum '{label}' has only one PSU)", code="lonely_psu"
        )
    if option != "adjust":
        return None
    k = design.n_strata
    return np.where(design.psu_stratum == h, 0.0, k / (k - 1))[:, None]


def _hadamard(size: int) -> np.ndarray:
    """0/1 Sylvester Hadamard matrix with at least ``size + 1`` rows, built as R's doubler does."""
    h = np.array([[1, 1, 1, 1], [1, 0, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1]])
    while h.shape[0] < size + 1:
        h = np.block([[h, h], [h, 1 - h]])
    return h


def _brr(design: SurveyDesign, rho: float) -> tuple[np.ndarray, float, np.ndarray]:
    if design.n_strata < 2 and design.strata_name is None:
        raise SurveyError("BRR 需要分层设计 (BRR needs a stratified design)")
    if (design.n_psu_h != 2).any():
        raise SurveyError("BRR 要求每层恰好两个 PSU (BRR needs exactly two PSUs per stratum)")
    # R orders strata as character strings, and PSUs within a stratum by first appearance.
    order = np.argsort(np.array([str(s) for s in design.strata_levels]), kind="stable")
    rank = np.empty(design.n_strata, dtype=np.int64)
    rank[order] = np.arange(design.n_strata)
    first_row = np.full(design.n_psu, design.n, dtype=np.int64)
    np.minimum.at(first_row, design.psu, np.arange(design.n))
    psu_order = np.lexsort((first_row, design.psu_stratum))
    is_second = np.zeros(design.n_psu, dtype=bool)
    is_second[psu_order[1::2]] = True
    hmat = _hadamard(design.n_strata)
    signs = hmat[1 + rank[design.psu_stratum], :]
    # First PSU of a pair carries (0, 1), the second (1, 0); column index is H + 1.
    selected = np.where(is_second[:, None], signs == 0, signs == 1)
    factors = np.where(selected, 2 - rho, rho)
    n_rep = hmat.shape[1]
    return factors.astype(float), 1.0 / (n_rep * (1 - rho) ** 2), np.ones(n_rep)


def _bootstrap(
    design: SurveyDesign, replicates: int, seed: int | None
) -> tuple[np.ndarray, float, np.ndarray]:
    """R's bootweights: n_h PSUs drawn in each stratum, variance rescaled by n/(n-1).

    Without an fpc the draws are with replacement. With an fpc (population size N_h), as R's
    bootstratum, the n_h PSUs are drawn without replacement from N_h copies of the sampled PSUs
    (each repeated about N_h / n_h times), so a self-representing stratum has no variance.
    """
    rng = np.random.default_rng(seed)
    n_h = design.n_psu_h
    if (n_h < 2).any():
        raise SurveyError("自助法要求每层至少两个 PSU (bootstrap needs two PSUs per stratum)")
    pop_h = design.pop1_h
    counts = np.empty((design.n_psu, replicates))
    with_replacement = ~np.isfinite(pop_h)
    if with_replacement.any():
        strata = np.flatnonzero(with_replacement)
        stratum_of_draw = np.repeat(strata, n_h[strata])
        starts = design.stratum_starts[stratum_of_draw]
        sizes = n_h[stratum_of_draw]
        picks = starts + (rng.random((replicates, len(stratum_of_draw))) * sizes).astype(np.int64)
        offsets = (np.arange(replicates) * design.n_psu)[:, None]
        drawn = np.bincount((picks + offsets).ravel(), minlength=replicates * design.n_psu)
        drawn = drawn.reshape(replicates, design.n_psu).T
        rows = with_replacement[design.psu_stratum]
        counts[rows] = drawn[rows]
    for h in np.flatnonzero(~with_replacement):
        start, size = int(design.stratum_starts[h]), int(n_h[h])
        population = int(round(pop_h[h]))
        # R: rep(sample(psus), length = N_h): the first N_h mod n_h PSUs (in random order) once more.
        copies = np.full(size, population // size, dtype=np.int64)
        copies[rng.permutation(size)[: population % size]] += 1
        counts[start : start + size] = rng.multivariate_hypergeometric(
            copies, size, size=replicates, method="marginals"
        ).T
    psu_per_stratum = 1.0 / np.mean(1.0 / n_h)
    scale = psu_per_stratum / ((psu_per_stratum - 1) * (replicates - 1))
    return counts, scale, np.ones(replicates)


def as_replicate(
    design: SurveyDesign,
    type: str = "auto",
    *,
    rho: float = 0.0,
    replicates: int = 50,
    seed: int | None = None,
    mse: bool = False,
) -> ReplicateDesign:
    """Build replicate weights from a design with the defaults of R's ``as.svrepdesign``.

    ``type`` is ``auto`` (JK1 unstratified, JKn stratified), ``JK1``, ``JKn``, ``BRR``, ``Fay``
    (with ``rho``) or ``bootstrap`` (``replicates`` draws, numpy's RNG with ``seed``). Only the
    stage-1 fpc is used, as R does; BRR and Fay drop it.
    """
    if design.calibrated:
        raise SurveyError("请先转换为复制权重设计再校准 (convert to replicate weights before calibrating)")
    if type == "auto":
        type = "JKn" if design.strata_name else "JK1"
    if type == "JK1":
        factors, scale, rscales = _jk1(design)
    elif type == "JKn":
        if not design.strata_name:
            raise SurveyError("JKn 需要分层设计 (JKn needs a stratified design; use JK1)")
        factors, scale, rscales = _jkn(design)
    elif type in ("BRR", "Fay"):
        if type == "BRR":
            rho = 0.0
        factors, scale, rscales = _brr(design, rho)
    elif type == "bootstrap":
        factors, scale, rscales = _bootstrap(design, replicates, seed)
    else:
        raise SurveyError(f"未知的复制权重类型 “{type}” (unknown replicate type)")
    repweights = design.weights[:, None] * factors[design.psu]
    return ReplicateDesign(
        design.data, design.weights, repweights, type=type, scale=scale, rscales=rscales, mse=mse, rho=rho
    )
