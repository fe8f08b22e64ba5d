"""Workbenches: each role's home lists its work with counts and links; government reaches every challenge by
status, awarded and in progress included."""

from __future__ import annotations

import re

from models.accounts import OrgKind, Role
from tests.webapp.test_dispatch import ORCHARD, ask
from tests.webapp.test_reviews import DUE, GEARS, expert


def work(world, nick: str) -> dict[str, int]:
    """The workbench's lines as {link: count} (first count per link)."""
    page = world.login(nick).get("/").get_data(as_text=True)
    assert 'data-testid="workbench"' in page, nick
    found: dict[str, int] = {}
    for link, count in re.findall(r'<li class="[^"]*"(?: data-work="[^"]*")?><a href="([^"]+)"><b>(\d+)</b>', page):
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


def test_the_manager_sees_uncurated_challenges_in_their_fields(world):
    """A manager whose profile is about gears sees the gear challenge among "in your fields", not the orchard
    one (which stays in the list of all uncurated challenges); a manager with an empty profile is asked for one."""
    world.add_person("gear_manager", "滨海技术转移中心", GEARS, role=Role.MANAGER,
                     kind=OrgKind.TRANSFER_INSTITUTION, keywords=("RV减速器", "磨削"))
    orchard = world.challenge("published", title="苹果园水肥一体化", summary="果园矮砧密植与水肥一体化技术。",
                              description="需要苹果矮砧密植栽培、果园水肥一体化与病虫害绿色防控方案。",
                              field="other", keywords=["水肥一体化"])
    gears = world.challenge("published")
    page = world.login("gear_manager").get("/").get_data(as_text=True)
    fields = page[page.index('data-work="in-fields"'):]
    fields = fields[:fields.index("</ul>")]
    assert f'href="/challenges/{gears}/candidates"' in fields
    assert f'href="/challenges/{orchard}/candidates"' not in fields
    assert f'href="/challenges/{orchard}/candidates"' in page
    assert 'href="/profiles/me"' in world.login("manager").get("/").get_data(as_text=True)


def test_the_commissioner_sees_open_requests_in_their_fields(world):
    """Open requests matching the commissioner's profile are on the workbench and the dispatches page; an
    unrelated request and one from an organisation they declared a conflict with are not."""
    world.add_person("orchard", "天津市农业科学院", ORCHARD, role=Role.COMMISSIONER, kind=OrgKind.INSTITUTE)
    near = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导，减少病虫害")
    ask(world, "owner", "铸件气孔和缩松缺陷多，需要砂型铸造工艺优化指导")
    conflicted = ask(world, "other_enterprise", "苹果园病虫害绿色防控与水肥一体化技术服务")
    before = world.login("orchard").get("/dispatches").get_data(as_text=True)
    assert before.count("<li><b>") == 2 and "砂型铸造" not in before.split('id="requests"')[1]
    declared = world.api("orchard", "POST", "/conflicts",
                         {"organisation_id": world.users["other_enterprise"]["org"], "note": "前雇主"})
    assert declared.status_code == 201, declared.json
    page = world.login("orchard").get("/dispatches").get_data(as_text=True).split('id="requests"')[1]
    assert "矮砧密植" in page and "病虫害绿色防控与水肥" not in page and "砂型铸造" not in page
    assert work(world, "orchard")["/dispatches#requests"] == 1
    assert near and conflicted
    assert 'data-testid="requests-in-fields"' not in world.login("government").get("/dispatches").get_data(
        as_text=True)
