"""The 出题 → 审核 → 揭榜 → 评选 workflow through the JSON API."""

from __future__ import annotations

from tests.world import bid_payload, challenge_payload


def test_enterprise_posts_a_draft(world):
    """Does posting a challenge save a draft owned by the enterprise?"""
    response = world.api("owner", "POST", "/challenges", challenge_payload())
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "draft"
    assert body["owner_id"] == world.users["owner"]["id"]
    assert body["keywords"] == ["RV减速器", "磨削", "齿形误差"]
    assert body["confidential_details"].startswith("现有产线良率")


def test_owner_edits_a_draft(world):
    """Can the owner change a draft's fields, leaving the others as they were?"""
    cid = world.challenge("draft")
    text = world.api("owner", "PATCH", f"/challenges/{cid}", {"keywords": "磨削, 补偿"})
    assert text.status_code == 422 and "keywords" in text.json["error"]["fields"]  # the API takes a JSON array
    response = world.api("owner", "PATCH", f"/challenges/{cid}", {"budget": 900000, "keywords": ["磨削", " 补偿"]})
    assert response.status_code == 200
    assert response.json["budget"] == 900000
    assert response.json["keywords"] == ["磨削", "补偿"]
    assert response.json["title"] == challenge_payload()["title"]


def test_full_journey_from_draft_to_award(world):
    """Can a challenge go draft → submitted → published → bids → awarded, declining the other bids?"""
    cid = world.challenge("draft")
    assert world.api("owner", "POST", f"/challenges/{cid}/submit").json["status"] == "submitted"
    assert world.api("government", "POST", f"/challenges/{cid}/publish").json["status"] == "published"
    first = world.bid(cid, "solver")
    second = world.bid(cid, "other_solver", price=500000)
    assert world.api("owner", "POST", f"/bids/{first}/shortlist").json["status"] == "shortlisted"
    accepted = world.api("owner", "POST", f"/bids/{first}/accept")
    assert accepted.json["status"] == "accepted"
    assert world.api("owner", "GET", f"/challenges/{cid}").json["status"] == "awarded"
    other = world.api("other_solver", "GET", f"/bids/{second}").json
    assert other["status"] == "declined"
    assert "Another proposal was accepted" in other["decline_reason"]


def test_government_rejects_with_a_reason_the_enterprise_sees(world):
    """Does the enterprise see why its challenge was rejected, and can it fix and resubmit?"""
    cid = world.challenge("submitted")
    response = world.api("government", "POST", f"/challenges/{cid}/reject", {"reason": "预算说明不足"})
    assert response.json["status"] == "rejected"
    seen = world.api("owner", "GET", f"/challenges/{cid}").json
    assert seen["reject_reason"] == "预算说明不足"
    edited = world.api("owner", "PATCH", f"/challenges/{cid}", {"summary": "补充了预算说明"})
    assert edited.json["status"] == "draft"
    assert world.api("owner", "POST", f"/challenges/{cid}/submit").json["status"] == "submitted"


def test_solver_edits_and_withdraws_an_open_bid(world):
    """Can a solver change an open bid, withdraw it, and then bid again?"""
    cid = world.challenge("published")
    bid = world.bid(cid)
    changed = world.api("solver", "PATCH", f"/bids/{bid}", {"price": 550000})
    assert changed.json["price"] == 550000
    assert world.api("solver", "POST", f"/bids/{bid}/withdraw").json["status"] == "withdrawn"
    again = world.api("solver", "POST", f"/challenges/{cid}/bids", bid_payload())
    assert again.status_code == 201


def test_enterprise_declines_with_a_reason_the_solver_sees(world):
    """Does a declined solver see the enterprise's reason?"""
    cid = world.challenge("published")
    bid = world.bid(cid)
    world.api("owner", "POST", f"/bids/{bid}/decline", {"reason": "报价超出预算"})
    mine = world.api("solver", "GET", "/bids/mine").json["items"]
    assert mine[0]["status"] == "declined"
    assert mine[0]["decline_reason"] == "报价超出预算"


def test_solver_sees_confidential_details_only_after_accepting_terms(world):
    """Are confidential details hidden from a solver until the terms are accepted (and recorded)?"""
    cid = world.challenge("published")
    assert world.api("solver", "GET", f"/challenges/{cid}").json["confidential_details"] is None
    accepted = world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    assert accepted.json["confidential_details"].startswith("现有产线良率")
    assert world.api("other_solver", "GET", f"/challenges/{cid}").json["confidential_details"] is None


def test_me_names_the_caller_and_roles(world):
    """Does /me tell a token holder who they are?"""
    body = world.api("manager", "GET", "/me").json
    assert body["email"] == "manager@example.cn"
    assert body["roles"] == ["manager"]
