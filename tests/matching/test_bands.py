"""Match strength bands: monotone in the score, and calibrated from judged rankings by `calibrate`."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from matching import Candidate, Matcher, Query
from matching.bands import BANDS, band, calibrate, edges
from matching.cli import main
from matching.settings import Settings
from tests.matching.conftest import SENTENCES
from tests.matching.test_cli import write

# Pairs of sentences on one topic: each query's topic partner is relevant (1), its own sentence the source (3).
TOPICS = [(0, 1), (2, 3), (4, 5), (6, 7), (10, 11), (12, 13)]


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=2, max_size=30))
def test_a_higher_score_never_has_a_weaker_band(scores):
    """strong ≥ fair ≥ weak along the score, with the shipped edges."""
    settings = Settings()
    assert settings.band_fair < settings.band_strong
    shown = [BANDS.index(band(s, settings)) for s in sorted(scores)]
    assert shown == sorted(shown)


def judged() -> tuple[Matcher, list[Query], dict[str, dict[str, float]]]:
    """An engine over all sentences, and each paired sentence as a query judged against its pair."""
    engine = Matcher().fit([Candidate(f"c{i}", text=t) for i, t in enumerate(SENTENCES)])
    queries, qrels = [], {}
    for a, b in TOPICS:
        for own, partner in ((a, b), (b, a)):
            queries.append(Query(f"q{own}", text=SENTENCES[own]))
            qrels[f"q{own}"] = {f"c{own}": 3.0, f"c{partner}": 1.0}
    return engine, queries, qrels


def test_calibration_counts_every_judged_hit_but_the_source():
    """Bins hold every top-k hit except the query's own source; the share from each bin up never counts more
    than the hits above it, and the suggested edges are ordered."""
    engine, queries, qrels = judged()
    bins = calibrate(engine, queries, qrels, k=5)
    hits = sum(1 for q in queries for h in engine.rank(q, k=5) if qrels[q.id].get(h.candidate_id, 0) < 3)
    assert sum(b.count for b in bins) == hits
    assert [b.low for b in bins] == sorted(b.low for b in bins)
    assert all(0 <= b.relevant <= 1 and 0 <= b.relevant_from_here <= 1 for b in bins)
    fair, strong = edges(bins)
    assert 0 <= fair <= strong <= 1


def test_calibrate_command_prints_the_table_and_the_edges(tmp_path, capsys):
    """`python -m matching calibrate` prints the bins and the edges in use; a missing file exits 2."""
    _engine, queries, qrels = judged()
    candidates = write(tmp_path / "c.jsonl", [{"id": f"c{i}", "text": t} for i, t in enumerate(SENTENCES)])
    query_file = write(tmp_path / "q.jsonl", [{"id": q.id, "text": q.text} for q in queries])
    qrels_file = write(tmp_path / "r.jsonl", [{"query": q, "candidate": c, "relevance": r}
                                              for q, judged_ in qrels.items() for c, r in judged_.items()])
    assert main(["calibrate", "--candidates", str(candidates), "--queries", str(query_file),
                 "--qrels", str(qrels_file)]) == 0
    out = capsys.readouterr().out
    assert "| score | hits |" in out and "in use: fair ≥ 0.10, strong ≥ 0.20" in out
    assert main(["calibrate", "--candidates", str(tmp_path / "none.jsonl"), "--queries", str(query_file),
                 "--qrels", str(qrels_file)]) == 2
