"""docs/indicators.md defines every registered indicator well enough to compute it from the
page alone: what is counted, which date puts a record in a period, how scope applies, whether
units or people are counted once, what is shown with no data, its breakdowns and year on year."""

import re
from pathlib import Path

import pytest

from kexie.core import indicators

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
PARTS = ("计数", "期间", "范围", "去重", "无数据", "分列", "上年同期")
SECTION = re.compile(r"^### `([a-z0-9_.]+)` .+$", re.MULTILINE)


def _sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    heads = list(SECTION.finditer(text))
    ends = [m.start() for m in heads[1:]] + [len(text)]
    return {m.group(1): text[m.end() : end].split("\n## ")[0] for m, end in zip(heads, ends, strict=True)}


def test_every_registered_indicator_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [i.code for i in indicators.all_indicators() if f"`{i.code}`" not in text]
    assert not missing, f"add these codes to docs/indicators.md: {missing}"


@pytest.mark.parametrize("indicator", indicators.all_indicators(), ids=lambda i: i.code)
def test_each_indicator_has_every_part_of_its_definition(indicator):
    section = _sections().get(indicator.code)
    assert section is not None, f"docs/indicators.md: add a section “### `{indicator.code}` {indicator.name}”"
    lines = {m.group(1): m.group(2).strip() for m in re.finditer(r"^- (\S+?):(.*)$", section, re.MULTILINE)}
    missing = [part for part in PARTS if not lines.get(part)]
    assert not missing, f"{indicator.code}: docs/indicators.md lacks {missing}"
    for dimension, label in indicator.dimensions.items():
        assert f"`{dimension}`" in lines["分列"] and label in lines["分列"], (indicator.code, dimension)
    if not indicator.dimensions:
        assert lines["分列"].startswith("无"), indicator.code
    assert lines["上年同期"].startswith("有" if indicator.year_on_year else "无"), indicator.code


def test_every_documented_section_is_a_registered_indicator():
    registered = {i.code for i in indicators.all_indicators()}
    assert set(_sections()) <= registered


def test_the_city_level_key_and_the_designation_types_are_documented():
    from kexie.core.indicators import CITY_LEVEL, CITY_LEVEL_LABEL
    from kexie.directory.codes import DESIGNATION_TYPE_LEVELS, DesignationLevel, DesignationType

    text = DOC.read_text(encoding="utf-8")
    assert f"`{CITY_LEVEL}`" in text and CITY_LEVEL_LABEL in text
    for code, levels in DESIGNATION_TYPE_LEVELS.items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{code}` |")), None)
        assert row is not None, code
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == DesignationType(code).label
        assert cells[2] == "、".join(str(DesignationLevel(lv).label) for lv in levels), code
