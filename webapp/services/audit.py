"""Write the audit trail: every state change records who, what, when, before → after."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

from models.audit import AuditEvent
from models.common import utcnow


def snapshot(record: SQLModel, *fields: str) -> dict[str, Any]:
    """The named fields of a record as JSON-ready values."""
    data = record.model_dump(mode="json")
    return {name: data.get(name) for name in fields} if fields else data


def record_event(session: Session, actor_id: int | None, action: str, record: SQLModel,
                 before: dict[str, Any] | None, after: dict[str, Any] | None) -> AuditEvent:
    """Add one audit event for `record` (flushed with the rest of the request)."""
    event = AuditEvent(actor_id=actor_id, action=action, entity=record.__tablename__,
                       entity_id=record.id, before=before, after=after)
    session.add(event)
    return event


def apply_update(session: Session, actor_id: int, record: SQLModel, data: SQLModel, action: str) -> dict[str, Any]:
    """Apply the fields set in a partial-update schema to `record`, stamp it, audit before → after."""
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    before = snapshot(record, *changes)
    for name, value in changes.items():
        setattr(record, name, value)
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    session.add(record)
    record_event(session, actor_id, action, record, before, snapshot(record, *changes))
    return changes
