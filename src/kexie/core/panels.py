"""Sections that other apps add to a person's or an organisation's page in the directory
(honours over the years, …), so that the directory depends on no domain app, and to the home
page ("home": obj is None; overdue rectifications, the office's overdue tasks, …). Apps declare
them in `<app>/panels.py` with `register("person" | "organisation" | "home", panel)`, where a panel is
`(user, obj) -> {"template": …, "rows": …} | None`; loaded on first use."""

from collections.abc import Callable

from kexie.core import discovery

_PANELS: dict[str, list[Callable]] = {"person": [], "organisation": [], "home": []}


def register(kind: str, panel: Callable) -> None:
    _PANELS[kind].append(panel)


def registered(kind: str) -> list[Callable]:
    discovery.discover("panels")
    return list(_PANELS[kind])


def panels_for(kind: str, user, obj) -> list[dict]:
    discovery.discover("panels")
    shown = (panel(user, obj) for panel in _PANELS[kind])
    return [p for p in shown if p is not None]
