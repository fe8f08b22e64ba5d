"""Expert review through the pages: open with the default rubric, confirm, score blind, award two bids under
赛马制, and a declined bidder sees the reason, the panel's marks and where to go next."""

from __future__ import annotations

import re

from tests.webapp.test_reviews import DUE, contest, nick_of  # noqa: F401  (contest: the fixture)


def review_form(**overrides) -> dict[str, str]:
    values = {"per_bid": "1", "max_load": "2", "deadline": DUE, "blind": "on",
              "criterion_name_1": "技术方案", "criterion_weight_1": "70", "criterion_anchors_1": "1 差 · 10 优",
              "criterion_name_2": "报价", "criterion_weight_2": "30"}
    return values | overrides


def test_the_form_offers_the_default_rubric_and_keeps_a_bad_one(world, contest):  # noqa: F811
    """Does the form start from the four default criteria, and does a rubric of 70 + 20 come back with the
    weight marked and every typed value kept?"""
    owner = world.login("owner")
    cid = contest["challenge"]
    page = owner.get(f"/challenges/{cid}/review/new").get_data(as_text=True)
    assert "技术方案 Technical approach" in page and 'value="40"' in page
    bad = owner.post(f"/challenges/{cid}/review/new", data=review_form(criterion_weight_2="20"))
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'class="field invalid"' in text
    assert 'value="20"' in text and "1 差 · 10 优" in text
    assert world.login("solver").get(f"/challenges/{cid}/review/new").status_code == 403


def test_a_review_from_opening_to_award_through_the_pages(world, contest):  # noqa: F811
    """Open, confirm, score blind, see results beside the bids, award two of three bids at once."""
    cid = contest["challenge"]
    third = world.bid(cid, "grind")
    owner = world.login("owner")
    opened = owner.post(f"/challenges/{cid}/review/new", data=review_form())
    assert opened.status_code == 302
    panel_url = opened.location
    page = owner.get(panel_url).get_data(as_text=True)
    assert 'data-testid="panel-total"' in page and page.count('data-testid="panel-bid"') == 3
    owner.post(panel_url + "/confirm")
    review = world.api("owner", "GET", f"/challenges/{cid}/review").json
    assert review["status"] == "open"
    for a in review["assignments"]:
        reviewer = world.login(nick_of(contest, a["profile_id"]))
        queue = reviewer.get("/reviews/mine").get_data(as_text=True)
        assert f"/reviews/assignments/{a['id']}" in queue
        sheet = reviewer.get(f"/reviews/assignments/{a['id']}").get_data(as_text=True)
        assert "天津大学" not in sheet and "北京理工大学" not in sheet  # blind: no bidder organisation
        missing = reviewer.post(f"/reviews/assignments/{a['id']}", data={"score_1": "8", "comment": "方案可行"})
        assert missing.status_code == 422 and "方案可行" in missing.get_data(as_text=True)
        high = "9" if a["bid_id"] != third else "3"
        scored = reviewer.post(f"/reviews/assignments/{a['id']}", data={"score_1": high, "score_2": "7"})
        assert scored.status_code == 302
    detail = owner.get(f"/challenges/{cid}").get_data(as_text=True)
    assert detail.count('data-testid="panel-score"') == 3 and 'form="award-form"' in detail
    awarded = owner.post(f"/challenges/{cid}/award", data={"bid_ids": [str(b) for b in contest["bids"]]})
    assert awarded.status_code == 302
    statuses = {b["id"]: b["status"] for b in world.api("owner", "GET", f"/challenges/{cid}/bids").json["items"]}
    assert statuses == {contest["bids"][0]: "accepted", contest["bids"][1]: "accepted", third: "declined"}


def test_a_declined_bidder_sees_reason_marks_and_suggestions(world, contest):  # noqa: F811
    """After a closed review and a decline, does the bidder's page show the reason, their panel marks (no
    reviewer named) and open challenges ranked for their profile?"""
    cid = contest["challenge"]
    world.api("grind", "PATCH", "/profiles/me", {"expertise": "齿轮磨削与砂轮修整，齿形误差补偿"})
    other = world.challenge("published", title="齿轮磨削砂轮在线修整系统", keywords=["砂轮修整", "磨削"])
    world.bid(cid, "grind")
    settings = {"per_bid": 1, "max_load": 3, "deadline": DUE}
    review = world.api("owner", "POST", f"/challenges/{cid}/review", settings).json
    world.api("owner", "POST", f"/reviews/{review['id']}/confirm")
    for a in review["assignments"]:
        world.api(nick_of(contest, a["profile_id"]), "POST", f"/review-assignments/{a['id']}/scores",
                  {"scores": [6, 4, 4, 4], "comment": "团队经验不足"})
    mine = world.api("grind", "GET", "/bids/mine").json["items"][0]
    world.api("owner", "POST", f"/bids/{mine['id']}/decline", {"reason": "团队经验不足"})
    page = world.login("grind").get("/bids/mine").get_data(as_text=True)
    assert "团队经验不足" in page and 'data-testid="my-marks"' in page
    assert re.search(r"4\.8/10", page)  # 0.4·6 + 0.3·4 + 0.15·4 + 0.15·4
    names = {a.get("reviewer") for a in review["assignments"]}
    assert not any(name and f"<b>{name}</b>" in page for name in names)
    suggestions = page[page.index('data-testid="suggestions"'):]
    assert f"/challenges/{other}" in suggestions and f"/challenges/{cid}\"" not in suggestions


def test_the_expert_flag_is_set_on_the_profile_page(world):
    """Can a solver tick 'willing to review' on their profile page?"""
    world.add_person("prof", "南开大学", "催化材料")
    client = world.login("prof")
    page = client.get("/profiles/me").get_data(as_text=True)
    assert 'name="expert"' in page
    values = {"display_name": "prof", "expertise": "催化材料", "keywords": "", "region": "tianjin", "capacity": "3",
              "available": "on", "expert": "on"}
    assert client.post("/profiles/me", data=values).status_code == 302
    assert world.api("prof", "GET", "/profiles/me").json["expert"] is True
