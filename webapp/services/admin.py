"""The admin console's use cases: staff accounts, deactivation, API tokens, and the audit log.

Admins manage accounts and records of trust; they take no business action (no award, no subsidy).
Every admin action is itself audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, func, select
from werkzeug.security import generate_password_hash

from models.accounts import ApiToken, Organisation, OrgKind, Region, Role, User, UserRole
from models.audit import AuditEvent
from models.common import CHINA
from webapp.auth import Account, end_sessions
from webapp.services import accounts
from webapp.services.audit import record_event
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationError
from webapp.services.passwords import check_strength

STAFF_ROLES = (Role.GOVERNMENT, Role.ADMIN)
PAGE = 50


def require_admin(user: Account) -> None:
    """Only admins use the console."""
    if not user.has("admin"):
        raise PermissionDenied(_("Only administrators may do this."))


def create_staff(session: Session, user: Account, email: str, name: str, role: str, organisation: str,
                 region: str, password: str, method: str) -> User:
    """Open a government or admin account in a government office (created, and verified, when new)."""
    require_admin(user)
    errors: dict[str, str] = {}
    if role not in {r.value for r in STAFF_ROLES}:
        errors["role"] = _("Choose government or admin.")
    if region not in {r.value for r in Region}:
        errors["region"] = _("Choose one of the listed options.")
    if len(name.strip()) < 1:
        errors["name"] = _("This field is required.")
    if len(organisation.strip()) < 2:
        errors["organisation"] = _("This field is required.")
    if "@" not in email:
        errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(_("Some fields are not valid."), errors)
    check_strength(password, email, name)
    org = accounts.find_or_create_org(session, organisation, OrgKind.GOVERNMENT, Region(region))
    staff = accounts.create_user(session, email, name, generate_password_hash(password, method=method),
                                 [Role(role)], org, Region(region))
    record_event(session, user.id, "admin.account_created", staff, None, {"email": staff.email, "role": role})
    return staff


def users(session: Session, q: str = "", page: int = 1) -> tuple[list[tuple[User, Organisation, list[str]]], int]:
    """Accounts matching words in name or e-mail, with organisation and roles."""
    statement = select(User, Organisation).join(Organisation, Organisation.id == User.organisation_id)
    for word in q.split()[:5]:
        statement = statement.where(col(User.email).contains(word, autoescape=True)
                                    | col(User.name).contains(word, autoescape=True))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = list(session.exec(statement.order_by(col(User.id)).offset((page - 1) * PAGE).limit(PAGE)))
    roles: dict[int, list[str]] = {}
    for user_id, role in session.exec(select(UserRole.user_id, UserRole.role).where(
            col(UserRole.user_id).in_([u.id for u, _o in rows]))):
        roles.setdefault(user_id, []).append(str(getattr(role, "value", role)))
    return [(u, o, roles.get(u.id or 0, [])) for u, o in rows], total


def set_active(session: Session, user: Account, user_id: int, active: bool) -> User:
    """Deactivate (every session and API token ends) or reactivate an account."""
    require_admin(user)
    target = session.get(User, user_id)
    if target is None:
        raise NotFound(_("No such user."))
    if target.id == user.id:
        raise Conflict(_("You cannot deactivate your own account."))
    if target.active == active:
        return target
    target.active = active
    if not active:
        end_sessions(target)
        session.exec(update(ApiToken).where(col(ApiToken.user_id) == target.id).values(revoked=True))
    session.add(target)
    record_event(session, user.id, "admin.user_activated" if active else "admin.user_deactivated", target,
                 {"active": not active}, {"active": active})
    return target


def live_tokens(session: Session) -> list[tuple[ApiToken, User]]:
    """Every API token not revoked, newest first."""
    return list(session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                             .where(ApiToken.revoked == False).order_by(col(ApiToken.id).desc())))  # noqa: E712


def revoke_token(session: Session, user: Account, token_id: int) -> ApiToken:
    """Revoke anyone's API token."""
    require_admin(user)
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("No such token."))
    token.revoked = True
    session.add(token)
    record_event(session, user.id, "admin.token_revoked", token, {"revoked": False}, {"revoked": True})
    return token


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log is narrowed to (dates are China dates, inclusive)."""

    actor: str = ""
    organisation_id: int | None = None
    entity: str = ""
    entity_id: int | None = None
    action: str = ""
    start: dt.date | None = None
    end: dt.date | None = None


def audit_log(session: Session, user: Account, wanted: AuditFilter, limit: int | None = 200
              ) -> list[tuple[AuditEvent, User | None]]:
    """Audit events matching the filter, newest first, with their actors."""
    require_admin(user)
    statement = select(AuditEvent, User).join(User, User.id == AuditEvent.actor_id, isouter=True)
    if wanted.actor:
        statement = statement.where(col(User.email).contains(wanted.actor.strip().lower(), autoescape=True))
    if wanted.organisation_id is not None:
        statement = statement.where(User.organisation_id == wanted.organisation_id)
    if wanted.entity:
        statement = statement.where(AuditEvent.entity == wanted.entity)
    if wanted.entity_id is not None:
        statement = statement.where(AuditEvent.entity_id == wanted.entity_id)
    if wanted.action:
        statement = statement.where(col(AuditEvent.action).startswith(wanted.action, autoescape=True))
    if wanted.start:
        statement = statement.where(col(AuditEvent.at) >= _utc_start(wanted.start))
    if wanted.end:
        statement = statement.where(col(AuditEvent.at) < _utc_start(wanted.end + dt.timedelta(days=1)))
    statement = statement.order_by(col(AuditEvent.id).desc())
    return list(session.exec(statement.limit(limit) if limit else statement))


def _utc_start(day: dt.date) -> dt.datetime:
    """Midnight of a China date, in UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=CHINA).astimezone(dt.UTC)
