"""The only bridge between rows and the matching engine: profiles → candidates, challenges → queries.

Each worker process keeps one engine per app and refreshes it when the profiles' version stamp in the
database changes (last id and newest update; services/stamps.py), so an edit in one worker reaches every
worker's ranking on its next request. A worker starts from the index `flask reindex` saved, when there is a
usable one (saved_index.py), instead of fitting every row.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from sqlalchemy import bindparam, func, or_, union_all
from sqlmodel import Session, col, select

from matching import Candidate, Document, Matcher, Query
from matching.reverse import QuerySet
from models.accounts import Organisation
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus
from models.common import Region, today
from models.dispatch import Dispatch, is_live
from models.embeddings import Embedding, Subject
from models.profiles import Achievement, Profile, ProfileKind
from models.profiles import Document as ProfileDocument
from models.teams import BidMember, MemberStatus
from webapp.services import embeddings, saved_index, stamps

_lock = threading.Lock()


@dataclass
class EngineState:
    """A worker's engine and the stamp of the profiles it was built from."""

    engine: Matcher | None = None
    stamp: tuple = ()
    newest: object = None


def profiles_stamp(session: Session) -> tuple:
    """The profiles' version in the database: the last id and the newest change (profiles are never deleted)."""
    return stamps.one(session, "profiles")


def achievements_stamp(session: Session) -> tuple:
    """The achievements' version in the database: the last id and the newest addition or vector (achievements
    are never edited, but their vectors arrive after them)."""
    (last, newest), (_count, vector) = stamps.read(session, "achievements", f"vectors.{Subject.ACHIEVEMENT}")
    return last, max((t for t in (newest, vector) if t is not None), default=None)


Vectors = tuple[dict[int, object], dict[int, object]]  # profile id → vector, document id → vector
NO_VECTORS: Vectors = ({}, {})


def candidate_of(profile: Profile, documents: list[ProfileDocument], load: int,
                 vectors: Vectors = NO_VECTORS) -> Candidate:
    """A profile as the engine sees it, with the embeddings computed so far (services/embeddings.py)."""
    return Candidate(
        id=str(profile.id), kind=profile.kind.value, name=profile.display_name, text=profile.expertise,
        keywords=tuple(profile.keywords),
        documents=tuple(Document(d.title, d.text, d.date.isoformat() if d.date else None, vectors[1].get(d.id))
                        for d in documents),
        region=profile.region.value, org=str(profile.organisation_id),
        capacity=profile.capacity if profile.available else 0, load=load, vector=vectors[0].get(profile.id))


def vectors_of(session: Session, profiles: list[Profile], documents: list[ProfileDocument],
               everything: bool = False) -> Vectors:
    """The current embeddings of profiles and their documents."""
    found = embeddings.vectors_by_subject(session, {Subject.PROFILE: profiles, Subject.DOCUMENT: documents},
                                          everything)
    return found[Subject.PROFILE], found[Subject.DOCUMENT]


def query_of(challenge: Challenge, conflicts: tuple[str, ...] = ()) -> Query:
    """A challenge as the engine sees it (the enterprise's organisation is a conflict of interest)."""
    return Query(id=str(challenge.id), title=challenge.title,
                 text=f"{challenge.summary}\n{challenge.description}", keywords=tuple(challenge.keywords),
                 region=challenge.region.value, org=str(challenge.organisation_id), conflicts=conflicts,
                 vector=embeddings.challenge_vector(challenge))


def engine(session: Session, corpus: str = "profiles") -> Matcher:
    """This worker's engine for a corpus (profiles or achievements), refreshed when its rows changed."""
    stamp_of, rows_of = CORPORA[corpus]
    state: EngineState = current_app.extensions.setdefault(f"ranking.{corpus}", EngineState())
    stamp = stamp_of(session)
    if state.engine is not None and state.stamp == stamp:
        return state.engine
    with _lock:
        if state.engine is None:
            opened = saved_index.open_saved(corpus, stamp, lambda since: rows_of(session, since))
            state.engine = opened if opened is not None else Matcher().fit(rows_of(session))
        elif stamp[0] < state.stamp[0]:
            state.engine = Matcher().fit(rows_of(session))
        else:
            for candidate in rows_of(session, state.newest):
                state.engine.update(candidate)
        state.stamp, state.newest = stamp, stamp[1]
        state.engine.stamp = saved_index.stamp_text(corpus, stamp)
    return state.engine


