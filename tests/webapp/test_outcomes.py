"""Technical managers' outcome-based reputation: their recommendations' fate (invited → bid → awarded →
completed) beside the engine's top picks on the same challenges, for government and for the manager."""

from __future__ import annotations

from tests.webapp.test_contracts import terms
from tests.webapp.test_curation import curated, ranked  # noqa: F401 (fixture)
from tests.world import bid_payload


def test_a_recommendation_followed_to_a_completed_contract(world, curated):  # noqa: F811 (fixture)
    """The manager recommends the expert, who is invited, bids, wins and completes; the manager's row counts
    every stage; the engine's row counts its own top pick on the same challenge."""
    cid, expert = curated["challenge"], curated["expert"]
    top = ranked(world, "manager", cid).json["items"][0]["profile_id"]
    world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": expert, "decision": "recommend"})
    assert world.api("owner", "POST", f"/challenges/{cid}/invitations", {"profile_id": expert}).status_code == 200
    bid = world.api("expert", "POST", f"/challenges/{cid}/bids", bid_payload()).json["id"]
    assert world.api("owner", "POST", f"/bids/{bid}/accept").status_code == 200
    contract = world.api("owner", "POST", f"/bids/{bid}/contract", terms()).json
    world.api("expert", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    _complete_as(world, "expert", contract)
    rows = world.api("government", "GET", "/curation/outcomes").json["items"]
    assert [(r["name"], r["challenges"]) for r in rows] == [("manager", 1)]
    assert rows[0]["manager"] == {"recommended": 1, "invited": 1, "bid": 1, "awarded": 1, "completed": 1}
    engine = rows[0]["engine"]
    assert engine["recommended"] == 1
    assert engine["completed"] == (1 if top == expert else 0)
    assert world.api("manager", "GET", "/curation/outcomes").json["items"][0]["user_id"] == rows[0]["user_id"]
    assert world.api("owner", "GET", "/curation/outcomes").status_code == 403
    page = world.login("government").get("/curation/outcomes").get_data(as_text=True)
    assert 'data-manager="' in page


def test_a_later_decision_supersedes_the_recommendation(world, curated):  # noqa: F811 (fixture)
    """A recommendation later rejected no longer counts; a manager without recommendations has no row."""
    cid, expert = curated["challenge"], curated["expert"]
    ranked(world, "manager", cid)
    world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": expert, "decision": "recommend"})
    world.api("manager", "POST", f"/challenges/{cid}/decisions",
              {"profile_id": expert, "decision": "reject", "reject_reason": "off_topic"})
    assert world.api("government", "GET", "/curation/outcomes").json["items"] == []


def _complete_as(world, nick: str, contract: dict) -> None:
    for item in contract["milestones"]:
        path = f"/contracts/{contract['id']}/milestones/{item['id']}"
        assert world.api(nick, "POST", f"{path}/report", {"text": "交付"}).status_code == 200
        assert world.api("owner", "POST", f"{path}/accept").status_code == 200

