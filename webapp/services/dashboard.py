"""The government dashboard's figures, each a small table (columns + rows) a chart and a CSV are drawn from.

Filters: a period (challenges created, dispatches started within it), a field and a region. Counting is done
by the database; medians of durations in Python over the filtered challenges.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, union
from sqlmodel import Session, col, select

from models.accounts import Organisation, User
from models.challenges import Bid, Challenge
from models.common import CHINA, Region, TechField, today
from models.contracts import Contract
from models.curation import CuratorDecision, Decision
from models.dispatch import Dispatch, is_live
from models.profiles import Profile, ProfileKind
from models.registration import Registration, RegistrationStatus
from models.subsidies import Milestone, MilestoneStatus, Subsidy
from models.supply import SupplySnapshot
from webapp.services import stamps


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; None means everything."""

    start: dt.date | None = None
    end: dt.date | None = None
    field: TechField | None = None
    region: Region | None = None

@dataclass
class Figure:
    """One figure: a name (for its CSV), a chart kind, column codes, and rows of values.

    `series` are the columns drawn (all value columns when empty), `secondary` one drawn on a right-hand
    axis (a rate beside counts), `horizontal` bars suit long category names.
    """

    name: str
    chart: str  # bar, pie, table
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    series: tuple[int, ...] = ()
    secondary: int | None = None
    horizontal: bool = False


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of a day in China, as an aware datetime: dates in the filters are days in China."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=CHINA)


def challenge_filter(statement, filters: Filters):
    """Narrow a statement that involves Challenge by the filters."""
    if filters.start:
        statement = statement.where(Challenge.created_at >= day_start(filters.start))
    if filters.end:
        statement = statement.where(Challenge.created_at < day_start(filters.end + dt.timedelta(days=1)))
    if filters.field:
        statement = statement.where(Challenge.field == filters.field)
    if filters.region:
        statement = statement.where(Challenge.region == filters.region)
    return statement

def by_column(session: Session, filters: Filters, column, name: str) -> Figure:
    """Challenges counted by one of their columns (status, field or region)."""
    rows = session.exec(challenge_filter(select(column, func.count()).select_from(Challenge), filters)
                        .group_by(column).order_by(func.count().desc(), column)).all()
    return Figure(name, "pie" if name == "by_status" else "bar", [name.removeprefix("by_"), "challenges"],
                  [[getattr(v, "value", v), n] for v, n in rows], horizontal=name == "by_field")

def bids_per_challenge(session: Session, filters: Filters) -> Figure:
    """How many published challenges got 0, 1, 2, 3, 4 or 5+ bids (bucketed by the database)."""
    counts = challenge_filter(
        select(Challenge.id, func.count(col(Bid.id)).label("bids")).select_from(Challenge)
        .join(Bid, Bid.challenge_id == Challenge.id, isouter=True)
        .where(col(Challenge.published_at).is_not(None)), filters).group_by(Challenge.id).subquery()
    bucket = case((counts.c.bids >= 5, 5), else_=counts.c.bids)
    buckets = dict(session.exec(select(bucket, func.count()).group_by(bucket)).all())
    return Figure("bids_per_challenge", "bar", ["bids", "challenges"],
                  [["5+" if b == 5 else str(b), buckets.get(b, 0)] for b in range(6)])


def durations(session: Session, filters: Filters) -> Figure:
    """Days from publication to the first bid and to the award: challenges measured, median, mean (the
    database subtracts the times; only one number per challenge comes back)."""
    first_bid = select(Bid.challenge_id, func.min(Bid.created_at).label("at")).group_by(Bid.challenge_id).subquery()
    published = challenge_filter(select(
        _days(session, Challenge.published_at, first_bid.c.at), _days(session, Challenge.published_at,
                                                                      Challenge.awarded_at))
        .join(first_bid, first_bid.c.challenge_id == Challenge.id, isouter=True)
        .where(col(Challenge.published_at).is_not(None)), filters)
    rows = session.exec(published).all()
    to_bid = [max(0.0, float(b)) for b, _a in rows if b is not None]
    to_award = [max(0.0, float(a)) for _b, a in rows if a is not None]
    return Figure("durations", "bar", ["measure", "challenges", "median_days", "mean_days"],
                  [["first_bid", len(to_bid), *_centre(to_bid)], ["award", len(to_award), *_centre(to_award)]],
                  series=(2, 3))


