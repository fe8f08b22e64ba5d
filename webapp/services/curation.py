"""Curation (技术经理人): ranked candidates for a challenge, stored recommendations, decisions as history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, union
from sqlmodel import Session, col, select

from matching import ENGINE_VERSION, Hit, Matcher, Query
from models.accounts import Organisation
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus
from models.common import today, utcnow
from models.curation import (
    CuratorDecision,
    Decision,
    Invitation,
    InvitationStatus,
    Recommendation,
    RejectReason,
)
from models.db import writing
from models.profiles import Achievement, Profile, ProfileKind
from webapp.auth import Account
from webapp.fragments import fragments
from webapp.services import conflicts, ranking
from webapp.services.access import is_owner, require_not_barred, require_trusted, untrusted_profiles_query
from webapp.services.audit import record_event, snapshot
from webapp.services.challenges import get_challenge, link_to
from webapp.services.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationError
from webapp.services.notifications import notify
from webapp.services.transitions import advance, insert_once

CURATORS = ("manager", "government")
CURATABLE = (ChallengeStatus.PUBLISHED, ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS)


@dataclass
class Row:
    """One ranked candidate as a curator sees it."""

    rank: int | None  # the engine's rank; None for an accepted candidate outside the engine's top k
    hit: Hit
    profile: ranking.Listed  # with its organisation's name and its load (engagements under way)
    recommendation_id: int | None
    decision: CuratorDecision | None


@dataclass(frozen=True)
class Shown:
    """An entry of a shown ranking as a Recommendation stores it (reasons as JSON), worked out once per kept
    ranking instead of on every view."""

    profile_id: int
    rank: int
    score: float
    reasons: list[dict]


def curated_challenge(session: Session, user: Account, challenge_id: int) -> Challenge:
    """A challenge whose candidates the user may see: managers and government, the owner to view."""
    challenge = get_challenge(session, user, challenge_id)
    if not (user.has(*CURATORS) or is_owner(user, challenge)):
        raise PermissionDenied(_("Only technical managers, government and the enterprise see ranked candidates."))
    return challenge


def latest_decisions(session: Session, challenge_id: int) -> dict[int, CuratorDecision]:
    """Each candidate's most recent decision on the challenge (older ones stay as history)."""
    rows = session.exec(select(CuratorDecision).where(CuratorDecision.challenge_id == challenge_id)
                        .order_by(col(CuratorDecision.id)))
    return {row.profile_id: row for row in rows}


def excluded(session: Session, challenge: Challenge,
             decisions: dict[int, CuratorDecision] | None = None) -> set[int]:
    """Profiles never to propose: rejected for this challenge, rejected as a conflict of interest on any of
    the enterprise's challenges, solvers who withdrew a bid here or declined an invitation to it, and declared
    conflicts."""
    if decisions is None:
        decisions = latest_decisions(session, challenge.id)
    rejected = {pid for pid, d in decisions.items() if d.decision == Decision.REJECT}
    return rejected | set(session.execute(_exclusions(), {
        "challenge_id": challenge.id, "organisation_id": challenge.organisation_id, "day": today()}).scalars())


@lru_cache(maxsize=1)
def _exclusions():
    """The statement of excluded() but for rejections, in one round trip; built once (building it took longer
    than PostgreSQL runs it, on every candidates page)."""
    challenge_id, organisation_id = bindparam("challenge_id"), bindparam("organisation_id")
    conflict = select(CuratorDecision.profile_id).join(Challenge, Challenge.id == CuratorDecision.challenge_id).where(
        Challenge.organisation_id == organisation_id, CuratorDecision.reject_reason == RejectReason.CONFLICT)
    withdrew = select(Profile.id).join(Bid, Bid.solver_id == Profile.user_id).where(
        Bid.challenge_id == challenge_id, Bid.status == BidStatus.WITHDRAWN)
    declined = select(Invitation.profile_id).where(
        Invitation.challenge_id == challenge_id, Invitation.status == InvitationStatus.DECLINED)
    return union(conflict, withdrew, declined, untrusted_profiles_query(bindparam("day")),
                 conflicts.profiles_in_conflict_query(organisation_id))


def accepted(session: Session, decisions: dict[int, CuratorDecision], kind: ProfileKind) -> list[int]:
    """Profiles whose latest decision is recommend, then shortlist — kept at the top of the ranking."""
    order = {Decision.RECOMMEND: 0, Decision.SHORTLIST: 1}
    decided = [d for d in decisions.values() if d.decision in order]
    if not decided:
        return []  # most challenges: nothing to look up
    kinds = dict(session.exec(select(Profile.id, Profile.kind).where(
        col(Profile.id).in_([d.profile_id for d in decided]))).all())
    return [d.profile_id for d in sorted(decided, key=lambda d: (order[d.decision], d.id))
            if kinds.get(d.profile_id) == kind]


