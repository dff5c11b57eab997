"""Judge assignment: exact (against brute force), conflicts and loads kept, infeasibility explained."""

import itertools

import numpy as np
import pytest

import kexie.engines.contest.assignment as assignment_module
from kexie.engines.contest import OWN_NOMINEE, Conflict, Entry, Judge, assign
from kexie.engines.contest.assignment import SCALE, greedy_baseline


def _people(n_entries, n_judges, entry_inst=None, judge_inst=None):
    entries = [Entry(f"e{i}", (entry_inst[i],) if entry_inst is not None else ()) for i in range(n_entries)]
    judges = [Judge(f"j{i}", (judge_inst[i],) if judge_inst is not None else ()) for i in range(n_judges)]
    return entries, judges


def _brute_force(weights, allowed, k, max_load, min_load):
    """Best total (integer micro-units) over every choice of k allowed judges per entry, or None."""
    options = [list(itertools.combinations(np.nonzero(row)[0], k)) for row in allowed]
    best = None
    for choice in itertools.product(*options):
        loads = np.zeros(allowed.shape[1], dtype=int)
        for judges in choice:
            loads[list(judges)] += 1
        if (loads > max_load).any() or (loads < min_load).any():
            continue
        total = sum(int(weights[e, j]) for e, judges in enumerate(choice) for j in judges)
        best = total if best is None else max(best, total)
    return best


@pytest.mark.parametrize("seed", range(40))
def test_exact_against_brute_force_on_small_random_instances(seed):
    rng = np.random.default_rng(seed)
    n_entries, n_judges, k = 4, 5, 2
    max_load = int(rng.integers(1, 4))
    min_load = int(rng.integers(0, 2))
    entries, judges = _people(
        n_entries, n_judges, rng.integers(0, 4, n_entries), rng.integers(0, 6, n_judges)
    )
    extra = [
        (f"e{e}", f"j{j}")
        for e, j in zip(rng.integers(0, n_entries, 2), rng.integers(0, n_judges, 2), strict=True)
    ]
    values = np.round(rng.random((n_entries, n_judges)), 3)
    result = assign(
        entries, judges, per_entry=k, max_load=max_load, min_load=min_load, conflicts=extra, affinity=values
    )

    allowed = np.ones((n_entries, n_judges), dtype=bool)
    for e, entry in enumerate(entries):
        for j, judge in enumerate(judges):
            if set(entry.institutions) & set(judge.institutions) or (entry.id, judge.id) in extra:
                allowed[e, j] = False
    best = _brute_force(np.rint(values * SCALE), allowed, k, max_load, min_load)
    if best is None:
        assert result.infeasible and result.pairs == [] and result.diagnosis is not None
    else:
        assert result.infeasible is None
        assert round(result.total_affinity * SCALE) == best
        assert result.total_affinity == pytest.approx(sum(p.affinity for p in result.pairs), abs=1e-9)


def _random_instance(seed, n_entries=240, n_judges=40, k=3):
    rng = np.random.default_rng(seed)
    entries, judges = _people(
        n_entries, n_judges, [f"大学{i}" for i in rng.integers(0, 30, n_entries)],
        [f"大学{i}" for i in rng.integers(0, 60, n_judges)],
    )  # fmt: skip
    return entries, judges, rng.random((n_entries, n_judges))


def test_conflicts_never_made_and_loads_kept():
    entries, judges, values = _random_instance(1)
    nominee = Conflict("e0", "j5", OWN_NOMINEE)
    result = assign(
        entries, judges, per_entry=3, max_load=20, min_load=15, conflicts=[nominee], affinity=values
    )
    assert result.infeasible is None and len(result.pairs) == 3 * len(entries)
    institution = {e.id: set(e.institutions) for e in entries} | {j.id: set(j.institutions) for j in judges}
    made = {(p.entry, p.judge) for p in result.pairs}
    assert len(made) == len(result.pairs)  # no pair twice
    assert all(not institution[e] & institution[j] for e, j in made)
    assert ("e0", "j5") not in made
    assert all(len(result.judges_of(e.id)) == 3 for e in entries)
    assert all(15 <= n <= 20 for n in result.loads().values()) and len(result.loads()) == len(judges)
    excluded = {(x.entry, x.judge): x.reasons for x in result.exclusions}
    assert OWN_NOMINEE in excluded[("e0", "j5")]
    assert all(any(r.startswith("同单位") for r in excluded[(e.id, j.id)])
               for e in entries for j in judges if institution[e.id] & institution[j.id])  # fmt: skip


