"""`kexie patents import FILE [--map 题名=title,…] [--skip-bad]`: import or update patents by 公开号."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "专利信息服务:导入专利数据(按公开号新增或更新)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入 .xlsx/.csv 专利数据")
        imp.add_argument("file")
        imp.add_argument(
            "--map", dest="mapping", default="", help="列映射,如 “专利名称=title,公开公告号=publication_no”"
        )
        imp.add_argument("--skip-bad", action="store_true", help="跳过有错误的行,导入其余行")
        imp.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args, **options):
        from kexie.core.jobs.terminal import TerminalProgress
        from kexie.innovation.patents import parse_mapping, patent_import

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件“{path}”不存在")
        try:
            mapping = parse_mapping(options["mapping"])
            with TerminalProgress(self.stderr, quiet=options["quiet"]) as progress:
                result = patent_import(
                    actor=None,
                    data=path.read_bytes(),
                    filename=path.name,
                    mapping=mapping,
                    skip_bad=options["skip_bad"],
                    progress=progress,
                )
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from None
        for error in result.errors:
            self.stderr.write(error)
        if result.errors and not result.skipped:
            raise CommandError(
                f"发现 {len(result.errors)} 处错误,未导入任何数据(可加 --skip-bad 跳过有错误的行)"
            )
        self.stdout.write(
            f"共 {result.rows} 行:新增 {result.created} 条,更新 {result.updated} 条,跳过 {result.skipped} 处错误"
        )
