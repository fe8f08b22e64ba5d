"""Dispatch endpoints: requests for commissioners, optimal proposals, edits, approval."""

from __future__ import annotations

from flask_login import current_user, login_required
from sqlmodel import SQLModel

from models.dispatch import (
    DispatchRead,
    DispatchRequestCreate,
    DispatchRequestRead,
    ProposalCreate,
    ProposalItemCreate,
    ProposalItemRead,
    ProposalRead,
)
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import dispatch as service

TAG = "dispatch"


class RequestList(SQLModel):
    """Requests for commissioners."""

    items: list[DispatchRequestRead]


class DispatchList(SQLModel):
    """Recorded dispatches."""

    items: list[DispatchRead]


def proposal_read(proposal_id: int) -> ProposalRead:
    """A proposal as the API shows it."""
    view = service.proposal_view(db.session(), current_user, proposal_id, choices=0)
    items = [ProposalItemRead(id=i.id, request_id=i.request_id,
                              organisation_id=view.requests[i.request_id][0].organisation_id,
                              commissioner_profile_id=i.commissioner_profile_id,
                              commissioner=view.profiles[i.commissioner_profile_id].display_name, score=i.score,
                              reasons=i.reasons, added_by_hand=i.added_by_hand) for i in view.items]
    return ProposalRead(**view.proposal.model_dump(include={"id", "status", "same_region", "start_date", "end_date",
                                                            "total_score"}), items=items)


@bp.post("/dispatch/requests")
@login_required
@validate(json=DispatchRequestCreate, resp=responses(201, DispatchRequestRead, 403, 422), tags=[TAG])
def create_request():
    """Ask for science commissioners (enterprises)."""
    row = service.request_commissioner(db.session(), current_user, body())
    db.commit()
    return DispatchRequestRead.model_validate(row, from_attributes=True), 201


@bp.post("/dispatch/requests/<int:request_id>/withdraw")
@login_required
@validate(resp=responses(200, DispatchRequestRead, 404, 409), tags=[TAG])
def withdraw_request(request_id: int):
    """Withdraw an open request (its enterprise)."""
    row = service.withdraw_request(db.session(), current_user, request_id)
    db.commit()
    return DispatchRequestRead.model_validate(row, from_attributes=True)


@bp.get("/dispatch/requests")
@login_required
@validate(resp=responses(200, RequestList), tags=[TAG])
def list_requests():
    """Open requests (government) or the caller's organisation's requests."""
    session = db.session()
    rows = [r for r, _o, _n in service.open_requests(session)] if current_user.has("government") \
        else service.requests_of(session, current_user)
    return RequestList(items=[DispatchRequestRead.model_validate(r, from_attributes=True) for r in rows])


@bp.post("/dispatch/proposals")
@login_required
@validate(json=ProposalCreate, resp=responses(201, ProposalRead, 403, 409, 422), tags=[TAG])
def create_proposal():
    """Solve the optimal assignment of commissioners to the chosen open requests (government)."""
    proposal = service.propose(db.session(), current_user, body())
    db.commit()
    return proposal_read(proposal.id), 201


@bp.get("/dispatch/proposals/<int:proposal_id>")
@login_required
@validate(resp=responses(200, ProposalRead, 403, 404), tags=[TAG])
def get_proposal(proposal_id: int):
    """A proposal with its pairs, scores and reasons (government)."""
    return proposal_read(proposal_id)


@bp.post("/dispatch/proposals/<int:proposal_id>/items")
@login_required
@validate(json=ProposalItemCreate, resp=responses(201, ProposalRead, 403, 404, 409, 422), tags=[TAG])
def add_item(proposal_id: int):
    """Add a pair by hand to a draft proposal; the rules still apply."""
    data = body()
    service.add_item(db.session(), current_user, proposal_id, data.request_id, data.commissioner_profile_id)
    db.commit()
    return proposal_read(proposal_id), 201


@bp.delete("/dispatch/proposals/<int:proposal_id>/items/<int:item_id>")
@login_required
@validate(resp=responses(200, ProposalRead, 403, 404, 409), tags=[TAG])
def remove_item(proposal_id: int, item_id: int):
    """Take a pair out of a draft proposal."""
    service.remove_item(db.session(), current_user, proposal_id, item_id)
    db.commit()
    return proposal_read(proposal_id)


@bp.post("/dispatch/proposals/<int:proposal_id>/approve")
@login_required
@validate(resp=responses(200, DispatchList, 403, 404, 409, 422), tags=[TAG])
def approve(proposal_id: int):
    """Approve a draft proposal: dispatches are recorded and notified."""
    dispatches = service.approve(db.session(), current_user, proposal_id)
    db.commit()
    return DispatchList(items=[DispatchRead.model_validate(d, from_attributes=True) for d in dispatches])


@bp.post("/dispatch/proposals/<int:proposal_id>/discard")
@login_required
@validate(resp=responses(200, ProposalRead, 403, 404, 409), tags=[TAG])
def discard(proposal_id: int):
    """Discard a draft proposal; its requests stay open."""
    service.discard(db.session(), current_user, proposal_id)
    db.commit()
    return proposal_read(proposal_id)