def _days(session: Session, start, end):
    """SQL: days from one time to another (NULL when either is)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0


def _centre(values: list[float]) -> list[float]:
    return [round(statistics.median(values), 1), round(statistics.fmean(values), 1)] if values else [0.0, 0.0]

def curation(session: Session, filters: Filters) -> Figure:
    """Per technical manager: decisions recorded and the share that accepted (recommended or shortlisted)."""
    rows = session.exec(challenge_filter(
        select(User.name, CuratorDecision.decision, func.count()).select_from(CuratorDecision)
        .join(User, User.id == CuratorDecision.curator_id)
        .join(Challenge, Challenge.id == CuratorDecision.challenge_id), filters)
        .group_by(User.name, CuratorDecision.decision)).all()
    volume, accepted = Counter(), Counter()
    for name, decision, n in rows:
        volume[name] += n
        if decision in (Decision.RECOMMEND, Decision.SHORTLIST, "recommend", "shortlist"):
            accepted[name] += n
    ranked = sorted(volume, key=lambda name: (-volume[name], name))
    return Figure("curation", "bar", ["manager", "decisions", "acceptance_rate"],
                  [[name, volume[name], round(accepted[name] / volume[name], 3)] for name in ranked], secondary=2)

def commissioner_load(session: Session, filters: Filters) -> Figure:
    """Per commissioner with live dispatches: dispatches under way and capacity."""
    statement = select(Profile.display_name, func.count(), Profile.capacity).select_from(Dispatch) \
        .join(Profile, Profile.id == Dispatch.commissioner_profile_id) \
        .join(Organisation, Organisation.id == Dispatch.organisation_id) \
        .where(is_live(), Profile.kind == ProfileKind.COMMISSIONER)
    statement = _dispatch_filter(statement, filters)
    rows = session.exec(statement.group_by(Profile.display_name, Profile.capacity)).all()
    rows = sorted(rows, key=lambda r: (-r[1], r[0]))
    return Figure("commissioner_load", "bar", ["commissioner", "dispatches", "capacity"], [list(r) for r in rows])

def _dispatch_filter(statement, filters: Filters):
    if filters.start:
        statement = statement.where(Dispatch.end_date >= filters.start)
    if filters.end:
        statement = statement.where(Dispatch.start_date <= filters.end)
    if filters.region:
        statement = statement.where(Organisation.region == filters.region)
    return statement

def subsidies(session: Session, filters: Filters) -> Figure:
    """Subsidy committed and released, by field."""
    committed = dict(session.exec(challenge_filter(
        select(Challenge.field, func.sum(Subsidy.amount)).select_from(Subsidy)
        .join(Challenge, Challenge.id == Subsidy.challenge_id), filters).group_by(Challenge.field)).all())
    released = dict(session.exec(challenge_filter(
        select(Challenge.field, func.sum(Milestone.amount)).select_from(Milestone)
        .join(Subsidy, Subsidy.id == Milestone.subsidy_id).join(Challenge, Challenge.id == Subsidy.challenge_id)
        .where(Milestone.status == MilestoneStatus.RELEASED), filters).group_by(Challenge.field)).all())
    fields = sorted(committed, key=lambda f: -committed[f])
    return Figure("subsidies", "bar", ["field", "committed", "released"],
                  [[getattr(f, "value", f), int(committed[f]), int(released.get(f) or 0)] for f in fields],
                  horizontal=True)

def summary(session: Session, filters: Filters) -> Figure:
    """The headline figures the city reports."""
    challenges = challenge_filter(select(Challenge.organisation_id).where(
        col(Challenge.published_at).is_not(None)), filters)
    dispatch_orgs = _dispatch_filter(select(Dispatch.organisation_id).select_from(Dispatch).join(
        Organisation, Organisation.id == Dispatch.organisation_id), filters)
    served_from = challenges if filters.field else union(challenges, dispatch_orgs)  # UNION: each once
    served = session.exec(select(func.count()).select_from(served_from.subquery())).one()
    dispatches = session.exec(select(func.count()).select_from(dispatch_orgs.subquery())).one()
    count = session.exec(challenge_filter(select(func.count()).select_from(Challenge), filters)).one()
    awarded = session.exec(challenge_filter(select(func.count()).select_from(Challenge).where(
        col(Challenge.awarded_at).is_not(None)), filters)).one()
    bids = session.exec(challenge_filter(select(func.count()).select_from(Bid).join(
        Challenge, Challenge.id == Bid.challenge_id), filters)).one()
    money = {row[0]: row for row in subsidies(session, filters).rows}
    return Figure("summary", "table", ["measure", "value"], [
        ["enterprises_served", served], ["challenges", count], ["awarded", awarded], ["bids", bids],
        ["dispatches", dispatches],
        ["subsidy_committed", sum(r[1] for r in money.values())],
        ["subsidy_released", sum(r[2] for r in money.values())],
    ])

FIGURES = {
    "summary": summary,
    "by_status": lambda s, f: by_column(s, f, Challenge.status, "by_status"),
    "by_field": lambda s, f: by_column(s, f, Challenge.field, "by_field"),
    "by_region": lambda s, f: by_column(s, f, Challenge.region, "by_region"),
    "bids_per_challenge": bids_per_challenge,
    "durations": durations,
    "curation": curation,
    "commissioner_load": commissioner_load,
    "subsidies": subsidies,
    "funnel": lambda s, f: _after_award("funnel", s, f),
    "registrations": lambda s, f: _after_award("registrations", s, f),
    "gaps": lambda s, f: _gaps(s, f),  # defined below, beside _after_award
}


def _after_award(name: str, session: Session, filters: Filters) -> Figure:
    from webapp.services import funnel  # it builds on this module's filters and Figure
    return getattr(funnel, name)(session, filters)

def _gaps(session: Session, filters: Filters) -> Figure:
    from webapp.services.gaps import gaps  # it builds on this module's filters and Figure
    return gaps(session, filters)


def figure(session: Session, name: str, filters: Filters) -> Figure:
    """One named figure."""
    return FIGURES[name](session, filters)

def all_figures(session: Session, filters: Filters) -> list[Figure]:
    """Every figure, in the dashboard's order."""
    return [figure(session, name, filters) for name in FIGURES]


