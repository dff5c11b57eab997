"""Sentiment (情感倾向): negative / neutral / positive, with the probability of the label given.

A multinomial naive Bayes model over character 1–2-grams (scikit-learn), trained on kexie's own
seed lexicon (data/seed_lexicon.txt, written for kexie, Apache-2.0) plus the corrections staff
make in this installation. No labelled corpus with a clear licence was within reach, so kexie
ships no model trained on one (docs/dependencies.md "Sentiment"); accuracy is measured in
benchmarks/opinion_sentiment.py. Training is fast (well under a second for a few thousand
examples), so the model is rebuilt from text rather than loaded from a pickle.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

LABELS = ("negative", "neutral", "positive")
_SEED_FILE = "seed_lexicon.txt"
# A staff correction is a whole text in context, worth more than one seed word.
CORRECTION_WEIGHT = 5.0
_lock = threading.Lock()
_default: SentimentModel | None = None


@dataclass(frozen=True)
class Prediction:
    sentiment: str
    score: float


def seed_examples() -> list[tuple[str, str]]:
    """(text, label) of the seed lexicon."""
    text = resources.files(__package__).joinpath("data", _SEED_FILE).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            label, word = line.split("\t", 1)
            out.append((word.strip(), label.strip()))
    return out


class SentimentModel:
    def __init__(self, pipeline):
        self._pipeline = pipeline

    @classmethod
    def trained(cls, corrections: Iterable[tuple[str, str]] = ()) -> SentimentModel:
        """A model on the seed lexicon plus (text, label) corrections; labels must be in LABELS."""
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.naive_bayes import MultinomialNB
        from sklearn.pipeline import make_pipeline

        seed = seed_examples()
        extra = [(t, label) for t, label in corrections if t and t.strip()]
        unknown = {label for _, label in extra} - set(LABELS)
        if unknown:
            raise ValueError(f"未知的情感标签:{'、'.join(sorted(unknown))}")
        texts = [t for t, _ in seed] + [t for t, _ in extra]
        labels = [label for _, label in seed] + [label for _, label in extra]
        weights = [1.0] * len(seed) + [CORRECTION_WEIGHT] * len(extra)
        pipeline = make_pipeline(
            CountVectorizer(analyzer="char", ngram_range=(1, 2)), MultinomialNB(alpha=0.5)
        )
        pipeline.fit(texts, labels, multinomialnb__sample_weight=weights)
        return cls(pipeline)

    @classmethod
    def default(cls) -> SentimentModel:
        """The seed-only model, built once per process."""
        global _default
        with _lock:
            if _default is None:
                _default = cls.trained()
            return _default

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        classes = list(self._pipeline.classes_)
        out = []
        for row in self._pipeline.predict_proba([t or "" for t in texts]):
            best = int(row.argmax())
            out.append(Prediction(classes[best], round(float(row[best]), 4)))
        return out

    def predict_one(self, text: str) -> Prediction:
        return self.predict([text])[0]
