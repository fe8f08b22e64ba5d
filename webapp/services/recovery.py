"""Account recovery and trust: e-mail verification, forgotten and changed passwords.

A reset link names the password hash it replaces, so it works once and dies with any later change; a
new password ends every session of the account (and a reset, which may follow a theft, revokes its API
tokens too). The answer to "forgot password" is the same whether or not the address has an account.
"""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, col, select
from werkzeug.security import check_password_hash, generate_password_hash

from models.accounts import ApiToken, User
from models.common import utcnow
from webapp import mail
from webapp.auth import end_sessions
from webapp.services import links
from webapp.services.audit import record_event
from webapp.services.errors import ValidationError
from webapp.services.passwords import check_strength


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def send_verification(session: Session, user: User) -> str:
    """Mail the link that confirms the user's address; returns it."""
    link = links.public_url(f"/account/verify/{links.make('verify-email', {'user': user.id, 'email': user.email})}")
    mail.queue(session, user.id or 0, "揭榜 Jiebang：请确认您的电子邮箱 / Please confirm your e-mail address",
               f"请打开以下链接确认您的电子邮箱：\nOpen this link to confirm your e-mail address:\n\n{link}")
    return link


def verify_email(session: Session, token: str) -> User:
    """Mark the address a verification link was sent to as confirmed."""
    data = links.read("verify-email", token, _("This confirmation link has expired; sign in to get a new one."),
                      _("This confirmation link is not valid."))
    user = session.get(User, data.get("user"))
    if user is None or user.email != data.get("email"):
        raise links.LinkInvalid(_("This confirmation link is not valid."))
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
        record_event(session, user.id, "user.email_verified", user, None, {"email": user.email})
    return user


def forgot(session: Session, email: str) -> None:
    """Mail a reset link when the address has an active account; say nothing either way."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.active:
        return
    token = links.make("reset-password", {"user": user.id, "fingerprint": _fingerprint(user)})
    link = links.public_url(f"/account/password/reset/{token}")
    mail.queue(session, user.id or 0, "揭榜 Jiebang：重设密码 / Reset your password",
               f"请在一小时内打开以下链接重设密码；如非本人操作，请忽略本邮件。\n"
               f"Open this link within an hour to choose a new password; if you did not ask, ignore this mail."
               f"\n\n{link}")
    record_event(session, user.id, "user.password_reset_requested", user, None, None)


def reset_user(session: Session, token: str) -> User:
    """The account a reset link may still change (LinkInvalid once used, expired or damaged)."""
    data = links.read("reset-password", token, _("This reset link has expired; ask for a new one."),
                      _("This reset link is not valid or was already used."))
    user = session.get(User, data.get("user"))
    if user is None or not user.active or data.get("fingerprint") != _fingerprint(user):
        raise links.LinkInvalid(_("This reset link is not valid or was already used."))
    return user


def set_password(session: Session, user: User, password: str, method: str, revoke_tokens: bool) -> None:
    """A new password: every session ends; after a reset the API tokens are revoked too."""
    check_strength(password, user.email, user.name)
    user.password_hash = generate_password_hash(password, method=method)
    end_sessions(user)
    if revoke_tokens:
        session.exec(update(ApiToken).where(col(ApiToken.user_id) == user.id).values(revoked=True))
    record_event(session, user.id, "user.password_changed", user, None, {"tokens_revoked": revoke_tokens})


def change_password(session: Session, user_id: int, current: str, new: str, method: str) -> User:
    """A signed-in user changes their password, giving the current one."""
    user = session.get(User, user_id)
    if user is None or not check_password_hash(user.password_hash, current):
        message = _("The current password is not right.")
        raise ValidationError(message, {"current_password": message})
    set_password(session, user, new, method, revoke_tokens=False)
    return user
