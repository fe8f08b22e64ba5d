"""Optimal assignment of candidates (commissioners) to requests (enterprises) under capacity and conflicts.

Maximise the total match score subject to: each candidate takes at most its capacity, each request gets at
most the number it asked for, a pair is used at most once, forbidden pairs (conflicts of interest, another
region when the same-region rule is on) are never used. Solved exactly as a 0/1 integer programme with
HiGHS (scipy.optimize.milp) — not a greedy loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


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


# --- reviewer assignment (专家评审) -------------------------------------------------------------------------


class CapTooLow(ValueError):
    """No randomised assignment gives every bid its reviewers with no pair above the probability cap."""


@dataclass(frozen=True)
class Panel:
    """Reviewers assigned to bids: the chosen pairs, their total score, each pair's probability of being chosen
    (1 or 0 for a deterministic assignment), and the bids left short of reviewers (bid → how many missing)."""

    pairs: list[Pair]
    total: float
    probability: dict[tuple[str, str], float]
    short: dict[str, int]


def assign_reviewers(scores: dict[tuple[str, str], float], bids: list[str], per_bid: int, max_load: int,
                     cap: float | None = None, seed: int = 0) -> Panel:
    """Reviewers for bids: `scores` holds every allowed (reviewer, bid) pair (conflicts left out) with the
    engine's score in [0, 1]; each bid gets `per_bid` reviewers where the allowed pairs permit, no reviewer more
    than `max_load` bids.

    Without `cap`: the assignment that first gives the most bids their reviewers, then has the best total score
    (an exact 0/1 programme). With `cap` (0 < cap ≤ 1): as OpenReview's randomised matcher, the fractional
    assignment of best expected score in which no pair has probability above `cap` and every bid gets as many
    reviewers as the deterministic one gives it (a linear programme), then one assignment drawn from it by
    bipartite dependent rounding (Gandhi et al., 2006) with `seed` — each pair is chosen with exactly its
    probability, every bid keeps its number of reviewers and no reviewer exceeds `max_load`. CapTooLow when
    the cap leaves too few reviewers for some bid.
    """
    if cap is not None and cap < 1:
        return lottery(scores, bids, per_bid, max_load, cap).draw(seed)
    allowed = sorted(p for p in scores if p[1] in set(bids))
    chosen = _deterministic(scores, allowed, per_bid, max_load)
    return _panel(scores, chosen, {p: 1.0 for p in chosen}, _short(chosen, bids, per_bid))


@dataclass(frozen=True)
class Lottery:
    """A randomised assignment: each allowed pair's probability; draw() samples one panel from it."""

    scores: dict[tuple[str, str], float]
    allowed: list[tuple[str, str]]
    fractional: np.ndarray
    short: dict[str, int]

    @property
    def probability(self) -> dict[tuple[str, str], float]:
        return {p: float(x) for p, x in zip(self.allowed, self.fractional, strict=True) if x > _EPS}

    def draw(self, seed: int) -> Panel:
        """One panel, each pair chosen with its probability (the same seed draws the same panel)."""
        chosen = _round(self.allowed, self.fractional, np.random.default_rng(seed))
        return _panel(self.scores, chosen, self.probability, self.short)


def lottery(scores: dict[tuple[str, str], float], bids: list[str], per_bid: int, max_load: int,
            cap: float) -> Lottery:
    """The randomised assignment of assign_reviewers() with `cap`, ready to draw from."""
    allowed = sorted(p for p in scores if p[1] in set(bids))
    counts = Counter(b for _r, b in _deterministic(scores, allowed, per_bid, max_load))
    short = {b: per_bid - counts[b] for b in bids if counts[b] < per_bid}
    return Lottery(scores, allowed, _fractional(scores, allowed, counts, max_load, cap) if allowed else np.zeros(0),
                   short)


def _panel(scores, chosen: list[tuple[str, str]], probability: dict, short: dict[str, int]) -> Panel:
    pairs = [Pair(r, b, scores[(r, b)]) for r, b in chosen]
    return Panel(pairs, sum(p.score for p in pairs), probability, short)


def _short(chosen: list[tuple[str, str]], bids: list[str], per_bid: int) -> dict[str, int]:
    counts = Counter(b for _r, b in chosen)
    return {b: per_bid - counts[b] for b in bids if counts[b] < per_bid}


def best_unconstrained(scores: dict[tuple[str, str], float], bids: list[str], per_bid: int) -> float:
    """The total score if every bid took its best `per_bid` allowed reviewers, whatever their load."""
    by_bid: dict[str, list[float]] = {b: [] for b in bids}
    for (_reviewer, bid), score in scores.items():
        if bid in by_bid:
            by_bid[bid].append(score)
    return sum(sum(sorted(values, reverse=True)[:per_bid]) for values in by_bid.values())


_EPS = 1e-7


