"""docs/import-formats.md lists every column of every import kind, with its format."""

from pathlib import Path

from kexie.core.imports import KINDS, get_spec

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"


def _section(text: str, kind: str) -> str:
    start = text.index(f"(`{kind}`)")
    following = text.find("\n## ", start)
    return text[start : following if following != -1 else len(text)]


def test_every_column_of_every_kind_is_documented(db):
    text = DOC.read_text(encoding="utf-8")
    missing = []
    for kind in KINDS:
        section = _section(text, kind)
        for col in get_spec(kind).columns():
            required = "是" if col.required else "否"
            if f"| {col.header} | {required} | {col.fmt} |" not in section:
                missing.append(f"{kind}: {col.header}")
    assert not missing, f"document these columns in docs/import-formats.md: {missing}"
