"""Contracts after the award: proposed by the enterprise, confirmed by the solver, delivered milestone by
milestone; the challenge goes in progress and then completed; every refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from models.challenges import Bid, BidStatus
from models.common import today
from models.contracts import Contract, Deliverable
from webapp import db


def day(offset: int) -> str:
    """A day counted from today, as the API takes it."""
    return (today() + dt.timedelta(days=offset)).isoformat()


def terms(**overrides) -> dict:
    """Terms of a 600,000-yuan contract in two milestones."""
    return {"price": 600000, "start_date": day(0), "end_date": day(180),
            "milestones": [{"title": "样机交付", "indicators": "热导率 ≥ 400 W/m·K", "amount": 200000, "due": day(60)},
                           {"title": "产线验证", "indicators": "良率 ≥ 95%", "amount": 400000, "due": day(170)}],
            **overrides}


def accepted_bid(world) -> tuple[int, int]:
    """An awarded challenge and its accepted bid."""
    cid = world.challenge("awarded")
    with world.app.app_context():
        bid = db.session().exec(select(Bid).where(Bid.challenge_id == cid, Bid.status == BidStatus.ACCEPTED)).one()
        return cid, bid.id


def propose(world, bid: int, body: dict | None = None, nick: str = "owner"):
    """Propose a contract through the API."""
    return world.api(nick, "POST", f"/bids/{bid}/contract", body or terms())


@pytest.fixture
def proposed(world) -> tuple[int, dict]:
    """A challenge and its proposed contract."""
    cid, bid = accepted_bid(world)
    response = propose(world, bid)
    assert response.status_code == 201, response.json
    return cid, response.json


@pytest.fixture
def confirmed(world, proposed) -> tuple[int, dict]:
    """A challenge and its confirmed contract."""
    cid, contract = proposed
    response = world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    assert response.status_code == 200, response.json
    return cid, response.json


def challenge_status(world, cid: int) -> str:
    """The challenge's status as its owner reads it."""
    return world.api("owner", "GET", f"/challenges/{cid}").json["status"]


def milestone(world, contract: dict, index: int, action: str, nick: str, text: str | None = None):
    """Report, accept or return a milestone through the API."""
    path = f"/contracts/{contract['id']}/milestones/{contract['milestones'][index]['id']}/{action}"
    return world.api(nick, "POST", path, {"text": text} if text else None)


def test_the_enterprise_proposes_and_the_solver_is_told(world, proposed):
    """Does a proposal store the terms in order and notify the solver?"""
    _cid, contract = proposed
    assert contract["status"] == "proposed" and contract["revision"] == 1 and contract["price"] == 600000
    assert [(m["position"], m["title"], m["status"]) for m in contract["milestones"]] == [
        (1, "样机交付", "pending"), (2, "产线验证", "pending")]
    assert world.api("solver", "GET", "/notifications").json["items"][0]["kind"] == "contract.proposed"
    assert world.api("solver", "GET", "/contracts").json["items"][0]["id"] == contract["id"]


@pytest.mark.parametrize("body, field", [
    (terms(price=500000), "milestones"),  # milestone money above the price
    (terms(end_date=day(-1)), "end_date"),
    (terms(milestones=[]), "milestones"),
    (terms(milestones=[{"title": "样机", "amount": 1, "due": day(400)}]), "milestones"),  # outside the period
    (terms(milestones=[{"title": " ", "amount": 1, "due": day(5)}]), "milestones.0.title"),
    (terms(milestones=[{"title": "A", "amount": 1, "due": day(50)}, {"title": "B", "amount": 1, "due": day(5)}]),
     "milestones"),
])
def test_bad_terms_are_refused_and_write_nothing(world, app, body, field):
    """Payments above the price, an end before the start, no milestone, one due outside the period, a blank
    title, milestones out of order: 422 naming the field, no contract stored."""
    _cid, bid = accepted_bid(world)
    response = propose(world, bid, body)
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    with app.app_context():
        assert db.session().exec(select(Contract)).first() is None
        assert db.session().exec(select(Deliverable)).first() is None


def test_only_the_owner_proposes_and_only_once(world, proposed):
    """Another enterprise does not know the bid; the solver may not propose; a second proposal is a 409."""
    cid, contract = proposed
    bid = contract["bid_id"]
    assert propose(world, bid, nick="solver").status_code == 403
    assert propose(world, bid, nick="government").status_code == 403
    assert propose(world, bid).status_code == 409
    for outsider in ("other_enterprise", "other_solver", "manager"):
        assert world.api(outsider, "GET", f"/contracts/{contract['id']}").status_code == 404
        assert world.api(outsider, "GET", "/contracts").json["items"] == []
    assert challenge_status(world, cid) == "awarded"


