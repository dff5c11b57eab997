"""Registries filled on first use (reference rules, audit actions) are complete for every thread:
under `kexie serve` several threads take a worker's first requests at once, and one that asked
while another was still importing the `<app>/references.py` modules answered a 500 ("no reference
rule for activities.Activity.campaign", found by benchmarks/bench_serve.py)."""

import threading
import time

import pytest

from kexie.core import actions, discovery, panels, references


def ask_while_discovering(name: str, monkeypatch, register, ask):
    discovering = threading.Event()

    def slow_discovery(name):
        discovering.set()
        time.sleep(0.3)  # importing the apps' modules takes a while
        register()

    monkeypatch.setattr(discovery, "autodiscover_modules", slow_discovery)
    discovery.forget(name)
    first = threading.Thread(target=ask)
    first.start()
    discovering.wait(5)
    try:
        return ask()  # a second thread's request, meanwhile
    finally:
        first.join()


def test_a_reference_rule_asked_for_during_discovery_is_found(monkeypatch):
    references._load()  # the real rules first: the test's copy is put back whole afterwards
    monkeypatch.setattr(references, "_RULES", dict(references._RULES))

    def register():
        references.register("tests.Thing.owner", lambda user: None)

    rule = ask_while_discovering(
        "references", monkeypatch, register, lambda: references.get("tests.Thing.owner")
    )
    assert rule.key == "tests.Thing.owner"


def test_an_audit_action_asked_for_during_discovery_is_known(monkeypatch):
    actions._discover()
    monkeypatch.setattr(actions, "_registry", dict(actions._registry))

    def register():
        actions.register("tests.thing", "东西", {"made": "制作"})

    found = ask_while_discovering(
        "audit_actions", monkeypatch, register, lambda: actions.get("tests.thing.made")
    )
    assert found is not None and found.label == "制作"


def test_a_home_panel_registered_during_discovery_is_shown(monkeypatch):
    panels.registered("home")  # the real panels loaded first, without running them (no database here)
    monkeypatch.setattr(panels, "_PANELS", {kind: [] for kind in panels._PANELS})

    def register():
        panels.register("home", lambda user, obj: {"template": "t.html", "rows": []})

    shown = ask_while_discovering(
        "panels", monkeypatch, register, lambda: panels.panels_for("home", None, None)
    )
    assert shown == [{"template": "t.html", "rows": []}]


def test_each_module_is_imported_once(monkeypatch):
    imported = []
    monkeypatch.setattr(discovery, "autodiscover_modules", imported.append)
    discovery.forget("tests_only")
    for _ in range(3):
        discovery.discover("tests_only")
    assert imported == ["tests_only"]
    discovery.forget("tests_only")


@pytest.fixture(autouse=True)
def _registries_back():
    yield
    for name in ("references", "audit_actions", "panels"):
        discovery.discover(name)
