"""The vectorised reverse ranking (QuerySet) against the per-pair code it replaced (reference_reverse.py)."""

from __future__ import annotations

import dataclasses
import random

import pytest

from matching import Candidate, Document, Matcher, Query
from matching.reverse import QuerySet
from matching.settings import Settings
from tests.matching.conftest import SENTENCES, make_many
from tests.matching.reference_reverse import rank_queries as per_pair

ROUNDING_STEP = 1e-6  # scores are reported to 6 places


def generated(seed: int = 1) -> tuple[list[Candidate], list[Query], list[Candidate]]:
    """An index of 400 candidates, 300 queries (keywords, regions, organisations, noise words and words the
    index does not know) and 25 candidates with documents of several years, organisations and conflicts."""
    rng = random.Random(seed)
    queries = []
    for i in range(300):
        a, b = rng.sample(SENTENCES, 2)
        queries.append(Query(str(i), title=a, text=f"{b} 企业 需求 the OR 未见词{i % 13}", keywords=(a[:4], b[2:6]),
                             region=rng.choice(["tianjin", "hebei", ""]), org=f"o{i % 7}" if i % 10 else ""))
    index = make_many(400)
    askers = [dataclasses.replace(
        c, org=f"o{i % 9}", text=c.text + f" 未见词{i % 13}", conflicts=(f"o{i % 5}",) if i % 4 == 0 else (),
        documents=tuple(Document(s, "", str(2010 + j)) for j, s in enumerate(rng.sample(SENTENCES, i % 4))))
        for i, c in enumerate(index[:25])]
    return index, queries, askers


def compare(settings: Settings, exact: bool) -> None:
    index, queries, askers = generated()
    engine = Matcher(settings=settings).fit(index)
    prepared = QuerySet(engine, queries)
    for candidate in askers:
        new, old = prepared.rank(candidate, k=10), per_pair(engine, candidate, queries, k=10)
        assert [h.query_id for h in new] == [h.query_id for h in old]
        assert [h.reasons for h in new] == [h.reasons for h in old]
        tolerance = 1e-9 if exact else ROUNDING_STEP + 1e-9
        assert all(abs(a.score - b.score) <= tolerance for a, b in zip(new, old, strict=True))


def test_lexical_scores_are_those_of_the_per_pair_code():
    """Without the semantic channel, are ids, order, reasons and scores exactly the per-pair code's?"""
    compare(Settings(semantic_share=0.0), exact=True)


def test_semantic_scores_agree_to_the_reported_precision():
    """With the semantic channel (float32 vectors: the per-pair code's BLAS dot and the matrix product add in
    another order, a few 1e-8 apart), are ids, order and reasons the same and scores one rounding step apart
    at most?"""
    compare(Settings(), exact=False)


def test_keyword_boost_is_applied_alike():
    """With the keyword boost on, does the vectorised pass still agree with the per-pair code?"""
    compare(Settings(keyword_boost=0.3), exact=False)


@pytest.mark.parametrize("k", [0, 1, 3])
def test_every_k_is_the_head_of_the_full_list(k):
    """Is the top k the head of the k=0 list (every query above 0)?"""
    index, queries, askers = generated(2)
    prepared = QuerySet(Matcher(settings=Settings(semantic_share=0.0)).fit(index), queries)
    for candidate in askers[:10]:
        everything = prepared.rank(candidate, k=0)
        assert all(h.score > 0 for h in everything)
        assert prepared.rank(candidate, k=k) == (everything[:k] if k else everything)


def test_a_set_built_before_the_index_changed_ranks_like_a_fresh_one():
    """After candidates are added to and removed from the index (term weights change), does an old QuerySet
    rank exactly like one built now?"""
    index, queries, askers = generated(3)
    engine = Matcher().fit(index[:300])
    prepared = QuerySet(engine, queries)
    for candidate in index[300:]:
        engine.add(candidate)
    engine.remove(index[0].id)
    for candidate in askers[:10]:
        assert prepared.rank(candidate) == QuerySet(engine, queries).rank(candidate)


def test_own_and_conflicted_organisations_are_left_out():
    """Are the candidate's own organisation's queries and those of organisations it conflicts with left out?"""
    text = "锂离子电池低温电解液"
    queries = [Query("own", title=text, org="a"), Query("conflict", title=text, org="b"),
               Query("open", title=text, org="c"), Query("none", title=text)]
    engine = Matcher().fit([Candidate("x", text=text, org="a")])
    hits = QuerySet(engine, queries).rank(Candidate("x", text=text, org="a", conflicts=("b",)))
    assert sorted(h.query_id for h in hits) == ["none", "open"]


def test_an_empty_set_and_a_candidate_without_text():
    """Does an empty set rank nothing, and a candidate with no text match no query?"""
    engine = Matcher().fit(make_many(50))
    assert QuerySet(engine, []).rank(Candidate("x", text="电池")) == []
    assert QuerySet(engine, [Query("q", title="电池")]).rank(Candidate("y")) == []
