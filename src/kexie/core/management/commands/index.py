"""`kexie index rebuild`: rebuild the search indexes kexie builds from its records."""

from django.core.management.base import BaseCommand

from kexie.core.jobs.terminal import TerminalProgress


class Command(BaseCommand):
    help = "重建检索索引(全文检索表等,由数据库中的记录重新生成;恢复备份后会自动执行): kexie index rebuild [--background]"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"], help="rebuild:重建全部检索索引")
        parser.add_argument(
            "--background", action="store_true", help="交给后台任务进程执行(在“后台任务”页面查看进度)"
        )
        parser.add_argument("--quiet", action="store_true", help="不显示进度条")

    def handle(self, *args, **o):
        from kexie.core.jobs import job_start
        from kexie.core.jobs.kinds import rebuild_indexes

        if o["background"]:
            job = job_start(actor=None, kind="index_rebuild", title="重建检索索引")
            self.stdout.write(f"已提交后台任务 {job.pk}(由 kexie worker 执行)")
            return
        with TerminalProgress(self.stderr, quiet=o["quiet"]) as progress:
            result = rebuild_indexes(progress)
        self.stdout.write(self.style.SUCCESS(f"已重建 {result['rows']} 个检索索引"))
