"""Expert review panels (专家评审) through the API: the engine proposes a panel under conflict and load rules, the
organiser edits and confirms it, reviewers score or declare conflicts, results and 赛马制 awards."""

from __future__ import annotations

import datetime as dt

import pytest

from models.accounts import OrgKind, Role
from models.common import today

GEARS = "精密齿轮成形磨削，RV减速器摆线轮齿形误差在机测量与补偿，砂轮修整"
DUE = (today() + dt.timedelta(days=14)).isoformat()


def expert(world, nick: str, org: str, text: str, role: Role = Role.SOLVER, kind: OrgKind = OrgKind.UNIVERSITY) -> int:
    """A person flagged as expert (through their own profile API)."""
    profile = world.add_person(nick, org, text, role=role, kind=kind, keywords=("RV减速器", "磨削"))
    assert world.api(nick, "PATCH", "/profiles/me", {"expert": True}).json["expert"] is True
    return profile


@pytest.fixture
def contest(world):
    """A published challenge with three bids (two solvers and one from a university with an expert) and five
    experts: one in the enterprise, one at a bidder's university, three free."""
    cid = world.challenge("published", max_awards=2)
    ids = {"challenge": cid}
    ids["gear"] = expert(world, "gear", "燕山大学", GEARS)
    ids["grind"] = expert(world, "grind", "哈尔滨工业大学", "磨削砂轮修整与齿轮齿形误差补偿")
    ids["manager"] = expert(world, "tm", "滨海技术转移中心", "减速器与精密传动技术转移", role=Role.MANAGER,
                            kind=OrgKind.TRANSFER_INSTITUTION)
    ids["insider"] = expert(world, "insider", "津门精密机械有限公司", GEARS, kind=OrgKind.ENTERPRISE)
    ids["colleague"] = expert(world, "colleague", "天津大学", GEARS)  # the solver's university
    ids["bids"] = [world.bid(cid, "solver"), world.bid(cid, "other_solver", price=500000)]
    return ids


def open_review(world, cid: int, **overrides) -> dict:
    payload = {"per_bid": 2, "max_load": 2, "deadline": DUE, "blind": True} | overrides
    response = world.api("owner", "POST", f"/challenges/{cid}/review", payload)
    assert response.status_code == 201, response.json
    return response.json


def panel(review: dict) -> set[tuple[int, int]]:
    return {(a["bid_id"], a["profile_id"]) for a in review["assignments"] if a["status"] != "conflict"}


def test_the_proposed_panel_keeps_every_rule(world, contest):
    """Does each bid get two reviewers with scores and reasons, none in conflict (enterprise's staff, the
    bidder's university), no one above the load limit, and the total within the unconstrained best?"""
    review = open_review(world, contest["challenge"])
    assert review["status"] == "proposed"
    pairs = panel(review)
    assert {b for b, _p in pairs} == set(contest["bids"]) and len(pairs) == 4
    solver_bid = contest["bids"][0]
    assert (solver_bid, contest["colleague"]) not in pairs
    assert all(p != contest["insider"] for _b, p in pairs)
    loads = [sum(1 for _b, p in pairs if p == e) for e in {p for _b, p in pairs}]
    assert max(loads) <= 2
    assert all(a["reviewer"] and (a["reasons"] or a["match"] == 0) for a in review["assignments"])
    assert any(a["reasons"] for a in review["assignments"])
    assert 0 < review["total"] <= review["best_total"] + 1e-9


def test_the_organiser_changes_and_confirms_the_panel_and_reviewers_are_told(world, contest):
    """Can the organiser swap a reviewer for an allowed expert (and not for a conflicted one), confirm, and do
    the reviewers find the bids in their queue — blind, without the bidder's name?"""
    cid = contest["challenge"]
    review = open_review(world, cid)
    bid, removed = sorted(panel(review))[0]
    free = next(p for p in (contest["gear"], contest["grind"], contest["manager"]) if (bid, p) not in panel(review))
    bad = world.api("owner", "POST", f"/reviews/{review['id']}/panel",
                    {"bid_id": bid, "remove": removed, "add": contest["insider"]})
    assert bad.status_code == 422 and "add" in bad.json["error"]["fields"]
    swap = f"/reviews/{review['id']}/panel"
    changed = world.api("owner", "POST", swap, {"bid_id": bid, "remove": removed, "add": free})
    assert changed.status_code == 200
    assert (bid, free) in panel(changed.json) and (bid, removed) not in panel(changed.json)
    assert world.api("owner", "POST", f"/reviews/{review['id']}/confirm").json["status"] == "open"
    nick = {contest["gear"]: "gear", contest["grind"]: "grind", contest["manager"]: "tm"}[free]
    queue = world.api(nick, "GET", "/reviews/mine").json["items"]
    assert bid in {t["bid_id"] for t in queue}
    assert all(t["bidder"] is None and t["team"] is None for t in queue)
    kinds = [n["kind"] for n in world.api(nick, "GET", "/notifications").json["items"]]
    assert "review.assigned" in kinds
    again = world.api("owner", "POST", swap, {"bid_id": bid, "remove": free, "add": removed})
    assert again.status_code == 409


