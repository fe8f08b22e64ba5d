"""Challenge use cases: post, edit, submit, vet, withdraw, browse, accept terms."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from matching.text import normalise, tokenize
from models.challenges import (
    CHALLENGE_TRANSITIONS,
    EDITABLE_STATUSES,
    OPEN_BID_STATUSES,
    Bid,
    BidStatus,
    Challenge,
    ChallengeCreate,
    ChallengeSearch,
    ChallengeStatus,
    ChallengeUpdate,
    ConfidentialityAcceptance,
)
from models.common import today, utcnow
from webapp.auth import Account
from webapp.services import ranking
from webapp.services.access import can_know_challenge, has_accepted_terms, is_owner, require_member, require_trusted
from webapp.services.audit import apply_update, record_event, snapshot
from webapp.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify
from webapp.services.search import relevant_challenges, require_searchable
from webapp.services.transitions import advance, advanced, allowed, lock_for_reading

SORTS = {
    "newest": (col(Challenge.published_at).desc(), col(Challenge.id).desc()),
    "deadline": (col(Challenge.deadline).asc(), col(Challenge.id).asc()),
    "budget_desc": (col(Challenge.budget).desc(), col(Challenge.id).asc()),
    "budget_asc": (col(Challenge.budget).asc(), col(Challenge.id).asc()),
}
TERMS_MARK = "\n\u241e"  # separates the text from its term list


def search_text(challenge: Challenge) -> str:
    """What full-text search matches: the normalised text, then its space-padded ASCII terms."""
    text = normalise(" ".join([challenge.title, challenge.summary, challenge.description,
                               " ".join(challenge.keywords)]))
    ascii_terms = [t for t in tokenize(text) if t.isascii()]
    return f"{text}{TERMS_MARK} {' '.join(ascii_terms)} "


def search_condition(token: str):
    """Chinese words match anywhere in the text; ASCII terms only as whole terms (GaN ≠ organ)."""
    if token.isascii():
        return col(Challenge.search_text).contains(f" {token} ", autoescape=True)
    return col(Challenge.search_text).contains(token, autoescape=True)


def link_to(challenge: Challenge) -> str:
    """The page of a challenge, for notifications."""
    return f"/challenges/{challenge.id}"


def get_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """A challenge the user may know of, else NotFound."""
    challenge = session.get(Challenge, challenge_id)
    if challenge is None or not can_know_challenge(user, challenge):
        raise NotFound(_("No such challenge."))
    return challenge


def owned_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """A challenge the user posted; others' challenges are forbidden (or unknown)."""
    challenge = get_challenge(session, user, challenge_id)
    if not is_owner(user, challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge may do this."))
    return challenge


def move(session: Session, user: Account, challenge: Challenge, to: ChallengeStatus,
         action: str, **changes) -> Challenge:
    """Change a challenge's status if its lifecycle allows, as a conditional update, with an audit event."""
    if not allowed(CHALLENGE_TRANSITIONS, challenge.status, to):
        raise InvalidTransition(_("A challenge that is %(now)s cannot become %(to)s.",
                                  now=challenge.status.value, to=to.value))
    before = snapshot(challenge, "status", *changes)
    advance(session, challenge, challenge.status, status=to, updated_at=utcnow(), **changes)
    record_event(session, user.id, action, challenge, before, snapshot(challenge, "status", *changes))
    return challenge


def create_challenge(session: Session, user: Account, data: ChallengeCreate) -> Challenge:
    """Save a new draft challenge for the user's enterprise."""
    if not user.has("enterprise"):
        raise PermissionDenied(_("Only enterprise accounts post challenges."))
    require_member(user)
    challenge = Challenge(**data.model_dump(), owner_id=user.id, organisation_id=user.organisation_id)
    challenge.search_text = search_text(challenge)
    session.add(challenge)
    session.flush()
    record_event(session, user.id, "challenge.created", challenge, None,
                 snapshot(challenge, "status", "title"))
    return challenge


def update_challenge(session: Session, user: Account, challenge_id: int,
                     data: ChallengeUpdate) -> Challenge:
    """Edit a draft (or rejected) challenge; a rejected one goes back to draft."""
    challenge = owned_challenge(session, user, challenge_id)
    lock_for_reading(session, challenge)  # a submission or vetting committing meanwhile is seen, not overwritten
    if challenge.status not in EDITABLE_STATUSES:
        raise InvalidTransition(_("Only drafts and rejected challenges can be edited."))
    apply_update(session, user.id, challenge, data, "challenge.updated")
    challenge.search_text = search_text(challenge)
    if challenge.status == ChallengeStatus.REJECTED:
        move(session, user, challenge, ChallengeStatus.DRAFT, "challenge.reopened")
    return challenge


def submit_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """Send a draft to government for vetting."""
    challenge = owned_challenge(session, user, challenge_id)
    require_trusted(user)
    if challenge.deadline <= today():
        msg = _("The deadline must be after today.")
        raise ValidationError(msg, {"deadline": msg})
    return move(session, user, challenge, ChallengeStatus.SUBMITTED, "challenge.submitted",
                submitted_at=utcnow(), reject_reason="")


def withdraw_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """The owner takes a challenge back; open bids are declined."""
    challenge = owned_challenge(session, user, challenge_id)
    move(session, user, challenge, ChallengeStatus.WITHDRAWN, "challenge.withdrawn")
    decline_open_bids(session, user, challenge, _("The enterprise withdrew this challenge."))
    return challenge


def vetted_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """A challenge for government to vet."""
    if not user.has("government"):
        raise PermissionDenied(_("Only government staff vet challenges."))
    return get_challenge(session, user, challenge_id)


def publish_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """Government approves a submitted challenge; solvers can now see and bid on it."""
    challenge = vetted_challenge(session, user, challenge_id)
    move(session, user, challenge, ChallengeStatus.PUBLISHED, "challenge.published", published_at=utcnow())
    notify(session, challenge.owner_id, "challenge.published", link_to(challenge), title=challenge.title)
    from webapp.services import supply  # it ranks through curation, which builds on this module
    supply.schedule(session, challenge)
    return challenge


def reject_challenge(session: Session, user: Account, challenge_id: int, reason: str) -> Challenge:
    """Government sends a submitted challenge back with a reason the enterprise sees."""
    challenge = vetted_challenge(session, user, challenge_id)
    move(session, user, challenge, ChallengeStatus.REJECTED, "challenge.rejected", reject_reason=reason)
    notify(session, challenge.owner_id, "challenge.rejected", link_to(challenge), title=challenge.title,
           reason=reason)
    return challenge


def accept_terms(session: Session, user: Account, challenge_id: int) -> Challenge:
    """Record that a solver accepts the challenge's confidentiality terms."""
    challenge = get_challenge(session, user, challenge_id)
    if not user.has("solver"):
        raise PermissionDenied(_("Only solvers accept confidentiality terms."))
    require_trusted(user)
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("This challenge is not open."))
    if not has_accepted_terms(session, user.id, challenge.id):
        acceptance = ConfidentialityAcceptance(challenge_id=challenge.id, user_id=user.id)
        session.add(acceptance)
        session.flush()
        record_event(session, user.id, "terms.accepted", acceptance, None,
                     {"challenge_id": challenge.id})
    return challenge


