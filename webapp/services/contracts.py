"""Contracts after the award: the enterprise proposes terms for an accepted bid, the solver confirms them or asks
for changes, and the work is delivered milestone by milestone until the contract is completed or terminated.

Every step is a conditional update of the state it expects (the solver's confirmation also of the revision they
read), so of concurrent conflicting requests exactly one takes effect. A challenge moves to in progress with its
first confirmed contract and to completed when every accepted bid's contract has ended; that check holds the
challenge's row lock, so two contracts ending at once cannot both miss (or both make) the completion.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.accounts import User
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus
from models.common import today, utcnow
from models.contracts import (
    ENDED_CONTRACT_STATUSES,
    OPEN_CONTRACT_STATUSES,
    Contract,
    ContractRead,
    ContractStatus,
    ContractTerms,
    Deliverable,
    DeliverableRead,
    DeliverableStatus,
)
from webapp.auth import Account
from webapp.services.audit import record_event, snapshot
from webapp.services.challenges import move
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied
from webapp.services.notifications import notify
from webapp.services.transitions import advance, insert_once, lock_for_update

CONTRACTABLE = (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)
REVISABLE = (ContractStatus.PROPOSED, ContractStatus.CHANGES_REQUESTED)
REPORTABLE = (DeliverableStatus.PENDING, DeliverableStatus.RETURNED)


def link(contract: Contract) -> str:
    """The contract's page, for notifications."""
    return f"/contracts/{contract.id}"


# ---- reading ----

def contract_for(session: Session, user: Account, contract_id: int) -> tuple[Contract, Challenge]:
    """A contract the user is party to (the challenge's enterprise or the solver) or governs, else NotFound."""
    contract = session.get(Contract, contract_id)
    challenge = session.get(Challenge, contract.challenge_id) if contract else None
    if contract is None or challenge is None or not may_read(user, contract, challenge):
        raise NotFound(_("No such contract."))
    return contract, challenge


def may_read(user: Account, contract: Contract, challenge: Challenge) -> bool:
    """The parties and government read a contract; nobody else knows of it."""
    return challenge.owner_id == user.id or contract.solver_id == user.id or user.has("government")


def deliverables(session: Session, contract: Contract) -> list[Deliverable]:
    """A contract's milestones in order."""
    return list(session.exec(select(Deliverable).where(Deliverable.contract_id == contract.id)
                             .order_by(col(Deliverable.position))))


def is_overdue(item: Deliverable, day: dt.date | None = None) -> bool:
    """A milestone not yet accepted whose due day has passed."""
    return item.status != DeliverableStatus.ACCEPTED and item.due < (day or today())


def read(session: Session, contract: Contract, challenge: Challenge) -> ContractRead:
    """A contract with its milestones, what is accepted so far and what is overdue."""
    items = deliverables(session, contract)
    solver = session.get(User, contract.solver_id)
    live = contract.status == ContractStatus.CONFIRMED
    return ContractRead(
        **contract.model_dump(exclude={"created_at", "updated_at"}), challenge_title=challenge.title,
        solver_name=solver.name if solver else "",
        accepted_amount=sum(i.amount for i in items if i.status == DeliverableStatus.ACCEPTED),
        milestones=[DeliverableRead(**i.model_dump(), overdue=live and is_overdue(i)) for i in items])


def contracts_of_challenge(session: Session, user: Account, challenge: Challenge) -> list[Contract]:
    """The contracts of a challenge this user may read (all for its enterprise and government, own for a solver)."""
    statement = select(Contract).where(Contract.challenge_id == challenge.id).order_by(col(Contract.id))
    if challenge.owner_id == user.id or user.has("government"):
        return list(session.exec(statement))
    return list(session.exec(statement.where(Contract.solver_id == user.id)))


def my_contracts(session: Session, user: Account) -> list[tuple[Contract, Challenge]]:
    """The contracts the user is party to, or every contract for government; newest first."""
    statement = (select(Contract, Challenge).join(Challenge, Challenge.id == Contract.challenge_id)
                 .order_by(col(Contract.id).desc()))
    if not user.has("government"):
        statement = statement.where((Challenge.owner_id == user.id) | (Contract.solver_id == user.id))
    return list(session.exec(statement))


