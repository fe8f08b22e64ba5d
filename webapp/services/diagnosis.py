"""需求诊断: a challenge checked before it is published — what solvers will miss in it, who on the platform
could answer it (by calibrated strength band, in and outside its region), and keywords the best-matching
people use that it lacks. For the enterprise while drafting, for government while vetting, for managers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from matching.bands import band
from matching.records import Hit
from matching.settings import Settings
from matching.text import normalise
from models.challenges import Challenge
from models.profiles import Achievement, Profile, ProfileKind
from webapp.auth import Account
from webapp.services import curation, ranking
from webapp.services.access import is_owner

MIN_DESCRIPTION = 80  # characters: below this a solver cannot tell what is asked
# A measurable indicator: a number with a unit or a comparison (≥ 400 W/m·K, 95%, 0.5 mm, 提高30%).
INDICATOR = re.compile(r"(≥|≤|>|<|不低于|不高于|不少于|不超过|达到|提高|降低|小于|大于)?\s*\d+(\.\d+)?\s*"
                       r"(%|％|[a-zA-Zµμ°℃/·]+|倍|小时|天|年|次|个|万|亿|元|米|毫米|微米|纳米|千克|克|吨|度|分钟|秒)")
ACCEPTANCE = re.compile(r"验收|考核|检测报告|第三方检测|验证|测试通过|达标|交付物|样机|指标")
SUGGESTIONS = 8
SHOWN = 3
DEPTH = 500  # hits read per kind: their reasons cost ≈ 25 µs each; more strong or fair matches show as "500+"


@dataclass
class Finding:
    """Something solvers need that the challenge lacks; `field` names the form field to fix."""

    code: str
    message: str
    field: str


@dataclass
class Match:
    """One of the best matches: a name and a link only for those who may see names, always the band."""

    score: float
    band: str
    name: str | None = None
    link: str | None = None
    region_same: bool = False


@dataclass
class Supply:
    """How many of one kind match at each band, in and outside the challenge's region, and the best few."""

    kind: str
    strong: int = 0
    fair: int = 0
    in_region: int = 0
    best: list[Match] = field(default_factory=list)
    capped: bool = False  # DEPTH matches read, all of them strong or fair: there may be more

    @property
    def outside(self) -> int:
        return self.strong + self.fair - self.in_region


@dataclass
class Diagnosis:
    """The whole check of one challenge."""

    challenge: Challenge
    findings: list[Finding]
    supply: list[Supply]
    suggestions: list[str]
    names_shown: bool


def diagnose(session: Session, user: Account, challenge_id: int) -> Diagnosis:
    """The diagnosis of a challenge the user may curate or owns (the enterprise sees bands, not names)."""
    challenge = curation.curated_challenge(session, user, challenge_id)
    names = user.has("manager", "government") and not is_owner(user, challenge)
    supply, best_people = supply_of(session, challenge, names)
    return Diagnosis(challenge, findings(challenge), supply, suggestions(session, challenge, best_people), names)


def supply_of(session: Session, challenge: Challenge, names: bool) -> tuple[list[Supply], list[Hit]]:
    """Solvers, technical managers, commissioners and achievements matching the challenge, by band (named only
    when `names`), and the strong solvers among the ten best (whose vocabulary the suggestions read)."""
    query = ranking.query_of(challenge, tuple(str(pid) for pid in curation.excluded(session, challenge)))
    engine = ranking.engine(session)
    supply, best_people = [], []
    for kind in (ProfileKind.SOLVER, ProfileKind.MANAGER, ProfileKind.COMMISSIONER):
        hits = [h for h in engine.rank(query, k=DEPTH, kinds={kind.value}) if band(h.score, engine.settings) != "weak"]
        supply.append(_supply(session, kind.value, hits, challenge, names, engine.settings))
        best_people += [h for h in hits[:10] if band(h.score, engine.settings) == "strong"] \
            if kind == ProfileKind.SOLVER else []
    achievements = ranking.engine(session, "achievements")
    found = [h for h in achievements.rank(query, k=DEPTH) if band(h.score, achievements.settings) != "weak"]
    supply.append(_supply(session, "achievement", found, challenge, names, achievements.settings))
    return supply, best_people


