"""`kexie contest assign | rank`: the contest engine (kexie.engines.contest) on CSV files.

Exit status: 0 done; 1 a bad file or value (the message names the file, row and column);
2 bad arguments; 3 no feasible assignment (the JSON is printed all the same, with the reason).
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.engines.contest import METHODS, Conflict, Entry, Judge, assign, rank

INFEASIBLE_EXIT = 3
SEPARATORS = re.compile(r"[;；]")


class _Table:
    """A CSV file's rows, with messages naming the file, row (the header is row 1) and column."""

    def __init__(self, path: str, label: str, required: tuple[str, ...]):
        self.path, self.label = path, label
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{label}文件“{path}”不存在")
        try:
            with file.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                self.headers = [h.strip() for h in reader.fieldnames or []]
                reader.fieldnames = self.headers
                self.rows = [(number, row) for number, row in enumerate(reader, start=2)]
        except UnicodeDecodeError as exc:
            raise CommandError(f"{label}文件“{path}”不是 UTF-8 编码的 CSV") from exc
        except csv.Error as exc:
            raise CommandError(f"{label}文件“{path}”不是有效的 CSV:{exc}") from exc
        missing = [c for c in required if c not in self.headers]
        if missing:
            raise CommandError(
                f"{label}文件“{path}”缺少列“{'、'.join(missing)}”;现有列:{'、'.join(self.headers) or '(无)'}"
            )

    def where(self, number: int, column: str) -> str:
        return f"{self.label}文件“{self.path}”第 {number} 行“{column}”列"

    def text(self, number: int, row: dict, column: str, required: bool = False) -> str:
        value = (row.get(column) or "").strip()
        if required and not value:
            raise CommandError(f"{self.where(number, column)}为空")
        return value

    def number(self, number: int, row: dict, column: str) -> float:
        value = self.text(number, row, column, required=True)
        try:
            result = float(value)
        except ValueError:
            raise CommandError(f"{self.where(number, column)}的“{value}”不是数字") from None
        if not math.isfinite(result):
            raise CommandError(f"{self.where(number, column)}的“{value}”不是有限数值")
        return result

    def known(self, number: int, row: dict, column: str, ids: set[str], what: str) -> str:
        value = self.text(number, row, column, required=True)
        if value not in ids:
            raise CommandError(f"{self.where(number, column)}的{what}“{value}”不在{what}文件中")
        return value

    def unique_ids(self) -> list[tuple[int, dict, str]]:
        seen: dict[str, int] = {}
        out = []
        for number, row in self.rows:
            value = self.text(number, row, "id", required=True)
            if value in seen:
                raise CommandError(f"{self.where(number, 'id')}的“{value}”与第 {seen[value]} 行重复")
            seen[value] = number
            out.append((number, row, value))
        return out


def _institutions(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in SEPARATORS.split(value) if part.strip())


