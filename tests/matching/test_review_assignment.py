"""Reviewer assignment (专家评审): optimal against brute force, every load and conflict rule, and the randomised
assignment keeps each pair's probability under the cap over many draws."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.assignment import CapTooLow, assign_reviewers, best_unconstrained, lottery
from tests.budget import examples


def brute_force(scores, bids, per_bid, max_load) -> tuple[int, float]:
    """The best (pairs assigned, total score) by trying every subset of allowed pairs."""
    pairs = sorted(scores)
    best = (0, 0.0)
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            reviewers = Counter(r for r, _ in subset)
            per = Counter(b for _, b in subset)
            if max(reviewers.values(), default=0) <= max_load and max(per.values(), default=0) <= per_bid:
                value = (len(subset), round(sum(scores[p] for p in subset), 9))
                best = max(best, value)
    return best


def small_problem():
    reviewers = [f"e{i}" for i in range(4)]
    bids = ["b0", "b1", "b2"]
    return st.tuples(
        st.dictionaries(st.tuples(st.sampled_from(reviewers), st.sampled_from(bids)),
                        st.floats(0, 1, allow_nan=False), max_size=8),
        st.just(bids), st.integers(1, 2), st.integers(1, 2))


@given(small_problem())
@settings(max_examples=examples(120), deadline=None)
def test_the_panel_is_optimal_and_feasible(problem):
    """Does the assignment cover as many bid slots as possible, then reach the brute-force best score, within
    every load and per-bid limit and using allowed pairs only?"""
    scores, bids, per_bid, max_load = problem
    panel = assign_reviewers(scores, bids, per_bid, max_load)
    chosen = [(p.candidate, p.request) for p in panel.pairs]
    assert set(chosen) <= set(scores) and len(set(chosen)) == len(chosen)
    assert max(Counter(r for r, _ in chosen).values(), default=0) <= max_load
    assert max(Counter(b for _, b in chosen).values(), default=0) <= per_bid
    count, total = brute_force(scores, bids, per_bid, max_load)
    assert len(chosen) == count
    assert panel.total == pytest.approx(total, abs=1e-6)
    assert sum(panel.short.values()) == per_bid * len(bids) - count


def test_loads_spread_the_best_expert_over_bids():
    """One expert best for every bid reviews only `max_load` of them; the others go to the next best."""
    scores = {("star", b): 0.9 for b in ("b1", "b2", "b3")} | {("e1", b): 0.5 for b in ("b1", "b2", "b3")} \
        | {("e2", b): 0.4 for b in ("b1", "b2", "b3")}
    panel = assign_reviewers(scores, ["b1", "b2", "b3"], per_bid=2, max_load=2)
    load = Counter(p.candidate for p in panel.pairs)
    assert load["star"] == 2 and len(panel.pairs) == 6 and panel.short == {}
    assert panel.total < best_unconstrained(scores, ["b1", "b2", "b3"], 2) == pytest.approx(4.2)


def test_a_bid_with_too_few_allowed_reviewers_is_reported_short():
    """A bid whose only eligible expert is conflicted elsewhere gets who is left, and says how many it lacks."""
    scores = {("e1", "b1"): 0.8, ("e2", "b1"): 0.6, ("e1", "b2"): 0.7}
    panel = assign_reviewers(scores, ["b1", "b2"], per_bid=2, max_load=3)
    assert panel.short == {"b2": 1}
    assert {(p.candidate, p.request) for p in panel.pairs} == set(scores)


def random_problem(seed: int):
    import numpy as np
    rng = np.random.default_rng(seed)
    reviewers, bids = [f"e{i}" for i in range(7)], [f"b{j}" for j in range(4)]
    scores = {(r, b): float(rng.random()) for r in reviewers for b in bids if rng.random() > 0.15}
    return scores, bids


def test_the_probability_cap_holds_over_many_draws():
    """With a cap of 0.5, no pair is chosen in more than half of 3,000 draws (beyond sampling noise), each pair
    is chosen about as often as its stated probability, and every draw respects loads and coverage."""
    scores, bids = random_problem(7)
    draws = 3000
    counts: Counter = Counter()
    coverage = None
    drawn = lottery(scores, bids, per_bid=2, max_load=2, cap=0.5)
    for seed in range(draws):
        panel = drawn.draw(seed)
        chosen = [(p.candidate, p.request) for p in panel.pairs]
        assert max(Counter(r for r, _ in chosen).values()) <= 2
        per_bid = Counter(b for _, b in chosen)
        coverage = coverage or per_bid
        assert per_bid == coverage  # every draw gives each bid the same number of reviewers
        counts.update(chosen)
    assert all(p <= 0.5 + 1e-9 for p in panel.probability.values())
    noise = 4 * (0.25 / draws) ** 0.5  # four standard deviations of a frequency at p = 0.5
    for pair, times in counts.items():
        assert times / draws <= 0.5 + noise, pair
        assert times / draws == pytest.approx(panel.probability[pair], abs=noise), pair
    deterministic = assign_reviewers(scores, bids, per_bid=2, max_load=2)
    assert sum(coverage.values()) == len(deterministic.pairs)
    expected = sum(scores[p] * x for p, x in panel.probability.items())
    assert expected <= deterministic.total + 1e-9  # the price of randomness, never a gain


def test_one_seed_draws_one_panel():
    """Is a randomised panel reproducible from its seed (so an organiser's proposal can be audited)?"""
    scores, bids = random_problem(3)
    first = assign_reviewers(scores, bids, per_bid=2, max_load=2, cap=0.6, seed=42)
    again = assign_reviewers(scores, bids, per_bid=2, max_load=2, cap=0.6, seed=42)
    assert first.pairs == again.pairs
    assert first == lottery(scores, bids, per_bid=2, max_load=2, cap=0.6).draw(42)


def test_a_cap_too_low_for_the_reviewers_available_is_refused():
    """One eligible reviewer for a bid cannot be assigned with probability 1 under a cap of 0.5."""
    with pytest.raises(CapTooLow):
        assign_reviewers({("e1", "b1"): 0.9, ("e2", "b2"): 0.4}, ["b1", "b2"], per_bid=1, max_load=1, cap=0.5)
