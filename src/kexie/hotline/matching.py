"""The matching engine (kexie.engines.matching) inside the hotline: experts of a pool ranked for
a question, and similar answered questions from the anonymised knowledge base."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Max

from kexie.engines.matching import MatchingEngine, Profile

_lock = threading.Lock()
_kb: dict = {"key": None, "engine": None}


@dataclass
class Suggestion:
    obj: object
    score: float
    explanation: str


def _kb_rows():
    from kexie.hotline.models import Consultation

    return Consultation.objects.published()


def _kb_engine() -> MatchingEngine:
    """One index of the knowledge base per process, rebuilt when it changed (count, last edit)."""
    rows = _kb_rows()
    key = tuple(rows.aggregate(n=Max("id"), at=Max("updated_at")).values()) + (rows.count(),)
    with _lock:
        if _kb["key"] != key:
            engine = MatchingEngine()
            engine.add_many(
                Profile(id=str(pk), text=f"{q}。{a}", discipline=topic, kind="answer")
                for pk, q, a, topic in rows.values_list("pk", "kb_question", "kb_answer", "topic")
            )
            _kb.update(key=key, engine=engine)
        return _kb["engine"]


def similar_answers(question: str, *, k: int = 5, exclude: int | None = None) -> list[Suggestion]:
    """Answered, anonymised questions that resemble `question`, best first."""
    if not question.strip():
        return []
    engine = _kb_engine()
    if not len(engine):
        return []
    matches = engine.rank(question, k=k, exclude=[str(exclude)] if exclude else (), min_score=0.0)
    by_id = _kb_rows().in_bulk([int(m.id) for m in matches])
    return [Suggestion(by_id[int(m.id)], m.score, m.explanation) for m in matches if int(m.id) in by_id]


def suggest_experts(question: str, experts, *, k: int = 5) -> list[Suggestion]:
    """The pool's experts ranked for a question by their title, discipline and profile."""
    experts = list(experts)
    if not experts or not question.strip():
        return []
    engine = MatchingEngine()
    engine.add_many(
        Profile(id=str(p.pk), name=p.name, keywords=p.title, discipline=p.discipline, text=p.profile)
        for p in experts
    )
    by_id = {str(p.pk): p for p in experts}
    return [Suggestion(by_id[m.id], m.score, m.explanation) for m in engine.rank(question, k=k)]
