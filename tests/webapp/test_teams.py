"""Team and consortium bids: members of other organisations are named, each confirms; conflicts, the one-open-
bid rule and capacity consider every member; the bids table shows the team with the engine's scores."""

from __future__ import annotations

from models.accounts import OrgKind
from tests.webapp.test_curation import EXPERT
from tests.webapp.test_reviews import DUE, GEARS, expert
from tests.world import bid_payload


def person(world, nick: str, org: str, text: str = EXPERT, capacity: int = 3, kind=OrgKind.UNIVERSITY) -> int:
    return world.add_person(nick, org, text, capacity=capacity, kind=kind, keywords=("RV减速器", "磨削"))


def team_bid(world, cid: int, members: list[int], lead: str = "solver"):
    return world.api(lead, "POST", f"/challenges/{cid}/bids", bid_payload(members=members))


def invitation(world, nick: str) -> dict:
    items = world.api(nick, "GET", "/team-invitations").json["items"]
    assert len(items) == 1, items
    return items[0]


def test_a_consortium_bids_and_each_member_confirms(world):
    """A lead names two members of other organisations; each is notified, one confirms and one declines; the
    enterprise's bids table names the lead and members with organisations, links and scores."""
    a = person(world, "gear", "燕山大学")
    b = person(world, "chem", "中国科学院天津工业生物技术研究所", "锂电池电解液与低温析锂", kind=OrgKind.INSTITUTE)
    cid = world.challenge("published")
    placed = team_bid(world, cid, [a, b])
    assert placed.status_code == 201, placed.json
    assert "team.invited" in [n["kind"] for n in world.api("gear", "GET", "/notifications").json["items"]]
    mine = invitation(world, "gear")
    assert mine["status"] == "invited"
    assert world.api("gear", "POST", f"/team-members/{mine['id']}/confirm").json["status"] == "confirmed"
    assert world.api("chem", "POST", f"/team-members/{invitation(world, 'chem')['id']}/decline").status_code == 200
    assert world.api("solver", "POST", f"/team-members/{mine['id']}/confirm").status_code == 404
    lead_told = [n["kind"] for n in world.api("solver", "GET", "/notifications").json["items"]]
    assert {"team.confirmed", "team.declined"} <= set(lead_told)
    bidder = world.api("owner", "GET", f"/challenges/{cid}/bids").json["items"][0]["bidder"]
    members = {m["name"]: m for m in bidder["members"]}
    assert members["gear"]["organisation"] == "燕山大学" and members["gear"]["status"] == "confirmed"
    assert members["chem"]["status"] == "declined"
    assert members["gear"]["score"] > members["chem"]["score"]
    assert bidder["team_score"] >= members["gear"]["score"]
    page = world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)
    assert f'href="/profiles/{a}"' in page and 'data-testid="team"' in page


def test_members_meet_the_rules_a_lead_meets(world):
    """A member of the enterprise itself, one with a declared conflict, one already in another open bid on the
    challenge, and one at full capacity are each refused with the field named."""
    insider = person(world, "insider", "津门精密机械有限公司", kind=OrgKind.ENTERPRISE)
    declared = person(world, "declared", "河北工业大学")
    busy = person(world, "busy", "东北大学", capacity=0)
    rival = person(world, "rival", "大连理工大学")
    cid = world.challenge("published")
    world.api("owner", "POST", "/conflicts", {"profile_id": declared, "note": "前员工"})
    world.bid(cid, "rival")
    for member in (insider, declared, busy, rival):
        refused = team_bid(world, cid, [member])
        assert refused.status_code == 422 and "members" in refused.json["error"]["fields"], member
    assert team_bid(world, cid, [999999]).status_code == 422
    assert world.api("owner", "GET", f"/challenges/{cid}/bids").json["items"][0]["solver_id"] == \
        world.users["rival"]["id"]  # nothing half-written: only the rival's bid exists