@pytest.mark.parametrize("min_load", [0, 16])
def test_pricing_reaches_the_optimum_over_all_pairs(monkeypatch, min_load):
    """The candidates-then-pricing solve gives the same total as the LP over every pair."""
    entries, judges, values = _random_instance(2)
    fast = assign(entries, judges, per_entry=3, max_load=20, min_load=min_load, affinity=values)
    monkeypatch.setattr(assignment_module, "MAX_PRICING_ROUNDS", 0)  # straight to the full LP
    full = assign(entries, judges, per_entry=3, max_load=20, min_load=min_load, affinity=values)
    assert fast.infeasible is None and fast.total_affinity == full.total_affinity


def test_pricing_adds_the_left_out_pairs_that_the_optimum_needs(monkeypatch):
    """Start from 3 arbitrary (round-robin) judges per entry: feasible, far from optimal. Pricing
    must add the pairs the optimum needs, over several rounds, and reach the full LP's total."""
    rng = np.random.default_rng(3)
    entries, judges = _people(30, 8)
    values = rng.random((30, 8))
    monkeypatch.setattr(assignment_module, "MAX_PRICING_ROUNDS", 0)
    full = assign(entries, judges, per_entry=2, max_load=9, affinity=values)
    monkeypatch.setattr(assignment_module, "MAX_PRICING_ROUNDS", 30)
    monkeypatch.setattr(assignment_module, "PRICING_MARGIN", 0.0)

    def round_robin(p, ei, ji, width):
        return (ji - ei) % 8 < 3

    sizes = []
    solve = assignment_module._lp

    def counted(p, ei, ji, w):
        sizes.append(ei.size)
        return solve(p, ei, ji, w)

    monkeypatch.setattr(assignment_module, "_initial_candidates", round_robin)
    monkeypatch.setattr(assignment_module, "_lp", counted)
    priced = assign(entries, judges, per_entry=2, max_load=9, affinity=values)
    assert sizes[0] == 90 and len(sizes) > 1 and sizes[-1] < 240  # rounds, yet not every pair
    assert priced.total_affinity == full.total_affinity


def test_greedy_is_worse_on_a_crafted_instance():
    """Greedy takes the single best pair (e1–j1, 0.9) and leaves e2 with j2 (0.1): 1.0 in all;
    the exact assignment gives e1 j2 and e2 j1: 0.8 + 0.85 = 1.65."""
    entries, judges = _people(2, 2)
    values = np.array([[0.9, 0.8], [0.85, 0.1]])
    greedy = greedy_baseline(values, np.ones((2, 2), dtype=bool), 1, 1)
    assert values[greedy].sum() == pytest.approx(1.0)
    result = assign(entries, judges, per_entry=1, max_load=1, affinity=values)
    assert result.total_affinity == pytest.approx(1.65)
    assert {(p.entry, p.judge) for p in result.pairs} == {("e0", "j1"), ("e1", "j0")}
    assert "排第 2" in result.explain("e0", "j1") and "j0" in result.explain("e0", "j1")


def test_each_pair_is_explained():
    entries = [Entry("e1", ("山东大学",)), Entry("e2", ("济宁学院",))]
    judges = [Judge("j1", ("山东大学",)), Judge("j2"), Judge("j3")]
    table = {("e1", "j2"): 0.7, ("e1", "j3"): 0.2, ("e2", "j1"): 0.9, ("e2", "j2"): 0.5}
    result = assign(entries, judges, per_entry=1, max_load=1, conflicts=[("e2", "j3", "申报的利害关系")],
                    affinity=table)  # fmt: skip
    pair = next(p for p in result.pairs if p.entry == "e1")
    assert (pair.judge, pair.candidate_rank, pair.candidates) == ("j2", 1, 2)
    assert pair.explanation == "亲和度 0.7000,在 2 位无回避评委中排第 1"
    assert result.explain("e1", "j1") == "回避:同单位(山东大学)"
    assert result.explain("e2", "j3") == "回避:申报的利害关系"
    assert result.explain("e1", "j3").startswith("未分配:亲和度 0.2000")
    assert result.as_dict()["total_affinity"] == pytest.approx(1.6)


