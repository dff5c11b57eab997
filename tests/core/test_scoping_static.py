"""Static half of "scope that fails closed": outside kexie/core/scoping.py and the allow-list
below, no code spells a tree-path filter by hand, and every `Model.objects` read of a scoped
model says whose data it reads (for_user / within / published / unscoped(reason=…))."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

SRC = Path(__file__).resolve().parents[2] / "src" / "kexie"

# Whole files that may read every row: bulk loaders of the demo, command-line tools that run
# without a user, historical migrations. Keep it short; prefer `.unscoped(reason=…)` inline.
ALLOWED_FILES = {
    "core/scoping.py": "the mechanism itself",
    "demo/loader.py": "bulk-loads the demo city, no user",
    "demo/runner.py": "wipes and reloads the demo, no user",
    "testing.py": "builds the test personas' world",
    "innovation/testing.py": "builds test data",
    "innovation/ranking.py": "the matching index covers the city; results are resolved in scope",
    "innovation/demo.py": "loads the demo, no user",
}
ALLOWED_DIRS = ("migrations", "management")
SCOPE_METHODS = {"for_user", "within", "within_path", "published", "unscoped", "of"}
# Functions that scope the queryset given as their first argument.
SCOPING_CALLS = {"scoped", "get_scoped_or_404", "restrict"}
# Manager calls that read nothing.
WRITES = {"create", "bulk_create", "bulk_update", "none"}


def scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if hasattr(m, "scope_field")}


def source_files():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in ALLOWED_FILES or any(part in ALLOWED_DIRS for part in path.parts):
            continue
        yield rel, path


def _chain_names(node, parents) -> list[str]:
    """Attribute names called along the chain that starts at `node` (X.objects), and
    "<scoping call>" when the chain is handed to scoped()/get_scoped_or_404()/restrict()."""
    names = []
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            names.append(parent.attr)
        elif not (isinstance(parent, ast.Call) and parent.func is node):
            if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
                func = parent.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in SCOPING_CALLS:
                    names.append("unscoped")
            return names
        node = parent


def unscoped_reads(tree, models: set[str]) -> list[int]:
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in models
        ):
            names = _chain_names(node, parents)
            if names and names[0] in WRITES:
                continue
            if not SCOPE_METHODS & set(names):
                found.append(node.lineno)
    return found


def path_filters(tree) -> list[int]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and node.arg.endswith("path__startswith"):
            found.append(node.value.lineno)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "path__startswith" in node.value
        ):
            found.append(node.lineno)
    return found


def test_no_hand_written_path_filter():
    offenders = [
        f"{rel}:{line}" for rel, path in source_files() for line in path_filters(ast.parse(path.read_text()))
    ]
    assert offenders == [], "tree-path filters belong in kexie.core.scoping: " + ", ".join(offenders)


def test_no_unscoped_read_of_a_scoped_model():
    models = scoped_model_names()
    offenders = [
        f"{rel}:{line}"
        for rel, path in source_files()
        for line in unscoped_reads(ast.parse(path.read_text()), models)
    ]
    assert offenders == [], "say whose data this reads (for_user/within/published/unscoped): " + ", ".join(
        offenders
    )


@pytest.mark.parametrize(
    "code, expected",
    [
        ("Activity.objects.filter(x=1)", [1]),
        ("Activity.objects.approved().count()", [1]),
        ("Activity.objects.for_user(u).filter(x=1)", []),
        ("Activity.objects.filter(x=1).unscoped(reason='r')", []),
        ("Activity.objects.create(x=1)", []),
        ("Region.objects.filter(x=1)", []),
        ("Activity._default_manager.all()", [1]),
        ("get_scoped_or_404(Activity.objects.select_related('x'), u, pk=1)", []),
        ("scope.restrict(Activity.objects.all(), region=None)", []),
        ("Activity.objects.of(a).update(x=1)", []),
    ],
)
def test_the_checker_sees_unscoped_reads(code, expected):
    assert unscoped_reads(ast.parse(code), {"Activity"}) == expected


def test_the_checker_sees_path_filters():
    assert path_filters(ast.parse("qs.filter(unit__path__startswith=p)\nQ(**{'path__startswith': p})")) == [
        1,
        2,
    ]


def test_every_scoped_model_has_the_scoped_manager():
    from kexie.core.scoping import ScopedQuerySet

    loose = [
        m.__name__
        for m in apps.get_models()
        if hasattr(m, "scope_field") and not isinstance(m._default_manager.all(), ScopedQuerySet)
    ]
    assert loose == []
