"""Analyse candidates for indexing — on every core when there are many.

An Encoder turns texts into term ids of its own vocabularies and caches each piece's ids (pieces repeat),
so a batch crosses between processes as flat arrays: the terms the encoder names for the first time, then
integer ids and counts. Sending one Counter per unit cost the main process more than the workers saved
(pickling millions of small dicts, then looking every term up again).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import count
from multiprocessing import get_context

import numpy as np
from scipy import sparse

from matching.analysis import Analyzer, gather, remember

PARALLEL_FROM = 3000  # candidates; below this, starting workers costs more than it saves
BATCH = 1000  # candidates analysed (and then indexed) together
_worker: Encoder | None = None
_encoders = count()

UnitTexts = list[list[tuple[str, float]]]  # per unit, its weighted fields


@dataclass
class Encoded:
    """One channel's term bags of a batch of units, as flat arrays of the encoder's own term ids.

    Each unit's ids are distinct, with their summed field weights. `terms` are the terms the encoder
    (`source`) named for the first time in this batch; its earlier batches named the others.
    """

    source: tuple[int, int]
    terms: list[str]
    ids: np.ndarray
    counts: np.ndarray
    lengths: np.ndarray


@dataclass
class Analysed:
    """A batch of candidates analysed: units per candidate, both channels, normalised keywords."""

    units: list[int]
    words: Encoded
    chars: Encoded
    keywords: list[list[str]]


class Encoder:
    """Analyses texts into term ids of its own two vocabularies, caching each piece's ids (pieces repeat)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.source = (os.getpid(), next(_encoders))
        self.vocabularies: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.terms: tuple[list[str], list[str]] = ([], [])  # each vocabulary in id order
        self._sent = [0, 0]
        self._cache: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._keywords: dict[str, str] = {}  # keywords repeat across candidates

    def batch(self, texts: list[UnitTexts], keywords: list[tuple[str, ...]]) -> Analysed:
        """Analyse candidates given as their units' weighted texts and their keywords."""
        channels = (Occurrences(), Occurrences())
        for units in texts:
            for fields in units:
                for channel in channels:
                    channel.lengths.append(0)
                for text, weight in fields:
                    if text:
                        for channel, ids in zip(channels, self._ids(text), strict=True):
                            channel.add(ids, weight)
        normalised = [[k for k in map(self._keyword, own) if k] for own in keywords]
        words, chars = (self._encoded(i, channel) for i, channel in enumerate(channels))
        return Analysed([len(units) for units in texts], words, chars, normalised)

    def _keyword(self, keyword: str) -> str:
        return remember(self._keywords, keyword, self.analyzer.normalise_keyword)

    def _ids(self, text: str) -> tuple[list[int], list[int]]:
        return gather(text, self._cached_ids)

    def _cached_ids(self, piece: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return remember(self._cache, piece, self._piece_ids)

    def _piece_ids(self, piece: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        words, chars = self.analyzer.piece_terms(piece)
        return tuple(self._id(0, t) for t in words), tuple(self._id(1, t) for t in chars)

    def _id(self, channel: int, term: str) -> int:
        vocabulary = self.vocabularies[channel]
        found = vocabulary.get(term)
        if found is None:
            found = vocabulary[term] = len(vocabulary)
            self.terms[channel].append(term)
        return found

    def _encoded(self, channel: int, occurrences: Occurrences) -> Encoded:
        """The channel's occurrences with each unit's repeated terms summed (in C), and the terms new since
        the last batch."""
        vocabulary = self.vocabularies[channel]
        new = self.terms[channel][self._sent[channel]:]
        self._sent[channel] = len(vocabulary)
        weights = np.repeat(np.asarray(occurrences.weights, dtype=np.float64), occurrences.repeats)
        ids = np.asarray(occurrences.ids, dtype=np.int32)
        indptr = np.concatenate([[0], np.cumsum(occurrences.lengths, dtype=np.int64)])
        rows = sparse.csr_matrix((weights, ids, indptr), shape=(len(occurrences.lengths), max(len(vocabulary), 1)))
        rows.sum_duplicates()
        return Encoded(self.source, new, rows.indices.astype(np.int32, copy=False), rows.data, np.diff(rows.indptr))


@dataclass
class Occurrences:
    """A channel's term occurrences (ids) while a batch is analysed."""

    ids: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)

    def add(self, ids: list[int], weight: float) -> None:
        """One field's terms, all of the same weight, to the current unit."""
        self.ids.extend(ids)
        self.weights.append(weight)
        self.repeats.append(len(ids))
        self.lengths[-1] += len(ids)


def analyse_all(analyzer: Analyzer, texts: list[UnitTexts], keywords: list[tuple[str, ...]]) -> Iterator[Analysed]:
    """Every candidate analysed, BATCH at a time and in order, streamed; in worker processes when it pays."""
    jobs = ((texts[i:i + BATCH], keywords[i:i + BATCH]) for i in range(0, len(texts), BATCH))
    workers = min(os.cpu_count() or 1, 8)
    if len(texts) < PARALLEL_FROM or workers < 2:
        encoder = Encoder(analyzer)
        for batch_texts, batch_keywords in jobs:
            yield encoder.batch(batch_texts, batch_keywords)
        return
    # Forked workers inherit the analyser as it is (its loaded dictionary included): nothing is pickled.
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_start,
                             initargs=(analyzer,)) as pool:
        yield from pool.map(_analyse_job, jobs)


def _start(analyzer: Analyzer) -> None:
    global _worker
    _worker = Encoder(analyzer)


def _analyse_job(job: tuple[list[UnitTexts], list[tuple[str, ...]]]) -> Analysed:
    assert _worker is not None, "the pool initialiser sets the worker's analyser"
    return _worker.batch(*job)
