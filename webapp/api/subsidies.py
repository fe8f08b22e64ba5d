"""Subsidy endpoints (政府助题): attach a subsidy, report, release or return milestones."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.subsidies import Binding, MilestoneRead, MilestoneReport, MilestoneReturn, SubsidyCreate, SubsidyRead
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import subsidies
from webapp.services.errors import NotFound

TAG = "subsidies"


def _read(challenge_id: int, row) -> MilestoneRead:
    return subsidies.milestone_read(row, subsidies.deliverables_of(db.session(), challenge_id))


@bp.post("/challenges/<int:challenge_id>/milestones/<int:milestone_id>/bind")
@login_required
@validate(json=Binding, resp=responses(200, MilestoneRead, 403, 404, 409, 422), tags=[TAG])
def bind_milestone(challenge_id: int, milestone_id: int):
    """Bind an unreleased tranche to a contract milestone of the challenge, or unbind it with null (government);
    a bound tranche is released only after its contract milestone is accepted."""
    row = subsidies.bind(db.session(), current_user, challenge_id, milestone_id, body().deliverable_id)
    db.commit()
    return _read(challenge_id, row)


@bp.get("/challenges/<int:challenge_id>/subsidy")
@login_required
@validate(resp=responses(200, SubsidyRead, 404), tags=[TAG])
def get_subsidy(challenge_id: int):
    """A challenge's subsidy with its milestones and the amount released so far."""
    found = subsidies.visible_subsidy(db.session(), current_user, challenge_id)
    if found is None:
        raise NotFound(_("This challenge has no subsidy."))
    return found


@bp.post("/challenges/<int:challenge_id>/subsidy")
@login_required
@validate(json=SubsidyCreate, resp=responses(201, SubsidyRead, 403, 404, 409, 422), tags=[TAG])
def attach_subsidy(challenge_id: int):
    """Attach a subsidy split into milestones to a published challenge (government)."""
    session = db.session()
    subsidies.attach(session, current_user, challenge_id, body())
    db.commit()
    return subsidies.visible_subsidy(session, current_user, challenge_id), 201


@bp.post("/challenges/<int:challenge_id>/milestones/<int:milestone_id>/report")
@login_required
@validate(json=MilestoneReport, resp=responses(200, MilestoneRead, 403, 404, 409, 422), tags=[TAG])
def report_milestone(challenge_id: int, milestone_id: int):
    """Report a milestone done (the enterprise); earlier milestones must be released."""
    row = subsidies.report(db.session(), current_user, challenge_id, milestone_id, body().note)
    db.commit()
    return _read(challenge_id, row)


@bp.post("/challenges/<int:challenge_id>/milestones/<int:milestone_id>/release")
@login_required
@validate(resp=responses(200, MilestoneRead, 403, 404, 409), tags=[TAG])
def release_milestone(challenge_id: int, milestone_id: int):
    """Approve a reported milestone and release its funds (government); never twice."""
    row = subsidies.release(db.session(), current_user, challenge_id, milestone_id)
    db.commit()
    return _read(challenge_id, row)


@bp.post("/challenges/<int:challenge_id>/milestones/<int:milestone_id>/return")
@login_required
@validate(json=MilestoneReturn, resp=responses(200, MilestoneRead, 403, 404, 409, 422), tags=[TAG])
def return_milestone(challenge_id: int, milestone_id: int):
    """Return a reported milestone with a reason (government)."""
    row = subsidies.send_back(db.session(), current_user, challenge_id, milestone_id, body().reason)
    db.commit()
    return _read(challenge_id, row)
