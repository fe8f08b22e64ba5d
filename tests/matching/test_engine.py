"""Ranking invariants, filters, reasons, incremental updates and persistence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matching import Candidate, Document, Matcher, Query
from matching.persist import load, save
from matching.settings import Settings
from tests.budget import examples
from tests.matching.conftest import SENTENCES, make_candidates, make_many

QUERY = Query("q", title="锂电池低温快充", text="电解液配方与负极改性，抑制析锂", keywords=("锂电池", "电解液"),
              region="tianjin")
texts = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3).map("，".join)


@pytest.fixture(scope="module")
def engine(candidates):
    """An engine over the shared candidates."""
    return Matcher().fit(candidates)


def test_best_match_comes_first_with_reasons(engine):
    """Does the battery expert come first, with shared terms and matched keywords as reasons?"""
    hits = engine.rank(QUERY, k=5)
    assert hits[0].candidate_id == "c00"
    kinds = {r.kind: r for r in hits[0].reasons}
    assert "电解液" in kinds["terms"].terms
    assert kinds["keywords"].pairs


@given(st.integers(0, len(SENTENCES) - 1))
@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_identical_text_scores_highest(engine, index):
    """Does a query identical to a candidate's text rank that candidate first with score 1?"""
    candidate = make_candidates()[index]
    assume(not candidate.documents)
    query = Query("same", text=candidate.text, keywords=candidate.keywords)
    hits = engine.rank(query, k=3)
    assert hits[0].candidate_id == candidate.id
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)


@given(texts, texts)
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_scores_lie_in_unit_interval_and_are_deterministic(engine, title, text):
    """Are all scores within [0, 1], sorted, tie-broken by id, and the same on every call?"""
    query = Query("p", title=title, text=text)
    hits = engine.rank(query, k=0)
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert hits == sorted(hits, key=lambda h: (-h.score, h.candidate_id))
    assert engine.rank(query, k=0) == hits


@given(texts)
@settings(max_examples=examples(15), deadline=None)
def test_adding_an_unrelated_candidate_keeps_the_order(text):
    """Does adding a candidate that shares nothing with the query leave the others' order and scores?"""
    engine = Matcher().fit(make_candidates())
    query = Query("p", text=text)
    before = engine.rank(query, k=0)
    engine.add(Candidate("zz", text="Quantum chromodynamics lattice gauge 🧪 0123"))
    after = [h for h in engine.rank(query, k=0) if h.candidate_id != "zz"]
    assert [h.candidate_id for h in after] == [h.candidate_id for h in before]
    assert [h.score for h in after] == [h.score for h in before]


def test_incremental_updates_equal_a_full_refit():
    """Do add, update and remove give exactly what a refit (with the same learned model) gives?"""
    first, rest = make_candidates()[:12], make_candidates()[12:]
    engine = Matcher().fit(first)
    for candidate in rest:
        engine.add(candidate)
    changed = dataclasses.replace(first[3], text="风电叶片覆冰与光伏热斑巡检")
    engine.update(changed)
    engine.remove("c05")
    final = [changed if c.id == "c03" else c for c in first + rest if c.id != "c05"]
    refit = Matcher().fit(final, model=engine)
    for query in (QUERY, Query("w", text="风电叶片覆冰"), Query("x", keywords=("CRISPR-Cas9",))):
        assert _same(engine, refit, query)
    assert "c05" not in engine and len(engine) == len(final)


def test_a_query_ranked_before_changes_ranks_like_a_refit_after_them():
    """Is a query already ranked (its analysis kept) scored with the new statistics after add and update?"""
    first, rest = make_candidates()[:12], make_candidates()[12:]
    engine = Matcher().fit(first)
    queries = (QUERY, Query("w", text="风电叶片覆冰"))
    for query in queries:
        engine.rank(query, 0)
    for candidate in rest:
        engine.add(candidate)
    engine.update(dataclasses.replace(first[0], text="风电叶片覆冰监测"))
    refit = Matcher().fit([dataclasses.replace(first[0], text="风电叶片覆冰监测"), *first[1:], *rest], model=engine)
    assert all(_same(engine, refit, query) for query in queries)


