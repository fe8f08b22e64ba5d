"""Declared conflicts of interest: a person declares one with an organisation, or an enterprise with a person.

A declared pair is never proposed: not in curation rankings, not in "challenges for you", not in dispatch.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from models.accounts import Organisation
from models.curation import ConflictDeclaration
from models.profiles import Profile
from webapp.auth import Account
from webapp.services.access import require_trusted
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import Conflict, NotFound, PermissionDenied, ValidationError


def own_profile(session: Session, user: Account) -> Profile | None:
    """The user's candidate profile, if they have one."""
    return session.exec(select(Profile).where(Profile.user_id == user.id)).first()


def declare(session: Session, user: Account, profile_id: int | None, organisation_id: int | None,
            note: str = "") -> ConflictDeclaration:
    """Record a conflict: an enterprise names a person, a person names an organisation."""
    require_trusted(user)
    if user.has("enterprise"):
        if profile_id is None or session.get(Profile, profile_id) is None:
            message = _("Choose the person you have a conflict of interest with.")
            raise ValidationError(message, {"profile_id": message})
        pair = (profile_id, user.organisation_id)
    else:
        profile = own_profile(session, user)
        if profile is None:
            raise PermissionDenied(_("Only enterprises and people with a profile declare conflicts."))
        if organisation_id is None or session.get(Organisation, organisation_id) is None:
            message = _("Choose the organisation you have a conflict of interest with.")
            raise ValidationError(message, {"organisation_id": message})
        pair = (profile.id, organisation_id)
    if conflicted(session, *pair):
        raise Conflict(_("This conflict of interest is already declared."))
    row = ConflictDeclaration(profile_id=pair[0], organisation_id=pair[1], declared_by=user.id, note=note.strip())
    session.add(row)
    session.flush()
    record_event(session, user.id, "conflict.declared", row, None, snapshot(row, "profile_id", "organisation_id"))
    return row


def withdraw(session: Session, user: Account, declaration_id: int) -> None:
    """The declarer takes a declaration back."""
    row = session.get(ConflictDeclaration, declaration_id)
    if row is None or row.declared_by != user.id:
        raise NotFound(_("No such declaration."))
    record_event(session, user.id, "conflict.withdrawn", row, snapshot(row, "profile_id", "organisation_id"), None)
    session.delete(row)


def conflicted(session: Session, profile_id: int, organisation_id: int) -> bool:
    """Whether the pair was declared in conflict."""
    return session.exec(select(ConflictDeclaration.id).where(
        ConflictDeclaration.profile_id == profile_id,
        ConflictDeclaration.organisation_id == organisation_id)).first() is not None


def profiles_in_conflict_with(session: Session, organisation_id: int) -> set[int]:
    """Profiles declared in conflict with an organisation."""
    return set(session.exec(profiles_in_conflict_query(organisation_id)).all())


def profiles_in_conflict_query(organisation_id: int):
    """profiles_in_conflict_with as a statement."""
    return select(ConflictDeclaration.profile_id).where(ConflictDeclaration.organisation_id == organisation_id)


def organisations_in_conflict_with(session: Session, profile_id: int) -> set[int]:
    """Organisations declared in conflict with a profile."""
    return set(session.exec(select(ConflictDeclaration.organisation_id).where(
        ConflictDeclaration.profile_id == profile_id)).all())


def declarations_of(session: Session, user: Account) -> list[tuple[ConflictDeclaration, Profile, Organisation]]:
    """Declarations that concern the user: about their profile, or their enterprise."""
    profile = own_profile(session, user)
    condition = ConflictDeclaration.organisation_id == user.organisation_id if user.has("enterprise") \
        else ConflictDeclaration.profile_id == (profile.id if profile else -1)
    return list(session.exec(select(ConflictDeclaration, Profile, Organisation)
                             .join(Profile, Profile.id == ConflictDeclaration.profile_id)
                             .join(Organisation, Organisation.id == ConflictDeclaration.organisation_id)
                             .where(condition).order_by(col(ConflictDeclaration.id))))
