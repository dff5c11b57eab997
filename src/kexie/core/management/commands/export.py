from pathlib import Path

from django.core.management.base import BaseCommand

from kexie.core.imports import export_rows
from kexie.core.imports.cli import actor_line, add_actor_argument, add_kind_argument, resolve_actor
from kexie.core.jobs.terminal import TerminalProgress


class Command(BaseCommand):
    help = (
        "导出数据: kexie export KIND FILE.xlsx [--year YYYY] [--as USERNAME](表头与导入模板相同,可原样导入)"
    )

    def add_arguments(self, parser):
        add_kind_argument(parser)
        parser.add_argument("file", help="输出文件,.xlsx 或 .csv(UTF-8)")
        parser.add_argument("--year", type=int, help="只导出该年度(活动按开始日期,专项活动按年度)")
        add_actor_argument(parser)
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args, **o):
        actor = resolve_actor(o["as_user"])
        self.stderr.write(actor_line(actor))
        path = Path(o["file"])
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        with TerminalProgress(self.stderr, quiet=o["quiet"]) as progress:
            data = export_rows(actor=actor, kind=o["kind"], year=o["year"], fmt=fmt, progress=progress)
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {path}"))
