"""Every state change writes an audit event: who, what, when, before → after."""

from __future__ import annotations

from sqlmodel import col, select

from models.audit import AuditEvent
from webapp import db


def events(world, entity: str, entity_id: int) -> list[AuditEvent]:
    """The audit events of one record, oldest first."""
    with world.app.app_context():
        rows = db.session().exec(select(AuditEvent).where(
            AuditEvent.entity == entity, AuditEvent.entity_id == entity_id).order_by(col(AuditEvent.id)))
        return [AuditEvent(**row.model_dump()) for row in rows]


def test_challenge_lifecycle_is_audited(world):
    """Does each step of a challenge's life leave an event with actor and before → after status?"""
    cid = world.challenge("published")
    trail = events(world, "challenge", cid)
    assert [e.action for e in trail] == ["challenge.created", "challenge.submitted", "challenge.published"]
    published = trail[-1]
    assert published.actor_id == world.users["government"]["id"]
    assert published.before["status"] == "submitted" and published.after["status"] == "published"
    assert published.at is not None


def test_award_audits_every_bid(world):
    """Does awarding record the accepted bid, the declined ones and the challenge?"""
    cid = world.challenge("published")
    first, second = world.bid(cid, "solver"), world.bid(cid, "other_solver")
    world.api("owner", "POST", f"/bids/{first}/accept")
    assert [e.action for e in events(world, "bid", first)] == ["bid.submitted", "bid.accepted"]
    declined = events(world, "bid", second)[-1]
    assert declined.action == "bid.declined"
    assert declined.after["status"] == "declined" and declined.after["decline_reason"]
    assert events(world, "challenge", cid)[-1].action == "challenge.awarded"


def test_edits_record_changed_fields(world):
    """Does an edit keep the old and new value of what changed?"""
    cid = world.challenge("draft")
    world.api("owner", "PATCH", f"/challenges/{cid}", {"budget": 123})
    edit = events(world, "challenge", cid)[-1]
    assert edit.action == "challenge.updated"
    assert edit.before == {"budget": 800000} and edit.after == {"budget": 123}


def test_failed_actions_leave_no_event(world):
    """Does a refused action leave no trace in the audit trail?"""
    cid = world.challenge("published")
    before = len(events(world, "challenge", cid))
    world.api("solver", "POST", f"/challenges/{cid}/publish")
    world.api("owner", "POST", f"/challenges/{cid}/submit")
    assert len(events(world, "challenge", cid)) == before


def test_terms_acceptance_is_recorded(world):
    """Is accepting confidentiality terms recorded once, with who and which challenge?"""
    cid = world.challenge("published")
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    with world.app.app_context():
        rows = [AuditEvent(**row.model_dump()) for row in db.session().exec(
            select(AuditEvent).where(AuditEvent.action == "terms.accepted"))]
    assert len(rows) == 1
    assert rows[0].actor_id == world.users["solver"]["id"] and rows[0].after == {"challenge_id": cid}
