"""The dashboard's funnel after publication: published → awarded → contract confirmed → contract completed,
with the value at each stage and the days between stages (median). The dashboard's filters apply (period of
creation, field, region), so the same figure reads by field or region.

Value: the rewards of published and awarded challenges; the agreed prices of confirmed and completed contracts.
"""

from __future__ import annotations

import statistics

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.contracts import Contract, ContractStatus
from webapp.services.dashboard import Figure, Filters, _days, challenge_filter

CONFIRMED_OR_LATER = (ContractStatus.CONFIRMED, ContractStatus.COMPLETED)


def funnel(session: Session, filters: Filters) -> Figure:
    """Counts of challenges (contracts for the last stage), value, and median days from the previous stage."""
    published = session.exec(challenge_filter(select(func.count(), func.sum(Challenge.budget)).where(
        col(Challenge.published_at).is_not(None)), filters)).one()
    awarded = session.exec(challenge_filter(select(func.count(), func.sum(Challenge.budget)).where(
        col(Challenge.awarded_at).is_not(None)), filters)).one()
    started = session.exec(challenge_filter(
        select(Contract.challenge_id, func.min(Contract.confirmed_at), Challenge.awarded_at,
               func.sum(Contract.price)).join(Challenge, Challenge.id == Contract.challenge_id)
        .where(col(Contract.confirmed_at).is_not(None)), filters)
        .group_by(Contract.challenge_id, Challenge.awarded_at)).all()
    to_start = [_between(a, c) for _id, c, a, _v in started if a is not None and c is not None]
    completed = session.exec(challenge_filter(
        select(Contract.price, _days(session, Contract.confirmed_at, Contract.ended_at))
        .join(Challenge, Challenge.id == Contract.challenge_id)
        .where(Contract.status == ContractStatus.COMPLETED), filters)).all()
    return Figure("funnel", "bar", ["stage", "count", "value", "days_from_previous"], [
        ["published", published[0], int(published[1] or 0), 0.0],
        ["awarded", awarded[0], int(awarded[1] or 0), _median(_award_days(session, filters))],
        ["contracted", len(started), int(sum(v or 0 for *_rest, v in started)), _median(to_start)],
        ["completed", len(completed), int(sum(p for p, _d in completed)),
         _median([float(d) for _p, d in completed if d is not None])],
    ], series=(1,))


def _award_days(session: Session, filters: Filters) -> list[float]:
    rows = session.exec(challenge_filter(select(_days(session, Challenge.published_at, Challenge.awarded_at))
                                         .where(col(Challenge.awarded_at).is_not(None)), filters)).all()
    return [float(d) for d in rows if d is not None]


def _between(start, end) -> float:
    return max(0.0, (end - start).total_seconds() / 86400)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0