class Command(BaseCommand):
    help = "评审分配与排名:为每件作品精确分配评委(assign),或按评委打分排名(raw/zscore/calibrated)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        a = sub.add_parser(
            "assign",
            help="每件作品分配 K 位评委:同单位和回避名单中的配对不分配,评委工作量在上下限之间,总亲和度最大(精确解)",
        )
        a.add_argument("--entries", required=True, help="作品 CSV:id、institution、title、abstract")
        a.add_argument("--judges", required=True, help="评委 CSV:id、institution、expertise")
        a.add_argument("--per-entry", type=int, required=True, help="每件作品的评委数 K")
        a.add_argument("--max-load", type=int, required=True, help="每位评委至多评几件")
        a.add_argument("--min-load", type=int, default=0, help="每位评委至少评几件(默认 0)")
        a.add_argument("--conflicts", help="回避名单 CSV:entry、judge")
        a.add_argument("--affinity", help="亲和度 CSV:entry、judge、affinity(照用;未列出的配对为 0)")
        a.add_argument("--explain", action="store_true", help="同时输出每个配对的理由和每个回避配对")
        a.add_argument("--json", action="store_true", help="输出 JSON")
        r = sub.add_parser("rank", help="按评委打分给作品排名,分数越高越好,同分同名次(1、1、3)")
        r.add_argument("--scores", required=True, help="打分 CSV:entry、judge、score")
        r.add_argument(
            "--method",
            choices=METHODS,
            default="raw",
            help="raw 平均分、zscore 评委标准分、calibrated 校准分",
        )
        r.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        if options["action"] == "assign":
            self._assign(options)
        else:
            self._rank(options)

    # ------------------------------------------------------------------------------ assign
    def _assign(self, options):
        if options["per_entry"] < 1:
            raise CommandError("--per-entry 必须是正整数")
        if options["max_load"] < 0 or options["min_load"] < 0:
            raise CommandError("--max-load 和 --min-load 不能为负数")
        if options["min_load"] > options["max_load"]:
            raise CommandError(f"--min-load {options['min_load']} 大于 --max-load {options['max_load']}")
        text = not options["affinity"]
        entries = self._entries(options["entries"], text)
        judges = self._judges(options["judges"], text)
        entry_ids, judge_ids = {e.id for e in entries}, {j.id for j in judges}
        conflicts = (
            self._conflicts(options["conflicts"], entry_ids, judge_ids) if options["conflicts"] else []
        )
        table = self._affinity(options["affinity"], entry_ids, judge_ids) if options["affinity"] else None
        try:
            result = assign(
                entries, judges, per_entry=options["per_entry"], max_load=options["max_load"],
                min_load=options["min_load"], conflicts=conflicts, affinity=table,
            )  # fmt: skip
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = result.as_dict()
        if options["explain"]:
            for item, pair in zip(out["assignments"], result.pairs, strict=True):
                item["explanation"] = pair.explanation
            out["exclusions"] = [
                {"entry": x.entry, "judge": x.judge, "reasons": list(x.reasons)} for x in result.exclusions
            ]
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            for pair in result.pairs:
                self.stdout.write(f"{pair.entry}\t{pair.judge}\t{pair.affinity:.6f}")
            if result.infeasible is None:
                self.stdout.write(f"共 {len(result.pairs)} 个配对,总亲和度 {result.total_affinity:.6f}")
        if result.infeasible is not None:
            raise CommandError(f"无可行分配:{result.infeasible}", returncode=INFEASIBLE_EXIT)

    def _entries(self, path: str, text: bool) -> list[Entry]:
        table = _Table(path, "作品", ("id", "institution", *(("title", "abstract") if text else ())))
        return [
            Entry(value, _institutions(table.text(n, row, "institution")), table.text(n, row, "title"),
                  table.text(n, row, "abstract"))
            for n, row, value in table.unique_ids()
        ]  # fmt: skip

    def _judges(self, path: str, text: bool) -> list[Judge]:
        table = _Table(path, "评委", ("id", "institution", *(("expertise",) if text else ())))
        return [
            Judge(value, _institutions(table.text(n, row, "institution")), table.text(n, row, "expertise"))
            for n, row, value in table.unique_ids()
        ]

    def _conflicts(self, path: str, entry_ids: set[str], judge_ids: set[str]) -> list[Conflict]:
        table = _Table(path, "回避名单", ("entry", "judge"))
        return [
            Conflict(
                table.known(n, row, "entry", entry_ids, "作品"),
                table.known(n, row, "judge", judge_ids, "评委"),
            )
            for n, row in table.rows
        ]

    def _affinity(self, path: str, entry_ids: set[str], judge_ids: set[str]) -> dict[tuple[str, str], float]:
        table = _Table(path, "亲和度", ("entry", "judge", "affinity"))
        out: dict[tuple[str, str], float] = {}
        rows: dict[tuple[str, str], int] = {}
        for n, row in table.rows:
            pair = (
                table.known(n, row, "entry", entry_ids, "作品"),
                table.known(n, row, "judge", judge_ids, "评委"),
            )
            if pair in rows:
                raise CommandError(f"{table.label}文件“{path}”第 {n} 行的配对与第 {rows[pair]} 行重复")
            rows[pair] = n
            out[pair] = table.number(n, row, "affinity")
        return out

    # ------------------------------------------------------------------------------ rank
    def _rank(self, options):
        table = _Table(options["scores"], "打分", ("entry", "judge", "score"))
        scores = []
        rows: dict[tuple[str, str], int] = {}
        for n, row in table.rows:
            entry, judge = (
                table.text(n, row, "entry", required=True),
                table.text(n, row, "judge", required=True),
            )
            if (entry, judge) in rows:
                raise CommandError(
                    f"{table.label}文件“{options['scores']}”第 {n} 行:评委“{judge}”对作品“{entry}”"
                    f"已在第 {rows[(entry, judge)]} 行打过分"
                )
            rows[(entry, judge)] = n
            scores.append((entry, judge, table.number(n, row, "score")))
        ranked = rank(scores, options["method"])
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in ranked], ensure_ascii=False))
            return
        for r in ranked:
            flag = "\t评委分歧大" if r.spread_flagged else ""
            self.stdout.write(
                f"{r.rank}\t{r.entry}\t{r.score:.4f}\t平均 {r.raw_mean:.4f}\t{r.n_judges} 位评委{flag}"
            )
