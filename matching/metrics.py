"""Ranking quality: NDCG@10, MRR@10, Recall@k, and the pairwise-ordering loss of reviewer assignment."""

from __future__ import annotations

import math

import numpy as np


def ndcg(ranked: list[str], relevance: dict[str, float], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first k (gain 2^rel − 1)."""
    gains = [(2 ** relevance.get(c, 0.0) - 1) / math.log2(i + 2) for i, c in enumerate(ranked[:k])]
    ideal = sorted(relevance.values(), reverse=True)[:k]
    best = sum((2 ** r - 1) / math.log2(i + 2) for i, r in enumerate(ideal))
    return sum(gains) / best if best > 0 else 0.0


def mrr(ranked: list[str], relevance: dict[str, float], k: int = 10) -> float:
    """Reciprocal rank of the first relevant candidate within k; relevant means the top grade."""
    top = max(relevance.values(), default=0.0)
    for i, candidate in enumerate(ranked[:k]):
        if top > 0 and relevance.get(candidate, 0.0) >= top:
            return 1.0 / (i + 1)
    return 0.0


def recall(ranked: list[str], relevance: dict[str, float], k: int) -> float:
    """Share of the top-grade candidates found in the first k."""
    top = max(relevance.values(), default=0.0)
    wanted = {c for c, r in relevance.items() if r >= top and r > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def pairwise_loss(scores: dict[tuple[str, str], float], qrels: dict[str, dict[str, float]]) -> float:
    """Reviewer-assignment ordering loss, averaged over candidates.

    For each candidate, every pair of queries with different relevance to it counts; a pair the scores
    order wrongly costs its relevance gap, a tie costs half; the candidate's loss is that cost over the
    total gap. `scores` maps (query, candidate) to a score; missing pairs score 0.
    """
    queries = list(qrels)
    position = {q: i for i, q in enumerate(queries)}
    grades: dict[str, np.ndarray] = {}
    for query, judged in qrels.items():
        for candidate, grade in judged.items():
            grades.setdefault(candidate, np.zeros(len(queries)))[position[query]] = grade
    candidate_scores: dict[str, np.ndarray] = {c: np.zeros(len(queries)) for c in grades}
    for (query, candidate), score in scores.items():
        if candidate in candidate_scores and query in position:
            candidate_scores[candidate][position[query]] = score
    found = [_candidate_loss(grades[c], candidate_scores[c]) for c in grades]
    losses = [loss for loss in found if loss is not None]
    return float(np.mean(losses)) if losses else 0.0


def _candidate_loss(grades: np.ndarray, scores: np.ndarray) -> float | None:
    levels = np.unique(grades)
    cost = total = 0.0
    for i, low_level in enumerate(levels):
        low = np.sort(scores[grades == low_level])
        for high_level in levels[i + 1:]:
            high = scores[grades == high_level]
            gap = float(high_level - low_level)
            left, right = np.searchsorted(low, high, "left"), np.searchsorted(low, high, "right")
            wrong = float(np.sum(len(low) - right)) + 0.5 * float(np.sum(right - left))
            cost += gap * wrong
            total += gap * len(low) * len(high)
    return cost / total if total else None
