"""Profiles, their documents, and achievements (科技成果)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.common import utcnow
from models.files import AttachmentKind
from models.profiles import (
    Achievement,
    AchievementCreate,
    Document,
    DocumentCreate,
    Profile,
    ProfileKind,
    ProfileUpdate,
)
from webapp.auth import Account
from webapp.services import attachments, search
from webapp.services.access import require_trusted
from webapp.services.audit import apply_update, record_event, snapshot
from webapp.services.errors import NotFound, PermissionDenied
from webapp.storage import storage


def own_profile(session: Session, user: Account) -> Profile:
    """The user's candidate profile; users without one (enterprise, government) are refused."""
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    if profile is None:
        raise PermissionDenied(_("Only solvers, technical managers and commissioners keep a profile."))
    return profile


def get_profile(session: Session, profile_id: int) -> Profile:
    """A profile by id (profiles are visible to every signed-in user)."""
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(_("No such profile."))
    return profile


def update_profile(session: Session, user: Account, data: ProfileUpdate) -> Profile:
    """Edit the user's own profile."""
    profile = own_profile(session, user)
    apply_update(session, user.id, profile, data, "profile.updated")
    return profile


def documents_of(session: Session, profile_id: int) -> list[Document]:
    """A profile's documents, newest first."""
    return list(session.exec(select(Document).where(Document.profile_id == profile_id)
                             .order_by(col(Document.date).desc(), col(Document.id).desc())))


def add_document(session: Session, user: Account, data: DocumentCreate) -> Document:
    """Add a paper, patent, project or service record to the user's profile."""
    profile = own_profile(session, user)
    document = Document(**data.model_dump(), profile_id=profile.id)
    session.add(document)
    profile.updated_at = utcnow()
    session.add(profile)
    session.flush()
    record_event(session, user.id, "document.added", document, None, snapshot(document, "title", "kind"))
    return document


def delete_document(session: Session, user: Account, document_id: int) -> None:
    """Remove one of the user's own documents."""
    profile = own_profile(session, user)
    document = session.get(Document, document_id)
    if document is None or document.profile_id != profile.id:
        raise NotFound(_("No such document."))
    record_event(session, user.id, "document.deleted", document, snapshot(document, "title", "kind"), None)
    attachments.drop_all(session, storage(), AttachmentKind.DOCUMENT, document.id)
    session.delete(document)
    profile.updated_at = utcnow()
    session.add(profile)


def create_achievement(session: Session, user: Account, data: AchievementCreate) -> Achievement:
    """A solver lists an achievement ready for transfer."""
    profile = own_profile(session, user)
    if profile.kind != ProfileKind.SOLVER:
        raise PermissionDenied(_("Only solvers list achievements."))
    require_trusted(user)  # the public catalogue shows only what verified organisations list
    achievement = Achievement(**data.model_dump(), profile_id=profile.id)
    session.add(achievement)
    session.flush()
    record_event(session, user.id, "achievement.created", achievement, None, snapshot(achievement, "title"))
    return achievement


def get_achievement(session: Session, achievement_id: int) -> Achievement:
    """An achievement by id (visible to every signed-in user)."""
    achievement = session.get(Achievement, achievement_id)
    if achievement is None:
        raise NotFound(_("No such achievement."))
    return achievement


def browse_achievements(session: Session, q: str = "", field: str | None = None,
                        page: int = 1, per_page: int = 20) -> tuple[list[Achievement], int]:
    """Achievements of a field, newest first; searched, ranked by the engine's relevance (search.py)."""
    if q.strip():
        return search.achievements(session, q, field, page, per_page)
    statement = select(Achievement)
    if field:
        statement = statement.where(Achievement.field == field)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Achievement.id).desc())
                        .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def browse_profiles(session: Session, kind: str | None = None, q: str = "",
                    page: int = 1, per_page: int = 20) -> tuple[list[Profile], int]:
    """Profiles of a kind by id; searched, names first and then ranked by the engine's relevance (search.py)."""
    if q.strip():
        return search.profiles(session, kind, q, page, per_page)
    statement = select(Profile)
    if kind:
        statement = statement.where(Profile.kind == kind)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Profile.id)).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total
