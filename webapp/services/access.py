"""Who may see what: the visibility rules of ARCHITECTURE.md's permission table."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, select

from models.accounts import Membership, Organisation, OrgStatus, User
from models.challenges import Bid, Challenge, ChallengeStatus, ConfidentialityAcceptance
from models.dispatch import Dispatch, is_live
from models.profiles import Profile
from webapp.auth import NO_ORGANISATION, Account
from webapp.services.errors import PermissionDenied

VETTING_STATUSES = frozenset({ChallengeStatus.SUBMITTED, ChallengeStatus.REJECTED})


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
    return set(session.exec(select(Profile.id).join(User, User.id == Profile.user_id)
                            .join(Organisation, Organisation.id == User.organisation_id)
                            .where((User.membership != Membership.ACTIVE) | (Organisation.status != OrgStatus.VERIFIED)
                                   | (User.active == False))).all())  # noqa: E712


def is_owner(user: Account, challenge: Challenge) -> bool:
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
    if is_owner(user, challenge) or user.has("manager", "government"):
        return True
    if user.has("solver") and has_accepted_terms(session, user.id, challenge.id):
        return True
    return user.has("commissioner") and is_dispatched_to(session, user.id, challenge)


def has_accepted_terms(session: Session, user_id: int, challenge_id: int) -> bool:
    """Whether the user recorded acceptance of the challenge's confidentiality terms."""
    return session.exec(select(ConfidentialityAcceptance.id).where(
        ConfidentialityAcceptance.user_id == user_id,
        ConfidentialityAcceptance.challenge_id == challenge_id)).first() is not None


def is_dispatched_to(session: Session, user_id: int, challenge: Challenge) -> bool:
    """Whether the user is a commissioner dispatched (now or ahead, not ended) to this challenge or its enterprise."""
    profile = session.exec(select(Profile).where(Profile.user_id == user_id)).first()
    if profile is None:
        return False
    dispatch = session.exec(select(Dispatch.id).where(
        Dispatch.commissioner_profile_id == profile.id, is_live(),
        (Dispatch.challenge_id == challenge.id)
        | ((Dispatch.challenge_id == None) & (Dispatch.organisation_id == challenge.organisation_id)),  # noqa: E711
    )).first()
    return dispatch is not None


def can_see_all_bids(user: Account, challenge: Challenge) -> bool:
    """Owner, managers and government see every bid on a challenge."""
    return is_owner(user, challenge) or user.has("manager", "government")


def can_see_bid(user: Account, bid: Bid, challenge: Challenge) -> bool:
    """A bid is known to its solver and to those who see all bids."""
    return bid.solver_id == user.id or can_see_all_bids(user, challenge)
