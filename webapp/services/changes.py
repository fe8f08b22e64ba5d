"""Changes after confirmation (合同变更): either party proposes a delay or a change of scope — a new end date and
new due dates for the milestones not yet accepted, with the reason — and the other party accepts or declines it.

At most one change waits for an answer per contract (a unique partial index); an answer is a conditional update
of the proposed change, and accepting also conditionally updates the contract (still under way) and each
milestone (still not accepted), so concurrent answers, or an answer racing a termination, have one outcome.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.common import utcnow
from models.contracts import (
    ChangeIn,
    ChangeStatus,
    Contract,
    ContractChange,
    ContractStatus,
    Deliverable,
    DeliverableStatus,
)
from webapp.auth import Account
from webapp.services.audit import record_event, snapshot
from webapp.services.contracts import contract_for, deliverables, link
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify
from webapp.services.transitions import advance, advanced, insert_once

OPEN = (DeliverableStatus.PENDING, DeliverableStatus.REPORTED, DeliverableStatus.RETURNED)


def propose(session: Session, user: Account, contract_id: int, data: ChangeIn) -> ContractChange:
    """A party proposes new dates for a contract under way; the other party is asked."""
    contract, challenge = contract_for(session, user, contract_id)
    other = _other_party(user, contract, challenge.owner_id)
    if contract.status != ContractStatus.CONFIRMED:
        raise InvalidTransition(_("Changes after confirmation apply to a contract under way."))
    _check_dates(contract, deliverables(session, contract), data)
    change = ContractChange(contract_id=contract.id, requested_by=user.id, reason=data.reason,
                            end_date=data.end_date, dues={str(k): v.isoformat() for k, v in data.dues.items()})
    insert_once(session, change, _("A change to this contract is already waiting for an answer."))
    record_event(session, user.id, "contract.change_proposed", change, None, snapshot(change, "end_date", "dues"))
    notify(session, other, "contract.change_proposed", link(contract), title=challenge.title, reason=data.reason)
    return change


def answer_target(session: Session, change_id: int) -> ContractChange:
    """A change request by id, else NotFound (who may answer it is checked by `answer`)."""
    change = session.get(ContractChange, change_id)
    if change is None:
        raise NotFound(_("No such change."))
    return change


def answer(session: Session, user: Account, change_id: int, accept: bool, text: str) -> ContractChange:
    """The other party accepts the change (the new dates apply) or declines it, saying why."""
    change = answer_target(session, change_id)
    contract, challenge = contract_for(session, user, change.contract_id)
    _other_party(user, contract, challenge.owner_id)
    if user.id == change.requested_by:
        raise PermissionDenied(_("The other party answers a proposed change."))
    if change.status != ChangeStatus.PROPOSED:
        raise InvalidTransition(_("This change was already answered."))
    status = ChangeStatus.ACCEPTED if accept else ChangeStatus.DECLINED
    advance(session, change, ChangeStatus.PROPOSED, status=status, answer=text, decided_by=user.id,
            decided_at=utcnow())
    if accept:
        _apply(session, contract, change)
    record_event(session, user.id, f"contract.change_{status.value}", change, {"status": "proposed"},
                 snapshot(change, "status", "answer"))
    notify(session, change.requested_by, f"contract.change_{status.value}", link(contract), title=challenge.title,
           reason=text)
    return change


def changes_of(session: Session, contract_id: int) -> list[ContractChange]:
    """A contract's change requests, newest first."""
    return list(session.exec(select(ContractChange).where(ContractChange.contract_id == contract_id)
                             .order_by(col(ContractChange.id).desc())))


def _apply(session: Session, contract: Contract, change: ContractChange) -> None:
    """The new end date, and the new due dates of milestones still not accepted (their overdue notice reset)."""
    advance(session, contract, ContractStatus.CONFIRMED, end_date=change.end_date, updated_at=utcnow())
    for item_id, day in change.dues.items():
        item = session.get(Deliverable, int(item_id))
        if item is not None:
            advanced(session, item, OPEN, due=_date(day), overdue_noticed_on=None)


def _check_dates(contract: Contract, items: list[Deliverable], data: ChangeIn) -> None:
    """New dates within the period, for milestones not yet accepted, keeping the milestones' order."""
    if data.end_date < contract.start_date:
        raise ValidationError(_("The end must not be before the start."), {"end_date": _("The end must not be "
                                                                                         "before the start.")})
    open_ids = {i.id for i in items if i.status != DeliverableStatus.ACCEPTED}
    dues = [data.dues.get(i.id, i.due) if i.id in open_ids else i.due for i in items]
    message = None
    if set(data.dues) - open_ids:
        message = _("New due dates are for this contract's milestones that are not yet accepted.")
    elif any(not contract.start_date <= d <= data.end_date for d, i in zip(dues, items, strict=True)
             if i.id in open_ids):
        message = _("Every milestone is due within the contract's period.")
    elif any(b < a for a, b in zip(dues, dues[1:], strict=False)):
        message = _("Milestones stay in the order they are due.")
    if message:
        raise ValidationError(message, {"dues": message})


def _other_party(user: Account, contract: Contract, owner_id: int) -> int:
    if user.id not in (owner_id, contract.solver_id):
        raise PermissionDenied(_("Only the parties to a contract change it."))
    return contract.solver_id if user.id == owner_id else owner_id


def _date(day: str) -> dt.date:
    return dt.date.fromisoformat(day)
