"""需求诊断 endpoint: a challenge's completeness, who could answer it by band, keywords to consider."""

from __future__ import annotations

from flask_login import current_user, login_required
from sqlmodel import SQLModel

from webapp import db
from webapp.api.base import bp, responses, validate
from webapp.services.diagnosis import diagnose

TAG = "curation"


class FindingRead(SQLModel):
    """Something solvers need that the challenge lacks, and the field to fix."""

    code: str
    message: str
    field: str


class MatchRead(SQLModel):
    """One of the best matches: name and link only for managers and government."""

    score: float
    band: str
    name: str | None
    link: str | None
    same_region: bool


class SupplyRead(SQLModel):
    """Matches of one kind (solver, manager, commissioner, achievement) by band and region."""

    kind: str
    strong: int
    fair: int
    in_region: int
    outside: int
    capped: bool  # as many matches were read as the diagnosis reads (500): there may be more
    best: list[MatchRead]


class DiagnosisRead(SQLModel):
    """The whole check of one challenge."""

    challenge_id: int
    findings: list[FindingRead]
    supply: list[SupplyRead]
    suggestions: list[str]


@bp.get("/challenges/<int:challenge_id>/diagnosis")
@login_required
@validate(resp=responses(200, DiagnosisRead, 403, 404), tags=[TAG])
def diagnosis(challenge_id: int):
    """需求诊断 of a challenge: for its enterprise (any state; bands, no names), government and managers."""
    found = diagnose(db.session(), current_user, challenge_id)
    return DiagnosisRead(
        challenge_id=found.challenge.id, suggestions=found.suggestions,
        findings=[FindingRead(code=f.code, message=f.message, field=f.field) for f in found.findings],
        supply=[SupplyRead(kind=s.kind, strong=s.strong, fair=s.fair, in_region=s.in_region, outside=s.outside,
                           capped=s.capped, best=[MatchRead(score=m.score, band=m.band, name=m.name, link=m.link,
                                           same_region=m.region_same) for m in s.best]) for s in found.supply])
