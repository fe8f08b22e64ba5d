"""Who may see what: the visibility rules of ARCHITECTURE.md's permission table."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, or_, union
from sqlmodel import Session, col, select

from models.accounts import Membership, Organisation, OrgStatus, User
from models.challenges import Bid, Challenge, ChallengeStatus, ConfidentialityAcceptance
from models.common import today
from models.credit import CreditListing, ListingStatus, ListKind
from models.dispatch import Dispatch, is_live
from models.profiles import Profile
from webapp.auth import NO_ORGANISATION, Account
from webapp.services.errors import PermissionDenied

VETTING_STATUSES = frozenset({ChallengeStatus.SUBMITTED, ChallengeStatus.REJECTED})


class Posted(Protocol):
    """What the confidentiality rules read of a challenge: a row, or its API view kept for a list page."""

    id: int | None
    owner_id: int
    organisation_id: int


def require_member(user: Account) -> None:
    """Refuse (403) someone whose request to join their organisation is not approved, or who was removed."""
    if user.organisation_id == NO_ORGANISATION:
        raise PermissionDenied(_("Your organisation's administrators have not approved your membership yet."))


def require_trusted(user: Account) -> None:
    """Refuse (403) an action that needs an active member of a verified organisation."""
    require_member(user)
    if not user.org_verified:
        raise PermissionDenied(_("Your organisation awaits verification by government; until then you can fill "
                                 "in your profile and draft challenges."))


def untrusted_profiles(session: Session) -> set[int]:
    """Profiles that appear in no ranking: their person is not an active member of a verified organisation."""
    return set(session.exec(untrusted_profiles_query()))


def untrusted_profiles_query(day=None):
    """untrusted_profiles as a statement (to join other exclusions in one round trip): indexed lookups of the
    few such people, not one join over every profile (this runs per ranking). Blacklisted people and members of
    blacklisted organisations are among them during the entry's period: they are not recommended, ranked,
    proposed as reviewers or commissioners, or named in a team. `day`: the day (or a bound parameter), today
    in China by default."""
    others = [m for m in Membership if m != Membership.ACTIVE]
    unverified = [s for s in OrgStatus if s != OrgStatus.VERIFIED]
    people = select(User.id).where(col(User.membership).in_(others))
    inactive = select(User.id).where(User.active == False)  # noqa: E712
    outside = select(User.id).join(Organisation, Organisation.id == User.organisation_id).where(
        col(Organisation.status).in_(unverified))
    return select(Profile.id).where(col(Profile.user_id).in_(union(people, inactive, outside, *barred_people(day))))


def in_force(day=None):
    """The condition of a blacklist entry that bars its party on `day` (a date or a bound parameter; today in
    China by default)."""
    day = today() if day is None else day
    return and_(CreditListing.kind == ListKind.BLACKLIST, CreditListing.status == ListingStatus.ACTIVE,
                CreditListing.start_date <= day, CreditListing.end_date >= day)


def barred_people(day=None) -> tuple:
    """Statements of the user ids barred on `day` (today by default): named by an entry, or members of a named
    organisation."""
    named = select(CreditListing.user_id).where(in_force(day), col(CreditListing.user_id).is_not(None))
    orgs = select(CreditListing.organisation_id).where(in_force(day), col(CreditListing.organisation_id).is_not(None))
    return select(User.id).where(col(User.id).in_(named)), select(User.id).where(col(User.organisation_id).in_(orgs))


def barring(session: Session, user_id: int, organisation_id: int) -> CreditListing | None:
    """The blacklist entry in force today that names this person or their organisation, if any."""
    return session.exec(select(CreditListing).where(in_force(), or_(
        CreditListing.user_id == user_id, CreditListing.organisation_id == organisation_id))
        .order_by(col(CreditListing.end_date).desc())).first()


def require_not_barred(session: Session, user_id: int, organisation_id: int, who: str | None = None) -> None:
    """Refuse (403) what a blacklisted party may not do during the entry's period."""
    entry = barring(session, user_id, organisation_id)
    if entry is not None:
        raise PermissionDenied(_("%(who)s on the blacklist (失信名单) until %(end)s: %(reason)s",
                                 who=who or _("You are"), end=entry.end_date.isoformat(), reason=entry.reason))