def test_candidate_rank_counts_non_conflicted_judges_only():
    entries, judges = _people(1, 4)
    result = assign(entries, judges, per_entry=2, max_load=1, conflicts=[("e0", "j0")],
                    affinity=np.array([[0.9, 0.2, 0.5, 0.7]]))  # fmt: skip
    assert [(p.judge, p.candidate_rank, p.candidates) for p in result.pairs] == [("j3", 1, 3), ("j2", 2, 3)]
    assert (
        result.explain("e0", "j1")
        == "未分配:亲和度 0.2000,在 3 位无回避评委中排第 3;该作品已有 2 位亲和度更高的评委"
    )


def test_short_of_non_conflicted_judges_names_the_entry():
    entries = [Entry("甲", ("A",)), Entry("乙", ("B",))]
    judges = [Judge("j1", ("A",)), Judge("j2"), Judge("j3")]
    result = assign(entries, judges, per_entry=3, max_load=5, affinity=np.ones((2, 3)))
    assert result.pairs == [] and result.diagnosis.constraint == "per_entry"
    assert result.diagnosis.entries == ("甲",)
    assert "作品 甲 只有 2 位无回避的评委" in result.infeasible and "每件评委数降到 2" in result.infeasible


def test_no_entries_and_no_judges():
    assert assign([], [Judge("j")], per_entry=1, max_load=2).as_dict() == {
        "assignments": [], "total_affinity": 0.0, "infeasible": None}  # fmt: skip
    nobody = assign([Entry("e")], [], per_entry=1, max_load=2)
    assert nobody.diagnosis.constraint == "per_entry" and "降到 0" not in nobody.infeasible
    assert assign([], [Judge("j")], per_entry=1, max_load=2, min_load=1).diagnosis.constraint == "min_load"


def test_total_capacity_short():
    entries, judges = _people(10, 4)
    result = assign(entries, judges, per_entry=3, max_load=7, affinity=np.ones((10, 4)))
    assert result.diagnosis.constraint == "max_load"
    assert "4 位评委 × 上限 7 件 = 28" in result.infeasible and "至少 8 件" in result.infeasible


def test_capacity_short_for_a_group_of_entries_names_them_and_their_judges():
    """Total capacity suffices (5 ≥ 3) but e0–e2 can only go to j0, j1 (one each): Hall's condition."""
    entries, judges = _people(3, 5)
    conflicts = [(f"e{e}", f"j{j}") for e in range(3) for j in range(2, 5)]
    result = assign(entries, judges, per_entry=1, max_load=1, conflicts=conflicts, affinity=np.ones((3, 5)))
    assert result.diagnosis.constraint == "max_load"
    assert set(result.diagnosis.entries) == {"e0", "e1", "e2"} and set(result.diagnosis.judges) == {
        "j0",
        "j1",
    }
    assert "最多得到 2 人次" in result.infeasible


def test_min_load_unreachable():
    entries, judges = _people(4, 3)
    total = assign(entries, judges, per_entry=1, max_load=4, min_load=2, affinity=np.ones((4, 3)))
    assert total.diagnosis.constraint == "min_load" and "降到至多 1 件" in total.infeasible
    few = assign(entries, judges, per_entry=2, max_load=4, min_load=2, affinity=np.ones((4, 3)),
                 conflicts=[(f"e{e}", "j2") for e in range(3)])  # fmt: skip
    assert few.diagnosis.judges == ("j2",) and "评委 j2 只有 1 件无回避的作品" in few.infeasible