def confirmed(world, contest, **overrides) -> dict:
    review = open_review(world, contest["challenge"], **overrides)
    return world.api("owner", "POST", f"/reviews/{review['id']}/confirm").json


def nick_of(contest, profile_id: int) -> str:
    return {contest["gear"]: "gear", contest["grind"]: "grind", contest["manager"]: "tm",
            contest["colleague"]: "colleague"}[profile_id]


def test_reviewers_score_and_the_results_weigh_the_rubric(world, contest):
    """Do scores on the four criteria give the weighted total (40/30/15/15), each criterion's mean and spread,
    progress per bid, and a disagreement flag when reviewers are 3+ points apart?"""
    review = confirmed(world, contest)
    marks = {0: [9, 8, 7, 6], 1: [3, 2, 3, 2]}
    bid = contest["bids"][0]
    on_bid = [a for a in review["assignments"] if a["bid_id"] == bid]
    for i, a in enumerate(on_bid):
        nick = nick_of(contest, a["profile_id"])
        done = world.api(nick, "POST", f"/review-assignments/{a['id']}/scores", {"scores": marks[i], "comment": "ok"})
        assert done.status_code == 200 and done.json["status"] == "done"
    nick = nick_of(contest, on_bid[0]["profile_id"])
    wrong = world.api(nick, "POST", f"/review-assignments/{on_bid[0]['id']}/scores", {"scores": [5, 5]})
    assert wrong.status_code == 422 and "scores" in wrong.json["error"]["fields"]
    out_of_range = world.api(nick, "POST", f"/review-assignments/{on_bid[0]['id']}/scores", {"scores": [11, 5, 5, 5]})
    assert out_of_range.status_code == 422
    stranger = world.api("solver", "POST", f"/review-assignments/{on_bid[0]['id']}/scores", {"scores": [5, 5, 5, 5]})
    assert stranger.status_code == 404
    results = world.api("owner", "GET", f"/reviews/{review['id']}").json["results"]
    result = next(r for r in results if r["bid_id"] == bid)
    assert result["done"] == result["assigned"] == 2
    assert result["weighted"] == pytest.approx((0.4 * 9 + 0.3 * 8 + 0.15 * 7 + 0.15 * 6 + 0.4 * 3 + 0.3 * 2
                                                + 0.15 * 3 + 0.15 * 2) / 2, abs=0.01)
    assert result["criteria"][0]["mean"] == 6.0 and result["criteria"][0]["spread"] == 3.0
    assert result["disagreement"] is True


def test_a_declared_conflict_hands_the_bid_to_the_next_best_expert(world, contest):
    """Does a reviewer's conflict declaration replace them with an allowed expert not yet on the bid, and tell
    the organiser?"""
    review = confirmed(world, contest, per_bid=1, max_load=2)
    a = review["assignments"][0]
    nick = nick_of(contest, a["profile_id"])
    answer = world.api(nick, "POST", f"/review-assignments/{a['id']}/conflict", {"note": "曾与该团队合作"})
    assert answer.status_code == 200
    new = answer.json["replaced_by"]
    assert new is not None and new != a["profile_id"] and new != contest["insider"]
    after = world.api("owner", "GET", f"/reviews/{review['id']}").json
    assert (a["bid_id"], new) in panel(after) and (a["bid_id"], a["profile_id"]) not in panel(after)
    assert world.api(nick, "POST", f"/review-assignments/{a['id']}/conflict", {"note": "x"}).status_code == 409
    kinds = [n["kind"] for n in world.api("owner", "GET", "/notifications").json["items"]]
    assert "review.conflict" in kinds


