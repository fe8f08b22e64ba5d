"""Team and consortium bids: the lead names members (solver profiles, any organisation), each confirms or
declines. Every member counts for the rules a lead alone meets: no conflict of interest with the enterprise,
one open bid per person and challenge (as lead or confirmed member), free capacity."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import union
from sqlmodel import Session, col, select

from models.accounts import Organisation, User
from models.challenges import OPEN_BID_STATUSES, Bid, Challenge
from models.common import utcnow
from models.curation import ConflictDeclaration
from models.profiles import Profile, ProfileKind
from models.teams import MAX_MEMBERS, BidMember, MemberStatus
from webapp.auth import Account
from webapp.services import ranking
from webapp.services.access import untrusted_profiles
from webapp.services.audit import record_event, snapshot
from webapp.services.challenges import link_to
from webapp.services.errors import InvalidTransition, NotFound, ValidationError
from webapp.services.notifications import notify
from webapp.services.transitions import advance, lock_for_update


def set_team(session: Session, user: Account, bid: Bid, challenge: Challenge, members: list[int]) -> list[BidMember]:
    """The lead sets the team of an open bid: new members are invited (and notified), members left out are
    removed; everyone named must be allowed (a 422 naming `members` says who is not and why)."""
    wanted = list(dict.fromkeys(members))
    if len(wanted) > MAX_MEMBERS:
        message = _("A team has at most %(n)s members besides its lead.", n=MAX_MEMBERS)
        raise ValidationError(message, {"members": message})
    lock_for_update(session, challenge)  # team rules span bids: one change per challenge at a time
    current = {m.profile_id: m for m in session.exec(select(BidMember).where(BidMember.bid_id == bid.id))}
    for profile_id in wanted:
        if profile_id not in current:
            _check_member(session, challenge, bid, profile_id, lead_id=bid.solver_id)
    for profile_id, member in current.items():
        if profile_id not in wanted:
            record_event(session, user.id, "team.removed", member, snapshot(member, "bid_id", "profile_id"), None)
            session.delete(member)
    added = []
    for profile_id in wanted:
        if profile_id not in current:
            profile = session.get(Profile, profile_id)
            member = BidMember(bid_id=bid.id, profile_id=profile_id, user_id=profile.user_id)  # type: ignore[union-attr]
            session.add(member)
            added.append(member)
    session.flush()
    for member in added:
        record_event(session, user.id, "team.invited", member, None, snapshot(member, "bid_id", "profile_id"))
        notify(session, member.user_id, "team.invited", "/bids/mine", title=challenge.title, name=user.name)
    return team_of(session, bid.id)


def _check_member(session: Session, challenge: Challenge, bid: Bid, profile_id: int, lead_id: int) -> None:
    """Refuse a member the rules do not allow, naming them."""
    profile = session.get(Profile, profile_id)
    if profile is None or profile.kind != ProfileKind.SOLVER or profile.id in untrusted_profiles(session):
        _refuse(_("Profile %(id)s is not a solver who can join a bid.", id=profile_id))
    if profile.user_id == lead_id:  # type: ignore[union-attr]
        _refuse(_("The lead is on the team already."))
    if conflicted_with_enterprise(session, profile, challenge):  # type: ignore[arg-type]
        _refuse(_("%(name)s has a conflict of interest with this enterprise.", name=profile.display_name))  # type: ignore[union-attr]
    if in_open_bid(session, challenge.id, profile, other_than=bid.id):  # type: ignore[arg-type]
        _refuse(_("%(name)s is already in an open bid on this challenge.", name=profile.display_name))  # type: ignore[union-attr]
    require_capacity(session, profile)  # type: ignore[arg-type]


def _refuse(message: str) -> None:
    raise ValidationError(message, {"members": message})


def conflicted_with_enterprise(session: Session, profile: Profile, challenge: Challenge) -> bool:
    """The person works for the enterprise, or either side declared a conflict."""
    if profile.organisation_id == challenge.organisation_id:
        return True
    return session.exec(select(ConflictDeclaration.id).where(
        ConflictDeclaration.profile_id == profile.id,
        ConflictDeclaration.organisation_id == challenge.organisation_id)).first() is not None


def in_open_bid(session: Session, challenge_id: int, profile: Profile, other_than: int | None = None) -> bool:
    """Whether the person leads, or is a confirmed member of, an open bid on the challenge (but `other_than`)."""
    leads = select(Bid.id).where(Bid.challenge_id == challenge_id, Bid.solver_id == profile.user_id,
                                 col(Bid.status).in_(OPEN_BID_STATUSES))
    joins = select(Bid.id).join(BidMember, BidMember.bid_id == Bid.id).where(
        Bid.challenge_id == challenge_id, BidMember.profile_id == profile.id,
        BidMember.status == MemberStatus.CONFIRMED, col(Bid.status).in_(OPEN_BID_STATUSES))
    found = set(session.execute(union(leads, joins)).scalars())
    return bool(found - {other_than})


def require_capacity(session: Session, profile: Profile) -> None:
    """Refuse (422 on `members`) a person with no free capacity."""
    message = no_capacity(session, profile)
    if message:
        raise ValidationError(message, {"members": message})


def no_capacity(session: Session, profile: Profile) -> str | None:
    """Why a person cannot take on more work (not available, or as many engagements under way as their
    capacity), or None."""
    load = ranking.current_loads(session, [profile.id]).get(profile.id, 0)
    if profile.available and load < profile.capacity:
        return None
    return _("%(name)s has no free capacity (%(load)s of %(capacity)s engagements under way).",
             name=profile.display_name, load=load, capacity=profile.capacity if profile.available else 0)


def answer(session: Session, user: Account, member_id: int, confirm: bool) -> BidMember:
    """A named member confirms (the rules are checked again) or declines; a confirmed member may also leave
    (decline) while the bid is open. The lead is notified."""
    member = session.get(BidMember, member_id)
    if member is None or member.user_id != user.id:
        raise NotFound(_("No such team invitation."))
    bid = session.get(Bid, member.bid_id)
    challenge = session.get(Challenge, bid.challenge_id)  # type: ignore[union-attr]
    if bid.status not in OPEN_BID_STATUSES:  # type: ignore[union-attr]
        raise InvalidTransition(_("This bid is closed."))
    lock_for_update(session, challenge)  # type: ignore[arg-type]
    if confirm:
        profile = session.get(Profile, member.profile_id)
        if in_open_bid(session, challenge.id, profile, other_than=bid.id):  # type: ignore[union-attr, arg-type]
            raise InvalidTransition(_("You are already in an open bid on this challenge."))
        full = no_capacity(session, profile)  # type: ignore[arg-type]
        if full:
            raise InvalidTransition(full)
        advance(session, member, MemberStatus.INVITED, status=MemberStatus.CONFIRMED, answered_at=utcnow())
    else:
        advance(session, member, (MemberStatus.INVITED, MemberStatus.CONFIRMED), status=MemberStatus.DECLINED,
                answered_at=utcnow())
    record_event(session, user.id, "team.confirmed" if confirm else "team.declined", member, None,
                 snapshot(member, "bid_id", "status"))
    notify(session, bid.solver_id, "team.confirmed" if confirm else "team.declined",  # type: ignore[union-attr]
           link_to(challenge), title=challenge.title, name=user.name)  # type: ignore[union-attr]
    return member


def team_of(session: Session, bid_id: int) -> list[BidMember]:
    """A bid's named members in the order they were named."""
    return list(session.exec(select(BidMember).where(BidMember.bid_id == bid_id).order_by(col(BidMember.id))))


