"""Optimal assignment of candidates (commissioners) to requests (enterprises) under capacity and conflicts.

Maximise the total match score subject to: each candidate takes at most its capacity, each request gets at
most the number it asked for, a pair is used at most once, forbidden pairs (conflicts of interest, another
region when the same-region rule is on) are never used. Solved exactly as a 0/1 integer programme with
HiGHS (scipy.optimize.milp) — not a greedy loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Pair:
    """One assigned (candidate, request) pair with its score."""

    candidate: str
    request: str
    score: float


def assign(scores: dict[tuple[str, str], float], capacity: dict[str, int], wanted: dict[str, int]) -> list[Pair]:
    """The score-maximising set of pairs; `scores` holds only allowed pairs (leave forbidden ones out).

    Pairs scoring 0 or less are never assigned. Ties between optimal solutions are broken deterministically
    by preferring, pair by pair in (candidate, request) order, the earlier pair.
    """
    pairs = sorted((c, r) for (c, r), s in scores.items() if s > 0 and capacity.get(c, 0) > 0 and wanted.get(r, 0) > 0)
    if not pairs:
        return []
    candidates = sorted({c for c, _ in pairs})
    requests = sorted({r for _, r in pairs})
    row_of_c = {c: i for i, c in enumerate(candidates)}
    row_of_r = {r: len(candidates) + i for i, r in enumerate(requests)}
    n = len(pairs)
    rows = [row_of_c[c] for c, _ in pairs] + [row_of_r[r] for _, r in pairs]
    matrix = sparse.csr_matrix((np.ones(2 * n), (rows, list(range(n)) * 2)),
                               shape=(len(candidates) + len(requests), n))
    upper = np.array([capacity[c] for c in candidates] + [wanted[r] for r in requests], dtype=float)
    tie_break = 1e-9 * np.arange(n, 0, -1) / n  # earlier pairs win among equal optima
    objective = -(np.array([scores[p] for p in pairs]) + tie_break)
    result = milp(objective, constraints=LinearConstraint(matrix, -np.inf, upper),
                  integrality=np.ones(n), bounds=Bounds(0, 1))
    if not result.success:
        raise RuntimeError(f"assignment failed: {result.message}")
    chosen = np.flatnonzero(result.x > 0.5)
    return [Pair(pairs[i][0], pairs[i][1], scores[pairs[i]]) for i in chosen]
