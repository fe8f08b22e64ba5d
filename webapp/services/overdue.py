"""Notices of overdue contract milestones: once a milestone of a confirmed contract is past its due day and not
accepted, both parties are told — once. The job worker sweeps when the day in China changes
(`flask --app wsgi notify-overdue` does the same, for cron); the mark is a conditional update, so workers
sweeping at the same moment notify once."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.common import today
from models.contracts import Contract, ContractStatus, Deliverable, DeliverableStatus
from webapp.services.contracts import link
from webapp.services.notifications import notify
from webapp.services.transitions import advanced

OPEN = (DeliverableStatus.PENDING, DeliverableStatus.REPORTED, DeliverableStatus.RETURNED)


def notify_overdue(session: Session, day: dt.date | None = None) -> int:
    """Tell both parties of each newly overdue milestone; how many milestones were noticed."""
    day = day or today()
    rows = session.exec(select(Deliverable, Contract, Challenge)
                        .join(Contract, Contract.id == Deliverable.contract_id)
                        .join(Challenge, Challenge.id == Contract.challenge_id)
                        .where(Contract.status == ContractStatus.CONFIRMED, col(Deliverable.status).in_(OPEN),
                               Deliverable.due < day, col(Deliverable.overdue_noticed_on).is_(None))
                        .order_by(col(Deliverable.id))).all()
    noticed = 0
    for item, contract, challenge in rows:
        if not advanced(session, item, OPEN, unchanged={"overdue_noticed_on": None}, overdue_noticed_on=day):
            continue  # another sweep took it
        for person in (contract.solver_id, challenge.owner_id):
            notify(session, person, "deliverable.overdue", link(contract), title=challenge.title,
                   milestone=item.title, due=item.due.isoformat())
        noticed += 1
    return noticed
