"""`kexie match rank`: rank a CSV corpus for each row of a CSV of queries with the matching engine."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.engines.matching import MatchingEngine, Profile


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _read_csv(path: str, label: str) -> tuple[list[str], list[dict[str, str]]]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{label}文件“{path}”不存在")
    try:
        with file.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            return list(reader.fieldnames or []), list(reader)
    except UnicodeDecodeError as exc:
        raise CommandError(f"{label}文件“{path}”不是 UTF-8 编码的 CSV") from exc


def _check(headers: list[str], wanted: list[str], label: str) -> None:
    for col in wanted:
        if col not in headers:
            raise CommandError(f"{label}文件中没有列“{col}”；现有列：{'、'.join(headers)}")


def _text(row: dict[str, str], cols: list[str]) -> str:
    return "。".join((row.get(c) or "").strip() for c in cols if (row.get(c) or "").strip())


class Command(BaseCommand):
    help = "文本匹配：按查询文件的每一行，对语料文件排序（BM25F + 伪相关反馈）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="为每条查询给出语料中最匹配的 k 条")
        rank.add_argument("--corpus", required=True, help="语料 CSV 文件")
        rank.add_argument("--id-col", required=True, help="语料的编号列")
        rank.add_argument("--text-cols", required=True, help="语料的文本列，逗号分隔")
        rank.add_argument("--queries", required=True, help="查询 CSV 文件")
        rank.add_argument("--query-id-col", required=True, help="查询的编号列")
        rank.add_argument("--query-cols", required=True, help="查询的文本列，逗号分隔")
        rank.add_argument("--k", type=int, default=10, help="每条查询返回几条（默认 10）")
        rank.add_argument("--exclude-same-id", action="store_true", help="结果中排除与查询编号相同的语料行")
        rank.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        if options["k"] < 1:
            raise CommandError("--k 必须是正整数")
        results = self.rank(options)
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
            return
        for item in results:
            self.stdout.write(f"{item['query']}:")
            for hit in item["results"]:
                self.stdout.write(f"  {hit['id']}\t{hit['score']:.4f}")

    def rank(self, options) -> list[dict[str, object]]:
        text_cols, query_cols = _columns(options["text_cols"]), _columns(options["query_cols"])
        headers, corpus = _read_csv(options["corpus"], "语料")
        _check(headers, [options["id_col"], *text_cols], "语料")
        q_headers, queries = _read_csv(options["queries"], "查询")
        _check(q_headers, [options["query_id_col"], *query_cols], "查询")
        engine = MatchingEngine()
        engine.add_many(Profile(id=str(row[options["id_col"]]), text=_text(row, text_cols)) for row in corpus)
        out = []
        for row in queries:
            qid = str(row[options["query_id_col"]])
            exclude = [qid] if options["exclude_same_id"] else []
            matches = engine.rank(_text(row, query_cols), k=options["k"], exclude=exclude)
            out.append({"query": qid, "results": [{"id": m.id, "score": round(m.score, 6)} for m in matches]})
        return out
