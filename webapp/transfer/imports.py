"""Bulk import: validate every row, check references, find likely duplicates, then write all rows or none.

A run writes nothing when any row is invalid, unless `skip_invalid` (then only valid rows are written).
Likely duplicates (see dedupe.py) are held back and reported with `dedupe="report"`; with `dedupe="merge"`
they are merged into the record they match. Every write happens in one transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pydantic
from sqlmodel import Session, SQLModel, col, select

from models.accounts import Organisation, Role, User, UserRole
from models.challenges import Challenge, ChallengeStatus
from models.common import utcnow
from models.profiles import Achievement, Profile
from models.transfer import ROW_SCHEMAS, ImportedStatus
from webapp.services import accounts
from webapp.services.audit import record_event, snapshot
from webapp.services.challenges import search_text
from webapp.transfer import dedupe
from webapp.transfer.tables import Row
from webapp.validation import field_message

DEDUPE_MODES = ("report", "merge")


@dataclass(frozen=True)
class RowError:
    """Why one row cannot be imported."""

    line: int
    field: str
    message: str


@dataclass(frozen=True)
class HeldBack:
    """A row that looks like a record already known (in the database or earlier in the file)."""

    line: int
    name: str
    match: dedupe.Match


@dataclass
class Report:
    """What an import found and did."""

    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[HeldBack] = field(default_factory=list)
    written: int = 0
    merged: int = 0

    @property
    def refused(self) -> bool:
        """Whether the run wrote nothing because of invalid rows."""
        return bool(self.errors) and self.written == 0 and self.merged == 0


@dataclass
class Parsed:
    """A valid row and what it refers to."""

    line: int
    data: Any
    refs: dict[str, Any] = field(default_factory=dict)
    duplicate: dedupe.Match | None = None


def check_columns(kind: str, rows: list[Row]) -> list[str]:
    """Problems with the file's columns: unknown ones, required ones missing."""
    schema = ROW_SCHEMAS[kind]
    names = set(rows[0].cells) if rows else set()
    unknown = sorted(names - set(schema.model_fields))
    missing = sorted(n for n, f in schema.model_fields.items() if f.is_required() and n not in names)
    problems = [f"unknown column: {n} (allowed: {', '.join(schema.model_fields)})" for n in unknown]
    return problems + [f"missing column: {n}" for n in missing]


def parse_rows(kind: str, rows: list[Row]) -> tuple[list[Parsed], list[RowError]]:
    """Validate each row with its schema; blank cells count as absent."""
    schema, parsed, errors = ROW_SCHEMAS[kind], [], []
    for row in rows:
        try:
            data = schema.model_validate({k: v for k, v in row.cells.items() if v != ""})
        except pydantic.ValidationError as exc:
            errors += [RowError(row.line, ".".join(map(str, e["loc"])) or "row", field_message(e))
                       for e in exc.errors()]
        else:
            parsed.append(Parsed(row.line, data))
    return parsed, errors


def run_import(session: Session, kind: str, rows: list[Row], skip_invalid: bool = False, dedupe_mode: str = "report",
               progress: Callable[[Iterable[Parsed]], Iterable[Parsed]] = lambda items: items) -> Report:
    """Import rows of one kind; the caller commits when the report is not refused."""
    report = Report(kind, rows=len(rows))
    parsed, report.errors = parse_rows(kind, rows)
    parsed, ref_errors = RESOLVERS[kind](session, parsed)
    report.errors += ref_errors
    report.errors.sort(key=lambda e: e.line)
    if report.errors and not skip_invalid:
        return report
    if kind in ("organisations", "profiles"):
        find_duplicates(session, kind, parsed)
    held = [p for p in parsed if p.duplicate and dedupe_mode == "report"]
    report.duplicates = [HeldBack(p.line, _name(p.data), p.duplicate) for p in parsed if p.duplicate]
    for item in progress([p for p in parsed if p not in held]):
        if item.duplicate:
            MERGERS[kind](session, item)
            report.merged += 1
        else:
            WRITERS[kind](session, item)
            report.written += 1
    session.flush()
    return report


def _name(data: SQLModel) -> str:
    return getattr(data, "name", None) or getattr(data, "title", "")


# --- references -------------------------------------------------------------------------------------------

def _user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def _resolve_nothing(session: Session, parsed: list[Parsed]) -> tuple[list[Parsed], list[RowError]]:
    return parsed, []


def _resolve_owner(roles: set[Role], what: str):
    """Rows whose owner_email must name a user holding one of `roles`."""
    def resolve(session: Session, parsed: list[Parsed]) -> tuple[list[Parsed], list[RowError]]:
        kept, errors = [], []
        for item in parsed:
            user = _user_by_email(session, item.data.owner_email)
            held = set(session.exec(select(UserRole.role).where(UserRole.user_id == user.id))) if user else set()
            if user is None or not held & roles:
                errors.append(RowError(item.line, "owner_email", f"no {what} account with this e-mail"))
                continue
            item.refs["owner"] = user
            kept.append(item)
        return kept, errors
    return resolve


