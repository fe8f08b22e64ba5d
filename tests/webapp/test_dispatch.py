"""Commissioner dispatch: requests, the optimal proposal under capacity/conflict/region rules, edits, approval."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlmodel import select

from models.accounts import OrgKind, Role
from models.common import Region, today
from models.dispatch import Dispatch, DispatchRequest
from webapp import db
from webapp.services import dispatch as service

ORCHARD = "苹果矮砧密植栽培、果园水肥一体化与病虫害绿色防控技术服务"
CASTING = "铸造缺陷分析、砂型铸造工艺优化与球墨铸铁熔炼质量控制"
START = (today() + dt.timedelta(days=7)).isoformat()
END = (today() + dt.timedelta(days=190)).isoformat()


def ask(world, nick: str, need: str, count: int = 1) -> int:
    """An enterprise's request for commissioners; returns its id."""
    response = world.api(nick, "POST", "/dispatch/requests", {"need": need, "count": count})
    assert response.status_code == 201, response.json
    return response.json["id"]


def propose(world, request_ids: list[int], same_region: bool = False):
    """Government asks the system for a proposal."""
    return world.api("government", "POST", "/dispatch/proposals",
                     {"request_ids": request_ids, "start_date": START, "end_date": END, "same_region": same_region})


@pytest.fixture
def people(world):
    """Commissioners: two orchard experts (one in Hebei, capacity 1), a casting expert."""
    return {
        "orchard_tj": world.add_person("orchard_tj", "天津市农业科学院", ORCHARD, Role.COMMISSIONER,
                                       OrgKind.INSTITUTE, capacity=1),
        "orchard_hb": world.add_person("orchard_hb", "河北农业大学", ORCHARD, Role.COMMISSIONER,
                                       region=Region.HEBEI, capacity=2),
        "casting": world.add_person("casting", "河北工业大学", CASTING, Role.COMMISSIONER, region=Region.HEBEI),
    }


def pairs(body: dict) -> set[tuple[int, int]]:
    """(request, commissioner profile) pairs of a proposal."""
    return {(i["request_id"], i["commissioner_profile_id"]) for i in body["items"]}


def test_proposal_is_the_optimal_assignment_under_capacity(world, people):
    """Two orchard requests compete for the capacity-1 Tianjin expert; the optimum uses both orchard experts."""
    orchard = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导，减少病虫害", 2)
    foundry = ask(world, "other_enterprise", "铸件气孔和缩松缺陷多，需要砂型铸造工艺优化指导")
    body = propose(world, [orchard, foundry]).json
    assert (foundry, people["casting"]) in pairs(body)
    assert {(orchard, people["orchard_tj"]), (orchard, people["orchard_hb"])} <= pairs(body)
    assert all(0 < i["score"] <= 1 and i["reasons"] for i in body["items"])
    assert body["total_score"] == pytest.approx(sum(i["score"] for i in body["items"]), abs=1e-5)


def test_brute_force_agrees_on_a_small_case(world, people, app):
    """No other feasible set of pairs scores more than the proposal (checked over every subset)."""
    requests = [ask(world, "owner", "果园病虫害绿色防控与水肥一体化", 2),
                ask(world, "other_enterprise", "苹果矮砧密植栽培技术指导"),
                ask(world, "other_enterprise", "铸造缺陷分析与熔炼质量控制")]
    body = propose(world, requests).json
    with app.app_context():
        session = db.session()
        scored = service.pair_scores(session, [(session.get(DispatchRequest, r), session.get(
            service.Organisation, session.get(DispatchRequest, r).organisation_id)) for r in requests], False)
        capacity = service.remaining_capacity(session)
    wanted = {requests[0]: 2, requests[1]: 1, requests[2]: 1}
    candidates = [(int(r), int(c), s) for (c, r), (s, _why) in scored.items() if s >= service.MIN_PROPOSED_SCORE]
    best = 0.0
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            if all(sum(1 for _r, c, _s in subset if c == pid) <= cap for pid, cap in capacity.items()) and \
                    all(sum(1 for r, _c, _s in subset if r == rid) <= n for rid, n in wanted.items()):
                best = max(best, sum(s for _r, _c, s in subset))
    assert best > 0 and body["total_score"] == pytest.approx(best, abs=1e-5)


def test_conflicts_and_the_same_region_rule_are_respected(world, people, app):
    """A declared conflict and (with the rule on) another region keep a commissioner out of every proposal."""
    orchard = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 3)
    declared = world.api("owner", "POST", "/conflicts", {"profile_id": people["orchard_tj"], "note": "亲属关系"})
    assert declared.status_code == 201
    assert (orchard, people["orchard_tj"]) not in pairs(propose(world, [orchard]).json)
    assert pairs(propose(world, [orchard], same_region=True).json) == set()  # the others are in Hebei


