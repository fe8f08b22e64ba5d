"""The candidate-level score: aggregate unit scores, then apply the bounded boosts (one place for both
directions, so rank() and rank_queries() give the same number for the same pair)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from matching.settings import Settings

T = TypeVar("T", float, np.ndarray)


def blend(word: T, char: T, semantic: T | None, settings: Settings) -> T:
    """A unit's score from its channel cosines (works on floats and on arrays of units)."""
    return with_semantic(settings.word_share * word + (1.0 - settings.word_share) * char, semantic, settings)


def with_semantic(lexical: T, semantic: T | None, settings: Settings) -> T:
    """A unit's score from its lexical score and its semantic cosine (None: no semantic channel)."""
    if semantic is None:
        return lexical
    return (1.0 - settings.semantic_share) * lexical + settings.semantic_share * np.clip(semantic, 0.0, 1.0)


def aggregate(unit_scores: np.ndarray, settings: Settings) -> float:
    """Best unit, blended with the mean of the best few (a candidate with several matching documents wins)."""
    if not len(unit_scores):
        return 0.0
    ranked = np.sort(np.asarray(unit_scores, dtype=np.float64))[::-1]
    return float(aggregate_groups(ranked, np.zeros(1, np.int64), np.array([len(ranked)]), settings)[0])


def aggregate_groups(ranked: np.ndarray, starts: np.ndarray, counts: np.ndarray, settings: Settings) -> np.ndarray:
    """aggregate() of many candidates at once: their unit scores in contiguous groups, each sorted best first."""
    best = ranked[starts]
    rest = np.zeros(len(starts))
    for j in range(1, settings.top_k):  # summed in one fixed order, so both directions agree to the last bit
        more = counts > j
        rest[more] += ranked[starts[more] + j]
    mean = (best + rest) / np.minimum(counts, settings.top_k)
    return np.where(counts > 1, (1.0 - settings.mean_share) * best + settings.mean_share * mean, best)


def boosted(text: T, keyword_share: T | float, same_region: T | bool, settings: Settings) -> T:
    """Apply the keyword and region boosts; both close part of the remaining distance, so scores stay ≤ 1.

    Works on floats and on arrays of candidates alike."""
    score = text + settings.keyword_boost * keyword_share * (1.0 - text) * (text > 0)
    return score + settings.region_boost * score * (1.0 - score) * same_region


def clean(score: float) -> float:
    """A score as reported: clipped to [0, 1] and rounded, so equal-looking scores tie-break by id."""
    return round(float(min(max(score, 0.0), 1.0)), 6)
