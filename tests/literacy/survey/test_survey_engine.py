"""Engine behaviour beyond R parity: error cases, bootstrap, BRR checks and CSV reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kexie.literacy import survey as sv

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def strat() -> dict[str, np.ndarray]:
    return sv.read_csv(FIXTURES / "apistrat.csv")


@pytest.fixture(scope="module")
def clus1() -> dict[str, np.ndarray]:
    return sv.read_csv(FIXTURES / "apiclus1.csv")


def test_read_csv_types(strat) -> None:
    assert strat["api00"].dtype.kind == "i"
    assert strat["pw"].dtype.kind == "f"
    assert strat["stype"].dtype == object
    clus2 = sv.read_csv(FIXTURES / "apiclus2.csv")
    assert np.isnan(clus2["enroll"]).sum() == 6


def test_bad_design_column_names_the_column(strat) -> None:
    with pytest.raises(sv.SurveyError) as info:
        sv.SurveyDesign(strat, weights="pw", strata="no_such")
    assert info.value.column == "no_such"
    assert "no_such" in str(info.value)


def test_bad_analysis_variable(strat) -> None:
    design = sv.SurveyDesign(strat, weights="pw", strata="stype")
    with pytest.raises(sv.SurveyError, match="api01"):
        sv.svymean(design, "api01")
    with pytest.raises(sv.SurveyError, match="stype"):
        sv.svyratio(design, "api00", "stype")


def test_missing_weight(strat) -> None:
    data = dict(strat)
    data["pw"] = data["pw"].copy()
    data["pw"][5] = np.nan
    with pytest.raises(sv.SurveyError) as info:
        sv.SurveyDesign(data, weights="pw", strata="stype")
    assert info.value.code == "missing_weight"
    assert "第 6 行" in str(info.value)


def test_missing_values_need_na_rm() -> None:
    clus2 = sv.read_csv(FIXTURES / "apiclus2.csv")
    design = sv.SurveyDesign(clus2, weights="pw", ids=["dnum", "snum"])
    with pytest.raises(sv.SurveyError, match="enroll"):
        sv.svytotal(design, "enroll")
    assert sv.svytotal(design, "enroll", na_rm=True)[0].n == 120


def test_lonely_psu_fail_names_stratum(clus1) -> None:
    design = sv.SurveyDesign(clus1, weights="pw", ids="dnum", strata="lstr", lonely_psu="fail")
    with pytest.raises(sv.SurveyError) as info:
        sv.svymean(design, "api00")
    assert info.value.code == "lonely_psu"
    assert "“A”" in str(info.value)
    with pytest.raises(sv.SurveyError, match="“A”"):
        sv.as_replicate(design, "JKn")


def test_lonely_psu_option_checked(clus1) -> None:
    with pytest.raises(sv.SurveyError):
        sv.SurveyDesign(clus1, weights="pw", ids="dnum", lonely_psu="strict")


def test_mixed_fpc_rejected(strat) -> None:
    data = dict(strat)
    data["bad"] = np.where(data["stype"] == "E", 0.5, 100.0)
    with pytest.raises(sv.SurveyError, match="fpc"):
        sv.SurveyDesign(data, weights="pw", strata="stype", fpc="bad")


def test_rake_reports_non_convergence(clus1) -> None:
    design = sv.SurveyDesign(clus1, weights="pw", ids="dnum", fpc="fpc")
    margins = [("stype", {"E": 4421, "H": 755, "M": 1018}), ("sch.wide", {"No": 1072, "Yes": 5122})]
    with pytest.raises(sv.SurveyError, match="未收敛"):
        sv.rake(design, margins, epsilon=1e-14, maxit=1)
    raked = sv.rake(design, margins, epsilon=1e-9, maxit=100)
    totals = {e.level: e.estimate for e in sv.svytotal(raked, "sch.wide")}
    assert totals["Yes"] == pytest.approx(5122, rel=1e-9)


def test_population_must_cover_sample(strat) -> None:
    design = sv.SurveyDesign(strat, weights="pw", strata="stype")
    with pytest.raises(sv.SurveyError, match="H"):
        sv.post_stratify(design, "stype", {"E": 4421, "M": 1018})


def test_brr_needs_two_psus_per_stratum(strat) -> None:
    design = sv.SurveyDesign(strat, weights="pw", strata="stype")
    with pytest.raises(sv.SurveyError, match="BRR"):
        sv.as_replicate(design, "BRR")


def test_bootstrap_is_seeded_and_close_to_linearisation(strat) -> None:
    design = sv.SurveyDesign(strat, weights="pw", strata="stype")
    a = sv.as_replicate(design, "bootstrap", replicates=400, seed=7)
    b = sv.as_replicate(design, "bootstrap", replicates=400, seed=7)
    se_a = sv.svymean(a, "api00")[0].se
    assert se_a == sv.svymean(b, "api00")[0].se
    se_lin = sv.svymean(design, "api00")[0].se
    assert se_a == pytest.approx(se_lin, rel=0.15)


def test_domain_estimates_use_full_design(strat) -> None:
    """A domain mean must not equal the estimate from a subset design (svyby semantics)."""
    design = sv.SurveyDesign(strat, weights="pw")
    by = {e.domain["stype"]: e for e in sv.svymean(design, "api00", by="stype")}
    rows = strat["stype"] == "H"
    sub = sv.SurveyDesign({k: v[rows] for k, v in strat.items()}, weights="pw")
    alone = sv.svymean(sub, "api00")[0]
    assert by["H"].estimate == pytest.approx(alone.estimate)
    assert by["H"].se != pytest.approx(alone.se, rel=1e-6)


def test_trim_weights_bounds_and_total(strat) -> None:
    design = sv.SurveyDesign(strat, weights="pw", strata="stype")
    trimmed = sv.trim_weights(design, upper=40, strict=True)
    assert trimmed.weights.max() <= 40 + 1e-9
    assert trimmed.weights.sum() == pytest.approx(design.weights.sum())


def test_quantile_interval_contains_estimate(strat) -> None:
    design = sv.SurveyDesign(strat, weights="pw", strata="stype", fpc="fpc")
    for est in sv.svyquantile(design, "api00", [0.1, 0.5, 0.9], by="stype"):
        assert est.ci_low <= est.estimate <= est.ci_high


def _half_sampled(n_psu: int = 10, population: int = 20) -> dict[str, np.ndarray]:
    """Two strata of ``n_psu`` PSUs each, sampled from ``population`` (f = 0.5), and a census stratum."""
    rng = np.random.default_rng(3)
    stratum = np.repeat(["a", "b", "c"], n_psu)
    return {
        "h": stratum,
        "y": rng.normal(10, 3, 3 * n_psu),
        "N": np.where(stratum == "c", n_psu, population).astype(float),
    }


def test_bootstrap_with_fpc_draws_without_replacement_as_r() -> None:
    """R's bootstratum: n_h draws without replacement from N_h copies of the sampled PSUs."""
    data = _half_sampled()
    design = sv.SurveyDesign(data, strata="h", fpc="N")
    boot = sv.as_replicate(design, "bootstrap", replicates=300, seed=11)
    multipliers = boot.repweights / design.weights[:, None]
    for h in "abc":
        rows = data["h"] == h
        assert np.allclose(multipliers[rows].sum(axis=0), rows.sum())
    # N_h = 2 n_h: each PSU has two copies, so it is drawn at most twice.
    assert multipliers[data["h"] != "c"].max() <= 2 + 1e-12
    # A census stratum (N_h = n_h) keeps every PSU once in every replicate: no variance.
    assert np.allclose(multipliers[data["h"] == "c"], 1.0)


def test_bootstrap_variance_follows_the_fpc() -> None:
    data = _half_sampled(n_psu=12, population=24)
    with_fpc = sv.SurveyDesign(data, strata="h", fpc="N")
    without = sv.SurveyDesign(data, strata="h")
    se_fpc = sv.svymean(sv.as_replicate(with_fpc, "bootstrap", replicates=3000, seed=5), "y")[0].se
    se_wr = sv.svymean(sv.as_replicate(without, "bootstrap", replicates=3000, seed=5), "y")[0].se
    assert se_fpc == pytest.approx(sv.svymean(with_fpc, "y")[0].se, rel=0.1)
    assert se_wr == pytest.approx(sv.svymean(without, "y")[0].se, rel=0.1)
    assert se_fpc < 0.85 * se_wr
