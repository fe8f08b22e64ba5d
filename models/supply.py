"""What the platform could offer a challenge when it was published (供给快照): how many solvers, technical
managers, commissioners and achievements matched it at each calibrated strength band, in and outside its region.
Government's capability-gap view (能力缺口) reads these to find fields and regions where published challenges
find few strong candidates — the evidence for choosing next year's 榜单 (定榜)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from models.common import utcnow


class SupplySnapshot(SQLModel, table=True):
    """One challenge's supply, measured by the engine soon after it was published (a background job)."""

    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    solvers_strong: int = 0
    solvers_fair: int = 0
    solvers_in_region: int = 0  # strong or fair, in the challenge's region
    managers_strong: int = 0
    commissioners_strong: int = 0
    achievements_strong: int = 0
    measured_at: dt.datetime = Field(default_factory=utcnow)