def awaiting_contract(session: Session, user: Account, challenge: Challenge) -> list[Bid]:
    """The challenge's accepted bids its enterprise has not yet proposed a contract for."""
    if challenge.owner_id != user.id or challenge.status not in CONTRACTABLE:
        return []
    drawn = select(Contract.bid_id).where(Contract.challenge_id == challenge.id)
    return list(session.exec(select(Bid).where(Bid.challenge_id == challenge.id, Bid.status == BidStatus.ACCEPTED,
                                               col(Bid.id).not_in(drawn)).order_by(col(Bid.id))))


# ---- the enterprise proposes, the solver confirms ----

def accepted_bid(session: Session, user: Account, bid_id: int) -> tuple[Bid, Challenge]:
    """An accepted bid on a challenge the user posted, ready for a contract."""
    bid = session.get(Bid, bid_id)
    challenge = session.get(Challenge, bid.challenge_id) if bid else None
    if bid is None or challenge is None or not (challenge.owner_id == user.id or bid.solver_id == user.id
                                                or user.has("government")):
        raise NotFound(_("No such bid."))
    if challenge.owner_id != user.id:
        raise PermissionDenied(_("Only the enterprise that posted this challenge may do this."))
    if bid.status != BidStatus.ACCEPTED or challenge.status not in CONTRACTABLE:
        raise InvalidTransition(_("A contract is drawn up for an accepted bid of an awarded challenge."))
    return bid, challenge


def propose(session: Session, user: Account, bid_id: int, terms: ContractTerms) -> Contract:
    """The enterprise proposes the contract of an accepted bid; one contract per bid."""
    bid, challenge = accepted_bid(session, user, bid_id)
    contract = Contract(challenge_id=challenge.id, bid_id=bid.id, solver_id=bid.solver_id, price=terms.price,
                        start_date=terms.start_date, end_date=terms.end_date)
    insert_once(session, contract, _("A contract was already proposed for this bid."))
    _write_milestones(session, contract, terms)
    record_event(session, user.id, "contract.proposed", contract, None, _terms_snapshot(contract, terms))
    notify(session, bid.solver_id, "contract.proposed", link(contract), title=challenge.title)
    return contract


def revise(session: Session, user: Account, contract_id: int, terms: ContractTerms) -> Contract:
    """The enterprise revises terms the solver has not confirmed; the solver confirms the new revision."""
    contract, challenge = as_owner(session, user, contract_id)
    if contract.status not in REVISABLE:
        raise InvalidTransition(_("Only terms that are not yet confirmed can be revised."))
    before = snapshot(contract, "status", "revision", "price", "start_date", "end_date")
    advance(session, contract, REVISABLE, unchanged={"revision": contract.revision}, status=ContractStatus.PROPOSED,
            revision=contract.revision + 1, price=terms.price, start_date=terms.start_date,
            end_date=terms.end_date, updated_at=utcnow())
    for item in deliverables(session, contract):
        session.delete(item)
    session.flush()
    _write_milestones(session, contract, terms)
    record_event(session, user.id, "contract.revised", contract, before, _terms_snapshot(contract, terms))
    notify(session, contract.solver_id, "contract.revised", link(contract), title=challenge.title)
    return contract


def confirm(session: Session, user: Account, contract_id: int, revision: int) -> Contract:
    """The solver confirms the revision of the terms they read; the challenge is then in progress."""
    contract, challenge = _as_solver(session, user, contract_id)
    if contract.status != ContractStatus.PROPOSED:
        raise InvalidTransition(_("Only proposed terms can be confirmed."))
    if contract.revision != revision:
        raise InvalidTransition(_("The enterprise revised these terms; read them again before confirming."))
    advance(session, contract, ContractStatus.PROPOSED, unchanged={"revision": revision},
            status=ContractStatus.CONFIRMED, confirmed_at=utcnow(), updated_at=utcnow())
    record_event(session, user.id, "contract.confirmed", contract, {"status": "proposed"},
                 snapshot(contract, "status", "revision"))
    if challenge.status == ChallengeStatus.AWARDED:
        lock_for_update(session, challenge)  # a parallel award's other confirmation may have moved it meanwhile
        if challenge.status == ChallengeStatus.AWARDED:
            move(session, user, challenge, ChallengeStatus.IN_PROGRESS, "challenge.started")
    notify(session, challenge.owner_id, "contract.confirmed", link(contract), title=challenge.title)
    return contract


