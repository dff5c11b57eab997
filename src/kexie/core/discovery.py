"""Registries filled by importing one module of every app (`<app>/audit_actions.py`,
`references.py`, `derived.py`, `panels.py`, `schedules.py`): each is imported once per process,
and a thread that asks meanwhile waits until every app's module is in (under `kexie serve`
several threads take a worker's first requests together; one that read a half-filled registry
answered a 500, found by benchmarks/bench_serve.py)."""

from __future__ import annotations

import threading

from django.utils.module_loading import autodiscover_modules

_done: set[str] = set()
_lock = threading.RLock()  # re-entrant: one app's module may ask another registry while it loads


def discover(module_name: str) -> None:
    """Import `<app>/<module_name>.py` of every installed app, once."""
    if module_name in _done:
        return
    with _lock:
        if module_name not in _done:
            autodiscover_modules(module_name)
            _done.add(module_name)


def forget(module_name: str) -> None:
    """Tests: discover `module_name` again at the next use."""
    with _lock:
        _done.discard(module_name)


def mark_done(module_name: str) -> None:
    """Tests: treat `module_name` as discovered (a registry they filled by hand)."""
    with _lock:
        _done.add(module_name)
