"""Run a ranker over queries and score it against relevance judgements."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from matching.metrics import mrr, ndcg, pairwise_loss, recall
from matching.records import Query

Ranker = Callable[[Query, int], list[tuple[str, float]]]
DEPTH = 100


@dataclass
class Report:
    """The metrics of one ranker on one set."""

    name: str
    ndcg10: float
    mrr10: float
    recall10: float
    recall50: float
    pairwise_loss: float
    ms_per_query: float

    def row(self) -> str:
        """A Markdown table row."""
        return (f"| {self.name} | {self.ndcg10:.4f} | {self.mrr10:.4f} | {self.recall10:.4f} | "
                f"{self.recall50:.4f} | {self.pairwise_loss:.4f} | {self.ms_per_query:.1f} |")


HEADER = ("| ranker | NDCG@10 | MRR@10 | Recall@10 | Recall@50 | pairwise loss ↓ | ms/query |\n"
          "|---|---|---|---|---|---|---|")


def evaluate(name: str, rank: Ranker, queries: list[Query], qrels: dict[str, dict[str, float]]) -> Report:
    """Rank every judged query to depth 100 and average the metrics."""
    judged = [q for q in queries if q.id in qrels]
    totals = {"ndcg": 0.0, "mrr": 0.0, "r10": 0.0, "r50": 0.0}
    scores: dict[tuple[str, str], float] = {}
    started = time.perf_counter()
    for query in judged:
        hits = rank(query, DEPTH)
        ranked = [candidate for candidate, _score in hits]
        relevance = qrels[query.id]
        totals["ndcg"] += ndcg(ranked, relevance)
        totals["mrr"] += mrr(ranked, relevance)
        totals["r10"] += recall(ranked, relevance, 10)
        totals["r50"] += recall(ranked, relevance, 50)
        scores.update({(query.id, candidate): score for candidate, score in hits})
    elapsed = (time.perf_counter() - started) * 1000 / max(len(judged), 1)
    n = max(len(judged), 1)
    return Report(name, totals["ndcg"] / n, totals["mrr"] / n, totals["r10"] / n, totals["r50"] / n,
                  pairwise_loss(scores, qrels), elapsed)
