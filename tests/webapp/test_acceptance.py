"""验收 through the API: the final milestone goes to an expert panel seated by the engine under the conflict
rules; panellists judge each criterion; the organiser concludes — a pass completes the contract, a fail returns
the milestone with the organiser's reason or terminates the contract. Every refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from models.accounts import OrgKind
from models.common import today
from tests.webapp.test_contracts import accepted_bid, challenge_status, milestone, propose, terms
from tests.webapp.test_credit import blacklist
from tests.webapp.test_reviews import GEARS, expert

DUE = (today() + dt.timedelta(days=10)).isoformat()
INDICATORS = [{"name": "齿形误差", "target": "≤ 3", "unit": "μm", "method": "齿轮测量中心", "confidential": False},
              {"name": "良率", "target": "≥ 95", "unit": "%", "method": "连续三批", "confidential": True}]


@pytest.fixture
def experts(world) -> dict[str, int]:
    """Three free experts, one in the enterprise, one at the solver's university."""
    return {"gear": expert(world, "gear", "燕山大学", GEARS),
            "grind": expert(world, "grind", "哈尔滨工业大学", "磨削砂轮修整与齿轮齿形误差补偿"),
            "third": expert(world, "third", "上海交通大学", "RV减速器摆线轮磨削与齿轮测量"),
            "insider": expert(world, "insider", "津门精密机械有限公司", GEARS, kind=OrgKind.ENTERPRISE),
            "colleague": expert(world, "colleague", "天津大学", GEARS)}


def delivered(world, cid: int | None = None) -> tuple[int, dict]:
    """A confirmed contract whose first milestone is accepted and whose final one is reported."""
    if cid is None:
        cid, bid = accepted_bid(world)
    else:
        bid = world.bid(cid)
        assert world.api("owner", "POST", f"/bids/{bid}/accept").status_code == 200
    contract = propose(world, bid).json
    assert world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1}).status_code == 200
    milestone(world, contract, 0, "report", "solver", "样机交付")
    assert milestone(world, contract, 0, "accept", "owner").status_code == 200
    assert milestone(world, contract, 1, "report", "solver", "产线验证完成，良率 96%").status_code == 200
    return cid, contract


def refer(world, contract: dict, nick: str = "owner", **overrides):
    return world.api(nick, "POST", f"/contracts/{contract['id']}/acceptance", {"size": 3, "deadline": DUE} | overrides)


def seats(world, panel: dict) -> dict[str, int]:
    """Panellists' nicknames → their assignment ids (found through each one's own queue)."""
    found = {}
    for nick in [n for n in ("gear", "grind", "third", "insider", "colleague", "fourth") if n in world.users]:
        for item in world.api(nick, "GET", "/acceptance-assignments").json["items"]:
            if item["acceptance_id"] == panel["id"] and item["status"] != "conflict":
                found[nick] = item["assignment_id"]
    return found


def judge(world, nick: str, seat: int, conclusion: str, verdicts: list[str] | None = None):
    body = {"verdicts": verdicts or ["met", "met", "met", "met"], "notes": ["实测 2.6 μm"], "conclusion": conclusion,
            "comment": "资料齐全"}
    return world.api(nick, "PUT", f"/acceptance-assignments/{seat}", body)


def conclude(world, panel: dict, outcome: str, reason: str = "", nick: str = "owner"):
    return world.api(nick, "POST", f"/acceptance/{panel['id']}/conclude", {"outcome": outcome, "reason": reason})


@pytest.fixture
def referred(world, experts):
    """A challenge with indicators and acceptance criteria, its contract's final milestone before a panel of 3."""
    cid = world.challenge("published", indicators=INDICATORS, acceptance_criteria="第三方检测报告齐全")
    cid, contract = delivered(world, cid)
    response = refer(world, contract)
    assert response.status_code == 201, response.json
    return cid, contract, response.json


def test_the_panel_is_seated_by_the_engine_under_the_conflict_rules(world, referred, experts):
    """Three allowed experts with scores and reasons; never the enterprise's own expert or the solver's
    colleague; one criterion per indicator (the confidential one too), the milestone's and the criteria."""
    _cid, _contract, panel = referred
    seated = {p["profile_id"] for p in panel["panel"]}
    assert seated == {experts["gear"], experts["grind"], experts["third"]}
    assert all(p["reviewer"] and p["status"] == "confirmed" for p in panel["panel"])
    assert any(p["reasons"] for p in panel["panel"])
    assert [(c["kind"], c["name"]) for c in panel["criteria"]] == [
        ("indicator", "齿形误差"), ("indicator", "良率"), ("milestone", "产线验证"), ("criteria", "")]
    assert panel["criteria"][0]["target"] == "≤ 3 μm" and panel["round"] == 1 and panel["waiting"] == 3
    notices = world.api("gear", "GET", "/notifications").json["items"]
    assert notices[0]["kind"] == "acceptance.assigned"
    assert world.api("solver", "GET", "/notifications").json["items"][0]["kind"] == "acceptance.opened"


