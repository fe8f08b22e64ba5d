"""matching.embedder.attach gives every record the vector of its own text (checked with a cache that already
holds a distinct vector per text, so no model is loaded)."""

from __future__ import annotations

import numpy as np

from matching import Candidate, Document, Query, embedder


def filled_cache(candidates: list[Candidate], queries: list[Query]) -> tuple[embedder.VectorCache, dict]:
    cache, expected = embedder.VectorCache(), {}
    texts = [("passage", embedder.document_text(" ".join(c.keywords), c.text)) for c in candidates]
    texts += [("passage", embedder.document_text(d.title, d.text)) for c in candidates for d in c.documents]
    texts += [("query", embedder.query_text(q.title, q.text, q.keywords)) for q in queries]
    for number, (kind, text) in enumerate(texts):
        vector = np.full(3, float(number), dtype=np.float32)
        cache.vectors[embedder.digest(kind, text)] = vector
        expected[(kind, text)] = vector
    return cache, expected


def test_each_record_gets_the_vector_of_its_own_text():
    given = np.array([9.0, 9.0, 9.0])
    candidates = [Candidate("a", text="锂电池低温电解液", keywords=("析锂",),
                            documents=(Document("正极材料", "高镍"), Document("隔膜", "涂覆"))),
                  Candidate("b", documents=(Document("光伏热斑", "无人机巡检"),)),
                  Candidate("c", text="齿轮磨削", documents=(Document("砂轮修整", "在机测量", vector=given),
                                                          Document("误差补偿", "摆线轮")))]
    queries = [Query("q1", title="电池", keywords=("电解液",)), Query("q2", title="齿轮", vector=given)]
    cache, expected = filled_cache(candidates, queries)
    embedded, vector_queries = embedder.attach(candidates, queries, cache)
    assert cache.computed == 0
    for before, after in zip(candidates, embedded, strict=True):
        if before.text or before.keywords:
            own = expected["passage", embedder.document_text(" ".join(before.keywords), before.text)]
            assert np.array_equal(after.vector, own)
        for document, done in zip(before.documents, after.documents, strict=True):
            wanted = document.vector if document.vector is not None else \
                expected["passage", embedder.document_text(document.title, document.text)]
            assert np.array_equal(done.vector, wanted)
    assert np.array_equal(vector_queries[0].vector, expected["query", embedder.query_text("电池", "", ("电解液",))])
    assert vector_queries[1].vector is given
