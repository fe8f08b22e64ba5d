"""Evaluation sets built from CSL papers (the shared dev split); written as the CLI's JSONL files.

- keywords: a paper's author keywords as the query; all papers (title, abstract, keywords) as candidates.
- title: a paper's title as the query; abstracts alone as candidates.
- mixed: English terms from the abstract plus two Chinese keywords as the query; papers without keywords.
- profiles: papers grouped into researchers of 3–8 papers of one discipline; a paper's keywords and
  title as the query must find the researcher who wrote it among all researchers.
Relevance: the paper (or its author) 3; papers (researchers) of the same discipline 1.
- topics: topic-level expert finding, the question managers ask ("who works on this topic?"): a fifth of
  each discipline's papers is held out as challenges (title and keywords); the rest make researchers of up
  to five papers of one discipline. The challenge's own author is never a candidate, so no exact paper can
  be found: a researcher of the same discipline is relevant (2), of the same category partly (1).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path

ENGLISH = re.compile(r"[A-Za-z][A-Za-z0-9\-]{1,}")
SETS = ("keywords", "title", "mixed", "profiles", "topics")
TOPIC_PAPERS = 5  # papers per researcher in the topics set
HELD_OUT = 5  # one paper in five of each discipline becomes a challenge


def load_papers(path: str | Path) -> list[dict]:
    """The CSL records."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def build(papers: list[dict], out: str | Path) -> dict[str, Path]:
    """Write every evaluation set under `out`; return the folder of each."""
    out = Path(out)
    folders = {}
    for name, (candidates, queries, qrels) in {
        "keywords": _keywords(papers), "title": _title(papers), "mixed": _mixed(papers),
        "profiles": _profiles(papers), "topics": _topics(papers),
    }.items():
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for filename, rows in (("candidates.jsonl", candidates), ("queries.jsonl", queries),
                               ("qrels.jsonl", qrels)):
            with open(folder / filename, "w", encoding="utf-8") as handle:
                handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        folders[name] = folder
    return folders


def _paper_qrels(papers: list[dict], queries: list[dict]) -> list[dict]:
    by_discipline = defaultdict(list)
    for paper in papers:
        by_discipline[paper["discipline"]].append(paper["id"])
    discipline = {p["id"]: p["discipline"] for p in papers}
    rows = []
    for query in queries:
        for other in by_discipline[discipline[query["id"]]]:
            rows.append({"query": query["id"], "candidate": other, "relevance": 3 if other == query["id"] else 1})
    return rows


def _keywords(papers):
    candidates = [{"id": p["id"], "keywords": p["keywords"],
                   "documents": [{"title": p["title"], "text": p["abstract"]}]} for p in papers]
    queries = [{"id": p["id"], "keywords": p["keywords"]} for p in papers if p["keywords"]]
    return candidates, queries, _paper_qrels(papers, queries)


def _title(papers):
    candidates = [{"id": p["id"], "text": p["abstract"]} for p in papers]
    queries = [{"id": p["id"], "title": p["title"]} for p in papers]
    return candidates, queries, _paper_qrels(papers, queries)


def _mixed(papers):
    candidates = [{"id": p["id"], "documents": [{"title": p["title"], "text": p["abstract"]}]} for p in papers]
    queries = []
    for paper in papers:
        english = list(dict.fromkeys(ENGLISH.findall(paper["abstract"])))[:4]
        chinese = [k for k in paper["keywords"] if not k.isascii()][:2]
        if len(english) >= 2 and chinese:
            queries.append({"id": paper["id"], "text": " ".join(english), "keywords": chinese})
    return candidates, queries, _paper_qrels(papers, queries)


def _profiles(papers):
    rng = random.Random(7)
    by_discipline = defaultdict(list)
    for paper in papers:
        by_discipline[paper["discipline"]].append(paper)
    candidates, author, discipline_of = [], {}, {}
    for discipline in sorted(by_discipline):
        group = sorted(by_discipline[discipline], key=lambda p: p["id"])
        rng.shuffle(group)
        while group:
            size = min(len(group), rng.randint(3, 8))
            mine, group = group[:size], group[size:]
            rid = f"r{len(candidates)}"
            docs = [{"title": p["title"], "text": p["abstract"], "date": str(rng.randint(2010, 2024))} for p in mine]
            candidates.append({"id": rid, "kind": "solver", "documents": docs})
            discipline_of[rid] = discipline
            for paper in mine:
                author[paper["id"]] = rid
    queries, qrels = [], []
    for paper in papers:
        if not paper["keywords"]:
            continue
        queries.append({"id": paper["id"], "title": paper["title"], "keywords": paper["keywords"]})
        for rid, discipline in discipline_of.items():
            if discipline == paper["discipline"]:
                qrels.append({"query": paper["id"], "candidate": rid,
                              "relevance": 3 if author[paper["id"]] == rid else 1})
    return candidates, queries, qrels


def _topics(papers):
    rng = random.Random(11)
    by_discipline = defaultdict(list)
    for paper in papers:
        by_discipline[paper["discipline"]].append(paper)
    candidates, held, of = [], [], {}
    for discipline in sorted(by_discipline):
        group = sorted(by_discipline[discipline], key=lambda p: p["id"])
        if len(group) < HELD_OUT + 2:  # too few papers to hold one out and still make a researcher
            continue
        rng.shuffle(group)
        cut = len(group) // HELD_OUT
        held += [p for p in group[:cut] if p["keywords"]]
        rest = group[cut:]
        for start in range(0, len(rest), TOPIC_PAPERS):
            mine = rest[start:start + TOPIC_PAPERS]
            rid = f"t{len(candidates)}"
            candidates.append({"id": rid, "kind": "solver", "documents": [
                {"title": p["title"], "text": p["abstract"], "date": str(rng.randint(2010, 2024))} for p in mine]})
            of[rid] = (discipline, mine[0]["category"])
    queries = [{"id": p["id"], "title": p["title"], "keywords": p["keywords"]} for p in held]
    qrels = [{"query": p["id"], "candidate": rid, "relevance": 2 if discipline == p["discipline"] else 1}
             for p in held for rid, (discipline, category) in of.items()
             if discipline == p["discipline"] or category == p["category"]]
    return candidates, queries, qrels
