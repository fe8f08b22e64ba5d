"""Match strength: a score's band (strong / fair / weak), and the calibration that sets the bands' edges.

The edges live in Settings (band_fair, band_strong) and come from `python -m matching calibrate` on the
profiles evaluation set (a paper's title and keywords → researchers): over the top 20 hits of every query,
leaving out the paper's own author, the share of researchers of the same discipline at each score. A band's
lower edge is the lowest score from which at least that share of the hits above it is relevant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.engine import Matcher
from matching.records import Query
from matching.settings import Settings

BANDS = ("weak", "fair", "strong")
FAIR_SHARE = 0.30  # from here up, at least three hits in ten work on the topic (the base rate is ≈ 1 in 10)
STRONG_SHARE = 0.75  # from here up, three in four do
WIDTH = 0.05


def band(score: float, settings: Settings) -> str:
    """strong, fair or weak: never decreasing as the score grows."""
    if score >= settings.band_strong:
        return "strong"
    return "fair" if score >= settings.band_fair else "weak"


@dataclass(frozen=True)
class Bin:
    """Hits with a score in [low, low + WIDTH): how many, and the share relevant in it and from it up."""

    low: float
    count: int
    relevant: float
    relevant_from_here: float


def calibrate(engine: Matcher, queries: list[Query], qrels: dict[str, dict[str, float]], k: int = 20,
              leave_out: float = 3.0, relevant_above: float = 0.0) -> list[Bin]:
    """Score bins over the top k hits of every judged query, leaving out hits judged `leave_out` or more (the
    query's own source, which says nothing about topic-level relevance); a hit graded above `relevant_above`
    counts as relevant."""
    scores, relevant = [], []
    for query in queries:
        judged = qrels.get(query.id)
        if judged is None:
            continue
        for hit in engine.rank(query, k=k):
            grade = judged.get(hit.candidate_id, 0.0)
            if grade < leave_out:
                scores.append(hit.score)
                relevant.append(grade > relevant_above)
    values, good = np.asarray(scores), np.asarray(relevant, dtype=bool)
    bins = []
    for low in np.round(np.arange(0.0, 1.0, WIDTH), 2).tolist():
        inside, above = (values >= low) & (values < low + WIDTH), values >= low
        if inside.any():
            bins.append(Bin(low, int(inside.sum()), float(good[inside].mean()), float(good[above].mean())))
    return bins


def edges(bins: list[Bin]) -> tuple[float, float]:
    """(fair, strong): the lowest score from which FAIR_SHARE, resp. STRONG_SHARE, of the hits are relevant
    — and stay so for every higher edge (so the bands are monotone)."""
    def lowest(share: float) -> float:
        edge = 1.0
        for b in reversed(bins):
            if b.relevant_from_here < share:
                break
            edge = b.low
        return edge
    fair, strong = lowest(FAIR_SHARE), lowest(STRONG_SHARE)
    return min(fair, strong), strong


def table(bins: list[Bin]) -> str:
    """The calibration as a Markdown table."""
    rows = ["| score | hits | relevant in bin | relevant from here up |", "|---|---|---|---|"]
    rows += [f"| {b.low:.2f}–{b.low + WIDTH:.2f} | {b.count} | {b.relevant:.2f} | {b.relevant_from_here:.2f} |"
             for b in bins]
    return "\n".join(rows)
