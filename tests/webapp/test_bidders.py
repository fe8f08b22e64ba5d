"""The bids table says who bids: name, organisation, profile link, and the engine's score with reasons."""

from __future__ import annotations

from tests.webapp.test_curation import EXPERT, add_solver


def test_owner_manager_and_government_see_who_bids_with_the_match(world):
    """Does each bid carry its solver's name, organisation and profile, scored against the challenge, with the
    expert ahead of an unrelated bidder — and does a solver see none of it on their own bid?"""
    expert = add_solver(world, "gear_expert", "燕山大学", EXPERT)
    add_solver(world, "chemist", "南开大学", "锂离子电池电解液添加剂与低温析锂")
    cid = world.challenge("published")
    world.bid(cid, "gear_expert")
    world.bid(cid, "chemist")
    for nick in ("owner", "manager", "government"):
        items = world.api(nick, "GET", f"/challenges/{cid}/bids").json["items"]
        by_name = {i["bidder"]["name"]: i["bidder"] for i in items}
        assert by_name["gear_expert"]["organisation"] == "燕山大学"
        assert by_name["gear_expert"]["profile_id"] == expert
        assert by_name["gear_expert"]["score"] > by_name["chemist"]["score"]
        assert any(r["kind"] == "terms" for r in by_name["gear_expert"]["reasons"]), nick
    own = world.api("gear_expert", "GET", f"/challenges/{cid}/bids").json["items"]
    assert len(own) == 1 and own[0]["bidder"] is None
    page = world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)
    assert f'href="/profiles/{expert}"' in page and "燕山大学" in page and page.count('data-testid="bidder"') == 2
