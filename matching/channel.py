"""One term channel of the index (words, or character bigrams): vocabulary, statistics, unit rows.

Units are appended; removal is a tombstone. Document frequencies, IDF and unit norms always
describe exactly the live units, so incremental updates score like a full refit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from matching.parallel import Encoded
from matching.rows import RowStore

K1 = 1.2
MIN_IDF = 0.1  # reached only when an index grows far beyond its fitted size: refit then
GATHER_BELOW = 20_000  # postings: fewer are summed faster by numpy than by slicing the matrix (scipy)
REFRESH_SHARE = 0.25  # when the terms whose IDF changed hold more of the postings, unit lengths are recomputed


def saturate(tf: np.ndarray) -> np.ndarray:
    """BM25-style term-frequency saturation (length is handled by the cosine)."""
    return tf * (K1 + 1.0) / (tf + K1)


@dataclass
class QueryVector:
    """A query in one channel: known term ids with weights, and its full norm (unknown terms too)."""

    ids: np.ndarray
    weights: np.ndarray
    norm: float
    terms: list[str]
    unknown: dict[str, float]

    def cosine(self, other: QueryVector) -> float:
        """Cosine with another vector of the same channel (terms unknown to the index match by name)."""
        if self.norm == 0 or other.norm == 0:
            return 0.0
        shared, mine, theirs = np.intersect1d(self.ids, other.ids, assume_unique=True, return_indices=True)
        dot = float(np.dot(self.weights[mine], other.weights[theirs])) if len(shared) else 0.0
        dot += sum(weight * other.unknown[t] for t, weight in self.unknown.items() if t in other.unknown)
        return dot / (self.norm * other.norm)


@dataclass
class Channel:
    """Vocabulary, document frequencies and saturated term rows of the live units."""

    vocab: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)
    df: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    rows: RowStore = field(default_factory=RowStore)
    alive: list[bool] = field(default_factory=list)
    live_units: int = 0
    reference_units: int | None = None  # the corpus size IDF is computed against, frozen at fit
    _compiled_rows: int = 0
    _main: sparse.csc_matrix | None = None
    _delta: sparse.csc_matrix | None = None
    _alive_mask: np.ndarray | None = None
    _norms: np.ndarray | None = None  # unit lengths under _norms_idf
    _norms_idf: np.ndarray | None = None
    _stale_terms: list[np.ndarray] = field(default_factory=list)  # terms whose IDF changed since
    _scale: np.ndarray | None = None
    _idf: np.ndarray | None = None

    # --- building ---------------------------------------------------------------------------

    def add_encoded(self, batch: Encoded, sources: dict[tuple[int, int], np.ndarray]) -> range:
        """Append a batch of encoded units; return their unit indices.

        `sources` maps each encoder's term ids to this channel's: it grows by the terms each batch names
        anew (one vocabulary lookup per distinct term, not per occurrence), and rows are sorted in C.
        """
        vocab = self.vocab
        if not isinstance(vocab, defaultdict):
            vocab = self.vocab = defaultdict(lambda: len(self.vocab), vocab)
        mapping = sources.get(batch.source, np.zeros(0, dtype=np.int32))
        if batch.terms:
            known = len(self.terms)
            named = np.fromiter(map(vocab.__getitem__, batch.terms), dtype=np.int32, count=len(batch.terms))
            self.terms.extend(batch.terms[i] for i in np.flatnonzero(named >= known).tolist())  # in id order
            mapping = sources[batch.source] = np.concatenate([mapping, named])
        indptr = np.concatenate([[0], np.cumsum(batch.lengths)])
        rows = sparse.csr_matrix((saturate(batch.counts).astype(np.float32), mapping[batch.ids], indptr),
                                 shape=(len(batch.lengths), max(len(self.terms), 1)))
        rows.sort_indices()  # by the channel's term ids, as row() and contributions() expect
        first = len(self.alive)
        self.rows.extend(rows.indices, rows.data, batch.lengths)
        self.alive.extend([True] * len(batch.lengths))
        if len(self.terms) > len(self.df):
            self.df = np.concatenate([self.df, np.zeros(max(len(self.terms) - len(self.df), 1024))])
        self.df[: len(self.terms)] += np.bincount(rows.indices, minlength=len(self.terms))
        self.live_units += len(batch.lengths)
        self._changed(structure=True, terms=np.unique(rows.indices))
        return range(first, first + len(batch.lengths))

    @classmethod
    def adopt(cls, terms: list[str], ids: np.ndarray, sat: np.ndarray, lengths: np.ndarray,
              reference: int | None, compiled: sparse.csc_matrix | None = None,
              df: np.ndarray | None = None, norms: np.ndarray | None = None) -> Channel:
        """A channel over saved flat rows (all live), with its column matrix, document frequencies and unit
        lengths when they were saved too (else they are derived)."""
        channel = cls(vocab=dict(zip(terms, range(len(terms)), strict=True)), terms=list(terms))
        channel.rows.extend(ids, sat, lengths)
        channel.alive = [True] * len(lengths)
        channel.live_units = len(lengths)
        channel.reference_units = reference
        channel.df = np.zeros(max(len(terms), 1))
        channel.df[: len(terms)] = np.bincount(ids, minlength=len(terms)) if df is None else df
        channel._main = compiled if compiled is not None else channel.rows.csr(len(terms)).tocsc()
        channel._compiled_rows = len(lengths)
        if norms is not None:  # the same statistics, so the same lengths
            channel._norms, channel._norms_idf = np.array(norms, dtype=np.float64), channel.idf()
        return channel

    def remove_unit(self, unit: int) -> None:
        """Tombstone a unit and take it out of the statistics."""
        if not self.alive[unit]:
            return
        self.alive[unit] = False
        terms = self.rows.row(unit)[0]
        self.df[terms] -= 1.0  # a unit's term ids are unique
        self.live_units -= 1
        self._changed(structure=False, terms=np.array(terms))
        self._alive_mask = None

    def _changed(self, structure: bool, terms: np.ndarray | None = None) -> None:
        """Forget what the statistics decide. `terms`: only their document frequencies changed, so unit
        lengths can be refreshed for the units that hold them (None: every IDF may have changed)."""
        self._idf = None
        self._scale = None
        if terms is None:
            self._norms, self._norms_idf, self._stale_terms = None, None, []
        elif self._norms is not None:
            self._stale_terms.append(terms)
        if structure:
            self._delta = None
            self._alive_mask = None

    # --- statistics ---------------------------------------------------------------------------

    def reference(self) -> int:
        """N in the IDF: frozen at fit, so adding unrelated units leaves every other weight alone."""
        return self.reference_units if self.reference_units is not None else self.live_units

    def idf(self) -> np.ndarray:
        """Smoothed inverse document frequency of each term (live document frequencies, reference N)."""
        if self._idf is None:
            n = self.reference()
            idf = np.log((n + 1.0) / (self.df[: len(self.terms)] + 1.0)) + 1.0
            self._idf = np.maximum(idf, MIN_IDF)
        return self._idf

    def unknown_idf(self) -> float:
        """The IDF of a term no live unit has."""
        return float(np.log(self.reference() + 1.0) + 1.0)

    def alive_mask(self) -> np.ndarray:
        """Which units are live, as an array."""
        if self._alive_mask is None:
            self._alive_mask = np.asarray(self.alive, dtype=bool)
        return self._alive_mask

    def blocks(self) -> list[sparse.csc_matrix]:
        """All unit rows as CSC matrices (columns = terms): the compiled rows, then any added since.

        Scoring sums each block on its own, so adding a unit never copies the compiled matrix; it is
        recompiled once the added rows pass a fifth of all (or 50,000).
        """
        n_rows, n_cols = len(self.alive), len(self.terms)
        if self._main is None or self._compiled_rows < n_rows * 0.8 or n_rows - self._compiled_rows > 50_000:
            self._main, self._compiled_rows, self._delta = self.rows.csr(n_cols).tocsc(), n_rows, None
        if self._delta is None:
            self._delta = self.rows.csr(n_cols, self._compiled_rows).tocsc()
        main = self._main
        if main.shape[1] < n_cols:
            main = self._main = sparse.csc_matrix((main.data, main.indices, np.concatenate(
                [main.indptr, np.full(n_cols - main.shape[1], main.indptr[-1])])), shape=(main.shape[0], n_cols))
        return [main, self._delta] if self._delta.shape[0] else [main]

    def matrix(self) -> sparse.csc_matrix:
        """All unit rows as one CSC matrix (a copy once rows were added: for tools, not for ranking)."""
        blocks = self.blocks()
        return blocks[0] if len(blocks) == 1 else sparse.vstack(blocks, format="csc")

    def norms(self) -> np.ndarray:
        """Each unit's vector length under the current IDF (refreshed where document frequencies changed)."""
        if self._norms is None or self._norms_idf is None:
            self._norms, self._norms_idf = self.rows.row_norms(self.idf()), self.idf()
        elif self._stale_terms or len(self._norms) != len(self.alive):
            self._refresh_norms()
        self._stale_terms = []
        return self._norms

    def _refresh_norms(self) -> None:
        """Update the known units' lengths by the IDF changes of the stale terms, and add the new units'.

        Adding or removing a unit changes the IDF of its own terms only (N is frozen at fit), so only the
        units holding those terms change length; when those hold much of the index, recompute instead.
        """
        assert self._norms is not None and self._norms_idf is not None
        idf, old, known = self.idf(), self._norms_idf, len(self._norms)
        terms = np.unique(np.concatenate(self._stale_terms)) if self._stale_terms else np.zeros(0, np.int64)
        terms = terms[terms < len(old)]  # terms new to the vocabulary are only in new units
        change = np.square(idf[terms]) - np.square(old[terms])
        terms, change = terms[change != 0], change[change != 0]
        blocks = self.blocks()
        columns = [_columns(block, terms) for block in blocks]
        if sum(int(lengths.sum()) for _starts, lengths in columns) > REFRESH_SHARE * sum(b.nnz for b in blocks):
            self._norms, self._norms_idf = self.rows.row_norms(idf), idf
            return
        squared = np.square(self._norms)
        offset = 0
        for block, (starts, lengths) in zip(blocks, columns, strict=True):
            where = _positions(starts, lengths)
            units = block.indices[where] + offset
            values = np.square(block.data[where], dtype=np.float64) * np.repeat(change, lengths)
            old_units = units < known
            squared += np.bincount(units[old_units], weights=values[old_units], minlength=known)
            offset += block.shape[0]
        self._norms = np.concatenate([np.sqrt(np.maximum(squared, 0.0)), self.rows.row_norms(idf, first=known)])
        self._norms_idf = idf

    # --- scoring ------------------------------------------------------------------------------

    def vector(self, counts: Counter) -> QueryVector:
        """Weight a query's term counts by saturation and IDF; unknown terms count in its norm."""
        known, unseen = [], {}
        for term, count in counts.items():
            term_id = self.vocab.get(term)
            if term_id is not None and self.df[term_id] > 0:
                known.append((term_id, count, term))
            else:
                unseen[term] = count
        known.sort()
        ids = np.array([k[0] for k in known], dtype=np.int32)
        tf = np.array([k[1] for k in known], dtype=np.float64)
        weights = saturate(tf) * self.idf()[ids] if len(ids) else np.zeros(0)
        unknown_weights = saturate(np.array(list(unseen.values()), dtype=np.float64)) * self.unknown_idf()
        unknown = dict(zip(unseen, unknown_weights.tolist(), strict=True))
        norm = float(np.sqrt(np.sum(np.square(weights)) + sum(w * w for w in unknown.values())))
        return QueryVector(ids, weights, norm, [k[2] for k in known], unknown)

    def unit_scale(self) -> np.ndarray:
        """1 / each unit's vector length, 0 for empty and dead units: a cosine is a dot product times this."""
        if self._scale is None or len(self._scale) != len(self.alive):
            norms = self.norms()
            with np.errstate(divide="ignore"):
                scale = np.where(norms > 0, 1.0 / norms, 0.0)
            self._scale = scale if self.live_units == len(self.alive) else scale * self.alive_mask()
        return self._scale

    def cosines(self, query: QueryVector, share: float = 1.0) -> np.ndarray:
        """share × the cosine of the query with every unit (0 for dead units)."""
        blocks = self.blocks()
        if not len(query.ids) or query.norm == 0 or share == 0:
            return np.zeros(len(self.alive))
        weights = query.weights * self.idf()[query.ids] * (share / query.norm)
        parts = [_dots(block, query.ids, weights) for block in blocks]  # each row's sum is the same either way
        dots = parts[0] if len(parts) == 1 else np.concatenate(parts)
        dots *= self.unit_scale()
        return dots

    def common(self, term: str, share: float, min_units: int) -> bool:
        """Whether a term is in more than `share` of the live units — too common here to explain a match —
        once there are `min_units` units to judge by."""
        if self.live_units < min_units:
            return False
        term_id = self.vocab.get(term)
        return term_id is not None and term_id < len(self.df) and self.df[term_id] > share * self.live_units

    def contributions(self, query: QueryVector, units: list[int]) -> list[list[tuple[str, float]]]:
        """For each unit, the query terms it shares with their share of the dot product, largest first."""
        rows = [self.rows.row(unit) for unit in units]
        if not rows or not len(query.ids):
            return [[] for _unit in units]
        ids = np.concatenate([row[0] for row in rows])
        sat = np.concatenate([row[1] for row in rows])
        position = np.minimum(np.searchsorted(query.ids, ids), len(query.ids) - 1)
        hit = query.ids[position] == ids
        values = (query.weights[position[hit]] * sat[hit] * self.idf()[ids[hit]]).tolist()
        owners = np.repeat(np.arange(len(units)), [len(row[0]) for row in rows])[hit].tolist()
        shared: list[list[tuple[str, float]]] = [[] for _unit in units]
        for owner, where, value in zip(owners, position[hit].tolist(), values, strict=True):
            shared[owner].append((query.terms[where], value))
        return [sorted(pairs, key=lambda pair: (-pair[1], pair[0])) for pairs in shared]


def _dots(matrix: sparse.csc_matrix, ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each row's dot product with a vector that is `weights` at columns `ids` (0 elsewhere).

    Both ways add the same products in the same order (column by column), so they agree to the last bit.
    """
    starts, lengths = _columns(matrix, ids)
    if int(lengths.sum()) >= GATHER_BELOW:
        return matrix[:, ids] @ weights
    where = _positions(starts, lengths)
    return np.bincount(matrix.indices[where], weights=matrix.data[where] * np.repeat(weights, lengths),
                       minlength=matrix.shape[0])


def _columns(matrix: sparse.csc_matrix, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where columns `ids` start in matrix.data / matrix.indices, and how long each is."""
    starts = matrix.indptr[ids]
    return starts, matrix.indptr[ids + 1] - starts


def _positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Every position of those columns, column after column."""
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