def test_min_load_short_for_a_group_of_judges():
    """j0–j2 each need 2, but may only judge e0 and e1, which give at most 2 × K = 4 < 6; the totals
    (5 judges × 2 ≤ 6 entries × 2) and each judge's own count (2 ≥ 2) pass: Hall's condition."""
    entries, judges = _people(6, 5)
    conflicts = [(f"e{e}", f"j{j}") for e in range(2, 6) for j in (0, 1, 2)]
    ones = np.ones((6, 5))
    loose = assign(entries, judges, per_entry=2, max_load=4, min_load=1, conflicts=conflicts, affinity=ones)
    assert loose.infeasible is None
    result = assign(entries, judges, per_entry=2, max_load=4, min_load=2, conflicts=conflicts, affinity=ones)
    assert result.pairs == [] and result.diagnosis.constraint == "min_load"
    assert set(result.diagnosis.judges) == {"j0", "j1", "j2"} and set(result.diagnosis.entries) == {
        "e0",
        "e1",
    }
    assert "共需 6 件" in result.infeasible and "最多 4 件" in result.infeasible


def test_bad_input_is_refused_in_chinese():
    entries, judges = _people(2, 2)
    with pytest.raises(ValueError, match="作品编号“e0”重复"):
        assign([*entries, Entry("e0")], judges, per_entry=1, max_load=1, affinity=np.ones((3, 2)))
    with pytest.raises(ValueError, match="回避名单中的评委“jx”不在评委名单中"):
        assign(entries, judges, per_entry=1, max_load=1, conflicts=[("e0", "jx")], affinity=np.ones((2, 2)))
    with pytest.raises(ValueError, match="亲和度表中的作品“ex”不在作品名单中"):
        assign(entries, judges, per_entry=1, max_load=1, affinity={("ex", "j0"): 0.5})
    with pytest.raises(ValueError, match="亲和度须在"):
        assign(entries, judges, per_entry=1, max_load=1, affinity={("e0", "j0"): 1e12})
    with pytest.raises(ValueError, match="下限 3 大于上限 2"):
        assign(entries, judges, per_entry=1, max_load=2, min_load=3, affinity=np.ones((2, 2)))


def test_affinity_from_text_sends_an_entry_to_the_judge_of_its_field():
    entries = [
        Entry("rice", ("山东大学",), "杂交水稻育种", "利用基因编辑提高水稻产量和抗病性"),
        Entry("robot", ("济宁学院",), "工业机器人", "多关节机器人路径规划与控制"),
    ]
    judges = [
        Judge("agronomist", ("中国农业大学",), "作物遗传育种;水稻;基因编辑"),
        Judge("roboticist", ("清华大学",), "机器人;运动控制;路径规划"),
    ]
    result = assign(entries, judges, per_entry=1, max_load=1)
    assert {(p.entry, p.judge) for p in result.pairs} == {("rice", "agronomist"), ("robot", "roboticist")}
    assert all(p.affinity == 1.0 for p in result.pairs)  # each entry's best judge scales to 1


def test_text_affinity_uses_the_rankings_scores_without_explaining_each_pair():
    """`MatchingEngine.scores` (what the affinity table reads) gives `rank`'s scores, 0 where
    `rank` leaves a profile out, without building 150 explanations per entry."""
    from kexie.engines.matching import MatchingEngine, Profile

    engine = MatchingEngine()
    engine.add_many([
        Profile(id="a", text="作物遗传育种;水稻;基因编辑", kind="judge"),
        Profile(id="b", text="机器人;运动控制;路径规划", kind="judge"),
        Profile(id="c", text="水稻 病虫害 防治", kind="judge"),
        Profile(id="d", text="水稻 基因", kind="expert"),
    ])  # fmt: skip
    query = Profile(id="", name="杂交水稻育种", text="利用基因编辑提高水稻产量", kind="entry")
    ranked = {m.id: m.score for m in engine.rank(query, k=4, kind="judge")}
    scores = engine.scores(query, ["c", "b", "a", "d"], kind="judge")
    assert scores.tolist() == [ranked.get("c", 0.0), ranked.get("b", 0.0), ranked["a"], 0.0]
    assert scores[2] > 0 and scores[3] == 0.0  # another kind is left out, as rank leaves it out