def findings(challenge: Challenge) -> list[Finding]:
    """What a solver will miss: a measurable indicator, an acceptance criterion, enough description, keywords
    that appear in the text."""
    text = f"{challenge.title}\n{challenge.summary}\n{challenge.description}"
    found = []
    if len(challenge.description.strip()) < MIN_DESCRIPTION:
        found.append(Finding("short", _("The description is short (%(n)s characters): say what exists today, what "
                                        "is wanted and under which conditions.", n=len(challenge.description.strip())),
                             "description"))
    if not challenge.indicators and not INDICATOR.search(text):
        found.append(Finding("indicator", _("No measurable technical indicator (a target value with its unit, such "
                                            "as 热导率 ≥ 400 W/m·K or 良率 95%)."), "indicator_name_1"))
    if not challenge.acceptance_criteria.strip() and not ACCEPTANCE.search(
            f"{text}\n{challenge.confidential_details or ''}"):
        found.append(Finding("acceptance", _("No acceptance criterion: how will the result be checked (test, "
                                             "prototype, third-party report)?"), "acceptance_criteria"))
    if not challenge.keywords:
        found.append(Finding("keywords", _("No keywords: add the technical terms experts would use."), "keywords"))
    else:
        absent = [k for k in challenge.keywords if normalise(k) not in normalise(text)]
        if absent:
            found.append(Finding("absent", _("Keywords not used in the text: %(words)s — use them in the "
                                             "description, or replace them.", words="、".join(absent)), "keywords"))
    return found


def _supply(session: Session, kind: str, hits, challenge: Challenge, names: bool, settings: Settings) -> Supply:
    """Counts by band and region, and the best few (named only for managers and government)."""
    model, prefix = (Achievement, "/achievements/") if kind == "achievement" else (Profile, "/profiles/")
    shown = hits[:SHOWN]
    rows = {r.id: r for r in session.exec(select(model).where(col(model.id).in_([int(h.candidate_id)
                                                                                  for h in hits])))}
    supply = Supply(kind, capped=len(hits) >= DEPTH)
    for hit in hits:
        row = rows.get(int(hit.candidate_id))
        strength = band(hit.score, settings)
        supply.strong += strength == "strong"
        supply.fair += strength == "fair"
        supply.in_region += bool(row is not None and row.region == challenge.region)
        if hit in shown:
            label = (row.title if kind == "achievement" else row.display_name) if row is not None else None
            supply.best.append(Match(hit.score, strength, label if names else None,
                                     f"{prefix}{hit.candidate_id}" if names else None,
                                     row is not None and row.region == challenge.region))
    return supply


def suggestions(session: Session, challenge: Challenge, hits) -> list[str]:
    """Keywords the strongly matching solvers share (two or more of them, or the only one) that the challenge
    lacks — by how many use them, then by their scores. One solver's other interests are not suggested."""
    have = normalise(" ".join([challenge.title, challenge.summary, challenge.description, *challenge.keywords]))
    scores = {int(h.candidate_id): h.score for h in hits}
    users: Counter[str] = Counter()
    weights: Counter[str] = Counter()
    for profile in session.exec(select(Profile).where(col(Profile.id).in_(list(scores)))):
        for keyword in {k.strip() for k in profile.keywords if k.strip()}:
            if normalise(keyword) not in have:
                users[keyword] += 1
                weights[keyword] += scores[profile.id]
    enough = 2 if len(scores) > 1 else 1
    shared = [k for k in users if users[k] >= enough]
    return sorted(shared, key=lambda k: (-users[k], -weights[k], k))[:SUGGESTIONS]
