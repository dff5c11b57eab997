from pathlib import Path

from kexie.core import indicators

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_every_registered_indicator_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [i.code for i in indicators.all_indicators() if f"`{i.code}`" not in text]
    assert not missing, f"add these codes to docs/indicators.md: {missing}"
