"""The per-pair reverse ranking as it was before it was vectorised: the oracle the vectorised QuerySet is
checked against (tests/matching/test_reverse.py). Kept verbatim apart from this docstring."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from matching.keywords import keyword_matches
from matching.records import Candidate, Query, QueryHit, Reason, keyword_reason
from matching.scoring import aggregate, blend, boosted, clean

if TYPE_CHECKING:
    from matching.engine import Matcher


def rank_queries(engine: Matcher, candidate: Candidate, queries: Iterable[Query], k: int = 20) -> list[QueryHit]:
    """The best k queries (challenges) for one candidate, on the same scale as rank()."""
    bags = [engine.analyse.bag(texts) for texts in engine._unit_texts(candidate)]
    unit_vectors = [(engine.words.vector(w), engine.chars.vector(c),
                     engine.semantic.embed(w) if engine.semantic is not None else None) for w, c in bags]
    weights = engine._recency(candidate)
    keywords = [k for k in (engine.analyse.normalise_keyword(k) for k in candidate.keywords) if k]
    hits = []
    for query in queries:
        if query.org and (query.org == candidate.org or query.org in candidate.conflicts):
            continue
        hit = _score_pair(engine, query, candidate, unit_vectors, weights, keywords)
        if hit.score > 0:
            hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.query_id))
    return hits[:k] if k else hits


def _score_pair(engine: Matcher, query: Query, candidate: Candidate, unit_vectors, weights, keywords) -> QueryHit:
    s = engine.settings
    words, chars, embedding = engine.query_vectors(query)
    unit_scores = []
    for (w, c, e), weight in zip(unit_vectors, weights, strict=True):
        semantic = float(e @ embedding) if embedding is not None else None
        unit_scores.append(float(blend(words.cosine(w), chars.cosine(c), semantic, s)) * weight)
    scores = np.array(unit_scores)
    if not len(scores) or scores.max() <= 0:
        return QueryHit(query.id, 0.0)
    query_keywords = [k for k in (engine.analyse.normalise_keyword(k) for k in query.keywords) if k]
    matches = keyword_matches(query_keywords, keywords, s.keyword_cutoff)
    share = sum(m[2] for m in matches) / len(query_keywords) if query_keywords else 0.0
    score = boosted(aggregate(scores, s), share, bool(query.region) and query.region == candidate.region, s)
    best = int(np.argmax(scores))
    shared = engine.explaining(sorted(set(words.terms) & set(unit_vectors[best][0].terms)))  # the shown-term rule
    reasons = ([Reason("terms", terms=tuple(shared))] if shared else []) + (
        [keyword_reason(matches)] if matches else [])
    return QueryHit(query.id, clean(score), tuple(reasons))
