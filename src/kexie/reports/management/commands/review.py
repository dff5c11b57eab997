from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from kexie.reports.params import SystemActor, period_from, scope_from


class Command(BaseCommand):
    help = "生成年度工作综述(Word): kexie review [--year 2020] [--region 370811] --out 综述.docx"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="年度(默认:有已审核记录的最近年度)")
        parser.add_argument("--region", help="行政区划代码(含下级区划)")
        parser.add_argument("--org", type=int, help="单位编号(含下级单位)")
        parser.add_argument("--title", help="标题(默认“汇聚科技力量 谱写服务新篇”)")
        parser.add_argument("--out", required=True, help="输出文件 .docx")
        parser.add_argument("--quiet", action="store_true", help="不显示进度(终端上的进度条,或每步一行)")

    def handle(self, *args, **o):
        """Progress as a background review job reports it (reports.word.review_document): a bar
        on a terminal, one plain line per step otherwise (a log, cron's mail), none with --quiet."""
        from kexie.core.jobs.terminal import TerminalProgress
        from kexie.core.officialdoc import title_font_note
        from kexie.reports.word import review_document

        try:
            scope = scope_from(SystemActor(), o["region"], o["org"])
            period = period_from(o["year"], scope=scope)
            with TerminalProgress(self.stderr, quiet=o["quiet"], lines=True) as progress:
                review, data = review_document(period, scope, title=o["title"], progress=progress)
        except (ValidationError, Http404) as exc:
            raise CommandError(";".join(getattr(exc, "messages", [str(exc)]))) from exc
        out = Path(o["out"])
        partial = out.with_name(f".{out.name}.partial")  # a run stopped midway leaves no half file
        partial.write_bytes(data)
        partial.replace(out)
        self.stdout.write(self.style.SUCCESS(f"已生成 {out}({review.period.label} · {review.scope.label})"))
        self.stdout.write(title_font_note())
