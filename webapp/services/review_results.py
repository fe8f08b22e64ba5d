"""A review's results: per bid the weighted score, each criterion's mean and spread, a flag where reviewers
disagree strongly, and (when the review asks for it) scores with each reviewer's scale evened out.

Weighted total of one reviewer for one bid: Σ weight × score / 100, on the scores' 1–10 scale.
Disagreement: the reviewers' weighted totals for a bid are DISAGREEMENT (3) points or more apart.
Standardised: a reviewer who scored at least two bids has their totals mapped from their own mean and spread to
the panel's (z-scores, Jecmen et al. / conference practice), so a harsh reviewer does not sink a bid; a
reviewer with one bid, or who gave every bid the same total, is only shifted by the difference of means.
"""

from __future__ import annotations

import statistics

from sqlmodel import Session, col, select

from models.profiles import Profile
from models.reviews import (
    DISAGREEMENT,
    AssignmentRead,
    AssignmentStatus,
    BidResult,
    Criterion,
    CriterionResult,
    Review,
    ReviewAssignment,
    ReviewRead,
)


def weighted(criteria: list[dict], scores: list[int]) -> float:
    """One reviewer's weighted total for one bid (1–10)."""
    return sum(c["weight"] * s for c, s in zip(criteria, scores, strict=True)) / 100


def results(review: Review, assignments: list[ReviewAssignment]) -> list[BidResult]:
    """Every bid's result, in bid order."""
    done = [a for a in assignments if a.status == AssignmentStatus.DONE]
    totals = {a.id: weighted(review.criteria, a.scores) for a in done}
    evened = _standardised(done, totals) if review.standardise else {}
    by_bid: dict[int, list[ReviewAssignment]] = {}
    for a in assignments:
        if a.status != AssignmentStatus.CONFLICT:
            by_bid.setdefault(a.bid_id, []).append(a)
    return [_bid_result(review, bid_id, rows, totals, evened) for bid_id, rows in sorted(by_bid.items())]


def _bid_result(review: Review, bid_id: int, rows: list[ReviewAssignment], totals: dict, evened: dict) -> BidResult:
    scored = [a for a in rows if a.status == AssignmentStatus.DONE]
    mine = [totals[a.id] for a in scored]
    criteria = []
    for i, criterion in enumerate(review.criteria):
        marks = [a.scores[i] for a in scored]
        criteria.append(CriterionResult(name=criterion["name"], weight=criterion["weight"],
                                        mean=round(statistics.fmean(marks), 2) if marks else None,
                                        spread=round(statistics.pstdev(marks), 2) if marks else None))
    return BidResult(bid_id=bid_id, done=len(scored), assigned=len(rows),
                     weighted=round(statistics.fmean(mine), 2) if mine else None,
                     standardised=round(statistics.fmean(evened[a.id] for a in scored), 2)
                     if scored and evened else None,
                     disagreement=len(mine) > 1 and max(mine) - min(mine) >= DISAGREEMENT, criteria=criteria)


def _standardised(done: list[ReviewAssignment], totals: dict[int, float]) -> dict[int, float]:
    """Each scored assignment's total on the panel's scale."""
    if not done:
        return {}
    everyone = list(totals.values())
    mean, spread = statistics.fmean(everyone), statistics.pstdev(everyone)
    by_reviewer: dict[int, list[ReviewAssignment]] = {}
    for a in done:
        by_reviewer.setdefault(a.profile_id, []).append(a)
    out = {}
    for rows in by_reviewer.values():
        own = [totals[a.id] for a in rows]
        own_mean, own_spread = statistics.fmean(own), statistics.pstdev(own)
        for a in rows:
            if len(own) > 1 and own_spread > 0:
                out[a.id] = mean + spread * (totals[a.id] - own_mean) / own_spread
            else:
                out[a.id] = totals[a.id] - own_mean + mean
    return {k: min(10.0, max(1.0, v)) for k, v in out.items()}


def review_read(session: Session, review: Review, full: bool, bid_ids: set[int] | None = None) -> ReviewRead:
    """The review as a reader sees it: `full` for the organiser, managers and government (the whole panel with
    reviewers' names); otherwise only the assignments and results of `bid_ids` (a bidder's own), reviewers
    unnamed."""
    assignments = list(session.exec(select(ReviewAssignment).where(ReviewAssignment.review_id == review.id)
                                    .order_by(col(ReviewAssignment.bid_id), col(ReviewAssignment.id))))
    names = dict(session.exec(select(Profile.id, Profile.display_name).where(
        col(Profile.id).in_(sorted({a.profile_id for a in assignments})))).all()) if full else {}
    shown = assignments if full else [a for a in assignments if a.bid_id in (bid_ids or set())
                                      and a.status == AssignmentStatus.DONE]
    reads = [AssignmentRead(id=a.id, bid_id=a.bid_id, profile_id=a.profile_id if full else None,
                            reviewer=names.get(a.profile_id) if full else None, match=a.match if full else 0.0,
                            reasons=a.reasons if full else [], probability=a.probability if full else 1.0,
                            status=a.status, scores=a.scores, comment=a.comment, submitted_at=a.submitted_at)
             for a in shown]
    outcome = [r for r in results(review, assignments) if full or r.bid_id in (bid_ids or set())]
    return ReviewRead(id=review.id, challenge_id=review.challenge_id, status=review.status,
                      criteria=[Criterion(**c) for c in review.criteria], per_bid=review.per_bid,
                      max_load=review.max_load, deadline=review.deadline, blind=review.blind,
                      pair_cap=review.pair_cap, standardise=review.standardise, total=review.total,
                      best_total=review.best_total, assignments=reads, results=outcome)
