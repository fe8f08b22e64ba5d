"""The in-app inbox: every event a user must act on or would want to know reaches them."""

from __future__ import annotations

from tests.webapp.test_curation import EXPERT, add_solver


def inbox(world, nick: str) -> dict:
    """The API inbox of a cast member."""
    return world.api(nick, "GET", "/notifications").json


def test_enterprise_hears_of_vetting_and_new_bids(world):
    """Is the enterprise told when its challenge is published and when a bid arrives?"""
    cid = world.challenge("published")
    world.bid(cid)
    kinds = [n["kind"] for n in inbox(world, "owner")["items"]]
    assert kinds == ["bid.submitted", "challenge.published"]
    assert inbox(world, "owner")["unread"] == 2


def test_rejection_reason_is_in_the_message(world):
    """Does the enterprise read the rejection reason in its notification?"""
    cid = world.challenge("submitted")
    world.api("government", "POST", f"/challenges/{cid}/reject", {"reason": "缺少验收指标"})
    assert "缺少验收指标" in inbox(world, "owner")["items"][0]["message"]


def test_solvers_hear_the_outcome_with_reasons(world):
    """Are solvers told of shortlisting, acceptance, and declines with the reason?"""
    cid = world.challenge("published")
    mine, theirs = world.bid(cid, "solver"), world.bid(cid, "other_solver")
    world.api("owner", "POST", f"/bids/{mine}/shortlist")
    world.api("owner", "POST", f"/bids/{mine}/accept")
    assert [n["kind"] for n in inbox(world, "solver")["items"]] == ["bid.accepted", "bid.shortlisted"]
    declined = inbox(world, "other_solver")["items"][0]
    assert declined["kind"] == "bid.declined" and "Another proposal was accepted" in declined["message"]
    assert theirs


def test_recommendation_and_invitation(world):
    """Is the enterprise told of a recommendation, and the invited solver of the invitation?"""
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    world.api("manager", "POST", f"/challenges/{cid}/decisions",
              {"profile_id": expert, "decision": "recommend", "note": "经验丰富"})
    assert inbox(world, "owner")["items"][0]["kind"] == "curation.recommended"
    assert world.api("owner", "POST", f"/challenges/{cid}/invitations", {"profile_id": expert}).status_code == 200
    client = world.app.test_client()
    client.post("/account/login", data={"email": "expert@example.cn", "password": "correct-horse-42"})
    items = client.get("/api/v1/notifications").json["items"]
    assert items[0]["kind"] == "invitation" and "津门精密机械有限公司" in items[0]["message"]


def test_only_the_owner_invites_and_only_recommended_solvers(world):
    """Can others invite, or can the owner invite someone nobody recommended? No."""
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    assert world.api("owner", "POST", f"/challenges/{cid}/invitations", {"profile_id": expert}).status_code == 404
    world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": expert, "decision": "recommend"})
    assert world.api("manager", "POST", f"/challenges/{cid}/invitations", {"profile_id": expert}).status_code == 403


def test_inbox_page_shows_unread_count_and_marks_read(world):
    """Does the navigation show the unread count, and does the inbox clear it?"""
    world.challenge("published")
    client = world.login("owner")
    assert 'data-testid="unread">1<' in client.get("/").get_data(as_text=True)
    page = client.get("/inbox/").get_data(as_text=True)
    assert "已通过审核并发布" in page
    client.post("/inbox/read")
    assert 'data-testid="unread"' not in client.get("/").get_data(as_text=True)
    assert inbox(world, "owner")["unread"] == 0


def test_messages_follow_the_readers_language(world):
    """Is a notification shown in English to a reader who chose English?"""
    world.challenge("published")
    client = world.login("owner")
    client.get("/lang/en")
    assert "was approved and published" in client.get("/inbox/").get_data(as_text=True)


def test_inboxes_are_private(world):
    """Does one user never see another's notifications?"""
    world.challenge("published")
    assert inbox(world, "other_enterprise")["items"] == []


def test_an_invited_solver_declines_and_is_not_proposed_again(world):
    """The invited solver declines with a reason: the enterprise is told, the solver leaves the ranking."""
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    world.api("manager", "POST", f"/challenges/{cid}/decisions", {"profile_id": expert, "decision": "recommend"})
    world.api("owner", "POST", f"/challenges/{cid}/invitations", {"profile_id": expert})
    assert world.api("owner", "POST", f"/challenges/{cid}/invitations", {"profile_id": expert}).status_code == 409
    solver = world.login("expert")
    assert "谢绝邀请" in solver.get(f"/challenges/{cid}").get_data(as_text=True)
    assert solver.post(f"/challenges/{cid}/invitation/decline", data={"reason": "近期档期已满"}).status_code == 302
    assert solver.post(f"/challenges/{cid}/invitation/decline", data={}).status_code == 409
    assert inbox(world, "owner")["items"][0]["kind"] == "invitation.declined"
    assert "近期档期已满" in world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)
    ranked = world.api("manager", "GET", f"/challenges/{cid}/candidates").json["items"]
    assert expert not in [i["profile_id"] for i in ranked]
    assert world.api("solver", "POST", f"/challenges/{cid}/invitation/decline", {}).status_code == 404


def test_each_reader_sees_the_navigation_of_their_own_roles_and_language(world):
    """The navigation is rendered once per kind of reader (webapp/navigation.py): readers with other roles,
    another language or no account never get someone else's links."""
    links = {"owner": "/challenges/new", "solver": "/bids/mine", "government": "/government/"}
    pages = {nick: world.login(nick).get("/").get_data(as_text=True) for nick in links}
    for nick, page in pages.items():
        nav = page[page.index("<nav>"):page.index("</nav>")]
        for other, link in links.items():
            assert (f'href="{link}' in nav) == (other == nick), (nick, link)
    english = world.login("solver")
    english.get("/lang/en")
    nav = english.get("/").get_data(as_text=True)
    assert ">My bids<" in nav and ">我的揭榜<" in pages["solver"]
    visitor = world.app.test_client().get("/").get_data(as_text=True)
    assert "/bids/mine" not in visitor and "/challenges/new" not in visitor
