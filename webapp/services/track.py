"""Track records (履约记录): what each party's contracts came to — completed, on time, accepted without a returned
milestone, terminated and why — and the ratings counterparts gave after completion (1–5, both ways, once each).

A record is read beside a match score, never folded into it: the engine ranks by text, the record is shown next
to the score so a technical manager weighs both (README, "After the award").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.contracts import Contract, ContractStatus, Deliverable, Rating, RatingIn, TrackRecord
from webapp.auth import Account
from webapp.services.audit import record_event, snapshot
from webapp.services.contracts import contract_for, link
from webapp.services.errors import InvalidTransition, PermissionDenied
from webapp.services.notifications import notify
from webapp.services.transitions import insert_once


def rate(session: Session, user: Account, contract_id: int, data: RatingIn) -> Rating:
    """A party rates the other once the contract is completed: the enterprise the solver, the solver the
    enterprise."""
    contract, challenge = contract_for(session, user, contract_id)
    if user.id not in (challenge.owner_id, contract.solver_id):
        raise PermissionDenied(_("Only the parties to a contract rate each other."))
    if contract.status != ContractStatus.COMPLETED:
        raise InvalidTransition(_("A contract is rated once it is completed."))
    by_enterprise = user.id == challenge.owner_id
    rating = Rating(contract_id=contract.id, rater_id=user.id, stars=data.stars, comment=data.comment.strip(),
                    ratee_user_id=contract.solver_id if by_enterprise else None,
                    ratee_organisation_id=None if by_enterprise else challenge.organisation_id)
    insert_once(session, rating, _("You already rated this contract."))
    record_event(session, user.id, "contract.rated", rating, None, snapshot(rating, "stars", "comment"))
    notify(session, contract.solver_id if by_enterprise else challenge.owner_id, "contract.rated", link(contract),
           title=challenge.title, stars=str(data.stars))
    return rating


def ratings_of(session: Session, contract_id: int) -> list[Rating]:
    """The ratings given on one contract."""
    return list(session.exec(select(Rating).where(Rating.contract_id == contract_id).order_by(col(Rating.id))))


def of_solvers(session: Session, user_ids: list[int]) -> dict[int, TrackRecord]:
    """The records of solvers (by user id), in two queries however many."""
    if not user_ids:
        return {}
    contracts, stars = _of_solvers()
    return _records(list(session.exec(contracts, params={"ids": user_ids})), lambda c: c.solver_id,
                    list(session.exec(stars, params={"ids": user_ids})))


@lru_cache(maxsize=1)
def _of_solvers():
    """The statements of of_solvers (their contracts, the ratings they received), built once (a candidates
    page runs them)."""
    ids = bindparam("ids", expanding=True)
    return (_with_returns().where(col(Contract.solver_id).in_(ids)),
            select(Rating.ratee_user_id, Rating.stars).where(col(Rating.ratee_user_id).in_(ids)))


def of_enterprise(session: Session, organisation_id: int) -> TrackRecord:
    """The record of an enterprise (its organisation's challenges' contracts)."""
    contracts = list(session.exec(_with_returns().join(
        Challenge, Challenge.id == Contract.challenge_id).where(Challenge.organisation_id == organisation_id)))
    stars = session.exec(select(Rating.ratee_organisation_id, Rating.stars)
                         .where(Rating.ratee_organisation_id == organisation_id))
    return _records(contracts, lambda _c: organisation_id, list(stars)).get(organisation_id, TrackRecord())


def _with_returns():
    """Contracts, each with whether any of its milestones was ever sent back (in the same statement)."""
    return select(Contract, exists().where(Deliverable.contract_id == Contract.id, Deliverable.return_reason != ""))


def _records(contracts: list[tuple[Contract, bool]], key, stars: list) -> dict[int, TrackRecord]:
    records: dict[int, TrackRecord] = defaultdict(TrackRecord)
    for contract, returned in contracts:
        record = records[key(contract)]
        if contract.status == ContractStatus.COMPLETED:
            record.completed += 1
            record.on_time += contract.ended_at is not None and contract.ended_at.date() <= contract.end_date
            record.first_time += not returned
        elif contract.status == ContractStatus.TERMINATED:
            record.terminated += 1
            record.termination_reasons = [*record.termination_reasons, contract.end_reason]
        elif contract.status == ContractStatus.CONFIRMED:
            record.under_way += 1
    given: dict[int, list[int]] = defaultdict(list)
    for ratee, value in stars:
        given[ratee].append(value)
    for ratee, values in given.items():
        records[ratee].ratings = len(values)
        records[ratee].mean_stars = round(statistics.fmean(values), 1)
    return dict(records)
