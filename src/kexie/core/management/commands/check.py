from django.core.management.commands.check import Command as DjangoCheck

from kexie.core import textsearch

_HELP = {
    "args": "只检查这些应用(默认全部)",
    "--tag": "只运行带此标签的检查",
    "--list-tags": "列出可用的检查标签",
    "--deploy": "再做上线部署的检查",
    "--fail-level": "达到此级别的问题时以非零状态退出(默认 ERROR)",
    "--database": "也做需要数据库的检查(数据库别名)",
}


class Command(DjangoCheck):
    help = "检查安装与配置: kexie check [--deploy](并列出正在使用的检索引擎与列表标题检索索引)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            key = action.option_strings[0] if action.option_strings else action.dest
            if key in _HELP:
                action.help = _HELP[key]

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        if options["list_tags"]:
            return
        from kexie.innovation.patents import search_engine_label

        self.stdout.write(f"专利检索引擎:{search_engine_label()}")
        self.stdout.write(f"列表标题检索:{textsearch.index_label()}")
