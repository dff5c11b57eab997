"""A progress bar on the terminal for long commands (`kexie import`, `kexie export`): the same
progress(done, total, line) callback a background job hears. Silent when the output is not a
terminal (a log file, a pipe, a test) or with `--quiet`; a command of a few long steps (`kexie
review`) asks for `lines=True`: then, off a terminal, one plain line each time the step changes
(its status line), for a log or a scheduler's mail."""

from __future__ import annotations

import time

WIDTH = 24
EVERY = 0.2  # seconds between two redraws


class TerminalProgress:
    def __init__(self, stream, *, quiet: bool = False, lines: bool = False):
        self.stream = getattr(stream, "_out", stream)  # past Django's OutputWrapper, which ends lines
        self.shown = not quiet and _is_terminal(stream)
        self.plain = not quiet and not self.shown and lines
        self.last_line: str | None = None
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int, line: str = "") -> None:
        if self.plain:
            self._plain(done, total, line)
            return
        now = time.monotonic()
        if not self.shown or (now - self.drawn_at < EVERY and done < total):
            return
        self.drawn_at = now
        self.stream.write("\r" + render(done, total, line, now - self.started) + "\033[K")
        self.stream.flush()
        self.drawn = True

    def _plain(self, done: int, total: int, line: str) -> None:
        if not line or line == self.last_line:
            return
        self.last_line = line
        count = f"[{done}/{total}] " if total else ""
        self.stream.write(f"{count}{line}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def render(done: int, total: int, line: str, spent: float) -> str:
    """One line: bar, rows done of total, percent, time left by the rate so far, what it does."""
    if not total:
        return line
    share = min(1.0, done / total)
    filled = round(WIDTH * share)
    left = ""
    if 0 < done < total:
        left = f" 剩余约 {_duration(spent / done * (total - done))}"
    return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} {share:.0%}{left} {line}".rstrip()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{seconds // 60} 分 {seconds % 60} 秒"


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
