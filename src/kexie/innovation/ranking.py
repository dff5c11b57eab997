"""The matching engine inside kexie: one in-memory index per process, built lazily from the
directory (experts, societies) and the demands, then kept current incrementally.

Each ranking call first folds in the records changed since the last call (a cheap
`updated_at >=` query per model), so edits made by another process are seen too; the engine's
`update`/`remove` keep this incremental, without rebuilding the index.
"""

import threading
from dataclasses import dataclass, field

from django.utils import timezone

from kexie.core.scoping import scoped
from kexie.directory.codes import DISCIPLINE_NAMES, OrgKind
from kexie.directory.models import Organisation, Person
from kexie.innovation.codes import DemandStatus
from kexie.innovation.matching import MatchingEngine, Profile
from kexie.innovation.models import Demand, ExpertProfile, SocietyProfile

_lock = threading.RLock()
_state: dict = {"engine": None, "synced_at": None}


@dataclass
class Ranked:
    obj: object
    score: float
    explanation: str
    shared_terms: list[str] = field(default_factory=list)
    kind: str = ""


def reset() -> None:
    """Forget the index (tests; or after a bulk load): the next call rebuilds it."""
    with _lock:
        _state["engine"] = None
        _state["synced_at"] = None


def mark_dirty() -> None:
    """Called after a profile or demand changed in this process; the next call syncs it."""
    # Nothing to do eagerly: every call syncs by updated_at. Kept as the one hook services call.


def _join(*parts: str) -> str:
    return "。".join(p.strip() for p in parts if p and p.strip())


def expert_profile(person: Person, extra: ExpertProfile | None) -> Profile:
    return Profile(
        id=f"expert:{person.pk}",
        name=person.name,
        keywords=extra.keywords if extra else "",
        discipline=DISCIPLINE_NAMES.get(person.discipline, ""),
        text=_join(person.title, person.profile, *_expert_extras(extra)),
        kind="expert",
    )


def _expert_extras(extra: ExpertProfile | None) -> tuple[str, ...]:
    return (extra.achievements, extra.papers, extra.affiliation) if extra else ()


def society_profile(society: Organisation, extra: SocietyProfile | None) -> Profile:
    return Profile(
        id=f"society:{society.pk}",
        name=society.name,
        keywords=extra.keywords if extra else "",
        discipline=DISCIPLINE_NAMES.get(extra.discipline, "") if extra else "",
        text=_join(society.note, extra.achievements if extra else ""),
        kind="society",
    )


def demand_profile(demand: Demand) -> Profile:
    return Profile(
        id=f"demand:{demand.pk}",
        name=demand.title,
        keywords=demand.keywords,
        discipline=DISCIPLINE_NAMES.get(demand.discipline, ""),
        text=_join(demand.industry, demand.description),
        kind="demand",
    )


def _experts(person_ids=None) -> tuple[list[Profile], list[str]]:
    qs = Person.objects.all() if person_ids is None else Person.objects.filter(pk__in=person_ids)
    extras = {e.person_id: e for e in ExpertProfile.objects.filter(person__in=qs.filter(is_expert=True))}
    keep, drop = [], []
    for person in qs.only("id", "name", "title", "discipline", "profile", "is_expert"):
        if person.is_expert:
            keep.append(expert_profile(person, extras.get(person.pk)))
        else:
            drop.append(f"expert:{person.pk}")
    return keep, drop


def _societies(org_ids=None) -> tuple[list[Profile], list[str]]:
    qs = Organisation.objects.filter(kind=OrgKind.SOCIETY)
    if org_ids is not None:
        qs = Organisation.objects.filter(pk__in=org_ids)
    extras = {e.society_id: e for e in SocietyProfile.objects.filter(society__in=qs)}
    keep, drop = [], []
    for org in qs:
        if org.kind == OrgKind.SOCIETY and org.is_active:
            keep.append(society_profile(org, extras.get(org.pk)))
        else:
            drop.append(f"society:{org.pk}")
    return keep, drop


def _demands(qs) -> tuple[list[Profile], list[str]]:
    keep, drop = [], []
    for demand in qs:
        if demand.status == DemandStatus.CLOSED:
            drop.append(f"demand:{demand.pk}")
        else:
            keep.append(demand_profile(demand))
    return keep, drop


def _build() -> MatchingEngine:
    engine = MatchingEngine()
    experts, _ = _experts(Person.objects.filter(is_expert=True).values("pk"))
    societies, _ = _societies()
    demands, _ = _demands(Demand.objects.exclude(status=DemandStatus.CLOSED))
    engine.add_many([*experts, *societies, *demands])
    return engine


def _sync(engine: MatchingEngine, since) -> None:
    person_ids = set(Person.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    person_ids |= set(ExpertProfile.objects.filter(updated_at__gte=since).values_list("person_id", flat=True))
    org_ids = set(
        Organisation.objects.filter(updated_at__gte=since, kind=OrgKind.SOCIETY).values_list("pk", flat=True)
    )
    org_ids |= set(SocietyProfile.objects.filter(updated_at__gte=since).values_list("society_id", flat=True))
    changes = [
        _experts(person_ids) if person_ids else ([], []),
        _societies(org_ids) if org_ids else ([], []),
        _demands(Demand.objects.filter(updated_at__gte=since)),
    ]
    for keep, drop in changes:
        for profile in keep:
            engine.update(profile)
        for pid in drop:
            engine.remove(pid)


def engine() -> MatchingEngine:
    with _lock:
        now = timezone.now()
        if _state["engine"] is None:
            _state["engine"] = _build()
        else:
            _sync(_state["engine"], _state["synced_at"])
        _state["synced_at"] = now
        return _state["engine"]


def _rank(query: Profile, kind: str, k: int):
    # Ask for more than k: some hits may be outside the user's scope.
    return engine().rank(query, k=max(3 * k, k + 20), kind=kind, exclude=[query.id])


def _resolve(matches, queryset, k: int, kind: str) -> list[Ranked]:
    ids = [int(m.id.split(":", 1)[1]) for m in matches]
    objects = queryset.in_bulk(ids)
    out = []
    for match, pk in zip(matches, ids, strict=True):
        obj = objects.get(pk)
        if obj is not None:
            out.append(Ranked(obj, match.score, match.explanation or "文本相近", match.shared_terms, kind))
        if len(out) >= k:
            break
    return out


def experts_for_demand(demand: Demand, user, k: int = 10) -> list[Ranked]:
    matches = _rank(demand_profile(demand), "expert", k)
    return _resolve(matches, scoped(Person, user).filter(is_expert=True), k, "expert")


def societies_for_demand(demand: Demand, user, k: int = 10) -> list[Ranked]:
    matches = _rank(demand_profile(demand), "society", k)
    qs = scoped(Organisation, user).filter(kind=OrgKind.SOCIETY).select_related("society_profile")
    return _resolve(matches, qs, k, "society")


def demands_for_expert(person: Person, user, k: int = 10) -> list[Ranked]:
    from kexie.innovation.selectors import visible_demands

    extra = ExpertProfile.objects.filter(person=person).first()
    matches = _rank(expert_profile(person, extra), "demand", k)
    qs = visible_demands(user).exclude(status__in=(DemandStatus.CLOSED, DemandStatus.COMPLETED))
    return _resolve(matches, qs, k, "demand")


def demands_for_text(text: str, user, k: int = 10) -> list[Ranked]:
    from kexie.innovation.selectors import visible_demands

    matches = engine().rank(Profile(id="", text=text), k=max(3 * k, k + 20), kind="demand")
    return _resolve(matches, visible_demands(user), k, "demand")