def test_filters_after_changes_match_a_refit():
    """Do kinds, organisation conflicts, regions and capacity filter candidates added or changed after the
    engine first ranked (new kinds, organisations and regions included) exactly as after a refit?"""
    first = make_candidates()[:12]
    engine = Matcher().fit(first)
    query = dataclasses.replace(QUERY, org="新机构", region="hebei", conflicts=("late-2",))
    engine.rank(query, 0, kinds={"solver"}, capacity="exclude")
    late = [Candidate("late-1", "institute", text="锂电池电解液低温", region="hebei", org="新机构"),
            Candidate("late-2", "solver", text="锂电池负极改性", region="hebei"),
            Candidate("late-3", "institute", text="电解液配方 锂电池", region="hebei", capacity=1, load=1),
            Candidate("late-4", "institute", text="低温快充 锂电池", region="shanxi")]
    for candidate in late:
        engine.add(candidate)
    engine.update(dataclasses.replace(first[0], kind="institute", region="hebei"))
    engine.remove(first[1].id)
    final = [dataclasses.replace(first[0], kind="institute", region="hebei"), *first[2:], *late]
    refit = Matcher().fit(final, model=engine)
    for kinds in (None, {"institute"}, {"solver", "manager"}):
        for capacity in ("ignore", "mark", "exclude"):
            mine = engine.rank(query, 0, kinds, capacity=capacity)
            theirs = refit.rank(query, 0, kinds, capacity=capacity)
            assert [h.candidate_id for h in mine] == [h.candidate_id for h in theirs]
            assert [h.reasons for h in mine] == [h.reasons for h in theirs]
    ids = {h.candidate_id for h in engine.rank(query, 0, {"institute"}, capacity="exclude")}
    assert ids == {first[0].id, "late-4"}  # late-1: the query's organisation; late-3: full; late-2: a solver


@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "rank"]), st.integers(0, 19)), min_size=1, max_size=14))
@settings(max_examples=examples(30), deadline=None)
def test_unit_lengths_kept_up_to_date_equal_a_recount(steps):
    """After any mix of additions and removals, are the unit lengths refreshed only where the IDF changed the
    lengths a full recount gives?"""
    pool = make_candidates()
    engine = Matcher().fit(pool[:8])
    engine.rank(QUERY, 5)  # the lengths are known from here on, and refreshed at each later ranking
    for action, i in steps:
        if action == "add":
            engine.add(dataclasses.replace(pool[i], id=f"late-{i}"))
        elif action == "remove":
            engine.remove(f"late-{i}" if f"late-{i}" in engine else pool[i % 8].id)
        else:
            engine.rank(QUERY, 5)
    for channel in (engine.words, engine.chars):
        recount = channel.rows.row_norms(channel.idf())
        assert np.allclose(channel.norms(), recount, rtol=1e-12, atol=1e-12)


def _same(a: Matcher, b: Matcher, query: Query) -> bool:
    ha, hb = a.rank(query, 0), b.rank(query, 0)
    return [h.candidate_id for h in ha] == [h.candidate_id for h in hb] and all(
        abs(x.score - y.score) < 1e-5 for x, y in zip(ha, hb, strict=True))


def test_save_then_load_gives_identical_results(engine, tmp_path):
    """Does a saved index load back with the same hits, reasons and stamp?"""
    engine.stamp = "profiles-v42"
    path = tmp_path / "index.npz"
    save(engine, path)
    loaded = load(path)
    assert loaded.stamp == "profiles-v42"
    for query in (QUERY, Query("t", title="数控机床热误差")):
        assert loaded.rank(query, k=10) == engine.rank(query, k=10)


