from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "备份数据库与上传文件到一个 zip 文件(运行中即可备份;不含密钥): kexie backup FILE\n"
        "格式与恢复见 docs/operations.md“备份与恢复”。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件(.zip)")
        parser.add_argument("--quiet", action="store_true", help="不显示每张表的进度")

    def handle(self, *args, **o):
        progress = None if o["quiet"] else (lambda line: self.stdout.write(line))
        try:
            manifest = create_backup(Path(o["file"]), progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(entry["rows"] for entry in manifest["tables"].values())
        if not o["quiet"]:
            self.stdout.write(
                f"已备份 {len(manifest['tables'])} 张表共 {rows} 行、{len(manifest['media'])} 个上传文件到 {o['file']}"
            )
