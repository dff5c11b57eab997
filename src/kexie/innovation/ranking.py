"""The matching engine inside kexie: one in-memory index per process, built lazily from the
directory (experts, societies) and the demands, then kept current incrementally.

Each ranking call first folds in the records changed since the last call (a cheap
`updated_at >=` query per model), so edits made by another process are seen too; the engine's
`update`/`remove` keep this incremental, without rebuilding the index.

The user dictionary of the segmenter is the keywords people typed into profiles and demands
(`木质素`, `膜生物反应器`…): those are the domain terms that should stay whole.
"""

import datetime as dt
import threading
from dataclasses import dataclass, field

from django.utils import timezone

from kexie.core.scoping import scoped, unenforced
from kexie.directory.codes import DISCIPLINE_NAMES, OrgKind
from kexie.directory.models import Organisation, Person
from kexie.engines.matching import MatchingEngine, Profile, Tokenizer, split_keywords
from kexie.innovation.codes import DemandStatus
from kexie.innovation.models import Demand, ExpertProfile, SocietyProfile

_lock = threading.RLock()
# `indexed` maps profile id -> the Profile as indexed, so that re-reading an unchanged record
# (the sync window overlaps on purpose) costs no index update.
_state: dict = {"engine": None, "synced_at": None, "indexed": {}, "words": set(), "scratch": None}
# A row saved just before a sync but committed just after it carries an `updated_at` earlier than
# the sync's timestamp; looking back this far catches it.
SYNC_OVERLAP = dt.timedelta(seconds=30)


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
        _state.update(engine=None, synced_at=None, indexed={}, words=set(), scratch=None)


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


def _keywords(profiles) -> set[str]:
    return {kw for p in profiles for kw in split_keywords(p.keywords) if 2 <= len(kw) <= 20}


def _domain_terms(candidates: set[str]) -> list[str]:
    """The keywords worth adding to the user dictionary. Search-mode segmentation re-emits only the
    2- and 3-character sub-words of a dictionary word, so a long keyword such as 高浓度有机污水处理
    would hide 污水处理; a keyword is kept only if no sub-word of 4 or more characters is lost.
    The check runs on a scratch segmenter, never on the engine's."""
    scratch = _state.get("scratch") or Tokenizer()
    _state["scratch"] = scratch
    words = []
    for word in sorted(candidates):
        before = set(scratch.tokenize(word))
        scratch.add_word(word)
        if not any(len(t) >= 4 for t in before - set(scratch.tokenize(word))):
            words.append(word)
    return words


def _learn_words(engine: MatchingEngine, profiles) -> None:
    new = _keywords(profiles) - _state["words"]
    for word in _domain_terms(new):
        engine.tokenizer.add_word(word)
    _state["words"] |= new


def _build() -> MatchingEngine:
    experts, _ = _experts(Person.objects.filter(is_expert=True).values("pk"))
    societies, _ = _societies()
    demands, _ = _demands(Demand.objects.exclude(status=DemandStatus.CLOSED))
    profiles = [*experts, *societies, *demands]
    words = _keywords(profiles)
    engine = MatchingEngine(tokenizer=Tokenizer(user_words=_domain_terms(words)))
    engine.add_many(profiles)
    _state["words"] = words
    _state["indexed"] = {p.id: p for p in profiles}
    return engine


def _sync(engine: MatchingEngine, since) -> None:
    since = since - SYNC_OVERLAP
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
    indexed = _state["indexed"]
    changed = [p for keep, _ in changes for p in keep if indexed.get(p.id) != p]
    _learn_words(engine, changed)
    for profile in changed:
        engine.update(profile)
        indexed[profile.id] = profile
    for _, drop in changes:
        for pid in drop:
            if indexed.pop(pid, None) is not None:
                engine.remove(pid)


def engine() -> MatchingEngine:
    # The index covers the whole city; every result is resolved through a scoped queryset.
    with _lock, unenforced(reason="the matching index covers the whole city"):
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

    extra = (
        ExpertProfile.objects.unscoped(reason="the profile of a person read in scope")
        .filter(person=person)
        .first()
    )
    matches = _rank(expert_profile(person, extra), "demand", k)
    qs = visible_demands(user).exclude(status__in=(DemandStatus.CLOSED, DemandStatus.COMPLETED))
    return _resolve(matches, qs, k, "demand")


def demands_for_text(text: str, user, k: int = 10) -> list[Ranked]:
    from kexie.innovation.selectors import visible_demands

    matches = engine().rank(Profile(id="", text=text), k=max(3 * k, k + 20), kind="demand")
    return _resolve(matches, visible_demands(user), k, "demand")
