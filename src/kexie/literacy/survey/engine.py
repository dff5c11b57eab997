"""Ratio-of-totals estimation shared by every statistic.

Every mean, total, proportion and ratio (and every domain of them) is ``A_k / B_g``: ``A_k`` a
weighted total of a numerator value over the rows assigned to column ``k``, ``B_g`` a weighted total of
a denominator value over domain ``g`` (or no denominator for totals). Columns are nested in domains,
so one request of K statistics needs only a handful of ``np.bincount`` calls whatever K is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .design import SurveyDesign


@dataclass
class Request:
    """K ratio statistics over G domains; rows with ``a_col == -1`` take no part."""

    dom: np.ndarray
    n_dom: int
    a_val: np.ndarray
    a_col: np.ndarray
    n_stat: int
    stat_dom: np.ndarray
    b_val: np.ndarray | None

    @property
    def included(self) -> np.ndarray:
        return self.a_col >= 0


@dataclass
class Result:
    estimate: np.ndarray
    variance: np.ndarray
    vsrs: np.ndarray | None
    n_obs: np.ndarray
    df: np.ndarray
    n_rows: np.ndarray | None = None  # R's nrow() of each domain's subset design (Korn-Graubard)
    logit_var: np.ndarray | None = None  # replicate variance of logit(estimate), as svyglm gives


def _sums(group: np.ndarray, ngroups: int, values: np.ndarray, cols: np.ndarray, ncols: int) -> np.ndarray:
    """ngroups x ncols totals of ``values``; rows with ``cols == -1`` are dropped."""
    if cols.min(initial=0) < 0:
        ok = cols >= 0
        group, values, cols = group[ok], values[ok], cols[ok]
    key = cols if ngroups == 1 else group * ncols + cols
    flat = np.bincount(key, weights=values, minlength=ngroups * ncols)
    return flat.reshape(ngroups, ncols)


class Linearizer:
    """Influence-value functionals of one request under one set of weights."""

    def __init__(self, req: Request, weights: np.ndarray) -> None:
        self.req = req
        self.w = weights
        zeros = np.zeros(len(weights), dtype=np.int64)
        self.A = _sums(zeros, 1, weights * req.a_val, req.a_col, req.n_stat)[0]
        if req.b_val is None:
            self.B = None
            self.estimate = self.A
        else:
            self.dom_b = np.where(req.included, req.dom, -1)
            self.B = _sums(zeros, 1, weights * req.b_val, self.dom_b, req.n_dom)[0]
            with np.errstate(divide="ignore", invalid="ignore"):
                self.estimate = self.A / self.B[req.stat_dom]

    def grouped(self, v: np.ndarray, group: np.ndarray, ngroups: int) -> np.ndarray:
        """ngroups x K sums of ``v_i * u_ik`` where ``u`` is the per-unit influence of statistic k."""
        req = self.req
        pa = _sums(group, ngroups, v * req.a_val, req.a_col, req.n_stat)
        if self.B is None:
            return pa
        pb = _sums(group, ngroups, v * req.b_val, self.dom_b, req.n_dom)[:, req.stat_dom]
        with np.errstate(divide="ignore", invalid="ignore"):
            return (pa - self.estimate * pb) / self.B[req.stat_dom]

    def total(self, v: np.ndarray) -> np.ndarray:
        return self.grouped(v, np.zeros(len(v), dtype=np.int64), 1)[0]

    def domain_sizes(self) -> np.ndarray:
        """Rows with non-zero weight in the domain of each statistic."""
        req = self.req
        rows = req.included & (self.w != 0)
        return np.bincount(req.dom[rows], minlength=req.n_dom)[req.stat_dom].astype(float)

    def srs_variance(self) -> np.ndarray:
        """R's deff denominator: the variance under simple random sampling without replacement."""
        req, w = self.req, self.w
        zeros = np.zeros(len(w), dtype=np.int64)
        dom_in = np.where(req.included, req.dom, -1)
        n_g = self.domain_sizes()
        big_n = _sums(zeros, 1, w, dom_in, req.n_dom)[0][req.stat_dom]
        s_aa = _sums(zeros, 1, w * req.a_val**2, req.a_col, req.n_stat)[0]
        if self.B is None:
            s_uu, s_u = s_aa, self.A
        else:
            s_ab = _sums(zeros, 1, w * req.a_val * req.b_val, req.a_col, req.n_stat)[0]
            s_bb = _sums(zeros, 1, w * req.b_val**2, dom_in, req.n_dom)[0][req.stat_dom]
            r = self.estimate
            bk = self.B[req.stat_dom]
            s_uu = (s_aa - 2 * r * s_ab + r * r * s_bb) / bk**2
            s_u = (self.A - r * bk) / bk
        with np.errstate(divide="ignore", invalid="ignore"):
            var_u = (s_uu / big_n - (s_u / big_n) ** 2) * n_g / (n_g - 1)
            vsrs = var_u * big_n * (big_n - n_g) / n_g
        return vsrs