def ranked_candidates(session: Session, user: Account, challenge_id: int, kind: ProfileKind,
                      k: int = 20) -> list[Row]:
    """The engine's ranking of one kind, with candidates curators accepted kept first.

    Decisions feed back: rejected candidates (and conflicts) are excluded, recommended and shortlisted ones
    stay on top even when the engine would rank them lower. Every engine-ranked candidate shown is stored as
    a Recommendation with its engine rank; accepted candidates outside the engine's top k are shown without a
    rank and not stored again, so match-report keeps measuring the engine, not the pinning.
    """
    challenge = curated_challenge(session, user, challenge_id)
    if challenge.status not in CURATABLE:
        return []
    decisions = latest_decisions(session, challenge.id)
    query = ranking.query_of(challenge, tuple(str(pid) for pid in excluded(session, challenge, decisions)))
    engine = ranking.engine(session)
    pinned = tuple(str(p) for p in accepted(session, decisions, kind))
    # The same ranking for every curator until the engine, the challenge, its vector or the decisions change:
    # kept per worker (a reload or the next curator reads it instead of ranking 10,000 profiles again)
    key = ("candidates", id(engine), engine.stamp, challenge.id, challenge.updated_at, query.vector is None,
           query.conflicts, kind.value, k, pinned)
    hits, extra, shown = fragments("rankings").value(key, lambda: _ranked(engine, query, k, kind, pinned))
    ranked = {h.candidate_id for h in hits}
    extra = [h for h in extra if h.candidate_id not in ranked]  # accepted candidates outside the top k
    profiles = ranking.listed(session, [int(h.candidate_id) for h in hits + extra])
    stored = record_shown(session, challenge.id, shown)
    rows = []
    for position, hit in [(None, h) for h in extra] + list(enumerate(hits, start=1)):
        profile = profiles[int(hit.candidate_id)]
        rows.append(Row(position, hit, profile, None if position is None else stored[profile.id],
                        decisions.get(profile.id)))
    top = {int(pid): i for i, pid in enumerate(pinned)}
    return sorted(rows, key=lambda r: (top.get(r.profile.id, len(top)), r.rank or 0))


def _ranked(engine: Matcher, query: Query, k: int, kind: ProfileKind,
            pinned: tuple[str, ...]) -> tuple[list[Hit], list[Hit], list[Shown]]:
    """The engine's top k of a kind with the pinned candidates, and its entries as they are stored."""
    hits, extra = engine.rank_with(query, k=k, kinds={kind.value}, capacity="mark", also=pinned)
    shown = [Shown(int(h.candidate_id), rank, h.score, ranking.stored(h.reasons)) for rank, h in enumerate(hits, 1)]
    return hits, extra, shown


def last_shown(session: Session, challenge_id: int, profile_ids: list[int]) -> dict[int, Recommendation]:
    """Each profile's most recently stored recommendation for the challenge."""
    rows = session.exec(select(Recommendation).where(Recommendation.challenge_id == challenge_id,
                                                     col(Recommendation.profile_id).in_(profile_ids))
                        .order_by(col(Recommendation.id)))
    return {row.profile_id: row for row in rows}


def record_shown(session: Session, challenge_id: int, entries: list[Shown]) -> dict[int, int]:
    """Store the shown ranking entries that differ from each profile's last stored one; return the
    recommendation id of every entry.

    A reload changes nothing and only reads: once a worker has checked a kept ranking's entries against
    the stored ones, it reads only the challenge's newest recommendation id until that moves (rows are
    never deleted, so an unchanged newest id means unchanged stored rows). The memo holds the entries
    themselves, so their id() stays theirs.
    """
    latest = session.execute(_latest_shown(), {"challenge_id": challenge_id}).scalar()
    key = ("shown", challenge_id, latest, id(entries))
    return fragments("rankings").value(key, lambda: (entries, _store_changed(session, challenge_id, entries)))[1]


@lru_cache(maxsize=1)
def _latest_shown():
    """The newest stored recommendation of a challenge; built once."""
    return select(func.max(Recommendation.id)).where(Recommendation.challenge_id == bindparam("challenge_id"))