def test_a_passing_panel_completes_the_contract_and_the_challenge(world, referred):
    cid, contract, panel = referred
    places = seats(world, panel)
    assert conclude(world, panel, "complete").status_code == 409  # nobody judged yet
    assert judge(world, "gear", places["gear"], "pass").status_code == 200
    assert conclude(world, panel, "complete").status_code == 409  # two still to judge, before the deadline
    judge(world, "grind", places["grind"], "pass")
    judge(world, "third", places["third"], "fail", ["met", "partly", "met", "not_met"])
    assert world.api("owner", "GET", f"/acceptance/{panel['id']}").json["passes"] == 2
    assert conclude(world, panel, "return", "再测").status_code == 409  # a passing panel completes
    assert milestone(world, contract, 1, "accept", "owner").status_code == 409  # the panel decides, not the owner
    done = conclude(world, panel, "complete")
    assert done.status_code == 200, done.json
    assert done.json["passed"] is True and done.json["outcome"] == "complete"
    assert done.json["criteria"][1] | {"met": 2, "partly": 1} == done.json["criteria"][1]  # 良率 partly met once
    assert world.api("solver", "GET", f"/contracts/{contract['id']}").json["status"] == "completed"
    assert challenge_status(world, cid) == "completed"
    assert conclude(world, panel, "complete").status_code == 409  # once
    assert judge(world, "gear", places["gear"], "fail").status_code == 409  # closed


def test_a_failing_panel_returns_the_milestone_and_a_second_round_passes(world, referred):
    """The organiser's reason reaches the solver with the returned milestone; reported again, a new panel
    (round 2) judges it; the contract no longer counts as accepted first time."""
    _cid, contract, panel = referred
    places = seats(world, panel)
    for nick in ("gear", "grind"):
        judge(world, nick, places[nick], "fail", ["not_met", "met", "met", "partly"])
    judge(world, "third", places["third"], "pass")
    assert conclude(world, panel, "complete").status_code == 409
    assert conclude(world, panel, "terminate").status_code == 422  # a termination needs a reason
    assert conclude(world, panel, "return", " ").status_code == 422  # so does a return: what must the solver do
    back = conclude(world, panel, "return", "请补充齿形误差的第三方检测")
    assert back.status_code == 200 and back.json["passed"] is False
    item = world.api("solver", "GET", f"/contracts/{contract['id']}").json["milestones"][1]
    assert item["status"] == "returned" and item["return_reason"] == "请补充齿形误差的第三方检测"
    assert refer(world, contract).status_code == 409  # not reported again yet
    milestone(world, contract, 1, "report", "solver", "补充第三方检测报告：齿形误差 2.4 μm")
    second = refer(world, contract, size=1)
    assert second.status_code == 201 and second.json["round"] == 2
    (nick, seat), = seats(world, second.json).items()
    judge(world, nick, seat, "pass")
    assert conclude(world, second.json, "complete").status_code == 200
    panels = world.api("solver", "GET", f"/contracts/{contract['id']}/acceptance").json["items"]
    assert [p["round"] for p in panels] == [1, 2]
    assert panels[0]["panel"][0]["reviewer"] is None  # unnamed for the solver
    profile = world.api("solver", "GET", "/profiles/me").json["id"]
    record = world.api("owner", "GET", f"/profiles/{profile}/record").json
    assert record["completed"] == 1 and record["first_time"] == 0  # 验收 not passed the first time


def test_a_failing_panel_may_end_the_contract(world, referred):
    cid, contract, panel = referred
    for nick, seat in seats(world, panel).items():
        judge(world, nick, seat, "fail", ["not_met", "not_met", "not_met", "not_met"])
    ended = conclude(world, panel, "terminate", "关键指标均未达到")
    assert ended.status_code == 200 and ended.json["outcome"] == "terminate"
    read = world.api("owner", "GET", f"/contracts/{contract['id']}").json
    assert read["status"] == "terminated" and "关键指标均未达到" in read["end_reason"]
    assert challenge_status(world, cid) == "completed"


