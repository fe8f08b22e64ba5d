"""The other direction: the best queries (challenges) for one candidate (a solver, an achievement).

A QuerySet holds many queries as column matrices in one engine's term space (each query's weighted,
length-normalised vector), so ranking all of them for a candidate is a few array operations per unit of
the candidate, not a loop over queries. Build it once per set of queries and engine state (the webapp keeps
the published challenges' set until either changes) and rank any number of candidates against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from matching import dense
from matching.channel import Channel, QueryVector, _dots
from matching.keywords import keyword_matches
from matching.records import Candidate, Query, QueryHit, Reason, keyword_reason
from matching.scoring import aggregate_groups, boosted, clean, with_semantic
from matching.topk import ROUNDING, _kth

if TYPE_CHECKING:
    from matching.engine import Matcher


@dataclass
class _Columns:
    """Queries of one channel as a CSC matrix (rows = queries, columns = the channel's terms, then terms
    the index does not know, which match by name), each row divided by its full norm."""

    matrix: sparse.csc_matrix
    extra: dict[str, int]  # unknown term → its column

    @classmethod
    def of(cls, channel: Channel, vectors: list[QueryVector]) -> _Columns:
        known = len(channel.terms)
        extra: dict[str, int] = {}
        rows, columns, values = [], [], []
        for row, vector in enumerate(vectors):
            if vector.norm == 0:
                continue
            ids = vector.ids.tolist() + [extra.setdefault(t, known + len(extra)) for t in vector.unknown]
            weights = np.concatenate([vector.weights, np.fromiter(vector.unknown.values(), float)]) / vector.norm
            rows.extend([row] * len(ids))
            columns.extend(ids)
            values.append(weights)
        data = np.concatenate(values) if values else np.zeros(0)
        matrix = sparse.csc_matrix((data, (rows, columns)), shape=(len(vectors), known + len(extra)))
        matrix.sort_indices()
        return cls(matrix, extra)

    def cosines(self, unit: QueryVector) -> np.ndarray:
        """Every query's cosine with one unit of a candidate."""
        if unit.norm == 0:
            return np.zeros(self.matrix.shape[0])
        ids = unit.ids.tolist() + [self.extra[t] for t in unit.unknown if t in self.extra]
        weights = np.concatenate([unit.weights, [w for t, w in unit.unknown.items() if t in self.extra]])
        if not ids:
            return np.zeros(self.matrix.shape[0])
        return _dots(self.matrix, np.asarray(ids, dtype=np.int64), weights / unit.norm)


