"""Judge assignment and ranking for calls and competitions (no Django).

* :func:`assign`: each entry gets K judges, no pair in conflict, loads within bounds, the total
  affinity as large as possible (an exact min-cost flow), or a statement of what to relax;
* :func:`rank`: raw means, per-judge z-scores, or scores calibrated for each judge's leniency and
  scale, with shared ranks for ties and the spread between judges flagged;
* :func:`award`: prize levels with quotas, ties never split.

See docs/contest.md.
"""

from .affinity import table_affinity, text_affinity
from .assignment import RESOLUTION, assign
from .model import (
    DECLARED_RELATION,
    LISTED,
    OWN_NOMINEE,
    SAME_INSTITUTION,
    Assignment,
    Conflict,
    Entry,
    Exclusion,
    Infeasibility,
    Judge,
    Pair,
)
from .ranking import (
    METHODS,
    Award,
    Calibration,
    Quota,
    Ranked,
    Score,
    award,
    break_ties,
    calibrated_fit,
    rank,
    rank_side_by_side,
)

__all__ = [
    "METHODS",
    "Award",
    "Calibration",
    "Quota",
    "Ranked",
    "Score",
    "award",
    "break_ties",
    "calibrated_fit",
    "rank",
    "rank_side_by_side",
    "DECLARED_RELATION",
    "LISTED",
    "OWN_NOMINEE",
    "RESOLUTION",
    "SAME_INSTITUTION",
    "Assignment",
    "Conflict",
    "Entry",
    "Exclusion",
    "Infeasibility",
    "Judge",
    "Pair",
    "assign",
    "table_affinity",
    "text_affinity",
]
