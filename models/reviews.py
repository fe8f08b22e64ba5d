"""Expert review panels (专家评审): a rubric of weighted criteria, reviewers assigned to bids by the engine under
conflict and load rules, and their scores."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import field_validator
from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.common import ReasonRead, enum_type, utcnow
from models.validation import future_deadline, iso_date, non_blank

MAX_CRITERIA = 8  # README: up to 8 criteria per rubric
SCORE_MIN, SCORE_MAX = 1, 10
DISAGREEMENT = 3.0  # reviewers' weighted totals for one bid this far apart (1–10 scale) are flagged


class ReviewStatus(StrEnum):
    """Proposed panel awaiting the organiser's confirmation, open for scoring, or closed."""

    PROPOSED = "proposed"
    OPEN = "open"
    CLOSED = "closed"


class AssignmentStatus(StrEnum):
    """One reviewer on one bid: proposed, confirmed (to score), done, or conflict (declared; replaced)."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DONE = "done"
    CONFLICT = "conflict"


class Criterion(SQLModel):
    """One criterion of a rubric: its weight (the weights add up to 100) and what the scores mean."""

    name: str = Field(min_length=1, max_length=60)
    weight: int = Field(ge=1, le=100)
    anchors: str = Field(default="", max_length=500)

    _name = field_validator("name")(non_blank)


DEFAULT_RUBRIC = [
    Criterion(name="技术方案 Technical approach", weight=40,
              anchors="1 不可行 infeasible · 10 领先可行 leading and feasible"),
    Criterion(name="团队能力 Team capability", weight=30, anchors="1 无相关经验 no record · 10 成功先例 proven"),
    Criterion(name="报价 Price", weight=15, anchors="1 明显不合理 unreasonable · 10 物有所值 good value"),
    Criterion(name="进度 Schedule", weight=15, anchors="1 不现实 unrealistic · 10 稳妥 sound"),
]


class Review(SQLModel, table=True):
    """One expert review of a challenge's bids."""

    __table_args__ = (UniqueConstraint("challenge_id"),)  # one review of a challenge's bids

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id")
    organiser_id: int = Field(foreign_key="user.id")
    criteria: list[dict] = Field(sa_column=Column(JSON, nullable=False))
    per_bid: int
    max_load: int
    deadline: dt.date
    blind: bool = True
    pair_cap: float | None = None
    standardise: bool = False
    seed: int = 0  # the draw of a randomised panel, kept so the proposal can be reproduced
    status: ReviewStatus = Field(default=ReviewStatus.PROPOSED, sa_type=enum_type(ReviewStatus))
    total: float = 0.0  # the proposed panel's total match score
    best_total: float = 0.0  # the total if every bid took its best reviewers whatever their load
    created_at: dt.datetime = Field(default_factory=utcnow)
    confirmed_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


class ReviewAssignment(SQLModel, table=True):
    """One reviewer (a profile flagged as expert) on one bid, with the engine's score and the reviewer's marks."""

    __table_args__ = (UniqueConstraint("review_id", "bid_id", "profile_id"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", index=True)
    profile_id: int = Field(foreign_key="profile.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    match: float = 0.0
    reasons: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    probability: float = 1.0
    status: AssignmentStatus = Field(default=AssignmentStatus.PROPOSED, sa_type=enum_type(AssignmentStatus))
    scores: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    conflict_note: str = Field(default="", max_length=500)
    submitted_at: dt.datetime | None = None


class ReviewCreate(SQLModel):
    """What the organiser sets when opening a review."""

    criteria: list[Criterion] = Field(default_factory=lambda: list(DEFAULT_RUBRIC), min_length=1,
                                      max_length=MAX_CRITERIA)
    per_bid: int = Field(default=3, ge=1, le=7)
    max_load: int = Field(default=5, ge=1, le=50)
    deadline: dt.date
    blind: bool = True
    pair_cap: float | None = Field(default=None, gt=0, le=1)
    standardise: bool = False

    _iso = field_validator("deadline", mode="before")(iso_date)

    @field_validator("criteria")
    @classmethod
    def _weights(cls, value: list[Criterion]) -> list[Criterion]:
        if sum(c.weight for c in value) != 100:
            raise ValueError("the weights must add up to 100")
        if len({c.name.strip() for c in value}) != len(value):
            raise ValueError("each criterion needs its own name")
        return value

    _future = field_validator("deadline")(future_deadline)


class PanelChange(SQLModel):
    """The organiser swaps one proposed reviewer of a bid for another expert (the same rules apply)."""

    bid_id: int
    remove: int  # profile id
    add: int  # profile id


class ScoreSubmit(SQLModel):
    """A reviewer's marks: one score per criterion in the rubric's order, and a comment."""

    scores: list[int] = Field(min_length=1, max_length=MAX_CRITERIA)
    comment: str = Field(default="", max_length=5000)

    @field_validator("scores")
    @classmethod
    def _range(cls, value: list[int]) -> list[int]:
        if any(not SCORE_MIN <= s <= SCORE_MAX for s in value):
            raise ValueError(f"each score is from {SCORE_MIN} to {SCORE_MAX}")
        return value


class AwardCreate(SQLModel):
    """The bids to accept at once (赛马制: up to the challenge's max_awards)."""

    bid_ids: list[int] = Field(min_length=1, max_length=10)


class ConflictNote(SQLModel):
    """A reviewer declares a conflict of interest with the bid they were given."""

    note: str = Field(default="", max_length=500)


class AssignmentRead(SQLModel):
    """One reviewer on one bid; `reviewer` is null for a bidder reading their own scores."""

    id: int
    bid_id: int
    profile_id: int | None
    reviewer: str | None
    match: float
    reasons: list[ReasonRead]
    probability: float
    status: AssignmentStatus
    scores: list[int]
    comment: str
    submitted_at: dt.datetime | None


class CriterionResult(SQLModel):
    """One criterion's marks for one bid."""

    name: str
    weight: int
    mean: float | None
    spread: float | None  # standard deviation across reviewers


class BidResult(SQLModel):
    """The panel's verdict on one bid."""

    bid_id: int
    done: int
    assigned: int
    weighted: float | None  # the weighted mean on 1–10
    standardised: float | None  # with each reviewer's scale evened out (when the review asks for it)
    disagreement: bool
    criteria: list[CriterionResult]


class ReviewRead(SQLModel):
    """A review with its panel and, where the reader may see them, its results."""

    id: int
    challenge_id: int
    status: ReviewStatus
    criteria: list[Criterion]
    per_bid: int
    max_load: int
    deadline: dt.date
    blind: bool
    pair_cap: float | None
    standardise: bool
    total: float
    best_total: float
    assignments: list[AssignmentRead]
    results: list[BidResult]