def test_saved_index_keeps_updating(tmp_path):
    """Can a loaded index take updates and still match a refit?"""
    engine = Matcher().fit(make_candidates()[:15])
    engine.remove("c02")
    save(engine, tmp_path / "i.npz")
    loaded = load(tmp_path / "i.npz")  # its arrays are read-only maps of the file: updates must not write them
    loaded.add(make_candidates()[16])
    loaded.remove("c05")
    loaded.update(dataclasses.replace(make_candidates()[7], text="锂电池电解液低温性能"))
    kept = [c for c in make_candidates()[:15] if c.id not in ("c02", "c05", "c07")]
    direct = Matcher().fit(kept + [make_candidates()[16], dataclasses.replace(make_candidates()[7],
                                                                            text="锂电池电解液低温性能")],
                           model=engine)
    assert _same(loaded, direct, QUERY)


TRICKY = [Candidate("a\x1fb，1", "solver", "名字😀\x1f", "锂离子电池电解液", ("锂电池", "a\x1fb", ""), (),
                    "tianjin", "天津大学", 0, 0, ("org-x", "q-conflict")),
          Candidate("plain", "commissioner", "", "锂电池 储能 电解液", (), (), "", "", None, 3, ()),
          Candidate("busy", "manager", "", "", ("锂电池",), (Document("电解液", "低温"),), "beijing", "", 2, 2, ())]


def test_saved_candidates_keep_every_field(tmp_path):
    """Do ids, keywords, regions, organisations, capacity, load and conflicts survive save → load exactly,
    whatever characters they hold?"""
    engine = Matcher().fit(TRICKY)
    save(engine, tmp_path / "t.npz")
    loaded = load(tmp_path / "t.npz")
    queries = [QUERY, Query("q-conflict", text="电解液"), Query("o", text="电解液", org="org-x"),
               Query("r", text="锂电池", region="beijing", org="天津大学")]
    for query in queries:
        for capacity in ("ignore", "mark", "exclude"):
            assert loaded.rank(query, k=0, capacity=capacity) == engine.rank(query, k=0, capacity=capacity)
    assert {h.candidate_id for h in loaded.rank(QUERY, k=0)} == {c.id for c in TRICKY}


def test_saving_over_a_loaded_index_leaves_it_working(tmp_path):
    """Does saving a new index where a loaded one lives replace the file at once, while the loaded index
    (which reads its file as it goes) keeps ranking as before?"""
    path = tmp_path / "live.npz"
    save(Matcher().fit(make_candidates()), path)
    loaded = load(path)
    before = loaded.rank(QUERY, k=0)
    save(Matcher().fit(TRICKY), path)
    assert loaded.rank(QUERY, k=0) == before
    assert {h.candidate_id for h in load(path).rank(QUERY, k=0)} == {c.id for c in TRICKY}
    assert [p.name for p in tmp_path.iterdir()] == ["live.npz"]  # no temporary file left behind


def test_kinds_filter(engine):
    """Does the kinds filter keep only those kinds?"""
    hits = engine.rank(QUERY, k=0, kinds={"manager"})
    assert hits and all(engine.entries[engine.index_of[h.candidate_id]].record.kind == "manager" for h in hits)


def test_conflicts_of_interest_are_excluded(engine):
    """Are candidates of the query's organisation, or on its conflict list, never returned?"""
    query = dataclasses.replace(QUERY, org="org0", conflicts=("c01",))
    ids = {h.candidate_id for h in engine.rank(query, k=0)}
    assert "c01" not in ids
    assert not any(engine.entries[engine.index_of[i]].record.org == "org0" for i in ids)
    declared = Matcher().fit([Candidate("x", text="锂离子电池电解液", conflicts=("q",)), Candidate("y", text="锂电池")])
    assert [h.candidate_id for h in declared.rank(QUERY, k=0)] == ["y"]


def test_capacity_rules():
    """Is a candidate at full load excluded or marked, as asked?"""
    engine = Matcher().fit([Candidate("full", text="锂离子电池电解液", capacity=2, load=2),
                            Candidate("free", text="锂电池 电解液 低温", capacity=3, load=1)])
    assert [h.candidate_id for h in engine.rank(QUERY, k=5, capacity="exclude")] == ["free"]
    marked = {h.candidate_id: h.reasons for h in engine.rank(QUERY, k=5, capacity="mark")}
    assert any(r.kind == "capacity" and r.load == r.capacity for r in marked["full"])
    with pytest.raises(ValueError):
        engine.rank(QUERY, capacity="sometimes")