def test_government_edits_then_approves_and_everyone_is_told(world, people, app):
    """Remove a pair, add one by hand, approve: dispatches recorded, request fulfilled, both sides notified."""
    orchard = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 1)
    body = propose(world, [orchard]).json
    (item,) = body["items"]
    pid = body["id"]
    body = world.api("government", "DELETE", f"/dispatch/proposals/{pid}/items/{item['id']}").json
    assert body["items"] == []
    other = people["orchard_hb"] if item["commissioner_profile_id"] == people["orchard_tj"] else people["orchard_tj"]
    added = world.api("government", "POST", f"/dispatch/proposals/{pid}/items",
                      {"request_id": orchard, "commissioner_profile_id": other})
    assert added.status_code == 201 and added.json["items"][0]["added_by_hand"]
    approved = world.api("government", "POST", f"/dispatch/proposals/{pid}/approve")
    assert approved.status_code == 200 and approved.json["items"][0]["commissioner_profile_id"] == other
    assert world.api("government", "POST", f"/dispatch/proposals/{pid}/approve").status_code == 409
    nick = "orchard_hb" if other == people["orchard_hb"] else "orchard_tj"
    assert world.api(nick, "GET", "/notifications").json["items"][0]["kind"] == "dispatch.assigned"
    assert world.api("owner", "GET", "/notifications").json["items"][0]["kind"] == "dispatch.approved"
    with app.app_context():
        assert db.session().get(DispatchRequest, orchard).status == "fulfilled"
        (dispatch,) = db.session().exec(select(Dispatch)).all()
        assert dispatch.start_date.isoformat() == START and dispatch.status == "planned"


def test_a_hand_added_pair_must_obey_the_rules(world, people):
    """Adding a commissioner from the enterprise's own organisation or a non-open request is refused."""
    insider = world.add_person("insider", "津门精密机械有限公司", ORCHARD, Role.COMMISSIONER, OrgKind.ENTERPRISE)
    orchard = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 1)
    pid = propose(world, [orchard]).json["id"]
    refused = world.api("government", "POST", f"/dispatch/proposals/{pid}/items",
                        {"request_id": orchard, "commissioner_profile_id": insider})
    assert refused.status_code == 422 and "commissioner_profile_id" in refused.json["error"]["fields"]


def test_approval_rechecks_capacity(world, people):
    """Two proposals each using the capacity-1 expert: the second approval is refused, nothing written."""
    first = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 1)
    second = ask(world, "other_enterprise", "苹果园矮砧密植栽培与病虫害绿色防控", 1)
    a = world.api("government", "POST", "/dispatch/proposals",
                  {"request_ids": [first], "start_date": START, "end_date": END}).json
    b = world.api("government", "POST", "/dispatch/proposals",
                  {"request_ids": [second], "start_date": START, "end_date": END}).json
    for body, request_id in ((a, first), (b, second)):
        for item in body["items"]:
            world.api("government", "DELETE", f"/dispatch/proposals/{body['id']}/items/{item['id']}")
        world.api("government", "POST", f"/dispatch/proposals/{body['id']}/items",
                  {"request_id": request_id, "commissioner_profile_id": people["orchard_tj"]})
    assert world.api("government", "POST", f"/dispatch/proposals/{a['id']}/approve").status_code == 200
    refused = world.api("government", "POST", f"/dispatch/proposals/{b['id']}/approve")
    assert refused.status_code == 422
    assert len(world.api("government", "GET", f"/dispatch/proposals/{b['id']}").json["items"]) == 1


@pytest.mark.parametrize("payload, field", [
    ({"need": "太短", "count": 1}, "need"),
    ({"need": "果园需要矮砧密植栽培技术指导", "count": 9}, "count"),
])
def test_bad_requests_are_refused(world, payload, field):
    """A need too short or too many commissioners: 422 naming the field."""
    response = world.api("owner", "POST", "/dispatch/requests", payload)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_only_enterprises_request_and_only_government_proposes(world, people):
    """A solver cannot request; an enterprise cannot propose; a bad period is refused."""
    assert world.api("solver", "POST", "/dispatch/requests",
                     {"need": "果园需要矮砧密植栽培技术指导", "count": 1}).status_code == 403
    orchard = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导")
    assert world.api("owner", "POST", "/dispatch/proposals",
                     {"request_ids": [orchard], "start_date": START, "end_date": END}).status_code == 403
    bad = world.api("government", "POST", "/dispatch/proposals",
                    {"request_ids": [orchard], "start_date": END, "end_date": START})
    assert bad.status_code == 422
    assert world.api("government", "POST", "/dispatch/proposals",
                     {"request_ids": [9999], "start_date": START, "end_date": END}).status_code == 422


