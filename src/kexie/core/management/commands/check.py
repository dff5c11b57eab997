from django.core.management.commands.check import Command as DjangoCheck

from kexie.core import health


class Command(DjangoCheck):
    help = "检查运行状态(数据库、迁移、后台任务进程与队列)和配置(Django 的系统检查)"

    def handle(self, *app_labels, **options):
        for line in health.status_lines():
            self.stdout.write(line)
        return super().handle(*app_labels, **options)