# --- duplicates -------------------------------------------------------------------------------------------

def find_duplicates(session: Session, kind: str, parsed: list[Parsed]) -> None:
    """Mark rows that look like existing records or earlier rows of the file."""
    if kind == "organisations":
        organisations = dedupe.Organisations([dedupe.Known(o.name, id=o.id)
                                              for o in session.exec(select(Organisation))])
        for item in parsed:
            item.duplicate = organisations.match(item.data.name)
            organisations.add(dedupe.Known(item.data.name, line=item.line))
        return
    orgs = {o.id: o.name for o in session.exec(select(Organisation))}
    people = dedupe.People([dedupe.Known(name, orgs.get(org, ""), id=pid, email=email) for pid, name, org, email
                            in session.exec(select(Profile.id, Profile.display_name, Profile.organisation_id,
                                                   User.email).join(User, User.id == Profile.user_id)
                                            .order_by(col(Profile.id)))])
    for item in parsed:
        data = item.data
        item.duplicate = people.match(data.name, data.organisation, str(data.email))
        people.add(dedupe.Known(data.name, data.organisation, line=item.line, email=str(data.email)))


# --- writing ----------------------------------------------------------------------------------------------

def _write_organisation(session: Session, item: Parsed) -> None:
    data = item.data
    org = Organisation(name=data.name, kind=data.kind, region=data.region, industry=data.industry)
    session.add(org)
    session.flush()
    record_event(session, None, "import.organisation", org, None, snapshot(org, "name", "kind", "region"))


def _write_profile(session: Session, item: Parsed) -> None:
    data = item.data
    org = accounts.find_or_create_org(session, data.organisation, data.organisation_kind, data.region)
    unusable = f"!imported:{secrets.token_hex(16)}"  # no password matches; `flask set-password` gives one
    user = accounts.create_user(session, str(data.email), data.name, unusable, [Role(data.role.value)], org,
                                data.region)
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).one()
    profile.expertise, profile.keywords, profile.capacity = data.expertise, data.keywords, data.capacity
    session.add(profile)


def _merge_organisation(session: Session, item: Parsed) -> None:
    match = item.duplicate
    if match.known.id is None:
        return  # a repeat of an earlier row of the same file: that row already creates it
    org = session.get(Organisation, match.known.id)
    if not org.industry and item.data.industry:
        org.industry = item.data.industry
        session.add(org)


def _merge_profile(session: Session, item: Parsed) -> None:
    match = item.duplicate
    if match.known.id is None:
        return
    profile = session.get(Profile, match.known.id)
    before = snapshot(profile, "expertise", "keywords")
    if item.data.expertise and item.data.expertise not in profile.expertise:
        profile.expertise = "\n".join(t for t in (profile.expertise, item.data.expertise) if t)
    profile.keywords = list(dict.fromkeys([*profile.keywords, *item.data.keywords]))[:20]
    profile.updated_at = utcnow()
    session.add(profile)
    record_event(session, None, "import.profile_merged", profile, before, snapshot(profile, "expertise", "keywords"))


def _write_challenge(session: Session, item: Parsed) -> None:
    data, owner = item.data, item.refs["owner"]
    fields = data.model_dump(exclude={"owner_email", "status"})
    challenge = Challenge(**fields, owner_id=owner.id, organisation_id=owner.organisation_id)
    challenge.status = ChallengeStatus(data.status.value)
    if data.status != ImportedStatus.DRAFT:
        challenge.submitted_at = utcnow()
    if data.status == ImportedStatus.PUBLISHED:
        challenge.published_at = utcnow()
    challenge.search_text = search_text(challenge)
    session.add(challenge)
    session.flush()
    record_event(session, None, "import.challenge", challenge, None, snapshot(challenge, "status", "title"))


def _write_achievement(session: Session, item: Parsed) -> None:
    owner = item.refs["owner"]
    profile = session.exec(select(Profile).where(Profile.user_id == owner.id)).one()
    achievement = Achievement(**item.data.model_dump(exclude={"owner_email"}), profile_id=profile.id)
    session.add(achievement)
    session.flush()
    record_event(session, None, "import.achievement", achievement, None, snapshot(achievement, "title"))


RESOLVERS = {
    "organisations": _resolve_nothing,
    "profiles": _resolve_nothing,
    "challenges": _resolve_owner({Role.ENTERPRISE}, "enterprise"),
    "achievements": _resolve_owner({Role.SOLVER, Role.MANAGER, Role.COMMISSIONER}, "solver, manager or commissioner"),
}
WRITERS = {"organisations": _write_organisation, "profiles": _write_profile, "challenges": _write_challenge,
           "achievements": _write_achievement}
MERGERS = {"organisations": _merge_organisation, "profiles": _merge_profile}
