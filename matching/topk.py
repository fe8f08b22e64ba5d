"""Exact top-k search over the index: bound the semantic channel, then visit candidates by their best unit.

Split from engine.py so the index (building, updating, filters) and the search read on their own.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from matching.channel import Channel, QueryVector
from matching.keywords import keyword_matches
from matching.records import Query
from matching.scoring import aggregate, blend, boosted, clean

if TYPE_CHECKING:
    from matching.engine import Matcher

FULL_SEMANTIC_SHARE = 0.25  # when more candidates than this may reach the top k, compute every unit


@dataclass
class Scored:
    """A candidate's exact score with what explains it."""

    index: int
    score: float
    best_unit: int
    keywords: list[tuple[str, str]] = field(default_factory=list)


def scores_for_top(engine: Matcher, query: Query, words: QueryVector, chars: QueryVector,
                   embedding: np.ndarray | None, eligible: np.ndarray, query_keywords: list[str], k: int,
                   known: dict[int, Scored]) -> tuple[np.ndarray, np.ndarray]:
    """Unit scores, with the semantic channel computed only where it can change the top k.

    A unit's semantic cosine is at most 1, so its lexical score bounds its blended score from above. The
    exact scores of a few promising candidates give a score the k-th result reaches at least; candidates
    whose bound stays below it cannot enter the top k and are dropped before any semantic product. The
    result is exactly the full computation's top k; only when most candidates survive is everything
    computed. (Scores of dropped units are left at 0; they are never reported.) The candidates scored on
    the way are put in `known`.
    """
    word, char = _cosines(engine.words, words, engine.settings.word_share > 0), _cosines(
        engine.chars, chars, engine.settings.word_share < 1)
    if embedding is None or not k or not len(word):
        semantic = engine.embeddings() @ embedding if embedding is not None and len(word) else None
        return blend(word, char, semantic, engine.settings) * engine.arrays()["weight"], eligible
    s, columns = engine.settings, engine.arrays()
    owner, weight = columns["owner"], columns["weight"]
    lexical = blend(word, char, None, s)
    bound = ((1.0 - s.semantic_share) * lexical + s.semantic_share) * weight
    best_bound = np.zeros(len(engine.entries))
    np.maximum.at(best_bound, owner, bound)
    upper = best_bound + s.keyword_boost * (1.0 - best_bound)  # boosted() at its most: every keyword,
    upper = upper + s.region_boost * upper * (1.0 - upper)  # same region (both are increasing)
    candidates = np.flatnonzero(eligible & (best_bound > 0))
    scores = np.zeros(len(word))
    size = min(2 * k + 10, len(candidates))
    pool = candidates[np.argpartition(-best_bound[candidates], size - 1)[:size]] if size else candidates
    fill(engine, scores, word, char, embedding, pool)
    known.update((int(i), exact(engine, query, int(i), scores, query_keywords)) for i in pool)
    seen = sorted((item.score for item in known.values()), reverse=True)
    floor = seen[k - 1] if len(seen) >= k else 0.0
    needed = candidates[upper[candidates] >= floor - 1e-6]  # scores are reported rounded to 6 places
    if len(needed) > FULL_SEMANTIC_SHARE * len(engine.entries):
        known.clear()
        semantic = engine.embeddings() @ embedding
        return blend(word, char, semantic, s) * weight, eligible
    fill(engine, scores, word, char, embedding, needed)
    kept = np.zeros(len(engine.entries), dtype=bool)
    kept[needed] = True
    return scores, eligible & kept


def _cosines(channel: Channel, query: QueryVector, weighs: bool) -> np.ndarray:
    """A channel's cosines with every unit, or zeros when the channel weighs nothing in the score."""
    return channel.cosines(query) if weighs else np.zeros(len(channel.alive))


def fill(engine: Matcher, scores: np.ndarray, word: np.ndarray, char: np.ndarray, embedding: np.ndarray,
          candidates: np.ndarray) -> None:
    """Exact blended scores of every unit of the given candidates, written into `scores`."""
    mask = np.zeros(len(engine.entries), dtype=bool)
    mask[candidates] = True
    units = np.flatnonzero(mask[engine.arrays()["owner"]])
    semantic = engine.embeddings()[units] @ embedding
    scores[units] = blend(word[units], char[units], semantic, engine.settings) * engine.arrays()["weight"][units]


def upper_bound(engine: Matcher, best: float) -> float:
    """The most a candidate whose best unit scores `best` can reach after the boosts."""
    return boosted(best, 1.0, True, engine.settings)


def top(engine: Matcher, query: Query, unit_scores: np.ndarray, best: np.ndarray, eligible: np.ndarray,
         query_keywords: list[str], k: int, known: dict[int, Scored] | None = None) -> list[Scored]:
    """Exact top k: visit candidates by their best unit, stop when no later one can enter."""
    candidates = np.flatnonzero(eligible & (best > 0) if k else eligible)
    heap: list[tuple[float, str, int]] = []
    results: dict[int, Scored] = {}
    for index in by_best(engine, candidates, best, k):
        if k and len(heap) >= k and heap[0][0] > upper_bound(engine, best[index]):
            break
        item = (known or {}).get(index) or exact(engine, query, index, unit_scores, query_keywords)
        results[index] = item
        key = (item.score, _neg(engine.entries[index].record.id), index)
        if not k or len(heap) < k:
            heapq.heappush(heap, key)
        elif key > heap[0]:
            heapq.heapreplace(heap, key)
    chosen = [results[i] for _s, _id, i in heap if not k or results[i].score > 0]
    return sorted(chosen, key=lambda s: (-s.score, engine.entries[s.index].record.id))


def by_best(engine: Matcher, candidates: np.ndarray, best: np.ndarray, k: int) -> Iterator[int]:
    """Candidates by best unit score (then id): a partial sort of the front, the rest only if needed."""
    id_rank = engine.arrays()["id_rank"]
    front = max(engine.settings.min_pool, 8 * k) if k else len(candidates)
    if len(candidates) > front:
        split = np.argpartition(-best[candidates], front)
        head, tail = candidates[split[:front]], candidates[split[front:]]
    else:
        head, tail = candidates, candidates[:0]
    for part in (head, tail):
        yield from part[np.lexsort((id_rank[part], -best[part]))].tolist()


def exact(engine: Matcher, query: Query, index: int, unit_scores: np.ndarray, query_keywords: list[str]) -> Scored:
    """A candidate's reported score: its units aggregated, then the bounded boosts."""
    s = engine.settings
    entry = engine.entries[index]
    if not entry.units:
        return Scored(index, 0.0, -1)
    if len(entry.units) == 1:  # most candidates: one text, nothing to aggregate
        best_unit = entry.units[0]
        text = float(unit_scores[best_unit])
    else:
        scores = unit_scores[entry.units]
        best_unit, text = entry.units[int(np.argmax(scores))], aggregate(scores, s)
    matches = keyword_matches(query_keywords, entry.keywords, s.keyword_cutoff) if s.keyword_boost else []
    share = sum(score for _q, _c, score in matches) / len(query_keywords) if query_keywords else 0.0
    score = boosted(text, share, bool(query.region) and query.region == entry.record.region, s)
    return Scored(index, clean(score), best_unit, [(q, c) for q, c, _s in matches])


class _neg(str):
    """A string that sorts in reverse, so the heap keeps the smaller id on equal scores."""

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
        return str.__lt__(self, other)