def test_one_open_bid_per_person_counts_members(world):
    """A confirmed member may not lead another bid on the same challenge, nor confirm a second team."""
    a = person(world, "gear", "燕山大学")
    cid = world.challenge("published")
    team_bid(world, cid, [a])
    world.api("gear", "POST", f"/team-members/{invitation(world, 'gear')['id']}/confirm")
    own = world.api("gear", "POST", f"/challenges/{cid}/bids", bid_payload())
    assert own.status_code == 409
    second = world.api("other_solver", "POST", f"/challenges/{cid}/bids", bid_payload(members=[a]))
    assert second.status_code == 422


def test_confirming_a_second_team_is_refused(world):
    """Named in two teams on one challenge, a member confirms one; confirming the other is a 409."""
    a = person(world, "gear", "燕山大学")
    cid = world.challenge("published")
    team_bid(world, cid, [a])
    team_bid(world, cid, [a], lead="other_solver")
    first, second = world.api("gear", "GET", "/team-invitations").json["items"]
    assert world.api("gear", "POST", f"/team-members/{first['id']}/confirm").status_code == 200
    assert world.api("gear", "POST", f"/team-members/{second['id']}/confirm").status_code == 409


def test_the_lead_changes_the_team_by_editing_the_bid(world):
    """Editing the bid's members invites the new one and removes the one left out; only the lead may."""
    a, b = person(world, "gear", "燕山大学"), person(world, "grind", "哈尔滨工业大学")
    cid = world.challenge("published")
    bid = team_bid(world, cid, [a]).json["id"]
    assert world.api("solver", "PATCH", f"/bids/{bid}", {"members": [b]}).status_code == 200
    assert [m["name"] for m in world.api("owner", "GET", f"/bids/{bid}/team").json["items"]] == ["grind"]
    assert world.api("gear", "GET", "/team-invitations").json["items"] == []
    assert world.api("grind", "PATCH", f"/bids/{bid}", {"members": []}).status_code in (403, 404)


def test_an_accepted_team_fills_every_members_capacity(world):
    """Once a team bid is accepted, each confirmed member carries one engagement: a member with capacity 1
    cannot join another team."""
    a = person(world, "gear", "燕山大学", capacity=1)
    cid = world.challenge("published")
    bid = team_bid(world, cid, [a]).json["id"]
    world.api("gear", "POST", f"/team-members/{invitation(world, 'gear')['id']}/confirm")
    world.api("owner", "POST", f"/bids/{bid}/accept")
    other = world.challenge("published", title="减速器寿命试验台")
    refused = world.api("other_solver", "POST", f"/challenges/{other}/bids", bid_payload(members=[a]))
    assert refused.status_code == 422 and "1 项" in refused.json["error"]["fields"]["members"]  # 1 of 1 under way


def test_the_bid_form_names_members_by_email(world):
    """Through the page: members named by e-mail; an unknown address comes back marked with what was typed."""
    person(world, "gear", "燕山大学")
    cid = world.challenge("published")
    client = world.login("solver")
    form = {**{k: str(v) for k, v in bid_payload().items() if k != "members"}, "members": "nobody@example.cn"}
    bad = client.post(f"/challenges/{cid}/bid", data=form)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "nobody@example.cn" in text and 'class="field invalid"' in text
    form["members"] = "gear@example.cn"
    assert client.post(f"/challenges/{cid}/bid", data=form).status_code == 302
    mine = world.login("gear").get("/bids/mine").get_data(as_text=True)
    assert 'data-testid="team-invitations"' in mine and "/team-members/" in mine


def test_a_reviewer_who_shared_a_team_with_a_bidder_is_not_assigned(world):
    """Co-membership in an earlier bid team is a conflict of interest for the review panel."""
    partner = expert(world, "partner", "燕山大学", GEARS)
    expert(world, "neutral", "哈尔滨工业大学", GEARS)
    earlier = world.challenge("published", title="摆线轮磨削工艺")
    team_bid(world, earlier, [partner])
    world.api("partner", "POST", f"/team-members/{invitation(world, 'partner')['id']}/confirm")
    cid = world.challenge("published")
    bid = world.bid(cid)
    review = world.api("owner", "POST", f"/challenges/{cid}/review", {"per_bid": 2, "max_load": 2, "deadline": DUE})
    assert review.status_code == 201, review.json
    panel = {(a["bid_id"], a["profile_id"]) for a in review.json["assignments"]}
    assert (bid, partner) not in panel and len(panel) == 1
