"""Chinese segmentation for matching and search: rjieba with a user dictionary and stopwords."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

try:  # rjieba is the fast Rust port; jieba is the slower pure-Python fallback.
    import rjieba as _rjieba

    _jieba = None
except ImportError:  # pragma: no cover - exercised only where rjieba is missing
    _rjieba = None
    import jieba as _jieba

# Function words and boilerplate of abstracts and patents that carry no topic.
DEFAULT_STOPWORDS: frozenset[str] = frozenset(
    """
    的 了 和 与 及 或 在 对 为 是 等 中 上 下 其 并 从 该 这 那 我们 本文 本研究 研究 方法 结果 表明 提出
    采用 通过 分析 进行 一种 利用 以及 具有 可以 能够 实现 主要 问题 基于 根据 同时 由于 因此 而 也 但
    将 把 被 所 以 于 之 则 就 都 又 还 更 最 很 已 已经 可 能 会 要 使 使得 得到 获得 发现 显示 相关
    不同 一定 以上 以下 之间 方面 情况 作用 影响 具体 有效 重要 一些 这些 那些 其中 其他 各种 各 每 个
    有 无 没有 不 非 如 如何 什么 为了 因为 所以 如果 虽然 并且 而且 然后 此外 另外 最后 首先 其次 包括
    通常 目前 近年来 随着 方式 过程 作为 提供 应用 技术 领域 本发明 发明 公开 所述 特征 在于 步骤 装置
    系统 设置 权利 要求 实施 实施例 用于 一 二 三 第一 第二 两 多 个 种 及其 其特征
    """.split()
)

_ASCII_WORD = re.compile(r"[a-z0-9][a-z0-9\-\+\.#]*[a-z0-9\+#]|[a-z0-9]")
_NUMERIC = re.compile(r"^[\d\.\-]+$")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


@lru_cache(maxsize=500_000)
def _shape_ok(token: str) -> bool:
    # A lone Chinese character is usually a function word; lone letters are noise.
    if len(token) < 2 or _NUMERIC.match(token):
        return False
    return any(_is_cjk(c) or c.isalnum() for c in token)


class Tokenizer:
    """Segments Chinese (and mixed ASCII) text into index terms.

    Each tokenizer owns its own segmenter, so user-dictionary words added to one do not leak into
    another. ``search_mode`` also emits the sub-words of long words (``图像识别`` -> ``图像``,
    ``识别``, ``图像识别``), which improves recall between long compounds and their parts.
    """

    def __init__(
        self,
        user_words: Iterable[str] = (),
        stopwords: Iterable[str] | None = None,
        search_mode: bool = True,
    ) -> None:
        self.stopwords = frozenset(DEFAULT_STOPWORDS if stopwords is None else stopwords)
        self.search_mode = search_mode
        self._seg = _rjieba.Jieba() if _rjieba is not None else _jieba.Tokenizer()
        for word in user_words:
            self.add_word(word)

    def add_word(self, word: str) -> None:
        """Adds a domain term (e.g. ``石墨烯量子点``) so that it is kept whole."""
        word = word.strip()
        if not word:
            return
        if _rjieba is not None:
            self._seg.add_word(word, None, None)
        else:  # pragma: no cover
            self._seg.add_word(word)

    def _segment(self, text: str) -> list[str]:
        if _rjieba is not None:
            return self._seg.cut_for_search(text, True) if self.search_mode else self._seg.cut(text, True)
        return list(
            self._seg.cut_for_search(text) if self.search_mode else self._seg.cut(text)
        )  # pragma: no cover

    def tokenize(self, text: str) -> list[str]:
        """Returns index terms: lower-cased, stopwords, punctuation, numbers and single chars removed."""
        if not text:
            return []
        text = unicodedata.normalize("NFKC", text).lower()
        stop = self.stopwords
        return [t for t in (raw.strip() for raw in self._segment(text)) if t not in stop and _shape_ok(t)]

    def __call__(self, text: str) -> list[str]:
        return self.tokenize(text)


def split_keywords(value: str | Iterable[str]) -> list[str]:
    """Splits a keyword cell (``a;b；c,d、e``) into keywords."""
    if isinstance(value, str):
        parts = re.split(r"[;；,，、\n|]+", value)
    else:
        parts = list(value)
    return [p.strip() for p in parts if p and p.strip()]
