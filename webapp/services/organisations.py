"""Organisations people can trust: verified by government, joined only by invitation or an approved request.

A new organisation is pending until government (or an admin) verifies it; its first member is its
organisation administrator. Nobody joins an existing organisation by typing its name: an administrator
invites an e-mail address (a signed, expiring, single-use link) or approves a join request. Every step is
a conditional update of the expected state, audited and notified.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select

from models.accounts import ApiToken, Membership, Organisation, OrgStatus, User
from models.common import utcnow
from models.membership import MemberInvitation
from webapp import mail
from webapp.auth import Account
from webapp.services import links
from webapp.services.audit import record_event
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify, notify_role
from webapp.services.transitions import advance

INVITATION_DAYS = 7
MEMBERS_LINK = "/organisation"


def by_credit_code(session: Session, code: str) -> Organisation | None:
    """The organisation registered under a 统一社会信用代码."""
    return session.exec(select(Organisation).where(Organisation.credit_code == code)).first()


def _staff(user: Account) -> None:
    if not user.has("government", "admin"):
        raise PermissionDenied(_("Only government staff and administrators verify organisations."))


def verification_queue(session: Session, user: Account) -> list[tuple[Organisation, list[User]]]:
    """Pending organisations, oldest first, with the people who applied."""
    _staff(user)
    pending = list(session.exec(select(Organisation).where(Organisation.status == OrgStatus.PENDING)
                                .order_by(col(Organisation.created_at))))
    people: dict[int, list[User]] = {}
    for member in session.exec(select(User).where(col(User.organisation_id).in_([o.id for o in pending]))):
        people.setdefault(member.organisation_id, []).append(member)
    return [(org, people.get(org.id or 0, [])) for org in pending]


def decide(session: Session, user: Account, organisation_id: int, verified: bool, reason: str = "") -> Organisation:
    """Verify a pending organisation, or reject it with a reason its members see."""
    _staff(user)
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    if not verified and not reason.strip():
        message = _("Say why the organisation is rejected.")
        raise ValidationError(message, {"reason": message})
    target = OrgStatus.VERIFIED if verified else OrgStatus.REJECTED
    advance(session, org, OrgStatus.PENDING, status=target, reject_reason=reason.strip()[:500],
            verified_at=utcnow() if verified else None, verified_by=user.id)
    record_event(session, user.id, f"organisation.{target.value}", org, {"status": "pending"},
                 {"status": target.value, "reason": reason.strip()[:500]})
    for admin in _admins(session, org.id or 0):
        notify(session, admin.id or 0, f"organisation.{target.value}", MEMBERS_LINK, organisation=org.name,
               reason=reason.strip())
    return org


def _admins(session: Session, organisation_id: int) -> list[User]:
    return list(session.exec(select(User).where(User.organisation_id == organisation_id, User.org_admin == True,  # noqa: E712
                                                User.membership == Membership.ACTIVE)))


def announce_new(session: Session, org: Organisation) -> None:
    """Tell government a new organisation waits for verification."""
    notify_role(session, "government", "organisation.pending", "/government/organisations", organisation=org.name)


def announce_join_request(session: Session, org: Organisation, applicant: User) -> None:
    """Tell the organisation's administrators someone asks to join."""
    for admin in _admins(session, org.id or 0):
        notify(session, admin.id or 0, "member.requested", MEMBERS_LINK, name=applicant.name, email=applicant.email)


