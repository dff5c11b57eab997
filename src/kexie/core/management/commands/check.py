import argparse

from django.core.management.commands.check import Command as DjangoCheck

from kexie.core import health, textsearch

# Django's own options of `check`, explained in Chinese.
HELP = {
    "args": "只检查这些应用(默认全部)",
    "tags": "只运行带此标签的系统检查",
    "list_tags": "列出可用的标签(加 --deploy 时含部署检查的标签)",
    "deploy": "同时检查正式部署的设置(HTTPS、Cookie 等)",
    "fail_level": "达到此级别的问题使命令以非零状态退出(默认 ERROR)",
    "databases": "对这些数据库运行与数据库有关的检查",
}


class Command(DjangoCheck):
    help = "检查运行状态(数据库、迁移、后台任务进程与队列、检索引擎)和配置(Django 的系统检查)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest in HELP and action.help != argparse.SUPPRESS:
                action.help = HELP[action.dest]

    def handle(self, *app_labels, **options):
        if options["list_tags"]:
            return super().handle(*app_labels, **options)
        from kexie.innovation.patents import search_engine_label

        for line in health.status_lines():
            self.stdout.write(line)
        self.stdout.write(f"专利检索引擎:{search_engine_label()}")
        self.stdout.write(f"列表标题检索:{textsearch.index_label()}")
        return super().handle(*app_labels, **options)