def _store_changed(session: Session, challenge_id: int, entries: list[Shown]) -> dict[int, int]:
    """record_shown's check and write. When something changed, the rows are written in a short transaction
    of their own that re-checks under a lock both databases honour (SQLite: BEGIN IMMEDIATE; PostgreSQL:
    the challenge row FOR UPDATE), so concurrent first views store each entry once."""
    profile_ids = [entry.profile_id for entry in entries]
    shown = last_shown(session, challenge_id, profile_ids)
    if all(_same(shown.get(entry.profile_id), entry) for entry in entries):
        return {pid: shown[pid].id for pid in profile_ids}  # type: ignore[misc]
    session.commit()  # end the request's reads: the new rows are a write transaction of their own
    with writing():
        session.exec(select(Challenge.id).where(Challenge.id == challenge_id).with_for_update()).one()
        shown = last_shown(session, challenge_id, profile_ids)
        for entry in entries:
            if not _same(shown.get(entry.profile_id), entry):
                shown[entry.profile_id] = Recommendation(
                    challenge_id=challenge_id, profile_id=entry.profile_id, rank=entry.rank, score=entry.score,
                    reasons=entry.reasons, engine_version=ENGINE_VERSION)
                session.add(shown[entry.profile_id])
        session.flush()
        ids = {pid: shown[pid].id for pid in profile_ids}
        session.commit()
    return ids  # type: ignore[return-value]


def _same(previous: Recommendation | None, entry: Shown) -> bool:
    """Whether a stored entry says exactly what is shown now (a page reload)."""
    return previous is not None and previous.rank == entry.rank and abs(previous.score - entry.score) < 1e-9 \
        and previous.reasons == entry.reasons and previous.engine_version == ENGINE_VERSION


def decide(session: Session, user: Account, challenge_id: int, profile_id: int, decision: Decision,
           reject_reason: RejectReason | None = None, note: str = "") -> CuratorDecision:
    """Record a curator's decision on a candidate; it supersedes, never overwrites, earlier ones."""
    require_trusted(user)
    challenge = get_challenge(session, user, challenge_id)
    if not user.has(*CURATORS):
        raise PermissionDenied(_("Only technical managers and government curate candidates."))
    profile = session.get(Profile, profile_id)
    if profile is None:
        raise NotFound(_("No such profile."))
    if decision != Decision.REJECT and (profile.organisation_id == challenge.organisation_id
                                        or conflicts.conflicted(session, profile.id, challenge.organisation_id)):
        raise Conflict(_("This candidate has a conflict of interest with the enterprise."))
    if decision != Decision.REJECT:  # a blacklisted party is not recommended or shortlisted during the period
        require_not_barred(session, profile.user_id, profile.organisation_id, who=_("This candidate is"))
    if decision == Decision.REJECT and reject_reason is None:
        message = _("Choose why the candidate is rejected.")
        raise ValidationError(message, {"reject_reason": message})
    if reject_reason == RejectReason.OTHER and not note.strip():
        message = _("Explain the rejection in the note.")
        raise ValidationError(message, {"note": message})
    shown = session.exec(select(Recommendation.id).where(
        Recommendation.challenge_id == challenge.id, Recommendation.profile_id == profile.id)
        .order_by(col(Recommendation.id).desc())).first()
    row = CuratorDecision(challenge_id=challenge.id, profile_id=profile.id, recommendation_id=shown,
                          curator_id=user.id, decision=decision,
                          reject_reason=reject_reason if decision == Decision.REJECT else None, note=note.strip())
    session.add(row)
    session.flush()
    record_event(session, user.id, f"curation.{decision.value}", row, None,
                 snapshot(row, "profile_id", "decision", "reject_reason", "note"))
    if decision == Decision.RECOMMEND:
        notify(session, challenge.owner_id, "curation.recommended", link_to(challenge), title=challenge.title,
               name=profile.display_name, note=row.note or "—")
    return row


