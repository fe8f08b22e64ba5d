"""Curation endpoints: ranked candidates for a challenge, and curators' decisions."""

from __future__ import annotations

from flask_login import current_user, login_required
from sqlmodel import Field, SQLModel

from matching import ENGINE_VERSION
from matching.bands import band
from models.curation import DecisionCreate, DecisionRead, InvitationDecline, RankedCandidate, RankedCandidateList
from models.profiles import ProfileKind
from models.validation import MAX_RECORD_ID
from webapp import db
from webapp.api.base import Done, body, bp, query, responses, validate
from webapp.i18n import BAND_SETTINGS
from webapp.services import curation, ranking

TAG = "curation"


class CandidateSearch(SQLModel):
    """Which kind of candidate, and how many."""

    kind: ProfileKind = ProfileKind.SOLVER
    k: int = Field(default=20, ge=1, le=100)


@bp.get("/challenges/<int:challenge_id>/candidates")
@login_required
@validate(query=CandidateSearch, resp=responses(200, RankedCandidateList, 403, 404, 422), tags=[TAG])
def ranked_candidates(challenge_id: int):
    """Candidates ranked by the engine for a challenge, with reasons (conflicts of interest excluded)."""
    search = query()
    rows = curation.ranked_candidates(db.session(), current_user, challenge_id, search.kind, search.k)
    db.commit()
    items = [RankedCandidate(rank=r.rank, profile_id=r.profile.id, name=r.profile.display_name,
                             kind=r.profile.kind.value, score=r.hit.score, band=band(r.hit.score, BAND_SETTINGS),
                             reasons=ranking.stored(r.hit.reasons),
                             region=r.profile.region.value, organisation=r.profile.organisation,
                             recommendation_id=r.recommendation_id,
                             decision=r.decision.decision if r.decision else None, load=r.profile.load,
                             capacity=r.profile.capacity) for r in rows]
    return RankedCandidateList(engine_version=ENGINE_VERSION, items=items)


@bp.post("/challenges/<int:challenge_id>/decisions")
@login_required
@validate(json=DecisionCreate, resp=responses(201, DecisionRead, 403, 404, 409, 422), tags=[TAG])
def decide(challenge_id: int):
    """Recommend, shortlist or reject a candidate (technical managers and government)."""
    data = body()
    row = curation.decide(db.session(), current_user, challenge_id, data.profile_id, data.decision,
                          data.reject_reason, data.note)
    db.commit()
    return DecisionRead.model_validate(row, from_attributes=True), 201


class Invitation(SQLModel):
    """Whom to invite."""

    profile_id: int = Field(ge=1, le=MAX_RECORD_ID)


@bp.post("/challenges/<int:challenge_id>/invitations")
@login_required
@validate(json=Invitation, resp=responses(200, Done, 403, 404, 409, 422), tags=[TAG])
def invite(challenge_id: int):
    """Invite a solver the managers recommended to bid (the enterprise); the solver is notified."""
    curation.invite(db.session(), current_user, challenge_id, body().profile_id)
    db.commit()
    return Done()


@bp.post("/challenges/<int:challenge_id>/invitation/decline")
@login_required
@validate(json=InvitationDecline, resp=responses(200, Done, 404, 409, 422), tags=[TAG])
def decline_invitation(challenge_id: int):
    """Decline the caller's invitation to bid (solvers); the solver is not proposed for it again."""
    curation.decline_invitation(db.session(), current_user, challenge_id, body().reason)
    db.commit()
    return Done()
