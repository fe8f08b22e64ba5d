"""Bad input gets a clear message with the right status, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.audit import AuditEvent
from models.challenges import Bid, Challenge
from tests.world import bid_payload, challenge_payload
from webapp import db


def count(app, model) -> int:
    """How many rows of `model` exist."""
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


BAD_CHALLENGES = [
    ("title", {"title": ""}),
    ("title", {"title": "   "}),
    ("title", {"title": "长" * 10_000}),
    ("budget", {"budget": -1}),
    ("budget", {"budget": "十万"}),
    ("budget", {"budget": 10**11}),
    ("deadline", {"deadline": "2020-01-01"}),
    ("deadline", {"deadline": "next week"}),
    ("field", {"field": "astrology"}),
    ("region", {"region": "atlantis"}),
    ("summary", {"summary": None}),
    ("keywords", {"keywords": ["k" * 41]}),
]


@pytest.mark.parametrize("field,change", BAD_CHALLENGES)
def test_api_rejects_bad_challenge_and_writes_nothing(world, field, change):
    """Does a bad challenge answer 422 naming the field, with no row or audit event written?"""
    before = count(world.app, AuditEvent)
    response = world.api("owner", "POST", "/challenges", challenge_payload(**change))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert count(world.app, Challenge) == 0
    assert count(world.app, AuditEvent) == before


def test_api_reports_missing_fields(world):
    """Does an empty object list every required field?"""
    response = world.api("owner", "POST", "/challenges", {})
    assert response.status_code == 422
    assert {"title", "summary", "description", "field", "budget", "deadline", "region"} <= set(
        response.json["error"]["fields"])


@pytest.mark.parametrize("body,status", [(b"not json", 400), (b'{"title": "x"', 400), (b"[1, 2]", 422),
                                         (b"", 422)])
def test_api_rejects_a_body_that_is_not_an_object(world, body, status):
    """Is an unparseable body a 400 (never read as {}), and a body that is not an object a 422?"""
    client = world.app.test_client()
    response = client.post("/api/v1/challenges", data=body, content_type="application/json",
                           headers=world.headers("owner"))
    assert response.status_code == status
    assert response.json["error"]["code"] == ("bad_request" if status == 400 else "validation_error")


@pytest.mark.parametrize("field,change", BAD_CHALLENGES[:10])
def test_api_rejects_bad_edit_and_keeps_the_draft(world, field, change):
    """Does a bad edit leave the draft exactly as it was?"""
    cid = world.challenge("draft")
    before = world.api("owner", "GET", f"/challenges/{cid}").json
    response = world.api("owner", "PATCH", f"/challenges/{cid}", change)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert world.api("owner", "GET", f"/challenges/{cid}").json == before


@pytest.mark.parametrize("field,value,message", [
    ("title", "", "此项不能为空"),
    ("budget", "-5", "不能小于 0"),
    ("budget", "abc", "请输入整数"),
    ("deadline", "2020-01-01", "截止日期必须晚于今天"),
    ("field", "astrology", "请从列表中选择"),
])
def test_page_form_shows_field_errors_in_chinese(world, field, value, message):
    """Does the form come back (422) with a Chinese message at the bad field, keeping what was typed?"""
    form = {**challenge_payload(), "keywords": "磨削, 补偿", field: value}
    client = world.login("owner")
    response = client.post("/challenges/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert challenge_payload()["description"] in page
    assert count(world.app, Challenge) == 0


def test_page_form_errors_in_english(world):
    """Are form errors in English when the user chose English?"""
    client = world.login("owner")
    client.get("/lang/en")
    response = client.post("/challenges/new", data={**challenge_payload(), "keywords": "", "budget": "x"})
    assert "Enter a whole number." in response.get_data(as_text=True)


def test_bid_on_a_draft_is_unknown(world):
    """Can a solver bid on a draft? It does not exist for them: 404."""
    cid = world.challenge("draft")
    response = world.api("solver", "POST", f"/challenges/{cid}/bids", bid_payload())
    assert response.status_code == 404
    assert count(world.app, Bid) == 0


@pytest.mark.parametrize("status", ["awarded", "withdrawn"])
def test_bid_on_a_closed_challenge_is_refused(world, status):
    """Can a solver bid on an awarded or withdrawn challenge? 409 with a message."""
    cid = world.challenge("published")
    if status == "awarded":
        bid = world.bid(cid, "other_solver")
        world.api("owner", "POST", f"/bids/{bid}/accept")
    else:
        world.api("owner", "POST", f"/challenges/{cid}/withdraw")
    before = count(world.app, Bid)
    response = world.api("solver", "POST", f"/challenges/{cid}/bids", bid_payload())
    assert response.status_code == 409
    assert response.json["error"]["message"]
    assert count(world.app, Bid) == before


def test_second_open_bid_is_refused(world):
    """Can a solver hold two open bids on one challenge? 409, and the first stays alone."""
    cid = world.challenge("published")
    world.bid(cid)
    response = world.api("solver", "POST", f"/challenges/{cid}/bids", bid_payload(price=1))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert count(world.app, Bid) == 1


@pytest.mark.parametrize("field,change", [("price", {"price": -1}), ("duration_days", {"duration_days": 0}),
                                          ("approach", {"approach": " "}), ("price", {"price": "很多"})])
def test_bad_bid_is_refused(world, field, change):
    """Does a bad bid answer 422 naming the field, writing nothing?"""
    cid = world.challenge("published")
    response = world.api("solver", "POST", f"/challenges/{cid}/bids", bid_payload(**change))
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert count(world.app, Bid) == 0


def test_accepting_a_bid_on_another_enterprises_challenge_is_forbidden(world):
    """Can an enterprise accept a bid on someone else's challenge? No, and nothing changes."""
    cid = world.challenge("published")
    bid = world.bid(cid)
    response = world.api("other_enterprise", "POST", f"/bids/{bid}/accept")
    assert response.status_code in (403, 404)
    assert world.api("solver", "GET", f"/bids/{bid}").json["status"] == "submitted"
    assert world.api("owner", "GET", f"/challenges/{cid}").json["status"] == "published"


