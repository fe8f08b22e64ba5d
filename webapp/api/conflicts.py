"""Declared conflicts of interest: declare, list, withdraw."""

from __future__ import annotations

from flask_login import current_user, login_required
from sqlmodel import SQLModel

from models.curation import ConflictCreate, ConflictRead
from webapp import db
from webapp.api.base import Done, body, bp, responses, validate
from webapp.services import conflicts

TAG = "conflicts"


class ConflictList(SQLModel):
    """Declarations that concern the caller."""

    items: list[ConflictRead]


@bp.post("/conflicts")
@login_required
@validate(json=ConflictCreate, resp=responses(201, ConflictRead, 403, 409, 422), tags=[TAG])
def declare():
    """Declare a conflict of interest (an enterprise names a profile, a person an organisation)."""
    data = body()
    row = conflicts.declare(db.session(), current_user, data.profile_id, data.organisation_id, data.note)
    db.commit()
    return ConflictRead.model_validate(row, from_attributes=True), 201


@bp.get("/conflicts")
@login_required
@validate(resp=responses(200, ConflictList), tags=[TAG])
def list_conflicts():
    """Declarations about the caller's profile or enterprise."""
    rows = conflicts.declarations_of(db.session(), current_user)
    return ConflictList(items=[ConflictRead.model_validate(r, from_attributes=True) for r, _p, _o in rows])


@bp.delete("/conflicts/<int:declaration_id>")
@login_required
@validate(resp=responses(200, Done, 404), tags=[TAG])
def withdraw(declaration_id: int):
    """Take back a declaration the caller made."""
    conflicts.withdraw(db.session(), current_user, declaration_id)
    db.commit()
    return Done()