def meaning_pending(session: Session, challenge: Challenge) -> bool:
    """Whether the profiles' ranking could use the challenge's meaning but its vector is not computed yet."""
    return engine(session).dense.embedded > 0 and embeddings.challenge_vector(challenge) is None


def challenges_stamp(session: Session) -> tuple:
    """The challenges' version: how many are published, and the newest change to any challenge."""
    return stamps.one(session, "published")


REVERSE_STAMPS = ("profiles", "published", f"vectors.{Subject.CHALLENGE}")  # what published() checks


def published_key(session: Session) -> tuple:
    """What the worker's published set was built from (engine and challenges' stamps), as published() just
    checked it: a key for anything computed from that set."""
    published(session)
    return _published_state().key


def _published_state() -> PublishedState:
    return current_app.extensions.setdefault("ranking.published", PublishedState())


@dataclass
class PublishedState:
    """A worker's published challenges as a QuerySet, and what it was built from."""

    queries: QuerySet | None = None
    key: tuple = ()


def published(session: Session) -> QuerySet:
    """The published challenges ready to rank for any solver or achievement by the profiles' engine (the
    reverse direction). Kept per worker until a challenge changes or the engine does (the stamps of both are
    read in one round trip); a rebuild reads the challenges' matching fields only, not the rows."""
    _profiles, *challenges = stamps.read(session, *REVERSE_STAMPS)  # one round trip; engine() reads the first
    engine_ = engine(session)
    state = _published_state()
    key = (id(engine_), engine_.stamp, *challenges)
    if state.queries is not None and state.key == key:
        return state.queries
    columns = (Challenge.id, Challenge.title, Challenge.summary, Challenge.description, Challenge.keywords,
               Challenge.region, Challenge.organisation_id)
    rows = session.exec(select(*columns).where(Challenge.status == ChallengeStatus.PUBLISHED)
                        .order_by(col(Challenge.id))).all()
    queries = [Query(id=str(i), title=title, text=f"{summary}\n{description}", keywords=tuple(keywords),
                     region=region.value, org=str(organisation)) for i, title, summary, description, keywords,
               region, organisation in rows]
    queries = embeddings.with_query_vectors(session, queries)
    state.queries, state.key = QuerySet(engine_, queries), key
    return state.queries


def achievement_candidate(achievement: Achievement, vector=None) -> Candidate:
    """An achievement as the engine sees it (成果 → 需求); its one embedding stands for both of its units."""
    return Candidate(id=str(achievement.id), kind="achievement", name=achievement.title, text=achievement.abstract,
                     keywords=tuple(achievement.keywords), documents=(Document(achievement.title, "", None, vector),),
                     region=achievement.region.value, vector=vector)


def embedded_achievement(session: Session, achievement: Achievement) -> Candidate:
    """One achievement as a candidate, with its vector when computed."""
    found = embeddings.vectors(session, embeddings.Subject.ACHIEVEMENT, [achievement])
    return achievement_candidate(achievement, found.get(achievement.id))


def achievement_candidates(session: Session, since=None) -> list[Candidate]:
    """Achievements (all, or those listed or embedded after `since`) as candidates."""
    statement = select(Achievement).order_by(col(Achievement.id))
    if since is not None:
        embedded = select(Embedding.subject_id).where(Embedding.subject == embeddings.Subject.ACHIEVEMENT,
                                                      col(Embedding.computed_at) > since)
        statement = statement.where(or_(col(Achievement.created_at) > since, col(Achievement.id).in_(embedded)))
    rows = list(session.exec(statement))
    found = embeddings.vectors(session, embeddings.Subject.ACHIEVEMENT, rows, everything=since is None)
    return [achievement_candidate(a, found.get(a.id)) for a in rows]


def profile_candidate(session: Session, profile: Profile) -> Candidate:
    """One profile, with its documents, as the engine sees it (its own load is not counted here)."""
    documents = list(session.exec(select(ProfileDocument).where(ProfileDocument.profile_id == profile.id)))
    return candidate_of(profile, documents, 0, vectors_of(session, [profile], documents))


