"""Registries filled on first use (reference rules, audit actions) are complete for every thread:
under `kexie serve` several threads take a worker's first requests at once, and one that asked
while another was still importing the `<app>/references.py` modules answered a 500 ("no reference
rule for activities.Activity.campaign", found by benchmarks/bench_serve.py)."""

import threading
import time

import pytest

from kexie.core import actions, references


def ask_while_discovering(module, flag: str, monkeypatch, register, ask):
    discovering = threading.Event()

    def slow_discovery(name):
        discovering.set()
        time.sleep(0.3)  # importing the apps' modules takes a while
        register()

    monkeypatch.setattr(module, "autodiscover_modules", slow_discovery)
    monkeypatch.setattr(module, flag, False)
    first = threading.Thread(target=ask)
    first.start()
    discovering.wait(5)
    try:
        return ask()  # a second thread's request, meanwhile
    finally:
        first.join()


def test_a_reference_rule_asked_for_during_discovery_is_found(monkeypatch):
    monkeypatch.setattr(references, "_RULES", dict(references._RULES))

    def register():
        references.register("tests.Thing.owner", lambda user: None)

    rule = ask_while_discovering(
        references, "_loaded", monkeypatch, register, lambda: references.get("tests.Thing.owner")
    )
    assert rule.key == "tests.Thing.owner"


def test_an_audit_action_asked_for_during_discovery_is_known(monkeypatch):
    monkeypatch.setattr(actions, "_registry", dict(actions._registry))

    def register():
        actions.register("tests.thing", "东西", {"made": "制作"})

    found = ask_while_discovering(
        actions, "_discovered", monkeypatch, register, lambda: actions.get("tests.thing.made")
    )
    assert found is not None and found.label == "制作"


@pytest.fixture(autouse=True)
def _registries_back():
    yield
    references._load()
    actions._discover()
