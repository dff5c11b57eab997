"""This installation's sentiment model: kexie's seed lexicon plus every staff correction.

The model is retrained when corrections change (their count and latest id are its version); it
is small enough to train in well under a second, so nothing is pickled to disk.
"""

from __future__ import annotations

import threading

from kexie.engines.opinion import SentimentModel

_lock = threading.Lock()
_cache: dict = {"version": None, "model": None}


def _corrections():
    from kexie.opinion.models import Correction

    rows = Correction.objects.unscoped(reason="the installation's model learns from every unit's corrections")
    return rows


def current_model() -> SentimentModel:
    """The model trained on the seed lexicon and this installation's corrections."""
    rows = _corrections()
    latest = rows.order_by("-id").values_list("id", flat=True).first()
    version = (rows.count(), latest)
    with _lock:
        if _cache["version"] != version:
            examples = list(rows.values_list("text", "label")) if latest else []
            _cache["model"] = SentimentModel.trained(examples) if examples else SentimentModel.default()
            _cache["version"] = version
        return _cache["model"]