class QuerySet:
    """Queries ready to be ranked for any candidate by one engine, as long as its statistics stand still."""

    def __init__(self, engine: Matcher, queries: Iterable[Query]) -> None:
        self.engine = engine
        self.queries = list(queries)
        self.state = _state(engine)
        self.ids = [q.id for q in self.queries]
        vectors = [engine.query_vectors(q) for q in self.queries]
        self.words = _Columns.of(engine.words, [v[0] for v in vectors])
        self.chars = _Columns.of(engine.chars, [v[1] for v in vectors])
        self.word_terms = [v[0].terms for v in vectors]
        embedded = [v[2] for v in vectors if v[2] is not None]
        self.embedded = np.vstack(embedded) if embedded and len(embedded) == len(vectors) else None
        analyse = engine.analyse
        self.keywords = [[k for k in (analyse.normalise_keyword(k) for k in q.keywords) if k] for q in self.queries]
        self.org = np.array([q.org for q in self.queries], dtype=object)
        self.region = np.array([q.region for q in self.queries], dtype=object)
        with_vector = [i for i, q in enumerate(self.queries) if q.vector is not None]
        self.with_vector = np.array(with_vector, dtype=np.int64)  # rows that can be fused (matching/dense.py)
        # centred rows of those queries' vectors, None when there are none
        self.vectors = dense.unit_vectors([self.queries[i].vector for i in with_vector], "query")

    def __len__(self) -> int:
        return len(self.queries)

    def rank(self, candidate: Candidate, k: int = 20) -> list[QueryHit]:
        """The best k queries for a candidate (k=0: every query scoring above 0), best first, then by id."""
        engine, s = self.engine, self.engine.settings
        if not self.queries:
            return []
        if self.state != _state(engine):  # the index changed since, so may its term weights: build afresh
            return QuerySet(engine, self.queries).rank(candidate, k)
        units = [engine.analyse.bag(texts) for texts in engine._unit_texts(candidate)]
        words = [engine.words.vector(w) for w, _c in units]
        weights = np.array(engine._recency(candidate), dtype=np.float64)
        scores = np.column_stack([self._unit_scores(word, engine.chars.vector(c), w)
                                  for word, (w, c) in zip(words, units, strict=True)]) * weights
        keywords = [k for k in (engine.analyse.normalise_keyword(k) for k in candidate.keywords) if k]
        eligible = self._eligible(candidate) & (scores.max(axis=1) > 0)
        rows = np.flatnonzero(eligible)
        ranked = -np.sort(-scores[rows], axis=1)
        count = scores.shape[1]
        text = aggregate_groups(ranked.ravel(), np.arange(len(rows)) * count, np.full(len(rows), count), s)
        share = self._keyword_shares(rows, keywords) if s.keyword_boost else 0.0
        same = (self.region[rows] == candidate.region) & (self.region[rows] != "") if candidate.region else False
        raw = boosted(text, share, same, s)
        closest = self._fuse(candidate, rows, raw)
        chosen = self._select(rows, raw, k)
        return [self._hit(row, score, scores[row], words, keywords, closest.get(row)) for row, score in chosen]

    def _fuse(self, candidate: Candidate, rows: np.ndarray, raw: np.ndarray) -> dict[int, str]:
        """Re-score, in place, the rows whose query has a vector when the candidate's units all have one (as
        rank() fuses its pool); the closest unit's title (or "") of each fused row."""
        own = [candidate.vector] if self.engine._has_profile_unit(candidate) else []
        units = dense.unit_vectors(own + [d.vector for d in candidate.documents])
        if units is None or self.vectors is None or units.shape[1] != self.vectors.shape[1]:
            return {}
        position = np.full(len(self.queries), -1)
        position[self.with_vector] = np.arange(len(self.with_vector))
        fusing = np.flatnonzero(position[rows] >= 0)
        if not len(fusing):
            return {}
        values, closest = dense.aggregate(self.vectors[position[rows[fusing]]] @ units.T)
        reported = np.array([clean(x) for x in raw[fusing].tolist()])
        raw[fusing] = dense.fused_scores(reported, values, self.engine.settings)
        titles = ([""] if own else []) + [d.title for d in candidate.documents]
        return {int(row): titles[unit] for row, unit in zip(rows[fusing].tolist(), closest.tolist(), strict=True)}

    def _unit_scores(self, words: QueryVector, chars: QueryVector, bag) -> np.ndarray:
        """Every query's score against one unit of the candidate (before its recency weight)."""
        s = self.engine.settings
        lexical = s.word_share * self.words.cosines(words) + (1.0 - s.word_share) * self.chars.cosines(chars)
        if self.embedded is None or self.engine.semantic is None:
            return lexical
        semantic = (self.embedded @ self.engine.semantic.embed(bag)).astype(np.float64)
        return with_semantic(lexical, semantic, s)

    def _eligible(self, candidate: Candidate) -> np.ndarray:
        """Queries the candidate may be matched to: not its own organisation's, nor one it is in conflict with."""
        barred = set(candidate.conflicts) | ({candidate.org} if candidate.org else set())
        return np.array([not org or org not in barred for org in self.org.tolist()], dtype=bool)

    def _keyword_shares(self, rows: np.ndarray, keywords: list[str]) -> np.ndarray:
        cutoff = self.engine.settings.keyword_cutoff
        return np.array([sum(m[2] for m in keyword_matches(self.keywords[r], keywords, cutoff))
                         / len(self.keywords[r]) if self.keywords[r] else 0.0 for r in rows.tolist()])

    def _select(self, rows: np.ndarray, raw: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The best k rows by reported score, then query id (as strings), dropping scores that round to 0."""
        if k and len(rows) > k:
            near = raw >= _kth(raw, k) - ROUNDING
            rows, raw = rows[near], raw[near]
        reported = [clean(x) for x in raw.tolist()]
        order = sorted(range(len(rows)), key=lambda i: (-reported[i], self.ids[rows[i]]))
        return [(int(rows[i]), reported[i]) for i in order if reported[i] > 0][: k or None]

    def _hit(self, row: int, score: float, unit_scores: np.ndarray, words: list[QueryVector],
             keywords: list[str], closest: str | None) -> QueryHit:
        """A ranked query with its reasons: the terms it shares with the best unit, the matched keywords, and
        whether the meaning was fused in."""
        best = int(np.argmax(unit_scores))
        shared = self.engine.explaining(sorted(set(self.word_terms[row]) & set(words[best].terms)))
        matches = keyword_matches(self.keywords[row], keywords, self.engine.settings.keyword_cutoff)
        reasons = ([Reason("terms", terms=tuple(shared))] if shared else []) + (
            [keyword_reason(matches)] if matches else []) + ([Reason("topic", title=closest)] if closest is not None
                                                             else [])
        return QueryHit(self.ids[row], score, tuple(reasons))


def _state(engine: Matcher) -> tuple:
    """What query weights depend on: the channels and every unit ever added or removed."""
    return (id(engine.words), len(engine.words.alive), engine.words.live_units,
            id(engine.chars), len(engine.chars.alive), engine.chars.live_units, id(engine.semantic))


def rank_queries(engine: Matcher, candidate: Candidate, queries: Iterable[Query] | QuerySet,
                 k: int = 20) -> list[QueryHit]:
    """The best k queries (challenges) for one candidate, on the same scale as rank()."""
    prepared = queries if isinstance(queries, QuerySet) else QuerySet(engine, queries)
    return prepared.rank(candidate, k)
