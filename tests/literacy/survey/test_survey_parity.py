"""Parity with R's survey package on the api data (reference numbers from fixtures/make_reference.R)."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from kexie.literacy import survey as sv

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "reference.json").read_text())
REL = 1e-6

POP_STYPE = {"E": 4421, "H": 755, "M": 1018}
POP_SCHWIDE = {"No": 1072, "Yes": 5122}
GREG_POP = {"(Intercept)": 6194, "stypeH": 755, "stypeM": 1018, "api99": 3914069}


@cache
def data(name: str) -> dict[str, np.ndarray]:
    return sv.read_csv(FIXTURES / f"{name}.csv")


def _boot_design() -> sv.ReplicateDesign:
    d = dict(data("apistrat"))
    counts = data("apistrat_boot")
    names = sorted(counts, key=lambda c: int(c[1:]))
    for name in names:
        d[name] = d["pw"] * counts[name]
    return sv.ReplicateDesign.from_columns(
        d, weights="pw", repweights=names, type="bootstrap", scale=REFERENCE["meta"]["boot_scale"]
    )


@cache
def design(name: str):
    if name == "srs":
        return sv.SurveyDesign(data("apisrs"), weights="pw", fpc="fpc")
    if name == "srs_nofpc":
        return sv.SurveyDesign(data("apisrs"), weights="pw")
    if name == "strat":
        return sv.SurveyDesign(data("apistrat"), weights="pw", strata="stype", fpc="fpc")
    if name == "strat_frac":
        return sv.SurveyDesign(data("apistrat"), weights="pw", strata="stype", fpc="frac")
    if name == "clus1":
        return sv.SurveyDesign(data("apiclus1"), weights="pw", ids="dnum", fpc="fpc")
    if name == "clus2":
        return sv.SurveyDesign(data("apiclus2"), ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    if name == "clus2_nofpc":
        return sv.SurveyDesign(data("apiclus2"), weights="pw", ids=["dnum", "snum"])
    if name == "strat_ps":
        return sv.post_stratify(design("strat"), "stype", POP_STYPE)
    if name == "clus1_ps":
        return sv.post_stratify(design("clus1"), "stype", POP_STYPE)
    if name == "clus1_rake":
        return sv.rake(design("clus1"), [("stype", POP_STYPE), ("sch.wide", POP_SCHWIDE)])
    if name == "clus1_greg":
        return sv.calibrate(design("clus1"), ["stype", "api99"], GREG_POP)
    if name == "clus2_greg":
        return sv.calibrate(design("clus2"), ["stype", "api99"], GREG_POP)
    if name == "strat_trim":
        return sv.trim_weights(design("strat"), upper=40)
    if name == "strat_jkn":
        return sv.as_replicate(design("strat"), "JKn")
    if name == "clus1_jk1":
        return sv.as_replicate(design("clus1"), "JK1")
    if name in ("strat_brr", "strat_fay"):
        base = sv.SurveyDesign(data("apistrat"), weights="pw", strata="stype", ids="half")
        return sv.as_replicate(base, "BRR") if name == "strat_brr" else sv.as_replicate(base, "Fay", rho=0.3)
    if name == "strat_boot":
        return _boot_design()
    if name == "clus1_jk1_ps":
        return sv.post_stratify(design("clus1_jk1"), "stype", POP_STYPE)
    if name == "clus1_jk1_rake":
        return sv.rake(design("clus1_jk1"), [("stype", POP_STYPE), ("sch.wide", POP_SCHWIDE)])
    if name == "clus1_jk1_greg":
        return sv.calibrate(design("clus1_jk1"), ["stype", "api99"], GREG_POP)
    if name.startswith("lonely_"):
        option = name.removeprefix("lonely_")
        return sv.SurveyDesign(data("apiclus1"), weights="pw", ids="dnum", strata="lstr", lonely_psu=option)
    raise KeyError(name)


def run_case(case: dict) -> list[sv.Estimate]:
    des = design(case["design"])
    by = case.get("by")
    ci = case.get("ci") or "normal"
    fn, var = case["fn"], case["var"]
    if fn == "mean":
        return sv.svymean(des, var, by=by, deff=True, ci=ci)
    if fn == "total":
        return sv.svytotal(des, var, by=by, deff=True, na_rm=True, ci=ci)
    if fn == "prop":
        return sv.svyprop(des, var, by=by, deff=True, ci=ci if case.get("ci") else "logit")
    if fn == "ratio":
        num, den = var.split("/")
        return sv.svyratio(des, num, den, by=by, deff=True, ci=ci)
    if fn == "quantile":
        return sv.svyquantile(des, var, case["quantiles"], by=by)
    raise KeyError(fn)


def _key(level, domain) -> tuple:
    dom = tuple(sorted((k, str(v)) for k, v in (domain or {}).items()))
    return (None if level is None else str(level), dom)


def _close(actual: float, expected: float | None, what: str, case: str) -> None:
    if expected is None:
        return
    assert math.isclose(actual, expected, rel_tol=REL, abs_tol=1e-12), (
        f"{case}: {what} {actual!r} != R {expected!r}"
    )


def _level_of(est: sv.Estimate, case: dict) -> str | None:
    if case["fn"] == "quantile":
        return f"{float(est.level):g}"
    return est.level


CASES = REFERENCE["cases"]


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['name']}-{c['fn']}-{c['var']}-{c.get('by')}" for c in CASES]
)
def test_matches_r(case: dict) -> None:
    ours = {_key(_level_of(e, case), e.domain): e for e in run_case(case)}
    for row in case["rows"]:
        level = row.get("level")
        if case["fn"] == "quantile":
            level = f"{float(level):g}"
        elif level is None and case.get("level"):
            level = case["level"]
        est = ours[_key(level, row.get("domain"))]
        _close(est.estimate, row["estimate"], "estimate", case["name"])
        _close(est.se, row.get("se"), "se", case["name"])
        if "deff" in row and row["deff"] is not None:
            _close(est.deff, row["deff"], "deff", case["name"])
        if "ci_low" in row:
            _close(est.ci_low, row["ci_low"], "ci_low", case["name"])
            _close(est.ci_high, row["ci_high"], "ci_high", case["name"])


@pytest.mark.parametrize("name", sorted(REFERENCE["meta"]["degf"]))
def test_degf_matches_r(name: str) -> None:
    expected = REFERENCE["meta"]["degf"][name]
    expected = expected[0] if isinstance(expected, list) else expected
    assert design(name).degf() == pytest.approx(expected)
