"""City-scale data (`load-demo --scale city`) keeps the invariants the services keep, at a small scale here."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.accounts import Organisation, User, UserRole
from models.challenges import Bid, BidStatus, Challenge, ChallengeStatus
from models.profiles import Document, Profile
from models.validation import credit_code
from webapp import db
from webapp.demo.city import Scale, load_city
from webapp.demo.loader import load

SMALL = Scale(solvers=120, managers=10, commissioners=20, enterprises=30, published=60,
              other_states=(("draft", 5), ("submitted", 5), ("awarded", 6), ("in_progress", 2), ("rejected", 2),
                            ("withdrawn", 2)), curated_challenges=5, dispatches=10)


@pytest.fixture
def city(app, tmp_path):
    """The demo and a small city from a few CSL-like papers; returns the counts."""
    papers = tmp_path / "papers.jsonl"
    papers.write_text("\n".join(json.dumps({
        "title": f"{kw}的试验研究{i}", "abstract": f"研究了{kw}的机理。提出了一种{kw}的新方法。实验表明方法有效。",
        "keywords": [kw, f"{kw}优化"], "discipline": ("材料科学与工程", "控制科学与工程")[i % 2], "category": "工学"})
        for i, kw in enumerate(["激光熔覆", "模型预测控制", "钛合金", "状态估计"] * 3)), encoding="utf-8")
    with app.app_context():
        session = db.session()
        load(session)
        counts = load_city(session, SMALL, papers)
        session.commit()
        yield counts


def test_the_city_has_the_volumes_asked_for(app, city):
    """Are the people, challenges (in every state), documents, bids and dispatches all there?"""
    assert city["profiles"] == 120 + 10 + 20 and city["challenges"] == 60 + 22
    assert city["users"] == 120 + 10 + 20 + 30 and city["dispatches"] == 10
    with app.app_context():
        session = db.session()
        per_profile = Counter(session.exec(select(Document.profile_id).join(
            Profile, Profile.id == Document.profile_id).where(Profile.display_name != "")))
        city_profiles = session.exec(select(Profile.id).join(User, User.id == Profile.user_id).where(
            User.email.startswith("city-"))).all()
        assert all(3 <= per_profile[p] <= 10 for p in city_profiles)
        states = Counter(session.exec(select(Challenge.status)))
        assert {ChallengeStatus.PUBLISHED, ChallengeStatus.DRAFT, ChallengeStatus.AWARDED,
                ChallengeStatus.REJECTED, ChallengeStatus.WITHDRAWN, ChallengeStatus.IN_PROGRESS} <= set(states)


def test_the_city_keeps_the_services_invariants(app, city):
    """Valid, unique credit codes; one role per person; an administrator per organisation with members;
    one accepted bid per awarded challenge (up to max_awards under 赛马制) and none elsewhere; one bid per
    solver and challenge."""
    with app.app_context():
        session = db.session()
        codes = session.exec(select(Organisation.credit_code)).all()
        assert len(codes) == len(set(codes)) and all(credit_code(c) == c for c in codes)
        roles = Counter(session.exec(select(UserRole.user_id)))
        assert set(roles.values()) == {1}
        users = session.exec(select(func.count()).select_from(User)).one()
        assert len(roles) == users
        with_members = set(session.exec(select(User.organisation_id)))
        administered = set(session.exec(select(User.organisation_id).where(User.org_admin)))
        assert with_members == administered
        accepted = Counter(session.exec(select(Bid.challenge_id).where(Bid.status == BidStatus.ACCEPTED)))
        awarded = set(session.exec(select(Challenge.id).where(Challenge.awarded_at != None)))  # noqa: E711
        allowed = dict(session.exec(select(Challenge.id, Challenge.max_awards)).all())
        assert set(accepted) == awarded and all(1 <= n <= allowed[c] for c, n in accepted.items())
        pairs = Counter(session.exec(select(Bid.challenge_id, Bid.solver_id)))
        assert set(pairs.values()) == {1}


def test_the_command_refuses_a_missing_papers_file(runner):
    """Does `load-demo --scale city --csl` with no such file exit 2 with a message, loading nothing?"""
    result = runner.invoke(args=["load-demo", "--scale", "city", "--csl", "/nonexistent/papers.jsonl"])
    assert result.exit_code == 2 and "No CSL file" in result.output


def test_a_bulk_load_refreshes_postgresql_statistics(app, database_url):
    """After `load-demo --scale city` on PostgreSQL, VACUUM ANALYZE has run (planner statistics, visibility
    map for index-only scans); SQLite needs nothing."""
    from sqlalchemy import text

    from webapp.cli import refresh_statistics

    if not database_url.startswith("postgresql"):
        pytest.skip("only PostgreSQL keeps planner statistics that a bulk load makes stale")
    with app.app_context():
        refresh_statistics()
        analysed = db.session().exec(text(
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'challenge'")).one()[0]
    assert analysed
