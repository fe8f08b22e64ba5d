"""Government's watch list and blacklist (失信名单): who may keep them, appeals, and the blacklist enforced at
every door — bidding, rankings and recommendations, review panels and scoring, subsidies."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from models.common import today
from tests.webapp.test_curation import EXPERT, add_solver
from tests.webapp.test_reviews import contest  # noqa: F401 (fixture)
from tests.webapp.test_subsidies import PLAN


def day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def blacklist(world, nick: str | None = None, organisation: str | None = None, **overrides):
    """Blacklist a cast member (by e-mail) or an organisation (by name) from yesterday for a year."""
    party = {"email": world.users[nick]["email"]} if nick else {}
    if organisation:
        party["organisation"] = organisation
    body = {"kind": "blacklist", "reason": "虚报科研经费", "start_date": day(-1), "end_date": day(365),
            **party, **overrides}
    return world.api("government", "POST", "/credit", body)


def test_only_government_keeps_the_lists_and_the_party_is_told(world):
    """Others get 403; government's entry names the party, is in force, and the person is notified."""
    assert world.api("owner", "POST", "/credit", {"kind": "watch", "email": "x@example.cn", "reason": "r",
                                                  "start_date": day(0), "end_date": day(1)}).status_code == 403
    entry = blacklist(world, "solver").json
    assert entry["in_force"] and entry["party"].startswith("solver") and entry["kind"] == "blacklist"
    inbox = world.api("solver", "GET", "/notifications").json["items"]
    assert inbox[0]["kind"] == "credit.listed" and "虚报科研经费" in inbox[0]["message"]
    assert [e["id"] for e in world.api("solver", "GET", "/credit").json["items"]] == [entry["id"]]
    assert world.api("other_solver", "GET", "/credit").json["items"] == []


@pytest.mark.parametrize("overrides, field", [
    ({"email": "nobody@example.cn"}, "email"),
    ({"organisation": "天津大学"}, "organisation"),  # both named
    ({"end_date": day(-5)}, "end_date"),
    ({"reason": " "}, "reason"),
])
def test_a_bad_entry_names_the_field(world, overrides, field):
    """An unknown e-mail, two parties, an end before the start, a blank reason: 422 on that field."""
    response = blacklist(world, "solver", **overrides)
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json


def test_a_blacklisted_solver_cannot_bid_or_be_ranked(world):
    """The solver's bid is refused with the entry's end date; the candidates ranking leaves them out."""
    cid = world.challenge("published")
    add_solver(world, "gears", "燕山大学", EXPERT)
    ranked = world.api("manager", "GET", f"/challenges/{cid}/candidates?kind=solver").json
    assert world.users["gears"]["profile"] in [c["profile_id"] for c in ranked["items"]]
    blacklist(world, "gears")
    refused = world.api("gears", "POST", f"/challenges/{cid}/bids", {
        "approach": "方案", "price": 1, "timeline": "三个月", "duration_days": 90})
    assert refused.status_code == 403 and day(365) in refused.json["error"]["message"]
    ranked = world.api("manager", "GET", f"/challenges/{cid}/candidates?kind=solver").json
    assert world.users["gears"]["profile"] not in [c["profile_id"] for c in ranked["items"]]
    recommended = world.api("manager", "POST", f"/challenges/{cid}/decisions",
                            {"profile_id": world.users["gears"]["profile"], "decision": "recommend"})
    assert recommended.status_code == 403


def test_a_blacklisted_enterprise_receives_no_subsidy(world):
    """An entry naming the enterprise's organisation refuses a subsidy and the release of a tranche."""
    cid = world.challenge("awarded")
    subsidy = world.api("government", "POST", f"/challenges/{cid}/subsidy", PLAN).json
    milestone = subsidy["milestones"][0]["id"]
    world.api("owner", "POST", f"/challenges/{cid}/milestones/{milestone}/report", {"note": "完成"})
    blacklist(world, organisation="津门精密机械有限公司")
    released = world.api("government", "POST", f"/challenges/{cid}/milestones/{milestone}/release")
    assert released.status_code == 403 and "失信名单" in released.json["error"]["message"]
    other = world.challenge("published")
    assert world.api("government", "POST", f"/challenges/{other}/subsidy", PLAN).status_code == 403


