"""Embeddings fused at rank time (matching/dense.py), through the Matcher's public API with small hand-made vectors:
the fusion formula, marks for candidates not embedded yet, the top k as the head of the whole ranking, updates,
removals, and a saved index ranking like the live one."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from matching import Candidate, Document, Matcher, Query, Settings, persist
from matching.dense import CENTRES, normalised, on_band_scale, semantic_share
from matching.reverse import QuerySet

NEAR, FAR = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
TEXT = "锂电池低温电解液析锂抑制"


def person(cid: str, text: str, vector=None, documents=()) -> Candidate:
    return Candidate(cid, text=text, vector=vector, documents=tuple(documents))


def people(vectors: bool = True) -> list[Candidate]:
    """Two researchers with the same words; one whose text is close in meaning, one whose is not; filler."""
    return [person("near", TEXT, NEAR if vectors else None),
            person("far", TEXT, FAR if vectors else None),
            person("other", "光伏组件热斑无人机红外巡检", FAR if vectors else None),
            *[person(f"f{i}", f"齿轮磨削误差补偿{i}", FAR if vectors else None) for i in range(5)]]


QUERY = Query("q", title="锂电池析锂", text="低温电解液", vector=NEAR)


def test_the_close_meaning_wins_a_lexical_tie_and_the_score_follows_the_formula():
    lexical = {h.candidate_id: h.score for h in Matcher().fit(people(False)).rank(QUERY, k=0)}
    assert lexical["near"] == lexical["far"]
    hits = Matcher().fit(people()).rank(QUERY, k=3)
    assert [h.candidate_id for h in hits[:2]] == ["near", "far"]
    s = Settings()
    for hit in hits[:2]:
        cosine = 1.0 if hit.candidate_id == "near" else 0.0
        fused = (1 - s.dense_share) * lexical[hit.candidate_id] + s.dense_share * semantic_share(cosine, s)
        assert hit.score == pytest.approx(on_band_scale(fused, s), abs=1e-6)
        assert "topic" in {r.kind for r in hit.reasons}


def test_a_query_without_a_vector_ranks_lexically_and_marks_nobody():
    plain = Matcher().fit(people(False)).rank(dataclasses.replace(QUERY, vector=None), k=0)
    mixed = Matcher().fit(people()).rank(dataclasses.replace(QUERY, vector=None), k=0)
    assert [(h.candidate_id, h.score) for h in plain] == [(h.candidate_id, h.score) for h in mixed]
    assert not {r.kind for h in mixed for r in h.reasons} & {"topic", "lexical"}


def test_a_candidate_not_embedded_yet_keeps_its_lexical_score_and_is_marked():
    lexical = {h.candidate_id: h.score for h in Matcher().fit([*people(False), person("late", TEXT)]).rank(QUERY, k=0)}
    engine = Matcher().fit([*people(), person("late", TEXT)])
    late = next(h for h in engine.rank(QUERY, k=0) if h.candidate_id == "late")
    assert late.score == lexical["late"] and [r.kind for r in late.reasons][-1] == "lexical"
    partly = Matcher().fit([*people(), person("partly", TEXT, NEAR, [Document("析锂", "电解液")])])
    assert "lexical" in {r.kind for r in partly.rank(QUERY, k=0, only=["partly"])[0].reasons}


def test_top_k_is_the_head_of_the_full_ranking_when_fused():
    rng = np.random.default_rng(7)
    texts = ["锂电池低温电解液", "锂电池正极材料", "电解液添加剂", "低温析锂检测", "锂电池热失控", "电解液回收"]
    crowd = [person(f"c{i}", text, rng.normal(size=3) if i % 3 else None) for i, text in enumerate(texts * 2)]
    engine = Matcher(settings=Settings(dense_pool=3)).fit([*people(), *crowd])
    full = [(h.candidate_id, h.score) for h in engine.rank(QUERY, k=0) if h.score > 0]  # k > 0: no zeros
    assert len(full) > 3
    for k in range(1, len(full) + 2):
        assert [(h.candidate_id, h.score) for h in engine.rank(QUERY, k=k)] == full[:k]


def test_updates_and_removals_keep_the_vectors_in_step(tmp_path):
    engine = Matcher().fit(people(False))
    assert not {r.kind for h in engine.rank(QUERY) for r in h.reasons} & {"topic", "lexical"}  # nothing embedded
    engine.update(person("near", TEXT, NEAR))
    hits = {h.candidate_id: h for h in engine.rank(QUERY, k=0)}
    assert "topic" in {r.kind for r in hits["near"].reasons} and "lexical" in {r.kind for r in hits["far"].reasons}
    engine.remove("near")
    assert not {r.kind for h in engine.rank(QUERY) for r in h.reasons} & {"topic", "lexical"}


def test_a_saved_index_ranks_like_the_live_one(tmp_path):
    engine = Matcher().fit([*people(), person("late", TEXT)])
    persist.save(engine, tmp_path / "index.npz")
    loaded = persist.load(tmp_path / "index.npz")
    assert loaded.rank(QUERY, k=0) == engine.rank(QUERY, k=0)
    loaded.update(person("later", TEXT, NEAR))
    assert loaded.rank(QUERY, k=1)[0].candidate_id in {"near", "later"}


def test_the_band_scale_is_monotone_and_keeps_the_calibrated_edges():
    s = Settings()
    values = [on_band_scale(x, s) for x in np.linspace(0, 1, 101)]
    assert values == sorted(values) and values[0] == 0 and values[-1] == 1
    assert on_band_scale(s.fused_fair, s) == pytest.approx(s.band_fair)
    assert on_band_scale(s.fused_strong, s) == pytest.approx(s.band_strong)


def test_the_other_direction_fuses_the_same_way():
    """Challenges for a candidate (QuerySet) score each fused pair as the candidate's ranking does (within the
    last rounding step); a query without a vector, or a candidate not embedded, stays lexical."""
    rng = np.random.default_rng(3)
    crowd = [person(f"c{i}", text, rng.normal(size=3)) for i, text in
             enumerate(["锂电池低温电解液", "锂电池正极材料", "电解液添加剂", "低温析锂检测"])]
    engine = Matcher().fit([*people(), *crowd])
    queries = [QUERY, Query("q2", title="锂电池正极", text="高镍正极材料", vector=FAR),
               Query("q3", title="电解液添加剂", text="低温")]
    compared = []
    for candidate in [*people(), *crowd]:
        backwards = {h.query_id: h for h in QuerySet(engine, queries).rank(candidate, k=0)}
        for query in queries:
            forwards = engine.rank(query, k=0, only=[candidate.id])
            if query.id in backwards and forwards:
                assert backwards[query.id].score == pytest.approx(forwards[0].score, abs=1.5e-6)
                fused = "topic" in {r.kind for r in backwards[query.id].reasons}
                assert fused == (query.vector is not None)
                compared.append(fused)
    assert compared.count(True) >= 6 and compared.count(False) >= 2
    plain = person("plain", TEXT)  # not embedded: the lexical scores of the same index
    assert all("topic" not in {r.kind for r in h.reasons} for h in QuerySet(engine, queries).rank(plain, k=0))


def model_vectors(rng, kind: str, count: int, spread: float = 0.3) -> list[np.ndarray]:
    """Vectors shaped like the model's: its mean direction of the kind, plus a smaller random part."""
    mean = centres()[kind]
    return [mean + spread * float(np.linalg.norm(mean)) * rng.normal(size=len(mean)) / np.sqrt(len(mean))
            for _ in range(count)]


