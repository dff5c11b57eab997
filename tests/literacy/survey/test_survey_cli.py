"""`kexie survey estimate` through Django's call_command (no database needed)."""

from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = json.loads((FIXTURES / "reference.json").read_text())
FIELDS = ("stat", "variable", "level", "domain", "estimate", "se", "ci_low", "ci_high", "deff", "n")


def reference(name: str, fn: str, by: list[str] | None = None) -> list[dict]:
    for case in REFERENCE["cases"]:
        if case["name"] == name and case["fn"] == fn and case.get("by") == by:
            return case["rows"]
    raise KeyError((name, fn, by))


def run(*args: str) -> list[dict]:
    out = StringIO()
    call_command("survey", "estimate", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_stratified_mean_and_proportion_by_domain_match_r() -> None:
    rows = run(
        str(FIXTURES / "apistrat.csv"),
        *("--weights", "pw", "--strata", "stype", "--fpc", "fpc"),
        *("--mean", "api00", "--prop", "awards", "--by", "stype"),
    )
    assert set(rows[0]) == set(FIELDS)
    means = {r["domain"]["stype"]: r for r in rows if r["stat"] == "mean"}
    for ref in reference("strat", "mean", ["stype"]):
        ours = means[ref["domain"]["stype"]]
        assert math.isclose(ours["estimate"], ref["estimate"], rel_tol=1e-6)
        assert math.isclose(ours["se"], ref["se"], rel_tol=1e-6)
        assert math.isclose(ours["deff"], ref["deff"], rel_tol=1e-6)
    props = {(r["domain"]["stype"], r["level"]): r for r in rows if r["stat"] == "prop"}
    for ref in reference("strat", "prop", ["stype"]):
        ours = props[(ref["domain"]["stype"], ref["level"])]
        assert math.isclose(ours["estimate"], ref["estimate"], rel_tol=1e-6)
        assert math.isclose(ours["se"], ref["se"], rel_tol=1e-6)
    assert means["E"]["n"] == 100


def test_two_stage_ratio_total_and_beta_interval() -> None:
    rows = run(
        str(FIXTURES / "apiclus1.csv"),
        *("--weights", "pw", "--psu", "dnum", "--fpc", "fpc", "--ci", "beta"),
        *("--ratio", "api00/api99", "--total", "enroll", "--prop", "awards"),
    )
    ratio = next(r for r in rows if r["stat"] == "ratio")
    ref = reference("clus1", "ratio")[0]
    assert math.isclose(ratio["estimate"], ref["estimate"], rel_tol=1e-6)
    assert math.isclose(ratio["se"], ref["se"], rel_tol=1e-6)
    yes = next(r for r in rows if r["stat"] == "prop" and r["level"] == "Yes")
    ref = reference("clus1_beta", "prop")[0]
    assert math.isclose(yes["ci_low"], ref["ci_low"], rel_tol=1e-6)
    assert math.isclose(yes["ci_high"], ref["ci_high"], rel_tol=1e-6)


def test_rake_file_and_replicate_weights(tmp_path: Path) -> None:
    margins = tmp_path / "margins.csv"
    margins.write_text("variable,level,total\nstype,E,4421\nstype,H,755\nstype,M,1018\n")
    rows = run(
        str(FIXTURES / "apiclus1.csv"),
        *("--weights", "pw", "--psu", "dnum", "--fpc", "fpc", "--replicate", "jk1", "--rake", str(margins)),
        *("--mean", "api00"),
    )
    ref = reference("clus1_jk1_ps", "mean")[0]
    assert math.isclose(rows[0]["estimate"], ref["estimate"], rel_tol=1e-6)
    assert math.isclose(rows[0]["se"], ref["se"], rel_tol=1e-6)


def test_raking_two_margins(tmp_path: Path) -> None:
    margins = tmp_path / "margins.csv"
    margins.write_text(
        "variable,level,total\nstype,E,4421\nstype,H,755\nstype,M,1018\nsch.wide,No,1072\nsch.wide,Yes,5122\n"
    )
    rows = run(
        str(FIXTURES / "apiclus1.csv"),
        *("--weights", "pw", "--psu", "dnum", "--fpc", "fpc", "--rake", str(margins), "--mean", "api00"),
    )
    ref = reference("clus1_rake", "mean")[0]
    assert math.isclose(rows[0]["se"], ref["se"], rel_tol=1e-6)


def test_bad_column_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="nope"):
        run(str(FIXTURES / "apistrat.csv"), "--weights", "pw", "--strata", "nope", "--mean", "api00")
    with pytest.raises(CommandError, match="api01"):
        run(str(FIXTURES / "apistrat.csv"), "--weights", "pw", "--mean", "api01")


def test_missing_weight_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("w,y\n1.5,3\n,4\n2,5\n")
    with pytest.raises(CommandError, match="权重列 “w” 第 2 行缺失"):
        run(str(path), "--weights", "w", "--mean", "y")


def test_lonely_psu_fails_naming_the_stratum() -> None:
    args = (str(FIXTURES / "apiclus1.csv"), "--weights", "pw", "--psu", "dnum", "--strata", "lstr")
    with pytest.raises(CommandError, match="层 “A” 只有一个 PSU"):
        run(*args, "--mean", "api00")
    rows = run(*args, "--mean", "api00", "--lonely-psu", "certainty")
    ref = reference("lonely_certainty", "mean")[0]
    assert math.isclose(rows[0]["se"], ref["se"], rel_tol=1e-6)


def test_missing_file_and_no_statistic() -> None:
    with pytest.raises(CommandError, match="找不到数据文件"):
        run("/nonexistent.csv", "--weights", "pw", "--mean", "y")
    with pytest.raises(CommandError, match="至少指定一个统计量"):
        run(str(FIXTURES / "apistrat.csv"), "--weights", "pw")