def stamp(session: Session) -> tuple:
    """What the figures are computed from, in a few index lookups: changes to challenges (any transition
    moves updated_at), rows that are only ever added (bids, decisions, dispatches, subsidies), released
    milestones, and the day in China (a dispatch is live by its dates). The same stamp, the same figures
    (technical managers' names are read with the decisions: a renamed manager shows on the next change).
    Read like every version stamp (services/stamps.py): with the account on the dashboard's pages."""
    return (*stamps.one(session, STAMP), today())


def _stamp_parts() -> list:
    parts = [select(func.count()).select_from(Challenge), select(func.max(Challenge.updated_at))]
    for model in (Bid, CuratorDecision, Dispatch, Subsidy):  # rows only ever added
        parts += [select(func.count()).select_from(model), select(func.max(model.id))]
    parts += [select(func.count()).select_from(Contract), select(func.max(Contract.updated_at)),
              select(func.count()).select_from(Registration).where(Registration.status == RegistrationStatus.CONFIRMED),
              select(func.count()).select_from(SupplySnapshot), select(func.max(SupplySnapshot.measured_at))]
    released = Milestone.status == MilestoneStatus.RELEASED
    parts += [select(func.count()).select_from(Milestone).where(released),
              select(func.max(Milestone.released_at)).where(released)]
    return parts


STAMP = "dashboard"
stamps.register(STAMP, _stamp_parts)
