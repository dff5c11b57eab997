"""`kexie contest assign | rank`: the JSON shapes and exit status of issue 11, and errors naming row and column."""

import json

import pytest

from kexie.cli import main

ENTRIES = """id,institution,title,abstract
e1,山东大学,杂交水稻育种,利用基因编辑提高水稻产量
e2,济宁学院,医学影像,深度学习辅助医学影像诊断
e3,曲阜师范大学;山东大学,工业机器人,多关节机器人路径规划
"""
JUDGES = """id,institution,expertise
j1,山东大学,作物遗传育种 水稻 基因编辑
j2,济宁学院,深度学习 图像识别 医学影像
j3,中国农业大学,水稻 作物学
j4,清华大学,机器人 控制 路径规划
"""


def _run(capsys, *args) -> tuple[int, str, str]:
    try:
        main(["contest", *args])
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_assign_prints_the_documented_json(capsys, files):
    code, out, _ = _run(capsys, "assign", "--entries", files("e.csv", ENTRIES), "--judges", files("j.csv", JUDGES),
                        "--per-entry", "2", "--max-load", "2", "--json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"assignments", "total_affinity", "infeasible"} and data["infeasible"] is None
    pairs = {(a["entry"], a["judge"]) for a in data["assignments"]}
    assert all(set(a) == {"entry", "judge", "affinity"} for a in data["assignments"]) and len(pairs) == 6
    assert not pairs & {("e1", "j1"), ("e2", "j2"), ("e3", "j1")}  # same institution
    assert ("e3", "j4") in pairs and ("e1", "j3") in pairs  # the robot and the rice judges
    assert data["total_affinity"] == pytest.approx(sum(a["affinity"] for a in data["assignments"]), abs=1e-6)


def test_assign_with_conflicts_affinity_and_explanations(capsys, files):
    affinity = "entry,judge,affinity\ne1,j2,0.9\ne1,j3,0.1\ne2,j1,0.8\ne2,j3,0.7\ne3,j2,0.4\n"
    code, out, _ = _run(capsys, "assign", "--entries", files("e.csv", ENTRIES), "--judges", files("j.csv", JUDGES),
                        "--per-entry", "1", "--max-load", "1", "--conflicts", files("c.csv", "entry,judge\ne1,j2\n"),
                        "--affinity", files("a.csv", affinity), "--explain", "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0
    assert {(a["entry"], a["judge"]) for a in data["assignments"]} == {
        ("e1", "j3"),
        ("e2", "j1"),
        ("e3", "j2"),
    }
    assert data["total_affinity"] == pytest.approx(1.3)
    assert {"entry": "e1", "judge": "j2", "reasons": ["回避名单"]} in data["exclusions"]
    assert all("亲和度" in a["explanation"] for a in data["assignments"])


def test_infeasible_prints_empty_assignments_and_the_reason_and_exits_non_zero(capsys, files):
    code, out, err = _run(capsys, "assign", "--entries", files("e.csv", ENTRIES), "--judges", files("j.csv", JUDGES),
                          "--per-entry", "3", "--max-load", "2", "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 3 and data["assignments"] == [] and data["total_affinity"] == 0
    assert "上限" in data["infeasible"] and "至少 3 件" in data["infeasible"]
    assert "无可行分配" in err


@pytest.mark.parametrize(
    "name,text,expected",
    [
        ("a.csv", "entry,judge,affinity\ne1,j2,高\n", "亲和度文件“{path}”第 2 行“affinity”列的“高”不是数字"),
        ("a.csv", "entry,judge,affinity\ne1,j2,0.5\ne9,j2,0.5\n", "第 3 行“entry”列的作品“e9”不在作品文件中"),
        ("a.csv", "entry,judge\ne1,j2\n", "缺少列“affinity”"),
    ],
)
def test_bad_affinity_file_names_row_and_column(capsys, files, name, text, expected):
    path = files(name, text)
    code, out, err = _run(capsys, "assign", "--entries", files("e.csv", ENTRIES), "--judges", files("j.csv", JUDGES),
                          "--per-entry", "1", "--max-load", "2", "--affinity", path, "--json")  # fmt: skip
    assert code == 1 and out == ""
    assert expected.format(path=path) in err


def test_duplicate_entry_id_names_both_rows(capsys, files):
    entries = ENTRIES + "e2,清华大学,重复,重复\n"
    code, _, err = _run(capsys, "assign", "--entries", files("e.csv", entries), "--judges", files("j.csv", JUDGES),
                        "--per-entry", "1", "--max-load", "2", "--json")  # fmt: skip
    assert code == 1 and "第 5 行“id”列的“e2”与第 3 行重复" in err


def test_rank_prints_the_documented_json_best_first(capsys, files):
    scores = "entry,judge,score\na,j1,90\nb,j1,90\nc,j1,70\na,j2,80\nb,j2,80\nc,j2,95\n"
    for method in ("raw", "zscore", "calibrated"):
        code, out, _ = _run(capsys, "rank", "--scores", files("s.csv", scores), "--method", method, "--json")
        data = json.loads(out)
        assert code == 0 and all(set(r) == {"entry", "score", "rank", "raw_mean", "n_judges"} for r in data)
        assert [r["score"] for r in data] == sorted((r["score"] for r in data), reverse=True)
    code, out, _ = _run(capsys, "rank", "--scores", files("s.csv", scores), "--method", "raw", "--json")
    assert json.loads(out) == [
        {"entry": "a", "score": 85.0, "rank": 1, "raw_mean": 85.0, "n_judges": 2},
        {"entry": "b", "score": 85.0, "rank": 1, "raw_mean": 85.0, "n_judges": 2},
        {"entry": "c", "score": 82.5, "rank": 3, "raw_mean": 82.5, "n_judges": 2},
    ]


def test_rank_refuses_bad_scores_and_methods(capsys, files):
    code, _, err = _run(capsys, "rank", "--scores", files("s.csv", "entry,judge,score\na,j1,\n"), "--json")
    assert code == 1 and "第 2 行“score”列为空" in err
    code, _, err = _run(capsys, "rank", "--scores", files("s.csv", "entry,judge,score\na,j1,1\na,j1,2\n"))
    assert code == 1 and "第 3 行:评委“j1”对作品“a”已在第 2 行打过分" in err
    code, _, err = _run(capsys, "rank", "--scores", files("s.csv", "entry,judge,score\n"), "--method", "best")
    assert code == 2 and "--method 的值" in err
    code, _, err = _run(capsys, "rank", "--scores", "/nonexistent.csv")
    assert code == 1 and "打分文件“/nonexistent.csv”不存在" in err
