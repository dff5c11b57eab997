import logging

from django.core.management.base import BaseCommand, CommandError

from kexie.core import datadir, health


class Command(BaseCommand):
    help = "运行后台任务进程:处理大批量导入、导出等排队的任务(见 docs/operations.md)"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔几秒查看一次(默认 1)")
        parser.add_argument("--batch", action="store_true", help="处理完已排队的任务后退出(用于定时任务)")
        parser.add_argument("--max-jobs", type=int, default=None, help="处理完这么多个任务后退出")
        parser.add_argument("--parent", type=int, default=None, help="该进程结束时随之退出(kexie serve 使用)")
        parser.add_argument(
            "--no-schedule", action="store_true", help="不启动定时任务(如每分钟发送通知邮件),只处理排队的任务"
        )
        parser.add_argument("--quiet", action="store_true", help="不显示启动信息")

    def handle(self, *args, **options):
        from kexie.core.jobs.worker import Worker

        if not 0 <= options["interval"] <= 3600:
            raise CommandError("--interval 应在 0 到 3600 秒之间")
        if options["max_jobs"] is not None and options["max_jobs"] < 1:
            raise CommandError("--max-jobs 应为正整数")
        if health.migrations_check() != health.OK:
            raise CommandError("数据库有未执行的迁移(或无法连接),请先运行 kexie migrate")
        _log_to_console()
        worker = Worker(
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_jobs"],
            parent=options["parent"],
            schedule=not options["no_schedule"],
        )
        if not options["quiet"]:
            self.stdout.write(datadir.where())
            self.stdout.write(f"后台任务进程已启动({worker.worker_id});Ctrl-C 退出,正在处理的任务会先完成")
            self.stdout.flush()
        worker.configure_signals()
        worker.run()


def _log_to_console() -> None:
    """One line per job (kexie.jobs, INFO) and the queue's own warnings on the console."""
    for name in ("kexie.jobs", "django_tasks_db", "django_tasks"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO if name == "kexie.jobs" else logging.WARNING)
