"""Reasons a manager can trust: shared terms never show a stop word, a lone function character or a term too
common in the corpus to explain anything; the capacity reason says what the load says."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import Candidate, Matcher, Query, Reason
from matching.reverse import rank_queries
from matching.settings import Settings
from matching.text import STOP_WORDS_ZH, telling
from tests.budget import examples
from tests.matching.conftest import SENTENCES

# Noise the explanations used to show: function characters, generic words, numbers, stop words.
NOISE = ["降", "至", "已", "由", "区", "企业", "技术", "研究", "及", "20", "3.5", "的", "进行", "提升"]
GENERIC = "企业技术"  # in every unit below: too common to explain a match
JUDGE_SMALL = Settings(reason_min_units=10)  # judge commonness on a small corpus too


def corpus(noise: list[str]) -> list[Candidate]:
    """Every sentence a candidate, each salted with the generic words and some noise."""
    return [Candidate(id=f"c{i:02d}", text=f"{GENERIC}{text}，{'，'.join(noise)}") for i, text in enumerate(SENTENCES)]


def shared_terms(reasons: tuple[Reason, ...]) -> list[str]:
    """The shared terms of a hit's reasons."""
    return [t for r in reasons if r.kind == "terms" for t in r.terms]


def test_function_characters_and_common_words_are_never_reasons():
    """The challenge of the report: 降 and 至 and 企业 no longer explain a match; the topic does."""
    engine = Matcher(settings=JUDGE_SMALL).fit(corpus(NOISE))
    query = Query("q", text=f"{GENERIC}降至，锂离子电池低温电解液，已由企业研究")
    hit = engine.rank(query, k=1)[0]
    terms = shared_terms(hit.reasons)
    assert hit.candidate_id == "c00" and "电解液" in terms
    assert not set(terms) & {"降", "至", "已", "由", "企业", "技术", "研究"}


def test_single_han_nouns_still_explain():
    """A lone character that names a topic (钢, 铜) may explain a match; a verb (降) may not."""
    assert telling("钢") and telling("铜") and telling("电解液") and telling("GaN")
    assert not telling("降") and not telling("至") and not telling("20") and not telling("的")
    assert not telling("区") and not telling("水")  # everyday nouns: too common in jieba's corpus to name a topic


def test_commonness_is_judged_only_on_a_corpus_large_enough():
    """Below reason_min_units a term's share says nothing yet, so a generic word may still show."""
    small = Matcher().fit(corpus([]))  # 20 units < 1000
    terms = shared_terms(small.rank(Query("q", text=f"{GENERIC}锂离子电池"), k=1)[0].reasons)
    assert "企业" in terms or "技术" in terms


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noise=st.lists(st.sampled_from(NOISE + sorted(STOP_WORDS_ZH)[:20]), min_size=1, max_size=8),
       picks=st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))
def test_no_shown_term_is_noise_in_either_direction(noise, picks):
    """For any challenge text mixing topics and noise, no shared term shown — challenge → people or person →
    challenges — is a stop word, a lone function character, a number or a term in most units."""
    engine = Matcher(settings=JUDGE_SMALL).fit(corpus(noise))
    query = Query("q", text="，".join([*picks, *noise]))
    forward = [t for h in engine.rank(query, k=5) for t in shared_terms(h.reasons)]
    person = Candidate("p", text="，".join([*picks, *noise, GENERIC]))
    backward = [t for h in rank_queries(engine, person, [query, Query("q2", text=f"{SENTENCES[0]}{GENERIC}")])
                for t in shared_terms(h.reasons)]
    for term in forward + backward:
        assert telling(term), term
        assert term not in ("企业", "技术"), term


def test_capacity_reason_agrees_with_the_load():
    """A candidate who is not taking work reads as such, not as 'full (0/0)'; a full one shows its load."""
    engine = Matcher().fit([Candidate("away", text="锂离子电池电解液", capacity=0, load=0),
                            Candidate("full", text="锂电池电解液低温", capacity=2, load=2)])
    marked = {h.candidate_id: h.reasons for h in engine.rank(Query("q", text="锂电池电解液"), capacity="mark")}
    assert Reason("capacity", load=0, capacity=0) in marked["away"]
    assert Reason("capacity", load=2, capacity=2) in marked["full"]