def request_changes(session: Session, user: Account, contract_id: int, note: str) -> Contract:
    """The solver asks for changes to proposed terms, saying which."""
    contract, challenge = _as_solver(session, user, contract_id)
    if contract.status != ContractStatus.PROPOSED:
        raise InvalidTransition(_("Changes can be asked for only while the terms are proposed."))
    advance(session, contract, ContractStatus.PROPOSED, unchanged={"revision": contract.revision},
            status=ContractStatus.CHANGES_REQUESTED, change_note=note, updated_at=utcnow())
    record_event(session, user.id, "contract.changes_requested", contract, {"status": "proposed"},
                 snapshot(contract, "status", "change_note"))
    notify(session, challenge.owner_id, "contract.changes_requested", link(contract), title=challenge.title,
           reason=note)
    return contract


def terminate(session: Session, user: Account, contract_id: int, reason: str) -> Contract:
    """The enterprise ends an open contract early, with a reason (recorded for both parties' credit)."""
    contract, challenge = as_owner(session, user, contract_id)
    end(session, user, contract, challenge, reason)
    return contract


def end(session: Session, user: Account, contract: Contract, challenge: Challenge, reason: str) -> None:
    """Terminate an open contract with a reason (the enterprise, or an acceptance panel's organiser)."""
    if contract.status not in OPEN_CONTRACT_STATUSES:
        raise InvalidTransition(_("This contract has already ended."))
    before = snapshot(contract, "status")
    advance(session, contract, contract.status, status=ContractStatus.TERMINATED, end_reason=reason,
            ended_at=utcnow(), updated_at=utcnow())
    record_event(session, user.id, "contract.terminated", contract, before, snapshot(contract, "status", "end_reason"))
    notify(session, contract.solver_id, "contract.terminated", link(contract), title=challenge.title, reason=reason)
    _complete_challenge_if_done(session, user, challenge)


# ---- delivery ----

def report(session: Session, user: Account, contract_id: int, item_id: int, text: str) -> Deliverable:
    """The solver reports a milestone delivered; every earlier milestone must already be accepted."""
    contract, challenge = _as_solver(session, user, contract_id)
    item = deliverable_of(session, contract, item_id)
    if contract.status != ContractStatus.CONFIRMED:
        raise InvalidTransition(_("Milestones are reported once both parties confirmed the contract."))
    if item.status not in REPORTABLE:
        raise InvalidTransition(_("This milestone was already reported."))
    earlier = [d for d in deliverables(session, contract) if d.position < item.position]
    if any(d.status != DeliverableStatus.ACCEPTED for d in earlier):
        raise InvalidTransition(_("Report the milestones in order: an earlier one is not accepted yet."))
    before = snapshot(item, "status", "report")
    advance(session, item, item.status, status=DeliverableStatus.REPORTED, report=text, reported_at=utcnow())
    record_event(session, user.id, "deliverable.reported", item, before, snapshot(item, "status", "report"))
    notify(session, challenge.owner_id, "deliverable.reported", link(contract), title=challenge.title,
           milestone=item.title)
    return item


def accept(session: Session, user: Account, contract_id: int, item_id: int) -> Deliverable:
    """The enterprise accepts a reported milestone; accepting the last completes the contract. A milestone with
    an acceptance panel, or the final milestone of a government-funded challenge, is decided by the panel."""
    contract, challenge = as_owner(session, user, contract_id)
    item = deliverable_of(session, contract, item_id)
    _not_for_a_panel(session, contract, challenge, item, accepting=True)
    accept_item(session, user, contract, challenge, item)
    return item


def accept_item(session: Session, user: Account, contract: Contract, challenge: Challenge, item: Deliverable) -> None:
    """Accept a reported milestone (conditionally); accepting the last completes the contract."""
    if item.status != DeliverableStatus.REPORTED or contract.status != ContractStatus.CONFIRMED:
        raise InvalidTransition(_("Only a reported milestone of a confirmed contract can be accepted, once."))
    advance(session, item, DeliverableStatus.REPORTED, status=DeliverableStatus.ACCEPTED, accepted_at=utcnow())
    record_event(session, user.id, "deliverable.accepted", item, {"status": "reported"},
                 snapshot(item, "status", "amount"))
    notify(session, contract.solver_id, "deliverable.accepted", link(contract), title=challenge.title,
           milestone=item.title)
    if all(d.status == DeliverableStatus.ACCEPTED for d in deliverables(session, contract)):
        _complete(session, user, contract, challenge)


