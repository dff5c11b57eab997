"""Charts in the Word review draw Chinese labels with a font that has the glyphs (no tofu)."""

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from kexie.reports.charts import cjk_font


def test_a_cjk_font_is_always_available_and_covers_county_names():
    family = cjk_font()
    assert family is not None, "pylopdf-fonts-zh-cn should provide Noto Sans SC"
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "任城区科普活动场次")