def test_region_boost_is_bounded():
    """Does sharing the query's region lift a score by at most a small bounded amount?"""
    same = Candidate("a", text="锂离子电池低温电解液", region="tianjin")
    other = dataclasses.replace(same, id="b", region="hebei")
    hits = {h.candidate_id: h.score for h in Matcher().fit([same, other]).rank(QUERY, k=5)}
    assert hits["a"] > hits["b"]
    assert hits["a"] - hits["b"] <= 0.1 / 4 + 1e-9


def test_many_documents_are_scored_one_by_one():
    """Does one strongly matching paper among many unrelated ones still find its author?"""
    author = Candidate("author", documents=tuple(Document(t, "", "2020") for t in SENTENCES[5:12])
                       + (Document("低温电解液抑制锂离子电池析锂", "电解液 低温 快充", "2024"),))
    generalist = Candidate("generalist", text="电池，材料，工艺，检测，系统，设计，制造，优化，分析")
    hits = Matcher().fit([author, generalist]).rank(QUERY, k=2)
    assert hits[0].candidate_id == "author"
    assert any(r.kind == "document" and r.title.startswith("低温电解液") for r in hits[0].reasons)


def test_recent_documents_weigh_more():
    """Between two otherwise equal authors, does the one whose matching paper is recent rank first?"""
    old_paper = Document("低温电解液抑制析锂", "电解液", "2008")
    new_paper = Document("低温电解液抑制析锂", "电解液", "2024")
    filler = Document("钢板表面缺陷检测", "", "2016")
    recent = Candidate("recent", documents=(new_paper, dataclasses.replace(filler, date="2010")))
    dated = Candidate("dated", documents=(old_paper, dataclasses.replace(filler, date="2024")))
    hits = Matcher().fit([recent, dated]).rank(QUERY, k=2)
    assert [h.candidate_id for h in hits] == ["recent", "dated"]


def test_rank_queries_uses_the_same_scale(engine, candidates):
    """Does 'best challenges for this solver' give the same score as 'best solvers for this challenge'?"""
    queries = [QUERY, Query("t", title="数控机床主轴热误差补偿"), Query("u", title="港口自动驾驶")]
    by_query = {h.query_id: h.score for h in engine.rank_queries(candidates[0], queries, k=3)}
    forward = {h.candidate_id: h.score for h in engine.rank(QUERY, k=0)}
    assert next(iter(by_query)) == "q"
    assert by_query["q"] == pytest.approx(forward["c00"], abs=1e-4)


def test_mixed_language_and_model_numbers(engine):
    """Are English model numbers inside Chinese text matched?"""
    assert engine.rank(Query("m", text="Ti-6Al-4V 构件"), k=1)[0].candidate_id == "c14"
    assert engine.rank(Query("n", text="基于transformer的缺陷"), k=1)[0].candidate_id == "c03"
    assert engine.rank(Query("o", text="鋰離子電池電解液"), k=1)[0].candidate_id == "c00"


def test_semantic_model_is_learned_only_from_enough_text(engine):
    """Is the latent semantic channel used on a real corpus and left out on a tiny one?"""
    assert engine.semantic is None
    assert Matcher().fit(make_many()).semantic is not None


def test_semantic_engine_updates_and_persists_exactly(tmp_path):
    """With the semantic channel on, do incremental updates and save → load still match a refit?"""
    many = make_many()
    engine = Matcher().fit(many[:200])
    for candidate in many[200:]:
        engine.add(candidate)
    engine.remove("m010")
    refit = Matcher().fit([c for c in many if c.id != "m010"], model=engine)
    save(engine, tmp_path / "s.npz")
    loaded = load(tmp_path / "s.npz")
    for query in (QUERY, Query("t", title="数控机床热误差"), Query("u", text="风电 光伏 巡检")):
        assert _same(engine, refit, query)
        assert loaded.rank(query, k=20) == engine.rank(query, k=20)


