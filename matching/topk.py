"""Exact top-k search over the index: every unit's lexical score, the semantic channel only where it can
change the top k, and candidates scored as whole arrays (aggregation and boosts), never one by one.

Split from engine.py so the index (building, updating, filters) and the search read on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from matching.channel import QueryVector
from matching.keywords import keyword_matches
from matching.records import Query
from matching.scoring import aggregate_groups, boosted, clean, with_semantic

if TYPE_CHECKING:
    from matching.engine import Matcher

FULL_SEMANTIC_SHARE = 0.25  # when more candidates than this may reach the top k, compute every unit
ROUNDING = 2e-6  # reported scores are rounded to 6 places: raw scores this close may tie after rounding


@dataclass
class Scored:
    """A candidate's exact score with what explains it."""

    index: int
    score: float
    best_unit: int
    keywords: list[tuple[str, str]] = field(default_factory=list)
    fused: bool | None = None  # embeddings fused (True), not embedded yet (False), no fusion (None)
    dense_unit: int | None = None  # the unit closest in meaning, when fused


class Search:
    """One query against the index: unit scores on demand, candidates scored in bulk."""

    def __init__(self, engine: Matcher, query: Query, words: QueryVector, chars: QueryVector,
                 embedding: np.ndarray | None, query_keywords: list[str]) -> None:
        s = engine.settings
        self.engine, self.query, self.embedding, self.query_keywords = engine, query, embedding, query_keywords
        self.columns = engine.arrays()
        self.lexical = engine.words.cosines(words, s.word_share)  # blend()'s lexical part, in place
        self.lexical += engine.chars.cosines(chars, 1.0 - s.word_share)
        self._all: np.ndarray | None = None

    def top(self, eligible: np.ndarray, k: int) -> list[Scored]:
        """The best k eligible candidates with a score above 0 (k=0: all eligible, zeros included)."""
        if not len(self.lexical):
            return []
        if not k:
            return self.select(np.flatnonzero(eligible), 0)
        if self.embedding is not None:
            found = self._pruned(eligible, k)
            if found is not None:
                return found
        best = np.where(eligible, _best_units(self.all_units(), self.columns), 0.0)
        s = self.engine.settings  # a candidate scores at least this share of its best unit after aggregation
        least = min(1.0, 1.0 - s.mean_share + s.mean_share / s.top_k)
        return self.select(self._reaching(best, _kth(best, k) * least), k)

    def _pruned(self, eligible: np.ndarray, k: int) -> list[Scored] | None:
        """Top k computing the semantic channel only for candidates that can still reach it (None: too many).

        A unit's semantic cosine is at most 1, so its lexical score bounds its score from above. The exact
        scores of a few promising candidates give a score the k-th result reaches at least; candidates whose
        bound stays below it cannot enter the top k.
        """
        s = self.engine.settings
        bound = ((1.0 - s.semantic_share) * self.lexical + s.semantic_share) * self.columns["weight"]
        best_bound = np.where(eligible, _best_units(bound, self.columns), 0.0)
        size = min(2 * k + 10, int(np.count_nonzero(best_bound)))
        if not size:
            return []
        pool = np.argpartition(best_bound, len(best_bound) - size)[-size:]  # the `size` highest bounds
        floor = _kth(np.array([clean(x) for x in self.scores(pool)[0].tolist()]), k)
        needed = self._reaching(best_bound, floor)
        if len(needed) > FULL_SEMANTIC_SHARE * len(self.engine.entries):
            return None
        return self.select(needed, k)

    def _reaching(self, best: np.ndarray, floor: float) -> np.ndarray:
        """The candidates whose best unit (or its bound) `best` is above 0 and can reach `floor` after the
        boosts: with every keyword and the same region, since both boosts are increasing (and add at most
        kb + rb/4). Ineligible candidates have `best` 0."""
        s = self.engine.settings
        threshold = floor - ROUNDING - s.keyword_boost - s.region_boost / 4
        near = np.flatnonzero(best >= threshold) if threshold > 0 else np.flatnonzero(best > 0)
        return near[boosted(best[near], np.ones(len(near)), True, s) >= floor - ROUNDING]

    def all_units(self) -> np.ndarray:
        """Every unit's score, the semantic channel included."""
        if self._all is None:
            self._all = self._blend(slice(None), self._cosines(slice(None)))
        return self._all

    def _units(self, units: np.ndarray) -> np.ndarray:
        """Some units' scores (the semantic channel computed for them only)."""
        if self._all is not None:
            return self._all[units]
        return self._blend(units, self._cosines(units))

    def _cosines(self, units: np.ndarray | slice) -> np.ndarray | None:
        """Some units' cosines with the query, summed row by row in one fixed order (None: no semantic channel).

        A BLAS product may add a row's terms in another order depending on how many rows it is given, so
        the same unit could score a few ulps apart in the pruned and the full paths and round differently;
        einsum's loop sums each row alike whatever the rows around it.
        """
        if self.embedding is None:
            return None
        return np.einsum("ij,j->i", self.engine.embeddings()[units], self.embedding)

    def _blend(self, units: np.ndarray | slice, semantic: np.ndarray | None) -> np.ndarray:
        return with_semantic(self.lexical[units], semantic, self.engine.settings) * self.columns["weight"][units]

    def scores(self, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Candidates' exact scores before rounding (units aggregated, then the boosts) and best units."""
        s, columns = self.engine.settings, self.columns
        counts = columns["unit_count"][candidates]
        starts = np.cumsum(counts) - counts
        units = np.repeat(columns["first_unit"][candidates] - starts, counts) + np.arange(int(counts.sum()))
        unit_scores = self._units(units)
        # Each candidate's units best first; the sort is stable, so equal scores keep the first unit (as argmax)
        order = np.lexsort((-unit_scores, np.repeat(np.arange(len(candidates)), counts)))
        text = aggregate_groups(unit_scores[order], starts, counts, s)
        share = self._keyword_shares(candidates) if s.keyword_boost and self.query_keywords else 0.0
        region = self.query.region
        same = (columns["region"][candidates] == self.engine.region_code(region)) if region else False
        return boosted(text, share, same, s), units[order[starts]]

    def _keyword_shares(self, candidates: np.ndarray) -> np.ndarray:
        """Share of the query's keywords each candidate matches (only when keywords boost the score)."""
        cutoff, entries = self.engine.settings.keyword_cutoff, self.engine.entries
        return np.array([sum(m[2] for m in keyword_matches(self.query_keywords, entries[i].keywords, cutoff))
                         / len(self.query_keywords) for i in candidates.tolist()])

    def select(self, candidates: np.ndarray, k: int) -> list[Scored]:
        """The best k of some candidates by reported score, then id (k=0: all of them, zeros included)."""
        raw, best_unit = self.scores(candidates)
        if k and len(candidates) > k:
            near = raw >= _kth(raw, k) - ROUNDING
            candidates, raw, best_unit = candidates[near], raw[near], best_unit[near]
        reported = [clean(x) for x in raw.tolist()]
        entries = self.engine.entries
        ids = [entries[i].record.id for i in candidates.tolist()]
        order = sorted(range(len(reported)), key=lambda i: (-reported[i], ids[i]))
        chosen = [Scored(int(candidates[i]), reported[i], int(best_unit[i])) for i in order[: k or None]]
        return [item for item in chosen if item.score > 0] if k else chosen


def _best_units(values: np.ndarray, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Each candidate's best unit value (most candidates have one unit: only the others are compared)."""
    best = values[columns["first_unit"]]
    np.maximum.at(best, columns["later_owner"], values[columns["later_unit"]])
    return best


def _kth(values: np.ndarray, k: int) -> float:
    """The k-th largest of non-negative values (0 when fewer than k are positive). Zeros are left out first:
    most candidates share nothing with a query, and a partition slows down on many equal values."""
    positive = values[values > 0]
    if len(positive) < k:
        return 0.0
    return float(np.partition(positive, len(positive) - k)[len(positive) - k])