def invite(session: Session, user: Account, challenge_id: int, profile_id: int) -> Invitation:
    """The enterprise invites a recommended solver to bid; the solver is notified."""
    require_trusted(user)
    challenge = get_challenge(session, user, challenge_id)
    if not is_owner(user, challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge may invite solvers."))
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise InvalidTransition(_("Only a published challenge takes bids."))
    latest = latest_decisions(session, challenge.id).get(profile_id)
    profile = session.get(Profile, profile_id)
    if profile is None or latest is None or latest.decision != Decision.RECOMMEND \
            or profile.kind != ProfileKind.SOLVER:
        raise NotFound(_("No recommended solver with this id."))
    if invitation_of(session, challenge.id, profile.id) is not None:
        raise Conflict(_("This solver was already invited."))
    row = Invitation(challenge_id=challenge.id, profile_id=profile.id, invited_by=user.id)
    insert_once(session, row, _("This solver was already invited."))
    organisation = session.get(Organisation, challenge.organisation_id)
    notify(session, profile.user_id, "invitation", link_to(challenge), title=challenge.title,
           organisation=organisation.name if organisation else "")
    record_event(session, user.id, "curation.invited", row, None, {"profile_id": profile.id})
    return row


def invitation_of(session: Session, challenge_id: int, profile_id: int) -> Invitation | None:
    """The invitation of a profile to a challenge, if any."""
    return session.exec(select(Invitation).where(Invitation.challenge_id == challenge_id,
                                                 Invitation.profile_id == profile_id)).first()


def invitations_to(session: Session, challenge_id: int) -> dict[int, Invitation]:
    """Invitations to a challenge by profile."""
    return {i.profile_id: i for i in session.exec(select(Invitation).where(Invitation.challenge_id == challenge_id))}


def my_invitation(session: Session, user: Account, challenge_id: int) -> Invitation | None:
    """The signed-in solver's invitation to a challenge, if any."""
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    return invitation_of(session, challenge_id, profile.id) if profile else None


def decline_invitation(session: Session, user: Account, challenge_id: int, reason: str = "") -> Invitation:
    """The invited solver declines; the enterprise is told and the solver is not proposed for it again."""
    challenge = get_challenge(session, user, challenge_id)
    row = my_invitation(session, user, challenge.id)
    if row is None:
        raise NotFound(_("You were not invited to this challenge."))
    if row.status != InvitationStatus.INVITED:
        raise InvalidTransition(_("You already declined this invitation."))
    advance(session, row, InvitationStatus.INVITED, status=InvitationStatus.DECLINED, reason=reason.strip(),
            responded_at=utcnow())
    record_event(session, user.id, "invitation.declined", row, {"status": "invited"},
                 snapshot(row, "status", "reason"))
    profile = session.get(Profile, row.profile_id)
    notify(session, challenge.owner_id, "invitation.declined", link_to(challenge), title=challenge.title,
           name=profile.display_name, reason=row.reason or "—")
    return row


def recommended(session: Session, challenge_id: int) -> list[tuple[Profile, CuratorDecision]]:
    """Candidates whose latest decision is 'recommend', with the curator's note (the enterprise sees these)."""
    decisions = [d for d in latest_decisions(session, challenge_id).values() if d.decision == Decision.RECOMMEND]
    profiles = {p.id: p for p in session.exec(select(Profile).where(
        col(Profile.id).in_([d.profile_id for d in decisions])))}
    return [(profiles[d.profile_id], d) for d in decisions if d.profile_id in profiles]


FOR_YOU_MIN_SCORE = 0.1  # below this a "recommendation" is noise to a solver


def challenges_for(session: Session, user: Account, k: int = 5):
    """Published challenges ranked for the user's own profile ("challenges for you"), with reasons. Kept per
    worker until the profile (any edit, document or vector moves its updated_at) or the challenges change."""
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    if profile is None:
        return []
    return _published_for(session, lambda: ranking.profile_candidate(session, profile), profile, k,
                          ("profile", profile.id, profile.updated_at))


def challenges_for_achievement(session: Session, achievement: Achievement, k: int = 5):
    """Published challenges an achievement could answer (成果 → 需求), best first; never its owner's own
    organisation's or a conflicted enterprise's challenges."""
    owner = session.get(Profile, achievement.profile_id)
    return _published_for(session, lambda: ranking.embedded_achievement(session, achievement), owner, k)


def _published_for(session: Session, candidate_of, owner: Profile, k: int, key: tuple | None = None):
    """The published challenges ranked for a candidate (one vectorised pass over the worker's cached set),
    leaving out the owner's own organisation's and conflicted enterprises' challenges; with a `key` naming the
    candidate's version, the hits are kept per worker."""
    avoid = tuple(str(o) for o in sorted(conflicts.organisations_in_conflict_with(session, owner.id)
                                         | {owner.organisation_id}))
    queries = ranking.published(session)

    def rank() -> list:
        candidate = replace(candidate_of(), conflicts=avoid)
        return [h for h in queries.rank(candidate, k=k) if h.score >= FOR_YOU_MIN_SCORE]

    hits = rank() if key is None else fragments("rankings").value(
        ("for you", *key, avoid, k, ranking.published_key(session)), rank)
    rows = {c.id: c for c in session.exec(select(Challenge).where(
        col(Challenge.id).in_([int(h.query_id) for h in hits])))}
    return [(rows[int(h.query_id)], h) for h in hits if int(h.query_id) in rows]


def achievements_for(session: Session, user: Account, challenge_id: int, k: int = 5):
    """Achievements that could answer a challenge, for its owner, managers and government; never those of
    the enterprise itself or of people excluded from its ranking (conflicts, rejections)."""
    challenge = curated_challenge(session, user, challenge_id)
    barred = excluded(session, challenge)
    skip = tuple(str(a) for a in session.exec(select(Achievement.id).join(
        Profile, Profile.id == Achievement.profile_id).where(
        col(Profile.id).in_(barred) | (Profile.organisation_id == challenge.organisation_id))))
    hits = ranking.engine(session, "achievements").rank(ranking.query_of(challenge, skip), k=k)
    rows = {a.id: a for a in session.exec(select(Achievement).where(
        col(Achievement.id).in_([int(h.candidate_id) for h in hits])))}
    return [(rows[int(h.candidate_id)], h) for h in hits if h.score >= FOR_YOU_MIN_SCORE]
