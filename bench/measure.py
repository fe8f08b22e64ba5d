"""One measurement in a fresh process (so peak memory is its own): `python -m bench.measure SYSTEM N`."""

from __future__ import annotations

import dataclasses
import json
import resource
import sys
import time

import numpy as np

from bench.corpus import candidates, queries
from matching import Matcher
from matching.baselines import candidate_text, query_text
from matching.persist import load, save
from matching.text import tokenize

QUERIES = 200


def engine(n: int, index_path: str) -> dict:
    """Build, rank, update, save: the Jiebang engine (loading is measured in a fresh process)."""
    cands, qs = candidates(n), queries(QUERIES)
    started = time.perf_counter()
    matcher = Matcher().fit(cands)
    build = time.perf_counter() - started
    del cands
    matcher.rank(qs[0], 20)  # warm
    latencies = _time(lambda q: matcher.rank(q, 20), qs)
    extra = candidates(50, seed=99)
    update = [_once(lambda c=c: matcher.add(c)) for c in extra]
    after_update = _once(lambda: matcher.rank(qs[1], 20)) * 1000  # pays for the new statistics
    updated = _time(lambda q: matcher.rank(q, 20), queries(QUERIES, seed=7))  # new queries: analysed cold
    peak = _peak_mb()
    save(matcher, index_path)
    return {"build_s": build, "p50_ms": np.percentile(latencies, 50), "p95_ms": np.percentile(latencies, 95),
            "update_ms": float(np.median(update)) * 1000, "first_rank_after_update_ms": after_update,
            "p50_after_updates_ms": np.percentile(updated, 50),
            "peak_mb": peak}


def load_index(path: str) -> dict:
    """What a fresh worker pays to load a saved index, answer its first query, then the others."""
    started = time.perf_counter()
    matcher = load(path)
    loading = time.perf_counter() - started
    qs = queries(QUERIES)
    first = _once(lambda: matcher.rank(qs[0], 20)) * 1000
    latencies = _time(lambda q: matcher.rank(q, 20), qs[1:])  # the file's pages are read as queries touch them
    return {"load_s": loading, "first_rank_ms": first, "p50_ms": np.percentile(latencies, 50),
            "peak_mb": _peak_mb()}


def dense(n: int) -> dict:
    """Embeddings: the model's cost on real texts (64 documents, 32 queries), then ranking with fusion at n
    candidates. Rank cost does not depend on the vectors' values, so the n candidates get random unit
    vectors (embedding 100k texts for real would take hours on this machine — the reason it is a background
    job)."""
    from matching import embedder

    cands, qs = candidates(n), queries(QUERIES)
    texts = [embedder.document_text(c.documents[0].title if c.documents else "", c.text) for c in cands[:64]]
    embedder.passages(texts[:1])  # load the model
    per_document = _once(lambda: [embedder.passages(texts[i:i + 16]) for i in range(0, 64, 16)]) / 64
    query_texts = [embedder.query_text(q.title, q.text, q.keywords) for q in qs[:32]]
    per_query = _once(lambda: [embedder.query(t) for t in query_texts]) / 32
    rng = np.random.default_rng(0)

    def vector():
        return rng.normal(size=384).astype(np.float32)

    embedded = [dataclasses.replace(c, vector=vector(), documents=tuple(
        dataclasses.replace(d, vector=vector()) for d in c.documents)) for c in cands]
    del cands
    matcher = Matcher().fit(embedded)
    del embedded
    fused = [dataclasses.replace(q, vector=vector()) for q in qs]
    matcher.rank(fused[0], 20)
    with_vectors = _time(lambda q: matcher.rank(q, 20), fused)
    lexical = _time(lambda q: matcher.rank(q, 20), qs)
    return {"document_ms": per_document * 1000, "query_ms": per_query * 1000,
            "fused_p50_ms": np.percentile(with_vectors, 50), "fused_p95_ms": np.percentile(with_vectors, 95),
            "lexical_p50_ms": np.percentile(lexical, 50), "units": matcher.dense.count,
            "dense_mb": matcher.dense.matrix().nbytes / 2**20, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bm25s_baseline(n: int) -> dict:
    """The same corpus and tokeniser in bm25s: tokenising + indexing, then retrieval."""
    import bm25s

    cands, qs = candidates(n), queries(QUERIES)
    started = time.perf_counter()
    tokens = [tokenize(candidate_text(c)) for c in cands]
    tokenised = time.perf_counter() - started
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    build = time.perf_counter() - started
    # Warm with the first query only, as the engine is: each timed query is tokenised cold on both sides
    # (their caches hold the corpus's pieces, not the queries').
    retriever.retrieve([tokenize(query_text(qs[0])) or ["_"]], k=20, show_progress=False)

    def rank(i: int) -> None:
        retriever.retrieve([tokenize(query_text(qs[i])) or ["_"]], k=20, show_progress=False)

    latencies = _time(rank, range(len(qs)))
    return {"build_s": build, "tokenise_s": tokenised, "p50_ms": np.percentile(latencies, 50),
            "p95_ms": np.percentile(latencies, 95)}


def _time(run, items) -> list[float]:
    out = []
    for item in items:
        started = time.perf_counter()
        run(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _once(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


if __name__ == "__main__":
    system = sys.argv[1]
    if system == "engine":
        result = engine(int(sys.argv[2]), sys.argv[3])
    elif system == "load":
        result = load_index(sys.argv[2])
    elif system == "dense":
        result = dense(int(sys.argv[2]))
    else:
        result = bm25s_baseline(int(sys.argv[2]))
        result["peak_mb"] = _peak_mb()
    print(json.dumps({k: float(v) for k, v in result.items()}))