def test_a_bid_not_accepted_gets_no_contract(world):
    """A contract is for an accepted bid of an awarded challenge only."""
    cid = world.challenge("published")
    bid = world.bid(cid)
    assert propose(world, bid).status_code == 409


def test_confirming_starts_the_work(world, confirmed):
    """The solver's confirmation moves the challenge to in progress and tells the enterprise."""
    cid, contract = confirmed
    assert contract["status"] == "confirmed" and contract["confirmed_at"]
    assert challenge_status(world, cid) == "in_progress"
    assert world.api("owner", "GET", "/notifications").json["items"][0]["kind"] == "contract.confirmed"


def test_a_confirmation_of_an_old_revision_is_refused(world, proposed):
    """The solver asks for changes, the enterprise revises; confirming revision 1 is a 409, revision 2 works."""
    _cid, contract = proposed
    cid = contract["id"]
    asked = world.api("solver", "POST", f"/contracts/{cid}/request-changes", {"text": "首付比例太低"})
    assert asked.json["status"] == "changes_requested" and asked.json["change_note"] == "首付比例太低"
    revised = world.api("owner", "PUT", f"/contracts/{cid}", terms(price=650000))
    assert revised.status_code == 200 and revised.json["revision"] == 2 and revised.json["status"] == "proposed"
    assert len(revised.json["milestones"]) == 2
    stale = world.api("solver", "POST", f"/contracts/{cid}/confirm", {"revision": 1})
    assert stale.status_code == 409
    assert world.api("solver", "POST", f"/contracts/{cid}/confirm", {"revision": 2}).json["status"] == "confirmed"
    assert world.api("owner", "PUT", f"/contracts/{cid}", terms()).status_code == 409  # confirmed terms stay


def test_roles_are_checked_at_each_step(world, proposed):
    """The enterprise cannot confirm, the solver cannot revise or terminate, government only reads."""
    _cid, contract = proposed
    cid = contract["id"]
    assert world.api("owner", "POST", f"/contracts/{cid}/confirm", {"revision": 1}).status_code == 403
    assert world.api("solver", "PUT", f"/contracts/{cid}", terms()).status_code == 403
    assert world.api("solver", "POST", f"/contracts/{cid}/terminate", {"text": "不做了"}).status_code == 403
    assert world.api("government", "GET", f"/contracts/{cid}").status_code == 200
    assert world.api("government", "POST", f"/contracts/{cid}/confirm", {"revision": 1}).status_code == 403


def test_milestones_are_delivered_in_order_and_the_last_completes_everything(world, confirmed):
    """Report → return → report → accept, then the second; the contract and the challenge complete."""
    cid, contract = confirmed
    assert milestone(world, contract, 1, "report", "solver", "提前完成").status_code == 409  # out of order
    assert milestone(world, contract, 0, "accept", "owner").status_code == 409  # not reported
    assert milestone(world, contract, 0, "report", "solver", "样机已交付，附测试报告").json["status"] == "reported"
    assert milestone(world, contract, 0, "report", "solver", "再报一次").status_code == 409
    returned = milestone(world, contract, 0, "return", "owner", "缺少第三方检测报告")
    assert returned.json["status"] == "returned" and returned.json["return_reason"] == "缺少第三方检测报告"
    assert milestone(world, contract, 0, "report", "solver", "补充了检测报告").status_code == 200
    assert milestone(world, contract, 0, "accept", "solver").status_code == 403
    assert milestone(world, contract, 0, "accept", "owner").json["status"] == "accepted"
    assert milestone(world, contract, 0, "accept", "owner").status_code == 409  # once
    assert milestone(world, contract, 1, "report", "solver", "产线验证完成").status_code == 200
    assert challenge_status(world, cid) == "in_progress"
    assert milestone(world, contract, 1, "accept", "owner").status_code == 200
    done = world.api("solver", "GET", f"/contracts/{contract['id']}").json
    assert done["status"] == "completed" and done["accepted_amount"] == 600000
    assert challenge_status(world, cid) == "completed"


def test_termination_ends_the_contract_and_the_challenge(world, confirmed):
    """Terminating the only contract completes the challenge's contract phase; nothing more is reported."""
    cid, contract = confirmed
    ended = world.api("owner", "POST", f"/contracts/{contract['id']}/terminate", {"text": "技术路线不可行"})
    assert ended.json["status"] == "terminated" and ended.json["end_reason"] == "技术路线不可行"
    assert challenge_status(world, cid) == "completed"
    assert milestone(world, contract, 0, "report", "solver", "交付").status_code == 409
    again = world.api("owner", "POST", f"/contracts/{contract['id']}/terminate", {"text": "再次终止"})
    assert again.status_code == 409
    blank = world.api("owner", "POST", f"/contracts/{contract['id']}/terminate", {"text": "  "})
    assert blank.status_code == 422


