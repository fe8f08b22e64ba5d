"""Supply snapshots (供给快照): when a challenge is published, a background job measures what the platform could
offer it — the 需求诊断 supply counts by calibrated band — and stores them for government's capability-gap view.
Challenges published before snapshots existed, or loaded in bulk, are measured by `flask --app wsgi
measure-supply` (the demo and city loaders run it)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.common import utcnow
from models.jobs import Job
from models.supply import SupplySnapshot
from webapp.jobs.queue import PermanentFailure, enqueue, handler
from webapp.services.diagnosis import supply_of

KIND = "supply.measure"


def schedule(session: Session, challenge: Challenge) -> None:
    """Measure the challenge's supply in the background, in the caller's transaction."""
    enqueue(session, KIND, {"challenge_id": challenge.id})


@handler(KIND)
def measure_job(session: Session, payload: dict, job: Job) -> None:
    """The job: measure one challenge (gone: nothing to do)."""
    challenge = session.get(Challenge, payload.get("challenge_id"))
    if challenge is None:
        raise PermanentFailure("the challenge no longer exists")
    measure(session, challenge)


def measure(session: Session, challenge: Challenge) -> SupplySnapshot:
    """Store (or refresh) the challenge's supply: strong and fair solvers, those in its region, strong
    technical managers, commissioners and achievements (as 需求诊断 counts them, conflicts left out)."""
    supply = {s.kind: s for s in supply_of(session, challenge, names=False)[0]}
    solvers = supply["solver"]
    snapshot = session.get(SupplySnapshot, challenge.id) or SupplySnapshot(challenge_id=challenge.id)
    snapshot.solvers_strong, snapshot.solvers_fair = solvers.strong, solvers.fair
    snapshot.solvers_in_region = solvers.in_region
    snapshot.managers_strong = supply["manager"].strong
    snapshot.commissioners_strong = supply["commissioner"].strong
    snapshot.achievements_strong = supply["achievement"].strong
    snapshot.measured_at = utcnow()
    session.add(snapshot)
    session.flush()
    return snapshot


def measure_missing(session: Session) -> int:
    """Measure every challenge ever published that has no snapshot yet; how many were measured."""
    measured = select(SupplySnapshot.challenge_id)
    missing = session.exec(select(Challenge).where(col(Challenge.published_at).is_not(None),
                                                   col(Challenge.id).not_in(measured))
                           .order_by(col(Challenge.id))).all()
    for challenge in missing:
        measure(session, challenge)
    return len(missing)