def test_who_may_refer_judge_and_read(world, referred):
    """Only the organiser refers and concludes; only a panellist judges their own seat; outsiders see nothing."""
    _cid, contract, panel = referred
    places = seats(world, panel)
    assert refer(world, contract, nick="solver").status_code == 403
    assert world.api("other_enterprise", "GET", f"/acceptance/{panel['id']}").status_code == 404
    assert world.api("gear", "GET", f"/acceptance/{panel['id']}").status_code == 200  # a panellist reads it
    assert judge(world, "solver", places["gear"], "pass").status_code == 404
    assert judge(world, "insider", places["gear"], "pass").status_code == 404
    assert conclude(world, panel, "complete", nick="solver").status_code == 403
    assert conclude(world, panel, "complete", nick="government").status_code == 403  # not funded: not its panel


def test_bad_verdicts_are_refused_and_write_nothing(world, referred):
    _cid, _contract, panel = referred
    seat = seats(world, panel)["gear"]
    assert judge(world, "gear", seat, "pass", ["met"]).status_code == 422  # one per criterion
    assert judge(world, "gear", seat, "maybe").status_code == 422
    assert judge(world, "gear", seat, "pass", ["met", "met", "met", "great"]).status_code == 422
    assert world.api("owner", "GET", f"/acceptance/{panel['id']}").json["judged"] == 0


def test_a_declared_conflict_seats_the_next_best_expert(world, referred, experts):
    _cid, _contract, panel = referred
    places = seats(world, panel)
    expert(world, "fourth", "浙江大学", "齿轮磨削与RV减速器精度检测")
    answer = world.api("gear", "POST", f"/acceptance-assignments/{places['gear']}/conflict", {"note": "曾合作"})
    assert answer.status_code == 200 and answer.json["replaced_by"] is not None
    again = world.api("gear", "POST", f"/acceptance-assignments/{places['gear']}/conflict", {"note": "曾合作"})
    assert again.status_code == 409
    read = world.api("owner", "GET", f"/acceptance/{panel['id']}").json
    active = {p["profile_id"] for p in read["panel"] if p["status"] != "conflict"}
    assert len(active) == 3 and experts["gear"] not in active and answer.json["replaced_by"] in active


def test_a_blacklisted_expert_is_not_seated_and_cannot_judge(world, referred, experts):
    _cid, contract, panel = referred
    places = seats(world, panel)
    assert blacklist(world, "grind").status_code == 201
    assert judge(world, "grind", places["grind"], "pass").status_code == 403


def test_a_government_funded_final_milestone_is_accepted_only_by_a_panel(world, experts):
    """Government funds the challenge: the owner cannot accept the final milestone itself; government may
    organise the panel too."""
    from tests.webapp.test_subsidies import attach

    cid = world.challenge("published")
    assert attach(world, cid).status_code == 201
    cid, contract = delivered(world, cid)
    assert milestone(world, contract, 1, "accept", "owner").status_code == 409
    assert refer(world, contract, size=9).status_code == 422
    assert refer(world, contract, size=6).status_code == 422  # only three experts may judge
    panel = refer(world, contract, nick="government", size=1)
    assert panel.status_code == 201 and refer(world, contract).status_code == 409
    (nick, seat), = seats(world, panel.json).items()
    judge(world, nick, seat, "pass", ["met"])
    assert conclude(world, panel.json, "complete", nick="government").status_code == 200
    assert challenge_status(world, cid) == "completed"


def test_without_a_panel_the_enterprise_still_accepts_its_own_final_milestone(world):
    _cid, contract = delivered(world)
    assert milestone(world, contract, 1, "accept", "owner").status_code == 200


def test_the_panel_is_refused_before_the_final_report(world, experts):
    cid, bid = accepted_bid(world)
    contract = propose(world, bid, terms()).json
    assert refer(world, contract).status_code == 409  # not confirmed, nothing reported


def test_the_organiser_is_told_once_when_every_panellist_has_judged(world, referred):
    _cid, _contract, panel = referred
    places = seats(world, panel)
    for nick, seat in places.items():
        judge(world, nick, seat, "pass")
    judge(world, "gear", places["gear"], "fail")  # a revision after everyone judged tells nobody again
    kinds = [n["kind"] for n in world.api("owner", "GET", "/notifications").json["items"]]
    assert kinds.count("acceptance.judged") == 1
