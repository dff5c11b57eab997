"""The `kexie` command: kexie's management commands under one short name.

`kexie demo`, `kexie serve`, `kexie import …` and every other subcommand are
management commands of kexie's apps (see each app's management/commands/). Through
`kexie`, users see kexie's commands and kexie's options only: `kexie help` lists
kexie's commands, and Django's own options (`--settings`, `--pythonpath`, …) are left
out of every command's help (they still work, for those who know Django).
"""

import argparse
import os
import re
import sys
from difflib import get_close_matches

# Django's own commands that kexie documents as its own (README "Command line"), with their summary.
DJANGO_COMMANDS_KEPT = {"migrate": "建立或升级数据库结构(serve 与 demo 启动时自动执行)"}

# The options BaseCommand.create_parser adds to every command.
DJANGO_BASE_OPTIONS = frozenset(
    {"--version", "--verbosity", "--settings", "--pythonpath", "--traceback", "--no-color",
     "--force-color", "--skip-checks"}
)  # fmt: skip


def kexie_commands() -> dict[str, str]:
    """Command name -> app of every command the `kexie` program offers."""
    from django.core.management import get_commands

    return {
        name: app
        for name, app in get_commands().items()
        if (isinstance(app, str) and app.startswith("kexie.")) or name in DJANGO_COMMANDS_KEPT
    }


def _summary(name: str, app: str) -> str:
    if name in DJANGO_COMMANDS_KEPT:
        return DJANGO_COMMANDS_KEPT[name]
    from django.core.management import load_command_class

    lines = load_command_class(app, name).help.strip().splitlines()
    return lines[0] if lines else ""


def _without_django_options(create_parser):
    """Wrap a command's create_parser so its help leaves out Django's own options, and the parser
    (with its subcommands' parsers) speaks Chinese."""

    def create(prog_name, subcommand, **kwargs):
        parser = create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:
            if DJANGO_BASE_OPTIONS.intersection(action.option_strings):
                action.help = argparse.SUPPRESS
        _in_chinese(parser)
        return parser

    return create


# argparse's messages have no Chinese catalogue; these are the ones a kexie user can meet.
_TYPE_NAMES = {"int": "整数", "float": "数字"}
_ARGPARSE_MESSAGES = [
    (r"the following arguments are required: (.*)", lambda m: f"缺少参数 {m[1]}"),
    (r"unrecognized arguments: (.*)", lambda m: f"无法识别的参数 {m[1]}"),
    (r"one of the arguments (.*) is required", lambda m: f"须指定以下参数之一:{m[1]}"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", lambda m: f"{m[1]} 的值 {m[2]} 无效,可选:{m[3]}"),
    (r"argument (\S+): invalid (\w+) value: (.*)",
     lambda m: f"{m[1]} 的值 {m[3]} 不是{_TYPE_NAMES.get(m[2], m[2])}"),
    (r"argument (\S+): expected one argument", lambda m: f"{m[1]} 后面需要一个值"),
    (r"argument (\S+): not allowed with argument (\S+)", lambda m: f"{m[1]} 不能与 {m[2]} 同时使用"),
]  # fmt: skip


def _translated(message: str) -> str:
    for pattern, chinese in _ARGPARSE_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            return chinese(match)
    return message


def _in_chinese(parser) -> None:
    """Headings, -h and errors of a parser and its subcommands' parsers in Chinese."""

    class Formatter(parser.formatter_class):
        def add_usage(self, usage, actions, groups, prefix=None):
            super().add_usage(usage, actions, groups, "用法: " if prefix is None else prefix)

    def error(message):
        parser.print_usage(sys.stderr)
        parser.exit(2, f"{parser.prog}: 错误:{_translated(message)}\n")

    parser.formatter_class = Formatter
    parser.error = error
    parser._positionals.title, parser._optionals.title = "参数", "选项"
    for action in parser._actions:
        if "-h" in action.option_strings:
            action.help = "显示本说明并退出"
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                _in_chinese(subparser)


def _errors_in_chinese(command):
    """Wrap a command's execute so a refusal reads "错误:…" (Django would print "CommandError: …")."""
    from django.core.management.base import CommandError, SystemCheckError

    execute = command.execute

    def run(*args, **options):
        try:
            return execute(*args, **options)
        except CommandError as exc:
            if options.get("traceback") or isinstance(exc, SystemCheckError):
                raise
            command.stderr.write(f"错误:{exc}")
            sys.exit(exc.returncode)

    return run


def _utility_class():
    from django.core.management import ManagementUtility

    class KexieUtility(ManagementUtility):
        """Django's command dispatcher, speaking for kexie only."""

        def main_help_text(self, commands_only=False):
            commands = kexie_commands()
            if commands_only:
                return "\n".join(sorted(commands))
            lines = [
                "用法: kexie <命令> [选项]",
                "各命令的说明: kexie help <命令>(或 kexie <命令> --help)",
                "",
                "命令:",
            ]
            width = max(map(len, commands))
            for name in sorted(commands):
                lines.append(f"  {name:<{width}}  {_summary(name, commands[name])}")
            return "\n".join(lines)

        def fetch_command(self, subcommand):
            from django.core.management import get_commands

            if subcommand not in get_commands():
                matches = get_close_matches(subcommand, kexie_commands())
                hint = f"。是否要用 {matches[0]}?" if matches else ""
                sys.stderr.write(f"没有命令“{subcommand}”{hint}\n查看全部命令: kexie help\n")
                sys.exit(1)
            command = super().fetch_command(subcommand)
            command.create_parser = _without_django_options(command.create_parser)
            command.execute = _errors_in_chinese(command)
            return command

    return KexieUtility


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["version"]):
        from importlib.metadata import version

        sys.stdout.write(f"kexie {version('kexie')}\n")  # Django would print its own version
        return
    _utility_class()(["kexie", *args]).execute()


if __name__ == "__main__":
    main()