def send_back(session: Session, user: Account, contract_id: int, item_id: int, reason: str) -> Deliverable:
    """The enterprise returns a reported milestone with a reason; the solver reports it again."""
    contract, challenge = as_owner(session, user, contract_id)
    item = deliverable_of(session, contract, item_id)
    _not_for_a_panel(session, contract, challenge, item, accepting=False)
    return_item(session, user, contract, challenge, item, reason)
    return item


def return_item(session: Session, user: Account, contract: Contract, challenge: Challenge, item: Deliverable,
                reason: str) -> None:
    """Return a reported milestone with a reason (conditionally)."""
    if item.status != DeliverableStatus.REPORTED:
        raise InvalidTransition(_("Only a reported milestone can be returned."))
    advance(session, item, DeliverableStatus.REPORTED, status=DeliverableStatus.RETURNED, return_reason=reason)
    record_event(session, user.id, "deliverable.returned", item, {"status": "reported"},
                 snapshot(item, "status", "return_reason"))
    notify(session, contract.solver_id, "deliverable.returned", link(contract), title=challenge.title,
           milestone=item.title, reason=reason)


def _not_for_a_panel(session: Session, contract: Contract, challenge: Challenge, item: Deliverable,
                     accepting: bool) -> None:
    """Refuse the enterprise's own decision on a milestone a panel is judging, and its own acceptance of a final
    milestone that only a panel may accept (a government-funded challenge's)."""
    from webapp.services import acceptance  # acceptance builds on this module

    if acceptance.under_panel(session, item) or (accepting and acceptance.needs_panel(session, contract,
                                                                                       challenge, item)):
        raise InvalidTransition(_("This milestone is decided by an expert acceptance panel (验收)."))


def is_final(session: Session, contract: Contract, item: Deliverable) -> bool:
    """Whether the milestone is the contract's last."""
    return item.position == max(d.position for d in deliverables(session, contract))


def _complete(session: Session, user: Account, contract: Contract, challenge: Challenge) -> None:
    advance(session, contract, ContractStatus.CONFIRMED, status=ContractStatus.COMPLETED, ended_at=utcnow(),
            updated_at=utcnow())
    record_event(session, user.id, "contract.completed", contract, {"status": "confirmed"},
                 snapshot(contract, "status"))
    notify(session, contract.solver_id, "contract.completed", link(contract), title=challenge.title)
    _complete_challenge_if_done(session, user, challenge)


def _complete_challenge_if_done(session: Session, user: Account, challenge: Challenge) -> None:
    """Complete the challenge when every accepted bid has a contract and every contract has ended. Holding the
    challenge's lock, so of two contracts ending at once the second to commit sees the first."""
    lock_for_update(session, challenge)
    if challenge.status not in CONTRACTABLE:
        return
    accepted = set(session.exec(select(Bid.id).where(Bid.challenge_id == challenge.id,
                                                     Bid.status == BidStatus.ACCEPTED)))
    ended = set(session.exec(select(Contract.bid_id).where(
        Contract.challenge_id == challenge.id, col(Contract.status).in_([s.value for s in ENDED_CONTRACT_STATUSES]))))
    if accepted and accepted <= ended:
        move(session, user, challenge, ChallengeStatus.COMPLETED, "challenge.completed")


# ---- helpers ----

def as_owner(session: Session, user: Account, contract_id: int) -> tuple[Contract, Challenge]:
    """A contract of a challenge the user posted (others may read it but not act as its enterprise)."""
    contract, challenge = contract_for(session, user, contract_id)
    if challenge.owner_id != user.id:
        raise PermissionDenied(_("Only the enterprise that posted this challenge may do this."))
    return contract, challenge


def _as_solver(session: Session, user: Account, contract_id: int) -> tuple[Contract, Challenge]:
    contract, challenge = contract_for(session, user, contract_id)
    if contract.solver_id != user.id:
        raise PermissionDenied(_("Only the solver whose bid was accepted may do this."))
    return contract, challenge


def deliverable_of(session: Session, contract: Contract, item_id: int) -> Deliverable:
    item = session.get(Deliverable, item_id)
    if item is None or item.contract_id != contract.id:
        raise NotFound(_("No such milestone."))
    return item


def _write_milestones(session: Session, contract: Contract, terms: ContractTerms) -> None:
    for position, item in enumerate(terms.milestones, start=1):
        session.add(Deliverable(contract_id=contract.id, position=position, **item.model_dump()))
    session.flush()


def _terms_snapshot(contract: Contract, terms: ContractTerms) -> dict:
    return {**snapshot(contract, "status", "revision"), **terms.model_dump(mode="json")}