def _administered(session: Session, user: Account) -> Organisation:
    if not user.org_admin or user.organisation_id <= 0:
        raise PermissionDenied(_("Only an administrator of your organisation may do this."))
    org = session.get(Organisation, user.organisation_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


def roster(session: Session, user: Account) -> tuple[Organisation, list[User], list[MemberInvitation]]:
    """The organisation's members (active and asking to join) and open invitations, for its administrators."""
    org = _administered(session, user)
    people = list(session.exec(select(User).where(User.organisation_id == org.id,
                                                  User.membership != Membership.REMOVED).order_by(col(User.id))))
    invitations = list(session.exec(select(MemberInvitation).where(
        MemberInvitation.organisation_id == org.id, col(MemberInvitation.accepted_at).is_(None),
        col(MemberInvitation.expires_at) > utcnow()).order_by(col(MemberInvitation.id).desc())))
    return org, people, invitations


def _member(session: Session, org: Organisation, member_id: int) -> User:
    member = session.get(User, member_id)
    if member is None or member.organisation_id != org.id:
        raise NotFound(_("No such member."))
    return member


def approve(session: Session, user: Account, member_id: int) -> User:
    """An organisation administrator lets a person who asked to join in."""
    org = _administered(session, user)
    member = _member(session, org, member_id)
    advance(session, member, Membership.PENDING, status_column="membership", membership=Membership.ACTIVE)
    record_event(session, user.id, "member.approved", member, {"membership": "pending"}, {"membership": "active"})
    notify(session, member.id or 0, "member.approved", "/", organisation=org.name)
    return member


def remove(session: Session, user: Account, member_id: int) -> User:
    """Remove a member (or turn down a join request): their access to the organisation's records ends at once,
    every session they signed in ends, and their API tokens are revoked."""
    org = _administered(session, user)
    member = _member(session, org, member_id)
    if member.id == user.id:
        raise Conflict(_("Hand the administrator role on before leaving; you cannot remove yourself."))
    before = member.membership
    advance(session, member, (Membership.ACTIVE, Membership.PENDING), status_column="membership",
            membership=Membership.REMOVED, org_admin=False, session_generation=member.session_generation + 1)
    session.exec(update(ApiToken).where(col(ApiToken.user_id) == member.id).values(revoked=True))
    record_event(session, user.id, "member.removed", member, {"membership": before.value}, {"membership": "removed"})
    return member


def hand_on(session: Session, user: Account, member_id: int) -> User:
    """Make another active member an organisation administrator; the giver stops being one."""
    org = _administered(session, user)
    member = _member(session, org, member_id)
    if member.id == user.id or member.membership != Membership.ACTIVE:
        raise Conflict(_("Choose another active member."))
    member.org_admin = True
    session.add(member)
    me = session.get(User, user.id)
    if me is not None:
        me.org_admin = False
        session.add(me)
    record_event(session, user.id, "member.admin_handed_on", member, {"org_admin": False}, {"org_admin": True})
    notify(session, member.id or 0, "member.made_admin", MEMBERS_LINK, organisation=org.name)
    return member


def invite(session: Session, user: Account, email: str) -> tuple[MemberInvitation, str]:
    """Invite an e-mail address to join; returns the invitation and its link (also e-mailed)."""
    org = _administered(session, user)
    address = email.strip().lower()
    if "@" not in address or len(address) > 254:
        message = _("Enter a valid e-mail address.")
        raise ValidationError(message, {"email": message})
    if session.exec(select(User.id).where(User.email == address)).first() is not None:
        message = _("This address already has an account; ask that person to request to join instead.")
        raise ValidationError(message, {"email": message})
    invitation = MemberInvitation(organisation_id=org.id or 0, email=address, invited_by=user.id,
                                  expires_at=utcnow() + dt.timedelta(days=INVITATION_DAYS))
    session.add(invitation)
    session.flush()
    link = links.public_url(f"/account/join/{links.make('join-organisation', {'invitation': invitation.id})}")
    mail.queue_to(session, address, f"揭榜 Jiebang：{org.name}邀请您加入 / {org.name} invites you",
                  f"{org.name}邀请您在揭榜平台加入本单位。请在 {INVITATION_DAYS} 天内打开链接完成注册：\n"
                  f"{org.name} invites you to join it on Jiebang. Open this link within {INVITATION_DAYS} days:"
                  f"\n\n{link}")
    record_event(session, user.id, "member.invited", invitation, None, {"email": address})
    return invitation, link


def invitation_of(session: Session, token: str) -> tuple[MemberInvitation, Organisation]:
    """The open invitation a link names; LinkInvalid when damaged, expired or used."""
    data = links.read("join-organisation", token, _("This invitation has expired; ask for a new one."),
                      _("This invitation link is not valid."))
    invitation = session.get(MemberInvitation, data.get("invitation"))
    if invitation is None or invitation.accepted_at is not None:
        raise links.LinkInvalid(_("This invitation was already used."))
    expires = invitation.expires_at if invitation.expires_at.tzinfo else invitation.expires_at.replace(tzinfo=dt.UTC)
    if expires <= utcnow():
        raise links.LinkInvalid(_("This invitation has expired; ask for a new one."))
    org = session.get(Organisation, invitation.organisation_id)
    if org is None:
        raise links.LinkInvalid(_("This invitation link is not valid."))
    return invitation, org


def spend(session: Session, invitation: MemberInvitation, user_id: int) -> None:
    """Use the invitation once (a conditional update: a second use, even at the same moment, fails)."""
    done = session.exec(update(MemberInvitation).where(
        col(MemberInvitation.id) == invitation.id, col(MemberInvitation.accepted_at).is_(None))
        .values(accepted_at=utcnow(), accepted_by=user_id))
    if done.rowcount != 1:
        raise links.LinkInvalid(_("This invitation was already used."))
