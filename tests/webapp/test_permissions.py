"""ARCHITECTURE.md's permission table, one test per cell, through the API and the pages.

Forbidden answers 403; a record the user may not know of answers 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from models.common import today
from models.dispatch import Dispatch
from models.profiles import Profile
from tests.world import bid_payload, challenge_payload
from webapp import db

ROLES = ["owner", "solver", "manager", "commissioner", "government"]


def expect(response, status: int) -> None:
    """Assert the status, and the JSON error body on API failures."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status >= 400 and response.is_json:
        assert response.json["error"]["code"]


# --- create / edit own draft challenge: enterprise (owner) only ---------------------------------

@pytest.mark.parametrize("nick,status", [("owner", 201), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 403)])
def test_api_who_may_create_a_challenge(world, nick, status):
    """Who may post a challenge through the API?"""
    expect(world.api(nick, "POST", "/challenges", challenge_payload()), status)


@pytest.mark.parametrize("nick,status", [("owner", 200), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 403)])
def test_page_who_may_open_the_new_challenge_form(world, nick, status):
    """Who may open the page to post a challenge?"""
    expect(world.login(nick).get("/challenges/new"), status)


@pytest.mark.parametrize("nick,status", [("owner", 200), ("other_enterprise", 404), ("solver", 404),
                                         ("manager", 404), ("commissioner", 404), ("government", 404)])
def test_api_who_may_edit_a_draft(world, nick, status):
    """Who may edit a draft? Nobody but its owner even knows it exists."""
    cid = world.challenge("draft")
    expect(world.api(nick, "PATCH", f"/challenges/{cid}", {"budget": 1}), status)


@pytest.mark.parametrize("nick,status", [("owner", 200), ("other_enterprise", 404), ("solver", 403),
                                         ("manager", 403), ("government", 403)])
def test_page_who_may_edit_a_draft(world, nick, status):
    """Who may open a draft's edit page?"""
    cid = world.challenge("draft")
    expect(world.login(nick).get(f"/challenges/{cid}/edit"), status)


def test_owner_cannot_edit_a_published_challenge(world):
    """Can an owner change a challenge after publication? No: 409."""
    cid = world.challenge("published")
    expect(world.api("owner", "PATCH", f"/challenges/{cid}", {"budget": 1}), 409)


# --- vet a submitted challenge: government only ---------------------------------------------------

@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 200)])
@pytest.mark.parametrize("action", ["publish", "reject"])
def test_api_who_may_vet(world, nick, status, action):
    """Who may publish or reject a submitted challenge?"""
    cid = world.challenge("submitted")
    body = {"reason": "不符合要求"} if action == "reject" else None
    expect(world.api(nick, "POST", f"/challenges/{cid}/{action}", body), status)


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 302)])
def test_page_who_may_publish(world, nick, status):
    """Who may press 'publish' on the vetting page?"""
    cid = world.challenge("submitted")
    expect(world.login(nick).post(f"/government/challenges/{cid}/publish"), status)


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("government", 200)])
def test_page_who_may_open_the_vetting_queue(world, nick, status):
    """Who may see the vetting queue?"""
    expect(world.login(nick).get("/government/vetting"), status)


# --- see a published challenge's summary: everyone signed in ----------------------------------

@pytest.mark.parametrize("nick", ROLES + ["other_enterprise"])
def test_api_everyone_sees_a_published_summary(world, nick):
    """Does every role see a published challenge?"""
    cid = world.challenge("published")
    response = world.api(nick, "GET", f"/challenges/{cid}")
    expect(response, 200)
    assert response.json["summary"] == challenge_payload()["summary"]


@pytest.mark.parametrize("nick", ROLES)
def test_page_everyone_sees_a_published_summary(world, nick):
    """Does every role see a published challenge's page?"""
    cid = world.challenge("published")
    response = world.login(nick).get(f"/challenges/{cid}")
    expect(response, 200)
    assert challenge_payload()["summary"] in response.get_data(as_text=True)


def test_visitors_see_the_public_page_and_the_api_wants_a_token(client, world):
    """Does a signed-out visitor get the public page of a published challenge (never its confidential
    details) and a 401 from the API?"""
    cid = world.challenge("published")
    page = client.get(f"/challenges/{cid}")
    assert page.status_code == 200
    assert challenge_payload()["confidential_details"] not in page.get_data(as_text=True)
    expect(client.get(f"/api/v1/challenges/{cid}"), 401)


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected"])
@pytest.mark.parametrize("nick", ["other_enterprise", "solver", "manager", "commissioner"])
def test_unpublished_challenges_are_unknown_to_others(world, nick, status):
    """Does anyone but owner (and government, for vetting) learn of an unpublished challenge? 404."""
    cid = world.challenge(status)
    expect(world.api(nick, "GET", f"/challenges/{cid}"), 404)
    expect(world.login(nick).get(f"/challenges/{cid}"), 404)


