"""Who may attach files to which record, and who may read them: a file inherits its record's visibility.

- challenge: attached by the owner while draft, rejected or published; read by anyone who knows the
  challenge, a confidential file only by those who may read the confidential details.
- bid: attached by its solver while the bid is open; read by those who see the bid (its solver, the owner,
  managers, government) and by its assigned reviewers.
- question: attached by its asker while open, by the owner when answering (private with a private answer);
  read by those who see the question, a private answer's files only by those who may read the details.
- achievement: attached by its owner; read by everyone (the catalogue is public).
- document: attached by the profile's owner; read by every signed-in user (as profiles are).
- milestone: attached by the challenge's owner while it may report the milestone; read by the owner, managers
  and government (evidence for releasing funds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session, select

from models.challenges import OPEN_BID_STATUSES, Bid, Challenge, ChallengeStatus
from models.clarifications import QuestionStatus
from models.files import Attachment, AttachmentKind
from models.profiles import Achievement, Document, Profile
from models.reviews import AssignmentStatus, ReviewAssignment
from models.subsidies import Milestone, MilestoneStatus, Subsidy
from webapp.auth import Account
from webapp.services import bids, clarifications
from webapp.services.access import confidential_readable, is_owner
from webapp.services.challenges import get_challenge
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied

ATTACHABLE_CHALLENGE = (ChallengeStatus.DRAFT, ChallengeStatus.REJECTED, ChallengeStatus.PUBLISHED)


@dataclass
class Record:
    """A record files belong to, as this user may know it."""

    kind: AttachmentKind
    row: Any
    challenge: Any = None  # the challenge behind a challenge, bid, question or milestone
    page: str = ""  # where its files are shown

    @property
    def id(self) -> int:
        return self.row.id


def find(session: Session, user: Account, kind: AttachmentKind, record_id: int) -> Record:
    """The record if the user may know of it; else NotFound."""
    return FINDERS[kind](session, user, record_id)


def may_read(session: Session, user: Account, record: Record, attachment: Attachment) -> bool:
    """Whether the user may download a file of a record they know."""
    # finding the record already checked that the user knows it (a bid: its viewers and reviewers)
    if record.kind == AttachmentKind.MILESTONE:
        return is_owner(user, record.challenge) or user.has("manager", "government")
    if attachment.confidential:
        return record.challenge is not None and record.challenge.id in confidential_readable(
            session, user, [record.challenge])
    return True


def check_attach(session: Session, user: Account, record: Record) -> bool:
    """Refuse (403/409) a user who may not attach to the record now; whether the file is confidential by
    the record's rule (a private answer's files)."""
    rule = ATTACH_RULES[record.kind]
    return rule(session, user, record)


def _challenge(session: Session, user: Account, record_id: int) -> Record:
    challenge = get_challenge(session, user, record_id)
    return Record(AttachmentKind.CHALLENGE, challenge, challenge, f"/challenges/{challenge.id}#files")


def _bid(session: Session, user: Account, record_id: int) -> Record:
    try:
        bid, challenge = bids.get_bid(session, user, record_id)
    except NotFound:
        bid, challenge = _reviewed_bid(session, user, record_id)
    return Record(AttachmentKind.BID, bid, challenge, f"/challenges/{challenge.id}#bids")


def _reviewed_bid(session: Session, user: Account, bid_id: int):
    """A bid the user reviews (its files are what they score)."""
    assigned = session.exec(select(ReviewAssignment.id).where(
        ReviewAssignment.bid_id == bid_id, ReviewAssignment.user_id == user.id,
        ReviewAssignment.status != AssignmentStatus.CONFLICT)).first()
    bid = session.get(Bid, bid_id)
    if assigned is None or bid is None:
        raise NotFound(_("No such bid."))
    return bid, session.get(Challenge, bid.challenge_id)


def _question(session: Session, user: Account, record_id: int) -> Record:
    question, challenge = clarifications.question_of(session, user, record_id)
    return Record(AttachmentKind.QUESTION, question, challenge, f"/challenges/{challenge.id}#question-{question.id}")


def _achievement(session: Session, user: Account, record_id: int) -> Record:
    achievement = session.get(Achievement, record_id)
    if achievement is None:
        raise NotFound(_("No such achievement."))
    return Record(AttachmentKind.ACHIEVEMENT, achievement, None, f"/achievements/{achievement.id}")


def _document(session: Session, user: Account, record_id: int) -> Record:
    document = session.get(Document, record_id)
    if document is None or not user.is_authenticated:
        raise NotFound(_("No such document."))
    return Record(AttachmentKind.DOCUMENT, document, None, f"/profiles/{document.profile_id}")


def _milestone(session: Session, user: Account, record_id: int) -> Record:
    milestone = session.get(Milestone, record_id)
    subsidy = session.get(Subsidy, milestone.subsidy_id) if milestone else None
    if subsidy is None:
        raise NotFound(_("No such milestone."))
    challenge = get_challenge(session, user, subsidy.challenge_id)
    return Record(AttachmentKind.MILESTONE, milestone, challenge, f"/challenges/{challenge.id}#subsidy")


def _attach_challenge(session: Session, user: Account, record: Record) -> bool:
    if not is_owner(user, record.row):
        raise PermissionDenied(_("Only the enterprise that posted this challenge attaches files to it."))
    if record.row.status not in ATTACHABLE_CHALLENGE:
        raise InvalidTransition(_("Files are attached to drafts and to open challenges."))
    return False  # the form says whether it is confidential


def _attach_bid(session: Session, user: Account, record: Record) -> bool:
    if record.row.solver_id != user.id:
        raise PermissionDenied(_("Only the solver who placed this bid attaches files to it."))
    if record.row.status not in OPEN_BID_STATUSES or record.challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Files are attached to open bids on open challenges."))
    return False


def _attach_question(session: Session, user: Account, record: Record) -> bool:
    question = record.row
    if question.asker_id == user.id and question.status == QuestionStatus.OPEN:
        return False
    if is_owner(user, record.challenge) and question.status == QuestionStatus.ANSWERED:
        return question.answer_private  # the answer's files are as private as the answer
    raise PermissionDenied(_("Files are attached to a question by its asker while it is open, and by the "
                             "enterprise to its answer."))


def _attach_achievement(session: Session, user: Account, record: Record) -> bool:
    _own_profile(session, user, record.row.profile_id)
    return False


def _attach_document(session: Session, user: Account, record: Record) -> bool:
    _own_profile(session, user, record.row.profile_id)
    return False


def _attach_milestone(session: Session, user: Account, record: Record) -> bool:
    if not is_owner(user, record.challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge attaches evidence."))
    if record.row.status not in (MilestoneStatus.PENDING, MilestoneStatus.RETURNED):
        raise InvalidTransition(_("Evidence is attached before the milestone is reported."))
    return False


def _own_profile(session: Session, user: Account, profile_id: int) -> None:
    profile = session.get(Profile, profile_id)
    if profile is None or profile.user_id != user.id:
        raise PermissionDenied(_("Only its owner attaches files here."))


FINDERS = {AttachmentKind.CHALLENGE: _challenge, AttachmentKind.BID: _bid, AttachmentKind.QUESTION: _question,
           AttachmentKind.ACHIEVEMENT: _achievement, AttachmentKind.DOCUMENT: _document,
           AttachmentKind.MILESTONE: _milestone}
ATTACH_RULES = {AttachmentKind.CHALLENGE: _attach_challenge, AttachmentKind.BID: _attach_bid,
                AttachmentKind.QUESTION: _attach_question, AttachmentKind.ACHIEVEMENT: _attach_achievement,
                AttachmentKind.DOCUMENT: _attach_document, AttachmentKind.MILESTONE: _attach_milestone}
