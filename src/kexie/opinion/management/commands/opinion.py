"""`kexie opinion classify | dedup | poll | brief`: the opinion engine on a CSV file, source
polling, and the daily or weekly brief (舆情日报/周报) written as a Word file.

Exit status: 0 done; 1 a bad file or value (the message names the file, row and column); 2 bad
arguments.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.engines.opinion import DEFAULT_THRESHOLD, clusters


def read_rows(path: str, id_col: str, text_col: str) -> list[tuple[str, str]]:
    """(id, text) of every row; CommandError naming the file, row and column."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"文件“{path}”不存在")
    try:
        with file.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            headers = [h.strip() for h in reader.fieldnames or []]
            reader.fieldnames = headers
            missing = [c for c in (id_col, text_col) if c not in headers]
            if missing:
                raise CommandError(
                    f"文件“{path}”缺少列“{'、'.join(missing)}”;现有列:{'、'.join(headers) or '(无)'}"
                )
            out, seen = [], {}
            for number, row in enumerate(reader, start=2):
                key = (row.get(id_col) or "").strip()
                if not key:
                    raise CommandError(f"文件“{path}”第 {number} 行“{id_col}”列为空")
                if key in seen:
                    raise CommandError(
                        f"文件“{path}”第 {number} 行“{id_col}”列的“{key}”与第 {seen[key]} 行重复"
                    )
                seen[key] = number
                out.append((key, row.get(text_col) or ""))
            return out
    except UnicodeDecodeError as exc:
        raise CommandError(f"文件“{path}”不是 UTF-8 编码的 CSV") from exc
    except csv.Error as exc:
        raise CommandError(f"文件“{path}”不是有效的 CSV:{exc}") from exc


def _threshold(value: str) -> float:
    import argparse

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是数字") from None
    if not 0.0 < number <= 1.0:
        raise argparse.ArgumentTypeError(f"“{value}”须在 0 与 1 之间(不含 0)")
    return number


class Command(BaseCommand):
    help = (
        "舆情监测:给 CSV 中的文本判断情感(classify)、找出近似重复(dedup)、抓取全部监测来源(poll),"
        "或生成舆情日报/周报 Word 文档(brief)"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("classify", "判断每行文本的情感倾向(negative/neutral/positive)及其概率"),
            ("dedup", "找出近似重复的文本组(字符 3-gram 的 MinHash LSH,每组至少两条)"),
        ):
            cmd = sub.add_parser(name, help=text, description=text)
            cmd.add_argument("--input", required=True, help="UTF-8 编码的 CSV 文件(第一行为列名)")
            cmd.add_argument("--id-col", required=True, help="编号所在的列名")
            cmd.add_argument("--text-col", required=True, help="文本所在的列名")
            cmd.add_argument("--json", action="store_true", help="以 JSON 输出(否则每行一条)")
            if name == "dedup":
                cmd.add_argument(
                    "--threshold",
                    type=_threshold,
                    default=DEFAULT_THRESHOLD,
                    help=f"估计 Jaccard 相似度达到此值即视为近似重复(默认 {DEFAULT_THRESHOLD})",
                )
        poll = sub.add_parser(
            "poll", help="立即抓取全部启用的监测来源(订阅源、网页)", description="立即抓取全部启用的监测来源"
        )
        poll.add_argument("--json", action="store_true", help="以 JSON 输出每个来源的结果")
        brief = sub.add_parser(
            "brief",
            help="生成舆情日报(daily)或周报(weekly)Word 文档(公文格式)",
            description="生成舆情日报或周报 Word 文档:总体情况、热点聚类、负面信息、处置情况及图表",
        )
        brief.add_argument("kind", choices=["daily", "weekly"], help="daily:日报;weekly:周报(周一至周日)")
        brief.add_argument("--day", default="", help="日报的日期,或周报所在周的任一天(YYYY-MM-DD),默认今天")
        brief.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="按该用户的管辖范围生成(标题带其单位名称);不提供则以系统身份汇总全部单位",
        )  # fmt: skip
        brief.add_argument(
            "--output", default="", help="输出的 .docx 文件,默认为当前目录下的“舆情日报-YYYYMMDD.docx”"
        )

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _classify(self, options):
        from kexie.opinion.sentiment import current_model

        rows = read_rows(options["input"], options["id_col"], options["text_col"])
        predictions = current_model().predict([text for _, text in rows])
        result = [
            {"id": key, "sentiment": p.sentiment, "score": p.score}
            for (key, _), p in zip(rows, predictions, strict=True)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            for row in result:
                self.stdout.write(f"{row['id']}\t{row['sentiment']}\t{row['score']:.4f}")

    def _dedup(self, options):
        rows = read_rows(options["input"], options["id_col"], options["text_col"])
        groups = clusters(rows, threshold=options["threshold"])
        if options["json"]:
            self.stdout.write(json.dumps([{"cluster": g} for g in groups], ensure_ascii=False))
        else:
            for group in groups:
                self.stdout.write("\t".join(group))

    def _poll(self, options):
        from kexie.opinion.polling import poll_sources

        results = poll_sources()
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False))
        else:
            for row in results:
                self.stdout.write(f"{row['source']}\t{row['status']}\t{row['new']}\t{row['message']}")

    def _brief(self, options):
        from django.utils import timezone
        from django.utils.dateparse import parse_date

        from kexie.core.imports.cli import actor_line, resolve_actor
        from kexie.opinion.briefs import brief_docx

        day = timezone.localdate()
        if options["day"]:
            try:
                day = parse_date(options["day"])
            except ValueError:
                day = None
            if day is None:
                raise CommandError(f"日期“{options['day']}”无效:应为 YYYY-MM-DD")
        user = resolve_actor(options["as_user"])
        self.stderr.write(actor_line(user))
        unit = getattr(user, "unit", None)
        name, data = brief_docx(user, options["kind"], day, unit_name=unit.name if unit else "")
        path = Path(options["output"] or name)
        if path.suffix.lower() != ".docx":
            raise CommandError(f"输出文件“{path}”须为 .docx 文件")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入“{path}”:{exc.strerror or exc}") from exc
        self.stdout.write(f"已生成 {path}")