@pytest.mark.parametrize("status,nick,action", [
    ("draft", "government", "publish"),
    ("published", "owner", "submit"),
    ("published", "government", "publish"),
    ("withdrawn", "owner", "submit"),
])
def test_invalid_transition_is_a_conflict(world, status, nick, action):
    """Does a move the lifecycle forbids answer 409 and leave the status alone?"""
    cid = world.challenge(status)
    if nick == "government" and status == "draft":
        response = world.api(nick, "POST", f"/challenges/{cid}/{action}")
        assert response.status_code == 404  # government does not see drafts at all
        return
    response = world.api(nick, "POST", f"/challenges/{cid}/{action}")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_transition"
    assert world.api("owner", "GET", f"/challenges/{cid}").json["status"] == status


def test_accepting_twice_is_a_conflict(world):
    """Can an awarded challenge's other bid still be accepted? 409."""
    cid = world.challenge("published")
    first, second = world.bid(cid, "solver"), world.bid(cid, "other_solver")
    assert world.api("owner", "POST", f"/bids/{first}/accept").status_code == 200
    assert world.api("owner", "POST", f"/bids/{second}/accept").status_code == 409


def test_reject_needs_a_reason(world):
    """Does rejecting without a reason answer 422 and keep the challenge submitted?"""
    cid = world.challenge("submitted")
    response = world.api("government", "POST", f"/challenges/{cid}/reject", {"reason": "  "})
    assert response.status_code == 422
    assert world.api("owner", "GET", f"/challenges/{cid}").json["status"] == "submitted"


def test_bad_search_filters_answer_422(world):
    """Do invalid filters answer 422 (API) and a message (page), never a 500?"""
    response = world.api("solver", "GET", "/challenges?budget_min=-3&field=xyz&page=0")
    assert response.status_code == 422
    assert {"budget_min", "field", "page"} <= set(response.json["error"]["fields"])
    page = world.login("solver").get("/challenges/?budget_min=abc")
    assert page.status_code == 422
    assert "budget_min" in page.get_data(as_text=True)


def test_unknown_records_answer_404_in_json(world):
    """Do unknown ids answer JSON 404 on the API?"""
    for path in ("/challenges/9999", "/bids/9999", "/profiles/9999", "/achievements/9999"):
        response = world.api("solver", "GET", path)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", [2**31, 2**63, 10**40])
def test_ids_beyond_the_id_columns_are_404_or_422_never_500(world, number):
    """An id larger than the databases' id columns hold: 404 in a path, 422 in a body (PostgreSQL's INTEGER
    is 32-bit)."""
    cid = world.challenge("published")
    assert world.api("manager", "GET", f"/challenges/{number}").status_code == 404
    assert world.api("manager", "POST", f"/challenges/{number}/decisions",
                     {"profile_id": 1, "decision": "recommend"}).status_code == 404
    response = world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": number,
                                                                            "decision": "recommend"})
    assert response.status_code == 422 and "profile_id" in response.json["error"]["fields"]