def test_who_may_open_and_read_a_review(world, contest):
    """Only the owner opens (government only when it funds the challenge); managers and government read the
    panel; a bidder reads their own bid's marks, reviewers unnamed, only once decided; others get 404."""
    cid = contest["challenge"]
    payload = {"per_bid": 1, "max_load": 2, "deadline": DUE}
    for nick in ("solver", "manager", "other_enterprise", "government"):
        assert world.api(nick, "POST", f"/challenges/{cid}/review", payload).status_code in (403, 404), nick
    review = confirmed(world, contest, per_bid=1)
    for nick in ("manager", "government"):
        assert len(world.api(nick, "GET", f"/reviews/{review['id']}").json["assignments"]) == 2
    assert world.api("commissioner", "GET", f"/reviews/{review['id']}").status_code == 404
    own = world.api("solver", "GET", f"/reviews/{review['id']}").json
    assert own["assignments"] == [] and own["results"] == []
    for a in review["assignments"]:
        world.api(nick_of(contest, a["profile_id"]), "POST", f"/review-assignments/{a['id']}/scores",
                  {"scores": [7, 7, 7, 7]})
    world.api("owner", "POST", f"/reviews/{review['id']}/close")
    own = world.api("solver", "GET", f"/reviews/{review['id']}").json
    assert [r["bid_id"] for r in own["results"]] == [contest["bids"][0]]
    assert all(a["reviewer"] is None and a["profile_id"] is None for a in own["assignments"])
    assert world.api("owner", "POST", f"/challenges/{cid}/review", payload).status_code == 409


def test_government_organises_a_review_of_a_challenge_it_funds(world, contest):
    """Does attaching a subsidy let government open the review?"""
    cid = contest["challenge"]
    plan = {"amount": 200000, "milestones": [{"title": "样机", "amount": 200000}]}
    assert world.api("government", "POST", f"/challenges/{cid}/subsidy", plan).status_code == 201
    response = world.api("government", "POST", f"/challenges/{cid}/review", {"per_bid": 1, "deadline": DUE})
    assert response.status_code == 201


def test_a_cap_too_low_names_the_field(world, contest):
    """A probability cap that leaves too few reviewers is a 422 on pair_cap, and nothing is stored."""
    cid = contest["challenge"]
    response = world.api("owner", "POST", f"/challenges/{cid}/review",
                         {"per_bid": 3, "max_load": 2, "deadline": DUE, "pair_cap": 0.3})
    assert response.status_code == 422 and "pair_cap" in response.json["error"]["fields"]
    assert world.api("owner", "GET", f"/challenges/{cid}/review").status_code == 404
    capped = open_review(world, cid, per_bid=1, max_load=2, pair_cap=0.6)
    assert all(a["probability"] <= 0.6 + 1e-9 for a in capped["assignments"])


def test_weights_must_add_up_to_100(world, contest):
    """Is a rubric whose weights do not add up to 100 refused, naming the criteria?"""
    response = world.api("owner", "POST", f"/challenges/{contest['challenge']}/review",
                         {"deadline": DUE, "criteria": [{"name": "技术", "weight": 60},
                                                        {"name": "价格", "weight": 30}]})
    assert response.status_code == 422 and "criteria" in response.json["error"]["fields"]


def test_a_parallel_award_accepts_up_to_max_awards_and_closes_the_review(world, contest):
    """赛马制: two bids accepted at once on a challenge that allows two; three refused; the review closes."""
    cid = contest["challenge"]
    third = world.bid(cid, "gear")
    review = confirmed(world, contest, per_bid=1)
    too_many = world.api("owner", "POST", f"/challenges/{cid}/award", {"bid_ids": [*contest["bids"], third]})
    assert too_many.status_code == 422 and "bid_ids" in too_many.json["error"]["fields"]
    done = world.api("owner", "POST", f"/challenges/{cid}/award", {"bid_ids": contest["bids"]})
    assert done.status_code == 200 and [b["status"] for b in done.json["items"]] == ["accepted", "accepted"]
    assert world.api("gear", "GET", f"/bids/{third}").json["status"] == "declined"
    assert world.api("owner", "GET", f"/challenges/{cid}").json["status"] == "awarded"
    assert world.api("owner", "GET", f"/reviews/{review['id']}").json["status"] == "closed"
    assert world.api("owner", "POST", f"/challenges/{cid}/award", {"bid_ids": [third]}).status_code in (409, 422)


def test_competitors_and_declared_conflicts_never_review(world, contest):
    """An expert who bid on the same challenge, and one who declared a conflict with the enterprise, are never
    proposed (nor accepted by a swap)."""
    cid = contest["challenge"]
    world.bid(cid, "gear")  # gear competes now
    world.api("grind", "POST", "/conflicts", {"organisation_id": world.users["owner"]["org"], "note": "亲属任职"})
    review = open_review(world, cid, per_bid=2, max_load=3)
    people = {p for _b, p in panel(review)}
    assert contest["gear"] not in people and contest["grind"] not in people
    bid, current = sorted(panel(review))[0]
    swap = world.api("owner", "POST", f"/reviews/{review['id']}/panel",
                     {"bid_id": bid, "remove": current, "add": contest["grind"]})
    assert swap.status_code == 422
