"""`kexie opinion classify | dedup` on CSV files."""

import json

import pytest

NEWS = "济宁市科协举办全国科普日主题活动,组织专家走进社区开展科普讲座,现场发放科普资料两千余份,吸引上千名群众参与。"


def _csv(tmp_path, rows, header="编号,内容"):
    path = tmp_path / "items.csv"
    path.write_text(header + "\n" + "\n".join(f'{i},"{t}"' for i, t in rows) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_classify_prints_id_sentiment_score(tmp_path, opinion_cli):
    path = _csv(tmp_path, [("a1", "服务态度恶劣,投诉无门,非常失望"), ("a2", "活动很精彩,大家都很满意")])
    code, out, _ = opinion_cli(
        "classify", "--input", path, "--id-col", "编号", "--text-col", "内容", "--json"
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["a1", "a2"]
    assert [r["sentiment"] for r in rows] == ["negative", "positive"]
    assert all(0 <= r["score"] <= 1 for r in rows)


@pytest.mark.django_db
def test_dedup_prints_groups_of_two_or_more(tmp_path, opinion_cli):
    rows = [
        ("1", NEWS),
        ("2", "兖州区气象局发布暴雨蓝色预警,提醒市民注意出行安全。"),
        ("3", "【转】" + NEWS),
        ("4", NEWS[:-6]),
    ]
    path = _csv(tmp_path, rows)
    code, out, _ = opinion_cli("dedup", "--input", path, "--id-col", "编号", "--text-col", "内容", "--json")
    assert code == 0 and json.loads(out) == [{"cluster": ["1", "3", "4"]}]
    code, out, _ = opinion_cli(
        "dedup",
        "--input",
        path,
        "--id-col",
        "编号",
        "--text-col",
        "内容",
        "--threshold",
        "0.99",
        "--json",
    )
    assert json.loads(out) == []


@pytest.mark.django_db
def test_bad_input_names_the_file_row_and_column(tmp_path, opinion_cli):
    path = _csv(tmp_path, [("1", "甲"), ("1", "乙")])
    code, _, err = opinion_cli("dedup", "--input", path, "--id-col", "编号", "--text-col", "内容")
    assert code == 1 and "第 3 行" in err and "重复" in err
    code, _, err = opinion_cli("classify", "--input", path, "--id-col", "ID", "--text-col", "内容")
    assert code == 1 and "缺少列“ID”" in err
    code, _, err = opinion_cli(
        "dedup", "--input", path, "--id-col", "编号", "--text-col", "内容", "--threshold", "2"
    )
    assert code == 2 and "0 与 1" in err
    code, _, err = opinion_cli(
        "classify", "--input", str(tmp_path / "none.csv"), "--id-col", "a", "--text-col", "b"
    )
    assert code == 1 and "不存在" in err
