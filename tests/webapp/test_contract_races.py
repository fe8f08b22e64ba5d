"""Races on contracts under real gunicorn on SQLite and PostgreSQL: of N concurrent conflicting requests one
takes effect and the others answer a clean 409; a challenge is started and completed exactly once."""

from __future__ import annotations

from models.challenges import Challenge, ChallengeStatus
from models.common import today
from models.contracts import Contract, ContractStatus, Deliverable, DeliverableStatus
from tests.webapp.test_concurrency import N, audited, count, one_winner, race
from tests.webapp.test_contracts import accepted_bid, terms
from tests.webapp.test_curation import EXPERT, add_solver


def proposed(world) -> tuple[int, dict]:
    """An awarded challenge and its proposed contract."""
    cid, bid = accepted_bid(world)
    response = world.api("owner", "POST", f"/bids/{bid}/contract", terms())
    assert response.status_code == 201, response.json
    return cid, response.json


def test_concurrent_confirmations_confirm_once_and_start_the_work_once(shared, server):
    """Twelve confirmations of one contract at once: one confirmation, one start of the challenge."""
    _url, world = shared
    cid, contract = proposed(world)
    token = world.users["solver"]["token"]
    one_winner(race(server, [(token, "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})] * N))
    assert audited(world, "contract.confirmed") == 1 and audited(world, "challenge.started") == 1
    assert count(world, Challenge, Challenge.id == cid, Challenge.status == ChallengeStatus.IN_PROGRESS) == 1


def test_a_revision_racing_confirmations_leaves_one_outcome(shared, server):
    """The enterprise revises while the solver confirms the revision they read: either the old terms are
    confirmed (and the revision refused) or the revision lands (and the confirmations are refused)."""
    _url, world = shared
    _cid, contract = proposed(world)
    path = f"/contracts/{contract['id']}"
    solver, owner = world.users["solver"]["token"], world.users["owner"]["token"]
    answers = race(server, [(owner, "PUT", path, terms(price=650000))] +
                   [(solver, "POST", f"{path}/confirm", {"revision": 1})] * (N - 1))
    one_winner(answers)
    confirmed = audited(world, "contract.confirmed")
    revised = audited(world, "contract.revised")
    assert confirmed + revised == 1
    stored = count(world, Contract, Contract.id == contract["id"], Contract.status == ContractStatus.CONFIRMED,
                   Contract.price == 600000)
    assert stored == confirmed  # a confirmation only ever confirms the terms the solver read


def test_acceptances_and_returns_of_one_milestone_at_once_do_one_thing(shared, server):
    """Six acceptances and six returns of one reported milestone at once: exactly one happens."""
    _url, world = shared
    _cid, contract = proposed(world)
    world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    item = contract["milestones"][0]["id"]
    path = f"/contracts/{contract['id']}/milestones/{item}"
    assert world.api("solver", "POST", f"{path}/report", {"text": "样机交付"}).status_code == 200
    token = world.users["owner"]["token"]
    one_winner(race(server, [(token, "POST", f"{path}/accept", None)] * (N // 2) +
                    [(token, "POST", f"{path}/return", {"text": "材料不全"})] * (N // 2)))
    assert audited(world, "deliverable.accepted") + audited(world, "deliverable.returned") == 1


def test_two_contracts_ending_at_once_complete_the_challenge_once(shared, server):
    """赛马制: the last milestones of two contracts accepted at the same moment complete the challenge exactly
    once (neither acceptance misses the other's contract)."""
    _url, world = shared
    cid = world.challenge("published", max_awards=2)
    add_solver(world, "second", "第二大学", EXPERT)
    bids = [world.bid(cid), world.bid(cid, "second")]
    assert world.api("owner", "POST", f"/challenges/{cid}/award", {"bid_ids": bids}).status_code == 200
    single = terms(milestones=[{"title": "交付", "amount": 600000, "due": terms()["end_date"]}])
    paths = []
    for bid, nick in zip(bids, ("solver", "second"), strict=True):
        contract = world.api("owner", "POST", f"/bids/{bid}/contract", single).json
        assert world.api(nick, "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1}).status_code == 200
        item = contract["milestones"][0]["id"]
        world.api(nick, "POST", f"/contracts/{contract['id']}/milestones/{item}/report", {"text": "交付"})
        paths.append(f"/contracts/{contract['id']}/milestones/{item}/accept")
    token = world.users["owner"]["token"]
    answers = race(server, [(token, "POST", p, None) for p in paths])
    assert [status for status, _body in answers] == [200, 200], answers
    assert count(world, Deliverable, Deliverable.status == DeliverableStatus.ACCEPTED) == 2
    assert audited(world, "contract.completed") == 2 and audited(world, "challenge.completed") == 1
    assert count(world, Challenge, Challenge.id == cid, Challenge.status == ChallengeStatus.COMPLETED) == 1



def test_a_release_racing_bindings_never_pays_a_tranche_bound_to_unaccepted_work(shared, server):
    """Six releases and six bindings (to a contract milestone not yet accepted) of one reported tranche at
    once: either the tranche is released unbound (every binding refused) or it is bound and stays unreleased
    (every release refused) — never released while bound to work not accepted, never a 500."""
    from models.subsidies import Milestone, MilestoneStatus
    from tests.webapp.test_subsidies import PLAN
    _url, world = shared
    cid, contract = proposed(world)
    world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    tranche = world.api("government", "POST", f"/challenges/{cid}/subsidy", PLAN).json["milestones"][0]["id"]
    path = f"/challenges/{cid}/milestones/{tranche}"
    assert world.api("owner", "POST", f"{path}/report", {"note": "样机交付"}).status_code == 200
    token, item = world.users["government"]["token"], contract["milestones"][0]["id"]
    answers = race(server, [(token, "POST", f"{path}/release", None)] * (N // 2) +
                   [(token, "POST", f"{path}/bind", {"deliverable_id": item})] * (N // 2))
    statuses = [status for status, _body in answers]
    assert set(statuses) <= {200, 409}, answers
    released = count(world, Milestone, Milestone.id == tranche, Milestone.status == MilestoneStatus.RELEASED)
    bound = count(world, Milestone, Milestone.id == tranche, Milestone.deliverable_id == item)
    assert released + bound == 1
    assert audited(world, "milestone.released") == released


def test_answers_racing_on_one_change_and_duplicate_proposals_do_one_thing(shared, server):
    """Twelve proposals at once store one open change; six acceptances and six declines of it at once answer
    it once (the dates move only if an acceptance won)."""
    from tests.webapp.test_contracts import day
    _url, world = shared
    _cid, contract = proposed(world)
    world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    body = {"reason": "设备延期到货", "end_date": day(220), "dues": {}}
    solver, owner = world.users["solver"]["token"], world.users["owner"]["token"]
    answers = race(server, [(solver, "POST", f"/contracts/{contract['id']}/changes", body)] * N)
    one_winner(answers, success=201)
    change = next(b for s, b in answers if s == 201)["id"]
    path = f"/contract-changes/{change}"
    one_winner(race(server, [(owner, "POST", f"{path}/accept", {"text": "同意"})] * (N // 2) +
                    [(owner, "POST", f"{path}/decline", {"text": "不同意"})] * (N // 2)))
    accepted = audited(world, "contract.change_accepted")
    assert accepted + audited(world, "contract.change_declined") == 1
    moved = count(world, Contract, Contract.id == contract["id"], Contract.end_date == day_date(220))
    assert moved == accepted


def day_date(offset: int):
    import datetime as dt
    return today() + dt.timedelta(days=offset)


def test_referrals_and_conclusions_of_one_final_milestone_at_once_do_one_thing(shared, server):
    """Twelve referrals of one reported final milestone at once seat one panel; twelve conclusions of the
    passing panel at once complete the contract once."""
    from models.acceptance import AcceptanceReview
    from tests.webapp.test_acceptance import DUE, delivered, seats
    from tests.webapp.test_reviews import GEARS, expert
    _url, world = shared
    expert(world, "gear", "燕山大学", GEARS)
    _cid, contract = delivered(world)
    token = world.users["owner"]["token"]
    answers = race(server, [(token, "POST", f"/contracts/{contract['id']}/acceptance",
                             {"size": 1, "deadline": DUE})] * N)
    one_winner(answers, success=201)
    assert count(world, AcceptanceReview, AcceptanceReview.contract_id == contract["id"]) == 1
    panel = next(body for status, body in answers if status == 201)
    (nick, seat), = seats(world, panel).items()
    body = {"verdicts": ["met"] * len(panel["criteria"]), "conclusion": "pass"}
    assert world.api(nick, "PUT", f"/acceptance-assignments/{seat}", body).status_code == 200
    one_winner(race(server, [(token, "POST", f"/acceptance/{panel['id']}/conclude", {"outcome": "complete"})] * N))
    assert audited(world, "acceptance.concluded") == 1 and audited(world, "contract.completed") == 1
