"""Analyse many units on both cores: tokenising is the cost of building a large index."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from matching.analysis import Analyzer

PARALLEL_FROM = 3000  # below this, starting workers costs more than it saves
_worker: Analyzer | None = None

UnitTexts = list[list[tuple[str, float]]]


def analyse_all(analyzer: Analyzer, candidates: list[UnitTexts]) -> Iterator[list[tuple[Counter, Counter]]]:
    """Term bags of every unit of every candidate, in order, streamed; in worker processes when it pays."""
    workers = min(os.cpu_count() or 1, 8)
    if len(candidates) < PARALLEL_FROM or workers < 2:
        for units in candidates:
            yield [analyzer.bag(texts) for texts in units]
        return
    chunk = 500
    batches = (candidates[i:i + chunk] for i in range(0, len(candidates), chunk))
    with ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=_start,
                             initargs=(analyzer.dictionary,)) as pool:
        for batch in pool.map(_analyse_batch, batches):
            yield from batch


def _start(dictionary: list[str]) -> None:
    global _worker
    _worker = Analyzer(dictionary)


def _analyse_batch(batch: list[UnitTexts]) -> list[list[tuple[Counter, Counter]]]:
    assert _worker is not None, "the pool initialiser sets the worker's analyser"
    return [[_worker.bag(texts) for texts in units] for units in batch]
