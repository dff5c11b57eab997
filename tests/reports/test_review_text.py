"""The review's sentences: optional parts in 〔…〕 and the area word follow the figures and the scope."""

from kexie.core.indicators import Scope
from kexie.reports.review import area_word, render_line


def _row(value, previous=0, breakdown=None):
    return {"value": value, "previous": previous, "unit": "家", "breakdown": breakdown or {},
            "previous_breakdown": {}, "labels": {}}  # fmt: skip


def _text(segments) -> str:
    return "".join(getattr(s, "text", s) for s in segments)


def test_an_optional_part_with_only_zero_figures_is_left_out():
    values = {"a.visits": _row(10), "a.societies": _row(0)}
    line = "走访{a.visits}家企业〔,与{a.societies}家省级学会达成合作意向〕。"
    assert _text(render_line(line, values)) == "走访10家企业。"
    values["a.societies"] = _row(7)
    assert _text(render_line(line, values)) == "走访10家企业,与7家省级学会达成合作意向。"


def test_the_area_word_is_the_city_or_the_county(personas, world):
    assert area_word(Scope(personas["city_admin"])) == "全市"
    assert area_word(Scope(personas["county_staff"])) == "全区"  # 任城区科协
    assert area_word(Scope(personas["city_admin"], region_code="370811")) == "全区"
    assert _text(render_line("在{area}开展", {}, {"area": "全区"})) == "在全区开展"