def browse_published(session: Session, query: ChallengeSearch) -> tuple[list[Challenge], int]:
    """Published challenges matching the search, filters and sort, one page of them. A query is ranked by the
    engine (relevance, the default sort), and challenges containing every word of it that the engine scores
    below its noise floor follow, newest first; another sort orders the same set."""
    require_searchable(query.q)
    statement = _filtered(select(Challenge.id).where(Challenge.status == ChallengeStatus.PUBLISHED), query)
    if not query.q.strip():
        return _sorted_page(session, statement, query, "newest" if query.sort == "relevance" else query.sort)
    ranked = relevant_challenges(session, query.q)
    worded = statement
    for token in dict.fromkeys(tokenize(query.q)):
        worded = worded.where(search_condition(token))
    order = list(dict.fromkeys([*ranked, *session.exec(worded.order_by(*SORTS["newest"]))]))
    allowed = set(session.exec(statement.where(col(Challenge.id).in_(order))))
    found = [i for i in order if i in allowed]
    if query.sort != "relevance":
        return _sorted_page(session, statement.where(col(Challenge.id).in_(found)), query, query.sort)
    shown = found[(query.page - 1) * query.per_page: query.page * query.per_page]
    rows = {c.id: c for c in session.exec(select(Challenge).where(col(Challenge.id).in_(shown)))}
    return [rows[i] for i in shown if i in rows], len(found)


