"""Contract endpoints: propose terms for an accepted bid, confirm or ask for changes, report, accept or return
milestones, terminate."""

from __future__ import annotations

from flask_login import current_user, login_required

from models.contracts import (
    ChangeIn,
    ChangeRead,
    Confirmation,
    ContractList,
    ContractRead,
    ContractTerms,
    DeliverableRead,
    Note,
    RatingIn,
    RatingRead,
    TrackRecord,
)
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import changes, contracts, profiles, track

TAG = "contracts"


def _read(contract_id: int) -> ContractRead:
    session = db.session()
    return contracts.read(session, *contracts.contract_for(session, current_user, contract_id))


@bp.get("/contracts")
@login_required
@validate(resp=responses(200, ContractList), tags=[TAG])
def list_contracts():
    """The contracts you are party to, newest first (government: every contract)."""
    session = db.session()
    return ContractList(items=[contracts.read(session, c, ch) for c, ch in contracts.my_contracts(session,
                                                                                                   current_user)])


@bp.get("/contracts/<int:contract_id>")
@login_required
@validate(resp=responses(200, ContractRead, 404), tags=[TAG])
def get_contract(contract_id: int):
    """A contract with its milestones (its parties and government)."""
    return _read(contract_id)


@bp.post("/bids/<int:bid_id>/contract")
@login_required
@validate(json=ContractTerms, resp=responses(201, ContractRead, 403, 404, 409, 422), tags=[TAG])
def propose_contract(bid_id: int):
    """Propose the contract of an accepted bid (the challenge's enterprise): price, period, milestones."""
    contract = contracts.propose(db.session(), current_user, bid_id, body())
    db.commit()
    return _read(contract.id), 201


@bp.put("/contracts/<int:contract_id>")
@login_required
@validate(json=ContractTerms, resp=responses(200, ContractRead, 403, 404, 409, 422), tags=[TAG])
def revise_contract(contract_id: int):
    """Revise terms not yet confirmed (the enterprise); the solver must confirm the new revision."""
    contracts.revise(db.session(), current_user, contract_id, body())
    db.commit()
    return _read(contract_id)


@bp.post("/contracts/<int:contract_id>/confirm")
@login_required
@validate(json=Confirmation, resp=responses(200, ContractRead, 403, 404, 409, 422), tags=[TAG])
def confirm_contract(contract_id: int):
    """Confirm the revision of the terms you read (the solver); the challenge is then in progress."""
    contracts.confirm(db.session(), current_user, contract_id, body().revision)
    db.commit()
    return _read(contract_id)


@bp.post("/contracts/<int:contract_id>/request-changes")
@login_required
@validate(json=Note, resp=responses(200, ContractRead, 403, 404, 409, 422), tags=[TAG])
def request_contract_changes(contract_id: int):
    """Ask for changes to proposed terms, saying which (the solver)."""
    contracts.request_changes(db.session(), current_user, contract_id, body().text)
    db.commit()
    return _read(contract_id)


@bp.post("/contracts/<int:contract_id>/terminate")
@login_required
@validate(json=Note, resp=responses(200, ContractRead, 403, 404, 409, 422), tags=[TAG])
def terminate_contract(contract_id: int):
    """End an open contract early with a reason (the enterprise)."""
    contracts.terminate(db.session(), current_user, contract_id, body().text)
    db.commit()
    return _read(contract_id)


def _item(item) -> DeliverableRead:
    return DeliverableRead(**item.model_dump(), overdue=contracts.is_overdue(item))


@bp.post("/contracts/<int:contract_id>/milestones/<int:item_id>/report")
@login_required
@validate(json=Note, resp=responses(200, DeliverableRead, 403, 404, 409, 422), tags=[TAG])
def report_deliverable(contract_id: int, item_id: int):
    """Report a milestone delivered, describing the evidence (the solver); earlier ones must be accepted."""
    item = contracts.report(db.session(), current_user, contract_id, item_id, body().text)
    db.commit()
    return _item(item)


@bp.post("/contracts/<int:contract_id>/milestones/<int:item_id>/accept")
@login_required
@validate(resp=responses(200, DeliverableRead, 403, 404, 409), tags=[TAG])
def accept_deliverable(contract_id: int, item_id: int):
    """Accept a reported milestone (the enterprise); the last one accepted completes the contract."""
    item = contracts.accept(db.session(), current_user, contract_id, item_id)
    db.commit()
    return _item(item)


@bp.post("/contracts/<int:contract_id>/milestones/<int:item_id>/return")
@login_required
@validate(json=Note, resp=responses(200, DeliverableRead, 403, 404, 409, 422), tags=[TAG])
def return_deliverable(contract_id: int, item_id: int):
    """Return a reported milestone with a reason (the enterprise)."""
    item = contracts.send_back(db.session(), current_user, contract_id, item_id, body().text)
    db.commit()
    return _item(item)


@bp.post("/contracts/<int:contract_id>/rating")
@login_required
@validate(json=RatingIn, resp=responses(201, RatingRead, 403, 404, 409, 422), tags=[TAG])
def rate_contract(contract_id: int):
    """Rate the other party of a completed contract, 1–5 stars with a comment (once each)."""
    row = track.rate(db.session(), current_user, contract_id, body())
    db.commit()
    return RatingRead.model_validate(row, from_attributes=True), 201


@bp.get("/profiles/<int:profile_id>/record")
@login_required
@validate(resp=responses(200, TrackRecord, 404), tags=[TAG])
def profile_record(profile_id: int):
    """A candidate's track record on the platform's contracts, and the ratings enterprises gave."""
    session = db.session()
    profile = profiles.get_profile(session, profile_id)
    return track.of_solvers(session, [profile.user_id]).get(profile.user_id, TrackRecord())


@bp.post("/contracts/<int:contract_id>/changes")
@login_required
@validate(json=ChangeIn, resp=responses(201, ChangeRead, 403, 404, 409, 422), tags=[TAG])
def propose_change(contract_id: int):
    """Propose a change to a contract under way (either party): reason, new end date, and new due dates
    `{milestone id: date}` for milestones not yet accepted; the other party answers."""
    row = changes.propose(db.session(), current_user, contract_id, body())
    db.commit()
    return ChangeRead.model_validate(row, from_attributes=True), 201


@bp.post("/contract-changes/<int:change_id>/<any(accept, decline):action>")
@login_required
@validate(json=Note, resp=responses(200, ChangeRead, 403, 404, 409, 422), tags=[TAG])
def answer_change(change_id: int, action: str):
    """Accept (the new dates apply) or decline a proposed change, saying why (the other party)."""
    row = changes.answer(db.session(), current_user, change_id, action == "accept", body().text)
    db.commit()
    return ChangeRead.model_validate(row, from_attributes=True)
