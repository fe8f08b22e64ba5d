"""技术合同认定登记: the enterprise completes and confirms the registration record of a confirmed or completed
contract (prefilled from the contract, the challenge and both organisations); the parties and government read
it and download it as a PDF for signature; government counts and exports the confirmed ones."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, select

from models.accounts import Organisation, User
from models.challenges import Challenge
from models.common import utcnow
from models.contracts import Contract, ContractStatus
from models.registration import ContractType, Registration, RegistrationIn, RegistrationStatus
from webapp.auth import Account
from webapp.services.audit import record_event, snapshot
from webapp.services.contracts import as_owner, contract_for, link
from webapp.services.errors import InvalidTransition, NotFound
from webapp.services.notifications import notify, notify_role
from webapp.services.transitions import advance, insert_once

REGISTRABLE = (ContractStatus.CONFIRMED, ContractStatus.COMPLETED)


def registration_of(session: Session, contract_id: int) -> Registration | None:
    """The contract's registration record, if one was started."""
    return session.exec(select(Registration).where(Registration.contract_id == contract_id)).first()


def visible(session: Session, user: Account, contract_id: int) -> tuple[Registration, Contract, Challenge]:
    """The registration record of a contract the user is party to or governs."""
    contract, challenge = contract_for(session, user, contract_id)
    found = registration_of(session, contract.id)
    if found is None:
        raise NotFound(_("This contract has no registration record yet."))
    return found, contract, challenge


def prefilled(session: Session, contract: Contract, challenge: Challenge) -> dict:
    """A first draft: the enterprise buys, the solver's organisation sells, the price is the technology income."""
    buyer = session.get(Organisation, challenge.organisation_id)
    solver = session.get(User, contract.solver_id)
    seller = session.get(Organisation, solver.organisation_id) if solver else None
    return {"contract_type": ContractType.DEVELOPMENT.value,
            "buyer_name": buyer.name if buyer else "", "buyer_credit_code": (buyer.credit_code or "") if buyer else "",
            "seller_name": seller.name if seller else "",
            "seller_credit_code": (seller.credit_code or "") if seller else "",
            "total_amount": contract.price, "technology_income": contract.price,
            "signed_on": (contract.confirmed_at or contract.created_at).date().isoformat(),
            "start_date": contract.start_date.isoformat(), "end_date": contract.end_date.isoformat(),
            "field": challenge.field.value, "region": challenge.region.value}


def save(session: Session, user: Account, contract_id: int, data: RegistrationIn) -> Registration:
    """The enterprise saves the draft record of a confirmed or completed contract (again while a draft)."""
    contract, challenge = as_owner(session, user, contract_id)
    if contract.status not in REGISTRABLE:
        raise InvalidTransition(_("A contract is registered once both parties confirmed it."))
    found = registration_of(session, contract.id)
    if found is None:
        found = Registration(**data.model_dump(), contract_id=contract.id, created_by=user.id)
        insert_once(session, found, _("This contract's registration record already exists; edit it."))
        record_event(session, user.id, "registration.drafted", found, None, snapshot(found))
        return found
    if found.status != RegistrationStatus.DRAFT:
        raise InvalidTransition(_("A confirmed registration record cannot be changed."))
    before = snapshot(found, *data.model_dump())
    advance(session, found, RegistrationStatus.DRAFT, **data.model_dump())
    record_event(session, user.id, "registration.edited", found, before, snapshot(found, *data.model_dump()))
    return found


def confirm(session: Session, user: Account, contract_id: int) -> Registration:
    """The enterprise confirms the record: it is final, the solver and government are told."""
    contract, challenge = as_owner(session, user, contract_id)
    found = registration_of(session, contract.id)
    if found is None:
        raise NotFound(_("This contract has no registration record yet."))
    if found.status != RegistrationStatus.DRAFT:
        raise InvalidTransition(_("This registration record is already confirmed."))
    advance(session, found, RegistrationStatus.DRAFT, status=RegistrationStatus.CONFIRMED, confirmed_at=utcnow())
    record_event(session, user.id, "registration.confirmed", found, {"status": "draft"},
                 snapshot(found, "status", "total_amount", "technology_income"))
    notify(session, contract.solver_id, "registration.confirmed", link(contract), title=challenge.title)
    notify_role(session, "government", "registration.confirmed", link(contract), title=challenge.title)
    return found
