from pathlib import Path

from django.core.management.base import BaseCommand

from kexie.core.imports import template_bytes
from kexie.core.imports.cli import actor_line, add_actor_argument, add_kind_argument, resolve_actor


class Command(BaseCommand):
    help = "生成导入模板: kexie template KIND FILE.xlsx [--as USERNAME](含下拉选项、示例行和“说明”工作表)"

    def add_arguments(self, parser):
        add_kind_argument(parser)
        parser.add_argument("file", help="输出的 .xlsx 文件")
        add_actor_argument(parser)

    def handle(self, *args, **o):
        actor = resolve_actor(o["as_user"])
        self.stderr.write(actor_line(actor))
        path = Path(o["file"])
        path.write_bytes(template_bytes(actor=actor, kind=o["kind"]))
        self.stdout.write(self.style.SUCCESS(f"已生成模板 {path}"))
