"""Offline reports on how the engine serves curators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from models.challenges import Challenge
from models.curation import CuratorDecision, Decision, Recommendation

ACCEPTED = (Decision.RECOMMEND, Decision.SHORTLIST)


@dataclass
class Line:
    """Acceptance of the engine's top N in one field."""

    field: str
    top: int
    decided: int
    accepted: int

    @property
    def rate(self) -> float:
        """Share of decided top-N candidates that managers accepted."""
        return self.accepted / self.decided if self.decided else 0.0


def match_report(session: Session, tops: tuple[int, ...] = (5, 10)) -> list[Line]:
    """For each field (and all), how many top-N candidates managers decided on and how many they accepted."""
    best_rank: dict[tuple[int, int], int] = {}
    for row in session.exec(select(Recommendation)):
        key = (row.challenge_id, row.profile_id)
        best_rank[key] = min(best_rank.get(key, row.rank), row.rank)
    latest: dict[tuple[int, int], CuratorDecision] = {}
    for row in session.exec(select(CuratorDecision).order_by(CuratorDecision.id)):
        latest[(row.challenge_id, row.profile_id)] = row
    fields = {c.id: c.field.value for c in session.exec(select(Challenge))}
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for key, decision in latest.items():
        rank = best_rank.get(key)
        if rank is None:
            continue
        for top in tops:
            if rank <= top:
                for field in (fields[key[0]], "all"):
                    counts[(field, top)][0] += 1
                    counts[(field, top)][1] += decision.decision in ACCEPTED
    return [Line(field, top, *counts[(field, top)]) for field, top in sorted(counts, key=lambda k: (k[0] == "all", k))]