def test_government_sees_submitted_but_not_drafts(world):
    """Does government see challenges sent for vetting, but not drafts?"""
    expect(world.api("government", "GET", f"/challenges/{world.challenge('submitted')}"), 200)
    expect(world.api("government", "GET", f"/challenges/{world.challenge('draft')}"), 404)


# --- confidential details ---------------------------------------------------------------------

def confidential(world, nick, cid):
    """The confidential details as the API shows them to `nick`."""
    return world.api(nick, "GET", f"/challenges/{cid}").json["confidential_details"]


@pytest.mark.parametrize("nick,visible", [("owner", True), ("other_enterprise", False), ("solver", False),
                                          ("manager", True), ("commissioner", False), ("government", True)])
def test_api_who_sees_confidential_details(world, nick, visible):
    """Who sees confidential details without further steps?"""
    cid = world.challenge("published")
    assert (confidential(world, nick, cid) is not None) is visible


def test_solver_sees_confidential_details_after_accepting_terms(world):
    """Does accepting the terms (and only that) reveal the details to a solver?"""
    cid = world.challenge("published")
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    assert confidential(world, "solver", cid) == challenge_payload()["confidential_details"]
    assert confidential(world, "other_solver", cid) is None


@pytest.mark.parametrize("nick", ["owner", "manager", "commissioner", "government"])
def test_only_solvers_accept_terms(world, nick):
    """Can anyone but a solver accept confidentiality terms? 403."""
    cid = world.challenge("published")
    expect(world.api(nick, "POST", f"/challenges/{cid}/accept-terms"), 403)


def dispatch(world, nick: str, *, challenge_id=None, organisation_id=None, ended: bool = False):
    """Record a dispatch of a commissioner directly (the proposal flow, tested elsewhere, has no challenge)."""
    with world.app.app_context():
        session = db.session()
        profile = session.exec(select(Profile).where(Profile.user_id == world.users[nick]["id"])).one()
        session.add(Dispatch(commissioner_profile_id=profile.id, challenge_id=challenge_id,
                             organisation_id=organisation_id or world.users["owner"]["org"],
                             start_date=today() - dt.timedelta(days=200 if ended else 0),
                             end_date=today() + dt.timedelta(days=-10 if ended else 90),
                             created_by=world.users["government"]["id"]))
        session.commit()


def test_commissioner_sees_confidential_details_when_dispatched_to_the_challenge(world):
    """Does a commissioner dispatched to a challenge see its confidential details?"""
    cid = world.challenge("published")
    other = world.challenge("published")
    dispatch(world, "commissioner", challenge_id=cid)
    assert confidential(world, "commissioner", cid) is not None
    assert confidential(world, "commissioner", other) is None


def test_commissioner_sees_confidential_details_when_dispatched_to_the_enterprise(world):
    """Does a commissioner dispatched to an enterprise see its challenges' confidential details?"""
    cid = world.challenge("published")
    dispatch(world, "commissioner")
    assert confidential(world, "commissioner", cid) is not None


def test_an_ended_dispatch_no_longer_opens_confidential_details(world):
    """Once a dispatch's period has run out, the commissioner no longer sees the enterprise's details."""
    cid = world.challenge("published")
    dispatch(world, "commissioner", ended=True)
    assert confidential(world, "commissioner", cid) is None


@pytest.mark.parametrize("nick,visible", [("owner", True), ("solver", False), ("manager", True),
                                          ("government", True)])
def test_page_who_sees_confidential_details(world, nick, visible):
    """Is the confidential section on the page filled only for those entitled?"""
    cid = world.challenge("published")
    page = world.login(nick).get(f"/challenges/{cid}").get_data(as_text=True)
    assert (challenge_payload()["confidential_details"] in page) is visible


# --- bid: solver, on published ----------------------------------------------------------------

@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 201), ("manager", 403),
                                         ("commissioner", 403), ("government", 403)])
def test_api_who_may_bid(world, nick, status):
    """Who may bid on a published challenge?"""
    cid = world.challenge("published")
    expect(world.api(nick, "POST", f"/challenges/{cid}/bids", bid_payload()), status)


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 200), ("manager", 403),
                                         ("commissioner", 403), ("government", 403)])
def test_page_who_may_open_the_bid_form(world, nick, status):
    """Who may open the bid form?"""
    cid = world.challenge("published")
    expect(world.login(nick).get(f"/challenges/{cid}/bid"), status)


# --- see bids on a challenge ------------------------------------------------------------------

@pytest.mark.parametrize("nick,status,count", [("owner", 200, 2), ("other_enterprise", 403, None),
                                               ("solver", 200, 1), ("manager", 200, 2),
                                               ("commissioner", 403, None), ("government", 200, 2)])
def test_api_who_sees_which_bids(world, nick, status, count):
    """Who sees the bids on a challenge: all (owner, manager, government), own (solver), none (others)?"""
    cid = world.challenge("published")
    world.bid(cid, "solver")
    world.bid(cid, "other_solver")
    response = world.api(nick, "GET", f"/challenges/{cid}/bids")
    expect(response, status)
    if count is not None:
        assert len(response.json["items"]) == count


