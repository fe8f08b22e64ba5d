"""Baselines the engine must beat: Lucene-style BM25 over jieba tokens, TF-IDF, character-bigram TF-IDF."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.records import Candidate, Query
from matching.text import normalise, tokenize


def candidate_text(candidate: Candidate) -> str:
    """Everything a candidate says, as one text."""
    parts = [candidate.text, " ".join(candidate.keywords)]
    parts += [f"{d.title} {d.text}" for d in candidate.documents]
    return " ".join(p for p in parts if p)


def query_text(query: Query) -> str:
    """Everything a query says, as one text."""
    return " ".join(p for p in (query.title, query.text, " ".join(query.keywords)) if p)


class Baseline:
    """Fit on candidates, then give (candidate id, score) pairs for a query, best first."""

    name = "baseline"

    def fit(self, candidates: list[Candidate]) -> Baseline:
        """Index the candidates."""
        self.ids = [c.id for c in candidates]
        self.matrix = self._fit([candidate_text(c) for c in candidates])
        return self

    def _fit(self, texts: list[str]):
        """Build the index matrix from candidate texts (each baseline its own way)."""
        raise NotImplementedError

    def _score(self, text: str):
        """Scores of every candidate for a query text."""
        raise NotImplementedError

    def rank(self, query: Query, k: int) -> list[tuple[str, float]]:
        """The best k candidates with their scores."""
        scores = np.asarray(self._score(query_text(query))).ravel()
        order = sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], self.ids[i]))
        return [(self.ids[i], float(scores[i])) for i in (order[:k] if k else order)]


class BM25(Baseline):
    """Okapi BM25 as Lucene scores it (k1=1.2, b=0.75) over jieba tokens."""

    name = "BM25 (jieba, Lucene)"

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b

    def _fit(self, texts: list[str]):
        self.vectorizer = TfidfVectorizer(analyzer=tokenize, use_idf=False, norm=None, lowercase=False)
        tf = self.vectorizer.fit_transform(texts).tocsr().astype(np.float64)
        n = tf.shape[0]
        df = np.bincount(tf.indices, minlength=tf.shape[1])
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        norm = self.k1 * (1 - self.b + self.b * lengths / max(lengths.mean(), 1e-9))
        rows = np.repeat(np.arange(n), np.diff(tf.indptr))
        data = tf.data * (self.k1 + 1) / (tf.data + norm[rows]) * self.idf[tf.indices]
        return sparse.csr_matrix((data, tf.indices, tf.indptr), shape=tf.shape).tocsc()

    def _score(self, text: str):
        query = self.vectorizer.transform([text])
        query.data[:] = 1.0  # each distinct query term once, as Lucene's term queries do
        return self.matrix @ query.T.toarray().ravel()


class TfIdf(Baseline):
    """Cosine over TF-IDF of jieba tokens."""

    name = "TF-IDF (jieba)"

    def _fit(self, texts: list[str]):
        self.vectorizer = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True)
        return self.vectorizer.fit_transform(texts)

    def _score(self, text: str):
        return (self.matrix @ self.vectorizer.transform([text]).T).toarray()


class CharBigram(Baseline):
    """Cosine over TF-IDF of character bigrams."""

    name = "TF-IDF (char bigrams)"

    def _fit(self, texts: list[str]):
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), preprocessor=normalise,
                                          sublinear_tf=True)
        return self.vectorizer.fit_transform(texts)

    def _score(self, text: str):
        return (self.matrix @ self.vectorizer.transform([text]).T).toarray()


BASELINES = (BM25, TfIdf, CharBigram)