def test_pages_request_propose_and_approve(world, people):
    """The same flow through the pages; the proposal page shows scores and reasons."""
    owner = world.login("owner")
    assert owner.post("/dispatch/requests", data={"need": "果园需要矮砧密植栽培和水肥一体化技术指导",
                                                  "count": "1"}).status_code == 302
    gov = world.login("government")
    board = gov.get("/government/dispatch").get_data(as_text=True)
    assert "果园需要矮砧密植栽培" in board
    response = gov.post("/government/dispatch", data={"request_ids": ["1"], "start_date": START, "end_date": END})
    assert response.status_code == 302
    page = gov.get(response.headers["Location"]).get_data(as_text=True)
    assert "/100" in page and "orchard_" in page
    board = gov.get("/government/dispatch").get_data(as_text=True)
    assert 'data-proposal="1"' in board and "草案" in board  # a draft can be taken up again
    approved = gov.post(response.headers["Location"] + "/approve", follow_redirects=True)
    assert approved.status_code == 200
    assert "orchard_" in gov.get("/dispatches").get_data(as_text=True)


def test_a_dispatch_whose_period_ran_out_frees_the_place(world, people, app):
    """A dispatch that ended (by the calendar) shows as ended and no longer counts against capacity."""
    first = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 1)
    proposal = propose(world, [first]).json
    world.api("government", "POST", f"/dispatch/proposals/{proposal['id']}/approve")
    with app.app_context():  # the calendar moves on: the period ended ten days ago
        session = db.session()
        for dispatch in session.exec(select(Dispatch)):
            dispatch.start_date = today() - dt.timedelta(days=200)
            dispatch.end_date = today() - dt.timedelta(days=10)
            session.add(dispatch)
        session.commit()
    with app.app_context():
        assert service.remaining_capacity(db.session())[people["orchard_tj"]] == 1
    assert "已结束" in world.login("government").get("/dispatches").get_data(as_text=True)


def test_a_dispatch_runs_through_its_last_day_in_china(world, people, app, server_off_chinas_day):
    """A dispatch ending on China's today still holds its place and runs; the day after it has ended, whatever
    the server's own time zone."""
    first = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 1)
    proposal = propose(world, [first]).json
    world.api("government", "POST", f"/dispatch/proposals/{proposal['id']}/approve")
    assert people["orchard_tj"] in {item["commissioner_profile_id"] for item in proposal["items"]}
    for end, ended in ((today(), False), (today() - dt.timedelta(days=1), True)):
        with app.app_context():
            session = db.session()
            for dispatch in session.exec(select(Dispatch)):
                dispatch.start_date, dispatch.end_date = end - dt.timedelta(days=100), end
                session.add(dispatch)
            session.commit()
        with app.app_context():
            free = service.remaining_capacity(db.session())
        assert free[people["orchard_tj"]] == (1 if ended else 0)  # capacity 1
        assert ("已结束" in world.login("government").get("/dispatches").get_data(as_text=True)) is ended


@pytest.mark.parametrize("start,end,field_message", [
    (-200, -10, "已经结束"), (-900, 30, "一年"), (10, 10, "晚于"), (10, 5000, "5 年"),
])
def test_a_service_period_must_be_sensible(world, start, end, field_message):
    """A period that ended, began long ago, is empty, or runs past five years is a 422 saying why."""
    request = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导", 1)
    day = today()
    response = world.api("government", "POST", "/dispatch/proposals", {
        "request_ids": [request], "start_date": (day + dt.timedelta(days=start)).isoformat(),
        "end_date": (day + dt.timedelta(days=end)).isoformat()})
    assert response.status_code == 422
    assert field_message in " ".join(response.json["error"]["fields"].values())


def test_the_commissioner_reads_the_need_and_whom_to_contact(world, people):
    """After approval, the commissioner's dispatch list shows the enterprise's need and who asked, with e-mail."""
    foundry = ask(world, "other_enterprise", "铸件气孔和缩松缺陷多，需要砂型铸造工艺优化指导")
    proposal = propose(world, [foundry]).json
    assert world.api("government", "POST", f"/dispatch/proposals/{proposal['id']}/approve").status_code == 200
    page = world.login("casting").get("/dispatches").get_data(as_text=True)
    assert "铸件气孔和缩松缺陷多" in page and "mailto:other_enterprise@example.cn" in page
