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


def _by_key(rows: list[dict]) -> dict:
    return {(r["level"], tuple(sorted((r["domain"] or {}).items()))): r for r in rows}


def _assert_matches(rows: list[dict], ref_rows: list[dict], default_level: str | None = None) -> None:
    ours = _by_key(rows)
    for ref in ref_rows:
        key = (ref.get("level") or default_level, tuple(sorted((ref.get("domain") or {}).items())))
        row = ours[key]
        for field in ("estimate", "se", "ci_low", "ci_high", "deff"):
            if ref.get(field) is not None and not (field == "deff" and abs(ref["se"]) < 1e-12):
                assert math.isclose(row[field], ref[field], rel_tol=1e-6, abs_tol=1e-12), (field, row, ref)


FLAG_CASES = [
    # (reference design, data file, design flags, statistic flags, reference fn, by)
    (
        "clus2",
        "apiclus2.csv",
        ["--psu", "dnum,snum", "--fpc", "fpc1,fpc2", "--weights", "pw"],
        ["--mean", "api00"],
    ),
    (
        "clus2_frac",
        "apiclus2.csv",
        ["--psu", "dnum,snum", "--fpc", "frac1,frac2", "--weights", "pw"],
        ["--mean", "api00"],
    ),
    (
        "strat_frac",
        "apistrat.csv",
        ["--weights", "pw", "--strata", "stype", "--fpc", "frac"],
        ["--mean", "api00"],
    ),
    (
        "strat_jkn",
        "apistrat.csv",
        ["--weights", "pw", "--strata", "stype", "--fpc", "fpc", "--replicate", "jkn"],
        ["--mean", "api00"],
    ),
    (
        "strat_brr",
        "apistrat.csv",
        ["--weights", "pw", "--strata", "stype", "--psu", "half", "--replicate", "brr"],
        ["--mean", "api00"],
    ),
    (
        "strat_fay",
        "apistrat.csv",
        ["--weights", "pw", "--strata", "stype", "--psu", "half", "--replicate", "fay=0.3"],
        ["--mean", "api00"],
    ),
]


@pytest.mark.parametrize("name,fixture,design,stat", FLAG_CASES, ids=[c[0] for c in FLAG_CASES])
def test_design_flags_match_r(name: str, fixture: str, design: list[str], stat: list[str]) -> None:
    # clus2's fpc1/fpc2 define the weights; --weights pw gives the same (pw = 1 / inclusion probability).
    rows = run(str(FIXTURES / fixture), *design, *stat, "--by", "stype,sch.wide")
    _assert_matches(rows, reference(name, "mean", ["stype", "sch.wide"]))
    rows = run(str(FIXTURES / fixture), *design, *stat)
    _assert_matches(rows, reference(name, "mean"))


@pytest.mark.parametrize("method", ["logit", "beta", "mean"])
def test_proportion_intervals_match_svyciprop(method: str) -> None:
    args = (str(FIXTURES / "apistrat.csv"), "--weights", "pw", "--strata", "stype", "--fpc", "fpc")
    rows = [r for r in run(*args, "--prop", "awards", "--ci", method) if r["level"] == "Yes"]
    _assert_matches(rows, reference(f"strat_{method}", "prop"), default_level="Yes")
    rows = [r for r in run(*args, "--prop", "awards", "--ci", method, "--by", "stype") if r["level"] == "Yes"]
    _assert_matches(rows, reference(f"strat_{method}_by", "prop", ["stype"]))


def test_normal_interval_and_factor_proportions_by_two_variables() -> None:
    args = (str(FIXTURES / "apistrat.csv"), "--weights", "pw", "--strata", "stype", "--fpc", "fpc")
    _assert_matches(run(*args, "--mean", "api00", "--ci", "normal"), reference("strat_normal", "mean"))
    rows = run(*args, "--prop", "awards", "--by", "stype,sch.wide")
    for row in rows:
        row["ci_low"] = row["ci_high"] = None  # R's svymean on a factor gives no svyciprop interval
    _assert_matches(rows, reference("strat", "prop", ["stype", "sch.wide"]))


def test_rake_tolerance_flags(tmp_path: Path) -> None:
    margins = tmp_path / "margins.csv"
    margins.write_text(
        "variable,level,total\nstype,E,4421\nstype,H,755\nstype,M,1018\nsch.wide,No,1072\nsch.wide,Yes,5122\n"
    )
    args = (str(FIXTURES / "apiclus1.csv"), "--weights", "pw", "--psu", "dnum", "--fpc", "fpc")
    loose = run(*args, "--rake", str(margins), "--rake-epsilon", "5000", "--mean", "api00")
    _assert_matches(loose, reference("clus1_rake_loose", "mean"))
    tight = run(
        *args, "--rake", str(margins), "--rake-epsilon", "1e-9", "--rake-maxit", "100", "--mean", "api00"
    )
    _assert_matches(tight, reference("clus1_rake_tight", "mean"))
    with pytest.raises(CommandError, match="未收敛"):
        run(*args, "--rake", str(margins), "--rake-epsilon", "1e-14", "--rake-maxit", "1", "--mean", "api00")


def test_bootstrap_replicates_are_seeded() -> None:
    args = (str(FIXTURES / "apistrat.csv"), "--weights", "pw", "--strata", "stype", "--fpc", "fpc")
    a = run(*args, "--replicate", "bootstrap=30", "--seed", "4", "--mean", "api00")
    b = run(*args, "--replicate", "bootstrap=30", "--seed", "4", "--mean", "api00")
    c = run(*args, "--replicate", "bootstrap=30", "--seed", "5", "--mean", "api00")
    assert a == b
    assert a[0]["se"] != c[0]["se"]
    assert a[0]["estimate"] == pytest.approx(reference("strat", "mean")[0]["estimate"])


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--strata", "nope", "--mean", "api00"], "列 “nope” 不存在"),
        (["--weights", "pw", "--psu", "dnum", "--strata", "lstr", "--mean", "api00"], "层 “A” 只有一个 PSU"),
    ],
)
def test_errors_exit_non_zero_from_the_shell(extra: list[str], message: str) -> None:
    import subprocess
    import sys

    weights = [] if "--weights" in extra else ["--weights", "pw"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kexie.cli",
            "survey",
            "estimate",
            str(FIXTURES / "apiclus1.csv"),
            *weights,
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert message in proc.stderr
    assert proc.stdout == ""


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_reaches_its_total_and_quiet_draws_none(monkeypatch) -> None:
    from kexie.core.jobs import terminal

    monkeypatch.setattr(terminal, "EVERY", 0)
    args = ("estimate", str(FIXTURES / "apistrat.csv"), "--weights", "pw", "--strata", "stype", "--fpc", "fpc",
            "--mean", "api00", "--prop", "awards")  # fmt: skip
    screen = _Terminal()
    call_command("survey", *args, "--json", stdout=StringIO(), stderr=screen)
    assert "1/3 33%" in screen.getvalue() and "[########################] 3/3 100%" in screen.getvalue()
    quiet = _Terminal()
    call_command("survey", *args, "--json", "--quiet", stdout=StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""
