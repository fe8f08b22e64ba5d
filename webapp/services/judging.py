"""验收 on the panellist's side: the panels in their queue, the verdict sheet (each criterion met / partly / not
met with a note, a pass or fail conclusion), and declaring a conflict of interest (the engine's next best allowed
expert takes the seat)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.acceptance import AcceptanceAssignment, AcceptanceReview, AcceptanceStatus, VerdictSubmit
from models.challenges import Challenge
from models.common import utcnow
from models.contracts import Contract, Deliverable
from models.reviews import AssignmentStatus
from webapp.auth import Account
from webapp.services import acceptance as panels
from webapp.services.access import require_not_barred
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import InvalidTransition, NotFound, ValidationError
from webapp.services.notifications import notify
from webapp.services.transitions import advance, lock_for_reading, lock_for_update


@dataclass(frozen=True)
class Seat:
    """One panel in a panellist's queue, with what it judges."""

    assignment: AcceptanceAssignment
    acceptance: AcceptanceReview
    contract: Contract
    challenge: Challenge
    item: Deliverable


def _seats():
    return (select(AcceptanceAssignment, AcceptanceReview, Contract, Challenge, Deliverable)
            .join(AcceptanceReview, AcceptanceReview.id == AcceptanceAssignment.acceptance_id)
            .join(Contract, Contract.id == AcceptanceReview.contract_id)
            .join(Challenge, Challenge.id == AcceptanceReview.challenge_id)
            .join(Deliverable, Deliverable.id == AcceptanceReview.deliverable_id))


def queue(session: Session, user: Account) -> list[Seat]:
    """The panellist's panels, newest first."""
    rows = session.exec(_seats().where(AcceptanceAssignment.user_id == user.id)
                        .order_by(col(AcceptanceReview.id).desc())).all()
    return [Seat(*row) for row in rows]


def seat(session: Session, user: Account, assignment_id: int) -> Seat:
    """One of the panellist's own seats, else NotFound."""
    row = session.exec(_seats().where(AcceptanceAssignment.id == assignment_id)).first()
    if row is None or row[0].user_id != user.id:
        raise NotFound(_("No such acceptance assignment."))
    return Seat(*row)


def submit(session: Session, user: Account, assignment_id: int, data: VerdictSubmit) -> AcceptanceAssignment:
    """Record the panellist's verdicts (revisable while the panel is open)."""
    place = seat(session, user, assignment_id)
    require_not_barred(session, user.id, user.organisation_id)
    lock_for_reading(session, place.acceptance)  # a conclusion committing meanwhile is seen, not raced
    if place.acceptance.status != AcceptanceStatus.OPEN:
        raise InvalidTransition(_("This panel was already concluded."))
    count = len(place.acceptance.criteria)
    if len(data.verdicts) != count:
        message = _("Give one verdict for each of the %(n)s criteria.", n=count)
        raise ValidationError(message, {"verdicts": message})
    notes = (data.notes + [""] * count)[:count]
    before = snapshot(place.assignment, "status", "verdicts", "conclusion")
    advance(session, place.assignment, (AssignmentStatus.CONFIRMED, AssignmentStatus.DONE),
            status=AssignmentStatus.DONE, verdicts=[v.value for v in data.verdicts], notes=notes,
            conclusion=data.conclusion, comment=data.comment.strip(), submitted_at=utcnow())
    record_event(session, user.id, "acceptance.judged", place.assignment, before,
                 snapshot(place.assignment, "status", "verdicts", "conclusion"))
    first_verdict = before["status"] == AssignmentStatus.CONFIRMED.value  # a revision tells nobody again
    if first_verdict and not any(a.status == AssignmentStatus.CONFIRMED
                                 for a in panels.panellists(session, place.acceptance.id)):
        notify(session, place.acceptance.organiser_id, "acceptance.judged", panels.link(place.acceptance),
               title=place.challenge.title)
    return place.assignment


def declare_conflict(session: Session, user: Account, assignment_id: int, note: str) -> AcceptanceAssignment | None:
    """The panellist declares a conflict of interest; the best allowed expert never seated takes the place (None
    when nobody may: the organiser is told)."""
    place = seat(session, user, assignment_id)
    lock_for_update(session, place.acceptance)  # replacements read the seats, then write: one at a time per panel
    if place.acceptance.status != AcceptanceStatus.OPEN:
        raise InvalidTransition(_("This panel was already concluded."))
    advance(session, place.assignment, AssignmentStatus.CONFIRMED, status=AssignmentStatus.CONFLICT,
            conflict_note=note.strip())
    record_event(session, user.id, "acceptance.conflict_declared", place.assignment, {"status": "confirmed"},
                 snapshot(place.assignment, "status", "conflict_note"))
    successor = panels.replacement(session, place.acceptance)
    if successor is not None:
        session.add(successor)
        session.flush()
        record_event(session, user.id, "acceptance.reassigned", successor, None,
                     snapshot(successor, "profile_id", "match"))
        notify(session, successor.user_id, "acceptance.assigned", "/reviews/mine", title=place.challenge.title,
               deadline=place.acceptance.deadline.isoformat())
    notify(session, place.acceptance.organiser_id, "review.conflict" if successor else "review.short",
           panels.link(place.acceptance), title=place.challenge.title)
    return successor
