"""Unit rows of a channel kept as flat arrays plus an index pointer, appended in batches.

Views of single rows are made on demand, so millions of units cost no Python object each, and the whole
store becomes a CSR matrix without copying when it is one block.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np
from scipy import sparse


class RowStore:
    """Sorted term ids and saturated weights of every unit, in blocks of appended batches."""

    def __init__(self) -> None:
        self._ids: list[np.ndarray] = []
        self._sat: list[np.ndarray] = []
        self._indptr: list[np.ndarray] = []
        self._starts: list[int] = []  # first row of each block
        self._rows = 0

    def __len__(self) -> int:
        return self._rows

    def extend(self, ids: np.ndarray, sat: np.ndarray, lengths: np.ndarray) -> None:
        """Append a batch of rows given flat (row-major) arrays and the row lengths."""
        self._ids.append(ids.astype(np.int32, copy=False))
        self._sat.append(sat.astype(np.float32, copy=False))
        self._indptr.append(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
        self._starts.append(self._rows)
        self._rows += len(lengths)

    def consolidate(self) -> None:
        """Merge the blocks into one (one copy, then the blocks are freed)."""
        if len(self._ids) > 1:
            ids, sat, indptr = self._merged(0)
            self._ids, self._sat, self._indptr, self._starts = [ids], [sat], [indptr], [0]

    def flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All rows as (ids, weights, indptr), consolidated."""
        if not self._ids:
            return np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(1, np.int64)
        self.consolidate()
        return self._ids[0], self._sat[0], self._indptr[0]

    def row(self, unit: int) -> tuple[np.ndarray, np.ndarray]:
        """One unit's (ids, weights) as views, found without merging blocks."""
        block = bisect_right(self._starts, unit) - 1
        indptr, offset = self._indptr[block], unit - self._starts[block]
        start, stop = indptr[offset], indptr[offset + 1]
        return self._ids[block][start:stop], self._sat[block][start:stop]

    def row_norms(self, term_weights: np.ndarray, first: int = 0, chunk: int = 2_000_000) -> np.ndarray:
        """The length of each row from `first` on when term t weighs term_weights[t]: sqrt(Σ (sat · w)²),
        in bounded chunks."""
        out = np.zeros(max(self._rows - first, 0), dtype=np.float64)
        squared = np.square(term_weights)
        for ids, sat, indptr, start in zip(self._ids, self._sat, self._indptr, self._starts, strict=True):
            rows = len(indptr) - 1
            row = max(first - start, 0)
            while row < rows:
                last = int(np.searchsorted(indptr, indptr[row] + chunk, side="right")) - 1
                last = min(max(last, row + 1), rows)
                lo, hi = indptr[row], indptr[last]
                owner = np.repeat(np.arange(last - row), np.diff(indptr[row:last + 1]))
                values = np.square(sat[lo:hi], dtype=np.float64) * squared[ids[lo:hi]]
                out[start + row - first:start + last - first] = np.bincount(owner, weights=values,
                                                                            minlength=last - row)
                row = last
        return np.sqrt(out)

    def csr(self, n_cols: int, first: int = 0) -> sparse.csr_matrix:
        """Rows from `first` on as a CSR matrix (no copy when they are one whole block)."""
        if not self._ids or first >= self._rows:
            return sparse.csr_matrix((max(self._rows - first, 0), n_cols), dtype=np.float32)
        if first == 0:
            ids, sat, indptr = self.flat()
        else:
            ids, sat, indptr = self._merged(first)
        return sparse.csr_matrix((sat, ids, indptr), shape=(len(indptr) - 1, n_cols))

    def _merged(self, first: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows from `first` on, merged into fresh flat arrays."""
        parts_ids, parts_sat, lengths = [], [], []
        for ids, sat, indptr, start in zip(self._ids, self._sat, self._indptr, self._starts, strict=True):
            stop = start + len(indptr) - 1
            if stop <= first:
                continue
            offset = max(first - start, 0)
            parts_ids.append(ids[indptr[offset]:])
            parts_sat.append(sat[indptr[offset]:])
            lengths.append(np.diff(indptr[offset:]))
        merged = np.concatenate(lengths)
        return (np.concatenate(parts_ids), np.concatenate(parts_sat),
                np.concatenate([[0], np.cumsum(merged)]).astype(np.int64))