def _calibration_adjust(design: SurveyDesign, lin: Linearizer, groupings):
    """Group totals of the calibrated residuals ``x = z - sum_s D_s C_s`` (R's svyrecvar)."""
    totals = [lin.grouped(lin.w, g, ng) for g, ng in groupings]
    cal = design.calibration
    if not cal.steps:
        return totals
    fz = [np.stack([lin.total(step.F[:, j] * lin.w) for j in range(step.F.shape[1])]) for step in cal.steps]
    coef = [np.zeros_like(f) for f in fz]
    cross: dict[tuple[int, int], np.ndarray] = {}
    for s in cal.order:
        fx = fz[s].copy()
        for t, c in enumerate(coef):
            if not c.any():
                continue
            if (s, t) not in cross:
                cross[(s, t)] = cal.steps[s].F.T @ cal.steps[t].D
            fx -= cross[(s, t)] @ c
        coef[s] += cal.steps[s].Minv @ fx
    adjusted = []
    for (group, ngroups), tot in zip(groupings, totals, strict=True):
        for step, c in zip(cal.steps, coef, strict=True):
            d_tot = np.stack(
                [np.bincount(group, weights=step.D[:, j], minlength=ngroups) for j in range(step.D.shape[1])],
                axis=1,
            )
            tot = tot - d_tot @ c
        adjusted.append(tot)
    return adjusted


def _domain_rows(design: SurveyDesign, req: Request, codes: np.ndarray) -> np.ndarray:
    rows = req.included & (design.weights != 0)
    if rows.all():
        return codes * req.n_dom + req.dom
    return codes[rows] * req.n_dom + req.dom[rows]


def domain_presence(design: SurveyDesign, req: Request) -> np.ndarray:
    """strata x domains: does the stratum hold a (non-zero weight) row of the domain?"""
    size = design.n_strata * req.n_dom
    flat = np.bincount(_domain_rows(design, req, design.stratum), minlength=size)
    return flat.reshape(design.n_strata, req.n_dom) > 0


def domain_degf(design: SurveyDesign, req: Request, strata: np.ndarray | None = None) -> np.ndarray:
    """R's degf() of each domain's subset design: PSUs minus strata holding its rows."""
    psu = np.bincount(_domain_rows(design, req, design.psu), minlength=design.n_psu * req.n_dom)
    strata = domain_presence(design, req) if strata is None else strata
    per_dom = (psu.reshape(design.n_psu, req.n_dom) > 0).sum(axis=0) - strata.sum(axis=0)
    return per_dom.astype(float)[req.stat_dom]


def linearized(design: SurveyDesign, req: Request, deff: bool = False) -> Result:
    lin = Linearizer(req, design.weights)
    present = domain_presence(design, req)
    design.check_lonely(present)
    groupings = [(design.psu, design.n_psu)]
    if design.uses_second_stage:
        groupings.append((design.ssu, design.n_ssu))
    totals = _calibration_adjust(design, lin, groupings)
    var = design.stratified_variance(totals[0], present, req.stat_dom)
    if design.uses_second_stage:
        var = var + design.second_stage_variance(totals[1])
    vsrs = lin.srs_variance() if deff else None
    n_g = lin.domain_sizes()
    # A calibrated design keeps every row when subset (R sets the weights to zero instead).
    n_rows = np.full(req.n_stat, float(design.n)) if design.calibrated else n_g
    return Result(lin.estimate, var, vsrs, n_g, domain_degf(design, req, present), n_rows=n_rows)


def replicate_totals(weights: np.ndarray, values: np.ndarray, cols: np.ndarray, ncols: int) -> np.ndarray:
    """ncols x R totals of ``values`` under each column of the n x R weight matrix."""
    ok = cols >= 0
    rows = np.flatnonzero(ok)
    matrix = sp.csr_matrix((values[ok], (cols[ok], rows)), shape=(ncols, len(values)))
    return np.asarray(matrix @ weights)