def _incidence(allowed: list[tuple[str, str]]) -> tuple[sparse.csr_matrix, sparse.csr_matrix, list[str], list[str]]:
    """Reviewer × pair and bid × pair incidence matrices."""
    reviewers = sorted({r for r, _ in allowed})
    bids = sorted({b for _, b in allowed})
    row_r, row_b = {r: i for i, r in enumerate(reviewers)}, {b: i for i, b in enumerate(bids)}
    n = len(allowed)
    columns = np.arange(n)
    by_reviewer = sparse.csr_matrix((np.ones(n), ([row_r[r] for r, _ in allowed], columns)), shape=(len(reviewers), n))
    by_bid = sparse.csr_matrix((np.ones(n), ([row_b[b] for _, b in allowed], columns)), shape=(len(bids), n))
    return by_reviewer, by_bid, reviewers, bids


def _deterministic(scores, allowed, per_bid: int, max_load: int) -> list[tuple[str, str]]:
    """Most bids covered first, then the best total score: 0/1 programme with a coverage weight above any
    possible score total."""
    if not allowed:
        return []
    by_reviewer, by_bid, _reviewers, bids = _incidence(allowed)
    weight = 1.0 + per_bid * len(bids)  # one more pair is worth more than any score difference
    n = len(allowed)
    tie_break = 1e-9 * np.arange(n, 0, -1) / n
    objective = -(weight + np.array([scores[p] for p in allowed]) + tie_break)
    constraints = [LinearConstraint(by_reviewer, -np.inf, max_load), LinearConstraint(by_bid, -np.inf, per_bid)]
    result = milp(objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, 1))
    if not result.success:
        raise RuntimeError(f"reviewer assignment failed: {result.message}")
    return [allowed[i] for i in np.flatnonzero(result.x > 0.5)]


def _fractional(scores, allowed, counts: Counter, max_load: int, cap: float) -> np.ndarray:
    """The best expected-score fractional assignment with every pair at most `cap` and each bid's coverage."""
    by_reviewer, by_bid, _reviewers, bids = _incidence(allowed)
    wanted = np.array([counts.get(b, 0) for b in bids], dtype=float)
    result = linprog(-np.array([scores[p] for p in allowed]), A_ub=by_reviewer,
                     b_ub=np.full(by_reviewer.shape[0], float(max_load)), A_eq=by_bid, b_eq=wanted,
                     bounds=(0, cap), method="highs")
    if result.status == 2:
        raise CapTooLow("the probability cap leaves too few reviewers for some bid; raise it, ask for fewer "
                        "reviewers per bid, or allow more bids per reviewer")
    if not result.success:
        raise RuntimeError(f"randomised reviewer assignment failed: {result.message}")
    return np.clip(result.x, 0.0, 1.0)


def _round(allowed: list[tuple[str, str]], x: np.ndarray, rng: np.random.Generator) -> list[tuple[str, str]]:
    """Bipartite dependent rounding: each step walks a cycle or maximal path of fractional pairs, alternately
    raising and lowering them so that one becomes 0 or 1, with probabilities that keep every pair's expectation;
    a vertex inside the walk keeps its degree, so bids keep their (integral) number of reviewers and reviewers
    end at the floor or ceiling of their fractional load."""
    x = x.copy()
    x[x < _EPS], x[x > 1 - _EPS] = 0.0, 1.0
    while True:
        fractional = np.flatnonzero((x > 0) & (x < 1))
        if not len(fractional):
            return [allowed[i] for i in np.flatnonzero(x > 0.5)]
        walk = _walk(allowed, fractional)
        up, down = walk[0::2], walk[1::2]
        alpha = min(np.min(1 - x[up]), np.min(x[down]) if down else np.inf)
        beta = min(np.min(x[up]), np.min(1 - x[down]) if down else np.inf)
        step = alpha if rng.random() < beta / (alpha + beta) else -beta
        x[up] += step
        x[down] -= step
        x[np.abs(x) < _EPS], x[np.abs(x - 1) < _EPS] = 0.0, 1.0


def _walk(allowed: list[tuple[str, str]], fractional: np.ndarray) -> list[int]:
    """A cycle, or a path between two vertices of one fractional pair each, in the graph of fractional pairs
    (reviewers and bids as vertices), as the list of its pair indices in order."""
    edges: dict[tuple[str, str], list[int]] = {}
    for i in fractional:
        reviewer, bid = allowed[i]
        edges.setdefault(("r", reviewer), []).append(int(i))
        edges.setdefault(("b", bid), []).append(int(i))
    ends = [v for v, incident in edges.items() if len(incident) == 1]
    vertex = ends[0] if ends else next(iter(edges))
    seen: dict[tuple[str, str], int] = {vertex: 0}
    path: list[int] = []
    used: set[int] = set()
    while True:
        nxt = next((e for e in edges[vertex] if e not in used), None)
        if nxt is None:
            return path  # a maximal path: this end has no other fractional pair
        used.add(nxt)
        path.append(nxt)
        reviewer, bid = allowed[nxt]
        vertex = ("b", bid) if vertex[0] == "r" else ("r", reviewer)
        if vertex in seen:
            return path[seen[vertex]:]  # an even cycle (the graph is bipartite)
        seen[vertex] = len(path)
