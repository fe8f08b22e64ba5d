"""Profile, document, achievement and account endpoints."""

from __future__ import annotations

from flask_login import current_user, login_required
from sqlmodel import Field, SQLModel

from models.accounts import UserRead
from models.common import TechField
from models.profiles import (
    AchievementCreate,
    AchievementRead,
    DocumentCreate,
    DocumentRead,
    ProfileKind,
    ProfileRead,
    ProfileUpdate,
)
from webapp import db
from webapp.api.base import Done, body, bp, query, responses, validate
from webapp.services import profiles as service

TAG = "profiles"


class Page(SQLModel):
    """Paging and a word filter."""

    q: str = Field(default="", max_length=200)
    page: int = Field(default=1, ge=1, le=10_000)


class ProfileSearch(Page):
    """Profile directory filters."""

    kind: ProfileKind | None = None


class AchievementSearch(Page):
    """Achievement filters."""

    field: TechField | None = None


class ProfileList(SQLModel):
    """One page of profiles."""

    items: list[ProfileRead]
    total: int


class DocumentList(SQLModel):
    """A profile's documents."""

    items: list[DocumentRead]


class AchievementList(SQLModel):
    """One page of achievements."""

    items: list[AchievementRead]
    total: int


@bp.get("/me")
@login_required
@validate(resp=responses(200, UserRead), tags=["account"])
def me():
    """Who the caller is."""
    user = current_user
    return UserRead(id=user.id, email=user.email, name=user.name, organisation_id=user.organisation_id,
                    roles=sorted(user.roles))


@bp.get("/profiles")
@login_required
@validate(query=ProfileSearch, resp=responses(200, ProfileList, 422), tags=[TAG])
def list_profiles():
    """Browse profiles by kind and words."""
    search = query()
    items, total = service.browse_profiles(db.session(), search.kind, search.q, search.page)
    profiles = [ProfileRead.model_validate(p, from_attributes=True) for p in items]
    return ProfileList(items=profiles, total=total)


@bp.get("/profiles/<int:profile_id>")
@login_required
@validate(resp=responses(200, ProfileRead, 404), tags=[TAG])
def get_profile(profile_id: int):
    """Read one profile."""
    return ProfileRead.model_validate(service.get_profile(db.session(), profile_id), from_attributes=True)


@bp.get("/profiles/<int:profile_id>/documents")
@login_required
@validate(resp=responses(200, DocumentList, 404), tags=[TAG])
def list_documents(profile_id: int):
    """A profile's papers, patents, projects and service records."""
    profile = service.get_profile(db.session(), profile_id)
    docs = service.documents_of(db.session(), profile.id)
    return DocumentList(items=[DocumentRead.model_validate(d, from_attributes=True) for d in docs])


@bp.get("/profiles/me")
@login_required
@validate(resp=responses(200, ProfileRead, 403), tags=[TAG])
def my_profile():
    """The caller's own profile."""
    return ProfileRead.model_validate(service.own_profile(db.session(), current_user), from_attributes=True)


@bp.patch("/profiles/me")
@login_required
@validate(json=ProfileUpdate, resp=responses(200, ProfileRead, 403, 422), tags=[TAG])
def update_profile():
    """Edit the caller's own profile."""
    profile = service.update_profile(db.session(), current_user, body())
    db.commit()
    return ProfileRead.model_validate(profile, from_attributes=True)


@bp.post("/profiles/me/documents")
@login_required
@validate(json=DocumentCreate, resp=responses(201, DocumentRead, 403, 422), tags=[TAG])
def add_document():
    """Add a document to the caller's profile."""
    document = service.add_document(db.session(), current_user, body())
    db.commit()
    return DocumentRead.model_validate(document, from_attributes=True), 201


@bp.delete("/profiles/me/documents/<int:document_id>")
@login_required
@validate(resp=responses(200, Done, 403, 404), tags=[TAG])
def delete_document(document_id: int):
    """Remove a document from the caller's profile."""
    service.delete_document(db.session(), current_user, document_id)
    db.commit()
    return Done()


@bp.get("/achievements")
@login_required
@validate(query=AchievementSearch, resp=responses(200, AchievementList, 422), tags=["achievements"])
def list_achievements():
    """Browse achievements by words and field."""
    search = query()
    items, total = service.browse_achievements(db.session(), search.q, search.field, search.page)
    return AchievementList(items=[AchievementRead.model_validate(a, from_attributes=True) for a in items],
                           total=total)


@bp.post("/achievements")
@login_required
@validate(json=AchievementCreate, resp=responses(201, AchievementRead, 403, 422), tags=["achievements"])
def create_achievement():
    """List an achievement (solver)."""
    achievement = service.create_achievement(db.session(), current_user, body())
    db.commit()
    return AchievementRead.model_validate(achievement, from_attributes=True), 201


@bp.get("/achievements/<int:achievement_id>")
@login_required
@validate(resp=responses(200, AchievementRead, 404), tags=["achievements"])
def get_achievement(achievement_id: int):
    """Read one achievement."""
    return AchievementRead.model_validate(service.get_achievement(db.session(), achievement_id),
                                          from_attributes=True)
