"""docs/api.md lists every published API endpoint."""

from pathlib import Path

from kexie.api import api

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_every_endpoint_is_documented():
    text = DOC.read_text(encoding="utf-8")
    paths = api.get_openapi_schema()["paths"]
    missing = [
        f"{m.upper()} {p}" for p, ops in paths.items() for m in ops if f"| {m.upper()} | `{p}` |" not in text
    ]
    assert not missing, f"add these endpoints to docs/api.md: {missing}"
