"""`kexie demo` draws a progress bar over its steps on a terminal, up to its total; `--quiet` none."""

import io

from django.core.management import call_command

from kexie.core.jobs import terminal
from kexie.demo import runner


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_demo_draws_a_bar_over_its_steps_unless_quiet(db, monkeypatch):
    monkeypatch.setattr(terminal, "EVERY", 0)
    loaded = []
    monkeypatch.setattr(runner, "is_loaded", lambda: False)
    monkeypatch.setattr(runner, "load_demo", lambda: "context")
    monkeypatch.setattr(
        runner, "module_loaders", lambda: [("honours", loaded.append), ("literacy", loaded.append)]
    )
    screen = Terminal()
    call_command("demo", "--no-serve", stdout=io.StringIO(), stderr=screen)
    drawn = screen.getvalue()
    assert loaded == ["context", "context"]
    assert "2/4 50%" in drawn and "honours" in drawn and "3/4 75%" in drawn and "literacy" in drawn
    assert "[########################] 4/4 100%" in drawn
    quiet = Terminal()
    call_command("demo", "--no-serve", "--quiet", stdout=io.StringIO(), stderr=quiet)
    assert "\r" not in quiet.getvalue() and len(loaded) == 4
