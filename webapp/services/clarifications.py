"""Clarification use cases (答疑与补充公告): solvers ask, the enterprise answers and posts addenda, government
hides abusive questions. Who reads what follows ARCHITECTURE.md: anyone who may know the challenge reads its
addenda and the questions not hidden; a private answer only those who may read the confidential details;
an anonymous asker is named only to themselves, the enterprise, managers and government; hidden questions only
to managers, government and their asker.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import union
from sqlmodel import Session, col, select

from models.accounts import User
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus, ConfidentialityAcceptance
from models.clarifications import (
    Addendum,
    AddendumCreate,
    AddendumRead,
    AnswerCreate,
    Clarifications,
    Question,
    QuestionCreate,
    QuestionRead,
    QuestionStatus,
)
from models.common import utcnow
from webapp.auth import Account
from webapp.services.access import confidential_readable, is_owner, require_trusted
from webapp.services.audit import record_event, snapshot
from webapp.services.bids import open_for_bids
from webapp.services.challenges import get_challenge, link_to, owned_challenge
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied
from webapp.services.notifications import notify
from webapp.services.transitions import advance

OVERSEERS = ("manager", "government")  # read every thread, hidden questions included


def ask(session: Session, user: Account, challenge_id: int, data: QuestionCreate) -> Question:
    """A solver asks a question on a challenge that takes bids; the enterprise is notified."""
    challenge = get_challenge(session, user, challenge_id)
    if not user.has("solver"):
        raise PermissionDenied(_("Only solvers ask questions on challenges."))
    require_trusted(user)
    if not open_for_bids(challenge):
        raise InvalidTransition(_("Questions are taken while the challenge is open for bids."))
    question = Question(challenge_id=challenge.id, asker_id=user.id, text=data.text, anonymous=data.anonymous)
    session.add(question)
    session.flush()
    record_event(session, user.id, "question.asked", question, None, snapshot(question, "challenge_id", "anonymous"))
    notify(session, challenge.owner_id, "question.asked", _anchor(challenge), title=challenge.title)
    return question


def answer(session: Session, user: Account, question_id: int, data: AnswerCreate) -> Question:
    """The enterprise answers an open question once; those following the challenge are notified."""
    question, challenge = question_of(session, user, question_id)
    if not is_owner(user, challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge answers its questions."))
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Questions are answered while the challenge is published."))
    if question.status != QuestionStatus.OPEN:
        raise InvalidTransition(_("This question is no longer open."))
    advance(session, question, QuestionStatus.OPEN, status=QuestionStatus.ANSWERED, answer=data.answer,
            answer_private=data.private, answered_by=user.id, answered_at=utcnow())
    record_event(session, user.id, "question.answered", question, {"status": "open"},
                 snapshot(question, "status", "answer_private"))
    for follower in followers(session, challenge, also={question.asker_id}, without=user.id):
        notify(session, follower, "question.answered", _anchor(challenge), title=challenge.title)
    return question


def hide(session: Session, user: Account, question_id: int, reason: str) -> Question:
    """Government hides an abusive question, with a reason its asker sees (audited)."""
    if not user.has("government"):
        raise PermissionDenied(_("Only government staff hide questions."))
    question, challenge = question_of(session, user, question_id)
    if question.status == QuestionStatus.HIDDEN:
        raise InvalidTransition(_("This question is already hidden."))
    before = snapshot(question, "status")
    advance(session, question, (QuestionStatus.OPEN, QuestionStatus.ANSWERED), status=QuestionStatus.HIDDEN,
            hidden_reason=reason, hidden_by=user.id)
    record_event(session, user.id, "question.hidden", question, before, snapshot(question, "status", "hidden_reason"))
    notify(session, question.asker_id, "question.hidden", link_to(challenge), title=challenge.title, reason=reason)
    return question


def post_addendum(session: Session, user: Account, challenge_id: int, data: AddendumCreate) -> Addendum:
    """The enterprise adds a notice to its published challenge; a new deadline is written as a conditional
    update of the published challenge (so it cannot race an award or a withdrawal) and audited."""
    challenge = owned_challenge(session, user, challenge_id)
    require_trusted(user)
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Addenda are posted while the challenge is published."))
    addendum = Addendum(challenge_id=challenge.id, author_id=user.id, text=data.text)
    changes: dict = {"updated_at": utcnow()}
    if data.deadline is not None and data.deadline != challenge.deadline:
        addendum.old_deadline, addendum.new_deadline = challenge.deadline, data.deadline
        changes["deadline"] = data.deadline
    # Every addendum, not only one that moves the deadline, is posted only while the challenge is still
    # published: an award or withdrawal that wins the race makes it a clean 409.
    advance(session, challenge, ChallengeStatus.PUBLISHED, **changes)
    if addendum.new_deadline is not None:
        record_event(session, user.id, "challenge.deadline_changed", challenge,
                     {"deadline": addendum.old_deadline.isoformat()}, {"deadline": addendum.new_deadline.isoformat()})
    session.add(addendum)
    session.flush()
    record_event(session, user.id, "addendum.posted", addendum, None,
                 snapshot(addendum, "challenge_id", "old_deadline", "new_deadline"))
    for follower in followers(session, challenge, without=user.id):
        notify(session, follower, "challenge.addendum", _anchor(challenge), title=challenge.title)
    return addendum


def followers(session: Session, challenge: Challenge, also: set[int] = frozenset(),  # type: ignore[assignment]
              without: int = 0) -> list[int]:
    """Who hears of answers and addenda: every solver who bid (and did not withdraw) or accepted the terms."""
    bidders = select(Bid.solver_id).where(Bid.challenge_id == challenge.id, Bid.status != BidStatus.WITHDRAWN)
    readers = select(ConfidentialityAcceptance.user_id).where(ConfidentialityAcceptance.challenge_id == challenge.id)
    people = set(session.execute(union(bidders, readers)).scalars()) | set(also)
    return sorted(p for p in people if p != without)


def clarifications(session: Session, user: Account, challenge: Challenge) -> Clarifications:
    """The addenda and the questions of a challenge the user already may know, as this user may read them."""
    addenda = session.exec(select(Addendum).where(Addendum.challenge_id == challenge.id).order_by(col(Addendum.id)))
    rows = session.exec(select(Question, User.name).join(User, User.id == Question.asker_id)
                        .where(Question.challenge_id == challenge.id).order_by(col(Question.id))).all()
    private_ok = challenge.id in confidential_readable(session, user, [challenge]) if user.is_authenticated else False
    names_ok = is_owner(user, challenge) or user.has(*OVERSEERS)
    questions = [_read(q, name, user, private_ok, names_ok) for q, name in rows if _visible(q, user)]
    return Clarifications(addenda=[AddendumRead.model_validate(a, from_attributes=True) for a in addenda],
                          questions=questions)


def question_read(session: Session, user: Account, question: Question, challenge: Challenge) -> QuestionRead:
    """One question as this user may read it."""
    name = session.get(User, question.asker_id).name  # type: ignore[union-attr]
    return _read(question, name, user, challenge.id in confidential_readable(session, user, [challenge]),
                 is_owner(user, challenge) or user.has(*OVERSEERS))


def _visible(question: Question, user: Account) -> bool:
    """Hidden questions are read by managers, government and their asker; the rest by anyone who knows the
    challenge (a signed-out visitor only the answered public ones)."""
    if question.status == QuestionStatus.HIDDEN:
        return user.has(*OVERSEERS) or (user.is_authenticated and question.asker_id == user.id)
    if not user.is_authenticated:
        return question.status == QuestionStatus.ANSWERED and not question.answer_private
    return True


def _read(question: Question, name: str, user: Account, private_ok: bool, names_ok: bool) -> QuestionRead:
    mine = user.is_authenticated and question.asker_id == user.id
    answer_shown = question.status == QuestionStatus.ANSWERED and (not question.answer_private or private_ok)
    hidden = question.status == QuestionStatus.HIDDEN
    return QuestionRead(
        id=question.id, challenge_id=question.challenge_id, text=question.text, mine=mine,
        asker=name if (mine or names_ok or (user.is_authenticated and not question.anonymous)) else None,
        status=question.status, answer=question.answer if answer_shown else None,
        answer_private=question.answer_private, answered_at=question.answered_at,
        hidden_reason=question.hidden_reason if hidden else None, created_at=question.created_at)


def question_of(session: Session, user: Account, question_id: int) -> tuple[Question, Challenge]:
    """A question the user may know of, with its challenge; else NotFound."""
    question = session.get(Question, question_id)
    if question is None:
        raise NotFound(_("No such question."))
    challenge = get_challenge(session, user, question.challenge_id)
    if not _visible(question, user):
        raise NotFound(_("No such question."))
    return question, challenge


def _anchor(challenge: Challenge) -> str:
    """The clarification section of the challenge's page."""
    return f"{link_to(challenge)}#clarifications"
