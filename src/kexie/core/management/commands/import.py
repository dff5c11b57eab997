"""`kexie import KIND FILE`: the module is named import.py; Django loads commands with
importlib.import_module, for which a keyword as a module name is no problem."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kexie.core.imports import import_file
from kexie.core.imports.cli import add_actor_argument, add_kind_argument, resolve_actor
from kexie.core.jobs.terminal import TerminalProgress

MAX_LISTED = 200


class Command(BaseCommand):
    help = (
        "导入数据: kexie import KIND FILE [--dry-run] [--skip-invalid] [--allow-duplicates] [--as USERNAME]。"
        "有任何错误时不写入,并列出每个错误(行号、列、值、原因);不加 --as 时以系统身份导入,"
        "留空的单位列视为顶级单位"
    )

    def add_arguments(self, parser):
        add_kind_argument(parser)
        parser.add_argument("file", help=".xlsx 或 .csv 文件(UTF-8 或 GB18030)")
        parser.add_argument("--dry-run", action="store_true", help="只检查,不写入")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="写入正确的行,有误的行另存为错误工作簿"
        )
        parser.add_argument("--errors", help="错误工作簿的路径(默认:FILE.errors.xlsx)")
        parser.add_argument(
            "--allow-duplicates", action="store_true",
            help="确认导入疑似重复的行(与文件中其他行或已有活动的填报单位、名称、开始日期、地点均相同)",
        )  # fmt: skip
        add_actor_argument(parser)
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args, **o):
        actor = resolve_actor(o["as_user"])
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在:{path}")
        try:
            with path.open("rb") as handle, TerminalProgress(self.stderr, quiet=o["quiet"]) as progress:
                result = import_file(
                    actor=actor, kind=o["kind"], fileobj=handle, filename=path.name,
                    dry_run=o["dry_run"], skip_invalid=o["skip_invalid"], allow_duplicates=o["allow_duplicates"],
                    progress=progress,
                )  # fmt: skip
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if result.acting_as:
            self.stderr.write(result.acting_as)
        for problem in result.warnings[:MAX_LISTED]:
            self.stderr.write(self.style.WARNING(f"警告 {problem.message}"))
        for problem in result.errors[:MAX_LISTED]:
            self.stderr.write(f"错误 {problem.message}")
        if len(result.errors) > MAX_LISTED:
            self.stderr.write(f"……另有{len(result.errors) - MAX_LISTED}个错误,见错误工作簿")
        if result.error_workbook:
            errors_path = Path(o["errors"] or path.with_name(path.stem + ".errors.xlsx"))
            errors_path.write_bytes(result.error_workbook)
            self.stderr.write(f"有误的行已写入 {errors_path}")
        self.stdout.write(result.summary() + f",用时{result.seconds:.1f}秒")
        if result.errors and not (o["skip_invalid"] and result.written):
            raise CommandError(f"共{len(result.errors)}个错误,未导入任何数据")
        if result.needs_confirmation and o["dry_run"]:
            self.stderr.write(
                f"有{len(result.duplicates)}处疑似重复:正式导入时须加 --allow-duplicates 确认,或修改文件"
            )
        elif result.needs_confirmation:
            raise CommandError(
                f"有{len(result.duplicates)}处疑似重复(见上方警告),未导入任何数据。"
                "如确为不同的记录(如同一天的两场活动),请加 --allow-duplicates 重新导入;否则请修改文件"
            )