def test_a_parallel_award_completes_when_every_contract_ended(world):
    """赛马制 with two accepted bids: the challenge completes only when both contracts have ended."""
    from tests.webapp.test_curation import EXPERT, add_solver
    cid = world.challenge("published", max_awards=2)
    add_solver(world, "second", "第二大学", EXPERT)
    bids = [world.bid(cid), world.bid(cid, "second")]
    assert world.api("owner", "POST", f"/challenges/{cid}/award", {"bid_ids": bids}).status_code == 200
    first = propose(world, bids[0]).json
    second = propose(world, bids[1]).json
    assert world.api("solver", "POST", f"/contracts/{first['id']}/confirm", {"revision": 1}).status_code == 200
    world.api("owner", "POST", f"/contracts/{first['id']}/terminate", {"text": "进度落后"})
    assert challenge_status(world, cid) == "in_progress"
    world.api("owner", "POST", f"/contracts/{second['id']}/terminate", {"text": "另一方已放弃"})
    assert challenge_status(world, cid) == "completed"


def test_a_tranche_bound_to_a_contract_milestone_waits_for_its_acceptance(world, confirmed):
    """Government binds the first subsidy tranche to the first contract milestone: reported and approved
    before that milestone is accepted is refused (409); after acceptance it releases. Only government binds,
    only to this challenge's contract milestones."""
    from tests.webapp.test_subsidies import PLAN
    cid, contract = confirmed
    tranche = world.api("government", "POST", f"/challenges/{cid}/subsidy", PLAN).json["milestones"][0]["id"]
    item = contract["milestones"][0]["id"]
    path = f"/challenges/{cid}/milestones/{tranche}"
    assert world.api("owner", "POST", f"{path}/bind", {"deliverable_id": item}).status_code == 403
    assert world.api("government", "POST", f"{path}/bind", {"deliverable_id": 999}).status_code == 422
    bound = world.api("government", "POST", f"{path}/bind", {"deliverable_id": item}).json
    assert bound["deliverable_id"] == item and "样机交付" in bound["deliverable"] and not bound["deliverable_accepted"]
    world.api("owner", "POST", f"{path}/report", {"note": "样机交付"})
    early = world.api("government", "POST", f"{path}/release")
    assert early.status_code == 409 and early.json["error"]["code"]
    milestone(world, contract, 0, "report", "solver", "样机交付完毕")
    milestone(world, contract, 0, "accept", "owner")
    released = world.api("government", "POST", f"{path}/release").json
    assert released["status"] == "released" and released["deliverable_accepted"]
    assert world.api("government", "POST", f"{path}/bind", {"deliverable_id": None}).status_code == 409


def test_the_dashboard_funnel_follows_a_challenge_to_its_completed_contract(world, confirmed):
    """The funnel counts the published, awarded, contracted and completed stages with their values; the CSV has
    the same rows."""
    cid, contract = confirmed
    rows = _funnel(world)
    assert rows["published"][:2] == ["1", "800000"] and rows["awarded"][0] == "1"
    assert rows["contracted"][:2] == ["1", "600000"] and rows["completed"][0] == "0"
    for index in (0, 1):
        milestone(world, contract, index, "report", "solver", "交付")
        milestone(world, contract, index, "accept", "owner")
    assert _funnel(world)["completed"][:2] == ["1", "600000"]


def _funnel(world) -> dict[str, list[str]]:
    import csv
    import io
    text = world.login("government").get("/government/dashboard/funnel.csv").get_data(as_text=True)
    return {row[0]: row[1:] for row in list(csv.reader(io.StringIO(text)))[1:]}


