"""Every `kexie` command (and subcommand) answers --help, in kexie's terms only."""

import argparse

import pytest
from django.core.management import get_commands, load_command_class

from kexie.cli import main

DJANGO_OPTIONS = ("--settings", "--pythonpath", "--skip-checks", "--traceback", "--no-color",
                  "--force-color", "--verbosity", "--version")  # fmt: skip


def _kexie_command_names() -> list[str]:
    return sorted(name for name, app in get_commands().items() if str(app).startswith("kexie."))


def _subcommands(name: str) -> list[str]:
    parser = load_command_class(get_commands()[name], name).create_parser("kexie", name)
    return [
        choice
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action.choices
    ]


def _run(capsys, *args) -> str:
    try:
        main(list(args))
    except SystemExit as exc:
        assert exc.code in (0, None), f"kexie {' '.join(args)} exited with {exc.code}"
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return out


def test_kexie_has_the_documented_commands():
    assert set(_kexie_command_names()) >= {"demo", "serve", "createuser", "import", "export", "literacy"}


@pytest.mark.parametrize("name", _kexie_command_names())
def test_help_of_every_command_and_subcommand(capsys, name):
    texts = [_run(capsys, "help", name), _run(capsys, name, "--help")]
    texts += [_run(capsys, name, sub, "--help") for sub in _subcommands(name)]
    for text in texts:
        assert f"kexie {name}" in text
        leaked = [option for option in DJANGO_OPTIONS if option in text]
        assert not leaked, f"kexie {name}: Django's own options in the help: {leaked}"
        english = [w for w in ("usage:", "options:", "positional arguments", "show this help") if w in text]
        assert not english, f"kexie {name}: English in the help: {english}"


def test_main_help_lists_kexie_commands_only(capsys):
    text = _run(capsys, "help")
    listed = {line.split()[0] for line in text.splitlines() if line.startswith("  ")}
    assert listed == {*_kexie_command_names(), "migrate"}
    assert "startproject" not in text and "[django]" not in text
    assert _run(capsys, "--help") == text


def test_migrate_help_hides_django_options_too(capsys):
    text = _run(capsys, "migrate", "--help")
    assert "--settings" not in text and "--pythonpath" not in text


def test_unknown_command_is_told_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["improt"])
    assert exit_info.value.code == 1
    assert "没有命令“improt”" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_refusal_reads_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["createuser", "newstaff", "--unit", "没有这个单位", "--password", "Jining-2020-ok"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert "错误:单位“没有这个单位”不存在" in err and "CommandError" not in err


@pytest.mark.parametrize(
    "args,expected",
    [
        (["createuser"], "缺少参数 username"),
        (["export", "activities", "out.xlsx", "--year", "二〇二〇"], "--year 的值 '二〇二〇' 不是整数"),
        (["literacy", "pps", "frame.csv"], "缺少参数 --per-county"),
        (["indicators", "--bogus"], "无法识别的参数 --bogus"),
    ],
)
def test_argument_errors_read_in_chinese(capsys, args, expected):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert expected in err and "错误" in err and "error:" not in err and "usage:" not in err, err


def test_version_is_kexies(capsys):
    from importlib.metadata import version

    assert _run(capsys, "--version").strip() == f"kexie {version('kexie')}"


def test_readme_lists_the_commands_kexie_help_lists():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"`kexie ([a-z]+(?: \|\s+[a-z]+)+)`", readme).group(1)
    assert {name.strip() for name in listed.split("|")} == {*_kexie_command_names(), "migrate"}
