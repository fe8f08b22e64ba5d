"""The dashboard's figures after the award: the funnel after publication (published → awarded → contract
confirmed → contract completed, with the value at each stage and the median days from the previous one), and
the confirmed technology-contract registrations by field. The dashboard's filters apply (period of creation,
field, region), so the same figures read by field or region.

Funnel value: the rewards of published and awarded challenges; the agreed prices of confirmed and completed
contracts.
"""

from __future__ import annotations

import statistics

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.contracts import Contract, ContractStatus
from models.registration import Registration, RegistrationStatus
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


def registrations(session: Session, filters: Filters) -> Figure:
    """Confirmed technology-contract registrations by field: how many, their contract amount and technology
    income (the technology-transaction value the city reports)."""
    rows = session.exec(challenge_filter(
        select(Registration.field, func.count(), func.sum(Registration.total_amount),
               func.sum(Registration.technology_income)).select_from(Registration)
        .join(Contract, Contract.id == Registration.contract_id).join(Challenge, Challenge.id == Contract.challenge_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED), filters)
        .group_by(Registration.field).order_by(func.sum(Registration.technology_income).desc())).all()
    return Figure("registrations", "bar", ["field", "registered", "contract_amount", "technology_income"],
                  [[getattr(f, "value", f), n, int(total or 0), int(income or 0)] for f, n, total, income in rows],
                  series=(2, 3), horizontal=True)