@pytest.fixture(scope="module")
def semantic_engine() -> Matcher:
    """An engine big enough to learn the latent semantic channel."""
    return Matcher().fit(make_many())


@given(texts, st.sampled_from([None, {"solver"}, {"manager", "commissioner"}]), st.sampled_from([1, 5, 20]))
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_top_k_is_the_head_of_the_full_ranking(semantic_engine, text, kinds, k):
    """Does rank(k), which skips the semantic product where it cannot matter, give the full ranking's head?"""
    query = Query("p", text=text, region="tianjin")
    head = semantic_engine.rank(query, k=k, kinds=kinds)
    full = [h for h in semantic_engine.rank(query, k=0, kinds=kinds) if h.score > 0][:k]  # k=0 keeps zeros
    assert [(h.candidate_id, h.score) for h in head] == [(h.candidate_id, h.score) for h in full]


def test_single_untitled_unit_survives_save_and_load(tmp_path):
    """Does an index of one profile without documents save and load?"""
    engine = Matcher().fit([Candidate("only", text="锂离子电池电解液")])
    save(engine, tmp_path / "one.npz")
    assert load(tmp_path / "one.npz").rank(QUERY, k=1) == engine.rank(QUERY, k=1)


def test_fitting_in_worker_processes_builds_the_same_index(monkeypatch):
    """Do many small batches analysed by two worker processes give exactly the one-process index?"""
    import matching.parallel

    candidates = make_many()
    alone = Matcher().fit(candidates)
    monkeypatch.setattr(matching.parallel, "PARALLEL_FROM", 0)
    monkeypatch.setattr(matching.parallel, "BATCH", 7)  # 36 batches: each worker names terms over many
    monkeypatch.setattr(matching.parallel.os, "cpu_count", lambda: 2)
    workers = Matcher().fit(candidates)
    for channel in ("words", "chars"):
        mine, theirs = getattr(alone, channel), getattr(workers, channel)
        assert mine.terms == theirs.terms
        for a, b in zip(mine.rows.flat(), theirs.rows.flat(), strict=True):
            assert (a == b).all()
    assert (alone.embeddings() == workers.embeddings()).all()
    assert [e.keywords for e in alone.entries] == [e.keywords for e in workers.entries]


def test_additions_embed_like_a_refit_with_the_same_model(semantic_engine):
    """Do candidates added to an engine with a latent space score as in a refit that reuses that space?"""
    candidates = make_many()
    engine = Matcher().fit(candidates[:200])
    for candidate in candidates[200:]:
        engine.add(candidate)
    refit = Matcher().fit(candidates, model=engine)
    assert engine.semantic is not None
    for query in (QUERY, Query("w", text="风电叶片覆冰"), Query("x", keywords=("CRISPR-Cas9",))):
        assert _same(engine, refit, query)


def test_keyword_boost_lifts_only_candidates_whose_keywords_match():
    """With the keyword boost on, does a fuzzy keyword match lift a candidate, by the same amount both ways?"""
    text = "锂离子电池电解液添加剂的低温性能"
    candidates = [Candidate("a", text=text, keywords=("锂电池",)), Candidate("b", text=text, keywords=("钢板",))]
    query = Query("q", text=text, keywords=("锂离子电池",))
    plain = {h.candidate_id: h.score for h in Matcher().fit(candidates).rank(query, k=2)}
    engine = Matcher(settings=Settings(keyword_boost=0.3)).fit(candidates)
    boosted = {h.candidate_id: h.score for h in engine.rank(query, k=2)}
    assert boosted["a"] > plain["a"] and boosted["b"] == plain["b"]
    assert engine.rank_queries(candidates[0], [query])[0].score == boosted["a"]


def test_scores_are_the_ranking_without_reasons(engine):
    """scores() gives rank()'s ids and scores, in order."""
    assert engine.scores(QUERY, k=7) == [(h.candidate_id, h.score) for h in engine.rank(QUERY, k=7)]
