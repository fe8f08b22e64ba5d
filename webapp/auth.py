"""Who is asking: Flask-Login sessions, bearer API tokens, and role checks."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user, login_user
from sqlalchemy import bindparam
from sqlmodel import select

from models.accounts import ApiToken, Membership, Organisation, OrgStatus, Role, User, UserRole
from webapp import db
from webapp.services import notifications, stamps, throttle
from webapp.services.errors import PermissionDenied

GENERATION = "_generation"
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None


@dataclass(frozen=True)
class Account(UserMixin):
    """The signed-in user as the request sees it."""

    id: int
    email: str
    name: str
    organisation_id: int  # NO_ORGANISATION while the membership is not active: no access to its records
    roles: frozenset[str]
    org_verified: bool = True
    org_admin: bool = False
    membership: str = "active"
    session_generation: int = 0
    unread: int = 0  # unread notifications, counted when the account is loaded

    def get_id(self) -> str:
        """Flask-Login's identifier."""
        return str(self.id)

    def has(self, *roles: str) -> bool:
        """Whether the user holds any of `roles`."""
        return any(role in self.roles for role in roles)

    @property
    def trusted(self) -> bool:
        """An active member of a verified organisation: may submit, bid, ask for help, declare conflicts."""
        return self.org_verified and self.membership == Membership.ACTIVE.value


NO_ORGANISATION = 0  # no organisation has this id


class Visitor(AnonymousUserMixin):
    """A signed-out visitor: holds no role, owns nothing, belongs to no organisation (public pages only)."""

    id = 0
    name = ""
    email = ""
    organisation_id = NO_ORGANISATION
    roles: frozenset[str] = frozenset()
    org_verified = False
    org_admin = False
    membership = "none"
    trusted = False

    def has(self, *roles: str) -> bool:
        """A visitor holds no role."""
        return False


def load_account(user_id: int, ahead: tuple[str, ...] = ()) -> Account | None:
    """Load an active user with their roles (and, since every page shows it, the unread count); the version
    stamps named `ahead` are read in the same statement and kept for the request (services/stamps.py)."""
    rows = db.session().exec(_account_by_id(ahead), params={"account_id": user_id}).all()
    return _account(rows, ahead, unread=True)


@lru_cache(maxsize=32)
def _account_by_id(ahead: tuple[str, ...]):
    """The statement of one account by id, built once per set of stamps (every request runs it)."""
    account_id = bindparam("account_id")
    unread = notifications.unread_query(account_id).scalar_subquery()
    return _account_rows(unread, *stamps.columns(ahead)[0]).where(User.id == account_id)


@lru_cache(maxsize=32)
def _account_by_token(ahead: tuple[str, ...]):
    """The statement of the account an unrevoked API token belongs to, built once per set of stamps."""
    return _account_rows(*stamps.columns(ahead)[0]).join(ApiToken, ApiToken.user_id == User.id).where(
        ApiToken.digest == bindparam("digest"), ApiToken.revoked == False)  # noqa: E712


def _account_rows(*extra):
    """The statement of an account: the user, each role, the organisation's status (one round trip)."""
    return select(User, UserRole.role, Organisation.status, *extra).outerjoin(
        UserRole, UserRole.user_id == User.id).outerjoin(Organisation, Organisation.id == User.organisation_id)


def _account(rows, ahead: tuple[str, ...], unread: bool) -> Account | None:
    if not rows:
        return None
    first = rows[0]
    if ahead:
        stamps.seed(db.session(), ahead, first[4 if unread else 3:])
    user, org_status = first[0], first[2]
    if not user.active:
        return None
    roles = [row[1] for row in rows if row[1] is not None]
    active = user.membership == Membership.ACTIVE
    return Account(user.id, user.email, user.name, user.organisation_id if active else NO_ORGANISATION,
                   frozenset(str(getattr(r, "value", r)) for r in roles),
                   org_verified=org_status == OrgStatus.VERIFIED,
                   org_admin=active and user.org_admin, membership=user.membership.value,
                   session_generation=user.session_generation, unread=int(first[3]) if unread else 0)


def reads_stamps(*names: str):
    """A view that reads these version stamps (services/stamps.py) on every visit: the signed-in account is
    loaded first, and its statement reads them too — one round trip fewer per page."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            _ = current_user.is_authenticated  # loads the account, with the stamps, before the view reads them
            return view(*args, **kwargs)

        wrapper.stamps_ahead = names  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _stamps_ahead() -> tuple[str, ...]:
    """The stamps the requested view reads on every visit (reads_stamps), if any."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "stamps_ahead", ())


def start_session(account: Account) -> None:
    """Sign the user in on this browser, remembering the session generation the cookie belongs to."""
    login_user(account)
    session[GENERATION] = account.session_generation


def end_sessions(user: User) -> None:
    """End every session of the user signed in before now (the row is written with the request)."""
    user.session_generation += 1
    db.session().add(user)


def token_digest(token: str) -> str:
    """The stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random API token (shown once)."""
    return "jb_" + secrets.token_urlsafe(32)


@login_manager.user_loader
def _from_session(user_id: str) -> Account | None:
    """The session's user, unless the session was ended (sign-out, new password, removal) since it began."""
    try:
        account = load_account(int(user_id), _stamps_ahead())
    except ValueError:
        return None
    if account is None or session.get(GENERATION) != account.session_generation:
        return None
    return account


@login_manager.request_loader
def _from_token(req) -> Account | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    digest = token_digest(header.removeprefix("Bearer ").strip())
    ahead = _stamps_ahead()
    rows = db.session().exec(_account_by_token(ahead), params={"digest": digest}).all()  # one round trip
    if not rows:  # no such token (every token has its user)
        throttle.failed_token(db.session(), req.remote_addr)  # 429 once an address keeps guessing
        return None
    g.token_auth = True
    return _account(rows, ahead, unread=False)  # the API shows no unread count: it is not read


def authenticated_by_token() -> bool:
    """Whether this request carried a valid bearer token (so it needs no CSRF token)."""
    return bool(g.get("token_auth"))


def roles_required(*roles: Role):
    """Refuse (403) a signed-in user who holds none of `roles`."""
    names = tuple(role.value for role in roles)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has(*names):
                raise PermissionDenied("You may not do this.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def init_app(app: Flask) -> None:
    """Attach the login manager; API requests answer 401 JSON instead of redirecting."""
    login_manager.anonymous_user = Visitor
    login_manager.init_app(app)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path))
