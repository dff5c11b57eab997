"""Probability sampling designs and their Taylor-linearisation variance (R ``survey``'s svyrecvar).

A design keeps integer codes for strata, PSUs (nested in strata) and SSUs (nested in PSUs), sorted so
that PSUs of one stratum are contiguous and SSUs of one PSU are contiguous. Variances are computed
from PSU (and SSU) totals of influence values with ``np.bincount``/``np.add.reduceat``: the engine
never loops over groups in Python.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .data import Data, SurveyError, column, encode, is_missing, numeric

LONELY_PSU_OPTIONS = ("fail", "remove", "adjust", "average", "certainty")
SELF_REPRESENTING = 1e-7


@dataclass
class CalibrationStep:
    """One residualisation ``x <- x - D @ Minv @ F.T @ x`` applied to influence values.

    Post-stratification, GREG calibration and each raking margin are all of this form (see R's
    svyrecvar). ``D`` and ``F`` are n x p, ``Minv`` is p x p.
    """

    D: np.ndarray
    F: np.ndarray
    Minv: np.ndarray


@dataclass
class Calibration:
    """The calibration steps of a design and the order R applies them in (raking repeats margins)."""

    steps: list[CalibrationStep] = field(default_factory=list)
    order: list[int] = field(default_factory=list)

    def extended(self, steps: Sequence[CalibrationStep], repeat: int = 1) -> Calibration:
        start = len(self.steps)
        new_order = list(range(start, start + len(steps))) * repeat
        return Calibration(self.steps + list(steps), self.order + new_order)


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def _group_starts(codes_sorted: np.ndarray, ngroups: int) -> np.ndarray:
    counts = np.bincount(codes_sorted, minlength=ngroups)
    return np.concatenate(([0], np.cumsum(counts)[:-1]))


class SurveyDesign:
    """A stratified one- or two-stage cluster design with weights and finite population corrections.

    Parameters mirror R's ``svydesign``: ``weights`` (a column of sampling weights), ``strata``,
    ``ids`` (PSU column, or PSU and SSU columns), ``fpc`` (one column per stage: population sizes if
    > 1, sampling fractions if <= 1) and ``lonely_psu`` (R's ``survey.lonely.psu``). PSU ids are
    always treated as nested in strata and SSU ids as nested in PSUs (R's ``nest=TRUE``).
    """

    def __init__(
        self,
        data: Data,
        *,
        weights: str | None = None,
        strata: str | None = None,
        ids: str | Sequence[str] | None = None,
        fpc: str | Sequence[str] | None = None,
        lonely_psu: str = "fail",
    ) -> None:
        if lonely_psu not in LONELY_PSU_OPTIONS:
            raise SurveyError(f"未知的 lonely_psu 选项 “{lonely_psu}” (unknown lonely_psu option)")
        self.data = data
        self.lonely_psu = lonely_psu
        self.strata_name = strata
        self.id_names = _as_list(ids)
        self.fpc_names = _as_list(fpc)
        if len(self.id_names) > 2:
            raise SurveyError("最多支持两级抽样 (at most two sampling stages are supported)")
        if self.fpc_names and len(self.fpc_names) > max(1, len(self.id_names)):
            raise SurveyError("fpc 列数多于抽样阶段数 (more fpc columns than stages)")
        self.n = self._row_count(data)
        self._build_structure()
        self._build_fpc()
        self.base_weights = self._build_weights(weights)
        self.weights = self.base_weights.copy()
        self.calibration = Calibration()
        self.cache: dict = {}

    # -- construction -------------------------------------------------------------------------------
    @staticmethod
    def _row_count(data: Data) -> int:
        if not data:
            raise SurveyError("数据为空 (no data)")
        return len(next(iter(data.values())))

    def _codes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        values = column(self.data, name)
        if is_missing(values).any():
            raise SurveyError(
                f"设计列 “{name}” 有缺失值 (design column '{name}' has missing values)", column=name
            )
        return encode(values)

    def _build_structure(self) -> None:
        n = self.n
        if self.strata_name:
            h, self.strata_levels = self._codes(self.strata_name)
        else:
            h, self.strata_levels = np.zeros(n, dtype=np.int64), np.array(["1"])
        self.n_strata = len(self.strata_levels)
        psu_raw = self._codes(self.id_names[0])[0] if self.id_names else np.arange(n, dtype=np.int64)
        # PSU codes sorted by (stratum, psu): PSUs of one stratum are contiguous.
        psu, self.psu_levels = encode(h * (int(psu_raw.max()) + 1) + psu_raw)
        self.psu = psu
        self.n_psu = len(self.psu_levels)
        self.psu_stratum = np.zeros(self.n_psu, dtype=np.int64)
        self.psu_stratum[self.psu] = h
        self.stratum = h
        self.n_psu_h = np.bincount(self.psu_stratum, minlength=self.n_strata)
        self.stratum_starts = _group_starts(self.psu_stratum, self.n_strata)
        self.ssu = None
        if len(self.id_names) == 2:
            ssu_raw = self._codes(self.id_names[1])[0]
            self.ssu = encode(self.psu * (int(ssu_raw.max()) + 1) + ssu_raw)[0]
            self.n_ssu = int(self.ssu.max()) + 1
            self.ssu_psu = np.zeros(self.n_ssu, dtype=np.int64)
            self.ssu_psu[self.ssu] = self.psu
            self.n_ssu_i = np.bincount(self.ssu_psu, minlength=self.n_psu)
            self.psu_starts = _group_starts(self.ssu_psu, self.n_psu)

    def _build_fpc(self) -> None:
        self.pop1_h = np.full(self.n_strata, np.inf)
        self.pop2_i = np.full(self.n_psu, np.inf) if self.ssu is not None else None
        self.has_fpc = bool(self.fpc_names)
        if not self.fpc_names:
            return
        raw = [numeric(self.data, name) for name in self.fpc_names]
        all_values = np.concatenate(raw)
        is_popsize = bool((all_values > 1).any())
        if is_popsize and (all_values < 1).any():
            raise SurveyError(
                "fpc 必须全部 ≥1（总体规模）或全部 ≤1（抽样比）(fpc must be all >=1 or all <=1)"
            )
        self.pop1_h = self._popsize(raw[0], self.stratum, self.n_strata, self.n_psu_h, is_popsize)
        if len(raw) > 1 and self.ssu is not None:
            self.pop2_i = self._popsize(raw[1], self.psu, self.n_psu, self.n_ssu_i, is_popsize)
        name = self.fpc_names[0]
        if (self.pop1_h < self.n_psu_h).any():
            raise SurveyError(f"fpc 列 “{name}” 小于样本 PSU 数 (fpc implies >100% sampling)", column=name)

    @staticmethod
    def _popsize(values: np.ndarray, group: np.ndarray, ngroups: int, sampled: np.ndarray, is_popsize: bool):
        if np.isnan(values).any():
            raise SurveyError("fpc 列有缺失值 (fpc column has missing values)")
        per_group = np.zeros(ngroups)
        per_group[group] = values
        return per_group if is_popsize else sampled / per_group

    def _build_weights(self, weights: str | None) -> np.ndarray:
        if weights is not None:
            w = numeric(self.data, weights)
            if np.isnan(w).any():
                bad = int(np.flatnonzero(np.isnan(w))[0]) + 1
                raise SurveyError(
                    f"权重列 “{weights}” 第 {bad} 行缺失 (missing weight in column '{weights}', row {bad})",
                    code="missing_weight",
                    column=weights,
                )
            if (w < 0).any():
                raise SurveyError(f"权重列 “{weights}” 有负值 (negative weights)", column=weights)
            return w.astype(np.float64)
        if self.has_fpc:
            w = (self.pop1_h / self.n_psu_h)[self.stratum]
            if self.pop2_i is not None and np.isfinite(self.pop2_i).all():
                w = w * (self.pop2_i / self.n_ssu_i)[self.psu]
            return w
        return np.ones(self.n)

    # -- derived designs ---------------------------------------------------------------------------
    def _with(self, weights: np.ndarray, calibration: Calibration | None = None) -> SurveyDesign:
        new = copy.copy(self)
        new.weights = np.asarray(weights, dtype=np.float64)
        if calibration is not None:
            new.calibration = calibration
        return new

    @property
    def calibrated(self) -> bool:
        return bool(self.calibration.steps)

    def degf(self, rows: np.ndarray | None = None) -> float:
        """R's degf(): PSUs minus strata among rows with non-zero weight (optionally within ``rows``)."""
        inset = self.weights != 0
        if rows is not None:
            inset &= rows
        psu_present = np.bincount(self.psu[inset], minlength=self.n_psu) > 0
        strata_present = np.bincount(self.stratum[inset], minlength=self.n_strata) > 0
        return float(psu_present.sum() - strata_present.sum())

    # -- variance ----------------------------------------------------------------------------------
    def stage_fraction(self) -> np.ndarray:
        """Per stratum ``(N-n)/N``, or 1 where there is no fpc (R's ``f`` in onestrat)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(np.isinf(self.pop1_h), 1.0, (self.pop1_h - self.n_psu_h) / self.pop1_h)
        return f

    def lonely_strata(self) -> np.ndarray:
        """Strata with a single sampled PSU that are not self-representing."""
        return (self.n_psu_h == 1) & (self.stage_fraction() >= SELF_REPRESENTING)

    def check_lonely(self, present: np.ndarray) -> None:
        """Raise under ``fail`` when a lonely stratum is used; ``present`` is strata x domains."""
        if self.lonely_psu != "fail":
            return
        lonely = self.lonely_strata() & present.any(axis=1)
        if lonely.any():
            label = self.strata_levels[int(np.flatnonzero(lonely)[0])]
            raise SurveyError(
                f"层 “{label}” 只有一个 PSU (stratum '{label}' has only one PSU at stage 1)",
                code="lonely_psu",
                column=self.strata_name,
            )

    def stratified_variance(self, psu_totals: np.ndarray, present: np.ndarray, stat_domain: np.ndarray):
        """Stage-1 variance of each column of ``psu_totals`` (n_psu x K).

        ``present`` (strata x domains) says which strata hold rows of each domain; ``stat_domain``
        maps each column to its domain. Both only matter for ``lonely_psu='average'``.
        """
        f = self.stage_fraction()
        n_h = self.n_psu_h
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(n_h > 1, f * n_h / np.maximum(n_h - 1, 1), f)
        scale = np.where(f < SELF_REPRESENTING, 0.0, scale)
        sums = np.add.reduceat(psu_totals, self.stratum_starts, axis=0)
        means = sums / n_h[:, None]
        lonely = self.lonely_strata()
        if self.lonely_psu == "adjust":
            means[lonely] = 0.0  # R leaves a lonely PSU's total uncentred under "adjust"
        centred = psu_totals - means[self.psu_stratum]
        ss = np.add.reduceat(centred * centred, self.stratum_starts, axis=0) * scale[:, None]
        if self.lonely_psu in ("remove", "certainty", "fail"):
            ss[lonely] = 0.0
        if self.lonely_psu == "average" and lonely.any():
            ss[lonely] = 0.0
            pres = present if not self.calibrated else np.ones_like(present)
            nstrat = pres.sum(axis=0)
            nok = (pres & ~lonely[:, None]).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(nok > 0, nstrat / nok, np.nan)
            return ss.sum(axis=0) * factor[stat_domain]
        return ss.sum(axis=0)

    def second_stage_variance(self, ssu_totals: np.ndarray) -> np.ndarray:
        """Stage-2 variance (R adds it only when fpc is given), weighted by the stage-1 fraction."""
        n2 = self.n_ssu_i
        with np.errstate(invalid="ignore", divide="ignore"):
            f2 = np.where(np.isinf(self.pop2_i), 1.0, (self.pop2_i - n2) / self.pop2_i)
            frac1 = (self.n_psu_h / self.pop1_h)[self.psu_stratum]
        scale = np.where(n2 > 1, f2 * n2 / np.maximum(n2 - 1, 1), f2) * frac1
        scale = np.where(f2 < SELF_REPRESENTING, 0.0, scale)
        lonely = (n2 == 1) & (f2 >= SELF_REPRESENTING)
        if lonely.any() and self.lonely_psu == "fail":
            raise SurveyError(
                f"PSU “{self.id_names[0]}” 在第二阶段只有一个 SSU (a PSU has only one SSU at stage 2)",
                code="lonely_psu",
                column=self.id_names[0],
            )
        sums = np.add.reduceat(ssu_totals, self.psu_starts, axis=0)
        means = sums / n2[:, None]
        if self.lonely_psu == "adjust":
            means[lonely] = 0.0
        centred = ssu_totals - means[self.ssu_psu]
        ss = np.add.reduceat(centred * centred, self.psu_starts, axis=0) * scale[:, None]
        if self.lonely_psu != "adjust":
            ss[lonely] = 0.0
        return ss.sum(axis=0)

    @property
    def uses_second_stage(self) -> bool:
        return self.ssu is not None and self.has_fpc

    def describe(self) -> dict:
        return {
            "rows": self.n,
            "strata": self.n_strata,
            "psus": self.n_psu,
            "ssus": int(self.n_ssu) if self.ssu is not None else None,
            "fpc": self.has_fpc,
            "lonely_psu": self.lonely_psu,
            "calibrated": self.calibrated,
        }
