"""Full-text search of the rulebook with kexie's search engine (kexie.engines.search: tantivy,
SQLite FTS5 where no tantivy wheel exists). A rule is indexed as a document whose title is the
rule's title, whose abstract is the text of every version, whose applicant is the issuing body
and whose number is the rule's 文号. Each process builds the index from the database on its
first search and rebuilds it when a rule has changed since (the rulebook is small); a restore
drops it (kexie.office.derived)."""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from kexie.engines.search import PatentDoc, default_backend
from kexie.office.models import Rule, RuleVersion

_lock = threading.Lock()
_state: dict = {"backend": None, "stamp": None}


def rule_doc(rule: Rule, texts: list[str]) -> PatentDoc:
    return PatentDoc(id=str(rule.pk), title=rule.title, abstract="\n".join(texts), applicants=(rule.issuing_body,),
                     application_no=rule.number, publication_date=rule.issued_on)  # fmt: skip


def _stamp():
    every = Rule.objects.unscoped(reason="the rulebook index holds every rule; reads are scoped after")
    return tuple(every.aggregate(n=Count("pk"), at=Max("updated_at")).values())


def _build():
    backend = default_backend(None)
    rules = Rule.objects.unscoped(reason="the rulebook index holds every rule; reads are scoped after")
    versions = RuleVersion.objects.unscoped(reason="the texts of every rule, for the index")
    texts: dict[int, list[str]] = {}
    for rule_id, text in versions.order_by("rule_id", "version").values_list("rule_id", "text"):
        texts.setdefault(rule_id, []).append(text)
    backend.index(rule_doc(r, texts.get(r.pk, [])) for r in rules)
    return backend


def reset_index() -> None:
    with _lock:
        if _state["backend"] is not None:
            _state["backend"].close()
        _state.update(backend=None, stamp=None)


def matching_ids(query: str, limit: int = 200) -> list[int]:
    """Ids of the rules matching `query`, best first (scope them before showing)."""
    stamp = _stamp()
    with _lock:
        if _state["backend"] is None or _state["stamp"] != stamp:
            if _state["backend"] is not None:
                _state["backend"].close()
            _state.update(backend=_build(), stamp=stamp)
        page = _state["backend"].search(query, limit=limit)
    return [int(i) for i in page.ids]
