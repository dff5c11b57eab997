"""Weighting: post-stratification, raking, linear (GREG) calibration and weight trimming.

On a :class:`SurveyDesign` each adjustment stores the residualisation R's svyrecvar applies to
influence values, so standard errors account for the calibration. On a :class:`ReplicateDesign`
every replicate is calibrated in the same way as the full-sample weights, as R does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .data import SurveyError, column, encode_many, numeric
from .design import CalibrationStep, SurveyDesign
from .replicate import ReplicateDesign

Design = SurveyDesign | ReplicateDesign
RAKE_VARIANCE_SWEEPS = 10  # R's svyrecvar iterates the raking residuals ten times


def _names(variables: str | Sequence[str]) -> list[str]:
    if isinstance(variables, str):
        return [v.strip() for v in variables.split(",") if v.strip()]
    return list(variables)


def _key(levels: tuple) -> tuple:
    return tuple(str(v) for v in levels)


def _cells(design: Design, variables: Sequence[str], population: Mapping, partial: bool):
    """Cell code of each row and the population total of each cell."""
    codes, levels = encode_many([column(design.data, v) for v in variables])
    wanted = {_key(k if isinstance(k, tuple) else (k,)): float(v) for k, v in population.items()}
    totals = np.empty(len(levels))
    for j, lv in enumerate(levels):
        if _key(lv) not in wanted:
            raise SurveyError(
                f"样本中的类别 {lv} 在总体表中不存在 (cell {lv} of {', '.join(variables)} missing from population)",
                code="bad_population",
            )
        totals[j] = wanted.pop(_key(lv))
    leftover = [k for k, v in wanted.items() if v != 0]
    if leftover and not partial:
        raise SurveyError(
            f"总体表中的类别 {leftover[0]} 在样本中不存在 (population cell absent from sample)",
            code="bad_population",
        )
    return codes, totals


def _onehot(codes: np.ndarray, ncols: int) -> np.ndarray:
    out = np.zeros((len(codes), ncols))
    out[np.arange(len(codes)), codes] = 1.0
    return out


def _cell_totals(codes: np.ndarray, ncells: int, weights: np.ndarray) -> np.ndarray:
    """ncells x columns weighted totals of a weight vector or matrix."""
    ind = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(ncells, len(codes)))
    return np.asarray(ind @ weights)


def _poststratified(codes: np.ndarray, totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    est = _cell_totals(codes, len(totals), weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(est > 0, totals.reshape(est.shape[:1] + (1,) * (est.ndim - 1)) / est, 0.0)
    return weights * ratio[codes]


def _ps_step(codes: np.ndarray, ncells: int, old: np.ndarray, new: np.ndarray, weighted: bool):
    psw = np.where((new == 0) & (old == 0), 1.0, new)
    onehot = _onehot(codes, ncells)
    if weighted:
        denom = np.bincount(codes, weights=old, minlength=ncells)
        return CalibrationStep(onehot * psw[:, None], onehot * (old / psw)[:, None], np.diag(1.0 / denom))
    counts = np.bincount(codes, minlength=ncells).astype(float)
    return CalibrationStep(onehot * psw[:, None], onehot / psw[:, None], np.diag(1.0 / counts))


def post_stratify(design: Design, variables: str | Sequence[str], population: Mapping, partial: bool = False):
    """Post-stratify to known cell totals; ``population`` maps a level (tuple of levels) to a total."""
    names = _names(variables)
    codes, totals = _cells(design, names, population, partial)
    if isinstance(design, ReplicateDesign):
        stacked = _poststratified(codes, totals, np.column_stack([design.weights, design.repweights]))
        return design._with(stacked[:, 0], stacked[:, 1:])
    new = _poststratified(codes, totals, design.weights)
    step = _ps_step(codes, len(totals), design.weights, new, weighted=True)
    return design._with(new, design.calibration.extended([step]))


def rake(
    design: Design,
    margins: Sequence[tuple[str | Sequence[str], Mapping]],
    *,
    epsilon: float = 1.0,
    maxit: int = 10,
):
    """Iterative proportional fitting to several margins, as R's ``rake``.

    Stops when the joint weighted table changes by less than ``epsilon`` (a fraction of the total
    weight when below 1) or after ``maxit`` sweeps; raises if it has not converged.
    """
    cells = [_cells(design, _names(vars_), pop, False) for vars_, pop in margins]
    joint, _ = encode_many([column(design.data, v) for vars_, _ in margins for v in _names(vars_)])
    is_rep = isinstance(design, ReplicateDesign)
    w = np.column_stack([design.weights, design.repweights]) if is_rep else design.weights.copy()
    main = (lambda m: m[:, 0]) if is_rep else (lambda m: m)
    tol = epsilon * main(w).sum() if epsilon < 1 else epsilon
    old_table = np.bincount(joint, weights=main(w))
    converged = False
    for _ in range(maxit):
        history = []
        for codes, totals in cells:
            before = w
            w = _poststratified(codes, totals, w)
            history.append((codes, len(totals), main(before), main(w)))
        table = np.bincount(joint, weights=main(w))
        if np.max(np.abs(table - old_table)) < tol:
            converged = True
            break
        old_table = table
    if not converged:
        raise SurveyError(f"迭代加权 {maxit} 次后仍未收敛 (raking did not converge after {maxit} iterations)")
    if is_rep:
        return design._with(w[:, 0], w[:, 1:])
    steps = [_ps_step(c, k, old, new, weighted=False) for c, k, old, new in history]
    return design._with(w, design.calibration.extended(steps, repeat=RAKE_VARIANCE_SWEEPS))


def model_matrix(
    design: Design, variables: Sequence[str], intercept: bool = True
) -> tuple[np.ndarray, list[str]]:
    """R-style model matrix: numeric columns as is, factors as treatment dummies named ``varLevel``."""
    cols: list[np.ndarray] = []
    names: list[str] = []
    if intercept:
        cols.append(np.ones(design.n))
        names.append("(Intercept)")
    for var in variables:
        values = column(design.data, var)
        if values.dtype.kind in "biuf":
            cols.append(numeric(design.data, var))
            names.append(var)
            continue
        codes, levels = encode_many([values])
        drop_first = intercept or len(names) > 0
        for j, lv in enumerate(levels):
            if j == 0 and drop_first:
                continue
            cols.append((codes == j).astype(float))
            names.append(f"{var}{lv[0]}")
    return np.column_stack(cols), names


def _population_vector(names: list[str], population: Mapping[str, float]) -> np.ndarray:
    missing = [n for n in names if n not in population]
    if missing:
        raise SurveyError(f"缺少总体总量 “{missing[0]}” (population total for '{missing[0]}' missing)")
    return np.array([float(population[n]) for n in names])


def calibrate(
    design: Design, variables: Sequence[str], population: Mapping[str, float], intercept: bool = True
):
    """Linear (GREG) calibration: ``g = 1 + x'T^{-1}(t_pop - t_hat)`` as R's calibrate(calfun="linear")."""
    x, names = model_matrix(design, _names(variables), intercept)
    target = _population_vector(names, population)
    if isinstance(design, ReplicateDesign):
        stacked = np.column_stack([design.weights, design.repweights])
        new = np.empty_like(stacked)
        for r in range(stacked.shape[1]):
            new[:, r] = stacked[:, r] * _greg_g(x, stacked[:, r], target)[0]
        return design._with(new[:, 0], new[:, 1:])
    g, tinv = _greg_g(x, design.weights, target)
    new = design.weights * g
    step = CalibrationStep(x * new[:, None], x / g[:, None], tinv)
    return design._with(new, design.calibration.extended([step]))


def _greg_g(x: np.ndarray, w: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tmat = x.T @ (x * w[:, None])
    try:
        tinv = np.linalg.inv(tmat)
    except np.linalg.LinAlgError as exc:
        raise SurveyError("校准变量共线 (calibration variables are collinear)") from exc
    return 1.0 + x @ (tinv @ (target - w @ x)), tinv


def _trimmed(w: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Clip each column to [lower, upper] and spread what was cut over its untrimmed rows."""
    outside = (w < lower) | (w > upper)
    new = np.clip(w, lower, upper)
    spread = (w - new).sum(axis=0) / np.maximum((~outside).sum(axis=0), 1)
    return np.where(outside, new, new + spread)


def trim_weights(design: Design, lower: float = -np.inf, upper: float = np.inf, strict: bool = False):
    """Trim weights to [lower, upper], spreading the trimmed amount over the untrimmed rows (R).

    On a replicate design each replicate column is trimmed in the same way as the full-sample weights.
    """
    w = design.weights
    if not ((w < lower) | (w > upper)).any():
        return design
    if isinstance(design, ReplicateDesign):
        trimmed = design._with(_trimmed(w, lower, upper), _trimmed(design.repweights, lower, upper))
    else:
        trimmed = design._with(_trimmed(w, lower, upper))
    return trim_weights(trimmed, lower, upper, strict=True) if strict else trimmed
