"""Workbenches: each role's home lists its work with counts and links; government reaches every challenge by
status, awarded and in progress included."""

from __future__ import annotations

import re

from tests.webapp.test_reviews import DUE, GEARS, expert


def work(world, nick: str) -> dict[str, int]:
    """The workbench's lines as {link: count} (first count per link)."""
    page = world.login(nick).get("/").get_data(as_text=True)
    assert 'data-testid="workbench"' in page, nick
    found: dict[str, int] = {}
    for link, count in re.findall(r'<li class="[^"]*"><a href="([^"]+)"><b>(\d+)</b>', page):
        found.setdefault(link, int(count))
    return found


def test_the_enterprise_sees_drafts_bids_questions_and_panels(world):
    """Drafts, open bids and questions to answer appear with their counts; a question links to itself."""
    world.challenge("draft")
    cid = world.challenge("published")
    world.bid(cid)
    qid = world.api("solver", "POST", f"/challenges/{cid}/questions", {"text": "样机数量？"}).json["id"]
    page = world.login("owner").get("/").get_data(as_text=True)
    assert f'href="/challenges/{cid}#question-{qid}"' in page
    assert re.search(r"<b>1</b>\s*(草稿|Drafts)", page) and re.search(r"<b>1</b>\s*(待审阅的揭榜申请|Open bids)", page)


def test_the_solver_sees_team_bids_and_reviews_to_do(world):
    """A team invitation and an assigned review show on the solver's workbench."""
    member = expert(world, "gear", "燕山大学", GEARS)
    cid = world.challenge("published")
    world.api("solver", "POST", f"/challenges/{cid}/bids", {
        "approach": "方案", "price": 1, "timeline": "三个月", "duration_days": 90, "members": [member]})
    review = world.api("owner", "POST", f"/challenges/{cid}/review", {"per_bid": 1, "deadline": DUE}).json
    world.api("owner", "POST", f"/reviews/{review['id']}/confirm")
    counts = work(world, "gear")
    assert counts["/bids/mine#teams"] == 1
    assert counts["/reviews/mine"] == (1 if review["assignments"] else 0)


def test_government_reaches_every_challenge_by_status(world):
    """Government's workbench counts challenges by status and its list shows awarded ones; others get 403."""
    world.challenge("submitted")
    awarded = world.challenge("awarded")
    counts = work(world, "government")
    assert counts["/government/vetting"] == 1
    page = world.login("government").get("/government/challenges?status=awarded").get_data(as_text=True)
    assert f'href="/challenges/{awarded}"' in page
    assert world.login("solver").get("/government/challenges").status_code == 403


def test_the_manager_sees_uncurated_challenges_oldest_first(world):
    """Published challenges nobody curated link straight to their ranked candidates."""
    first = world.challenge("published", title="最早发布的榜单")
    world.challenge("published", title="后发布的榜单")
    page = world.login("manager").get("/").get_data(as_text=True)
    assert page.index(f'href="/challenges/{first}/candidates"') < page.index("后发布的榜单")


def test_every_role_has_a_workbench_and_visitors_none(world):
    """Each cast member's home has a workbench; a signed-out visitor's has none."""
    for nick in ("owner", "solver", "manager", "commissioner", "government"):
        work(world, nick)
    assert 'data-testid="workbench"' not in world.app.test_client().get("/").get_data(as_text=True)
