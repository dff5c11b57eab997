"""`kexie demands booklet --year 2020 --out 需求汇编.docx`: 《年会技术需求汇编》 as Word (GB/T 9704 layout)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "技术需求:生成年度《年会技术需求汇编》(.docx)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        booklet = sub.add_parser("booklet", help="按行业分类汇编某年的技术需求")
        booklet.add_argument("--year", type=int, required=True, help="年度,如 2020")
        booklet.add_argument("--out", required=True, help="输出文件 .docx")
        booklet.add_argument("--organiser", default="济宁市科学技术协会", help="编印单位")

    def handle(self, *args, **options):
        from kexie.innovation.booklet import build_booklet
        from kexie.innovation.selectors import booklet_demands

        out = Path(options["out"])
        if out.suffix.lower() != ".docx":
            raise CommandError(f"输出文件“{out}”须以 .docx 结尾")
        year = options["year"]
        data = build_booklet(year=year, organiser=options["organiser"])
        out.write_bytes(data)
        count = booklet_demands(year).count()
        self.stdout.write(f"已生成 {out}:{year}年技术需求 {count} 项")
