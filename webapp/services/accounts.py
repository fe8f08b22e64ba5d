"""Accounts: registration, sign-in, staff accounts and API tokens."""

from __future__ import annotations

import functools
import secrets

from flask_babel import gettext as _
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from models.accounts import (
    SELF_SERVICE_ROLES,
    ApiToken,
    InvitedRegistration,
    Membership,
    Organisation,
    OrgKind,
    OrgStatus,
    Region,
    Registration,
    Role,
    User,
    UserRole,
)
from models.common import utcnow
from models.profiles import Profile, ProfileKind
from webapp.auth import new_token, token_digest
from webapp.services import organisations
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationError
from webapp.services.passwords import check_strength
from webapp.services.transitions import insert_once

CANDIDATE_ROLES = {Role.SOLVER: ProfileKind.SOLVER, Role.MANAGER: ProfileKind.MANAGER,
                   Role.COMMISSIONER: ProfileKind.COMMISSIONER}


def find_or_create_org(session: Session, name: str, kind: OrgKind, region: Region) -> Organisation:
    """The organisation of that exact name and kind, created when new."""
    org = session.exec(
        select(Organisation).where(Organisation.name == name.strip(), Organisation.kind == kind)
    ).first()
    if org is None:
        org = Organisation(name=name.strip(), kind=kind, region=region)
        session.add(org)
        session.flush()
    return org


def create_user(session: Session, email: str, name: str, password_hash: str,
                roles: list[Role], org: Organisation, region: Region, membership: Membership = Membership.ACTIVE,
                org_admin: bool = False) -> User:
    """Add a user with roles, and a candidate profile when a role needs one."""
    email = email.strip().lower()
    if session.exec(select(User).where(User.email == email)).first():
        msg = _("This e-mail address is already registered.")
        raise Conflict(msg, {"email": msg})
    user = User(email=email, name=name.strip(), password_hash=password_hash,
                organisation_id=org.id, membership=membership, org_admin=org_admin)
    session.add(user)
    session.flush()
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role))
    kind = next((CANDIDATE_ROLES[r] for r in roles if r in CANDIDATE_ROLES), None)
    if kind is not None:
        session.add(Profile(user_id=user.id, organisation_id=org.id, kind=kind,
                            display_name=user.name, region=region))
    session.flush()
    record_event(session, user.id, "user.created", user, None,
                 {"email": user.email, "roles": [str(r) for r in roles]})
    return user


def register(session: Session, data: Registration, password_method: str) -> User:
    """Open a self-service account: for a new organisation (pending until government verifies it, the
    registrant its administrator), or asking to join an existing one by its 统一社会信用代码 (the account can
    do nothing for it until an administrator approves). Nobody joins by typing a name."""
    if data.role not in SELF_SERVICE_ROLES:
        msg = _("Government and admin accounts are created by an administrator.")
        raise PermissionDenied(msg, {"role": msg})
    check_strength(data.password, data.email, data.name)
    existing = organisations.by_credit_code(session, data.credit_code)
    hashed = generate_password_hash(data.password, method=password_method)
    if data.organisation_mode == "join":
        if existing is None or existing.status == OrgStatus.REJECTED:
            msg = _("No organisation is registered under this code; register it as a new organisation.")
            raise ValidationError(msg, {"credit_code": msg})
        user = create_user(session, data.email, data.name, hashed, [data.role], existing, data.region,
                           membership=Membership.PENDING)
        organisations.announce_join_request(session, existing, user)
        return user
    if existing is not None:
        msg = _("%(name)s is already registered. Ask one of its administrators for an invitation, or choose "
                "“Join an existing organisation” to ask to join.", name=existing.name)
        raise ValidationError(msg, {"credit_code": msg})
    org = Organisation(name=(data.organisation_name or "").strip(), kind=data.organisation_kind or OrgKind.ENTERPRISE,
                       region=data.region, credit_code=data.credit_code, status=OrgStatus.PENDING)
    insert_once(session, org, _("This organisation was registered a moment ago."))
    user = create_user(session, data.email, data.name, hashed, [data.role], org, data.region, org_admin=True)
    organisations.announce_new(session, org)
    return user


def register_invited(session: Session, token: str, data: InvitedRegistration, password_method: str) -> User:
    """Open an account through an invitation: an active member of the inviting organisation at once."""
    invitation, org = organisations.invitation_of(session, token)
    if data.role not in SELF_SERVICE_ROLES:
        msg = _("Government and admin accounts are created by an administrator.")
        raise PermissionDenied(msg, {"role": msg})
    check_strength(data.password, invitation.email, data.name)
    hashed = generate_password_hash(data.password, method=password_method)
    user = create_user(session, invitation.email, data.name, hashed, [data.role], org, data.region)
    user.email_verified_at = utcnow()  # the link reached this address
    organisations.spend(session, invitation, user.id or 0)
    record_event(session, user.id, "member.joined", user, None, {"organisation_id": org.id,
                                                                 "invitation_id": invitation.id})
    return user


def authenticate(session: Session, email: str, password: str, password_method: str = "scrypt") -> User | None:
    """The active user with that e-mail and password, or None.

    An unknown e-mail costs one password check too, against a hash of the same method, so the answer's
    timing does not tell which e-mail addresses have accounts.
    """
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    stored = user.password_hash if user is not None else _decoy_hash(password_method)
    if not check_password_hash(stored, password) or user is None or not user.active:
        return None
    return user


@functools.cache
def _decoy_hash(method: str) -> str:
    """A hash of a random password, checked in place of a missing account's."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def issue_token(session: Session, user_id: int, name: str) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and never stored."""
    plain = new_token()
    token = ApiToken(user_id=user_id, name=name.strip()[:100] or "token", digest=token_digest(plain))
    session.add(token)
    session.flush()
    record_event(session, user_id, "token.created", token, None, snapshot(token, "name"))
    return token, plain


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The user's live tokens."""
    return list(session.exec(select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked == False)))  # noqa: E712


def revoke_token(session: Session, user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        raise NotFound(_("No such token."))
    token.revoked = True
    session.add(token)
    record_event(session, user_id, "token.revoked", token, {"revoked": False}, {"revoked": True})