def centres() -> dict[str, np.ndarray]:
    with np.load(CENTRES) as stored:
        return {kind: stored[kind] for kind in ("query", "passage")}


def test_model_vectors_are_compared_without_the_models_mean_direction():
    """Raw cosines of the model's vectors are high for any pair (short texts' higher still); the fused score
    counts only what a pair shares beyond the mean: a candidate whose vector is the mean plus a direction the
    query lacks gets no meaning share, one sharing the query's own direction gets the whole of it."""
    s, mean_q, mean_p = Settings(), *centres().values()
    own, other = np.zeros(len(mean_q)), np.zeros(len(mean_q))
    own[0], other[1] = 1.0, 1.0
    scale = float(np.linalg.norm(mean_p))
    query = dataclasses.replace(QUERY, vector=mean_q + 0.5 * float(np.linalg.norm(mean_q)) * own)
    crowd = [person("near", TEXT, mean_p + 0.5 * scale * own), person("far", TEXT, mean_p + 0.5 * scale * other),
             *[person(f"f{i}", f"齿轮磨削误差补偿{i}", mean_p) for i in range(5)]]
    assert float(normalised(crowd[1].vector) @ normalised(query.vector)) > 0.7  # alike before centring
    lexical = Matcher().fit([dataclasses.replace(c, vector=None) for c in crowd]).rank(query, k=0)
    fused = {h.candidate_id: h.score for h in Matcher().fit(crowd).rank(query, k=0)}
    words = {h.candidate_id: h.score for h in lexical}
    assert fused["far"] == pytest.approx(on_band_scale((1 - s.dense_share) * words["far"], s), abs=1e-6)
    assert fused["near"] == pytest.approx(on_band_scale((1 - s.dense_share) * words["near"] + s.dense_share, s),
                                          abs=1e-6)


def test_the_other_direction_centres_model_vectors_the_same_way():
    rng = np.random.default_rng(11)
    texts = ["锂电池低温电解液", "锂电池正极材料", "电解液添加剂", "低温析锂检测", "光伏组件热斑巡检"]
    crowd = [person(f"c{i}", text, vector) for i, (text, vector) in
             enumerate(zip(texts, model_vectors(rng, "passage", len(texts)), strict=True))]
    engine = Matcher().fit(crowd)
    queries = [Query(f"q{i}", title=text, text="低温", vector=vector) for i, (text, vector) in
               enumerate(zip(texts[:3], model_vectors(rng, "query", 3), strict=True))]
    compared = 0
    for candidate in crowd:
        for hit in QuerySet(engine, queries).rank(candidate, k=0):
            query = next(q for q in queries if q.id == hit.query_id)
            forwards = engine.rank(query, k=0, only=[candidate.id])[0]
            assert hit.score == pytest.approx(forwards.score, abs=1.5e-6)
            assert "topic" in {r.kind for r in hit.reasons}
            compared += 1
    assert compared >= 8