@pytest.mark.parametrize("nick,status", [("owner", 200), ("solver", 200), ("other_solver", 404),
                                         ("other_enterprise", 404), ("commissioner", 404),
                                         ("manager", 200), ("government", 200)])
def test_api_who_may_read_one_bid(world, nick, status):
    """Is a single bid unknown (404) to those who may not see it?"""
    cid = world.challenge("published")
    bid = world.bid(cid, "solver")
    expect(world.api(nick, "GET", f"/bids/{bid}"), status)


@pytest.mark.parametrize("nick,sees_other", [("owner", True), ("solver", False), ("manager", True),
                                             ("government", True)])
def test_page_who_sees_which_bids(world, nick, sees_other):
    """Does the challenge page list other solvers' bids only for owner, managers and government?"""
    cid = world.challenge("published")
    world.bid(cid, "solver", approach="甲方案：在机测量补偿")
    world.bid(cid, "other_solver", approach="乙方案：砂轮修整优化")
    page = world.login(nick).get(f"/challenges/{cid}").get_data(as_text=True)
    assert "甲方案" in page
    assert ("乙方案" in page) is sees_other


def test_page_commissioner_sees_no_bids(world):
    """Does a commissioner's challenge page leave the bids out?"""
    cid = world.challenge("published")
    world.bid(cid, "solver", approach="甲方案：在机测量补偿")
    page = world.login("commissioner").get(f"/challenges/{cid}").get_data(as_text=True)
    assert "甲方案" not in page


# --- award a bid: owner only --------------------------------------------------------------------

@pytest.mark.parametrize("nick,status", [("owner", 200), ("other_enterprise", 404), ("solver", 403),
                                         ("manager", 403), ("commissioner", 404), ("government", 403)])
def test_api_who_may_award(world, nick, status):
    """Who may accept a bid? Only the challenge's owner; others are refused or do not know the bid."""
    cid = world.challenge("published")
    bid = world.bid(cid)
    expect(world.api(nick, "POST", f"/bids/{bid}/accept"), status)


@pytest.mark.parametrize("nick,status", [("owner", 302), ("other_enterprise", 404), ("solver", 403),
                                         ("manager", 403), ("government", 403)])
def test_page_who_may_award(world, nick, status):
    """Who may press 'accept' on a bid?"""
    cid = world.challenge("published")
    bid = world.bid(cid)
    expect(world.login(nick).post(f"/bids/{bid}/accept"), status)


@pytest.mark.parametrize("action", ["shortlist", "decline"])
def test_api_only_owner_reviews_bids(world, action):
    """Can a manager shortlist or decline bids? No: reviewing is the owner's."""
    cid = world.challenge("published")
    bid = world.bid(cid)
    body = {"reason": "不合适"} if action == "decline" else None
    expect(world.api("manager", "POST", f"/bids/{bid}/{action}", body), 403)
    expect(world.api("owner", "POST", f"/bids/{bid}/{action}", body), 200)


@pytest.mark.parametrize("nick", ["other_solver", "owner"])
def test_only_the_bidder_edits_or_withdraws_a_bid(world, nick):
    """Can anyone but the bidder change or withdraw a bid?"""
    cid = world.challenge("published")
    bid = world.bid(cid)
    assert world.api(nick, "PATCH", f"/bids/{bid}", {"price": 1}).status_code in (403, 404)
    assert world.api(nick, "POST", f"/bids/{bid}/withdraw").status_code in (403, 404)


# --- dispatch a commissioner, set subsidy: government only ---------------------------------------

SUBSIDY = {"amount": 100000, "milestones": [{"title": "一期", "amount": 100000}]}


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 201)])
def test_api_who_may_set_a_subsidy(world, nick, status):
    """May anyone but government attach a subsidy to a published challenge?"""
    cid = world.challenge("published")
    expect(world.api(nick, "POST", f"/challenges/{cid}/subsidy", SUBSIDY), status)


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 200)])
def test_page_who_may_open_the_subsidy_form(world, nick, status):
    """Is the subsidy form government's alone?"""
    cid = world.challenge("published")
    expect(world.login(nick).get(f"/challenges/{cid}/subsidy"), status)


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 201)])
def test_api_who_may_propose_a_dispatch(world, nick, status):
    """May anyone but government ask for a dispatch proposal?"""
    request = world.api("owner", "POST", "/dispatch/requests", {"need": "数控机床主轴热变形补偿现场指导"}).json["id"]
    day = today()
    body = {"request_ids": [request], "start_date": day.isoformat(),
            "end_date": (day + dt.timedelta(days=90)).isoformat()}
    expect(world.api(nick, "POST", "/dispatch/proposals", body), status)


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 403),
                                         ("commissioner", 403), ("government", 200)])
def test_page_who_may_open_the_dispatch_board_and_dashboard(world, nick, status):
    """Are the dispatch board and the dashboard government's alone?"""
    client = world.login(nick)
    expect(client.get("/government/dispatch"), status)
    expect(client.get("/government/dashboard/"), status)
