"""What a worker keeps between requests is never stale: version stamps read together and kept only for the
transaction, rankings and figures kept until the rows they come from change."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select, update

from models.common import utcnow
from models.profiles import Profile
from tests.webapp.test_curation import EXPERT, add_solver
from tests.webapp.test_dispatch import ORCHARD
from tests.webapp.test_statement_counts import counting
from webapp import db
from webapp.services import stamps


def test_stamps_are_read_in_one_statement_and_kept_for_the_transaction(world):
    """Several stamps cost one statement; asking again costs none; the session's own write, or a new
    transaction, reads them afresh."""
    profile_id = add_solver(world, "expert", "燕山大学", EXPERT)
    with world.app.app_context():
        session = db.session()
        with counting(world.app) as seen:
            first = stamps.read(session, "profiles", "published", "vectors.challenge", "bids")
            again = stamps.read(session, "published", "profiles")
        assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
        assert again == [first[1], first[0]] and first[0][0] >= profile_id
        profile = session.get(Profile, profile_id)
        profile.expertise, profile.updated_at = profile.expertise + "，砂轮修整", utcnow()
        session.add(profile)
        session.flush()  # the session's own write moves the stamp it reads next
        moved = stamps.one(session, "profiles")
        assert moved[1] > first[0][1]
        session.exec(update(Profile).where(Profile.id == profile_id).values(updated_at=utcnow()))  # so does UPDATE
        assert stamps.one(session, "profiles")[1] > moved[1]
        session.rollback()
        with counting(world.app) as seen:
            stamps.one(session, "profiles")
        assert seen, "a new transaction reads the stamp again"


@pytest.mark.parametrize("nick,path,stamp", [
    ("solver", "/challenges/", "challenge.updated_at"), ("solver", "API /challenges", "challenge.updated_at"),
    ("government", "/", "bid.id"), ("manager", "/challenges/{cid}/candidates", "profile.updated_at"),
    ("government", "/government/dashboard/", "subsidy.id")])
def test_the_stamps_a_page_checks_on_every_view_come_with_the_account(world, nick, path, stamp):
    """The list pages, the home page, the candidates page and the dashboard read their stamps in the account's
    statement (by session or by token), not in one of their own."""
    cid = world.challenge("published")
    client, url = world.login(nick), path.format(cid=cid).replace("API ", "/api/v1")
    headers = world.headers(nick) if path.startswith("API ") else {}
    assert client.get(url, headers=headers).status_code == 200  # builds the worker's caches
    with counting(world.app) as seen:
        assert client.get(url, headers=headers).status_code == 200
    reading = [s for s in seen if f"max({stamp})" in s.lower()]
    assert len(reading) == 1 and ('FROM "user"' in reading[0] or "FROM user " in reading[0]), seen


def test_challenges_for_you_follow_the_solvers_profile_at_once(world):
    """The solver's home ranking is kept per worker, yet an edit of the profile shows on the next view."""
    world.challenge("published")  # RV reducer gear grinding
    world.challenge("published", title="苹果矮砧密植果园水肥一体化技术服务", summary="果园水肥一体化与矮砧密植。",
                    description="需要矮砧密植栽培和水肥一体化技术指导，兼顾病虫害绿色防控。", field="other",
                    keywords=["矮砧密植", "水肥一体化", "果园"])
    world.api("solver", "PATCH", "/profiles/me", {"expertise": EXPERT, "keywords": ["RV减速器", "磨削"]})
    client = world.login("solver")
    before = client.get("/").get_data(as_text=True)
    assert "高精度减速器齿轮磨削工艺优化" in before and "苹果矮砧密植" not in before
    assert client.get("/").get_data(as_text=True) == before  # a reload: the same list
    world.api("solver", "PATCH", "/profiles/me", {"expertise": ORCHARD, "keywords": ["矮砧密植", "水肥一体化"]})
    after = client.get("/").get_data(as_text=True)
    assert "苹果矮砧密植果园水肥一体化技术服务" in after and "高精度减速器齿轮磨削工艺优化" not in after


def test_a_newly_published_challenge_reaches_the_solver_and_the_figures_at_once(world):
    """The home page's figures and the solver's ranking are kept per worker until a challenge changes."""
    world.api("solver", "PATCH", "/profiles/me", {"expertise": ORCHARD, "keywords": ["矮砧密植", "水肥一体化"]})
    client = world.login("solver")
    world.challenge("published")
    before = client.get("/").get_data(as_text=True)
    assert "苹果矮砧密植" not in before
    world.challenge("published", title="苹果矮砧密植果园水肥一体化技术服务", summary="果园水肥一体化与矮砧密植。",
                    description="需要矮砧密植栽培和水肥一体化技术指导。", field="other",
                    keywords=["矮砧密植", "水肥一体化"])
    after = client.get("/").get_data(as_text=True)
    assert "苹果矮砧密植果园水肥一体化技术服务" in after
    assert published(before) == 1 and published(after) == 2


def published(page: str) -> int:
    """The home page's first figure: open challenges."""
    return int(re.search(r'<ul class="figures">\s*<li><b>(\d+)</b>', page).group(1))  # type: ignore[union-attr]


def test_a_curators_decision_reaches_the_kept_ranking_at_once(world):
    """The candidates ranking is kept per worker; a rejection removes the candidate on the next view."""
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    client = world.login("manager")
    assert f'data-profile="{expert}"' in client.get(f"/challenges/{cid}/candidates").get_data(as_text=True)
    decided = world.api("manager", "POST", f"/challenges/{cid}/decisions",
                        {"profile_id": expert, "decision": "reject", "reject_reason": "no_capacity"})
    assert decided.status_code == 201
    assert f'data-profile="{expert}"' not in client.get(f"/challenges/{cid}/candidates").get_data(as_text=True)


def test_every_profile_is_still_found_by_its_last_id(world):
    """The profiles' stamp is their last id: a profile added after the worker built its engine is ranked."""
    cid = world.challenge("published")
    assert world.api("manager", "GET", f"/challenges/{cid}/candidates").status_code == 200  # engine built
    late = add_solver(world, "late", "燕山大学", EXPERT)
    items = world.api("manager", "GET", f"/challenges/{cid}/candidates").json["items"]
    assert late in [i["profile_id"] for i in items]
    with world.app.app_context():
        last = db.session().exec(select(Profile.id).order_by(Profile.id.desc())).first()  # type: ignore[union-attr]
        assert stamps.one(db.session(), "profiles")[0] == last == late


def test_a_kept_api_page_shows_confidential_parts_only_to_those_entitled(world):
    """The API list is kept per worker for everyone, yet each caller sees the confidential details and
    indicators only of the challenges they may read: after accepting the terms at once, and never another's."""
    from tests.webapp.test_structured_needs import NEEDS
    cid = world.challenge("published", **NEEDS)

    def listed(nick: str) -> dict:
        return next(item for item in world.api(nick, "GET", "/challenges").json["items"] if item["id"] == cid)

    assert listed("solver")["confidential_details"] is None and len(listed("solver")["indicators"]) == 1
    assert len(listed("owner")["indicators"]) == 2 and listed("owner")["confidential_details"]
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    assert listed("solver")["confidential_details"].startswith("现有产线良率")
    assert len(listed("solver")["indicators"]) == 2
    assert listed("other_solver")["confidential_details"] is None and len(listed("other_solver")["indicators"]) == 1
    later = world.challenge("published", title="晶圆表面缺陷自动光学检测")
    assert later in [item["id"] for item in world.api("solver", "GET", "/challenges").json["items"]]