def is_owner(user: Account, challenge: Posted) -> bool:
    """Whether the user posted the challenge."""
    return challenge.owner_id == user.id


def was_published(challenge: Challenge) -> bool:
    """Once published, a challenge stays public (awarded, completed, expired, even withdrawn)."""
    return challenge.published_at is not None


def can_know_challenge(user: Account, challenge: Challenge) -> bool:
    """Whether the challenge exists for this user (otherwise it answers 404)."""
    if is_owner(user, challenge) or was_published(challenge):
        return True
    return user.has("government") and challenge.status in VETTING_STATUSES


def can_see_confidential(session: Session, user: Account, challenge: Challenge) -> bool:
    """Owner, managers and government; solvers who accepted the terms; dispatched commissioners."""
    return challenge.id in confidential_readable(session, user, [challenge])


def confidential_readable(session: Session, user: Account, challenges: Sequence[Posted]) -> set[int | None]:
    """Of some challenges, the ids whose confidential details the user may read: owners, managers and
    government; solvers who accepted the terms; commissioners dispatched (now or ahead, not ended) to the
    challenge or its enterprise. A fixed number of queries, however many challenges (a list page)."""
    if user.has("manager", "government"):
        return {c.id for c in challenges}
    readable = {c.id for c in challenges if is_owner(user, c)}
    ids = [c.id for c in challenges if c.id not in readable]
    if ids and user.has("solver"):
        readable |= set(session.exec(_accepted(), params={"user_id": user.id, "ids": ids}))
    if ids and user.has("commissioner"):
        readable |= _dispatched_to(session, user.id, [c for c in challenges if c.id not in readable])
    return readable


@lru_cache(maxsize=1)
def _accepted():
    """The statement of which of some challenges (`ids`) a user accepted the terms of, built once (every list
    page of a solver runs it)."""
    return select(ConfidentialityAcceptance.challenge_id).where(
        ConfidentialityAcceptance.user_id == bindparam("user_id"),
        col(ConfidentialityAcceptance.challenge_id).in_(bindparam("ids", expanding=True)))


def has_accepted_terms(session: Session, user_id: int, challenge_id: int) -> bool:
    """Whether the user recorded acceptance of the challenge's confidentiality terms."""
    return session.exec(select(ConfidentialityAcceptance.id).where(
        ConfidentialityAcceptance.user_id == user_id,
        ConfidentialityAcceptance.challenge_id == challenge_id)).first() is not None


def _dispatched_to(session: Session, user_id: int, challenges: Sequence[Posted]) -> set[int | None]:
    """The challenges a commissioner is dispatched to, directly or through their enterprise."""
    profile = session.exec(select(Profile.id).where(Profile.user_id == user_id)).first()
    if profile is None or not challenges:
        return set()
    live = list(session.exec(select(Dispatch.challenge_id, Dispatch.organisation_id).where(
        Dispatch.commissioner_profile_id == profile, is_live())))
    direct = {challenge for challenge, _org in live if challenge is not None}
    enterprises = {org for challenge, org in live if challenge is None}
    return {c.id for c in challenges if c.id in direct or c.organisation_id in enterprises}


def can_see_all_bids(user: Account, challenge: Challenge) -> bool:
    """Owner, managers and government see every bid on a challenge."""
    return is_owner(user, challenge) or user.has("manager", "government")


def can_see_bid(user: Account, bid: Bid, challenge: Challenge) -> bool:
    """A bid is known to its solver and to those who see all bids."""
    return bid.solver_id == user.id or can_see_all_bids(user, challenge)