def test_government_exports_contracts_with_what_was_accepted(world, confirmed, runner, tmp_path):
    """`export contracts` lists the contract with its price and accepted amount; others may not export."""
    import json
    _cid, contract = confirmed
    milestone(world, contract, 0, "report", "solver", "交付")
    milestone(world, contract, 0, "accept", "owner")
    rows = json.loads(world.api("government", "GET", "/exports/contracts?format=json").data)
    assert [(r["id"], r["price"], r["accepted_amount"], r["status"]) for r in rows] == [
        (contract["id"], 600000, 200000, "confirmed")]
    assert world.api("owner", "GET", "/exports/contracts").status_code == 403
    out = tmp_path / "contracts.csv"
    assert runner.invoke(args=["export", "contracts", "--output", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("id,challenge_id,title")


def complete(world, contract: dict, returned_first: bool = False) -> None:
    """Deliver and accept every milestone (returning the first once when asked)."""
    for index in range(len(contract["milestones"])):
        milestone(world, contract, index, "report", "solver", "交付")
        if returned_first and index == 0:
            milestone(world, contract, index, "return", "owner", "补充检测报告")
            milestone(world, contract, index, "report", "solver", "已补充")
        milestone(world, contract, index, "accept", "owner")


def test_both_parties_rate_a_completed_contract_once(world, confirmed):
    """Not before completion; then each party once (a second is a 409); outsiders do not know the contract;
    stars outside 1–5 are refused."""
    _cid, contract = confirmed
    path = f"/contracts/{contract['id']}/rating"
    assert world.api("owner", "POST", path, {"stars": 5}).status_code == 409
    complete(world, contract)
    assert world.api("owner", "POST", path, {"stars": 6}).status_code == 422
    assert world.api("owner", "POST", path, {"stars": 5, "comment": "交付扎实"}).status_code == 201
    assert world.api("owner", "POST", path, {"stars": 4}).status_code == 409
    assert world.api("solver", "POST", path, {"stars": 4, "comment": "付款及时"}).status_code == 201
    assert world.api("other_solver", "POST", path, {"stars": 1}).status_code == 404
    assert world.api("government", "POST", path, {"stars": 1}).status_code == 403
    assert world.api("solver", "GET", "/notifications").json["items"][0]["kind"] == "contract.rated"


def test_the_track_record_counts_outcomes_and_ratings(world, confirmed):
    """A contract completed on time with a returned milestone, rated 4, and one terminated: the solver's record
    says so on the API, the profile page and the candidates page (beside, not inside, the score)."""
    from tests.webapp.test_curation import EXPERT
    cid, contract = confirmed
    complete(world, contract, returned_first=True)
    world.api("owner", "POST", f"/contracts/{contract['id']}/rating", {"stars": 4})
    second_cid, second_bid = accepted_bid(world)
    other = propose(world, second_bid).json
    world.api("solver", "POST", f"/contracts/{other['id']}/confirm", {"revision": 1})
    world.api("owner", "POST", f"/contracts/{other['id']}/terminate", {"text": "进度严重滞后"})
    profile = world.api("solver", "GET", "/profiles/me").json["id"]
    world.api("solver", "PATCH", "/profiles/me", {"expertise": EXPERT})
    record = world.api("manager", "GET", f"/profiles/{profile}/record").json
    assert (record["completed"], record["on_time"], record["first_time"], record["terminated"]) == (1, 1, 0, 1)
    assert record["ratings"] == 1 and record["mean_stars"] == 4.0 and record["termination_reasons"] == ["进度严重滞后"]
    page = world.login("manager").get(f"/profiles/{profile}").get_data(as_text=True)
    assert 'data-testid="track-record"' in page and "★4.0" in page
    fresh = world.challenge("published")
    ranked = world.login("manager").get(f"/challenges/{fresh}/candidates").get_data(as_text=True)
    assert "★4.0" in ranked


def test_overdue_milestones_are_notified_once(world, runner):
    """A confirmed contract whose first milestone was due yesterday: the sweep tells both parties once; a
    second sweep (or a second worker) tells nobody again; a milestone not yet due is left alone."""
    _cid, bid = accepted_bid(world)
    late = terms(start_date=day(-30), milestones=[{"title": "样机交付", "amount": 200000, "due": day(-1)},
                                                  {"title": "产线验证", "amount": 400000, "due": day(60)}])
    contract = propose(world, bid, late).json
    world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    first = runner.invoke(args=["notify-overdue"])
    assert first.exit_code == 0 and "Notified 1" in first.output
    assert "Notified 0" in runner.invoke(args=["notify-overdue"]).output
    for nick in ("solver", "owner"):
        kinds = [n["kind"] for n in world.api(nick, "GET", "/notifications").json["items"]]
        assert kinds.count("deliverable.overdue") == 1


def test_the_worker_sweeps_overdue_milestones_when_the_day_changes(world, app):
    """The job worker's daily step notices the overdue milestone on its first pass and sweeps again only when
    the day in China changes."""
    from models.db import new_session
    from webapp.jobs.cli import daily
    _cid, bid = accepted_bid(world)
    late = terms(start_date=day(-30), milestones=[{"title": "样机交付", "amount": 200000, "due": day(-1)}])
    contract = propose(world, bid, late).json
    world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    with app.app_context():
        engine = app.extensions["engine"]
        swept = daily(lambda: new_session(engine), None)
        assert daily(lambda: new_session(engine), swept) == swept
    kinds = [n["kind"] for n in world.api("owner", "GET", "/notifications").json["items"]]
    assert kinds.count("deliverable.overdue") == 1
