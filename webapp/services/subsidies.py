"""Subsidies (政府助题): government funds part of a challenge's reward, released milestone by milestone.

A milestone moves pending → reported → released, or reported → returned → reported again. The enterprise
may report a milestone only when every earlier one is released, and a release is a conditional update of a
reported milestone, so funds cannot be released twice or out of order even by two requests at once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.accounts import User
from models.challenges import Challenge, ChallengeStatus
from models.common import utcnow
from models.contracts import Contract, Deliverable, DeliverableStatus
from models.subsidies import (
    Milestone,
    MilestoneRead,
    MilestoneStatus,
    Subsidy,
    SubsidyCreate,
    SubsidyRead,
)
from webapp.auth import Account
from webapp.services.access import require_not_barred
from webapp.services.audit import record_event, snapshot
from webapp.services.challenges import get_challenge, link_to, owned_challenge
from webapp.services.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify, notify_role
from webapp.services.transitions import advance, insert_once

UNRELEASED = (MilestoneStatus.PENDING, MilestoneStatus.REPORTED, MilestoneStatus.RETURNED)
SUBSIDISABLE = (ChallengeStatus.PUBLISHED, ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)
REPORTABLE = (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS, ChallengeStatus.COMPLETED)


def subsidy_of(session: Session, challenge_id: int) -> Subsidy | None:
    """The challenge's subsidy, if government attached one."""
    return session.exec(select(Subsidy).where(Subsidy.challenge_id == challenge_id)).first()


def milestones_of(session: Session, subsidy: Subsidy) -> list[Milestone]:
    """A subsidy's milestones in order."""
    return list(session.exec(select(Milestone).where(Milestone.subsidy_id == subsidy.id)
                             .order_by(col(Milestone.position))))


def read(session: Session, subsidy: Subsidy, challenge: Challenge) -> SubsidyRead:
    """A subsidy with its share of the reward, the amount released so far, and each tranche's contract milestone."""
    milestones = milestones_of(session, subsidy)
    released = sum(m.amount for m in milestones if m.status == MilestoneStatus.RELEASED)
    share = subsidy.amount / challenge.budget if challenge.budget else 0.0
    bound = deliverables_of(session, challenge.id)
    return SubsidyRead(id=subsidy.id, challenge_id=subsidy.challenge_id, amount=subsidy.amount,
                       share=round(share, 4), conditions=subsidy.conditions, released=released,
                       milestones=[milestone_read(m, bound) for m in milestones])


def milestone_read(milestone: Milestone, bound: dict[int, tuple[str, bool]] | None = None) -> MilestoneRead:
    """A tranche as the API shows it, naming its contract milestone and whether that one is accepted."""
    read_ = MilestoneRead.model_validate(milestone, from_attributes=True)
    if milestone.deliverable_id is not None and bound is not None and milestone.deliverable_id in bound:
        read_.deliverable, read_.deliverable_accepted = bound[milestone.deliverable_id]
    return read_


def deliverables_of(session: Session, challenge_id: int) -> dict[int, tuple[str, bool]]:
    """The contract milestones of a challenge's contracts: id → (description, accepted)."""
    rows = session.exec(select(Deliverable, User.name).join(Contract, Contract.id == Deliverable.contract_id)
                        .join(User, User.id == Contract.solver_id).where(Contract.challenge_id == challenge_id)
                        .order_by(col(Contract.id), col(Deliverable.position)))
    return {d.id: (f"{name} · {d.position}. {d.title}", d.status == DeliverableStatus.ACCEPTED) for d, name in rows}


def bind(session: Session, user: Account, challenge_id: int, milestone_id: int,
         deliverable_id: int | None) -> Milestone:
    """Government binds an unreleased tranche to one of the challenge's contract milestones (or unbinds it)."""
    challenge = _governed(session, user, challenge_id)
    milestone = _milestone(session, challenge, milestone_id)[1]
    if deliverable_id is not None and deliverable_id not in deliverables_of(session, challenge.id):
        message = _("Choose a milestone of this challenge's contracts.")
        raise ValidationError(message, {"deliverable_id": message})
    if milestone.status == MilestoneStatus.RELEASED:
        raise InvalidTransition(_("A released tranche cannot be bound."))
    before = snapshot(milestone, "deliverable_id")
    advance(session, milestone, UNRELEASED, deliverable_id=deliverable_id)
    record_event(session, user.id, "milestone.bound", milestone, before, snapshot(milestone, "deliverable_id"))
    return milestone


def visible_subsidy(session: Session, user: Account, challenge_id: int) -> SubsidyRead | None:
    """The subsidy of a challenge the user may know of (public once the challenge is)."""
    challenge = get_challenge(session, user, challenge_id)
    subsidy = subsidy_of(session, challenge.id)
    return read(session, subsidy, challenge) if subsidy else None


