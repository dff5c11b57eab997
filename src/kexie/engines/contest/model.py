"""The plain data the contest engine takes and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

# Conflict reasons (a conflict is a pair that must never be made).
SAME_INSTITUTION = "同单位"
LISTED = "回避名单"
OWN_NOMINEE = "本人推荐"
DECLARED_RELATION = "申报的利害关系"


def _names(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


@dataclass(frozen=True)
class Entry:
    """An entry (作品/项目/团队/候选人) to be judged.

    ``institutions`` are those of every team member and adviser: a judge of any of them is
    in conflict."""

    id: str
    institutions: tuple[str, ...] = ()
    title: str = ""
    abstract: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "institutions", _names(self.institutions))


@dataclass(frozen=True)
class Judge:
    """A judge (评审专家) with the institutions they belong to and their expertise."""

    id: str
    institutions: tuple[str, ...] = ()
    expertise: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "institutions", _names(self.institutions))


@dataclass(frozen=True)
class Conflict:
    """A pair that must not be made, with why: an explicit list (``LISTED``), the judge's own
    nominee (``OWN_NOMINEE``), a declared relation (``DECLARED_RELATION``) or any other reason."""

    entry: str
    judge: str
    reason: str = LISTED

    def __post_init__(self) -> None:
        object.__setattr__(self, "entry", str(self.entry))
        object.__setattr__(self, "judge", str(self.judge))


@dataclass(frozen=True)
class Pair:
    """A made pair: the entry goes to the judge."""

    entry: str
    judge: str
    affinity: float
    candidate_rank: int  # the judge's rank by affinity among the entry's non-conflicted judges (1 = best)
    candidates: int  # how many non-conflicted judges the entry had
    explanation: str

    def as_dict(self) -> dict[str, object]:
        return {"entry": self.entry, "judge": self.judge, "affinity": self.affinity}


@dataclass(frozen=True)
class Exclusion:
    """A pair excluded by a hard conflict, with every reason that applies."""

    entry: str
    judge: str
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "回避:" + ";".join(self.reasons)


@dataclass(frozen=True)
class Infeasibility:
    """Why no assignment exists: the constraint to relax and whom it concerns.

    ``constraint`` is one of ``"per_entry"`` (K too high for some entries, given their conflicts),
    ``"max_load"`` (not enough capacity), ``"min_load"`` (a minimum load that cannot be reached)."""

    constraint: str
    reason: str
    entries: tuple[str, ...] = ()
    judges: tuple[str, ...] = ()


@dataclass
class Assignment:
    """The result of :func:`kexie.engines.contest.assign`.

    Either ``pairs`` holds every made pair (K per entry) and ``infeasible`` is None, or ``pairs``
    is empty and ``infeasible`` says what to relax (``diagnosis`` has it as data): never a partial
    answer."""

    pairs: list[Pair] = field(default_factory=list)
    total_affinity: float = 0.0
    infeasible: str | None = None
    diagnosis: Infeasibility | None = None
    exclusions: list[Exclusion] = field(default_factory=list)
    resolution: float = 1e-6
    solve_seconds: float = 0.0
    _explain: object = field(default=None, repr=False)

    def explain(self, entry: str, judge: str) -> str:
        """Why this pair was made, or why not (conflict, load, or the optimum's trade-off)."""
        return self._explain(str(entry), str(judge)) if self._explain else ""

    def judges_of(self, entry: str) -> list[str]:
        return [p.judge for p in self.pairs if p.entry == str(entry)]

    def loads(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.pairs:
            out[p.judge] = out.get(p.judge, 0) + 1
        return out

    def as_dict(self) -> dict[str, object]:
        """The command line's JSON shape."""
        return {
            "assignments": [p.as_dict() for p in self.pairs],
            "total_affinity": self.total_affinity,
            "infeasible": self.infeasible,
        }