def invitations(session: Session, user: Account) -> list[tuple[BidMember, Bid, Challenge, str]]:
    """The teams the user was named in, newest first, with the lead's name."""
    rows = session.exec(select(BidMember, Bid, Challenge, User.name).join(Bid, Bid.id == BidMember.bid_id)
                        .join(Challenge, Challenge.id == Bid.challenge_id).join(User, User.id == Bid.solver_id)
                        .where(BidMember.user_id == user.id).order_by(col(BidMember.id).desc())).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def members_of(session: Session, bid_ids: list[int]) -> dict[int, list[tuple[BidMember, str, str]]]:
    """Every named member of some bids with name and organisation, in one query."""
    if not bid_ids:
        return {}
    rows = session.exec(select(BidMember, Profile.display_name, Organisation.name)
                        .join(Profile, Profile.id == BidMember.profile_id)
                        .join(Organisation, Organisation.id == Profile.organisation_id)
                        .where(col(BidMember.bid_id).in_(bid_ids)).order_by(col(BidMember.id))).all()
    out: dict[int, list[tuple[BidMember, str, str]]] = {}
    for member, name, organisation in rows:
        out.setdefault(member.bid_id, []).append((member, name, organisation))
    return out


def resolve(session: Session, text: str) -> list[int]:
    """The profiles a form names: registered e-mail addresses or profile numbers (as in /profiles/123),
    separated by commas, spaces or new lines; a 422 on `members` for any that names no solver."""
    entries = [e for e in text.replace("，", ",").replace("；", ",").replace(";", ",").replace("\n", ",")
               .replace(" ", ",").split(",") if e.strip()]
    ids = []
    for entry in (e.strip() for e in entries):
        if entry.isdigit():
            profile_id = session.exec(select(Profile.id).where(Profile.id == int(entry))).first()
        else:
            profile_id = session.exec(select(Profile.id).join(User, User.id == Profile.user_id)
                                      .where(User.email == entry.lower())).first()
        if profile_id is None:
            _refuse(_("“%(entry)s” names no registered solver (use their e-mail or profile number).", entry=entry))
        ids.append(profile_id)
    return ids


def named_in_form(session: Session, bid_id: int) -> str:
    """A bid's current members as the form shows them (e-mail addresses)."""
    rows = session.exec(select(User.email).join(BidMember, BidMember.user_id == User.id)
                        .where(BidMember.bid_id == bid_id).order_by(col(BidMember.id))).all()
    return ", ".join(rows)
