"""The opinion engine (Django-free): near-duplicate clustering, sentiment, heat, keyword schemes,
and reading feeds and web pages.

Apps call this public API only (kexie.opinion; the `kexie opinion` command):

- dedup: `clusters(items, threshold=DEFAULT_THRESHOLD)` groups near-duplicate texts with MinHash LSH
  over character shingles; `exact_clusters` is the exact all-pairs baseline.
- sentiment: `SentimentModel.default()` / `.trained(examples)` label texts negative / neutral /
  positive with the probability of the label.
- heat: `heat(copies=, sources=, reach=, recent=, earlier=)`, formula in HEAT_FORMULA.
- scheme: `Scheme(...)` keyword schemes (region + subject + event − exclusions, or an AND/OR/NOT
  expression); `parse_expression` raises SchemeError with a Chinese message.
- rumour: `rumour_cues(text)` the cues that make a text look like a science rumour.
- reading: `parse_feed(bytes)`, `extract_page(bytes, url)`, `decode_html(bytes, declared)`.
"""

from .dedup import DEFAULT_THRESHOLD, SHINGLE_SIZE, clusters, exact_clusters, jaccard, shingles
from .heat import HEAT_FORMULA, heat
from .reading import FeedEntry, Page, ReadingError, decode_html, extract_page, parse_feed
from .rumour import rumour_cues
from .scheme import Scheme, SchemeError, parse_expression
from .sentiment import LABELS, Prediction, SentimentModel

__all__ = [
    "DEFAULT_THRESHOLD",
    "HEAT_FORMULA",
    "LABELS",
    "SHINGLE_SIZE",
    "FeedEntry",
    "Page",
    "Prediction",
    "ReadingError",
    "Scheme",
    "SchemeError",
    "SentimentModel",
    "clusters",
    "decode_html",
    "exact_clusters",
    "extract_page",
    "heat",
    "jaccard",
    "parse_expression",
    "parse_feed",
    "rumour_cues",
    "shingles",
]