def candidates(session: Session, since=None) -> list[Candidate]:
    """Profiles (all, or those changed after `since`) as candidates, with documents and load."""
    statement = select(Profile).order_by(col(Profile.id))
    if since is not None:
        statement = statement.where(Profile.updated_at > since)
    profiles = list(session.exec(statement))
    ids = [p.id for p in profiles]
    documents: dict[int, list[ProfileDocument]] = defaultdict(list)
    for document in session.exec(select(ProfileDocument).where(col(ProfileDocument.profile_id).in_(ids))):
        documents[document.profile_id].append(document)
    loads = current_loads(session)
    vectors = vectors_of(session, profiles, [d for ds in documents.values() for d in ds], everything=since is None)
    return [candidate_of(p, documents[p.id], loads.get(p.id, 0), vectors) for p in profiles]


def current_loads(session: Session, profile_ids: list[int] | None = None) -> dict[int, int]:
    """Engagements under way: accepted bids on live challenges (solvers, as lead or confirmed team member),
    active dispatches (commissioners);
    of every profile, or of `profile_ids` only (a page of candidates)."""
    loads: dict[int, int] = defaultdict(int)
    params = {"today": today()} | ({} if profile_ids is None else {"ids": profile_ids})
    for profile_id in session.execute(_loads(profile_ids is not None), params).scalars():  # one round trip
        loads[profile_id] += 1
    return loads


@dataclass(frozen=True)
class Listed:
    """What a page of candidates shows of a profile (not its texts), with its organisation's name and its
    current load."""

    id: int
    display_name: str
    kind: ProfileKind
    region: Region
    user_id: int
    capacity: int
    available: bool
    organisation: str
    load: int


def listed(session: Session, profile_ids: list[int]) -> dict[int, Listed]:
    """Profiles as a page of candidates shows them, in one round trip (loads as current_loads counts them)."""
    rows = session.execute(_listed(), {"ids": profile_ids, "today": today()}).all()
    return {row.id: Listed(*row) for row in rows}


@lru_cache(maxsize=1)
def _listed():
    """The statement of listed(); built once."""
    engagements = _loads(True).subquery()
    loads = select(engagements.c[0].label("profile_id"), func.count().label("n")).group_by(
        engagements.c[0]).subquery()
    return (select(Profile.id, Profile.display_name, Profile.kind, Profile.region, Profile.user_id,
                   Profile.capacity, Profile.available, func.coalesce(Organisation.name, ""),
                   func.coalesce(loads.c.n, 0))
            .outerjoin(Organisation, Organisation.id == Profile.organisation_id)
            .outerjoin(loads, loads.c.profile_id == Profile.id)
            .where(col(Profile.id).in_(bindparam("ids", expanding=True))))


@lru_cache(maxsize=2)
def _loads(some: bool):
    """The statement of current_loads, of every profile or of some (`ids`); built once."""
    busy = (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)
    bids = (select(Profile.id).join(Bid, Bid.solver_id == Profile.user_id)
            .join(Challenge, Challenge.id == Bid.challenge_id)
            .where(Bid.status == BidStatus.ACCEPTED, col(Challenge.status).in_(busy)))
    live = select(Bid.id).join(Challenge, Challenge.id == Bid.challenge_id).where(
        Bid.status == BidStatus.ACCEPTED, col(Challenge.status).in_(busy))
    # From the few team members to their bids (a join let PostgreSQL walk every bid in id order: 3 ms)
    members = select(BidMember.profile_id).where(BidMember.status == MemberStatus.CONFIRMED,
                                                 col(BidMember.bid_id).in_(live))
    dispatches = select(Dispatch.commissioner_profile_id).where(is_live(bindparam("today")))
    if some:
        ids = bindparam("ids", expanding=True)
        bids = bids.where(col(Profile.id).in_(ids))
        members = members.where(col(BidMember.profile_id).in_(ids))
        dispatches = dispatches.where(col(Dispatch.commissioner_profile_id).in_(ids))
    return union_all(bids, members, dispatches)


CORPORA = {"profiles": (profiles_stamp, candidates), "achievements": (achievements_stamp, achievement_candidates)}


def stored(reasons) -> list[dict]:
    """An engine hit's reasons as JSON columns and API answers keep them (matching.Reason.as_dict)."""
    return [r.as_dict() for r in reasons]
