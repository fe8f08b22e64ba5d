"""Export transaction data for sharing between regions (京津冀): challenges, bids, awards, dispatches; and for
government's own records, contracts, their confirmed registration records and the credit lists.

Each dataset has a fixed, documented column schema (COLUMNS; README "Import and export" lists it).
Only public facts leave: published challenges without their confidential details, and no bid texts; contracts
carry their parties, prices and dates, never their milestones' reports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.accounts import Organisation, User
from models.challenges import Bid, BidStatus, Challenge
from models.contracts import Contract, Deliverable, DeliverableStatus
from models.credit import CreditListing
from models.dispatch import Dispatch, shown_status
from models.profiles import Profile
from models.registration import Registration, RegistrationStatus
from webapp.services.credit import party_name
from webapp.transfer.tables import write_csv

COLUMNS: dict[str, list[tuple[str, str]]] = {
    "challenges": [
        ("id", "challenge id on this platform"), ("title", "title"), ("summary", "public summary"),
        ("field", "technology field code"), ("keywords", "keywords, separated by ';' in CSV"),
        ("budget", "reward in yuan"), ("deadline", "bidding deadline, YYYY-MM-DD"),
        ("region", "region code"), ("status", "lifecycle status code"), ("enterprise", "posting enterprise"),
        ("published_at", "publication time, ISO 8601 UTC"), ("awarded_at", "award time, ISO 8601 UTC or empty"),
        ("indicators", "public technical indicators {name, target, unit, method}; in CSV `name|target|unit|method` "
                       "items separated by ';' (the import format)"),
        ("trl", "technology readiness level sought, 1–9 (0: not stated)"),
        ("ip_arrangement", "negotiable, assignment, licence or joint"),
    ],
    "bids": [
        ("id", "bid id"), ("challenge_id", "challenge id"), ("solver", "solver's name"),
        ("solver_organisation", "solver's organisation"), ("price", "price in yuan"),
        ("duration_days", "proposed duration in days"), ("status", "bid status code"),
        ("created_at", "submission time, ISO 8601 UTC"),
    ],
    "awards": [
        ("challenge_id", "challenge id"), ("title", "challenge title"), ("field", "technology field code"),
        ("region", "region code"), ("enterprise", "posting enterprise"), ("solver", "winning solver"),
        ("solver_organisation", "winner's organisation"), ("price", "accepted price in yuan"),
        ("awarded_at", "award time, ISO 8601 UTC"),
    ],
    "dispatches": [
        ("id", "dispatch id"), ("commissioner", "science commissioner's name"),
        ("commissioner_organisation", "commissioner's organisation"), ("enterprise", "served organisation"),
        ("region", "served organisation's region code"), ("start_date", "YYYY-MM-DD"), ("end_date", "YYYY-MM-DD"),
        ("status", "planned, active or ended (by the calendar)"),
    ],
    "contracts": [
        ("id", "contract id"), ("challenge_id", "challenge id"), ("title", "challenge title"),
        ("field", "technology field code"), ("region", "challenge's region code"), ("enterprise", "enterprise"),
        ("solver", "solver's name"), ("solver_organisation", "solver's organisation"),
        ("price", "agreed price in yuan"),
        ("accepted_amount", "payments of accepted milestones in yuan"), ("start_date", "YYYY-MM-DD"),
        ("end_date", "YYYY-MM-DD"), ("status", "proposed, changes_requested, confirmed, completed or terminated"),
        ("confirmed_at", "confirmation time, ISO 8601 UTC or empty"), ("ended_at", "completion or termination time"),
    ],
    "registrations": [
        ("contract_id", "contract id"), ("contract_type", "development, transfer, licence, consulting or service"),
        ("buyer_name", "buyer (the enterprise)"), ("buyer_credit_code", "buyer's unified social credit code"),
        ("seller_name", "seller (the solver's organisation)"), ("seller_credit_code", "seller's credit code"),
        ("total_amount", "contract amount in yuan"), ("technology_income", "technology income in yuan"),
        ("signed_on", "YYYY-MM-DD"), ("start_date", "YYYY-MM-DD"), ("end_date", "YYYY-MM-DD"),
        ("field", "technology field code"), ("region", "region code"), ("confirmed_at", "ISO 8601 UTC"),
    ],
    "credit": [
        ("id", "entry id"), ("kind", "blacklist or watch"), ("party", "organisation, or person's name and e-mail"),
        ("reason", "reason"), ("start_date", "YYYY-MM-DD"), ("end_date", "YYYY-MM-DD"),
        ("status", "active or lifted"), ("appeal", "none, pending, upheld or granted"),
    ],
}
FORMATS = ("csv", "json")
INDICATOR_CELLS = ("name", "target", "unit", "method")


def _challenges(session: Session) -> list[list]:
    rows = session.exec(select(Challenge, Organisation.name)
                        .join(Organisation, Organisation.id == Challenge.organisation_id)
                        .where(col(Challenge.published_at).is_not(None)).order_by(col(Challenge.id)))
    return [[c.id, c.title, c.summary, c.field, c.keywords, c.budget, c.deadline, c.region, c.status, name,
             c.published_at, c.awarded_at, _public(c.indicators), c.trl, c.ip_arrangement] for c, name in rows]


def _public(indicators: list[dict]) -> list[dict]:
    """The indicators anyone may read, without the confidentiality flag."""
    return [{k: v for k, v in i.items() if k != "confidential"} for i in indicators if not i.get("confidential")]


def _bids(session: Session) -> list[list]:
    rows = session.exec(select(Bid, User.name, Organisation.name).join(User, User.id == Bid.solver_id)
                        .join(Organisation, Organisation.id == User.organisation_id)
                        .join(Challenge, Challenge.id == Bid.challenge_id)
                        .where(col(Challenge.published_at).is_not(None)).order_by(col(Bid.id)))
    return [[b.id, b.challenge_id, solver, org, b.price, b.duration_days, b.status, b.created_at]
            for b, solver, org in rows]


def _awards(session: Session) -> list[list]:
    enterprise, solver_org = aliased(Organisation), aliased(Organisation)
    rows = session.exec(select(Challenge, enterprise.name, User.name, solver_org.name, Bid.price)
                        .join(Bid, Bid.challenge_id == Challenge.id).join(User, User.id == Bid.solver_id)
                        .join(enterprise, enterprise.id == Challenge.organisation_id)
                        .join(solver_org, solver_org.id == User.organisation_id)
                        .where(Bid.status == BidStatus.ACCEPTED).order_by(col(Challenge.id)))
    return [[c.id, c.title, c.field, c.region, ent, solver, org, price, c.awarded_at]
            for c, ent, solver, org, price in rows]


def _dispatches(session: Session) -> list[list]:
    served, home = aliased(Organisation), aliased(Organisation)
    rows = session.exec(select(Dispatch, Profile.display_name, home.name, served.name, served.region)
                        .join(Profile, Profile.id == Dispatch.commissioner_profile_id)
                        .join(home, home.id == Profile.organisation_id)
                        .join(served, served.id == Dispatch.organisation_id).order_by(col(Dispatch.id)))
    return [[d.id, name, org, ent, region, d.start_date, d.end_date, shown_status(d)]
            for d, name, org, ent, region in rows]


def _contracts(session: Session) -> list[list]:
    enterprise, solver_org = aliased(Organisation), aliased(Organisation)
    accepted = (select(Deliverable.contract_id, func.sum(Deliverable.amount).label("amount"))
                .where(Deliverable.status == DeliverableStatus.ACCEPTED).group_by(Deliverable.contract_id).subquery())
    rows = session.exec(select(Contract, Challenge, enterprise.name, User.name, solver_org.name, accepted.c.amount)
                        .join(Challenge, Challenge.id == Contract.challenge_id)
                        .join(enterprise, enterprise.id == Challenge.organisation_id)
                        .join(User, User.id == Contract.solver_id)
                        .join(solver_org, solver_org.id == User.organisation_id)
                        .join(accepted, accepted.c.contract_id == Contract.id, isouter=True).order_by(col(Contract.id)))
    return [[k.id, c.id, c.title, c.field, c.region, ent, solver, org, k.price, int(amount or 0), k.start_date,
             k.end_date, k.status, k.confirmed_at, k.ended_at] for k, c, ent, solver, org, amount in rows]


def _registrations(session: Session) -> list[list]:
    rows = session.exec(select(Registration).where(Registration.status == RegistrationStatus.CONFIRMED)
                        .order_by(col(Registration.contract_id)))
    return [[r.contract_id, r.contract_type, r.buyer_name, r.buyer_credit_code, r.seller_name, r.seller_credit_code,
             r.total_amount, r.technology_income, r.signed_on, r.start_date, r.end_date, r.field, r.region,
             r.confirmed_at] for r in rows]


def _credit(session: Session) -> list[list]:
    rows = session.exec(select(CreditListing).order_by(col(CreditListing.id)))
    return [[e.id, e.kind, party_name(session, e), e.reason, e.start_date, e.end_date, e.status, e.appeal]
            for e in rows]


ROWS: dict[str, Callable[[Session], list[list]]] = {
    "challenges": _challenges, "bids": _bids, "awards": _awards, "dispatches": _dispatches,
    "contracts": _contracts, "registrations": _registrations, "credit": _credit,
}


def plain(value: object, in_csv: bool) -> object:
    """A cell as CSV text or a JSON value (enums by code, times ISO 8601, lists joined in CSV)."""
    value = getattr(value, "value", value)
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list) and in_csv:
        return ";".join("|".join(str(v.get(k, "")) for k in INDICATOR_CELLS) if isinstance(v, dict) else str(v)
                        for v in value)
    if value is None and in_csv:
        return ""
    return value


def export(session: Session, dataset: str, fmt: str) -> str:
    """One dataset as CSV or JSON text."""
    names = [name for name, _meaning in COLUMNS[dataset]]
    rows = [[plain(v, fmt == "csv") for v in row] for row in ROWS[dataset](session)]
    if fmt == "csv":
        return write_csv(names, rows)
    return json.dumps([dict(zip(names, row, strict=True)) for row in rows], ensure_ascii=False, indent=1)
