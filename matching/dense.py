"""Dense (neural) evidence beside the lexical index: each unit's document embedding, fused at rank time.

Embeddings are computed outside the engine (matching/embedder.py, in the web app's background jobs) and
handed in on the records (`Candidate.vector` for the profile's own text, `Document.vector` for each
document, `Query.vector` for a challenge). A unit without one is stored as a row of NaN: its candidate
is ranked lexically, and marked so, until the vector arrives.

Fusion (measured on the topic-level dev set, matching/README.md): the lexical ranking's best `dense_pool`
candidates are re-scored as `(1 − dense_share) × lexical + dense_share × semantic`, where semantic is the
candidate's embedding score (0.7 × best document's cosine + 0.3 × the mean of its best three, as the
lexical side aggregates) between centred vectors (`centred`: the model's mean direction removed, so a
typical pair is near 0 whether its texts are long or short) rescaled so that `dense_floor` is 0 and
`dense_ceiling` is 1. The fused value is then put on the lexical score's scale by a monotone piecewise
linear map whose knots are the fused scores calibrated to the same strength bands (`fused_fair` →
`band_fair`, `fused_strong` → `band_strong`), so a score of 20/100 means "strong" whichever way it was
reached. Candidates outside the pool keep their lexical order and score, after the pool.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from matching.settings import Settings

if TYPE_CHECKING:
    from matching.engine import Matcher
    from matching.topk import Scored

BEST_SHARE, MEAN_OF = 0.7, 3
CENTRES = Path(__file__).with_name("centres.npz")  # written by `python -m bench.embed_fusion --centres`


class DenseUnits:
    """Every unit's embedding (float32 rows, NaN where not computed yet), with room to grow."""

    def __init__(self) -> None:
        self._rows = np.zeros((0, 0), dtype=np.float32)
        self.count = 0
        self.embedded = 0  # units with a vector

    @property
    def dim(self) -> int:
        return self._rows.shape[1]

    def matrix(self) -> np.ndarray:
        return self._rows[: self.count]

    def adopt(self, rows: np.ndarray) -> None:
        """Take saved rows (a read-only memory map of the index file)."""
        self._rows, self.count = rows, len(rows)
        self.embedded = int((~np.isnan(rows[:, 0])).sum()) if len(rows) and rows.shape[1] else 0

    def append(self, vectors: list[np.ndarray | None]) -> None:
        """Add units' vectors in unit order (None: not embedded yet)."""
        dim = next((len(v) for v in vectors if v is not None), self.dim)
        if not dim:  # nothing embedded anywhere yet: count the units, keep no storage
            self.count += len(vectors)
            return
        needed = self.count + len(vectors)
        if needed > len(self._rows) or not self._rows.flags.writeable or self.dim != dim:
            grown = np.full((needed + needed // 4 + 16, dim), np.nan, dtype=np.float32)
            if self.count and self.dim == dim:
                grown[: self.count] = self.matrix()
            self._rows = grown
        for offset, vector in enumerate(vectors):
            if vector is not None:
                self._rows[self.count + offset] = centred(vector, "passage")
                self.embedded += 1
        self.count = needed

    def forget(self, units: range) -> None:
        """A removed candidate's units no longer count as embedded."""
        if self.dim and units:
            rows = self.matrix()[units.start:units.stop]
            self.embedded -= int((~np.isnan(rows[:, 0])).sum())


def active(engine: Matcher, query_vector: np.ndarray | None) -> bool:
    """Fusion applies when the query has a vector of the engine's dimension and some unit has one too."""
    dense = engine.dense
    return query_vector is not None and dense.embedded > 0 and len(query_vector) == dense.dim


def semantic_share(values, s: Settings):
    """Embedding scores rescaled to [0, 1]: dense_floor → 0, dense_ceiling → 1."""
    return np.clip((np.asarray(values) - s.dense_floor) / (s.dense_ceiling - s.dense_floor), 0.0, 1.0)


def on_band_scale(fused, s: Settings):
    """Fused values on the lexical scale: the calibrated fused band edges land on the lexical ones."""
    knots = ([0.0, s.fused_fair, s.fused_strong, 1.0], [0.0, s.band_fair, s.band_strong, 1.0])
    return np.interp(fused, *knots)


def fused_scores(lexical: np.ndarray, values: np.ndarray, s: Settings) -> np.ndarray:
    """Reported lexical scores and embedding scores → reported fused scores on the band scale."""
    return np.round(on_band_scale((1 - s.dense_share) * lexical + s.dense_share * semantic_share(values, s), s), 6)


def aggregate(cosines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of cosines (a query against each of one candidate's units) → each row's embedding score (as
    _scores aggregates) and closest unit."""
    ranked = -np.sort(-cosines, axis=1)
    return BEST_SHARE * ranked[:, 0] + (1 - BEST_SHARE) * ranked[:, :MEAN_OF].mean(axis=1), np.argmax(cosines, axis=1)


def unit_vectors(vectors: list, kind: str = "passage") -> np.ndarray | None:
    """Vectors of a kind ("passage": a candidate's units, "query": challenges) as centred unit-length rows,
    or None unless every one is there."""
    if not vectors or any(v is None for v in vectors):
        return None
    return np.vstack([centred(v, kind) for v in vectors])


def fuse(engine: Matcher, query_vector: np.ndarray | None, pool: list[Scored]) -> list[Scored]:
    """Re-score a pool of lexically scored candidates with their embeddings, best first (then by id). A
    candidate not embedded yet keeps its lexical score and is marked (`fused = False`). Only when active()."""
    assert query_vector is not None, "fusion needs the query's vector"
    if not pool:
        return pool
    s, entries = engine.settings, engine.entries
    values, closest, ready = _scores(engine, np.array([item.index for item in pool]), centred(query_vector, "query"))
    fused = fused_scores(np.array([item.score for item in pool]), values, s)
    for item, value, unit, done in zip(pool, fused.tolist(), closest.tolist(), ready.tolist(), strict=True):
        item.fused = done
        if done:
            item.score, item.dense_unit = value, unit
    return sorted(pool, key=lambda item: (-item.score, entries[item.index].record.id))


def _scores(engine: Matcher, candidates: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, ...]:
    """Candidates' embedding scores (best unit and the mean of the best MEAN_OF, as BEST_SHARE says), their
    closest units, and whether all their units are embedded — for all of them at once."""
    columns = engine.arrays()
    counts = columns["unit_count"][candidates]
    starts = np.cumsum(counts) - counts
    units = np.repeat(columns["first_unit"][candidates] - starts, counts) + np.arange(int(counts.sum()))
    rows = engine.dense.matrix()[units]
    missing = np.isnan(rows[:, 0])
    ready = ~np.logical_or.reduceat(missing, starts)
    cosines = np.where(missing, -1.0, np.nan_to_num(rows) @ query)
    group = np.repeat(np.arange(len(candidates)), counts)
    order = np.lexsort((-cosines, group))  # each candidate's units, closest first
    ranked, rank_in_group = cosines[order], np.arange(len(order)) - np.repeat(starts, counts)
    best = ranked[starts]
    top = np.where(rank_in_group < MEAN_OF, ranked, 0.0)
    mean = np.add.reduceat(top, starts) / np.minimum(counts, MEAN_OF)
    return BEST_SHARE * best + (1 - BEST_SHARE) * mean, units[order[starts]], ready


def normalised(vector) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


def centred(vector, kind: str) -> np.ndarray:
    """A vector with the model's mean direction for its kind removed, at unit length — so that a cosine of
    0 means "no more alike than two typical texts", whether the texts are long or short (raw e5 cosines of
    short texts sit higher). Vectors of another dimension (not from the model) are only normalised."""
    array = np.asarray(vector, dtype=np.float32)
    mean = _centres().get(kind)
    return normalised(array - mean if mean is not None and mean.shape == array.shape else array)


@cache
def _centres() -> dict[str, np.ndarray]:
    """The model's mean query and passage vectors, measured on the dev corpus (matching/README.md)."""
    if not CENTRES.exists():
        return {}
    with np.load(CENTRES) as stored:
        return {kind: stored[kind].astype(np.float32) for kind in ("query", "passage")}
