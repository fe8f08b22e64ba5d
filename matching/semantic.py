"""Latent semantic features (TruncatedSVD of the word channel) so related terms count as related.

The model is learned once, at fit time, and then frozen with the index (like the jieba dictionary):
later additions are projected with it, so an incremental update scores exactly like a refit that
uses the same model. Refit to relearn it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from matching.channel import Channel, saturate

MIN_UNITS = 200  # below this a latent space is noise, and the engine stays purely lexical


class SemanticModel:
    """A frozen projection from weighted word counts to a few hundred latent dimensions."""

    def __init__(self, terms: list[str], idf: np.ndarray, components: np.ndarray) -> None:
        self.terms = terms
        self.vocab = {term: i for i, term in enumerate(terms)}
        self.idf = idf.astype(np.float64)
        self.components = components.astype(np.float32)

    @classmethod
    def learn(cls, channel: Channel, dims: int, sample: int, iterations: int = 7,
              seed: int = 0) -> SemanticModel | None:
        """Fit on (a deterministic sample of) the live units; None when there is too little text."""
        matrix = channel.rows.csr(len(channel.terms))
        live = np.flatnonzero(channel.alive_mask())
        if len(live) > sample:
            live = live[np.linspace(0, len(live) - 1, sample).astype(np.int64)]
        vocabulary = len(channel.terms)
        if len(live) < MIN_UNITS:
            return None
        dims = min(dims, len(live) // 4, vocabulary - 1)
        idf = channel.idf().copy()
        weighted = normalize(matrix[live].multiply(idf).tocsr())
        svd = TruncatedSVD(n_components=dims, random_state=seed, algorithm="randomized", n_iter=iterations)
        svd.fit(weighted)
        return cls(list(channel.terms[:vocabulary]), idf, svd.components_)

    def embed_matrix(self, rows: sparse.spmatrix) -> np.ndarray:
        """Unit vectors of many units given as saturated counts over the model's first columns."""
        weighted = normalize(rows[:, : len(self.terms)].multiply(self.idf).tocsr())
        used = np.unique(weighted.indices)  # the product would copy all components, as float64, every call
        dense = self.components[:, used].T.astype(np.float64)
        return normalize(np.asarray(weighted[:, used] @ dense, dtype=np.float32))

    def embed_rows(self, channel: Channel, start: int, stop: int) -> np.ndarray:
        """Unit vectors of a channel's units start..stop-1, whatever the channel's term ids are."""
        rows = channel.rows.csr(len(channel.terms), start)[: stop - start]
        used = np.unique(rows.indices)
        column = np.full(max(len(channel.terms), 1), -1, dtype=np.int64)
        column[used] = [self.vocab.get(channel.terms[i], -1) for i in used.tolist()]
        mapped = column[rows.indices]
        keep = mapped >= 0
        indptr = np.concatenate([[0], np.cumsum(keep)])[rows.indptr]
        known = sparse.csr_matrix((rows.data[keep], mapped[keep], indptr), shape=(rows.shape[0], len(self.terms)))
        return self.embed_matrix(known)

    def embed(self, counts: Counter) -> np.ndarray:
        """The unit vector of one bag of word counts (terms unknown to the model are ignored)."""
        known = [(self.vocab[t], c) for t, c in counts.items() if t in self.vocab]
        vector = np.zeros(self.components.shape[0], dtype=np.float32)
        if not known:
            return vector
        ids = np.array([k[0] for k in known])
        weights = saturate(np.array([k[1] for k in known], dtype=np.float64)) * self.idf[ids]
        weights /= np.linalg.norm(weights) or 1.0
        vector = self.components[:, ids] @ weights.astype(np.float32)
        norm = np.linalg.norm(vector)
        return vector / norm if norm > 0 else vector
