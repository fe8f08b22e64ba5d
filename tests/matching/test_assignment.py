"""Commissioner dispatch: the assignment is optimal and respects every capacity and conflict."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.assignment import assign
from tests.budget import examples


def brute_force(scores, capacity, wanted) -> float:
    """The best total score by trying every subset of allowed pairs."""
    pairs = [p for p, s in scores.items() if s > 0]
    best = 0.0
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            load_c = {c: sum(1 for x, _ in subset if x == c) for c in capacity}
            load_r = {r: sum(1 for _, y in subset if y == r) for r in wanted}
            if all(load_c[c] <= capacity[c] for c in capacity) and all(load_r[r] <= wanted[r] for r in wanted):
                best = max(best, sum(scores[p] for p in subset))
    return best


def problem(n_candidates: int, n_requests: int):
    """Scores for some pairs (the rest forbidden), capacities and wanted counts."""
    candidates = [f"c{i}" for i in range(n_candidates)]
    requests = [f"r{j}" for j in range(n_requests)]
    return st.tuples(
        st.dictionaries(st.tuples(st.sampled_from(candidates), st.sampled_from(requests)),
                        st.floats(0, 1, allow_nan=False), max_size=n_candidates * n_requests),
        st.fixed_dictionaries({c: st.integers(0, 2) for c in candidates}),
        st.fixed_dictionaries({r: st.integers(0, 2) for r in requests}))


problems = st.tuples(st.integers(1, 3), st.integers(1, 3)).flatmap(lambda sizes: problem(*sizes))


@given(problems)
@settings(max_examples=examples(150), deadline=None)
def test_assignment_is_optimal_and_feasible(problem):
    """Is the total score the brute-force optimum, with every capacity and request limit respected?"""
    scores, capacity, wanted = problem
    result = assign(scores, capacity, wanted)
    for c in capacity:
        assert sum(1 for p in result if p.candidate == c) <= capacity[c]
    for r in wanted:
        assert sum(1 for p in result if p.request == r) <= wanted[r]
    assert len({(p.candidate, p.request) for p in result}) == len(result)
    assert sum(p.score for p in result) == pytest.approx(brute_force(scores, capacity, wanted), abs=1e-6)


def test_greedy_would_be_wrong():
    """Does it beat the greedy choice (best pair first) where greedy is suboptimal?"""
    scores = {("a", "x"): 0.9, ("a", "y"): 0.8, ("b", "x"): 0.7}
    result = {(p.candidate, p.request) for p in assign(scores, {"a": 1, "b": 1}, {"x": 1, "y": 1})}
    assert result == {("a", "y"), ("b", "x")}  # 1.5, where greedy (a→x) reaches only 0.9


def test_forbidden_pairs_are_never_used():
    """Are pairs left out (conflicts, other region) never assigned, even when capacity is free?"""
    scores = {("a", "x"): 0.5}
    assert {(p.candidate, p.request) for p in assign(scores, {"a": 2, "b": 2}, {"x": 1, "y": 1})} == {("a", "x")}


def test_deterministic_among_equal_optima():
    """Does the same input always give the same pairs, even when several optima tie?"""
    scores = {("a", "x"): 0.5, ("b", "x"): 0.5}
    first = assign(scores, {"a": 1, "b": 1}, {"x": 1})
    assert first == assign(scores, {"a": 1, "b": 1}, {"x": 1})
    assert [p.candidate for p in first] == ["a"]
