"""Large realistic corpora: CSL titles recombined with CSL abstract sentences and keywords."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from matching import Candidate, Document, Query

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SENTENCE = re.compile(r"[^。；;.!?！？]+[。；;.!?！？]?")


def _sources(shared: Path = SHARED):
    papers = [json.loads(line) for line in open(shared / "csl-dev.jsonl", encoding="utf-8")]
    titles = [line.rstrip("\n").split("\t")[1] for line in open(shared / "csl-titles.tsv", encoding="utf-8")][1:]
    titles += [p["title"] for p in papers]
    sentences = [s.strip() for p in papers for s in SENTENCE.findall(p["abstract"]) if len(s.strip()) > 8]
    keywords = sorted({k for p in papers for k in p["keywords"]})
    return titles, sentences, keywords


def candidates(n: int, seed: int = 1, shared: Path = SHARED) -> list[Candidate]:
    """n candidates, each a title, three abstract sentences and keywords; one in five has two papers."""
    titles, sentences, keywords = _sources(shared)
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = "".join(rng.sample(sentences, 3))
        docs = ()
        if i % 5 == 0:
            docs = tuple(Document(rng.choice(titles), "".join(rng.sample(sentences, 2)), str(rng.randint(2012, 2025)))
                         for _ in range(2))
        out.append(Candidate(id=f"b{i:06d}", kind=("solver", "manager", "commissioner")[i % 3],
                             text=rng.choice(titles) + "。" + text, keywords=tuple(rng.sample(keywords, 4)),
                             documents=docs, region=("tianjin", "beijing", "hebei")[i % 3]))
    return out


def queries(n: int, seed: int = 2, shared: Path = SHARED) -> list[Query]:
    """n challenge-like queries: a title, one sentence, three keywords."""
    titles, sentences, keywords = _sources(shared)
    rng = random.Random(seed)
    return [Query(id=f"q{i}", title=rng.choice(titles), text=rng.choice(sentences),
                  keywords=tuple(rng.sample(keywords, 3))) for i in range(n)]