def attach(session: Session, user: Account, challenge_id: int, data: SubsidyCreate) -> Subsidy:
    """Government attaches a subsidy, split into milestones, to a published challenge."""
    if not user.has("government"):
        raise PermissionDenied(_("Only government staff set subsidies."))
    challenge = get_challenge(session, user, challenge_id)
    if challenge.status not in SUBSIDISABLE:
        raise InvalidTransition(_("Only a published challenge can be subsidised."))
    if subsidy_of(session, challenge.id) is not None:
        raise Conflict(_("This challenge already has a subsidy."))
    _require_fundable(session, challenge)
    if data.amount > challenge.budget:
        message = _("A subsidy cannot exceed the challenge's reward (%(budget)s yuan).", budget=challenge.budget)
        raise ValidationError(message, {"amount": message})
    subsidy = Subsidy(challenge_id=challenge.id, amount=data.amount, conditions=data.conditions.strip(),
                      created_by=user.id)
    insert_once(session, subsidy, _("This challenge already has a subsidy."))
    for position, item in enumerate(data.milestones, start=1):
        session.add(Milestone(subsidy_id=subsidy.id, position=position, title=item.title, amount=item.amount))
    record_event(session, user.id, "subsidy.attached", subsidy, None,
                 {"amount": subsidy.amount, "milestones": [m.model_dump() for m in data.milestones]})
    notify(session, challenge.owner_id, "subsidy.attached", link_to(challenge), title=challenge.title,
           amount=f"{subsidy.amount:,}")
    return subsidy


def _milestone(session: Session, challenge: Challenge, milestone_id: int) -> tuple[Subsidy, Milestone]:
    subsidy = subsidy_of(session, challenge.id)
    milestone = session.get(Milestone, milestone_id)
    if subsidy is None or milestone is None or milestone.subsidy_id != subsidy.id:
        raise NotFound(_("No such milestone."))
    return subsidy, milestone


def report(session: Session, user: Account, challenge_id: int, milestone_id: int, note: str) -> Milestone:
    """The enterprise reports a milestone done; every earlier milestone must already be released."""
    challenge = owned_challenge(session, user, challenge_id)
    subsidy, milestone = _milestone(session, challenge, milestone_id)
    if challenge.status not in REPORTABLE:
        raise InvalidTransition(_("Milestones are reported once the challenge is awarded."))
    if milestone.status not in (MilestoneStatus.PENDING, MilestoneStatus.RETURNED):
        raise InvalidTransition(_("This milestone was already reported."))
    earlier = [m for m in milestones_of(session, subsidy) if m.position < milestone.position]
    if any(m.status != MilestoneStatus.RELEASED for m in earlier):
        raise InvalidTransition(_("Report the milestones in order: an earlier one is not released yet."))
    before = snapshot(milestone, "status", "report_note")
    advance(session, milestone, milestone.status, status=MilestoneStatus.REPORTED, report_note=note,
            reported_at=utcnow())
    record_event(session, user.id, "milestone.reported", milestone, before,
                 snapshot(milestone, "status", "report_note"))
    notify_role(session, "government", "milestone.reported", link_to(challenge), title=challenge.title,
                milestone=milestone.title)
    return milestone


def release(session: Session, user: Account, challenge_id: int, milestone_id: int) -> Milestone:
    """Government approves a reported milestone and releases its funds — once, and only in order."""
    challenge = _governed(session, user, challenge_id)
    milestone = _milestone(session, challenge, milestone_id)[1]
    if milestone.status != MilestoneStatus.REPORTED:
        raise InvalidTransition(_("Only a reported milestone can be released, and only once."))
    _require_fundable(session, challenge)
    if milestone.deliverable_id is not None:
        item = session.get(Deliverable, milestone.deliverable_id)
        if item is None or item.status != DeliverableStatus.ACCEPTED:
            raise InvalidTransition(_("This tranche is released once its contract milestone is accepted."))
    # the binding it was checked against must still hold: a rebinding committed meanwhile makes this a 409
    advance(session, milestone, MilestoneStatus.REPORTED, unchanged={"deliverable_id": milestone.deliverable_id},
            status=MilestoneStatus.RELEASED, released_at=utcnow(), released_by=user.id)
    record_event(session, user.id, "milestone.released", milestone, {"status": MilestoneStatus.REPORTED.value},
                 snapshot(milestone, "status", "amount"))
    notify(session, challenge.owner_id, "milestone.released", link_to(challenge), title=challenge.title,
           milestone=milestone.title, amount=f"{milestone.amount:,}")
    return milestone


def send_back(session: Session, user: Account, challenge_id: int, milestone_id: int, reason: str) -> Milestone:
    """Government returns a reported milestone with a reason; the enterprise may report it again."""
    challenge = _governed(session, user, challenge_id)
    milestone = _milestone(session, challenge, milestone_id)[1]
    if milestone.status != MilestoneStatus.REPORTED:
        raise InvalidTransition(_("Only a reported milestone can be returned."))
    before = snapshot(milestone, "status", "return_reason")
    advance(session, milestone, MilestoneStatus.REPORTED, status=MilestoneStatus.RETURNED, return_reason=reason)
    record_event(session, user.id, "milestone.returned", milestone, before,
                 snapshot(milestone, "status", "return_reason"))
    notify(session, challenge.owner_id, "milestone.returned", link_to(challenge), title=challenge.title,
           milestone=milestone.title, reason=reason)
    return milestone


def _require_fundable(session: Session, challenge: Challenge) -> None:
    """A blacklisted enterprise receives no subsidy during the entry's period."""
    require_not_barred(session, challenge.owner_id, challenge.organisation_id, who=_("This enterprise is"))


def _governed(session: Session, user: Account, challenge_id: int) -> Challenge:
    if not user.has("government"):
        raise PermissionDenied(_("Only government staff approve milestones."))
    return get_challenge(session, user, challenge_id)
