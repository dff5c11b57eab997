"""Every URL path the documentation names exists (docs/*.md and README.md)."""

import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([*ROOT.glob("docs/*.md"), ROOT / "README.md"])
# Absolute paths in code spans, and the paths of the demo server's URLs.
CODE_PATH = re.compile(r"`(/[^`\s]+)`")
SERVER_URL = re.compile(r"https?://(?:127\.0\.0\.1|localhost)(?::\d+)?(/[^\s\"'`)]*)")
FILE_SYSTEM = ("/usr/", "/tmp/", "/work/", "/etc/", "/var/", "/home/", "/root/", "/opt/", "/dev/", "/proc/")
PLACEHOLDER = re.compile(r"\{[^}/]+\}|<[^>/]+>")


def _named_paths() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in [*CODE_PATH.finditer(text), *SERVER_URL.finditer(text)]:
            path = match.group(1)
            if len(path) > 1 and not path.startswith(FILE_SYSTEM):
                found.append((doc.relative_to(ROOT).as_posix(), path))
    return sorted(set(found))


def _routes(patterns=None, prefix="") -> list[str]:
    """The route of every URL pattern, e.g. "api/v1/innovation/demands"."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        routes.extend(_routes(pattern.url_patterns, route) if isinstance(pattern, URLResolver) else [route])
    return routes


def test_the_docs_name_url_paths():
    assert any(path == "/core/import/" for _doc, path in _named_paths())


@pytest.mark.parametrize("doc,path", _named_paths(), ids=lambda v: v)
def test_every_url_path_the_docs_name_resolves(doc, path):
    concrete = PLACEHOLDER.sub("1", path.split("?")[0].split("#")[0])
    try:
        resolve(concrete)
    except Resolver404:
        # "the API under /api/v1/innovation/": a prefix of existing URLs is a fine thing to name
        if not (path.endswith("/") and any(r.startswith(concrete[1:]) for r in _routes())):
            pytest.fail(f"{doc} names {path}, which no URL answers")