def browse_version(session: Session, query: ChallengeSearch) -> tuple:
    """What browse_published(query) depends on, as a cache key part: the published challenges' stamp, or for a
    query the key of the engine's published set that ranks it (which holds that stamp)."""
    if not query.q.strip():
        return ranking.challenges_stamp(session)
    return ranking.published_key(session)


def _filtered(statement, query: ChallengeSearch):
    """The list's filters on a statement over challenges."""
    filters = [
        (query.field, lambda v: Challenge.field == v),
        (query.region, lambda v: Challenge.region == v),
        (query.budget_min, lambda v: Challenge.budget >= v),
        (query.budget_max, lambda v: Challenge.budget <= v),
        (query.deadline_after, lambda v: Challenge.deadline >= v),
        (query.deadline_before, lambda v: Challenge.deadline <= v),
    ]
    for value, condition in filters:
        if value is not None:
            statement = statement.where(condition(value))
    return statement


def _sorted_page(session: Session, ids, query: ChallengeSearch, sort: str) -> tuple[list[Challenge], int]:
    """One page of the challenges whose ids `ids` selects, in a SQL sort, and how many there are."""
    total = session.exec(select(func.count()).select_from(ids.subquery())).one()
    # The page's ids first, in the sort's index; then only those rows (sorting whole rows read every published
    # challenge's text: 6 ms of SQLite at 2,000)
    page = ids.order_by(*SORTS[sort]).offset((query.page - 1) * query.per_page).limit(query.per_page).subquery()
    rows = session.exec(select(Challenge).join(page, page.c.id == Challenge.id).order_by(*SORTS[sort]))
    return list(rows), total


def challenges_of(session: Session, user: Account) -> list[Challenge]:
    """The challenges the user posted, newest first."""
    return list(session.exec(select(Challenge).where(Challenge.owner_id == user.id)
                             .order_by(col(Challenge.id).desc())))


def by_status(session: Session, status: ChallengeStatus | None, page: int,
              per_page: int) -> tuple[list[Challenge], int]:
    """Every challenge (of one status), newest change first, one page of them (government's full list)."""
    statement = select(Challenge)
    if status is not None:
        statement = statement.where(Challenge.status == status)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Challenge.updated_at).desc(), col(Challenge.id).desc())
                        .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def vetting_queue(session: Session) -> list[Challenge]:
    """Submitted challenges, oldest first."""
    return list(session.exec(select(Challenge).where(Challenge.status == ChallengeStatus.SUBMITTED)
                             .order_by(col(Challenge.submitted_at).asc())))


def decline_open_bids(session: Session, user: Account, challenge: Challenge, reason: str,
                      keep: int | None = None) -> None:
    """Decline every open bid on the challenge (but `keep`), telling each solver why."""
    bids = session.exec(select(Bid).where(Bid.challenge_id == challenge.id,
                                          col(Bid.status).in_(OPEN_BID_STATUSES), Bid.id != keep))
    for bid in bids:
        before = snapshot(bid, "status")
        if not advanced(session, bid, OPEN_BID_STATUSES, status=BidStatus.DECLINED, decline_reason=reason,
                        updated_at=utcnow()):
            continue  # withdrawn or declined by its own request meanwhile
        record_event(session, user.id, "bid.declined", bid, before,
                     snapshot(bid, "status", "decline_reason"))
        notify(session, bid.solver_id, "bid.declined", link_to(challenge), title=challenge.title, reason=reason)
