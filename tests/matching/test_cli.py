"""`python -m matching`: rank, index, evaluate, evalsets; bad input exits 2 naming file, line and reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching.cli import main

ROOT = Path(__file__).resolve().parents[2]
CSL = ROOT.parent / "shared" / "data" / "csl-dev.jsonl"


def write(path: Path, rows) -> Path:
    """Write JSONL (dicts) or raw lines (str)."""
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    """A small candidates file and queries file."""
    candidates = write(tmp_path / "c.jsonl", [
        {"id": "s1", "kind": "solver", "text": "锂离子电池低温电解液", "keywords": ["锂离子电池"],
         "region": "tianjin"},
        {"id": "s2", "kind": "solver",
         "documents": [{"title": "钢板表面缺陷检测", "text": "深度学习", "date": "2023"}]},
        {"id": "m1", "kind": "manager", "keywords": ["储能", "电池"]},
    ])
    queries = write(tmp_path / "q.jsonl", [{"id": "q1", "title": "锂电池低温快充", "keywords": ["锂电池"]},
                                           {"id": "q2", "text": "表面缺陷 检测"}])
    return candidates, queries


def run(*args: str) -> subprocess.CompletedProcess:
    """Run the real command line."""
    return subprocess.run([sys.executable, "-m", "matching", *args], cwd=ROOT, capture_output=True, text=True)


def test_rank_writes_hits_as_specified(files):
    """Does `rank` print one JSON line per hit with query, candidate, rank, score and reasons?"""
    candidates, queries = files
    result = run("rank", "--candidates", str(candidates), "--queries", str(queries), "--top", "2")
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert {tuple(sorted(h)) for h in hits} == {("candidate", "query", "rank", "reasons", "score")}
    first = [h for h in hits if h["query"] == "q1"]
    assert first[0]["candidate"] == "s1" and first[0]["rank"] == 1 and 0 < first[0]["score"] <= 1
    assert [h["rank"] for h in first] == list(range(1, len(first) + 1))


def test_top_zero_scores_every_candidate(files, capsys):
    """Does --top 0 give every candidate for every query?"""
    candidates, queries = files
    assert main(["rank", "--candidates", str(candidates), "--queries", str(queries), "--top", "0"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(hits) == 6


def test_kinds_option(files, capsys):
    """Does --kinds keep only those kinds?"""
    candidates, queries = files
    main(["rank", "--candidates", str(candidates), "--queries", str(queries), "--top", "0", "--kinds", "manager"])
    assert {json.loads(line)["candidate"] for line in capsys.readouterr().out.splitlines()} == {"m1"}


def test_saved_index_ranks_the_same(files, tmp_path, capsys):
    """Does ranking from a saved index print exactly what ranking from the candidates prints?"""
    candidates, queries = files
    assert main(["index", "--candidates", str(candidates), "--out", str(tmp_path / "i.npz")]) == 0
    capsys.readouterr()
    main(["rank", "--candidates", str(candidates), "--queries", str(queries)])
    direct = capsys.readouterr().out
    main(["rank", "--index", str(tmp_path / "i.npz"), "--queries", str(queries)])
    assert capsys.readouterr().out == direct


BAD_CANDIDATES = [
    (['{"id": "a", "text": "x"}', "{not json"], ":2", "not valid JSON"),
    (['{"id": "a", "text": "x"}', '{"id": "a", "text": "y"}'], ":2", 'duplicate id "a"'),
    (['{"text": "x"}'], ":1", 'missing "id"'),
    (['{"id": "a"}'], ":1", "has no text"),
    (['{"id": "a", "text": "  ", "keywords": [], "documents": []}'], ":1", "has no text"),
    (['{"id": "a", "keywords": "not a list"}'], ":1", '"keywords" must be a list'),
    (['{"id": "a", "text": "x", "documents": ["oops"]}'], ":1", '"documents" must be a list of objects'),
    (['[1, 2]'], ":1", "JSON object"),
    ([], "", "no candidates"),
]


@pytest.mark.parametrize("lines,where,reason", BAD_CANDIDATES)
def test_bad_candidates_exit_2(tmp_path, files, capsys, lines, where, reason):
    """Does each kind of bad candidate file exit 2 with the file, line and reason (no traceback)?"""
    _c, queries = files
    path = write(tmp_path / "bad.jsonl", lines)
    assert main(["rank", "--candidates", str(path), "--queries", str(queries)]) == 2
    err = capsys.readouterr().err
    assert f"bad.jsonl{where}" in err and reason in err and "Traceback" not in err


@pytest.mark.parametrize("lines,reason", [(['{"id": "q"}'], "has no text"),
                                          (['{"id": "q", "title": "a"}', '{"id": "q", "title": "b"}'], "duplicate id")])
def test_bad_queries_exit_2(tmp_path, files, capsys, lines, reason):
    """Do bad query files exit 2 with a reason?"""
    candidates, _q = files
    path = write(tmp_path / "q.jsonl", lines)
    assert main(["rank", "--candidates", str(candidates), "--queries", str(path)]) == 2
    assert reason in capsys.readouterr().err


def test_missing_file_exits_2(files):
    """Does a missing file exit 2 naming it, without a traceback?"""
    _c, queries = files
    result = run("rank", "--candidates", "/nonexistent/c.jsonl", "--queries", str(queries))
    assert result.returncode == 2
    assert "/nonexistent/c.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_bad_arguments_exit_2(files):
    """Do a negative --top and an unknown command exit 2?"""
    candidates, queries = files
    assert run("rank", "--candidates", str(candidates), "--queries", str(queries), "--top", "-1").returncode == 2
    assert run("dance").returncode == 2


def test_not_utf8_exits_2(tmp_path, files, capsys):
    """Does a file that is not UTF-8 exit 2?"""
    _c, queries = files
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"id": "a", "text": "caf\xe9"}\n'.encode("latin-1"))
    assert main(["rank", "--candidates", str(path), "--queries", str(queries)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_evaluate_reports_metrics_and_baselines(tmp_path, files, capsys):
    """Does `evaluate` print NDCG, MRR, recall and pairwise loss for the engine and the baselines?"""
    candidates, queries = files
    qrels = write(tmp_path / "r.jsonl", [{"query": "q1", "candidate": "s1", "relevance": 3},
                                         {"query": "q2", "candidate": "s2", "relevance": 3},
                                         {"query": "q1", "candidate": "m1", "relevance": 1}])
    assert main(["evaluate", "--candidates", str(candidates), "--queries", str(queries), "--qrels", str(qrels),
                 "--baselines"]) == 0
    out = capsys.readouterr().out
    assert "NDCG@10" in out and "pairwise loss" in out
    engine_row = next(line for line in out.splitlines() if line.startswith("| Jiebang engine"))
    assert engine_row.split("|")[3].strip() == "1.0000"  # MRR@10
    assert "BM25" in out and "char bigrams" in out


def test_bad_qrels_exit_2(tmp_path, files, capsys):
    """Does a judgement without a numeric relevance exit 2 naming the line?"""
    candidates, queries = files
    qrels = write(tmp_path / "r.jsonl", [{"query": "q1", "candidate": "s1", "relevance": "high"}])
    assert main(["evaluate", "--candidates", str(candidates), "--queries", str(queries), "--qrels", str(qrels)]) == 2
    assert "r.jsonl:1" in capsys.readouterr().err


@pytest.mark.skipif(not CSL.exists(), reason="needs ../shared/data/csl-dev.jsonl")
def test_evalsets_builds_five_sets(tmp_path, capsys):
    """Does `evalsets` write the five evaluation sets with consistent ids?"""
    assert main(["evalsets", "--csl", str(CSL), "--out", str(tmp_path)]) == 0
    for name in ("keywords", "title", "mixed", "profiles", "topics"):
        ids = {json.loads(line)["id"] for line in open(tmp_path / name / "candidates.jsonl", encoding="utf-8")}
        judged = {json.loads(line)["candidate"] for line in open(tmp_path / name / "qrels.jsonl", encoding="utf-8")}
        assert judged <= ids


@pytest.mark.skipif(not CSL.exists(), reason="needs ../shared/data/csl-dev.jsonl")
def test_the_topics_set_never_offers_a_challenges_own_paper(tmp_path):
    """Topic-level expert finding: no challenge paper is among any researcher's documents, and relevance is
    2 (same discipline) or 1 (same category) only."""
    main(["evalsets", "--csl", str(CSL), "--out", str(tmp_path)])
    folder = tmp_path / "topics"
    queries = [json.loads(line) for line in open(folder / "queries.jsonl", encoding="utf-8")]
    titles = {d["title"] for line in open(folder / "candidates.jsonl", encoding="utf-8")
              for d in json.loads(line)["documents"]}
    assert queries and not {q["title"] for q in queries} & titles
    grades = {json.loads(line)["relevance"] for line in open(folder / "qrels.jsonl", encoding="utf-8")}
    assert grades == {1, 2}


def test_bad_index_exits_2(tmp_path, files, capsys):
    """Do a file that is not an index, and an index of an older format, exit 2 naming the file?"""
    import numpy as np

    _c, queries = files
    text = write(tmp_path / "notes.npz", ["not an index"])
    old = tmp_path / "old.npz"
    np.savez(old, meta=np.frombuffer(json.dumps({"format": 3}).encode(), dtype=np.uint8))
    for path, reason in ((text, "not a readable .npz"), (old, "index format 3 is not")):
        assert main(["rank", "--index", str(path), "--queries", str(queries)]) == 2
        err = capsys.readouterr().err
        assert str(path) in err and reason in err and "Traceback" not in err


def test_rank_fuses_meaning_by_default_and_caches_vectors(files, tmp_path, capsys):
    """By default every text is embedded (as the web app's jobs do) and fused; --meaning off ranks by words only;
    a --vector-cache file keeps the vectors, so a second run embeds nothing."""
    candidates, queries = files
    cache = tmp_path / "vectors.npz"
    args = ["rank", "--candidates", str(candidates), "--queries", str(queries), "--top", "1"]
    assert main([*args, "--vector-cache", str(cache)]) == 0
    captured = capsys.readouterr()
    fused = [json.loads(line) for line in captured.out.splitlines()]
    assert all("topic" in {r["kind"] for r in hit["reasons"]} for hit in fused) and "embedded 5 texts" in captured.err
    assert main([*args, "--vector-cache", str(cache)]) == 0
    again = capsys.readouterr()
    assert [json.loads(line) for line in again.out.splitlines()] == fused and "embedded" not in again.err
    assert main([*args, "--meaning", "off"]) == 0
    plain = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not any("topic" in {r["kind"] for r in hit["reasons"]} for hit in plain)


def test_a_precomputed_vector_is_used_and_a_bad_one_named(tmp_path, capsys):
    candidates = write(tmp_path / "c.jsonl", [{"id": "a", "text": "锂电池", "vector": [1, 0, 0]},
                                              {"id": "b", "text": "锂电池", "vector": [0, 1, 0]}])
    queries = write(tmp_path / "q.jsonl", [{"id": "q", "title": "锂电池", "vector": [0.0, 1.0, 0.0]}])
    assert main(["rank", "--candidates", str(candidates), "--queries", str(queries), "--top", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["candidate"] == "b"  # equal words: the closer meaning wins
    bad = write(tmp_path / "bad.jsonl", [{"id": "a", "text": "锂电池", "vector": ["x"]}])
    assert main(["rank", "--candidates", str(bad), "--queries", str(queries)]) == 2
    assert 'bad.jsonl:1: "vector" must be a non-empty list of numbers' in capsys.readouterr().err
