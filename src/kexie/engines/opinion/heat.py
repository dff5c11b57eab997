"""Heat (热度) of a cluster: how many copies, from how many sources, read how widely, how fast."""

from __future__ import annotations

import math

HEAT_FORMULA = (
    "热度 = 10·ln(1+副本数) + 15·ln(1+来源数) + 5·ln(1+阅读量) + 20·min(增速, 5),"
    "增速 = 近 24 小时副本数 ÷ max(1, 前 24 小时副本数)"
)


def heat(*, copies: int, sources: int, reach: int = 0, recent: int = 0, earlier: int = 0) -> float:
    """The heat of a cluster, rounded to one decimal; see HEAT_FORMULA.

    recent/earlier: copies seen in the last 24 hours and in the 24 hours before.
    """
    growth = min(recent / max(1, earlier), 5.0)
    value = (
        10 * math.log1p(max(copies, 0))
        + 15 * math.log1p(max(sources, 0))
        + 5 * math.log1p(max(reach, 0))
        + 20 * growth
    )
    return round(value, 1)
