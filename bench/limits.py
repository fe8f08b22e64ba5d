"""Why ranking is not faster than bm25s: `python -m bench.limits [N]` (default 100,000 candidates).

Prints what the engine's ranking costs beyond bm25s's one-channel sum — query analysis, postings per channel,
the engine with fewer channels — and how deep an exact pruning by impact-ordered postings would have to read
to prove the top 20 (see matching/README.md, "Not met").
"""

from __future__ import annotations

import sys
import time
from collections import Counter

import numpy as np

from bench.corpus import candidates, queries
from matching import Matcher
from matching.scoring import boosted
from matching.settings import Settings

K = 20
DEPTHS = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)


def main() -> None:
    """Print the tables."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    cands, qs = candidates(n), queries(200)
    engine = Matcher().fit(cands)
    print(f"{n:,} candidates, {len(qs)} queries\n")
    print("| measure (median query) | value |\n|---|---|")
    s = engine.settings
    bags = _p50(lambda q: engine.analyse.bag([(q.title, s.title_weight), (q.text, s.text_weight),
                                              (" ; ".join(q.keywords), s.keyword_weight)]), qs)
    print(f"| analysing the query into words and bigrams | {bags:.2f} ms |")
    for name in ("words", "chars"):
        channel = getattr(engine, name)
        sizes = np.diff(channel.matrix().indptr)
        which = 0 if name == "words" else 1
        postings = [int(sizes[engine.query_vectors(q)[which].ids].sum()) for q in qs]
        print(f"| {name} channel postings | {int(np.median(postings)):,} |")
    engines = {"full engine": engine,
               "without the latent channel": Matcher(settings=Settings(semantic_share=0.0)).fit(cands),
               "words only": Matcher(settings=Settings(word_share=1.0, semantic_share=0.0)).fit(cands)}
    for label, p50 in _interleaved(engines, qs).items():
        print(f"| {label}, rank p50 | {p50:.2f} ms |")
    print("\n| postings read per term to prove the top 20 exact | queries |\n|---|---|")
    needed = Counter(_depth_needed(engine, q) for q in qs[:100])
    for depth in (*DEPTHS, None):
        print(f"| {'cannot be proved' if depth is None else f'≤ {depth:,}'} | {needed.get(depth, 0)} |")


def _p50(run, items) -> float:
    run(items[0])
    times = []
    for item in items:
        started = time.perf_counter()
        run(item)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50))


def _interleaved(engines: dict[str, Matcher], qs) -> dict[str, float]:
    """Rank p50 of each engine, timed query by query in turn, so the machine's drift hits them alike."""
    times: dict[str, list[float]] = {label: [] for label in engines}
    for engine in engines.values():
        engine.rank(qs[0], K)
    for query in qs:
        for label, engine in engines.items():
            started = time.perf_counter()
            engine.rank(query, K)
            times[label].append((time.perf_counter() - started) * 1000)
    return {label: float(np.percentile(values, 50)) for label, values in times.items()}


def _depth_needed(engine: Matcher, query) -> int | None:
    """The least prefix depth (per term, by impact) whose unseen bound stays under the 20th score."""
    hits = engine.rank(query, K)
    if len(hits) < K:
        return None
    floor = hits[-1].score
    s = engine.settings
    words, chars, _embedding = engine.query_vectors(query)
    tails = [_tails(engine, "words", words), _tails(engine, "chars", chars)]
    for depth in DEPTHS:
        lexical = s.word_share * tails[0](depth) + (1 - s.word_share) * tails[1](depth)
        bound = (1 - s.semantic_share) * lexical + s.semantic_share  # the latent cosine may be 1
        if boosted(bound, 1.0, True, s) < floor:
            return depth
    return None


def _tails(engine: Matcher, name: str, vector):
    """depth → the most an unseen unit can score in this channel: Σ query weight × impact at that depth."""
    channel = getattr(engine, name)
    matrix = channel.matrix()
    impacts = matrix.data / channel.norms()[matrix.indices]
    weights = vector.weights * channel.idf()[vector.ids] / (vector.norm or 1.0)
    columns = [np.sort(impacts[matrix.indptr[t]:matrix.indptr[t + 1]])[::-1] for t in vector.ids]
    return lambda depth: sum(w * c[depth] for w, c in zip(weights, columns, strict=True) if len(c) > depth)


if __name__ == "__main__":
    main()