def test_an_entry_outside_its_period_or_on_the_watch_list_bars_nothing(world):
    """A future blacklist entry and a watch list entry leave the solver free to bid."""
    cid = world.challenge("published")
    blacklist(world, "solver", start_date=day(30), end_date=day(60))
    blacklist(world, "solver", kind="watch")
    assert world.api("solver", "POST", f"/challenges/{cid}/bids", {
        "approach": "方案", "price": 1, "timeline": "三个月", "duration_days": 90}).status_code == 201


def test_an_appeal_once_then_government_decides(world):
    """The party appeals once; upholding keeps the entry; a second appeal is a 409; lifting frees the solver."""
    entry = blacklist(world, "solver").json["id"]
    assert world.api("other_solver", "POST", f"/credit/{entry}/appeal", {"text": "不是我"}).status_code == 404
    appealed = world.api("solver", "POST", f"/credit/{entry}/appeal", {"text": "经费使用有审计报告为证"})
    assert appealed.json["appeal"] == "pending"
    assert world.api("government", "GET", "/notifications").json["items"][0]["kind"] == "credit.appealed"
    assert world.api("solver", "POST", f"/credit/{entry}/appeal", {"text": "再申诉"}).status_code == 409
    assert world.api("solver", "POST", f"/credit/{entry}/grant", {"text": "自己批准"}).status_code == 403
    upheld = world.api("government", "POST", f"/credit/{entry}/uphold", {"text": "审计报告不涉及该项经费"})
    assert upheld.json["appeal"] == "upheld" and upheld.json["in_force"]
    lifted = world.api("government", "POST", f"/credit/{entry}/lift", {"text": "整改到位，提前解除"})
    assert lifted.json["status"] == "lifted" and not lifted.json["in_force"]
    cid = world.challenge("published")
    assert world.api("solver", "POST", f"/challenges/{cid}/bids", {
        "approach": "方案", "price": 1, "timeline": "三个月", "duration_days": 90}).status_code == 201


def test_a_blacklisted_reviewer_cannot_score_or_join_a_new_panel(world, contest):  # noqa: F811 (fixture)
    """An expert blacklisted after the panel was confirmed cannot score; a new review leaves them out."""
    from tests.webapp.test_reviews import confirmed, nick_of
    review = confirmed(world, contest)
    first = review["assignments"][0]
    nick = nick_of(contest, first["profile_id"])
    blacklist(world, nick)
    scored = world.api(nick, "POST", f"/review-assignments/{first['id']}/scores", {"scores": [8, 8, 8, 8]})
    assert scored.status_code == 403
    other = world.challenge("published")
    world.bid(other)
    fresh = world.api("owner", "POST", f"/challenges/{other}/review", {"per_bid": 3, "deadline": day(20)}).json
    assert first["profile_id"] not in {a["profile_id"] for a in fresh["assignments"]}


def test_the_pages_record_an_entry_and_take_the_appeal(world):
    """Government's form keeps what was typed on an error, then records; the solver appeals by form and
    government grants it; other people see no entry."""
    gov = world.login("government")
    form = {"kind": "blacklist", "email": world.users["solver"]["email"], "organisation": "天津大学",
            "reason": "虚报科研经费", "start_date": day(-1), "end_date": day(90)}
    bad = gov.post("/credit/", data=form)
    assert bad.status_code == 422 and 'value="天津大学"' in bad.get_data(as_text=True)
    assert gov.post("/credit/", data={**form, "organisation": ""}).status_code == 302
    page = gov.get("/credit/").get_data(as_text=True)
    entry = int(re.search(r'data-entry="(\d+)"', page).group(1))
    assert "虚报科研经费" in page and "失信名单" in page
    solver = world.login("solver")
    assert f'data-entry="{entry}"' in solver.get("/credit/").get_data(as_text=True)
    assert solver.post(f"/credit/{entry}/appeal", data={"text": "有审计报告"}).status_code == 302
    assert 'data-entry' not in world.login("other_solver").get("/credit/").get_data(as_text=True)
    gov.post(f"/credit/{entry}/grant", data={"text": "审计报告属实"})
    assert world.api("solver", "GET", "/credit").json["items"][0]["status"] == "lifted"
    assert world.login("owner").post("/credit/", data={**form, "organisation": ""}).status_code == 302
    assert len(world.api("government", "GET", "/credit").json["items"]) == 1  # only government records


def test_government_exports_the_credit_lists(world):
    """`credit` export names the party, the period and the appeal state."""
    import json
    blacklist(world, "solver")
    rows = json.loads(world.api("government", "GET", "/exports/credit?format=json").data)
    assert rows[0]["kind"] == "blacklist" and rows[0]["party"].startswith("solver") and rows[0]["appeal"] == "none"
