"""The 出题 → 审核 → 揭榜 → 评选 workflow by forms, as people use it."""

from __future__ import annotations

import re

from tests.world import challenge_payload


def challenge_form(**overrides):
    """The new-challenge form as a browser posts it."""
    form = {**challenge_payload(), "keywords": "RV减速器, 磨削，齿形误差"}
    form.update(overrides)
    return form


def created_id(response) -> int:
    """The id in the redirect after a form creates a record."""
    return int(re.search(r"/(\d+)$", response.headers["Location"]).group(1))


def test_journey_by_forms(world):
    """Can each role do its step by submitting the forms, ending with an awarded challenge?"""
    owner = world.login("owner")
    response = owner.post("/challenges/new", data=challenge_form())
    assert response.status_code == 302
    cid = created_id(response)
    assert "草稿" in owner.get(f"/challenges/{cid}").get_data(as_text=True)
    assert owner.post(f"/challenges/{cid}/submit").status_code == 302

    government = world.login("government")
    assert challenge_payload()["title"] in government.get("/government/vetting").get_data(as_text=True)
    assert government.post(f"/government/challenges/{cid}/publish").status_code == 302

    solver = world.login("solver")
    assert solver.post(f"/challenges/{cid}/accept-terms").status_code == 302
    assert "现有产线良率" in solver.get(f"/challenges/{cid}").get_data(as_text=True)
    bid_form = {"approach": "在机测量与闭环补偿", "price": "500000", "timeline": "六个月",
                "duration_days": "180", "team": "五人"}
    assert solver.post(f"/challenges/{cid}/bid", data=bid_form).status_code == 302

    bids = world.api("owner", "GET", f"/challenges/{cid}/bids").json["items"]
    assert owner.post(f"/bids/{bids[0]['id']}/shortlist").status_code == 302
    assert owner.post(f"/bids/{bids[0]['id']}/accept").status_code == 302
    assert "已揭榜" in owner.get(f"/challenges/{cid}").get_data(as_text=True)
    assert "中标" in solver.get("/bids/mine").get_data(as_text=True)


def test_keywords_typed_with_chinese_commas_are_split(world):
    """Are keywords separated by Chinese or English commas stored one by one?"""
    response = world.login("owner").post("/challenges/new", data=challenge_form())
    body = world.api("owner", "GET", f"/challenges/{created_id(response)}").json
    assert body["keywords"] == ["RV减速器", "磨削", "齿形误差"]


def test_edit_form_is_prefilled_and_saves(world):
    """Does the edit page show the stored values and save a change?"""
    cid = world.challenge("draft")
    owner = world.login("owner")
    page = owner.get(f"/challenges/{cid}/edit").get_data(as_text=True)
    assert challenge_payload()["title"] in page and "RV减速器, 磨削, 齿形误差" in page
    assert owner.post(f"/challenges/{cid}/edit", data=challenge_form(budget="990000")).status_code == 302
    assert world.api("owner", "GET", f"/challenges/{cid}").json["budget"] == 990000


def test_rejected_challenge_shows_reason_to_owner(world):
    """Does the owner's list show why a challenge was rejected?"""
    cid = world.challenge("submitted")
    government = world.login("government")
    government.post(f"/government/challenges/{cid}/reject", data={"reason": "请补充验收指标"})
    assert "请补充验收指标" in world.login("owner").get("/challenges/mine").get_data(as_text=True)


def test_reject_without_reason_keeps_challenge_submitted(world):
    """Does rejecting without a reason leave the challenge waiting, with a message?"""
    cid = world.challenge("submitted")
    government = world.login("government")
    response = government.post(f"/government/challenges/{cid}/reject", data={"reason": ""},
                               follow_redirects=True)
    assert "请填写退回理由" in response.get_data(as_text=True)
    assert world.api("owner", "GET", f"/challenges/{cid}").json["status"] == "submitted"


def test_declined_solver_sees_reason_on_my_bids(world):
    """Does a declined solver read the enterprise's reason on 我的揭榜?"""
    cid = world.challenge("published")
    bid = world.bid(cid)
    world.login("owner").post(f"/bids/{bid}/decline", data={"reason": "报价偏高"})
    assert "报价偏高" in world.login("solver").get("/bids/mine").get_data(as_text=True)


def test_solver_edits_and_withdraws_by_forms(world):
    """Can a solver edit a bid and then withdraw it from the pages?"""
    cid = world.challenge("published")
    bid = world.bid(cid)
    solver = world.login("solver")
    form = {"approach": "改进后的方案", "price": "450000", "timeline": "五个月", "duration_days": "150", "team": ""}
    assert solver.post(f"/bids/{bid}/edit", data=form).status_code == 302
    assert world.api("solver", "GET", f"/bids/{bid}").json["price"] == 450000
    assert solver.post(f"/bids/{bid}/withdraw").status_code == 302
    assert world.api("solver", "GET", f"/bids/{bid}").json["status"] == "withdrawn"


def test_bad_bid_form_shows_errors(world):
    """Does a bad bid form come back with messages and write nothing?"""
    cid = world.challenge("published")
    response = world.login("solver").post(f"/challenges/{cid}/bid", data={"approach": "", "price": "-1",
                                                                         "timeline": "", "duration_days": "0"})
    assert response.status_code == 422
    assert "此项不能为空" in response.get_data(as_text=True)
    assert world.api("solver", "GET", "/bids/mine").json["items"] == []


def test_pages_escape_user_text(world):
    """Is text typed by users escaped, never run as HTML?"""
    cid = world.challenge("published", title="<script>alert(1)</script>缺陷检测")
    page = world.login("solver").get(f"/challenges/{cid}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
