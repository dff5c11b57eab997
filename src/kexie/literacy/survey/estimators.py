"""Public estimators: mean, total, proportions, ratio and quantiles, overall or by domains.

Domains are estimated as R's svyby does: on the whole design, with rows outside the domain
contributing zero, so strata and PSU counts (and the fpc) are those of the full sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from .data import SurveyError, column, encode_many, is_missing, numeric
from .design import SurveyDesign
from .engine import Linearizer, Request, Result, domain_degf, linearized, replicate_totals
from .replicate import ReplicateDesign

Design = SurveyDesign | ReplicateDesign
CI_METHODS = ("normal", "t", "logit", "beta", "mean")


@dataclass
class Estimate:
    """One estimate; ``domain`` maps each by-variable to its level (``None`` overall)."""

    stat: str
    variable: str
    level: str | None
    domain: dict | None
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    deff: float | None
    n: int
    df: float

    def as_dict(self) -> dict:
        return asdict(self)


# -- request building -------------------------------------------------------------------------------


def _domains(design: Design, by: str | Sequence[str] | None) -> tuple[np.ndarray, list[dict] | None]:
    names = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by or [])
    if not names:
        return np.zeros(design.n, dtype=np.int64), None
    key = ("domains", tuple(names))
    if key not in design.cache:
        design.cache[key] = _encode_domains(design, names)
    return design.cache[key]


def _encode_domains(design: Design, names: list[str]) -> tuple[np.ndarray, list[dict]]:
    arrays = [column(design.data, name) for name in names]
    for name, values in zip(names, arrays, strict=True):
        if is_missing(values).any():
            raise SurveyError(
                f"分组列 “{name}” 有缺失值 (by column '{name}' has missing values)", column=name
            )
    codes, levels = encode_many(arrays)
    return codes, [dict(zip(names, lv, strict=True)) for lv in levels]


def _usable(values: np.ndarray, name: str, na_rm: bool) -> np.ndarray:
    missing = is_missing(values)
    if missing.any() and not na_rm:
        raise SurveyError(
            f"变量 “{name}” 有缺失值，可用 na_rm=True (variable '{name}' has missing values)", column=name
        )
    return ~missing


def _numeric_request(design, dom, n_dom, num, den, ok) -> Request:
    if ok.all():
        dom_in, a_val, b_val = dom, num, den
    else:
        dom_in = np.where(ok, dom, -1)
        a_val = np.where(ok, num, 0.0)
        b_val = None if den is None else np.where(ok, den, 0.0)
    return Request(
        dom=dom_in,
        n_dom=n_dom,
        a_val=a_val,
        a_col=dom_in,
        n_stat=n_dom,
        stat_dom=np.arange(n_dom),
        b_val=b_val,
    )


def _factor_request(design, dom, n_dom, values, ok, ratio: bool) -> tuple[Request, np.ndarray]:
    codes, levels = encode_many([np.where(ok, values, values[ok][0] if ok.any() else values[0])])
    n_lev = len(levels)
    req = Request(
        dom=np.where(ok, dom, -1),
        n_dom=n_dom,
        a_val=ok.astype(float),
        a_col=np.where(ok, dom * n_lev + codes, -1),
        n_stat=n_dom * n_lev,
        stat_dom=np.repeat(np.arange(n_dom), n_lev),
        b_val=ok.astype(float) if ratio else None,
    )
    return req, np.array([lv[0] for lv in levels], dtype=object)


# -- evaluation -------------------------------------------------------------------------------------


def _evaluate(design: Design, req: Request, deff: bool = False) -> Result:
    if isinstance(design, SurveyDesign):
        return linearized(design, req, deff)
    lin = Linearizer(req, design.weights)
    reps = replicate_totals(design.repweights, req.a_val, req.a_col, req.n_stat)
    if req.b_val is not None:
        dom_b = np.where(req.included, req.dom, -1)
        den = replicate_totals(design.repweights, req.b_val, dom_b, req.n_dom)[req.stat_dom]
        with np.errstate(divide="ignore", invalid="ignore"):
            reps = reps / den
    var = design.variance(reps, lin.estimate)
    vsrs = lin.srs_variance() if deff else None
    n_g = lin.domain_sizes()
    with np.errstate(divide="ignore", invalid="ignore"):
        logit_var = design.variance(_logit(reps), _logit(lin.estimate))
    return Result(lin.estimate, var, vsrs, n_g, _replicate_df(design, req), n_rows=n_g, logit_var=logit_var)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


def _replicate_df(design: ReplicateDesign, req: Request) -> np.ndarray:
    if req.n_dom == 1 and req.included.all():
        return np.full(req.n_stat, design.df)
    per_dom = np.array([design.degf(req.included & (req.dom == g)) for g in range(req.n_dom)])
    return per_dom[req.stat_dom]


def _interval(
    est: float, se: float, df: float, method: str, level: float, n: float, logit_se: float | None = None
) -> tuple[float, float]:
    alpha = 1 - level
    crit = stats.norm.ppf(1 - alpha / 2) if method == "normal" or not np.isfinite(df) else None
    if method in ("normal", "t", "mean"):
        q = crit if crit is not None else stats.t.ppf(1 - alpha / 2, df)
        return est - q * se, est + q * se
    if method == "logit":
        q = crit if crit is not None else stats.t.ppf(1 - alpha / 2, df)
        if est <= 0 or est >= 1:
            return est, est
        centre = math.log(est / (1 - est))
        half = q * (se / (est * (1 - est)) if logit_se is None else logit_se)
        return _expit(centre - half), _expit(centre + half)
    if method == "beta":
        return _korn_graubard(est, se, df, alpha, n)
    raise SurveyError(f"未知的置信区间方法 “{method}” (unknown CI method)")


def _expit(x: float) -> float:
    return 1.0 - 1.0 / (1.0 + math.exp(x))


def _korn_graubard(p: float, se: float, df: float, alpha: float, n: float) -> tuple[float, float]:
    """svyciprop(method="beta"): Clopper-Pearson with the design effective sample size."""
    n_eff = p * (1 - p) / se**2 if se > 0 else np.inf
    n_eff *= (stats.t.ppf(alpha / 2, n - 1) / stats.t.ppf(alpha / 2, df)) ** 2
    low = stats.beta.ppf(alpha / 2, n_eff * p, n_eff * (1 - p) + 1) if p > 0 else 0.0
    high = stats.beta.ppf(1 - alpha / 2, n_eff * p + 1, n_eff * (1 - p)) if p < 1 else 1.0
    return float(low), float(high)


def _package(stat, variable, levels, domains, res: Result, req: Request, ci, level, deff) -> list[Estimate]:
    out = []
    n_lev = 1 if levels is None else len(levels)
    for k in range(req.n_stat):
        g = int(req.stat_dom[k])
        est, var = float(res.estimate[k]), float(res.variance[k])
        se = math.sqrt(var) if var >= 0 else float("nan")
        n = int(res.n_obs[k])
        n_rows = float(res.n_rows[k]) if res.n_rows is not None else n
        logit_se = None if res.logit_var is None else math.sqrt(max(float(res.logit_var[k]), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            design_effect = float(np.float64(var) / res.vsrs[k]) if deff else None
        low, high = _interval(est, se, float(res.df[k]), ci, level, n_rows, logit_se)
        out.append(
            Estimate(
                stat=stat,
                variable=variable,
                level=None if levels is None else str(levels[k % n_lev]),
                domain=None if domains is None else domains[g],
                estimate=est,
                se=se,
                ci_low=float(low),
                ci_high=float(high),
                deff=design_effect,
                n=n,
                df=float(res.df[k]),
            )
        )
    return out


def _check_ci(ci: str, allowed: Sequence[str]) -> None:
    if ci not in allowed:
        raise SurveyError(f"置信区间方法 “{ci}” 不适用 (CI method '{ci}' not available here)")


# -- public estimators ------------------------------------------------------------------------------


def svymean(design: Design, variable: str, *, by=None, na_rm=False, deff=False, ci="normal", level=0.95):
    """Mean of a numeric variable (or the proportions of a factor's levels), overall or by domain."""
    values = column(design.data, variable)
    if values.dtype.kind not in "biuf":
        return svyprop(design, variable, by=by, na_rm=na_rm, deff=deff, ci=ci, level=level)
    _check_ci(ci, ("normal", "t"))
    dom, domains = _domains(design, by)
    n_dom = 1 if domains is None else len(domains)
    ok = _usable(values, variable, na_rm)
    req = _numeric_request(design, dom, n_dom, numeric(design.data, variable), np.ones(design.n), ok)
    return _package("mean", variable, None, domains, _evaluate(design, req, deff), req, ci, level, deff)


def svytotal(design: Design, variable: str, *, by=None, na_rm=False, deff=False, ci="normal", level=0.95):
    """Total of a numeric variable, or the estimated count of each level of a factor."""
    _check_ci(ci, ("normal", "t"))
    values = column(design.data, variable)
    dom, domains = _domains(design, by)
    n_dom = 1 if domains is None else len(domains)
    ok = _usable(values, variable, na_rm)
    if values.dtype.kind in "biuf":
        req = _numeric_request(design, dom, n_dom, numeric(design.data, variable), None, ok)
        levels = None
    else:
        req, levels = _factor_request(design, dom, n_dom, values, ok, ratio=False)
    return _package("total", variable, levels, domains, _evaluate(design, req, deff), req, ci, level, deff)


def svyprop(design: Design, variable: str, *, by=None, na_rm=False, deff=False, ci="logit", level=0.95):
    """Proportion of each category of ``variable``; ``ci`` as svyciprop: logit, beta, mean (or normal/t)."""
    _check_ci(ci, CI_METHODS)
    values = column(design.data, variable)
    dom, domains = _domains(design, by)
    n_dom = 1 if domains is None else len(domains)
    ok = _usable(values, variable, na_rm)
    req, levels = _factor_request(design, dom, n_dom, values, ok, ratio=True)
    return _package("prop", variable, levels, domains, _evaluate(design, req, deff), req, ci, level, deff)


def svyratio(
    design: Design,
    numerator: str,
    denominator: str,
    *,
    by=None,
    na_rm=False,
    deff=False,
    ci="normal",
    level=0.95,
):
    """Ratio of two totals, overall or by domain (R's svyratio / svyby(..., svyratio))."""
    _check_ci(ci, ("normal", "t"))
    num_raw, den_raw = column(design.data, numerator), column(design.data, denominator)
    ok = _usable(num_raw, numerator, na_rm) & _usable(den_raw, denominator, na_rm)
    dom, domains = _domains(design, by)
    n_dom = 1 if domains is None else len(domains)
    num, den = numeric(design.data, numerator), numeric(design.data, denominator)
    req = _numeric_request(design, dom, n_dom, num, den, ok)
    return _package(
        "ratio",
        f"{numerator}/{denominator}",
        None,
        domains,
        _evaluate(design, req, deff),
        req,
        ci,
        level,
        deff,
    )


# -- quantiles --------------------------------------------------------------------------------------


def _qrule_math(x_sorted: np.ndarray, cumw: np.ndarray, total: float, p: float) -> float:
    """R's qrule="math": the smallest x whose weighted CDF reaches p.

    ``cumw`` and ``total`` are accumulated in long double and rounded, as R's cumsum() and sum() are,
    so that ties at exactly p resolve as in R.
    """
    target = p * total
    # R's last() falls back to the first element when no cumulative weight is <= p * total.
    pos = max(int(np.searchsorted(cumw, target, side="right")) - 1, 0)
    if p - cumw[pos] / total == 0:
        return float(x_sorted[pos])
    return float(x_sorted[min(pos + 1, len(x_sorted) - 1)])


def svyquantile(
    design: Design,
    variable: str,
    quantiles: Sequence[float],
    *,
    by=None,
    na_rm=False,
    level: float = 0.95,
):
    """Quantiles (qrule="math") with Woodruff confidence intervals (interval.type="mean")."""
    values = column(design.data, variable)
    ok = _usable(values, variable, na_rm)
    x = numeric(design.data, variable)
    dom, domains = _domains(design, by)
    n_dom = 1 if domains is None else len(domains)
    w = design.weights
    alpha = 1 - level
    quantiles = [float(q) for q in np.atleast_1d(quantiles)]
    qhat = np.empty((len(quantiles), n_dom))
    sorted_parts = []
    for g in range(n_dom):
        rows = np.flatnonzero(ok & (dom == g) & (w != 0))
        order = rows[np.argsort(x[rows], kind="stable")]
        xs = x[order]
        cum_ld = np.cumsum(w[order].astype(np.longdouble))
        cw = cum_ld.astype(np.float64)
        total = float(cum_ld[-1]) if len(cum_ld) else 0.0
        sorted_parts.append((xs, cw, total))
        for i, p in enumerate(quantiles):
            qhat[i, g] = _qrule_math(xs, cw, total, p)
    out = []
    for i, p in enumerate(quantiles):
        below = (x <= qhat[i][dom]).astype(float)
        req = Request(
            dom=np.where(ok, dom, -1),
            n_dom=n_dom,
            a_val=np.where(ok, below, 0.0),
            a_col=np.where(ok, dom, -1),
            n_stat=n_dom,
            stat_dom=np.arange(n_dom),
            b_val=ok.astype(float),
        )
        res = _evaluate(design, req)
        for g in range(n_dom):
            df = float(res.df[g])
            crit = stats.norm.ppf(1 - alpha / 2) if not np.isfinite(df) else stats.t.ppf(1 - alpha / 2, df)
            pse = math.sqrt(res.variance[g])
            plow, phigh = res.estimate[g] - crit * pse, res.estimate[g] + crit * pse
            xs, cw, total = sorted_parts[g]
            low = _qrule_math(xs, cw, total, plow) if plow >= 0 else float("nan")
            high = _qrule_math(xs, cw, total, phigh) if phigh <= 1 else float("nan")
            out.append(
                Estimate(
                    stat="quantile",
                    variable=variable,
                    level=f"{p:g}",
                    domain=None if domains is None else domains[g],
                    estimate=float(qhat[i, g]),
                    se=float((high - low) / (2 * crit)),
                    ci_low=low,
                    ci_high=high,
                    deff=None,
                    n=int(res.n_obs[g]),
                    df=df,
                )
            )
    return out


def degf(design: Design) -> float:
    """Design degrees of freedom (R's degf)."""
    return design.degf()


__all__ = [
    "Estimate",
    "degf",
    "domain_degf",
    "svymean",
    "svyprop",
    "svyquantile",
    "svyratio",
    "svytotal",
]
