"""`kexie match rank` through call_command: JSON output and Chinese errors."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CORPUS = [
    {"编号": "e1", "姓名": "张伟", "研究方向": "深度学习 图像识别 医学影像"},
    {"编号": "e2", "姓名": "李娜", "研究方向": "水稻 遗传育种 分子标记"},
    {"编号": "e3", "姓名": "王强", "研究方向": "桥梁 混凝土 健康监测"},
]
QUERIES = [
    {"qid": "d1", "标题": "医学影像识别", "描述": "用深度学习识别CT图像"},
    {"qid": "e2", "标题": "水稻育种", "描述": "分子标记辅助水稻育种"},
]


def write(path: Path, rows: list[dict[str, str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def files(tmp_path):
    return write(tmp_path / "corpus.csv", CORPUS), write(tmp_path / "queries.csv", QUERIES)


def run(corpus: str, queries: str, *extra: str, text_cols="姓名,研究方向", query_cols="标题,描述") -> str:
    out = StringIO()
    call_command(
        "match", "rank", "--corpus", corpus, "--id-col", "编号", "--text-cols", text_cols,
        "--queries", queries, "--query-id-col", "qid", "--query-cols", query_cols, *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_rank_json_format(files):
    result = json.loads(run(*files, "--k", "2", "--json"))
    assert [r["query"] for r in result] == ["d1", "e2"]
    assert result[0]["results"][0]["id"] == "e1"
    assert result[1]["results"][0]["id"] == "e2"
    for item in result:
        assert len(item["results"]) <= 2
        assert all(set(hit) == {"id", "score"} and isinstance(hit["score"], float) for hit in item["results"])
        scores = [hit["score"] for hit in item["results"]]
        assert scores == sorted(scores, reverse=True)


def test_exclude_same_id(files):
    result = json.loads(run(*files, "--exclude-same-id", "--json"))
    assert "e2" not in [hit["id"] for hit in result[1]["results"]]


def test_plain_output(files):
    text = run(*files, "--k", "1")
    assert text.splitlines()[0] == "d1:" and "e1" in text


def test_bad_column_names_it(files):
    with pytest.raises(CommandError, match="语料文件中没有列“简介”"):
        run(*files, "--json", text_cols="简介", query_cols="标题")
    with pytest.raises(CommandError, match="查询文件中没有列“需求”"):
        run(*files, "--json", text_cols="研究方向", query_cols="需求")


def test_missing_file(tmp_path, files):
    with pytest.raises(CommandError, match="不存在"):
        run(str(tmp_path / "none.csv"), files[1], "--json")
