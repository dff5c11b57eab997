from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kexie.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "从 kexie backup 生成的文件恢复数据库与上传文件(只写入空数据库): kexie restore FILE\n"
        "须使用备份时的 KEXIE_FIELD_KEY;可从 SQLite 的备份恢复到 PostgreSQL。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="kexie backup 生成的备份文件")
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库已有数据时先清空再恢复(仅当审计日志为空时允许:审计日志永不删除)",
        )
        parser.add_argument("--quiet", action="store_true", help="不显示每张表的进度")

    def handle(self, *args, **o):
        progress = None if o["quiet"] else (lambda line: self.stdout.write(line))
        try:
            manifest = restore_backup(Path(o["file"]), force=o["force"], progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not o["quiet"]:
            self.stdout.write(
                f"已恢复 {manifest['created_at']} 的备份(kexie {manifest['kexie_version']},"
                f"{manifest['database']}),行数与校验和均与清单一致"
            )
