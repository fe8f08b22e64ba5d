"""验收 endpoints: refer a contract's reported final milestone to an expert panel, the panellists' queue and
verdicts, conflicts of interest, and the organiser's conclusion."""

from __future__ import annotations

import datetime as dt

from flask_login import current_user, login_required
from sqlmodel import SQLModel

from models.acceptance import (
    AcceptanceCriterion,
    AcceptanceDecision,
    AcceptanceOpen,
    AcceptanceRead,
    Conclusion,
    Verdict,
    VerdictSubmit,
)
from models.reviews import AssignmentStatus, ConflictNote
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.api.reviews import Replacement
from webapp.services import acceptance, contracts, judging

TAG = "acceptance"


class AcceptanceList(SQLModel):
    """A contract's panels, first round first."""

    items: list[AcceptanceRead]


class SeatRead(SQLModel):
    """A panel in a panellist's queue: what it judges and the panellist's own verdicts."""

    assignment_id: int
    acceptance_id: int
    contract_id: int
    challenge_id: int
    challenge_title: str
    milestone: str
    report: str
    deadline: dt.date
    open: bool
    criteria: list[AcceptanceCriterion]
    status: AssignmentStatus
    verdicts: list[Verdict]
    notes: list[str]
    conclusion: Conclusion | None
    comment: str


class SeatList(SQLModel):
    """The caller's acceptance panels."""

    items: list[SeatRead]


def _read(acceptance_id: int) -> AcceptanceRead:
    session = db.session()
    panel, _contract, challenge = acceptance.panel_for(session, current_user, acceptance_id)
    return acceptance.read(session, panel, named=acceptance.may_see_names(session, current_user, challenge))


def seat_read(seat: judging.Seat) -> SeatRead:
    """A seat as the API returns it."""
    a, panel = seat.assignment, seat.acceptance
    return SeatRead(assignment_id=a.id, acceptance_id=panel.id, contract_id=seat.contract.id,
                    challenge_id=seat.challenge.id, challenge_title=seat.challenge.title, milestone=seat.item.title,
                    report=seat.item.report, deadline=panel.deadline, open=panel.status == "open",
                    criteria=[AcceptanceCriterion(**c) for c in panel.criteria], status=a.status,
                    verdicts=[Verdict(v) for v in a.verdicts], notes=a.notes, conclusion=a.conclusion,
                    comment=a.comment)


@bp.post("/contracts/<int:contract_id>/acceptance")
@login_required
@validate(json=AcceptanceOpen, resp=responses(201, AcceptanceRead, 403, 404, 409, 422), tags=[TAG])
def open_acceptance(contract_id: int):
    """Refer the reported final milestone to an expert panel (the enterprise, or government when it funds the
    challenge): the engine seats the best allowed experts under the conflict rules of expert review."""
    panel = acceptance.open_panel(db.session(), current_user, contract_id, body())
    db.commit()
    return _read(panel.id), 201


@bp.get("/contracts/<int:contract_id>/acceptance")
@login_required
@validate(resp=responses(200, AcceptanceList, 404), tags=[TAG])
def contract_panels(contract_id: int):
    """A contract's acceptance panels (its parties and government)."""
    session = db.session()
    contract, _challenge = contracts.contract_for(session, current_user, contract_id)
    return AcceptanceList(items=[_read(p.id) for p in acceptance.panels_of(session, contract)])


@bp.get("/acceptance/<int:acceptance_id>")
@login_required
@validate(resp=responses(200, AcceptanceRead, 404), tags=[TAG])
def get_acceptance(acceptance_id: int):
    """A panel with its verdicts (panellists named for the organiser's side and government)."""
    return _read(acceptance_id)


@bp.post("/acceptance/<int:acceptance_id>/conclude")
@login_required
@validate(json=AcceptanceDecision, resp=responses(200, AcceptanceRead, 403, 404, 409, 422), tags=[TAG])
def conclude_acceptance(acceptance_id: int):
    """Conclude the panel (its organiser): `complete` after a passing panel; after a failing one `return` (the
    reason goes to the solver with the milestone) or `terminate` (the reason ends the contract)."""
    acceptance.conclude(db.session(), current_user, acceptance_id, body())
    db.commit()
    return _read(acceptance_id)


@bp.get("/acceptance-assignments")
@login_required
@validate(resp=responses(200, SeatList), tags=[TAG])
def my_seats():
    """Your acceptance panels, newest first."""
    return SeatList(items=[seat_read(s) for s in judging.queue(db.session(), current_user)])


@bp.put("/acceptance-assignments/<int:assignment_id>")
@login_required
@validate(json=VerdictSubmit, resp=responses(200, SeatRead, 403, 404, 409, 422), tags=[TAG])
def judge(assignment_id: int):
    """Your verdict on each criterion (met / partly / not_met, with notes) and your conclusion (pass / fail);
    revisable while the panel is open."""
    session = db.session()
    judging.submit(session, current_user, assignment_id, body())
    db.commit()
    return seat_read(judging.seat(session, current_user, assignment_id))


@bp.post("/acceptance-assignments/<int:assignment_id>/conflict")
@login_required
@validate(json=ConflictNote, resp=responses(200, Replacement, 404, 409, 422), tags=[TAG])
def declare_acceptance_conflict(assignment_id: int):
    """Declare a conflict of interest; the engine's next best allowed expert takes the seat."""
    successor = judging.declare_conflict(db.session(), current_user, assignment_id, body().note)
    db.commit()
    return Replacement(replaced_by=successor.profile_id if successor else None)
