"""Fuzzy keyword matching (锂离子电池 ~ 锂电池, English typos) with rapidfuzz."""

from __future__ import annotations

from rapidfuzz import fuzz, process


def keyword_matches(query: list[str], candidate: list[str], cutoff: float) -> list[tuple[str, str, float]]:
    """For each query keyword, its closest candidate keyword at or above `cutoff`, scored in [0, 1]."""
    if not query or not candidate:
        return []
    matches = []
    for keyword in query:
        found = process.extractOne(keyword, candidate, scorer=fuzz.ratio, score_cutoff=cutoff)
        if found is not None:
            matches.append((keyword, found[0], found[1] / 100.0))
    return matches
