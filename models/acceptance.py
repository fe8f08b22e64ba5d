"""验收 (final acceptance by an expert panel): a contract's final milestone judged indicator by indicator.

The organiser (the challenge's enterprise, or government when it funds the challenge) refers the reported final
milestone to a panel the engine picks under the expert review's conflict rules. Each panellist marks every
criterion met / partly met / not met with a note, and concludes pass or fail. The organiser then concludes the
panel: a passing panel completes the contract; a failing one sends the milestone back with the findings, or ends
the contract as terminated with a reason. A returned milestone, reported again, goes to a new panel (round 2, …).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import ReasonRead, enum_type, utcnow
from models.reviews import AssignmentStatus
from models.validation import future_deadline, iso_date

MAX_PANEL = 7
MAX_ACCEPTANCE_CRITERIA = 12  # up to 10 indicators, the milestone's own indicators and the acceptance criteria


class AcceptanceStatus(StrEnum):
    """A panel at work, or concluded by the organiser."""

    OPEN = "open"
    CLOSED = "closed"


class Verdict(StrEnum):
    """A panellist's mark on one criterion."""

    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"


class Conclusion(StrEnum):
    """A panellist's overall conclusion."""

    PASS = "pass"
    FAIL = "fail"


class Outcome(StrEnum):
    """What the organiser made of the panel: complete the contract (a passing panel), or, after a failing one,
    return the milestone with the findings or terminate the contract."""

    COMPLETE = "complete"
    RETURN = "return"
    TERMINATE = "terminate"


class CriterionKind(StrEnum):
    """Where a criterion comes from: a challenge indicator, the final milestone's own indicators, the challenge's
    acceptance criteria (no name: readers label it in their language), or the deliverable itself when nothing
    else is stated (no target: delivered as the contract states)."""

    INDICATOR = "indicator"
    MILESTONE = "milestone"
    CRITERIA = "criteria"
    DELIVERABLE = "deliverable"


class AcceptanceCriterion(SQLModel):
    """What the panel checks: an indicator with its target, or a stated acceptance criterion."""

    kind: CriterionKind = CriterionKind.INDICATOR
    name: str = ""
    target: str = ""
    method: str = ""


class AcceptanceReview(SQLModel, table=True):
    """One acceptance panel on a contract's final milestone; rounds count the panels of one contract."""

    __table_args__ = (UniqueConstraint("contract_id", "round"),)  # two referrals at once: one panel

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    deliverable_id: int = Field(foreign_key="deliverable.id")
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    organiser_id: int = Field(foreign_key="user.id")
    round: int = Field(default=1, ge=1)
    size: int
    deadline: dt.date
    criteria: list[dict] = Field(sa_column=Column(JSON, nullable=False))
    status: AcceptanceStatus = Field(default=AcceptanceStatus.OPEN, sa_type=enum_type(AcceptanceStatus))
    passed: bool | None = None  # the panel's verdict, fixed when it is concluded
    outcome: Outcome | None = Field(default=None, sa_type=enum_type(Outcome))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))  # the organiser's words
    created_at: dt.datetime = Field(default_factory=utcnow)
    closed_at: dt.datetime | None = None


class AcceptanceAssignment(SQLModel, table=True):
    """One expert on an acceptance panel, with the engine's score and their verdicts."""

    __table_args__ = (UniqueConstraint("acceptance_id", "profile_id"),)

    id: int | None = Field(default=None, primary_key=True)
    acceptance_id: int = Field(foreign_key="acceptancereview.id", index=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    match: float = 0.0
    reasons: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: AssignmentStatus = Field(default=AssignmentStatus.CONFIRMED, sa_type=enum_type(AssignmentStatus))
    verdicts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    conclusion: Conclusion | None = Field(default=None, sa_type=enum_type(Conclusion))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    conflict_note: str = Field(default="", max_length=500)
    submitted_at: dt.datetime | None = None


class AcceptanceOpen(SQLModel):
    """The organiser refers the final milestone to a panel of `size` experts, to judge by `deadline`."""

    size: int = Field(default=3, ge=1, le=MAX_PANEL)
    deadline: dt.date

    _iso = field_validator("deadline", mode="before")(iso_date)
    _future = field_validator("deadline")(future_deadline)


class VerdictSubmit(SQLModel):
    """A panellist's verdicts, one per criterion in order, with notes, a conclusion and a comment."""

    verdicts: list[Verdict] = Field(min_length=1, max_length=MAX_ACCEPTANCE_CRITERIA)
    notes: list[str] = Field(default_factory=list, max_length=MAX_ACCEPTANCE_CRITERIA)
    conclusion: Conclusion
    comment: str = Field(default="", max_length=5000)

    @field_validator("notes")
    @classmethod
    def _short(cls, value: list[str]) -> list[str]:
        if any(len(note) > 1000 for note in value):
            raise ValueError("each note is at most 1000 characters")
        return [note.strip() for note in value]


class AcceptanceDecision(SQLModel):
    """The organiser concludes the panel; after a failing panel the reason (what the solver must do, or why the
    contract ends) is needed: it becomes the returned milestone's reason or the contract's end reason."""

    outcome: Outcome
    reason: str = Field(default="", max_length=5000)


class PanellistRead(SQLModel):
    """One panellist's verdicts; `reviewer` and `profile_id` are null for the solver."""

    id: int
    profile_id: int | None
    reviewer: str | None
    match: float
    reasons: list[ReasonRead]
    status: AssignmentStatus
    verdicts: list[Verdict]
    notes: list[str]
    conclusion: Conclusion | None
    comment: str
    submitted_at: dt.datetime | None


class CriterionTally(SQLModel):
    """How the panellists who judged marked one criterion."""

    kind: CriterionKind
    name: str
    target: str
    method: str
    met: int
    partly: int
    not_met: int


class AcceptanceRead(SQLModel):
    """A panel with its verdicts so far and, once concluded, its outcome."""

    id: int
    contract_id: int
    deliverable_id: int
    round: int
    size: int
    deadline: dt.date
    status: AcceptanceStatus
    passes: int
    fails: int
    judged: int
    waiting: int
    passed: bool | None
    outcome: Outcome | None
    reason: str
    criteria: list[CriterionTally]
    panel: list[PanellistRead]
    created_at: dt.datetime
    closed_at: dt.datetime | None
