"""Charts of indicator breakdowns as PNG (matplotlib, Agg), for the Word review.

CJK labels need a CJK font: KEXIE_CJK_FONT (a path to a .ttf/.otf/.ttc) if set, else Noto Sans SC
from the pylopdf-fonts-zh-cn package (a dependency, so every machine has it), else the first
installed one among CJK_FONT_CANDIDATES. With none, the chart is drawn with codes instead of
Chinese labels (no tofu).
"""

import functools
import io
import os

CJK_FONT_CANDIDATES = [
    "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Source Han Serif SC", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei", "SimSun", "Microsoft YaHei", "AR PL UMing CN",
]  # fmt: skip


@functools.cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None."""
    from matplotlib import font_manager

    path = os.environ.get("KEXIE_CJK_FONT") or _packaged_font()
    if path and os.path.exists(path):
        font_manager.fontManager.addfont(path)
        return font_manager.FontProperties(fname=path).get_name()
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONT_CANDIDATES if name in available), None)


def _packaged_font() -> str | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    return str(pylopdf_fonts_zh_cn.sans_path())


def chart_title(row: dict) -> str:
    """The title of a chart of an indicator's first breakdown: name, dimension and unit."""
    from kexie.core import indicators

    dimension = next(iter(row.get("breakdown") or {}), None)
    label = indicators.get(row["code"]).dimensions.get(dimension, "") if dimension else ""
    by = f"(按{label})" if label and label not in row["name"] else ""
    return f"{row['name']}{by},单位:{row['unit']}"


def chart_png(row: dict, *, width_cm: float = 15.6, height_cm: float = 7.5) -> bytes | None:
    """A bar chart (a line for months) of the first breakdown of an indicator row."""
    if not row.get("breakdown"):
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    dimension, data = next(iter(row["breakdown"].items()))
    if not data:
        return None
    font = cjk_font()
    labels_of = row["labels"].get(dimension, {})
    labels = [labels_of.get(k, k) if font else k for k in data]
    values = list(data.values())
    families = ["DejaVu Sans", font] if font else ["DejaVu Sans"]  # Latin and digits first, CJK as fallback
    with plt.rc_context({"font.family": families, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=200)
        if dimension == "month":
            ax.plot(labels, values, marker="o", color="#c0392b")
        else:
            ax.bar(labels, values, color="#c0392b")
            ax.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0, labelsize=7)
        ax.set_title(chart_title(row) if font else row["code"], fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        for x, y in zip(labels, values, strict=True):
            ax.annotate(str(y), (x, y), ha="center", va="bottom", fontsize=6)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    return buffer.getvalue()
