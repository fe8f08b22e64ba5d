"""On the demo, "challenges for you" and achievement → challenges give the per-pair code's results."""

from __future__ import annotations

from types import SimpleNamespace

from sqlmodel import select

from models.challenges import Challenge, ChallengeStatus
from models.profiles import Achievement, Profile
from tests.matching.reference_reverse import rank_queries as per_pair
from webapp import db
from webapp.services import conflicts, curation, ranking

ROUNDING_STEP = 1e-6


def expected(session, candidate, owner: Profile, k: int = 5):
    """The code before the vectorised pass: every published challenge but the avoided, scored pair by pair."""
    avoid = conflicts.organisations_in_conflict_with(session, owner.id) | {owner.organisation_id}
    challenges = [c for c in session.exec(select(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED))
                  if c.organisation_id not in avoid]
    hits = per_pair(ranking.engine(session), candidate, [ranking.query_of(c) for c in challenges], k=k)
    return [h for h in hits if h.score >= curation.FOR_YOU_MIN_SCORE]


def same(found, wanted) -> None:
    assert [(c.id, h.reasons) for c, h in found] == [(int(h.query_id), h.reasons) for h in wanted]
    assert all(abs(h.score - w.score) <= ROUNDING_STEP + 1e-9 for (_c, h), w in zip(found, wanted, strict=True))


def test_challenges_for_every_demo_profile_and_achievement(runner, app):
    """For every third demo profile and every achievement: same challenges, same order, same reasons, scores one
    rounding step apart at most (the semantic channel's float32 sums)?"""
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    with app.test_request_context():
        session = db.session()
        profiles = list(session.exec(select(Profile).order_by(Profile.id)))[::3]  # the oracle is slow
        checked = 0
        for profile in profiles:
            found = curation.challenges_for(session, SimpleNamespace(id=profile.user_id))
            same(found, expected(session, ranking.profile_candidate(session, profile), profile))
            checked += bool(found)
        for achievement in session.exec(select(Achievement)):
            owner = session.get(Profile, achievement.profile_id)
            found = curation.challenges_for_achievement(session, achievement)
            same(found, expected(session, ranking.achievement_candidate(achievement), owner))
        assert checked > len(profiles) // 2
