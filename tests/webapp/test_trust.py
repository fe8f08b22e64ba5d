"""Organisations people can trust: nobody joins a company by typing its name; pending organisations and
members are refused every action that needs trust; invitations and recovery links; revocable sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import select

from models.accounts import Membership, Organisation, OrgKind, OrgStatus, Role, User
from models.membership import MemberInvitation
from models.validation import with_check_character
from tests.webapp.test_curation import EXPERT, add_solver
from tests.webapp.test_dispatch import ORCHARD, ask, propose
from tests.world import PASSWORD, bid_payload, challenge_payload
from webapp import db
from webapp.services import links

COMPANY_CODE = with_check_character("91120116MA05JX1E0")
NEW_CODE = with_check_character("91120222MA06AAAA0")


@pytest.fixture
def company(world, app):
    """The owner's company, with its credit code on record and a commissioner request and a conflict."""
    with app.app_context():
        session = db.session()
        org = session.get(Organisation, world.users["owner"]["org"])
        org.credit_code = COMPANY_CODE
        session.add(org)
        owner = session.get(User, world.users["owner"]["id"])
        owner.org_admin = True
        session.add(owner)
        session.commit()
    world.add_person("orchard", "天津市农业科学院", ORCHARD, Role.COMMISSIONER, OrgKind.INSTITUTE)
    served = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导，减少病虫害")
    world.api("government", "POST", f"/dispatch/proposals/{propose(world, [served]).json['id']}/approve")
    request = ask(world, "owner", "需要铸造工艺优化指导")
    world.api("owner", "POST", "/conflicts", {"profile_id": world.api("solver", "GET", "/profiles/me").json["id"]})
    return {"request": request}


def register(app, **fields):
    """Register through the page; returns the signed-in client and the response."""
    client = app.test_client()
    data = {"email": "imposter@evil.example", "name": "冒名者", "password": "Unusual-Horse-77", "role": "enterprise",
            "organisation_mode": "new", "credit_code": NEW_CODE, "organisation_name": "新注册企业有限公司",
            "organisation_kind": "enterprise", "region": "tianjin", **fields}
    return client, client.post("/account/register", data=data)


def member_of(app, email: str) -> tuple[int, Membership]:
    """The organisation and standing of an account."""
    with app.app_context():
        user = db.session().exec(select(User).where(User.email == email)).one()
        return user.organisation_id, user.membership


# The impostor journey: each step must fail.

def test_naming_an_existing_company_as_new_is_refused_and_attaches_nothing(app, world, company):
    """Registering "津门精密…" again under its code: a field error saying how to join; no account is made."""
    _client, response = register(app, credit_code=COMPANY_CODE, organisation_name="津门精密机械有限公司")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "已注册" in page and "邀请" in page
    with app.app_context():
        assert db.session().exec(select(User).where(User.email == "imposter@evil.example")).first() is None


def test_typing_a_company_name_with_another_code_makes_a_separate_pending_company(app, world, company):
    """The same name under a new code is a new, pending organisation: never the existing one."""
    _client, response = register(app, organisation_name="津门精密机械有限公司")
    assert response.status_code == 302
    org_id, _standing = member_of(app, "imposter@evil.example")
    assert org_id != world.users["owner"]["org"]
    with app.app_context():
        assert db.session().get(Organisation, org_id).status == OrgStatus.PENDING


def test_asking_to_join_reads_none_of_the_companys_requests(app, world, company):
    """A join request not yet approved sees none of the company's commissioner requests."""
    client, response = register(app, organisation_mode="join", credit_code=COMPANY_CODE)
    assert response.status_code == 302 and member_of(app, "imposter@evil.example")[1] == Membership.PENDING
    assert client.get("/api/v1/dispatch/requests").json["items"] == []
    assert world.api("owner", "GET", "/dispatch/requests").json["items"]  # the company does have some


def test_asking_to_join_cannot_withdraw_the_companys_request(app, world, company):
    """…nor withdraw one of them."""
    client, _response = register(app, organisation_mode="join", credit_code=COMPANY_CODE)
    assert client.post(f"/dispatch/requests/{company['request']}/withdraw").status_code == 404


def test_asking_to_join_cannot_read_or_declare_the_companys_conflicts(app, world, company):
    """…nor read the conflicts declared in its name, nor declare one (which would hide people from its rankings)."""
    client, _response = register(app, organisation_mode="join", credit_code=COMPANY_CODE)
    assert client.get("/api/v1/conflicts").json["items"] == []
    solver = world.api("solver", "GET", "/profiles/me").json["id"]
    assert client.post("/conflicts/", data={"profile_id": solver}).status_code == 403


def test_asking_to_join_sees_none_of_the_companys_dispatches(app, world, company):
    """…nor its dispatches."""
    client, _response = register(app, organisation_mode="join", credit_code=COMPANY_CODE)
    assert "orchard" in world.login("owner").get("/dispatches").get_data(as_text=True)
    assert "orchard" not in client.get("/dispatches").get_data(as_text=True)


def test_a_self_registered_company_cannot_submit_at_once(app, world):
    """A new company drafts, but cannot submit until government verifies it; then it can."""
    client, _response = register(app)
    created = client.post("/challenges/new", data=challenge_payload(keywords="RV减速器, 磨削"))
    assert created.status_code == 302
    cid = int(created.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/challenges/{cid}/submit").status_code == 403
    org_id, _standing = member_of(app, "imposter@evil.example")
    assert world.login("government").post(f"/government/organisations/{org_id}/verify").status_code == 302
    assert client.post(f"/challenges/{cid}/submit").status_code == 302


# A member of a pending organisation is refused each forbidden action.

@pytest.fixture
def pending_solver(app, world):
    """A solver whose university registered itself and waits for verification."""
    client, response = register(app, email="new.solver@uni.example", role="solver", organisation_kind="university",
                                organisation_name="新成立研究院", name="新学者")
    assert response.status_code == 302
    client.post("/profiles/me", data={"display_name": "新学者", "expertise": EXPERT, "keywords": "RV减速器, 磨削",
                                  "region": "tianjin", "capacity": "3", "available": "on"})
    return client


def test_a_pending_solver_cannot_bid(world, pending_solver):
    """Bid: 403."""
    cid = world.challenge("published")
    assert pending_solver.post(f"/challenges/{cid}/bid", data=bid_payload()).status_code == 403


def test_a_pending_solver_cannot_accept_confidentiality_terms(world, pending_solver):
    """Read confidential details (accept the terms): 403."""
    cid = world.challenge("published")
    assert pending_solver.post(f"/challenges/{cid}/accept-terms").status_code == 403


def test_a_pending_solver_cannot_list_an_achievement(world, pending_solver):
    """List an achievement in the public catalogue: 403."""
    form = {"title": "新成果", "abstract": "摘要", "field": "new_materials", "maturity": "lab", "region": "tianjin"}
    assert pending_solver.post("/achievements/new", data=form).status_code == 403


def test_a_pending_solver_cannot_declare_conflicts(world, pending_solver):
    """Declare a conflict: 403."""
    assert pending_solver.post("/conflicts/", data={"organisation_id": world.users["owner"]["org"]}).status_code == 403


def test_a_pending_enterprise_cannot_ask_for_a_commissioner(app, world):
    """Ask for a commissioner: 403."""
    client, _response = register(app)
    assert client.post("/dispatch/requests", data={"need": "需要铸造工艺优化指导", "count": "1"}).status_code == 403


def test_a_pending_solver_appears_in_no_ranking(app, world, pending_solver):
    """The candidates ranking leaves out a member of a pending organisation, and has them once verified."""
    cid = world.challenge("published")
    add_solver(world, "expert", "燕山大学", EXPERT)

    def ranked() -> list[str]:
        return [i["name"] for i in world.api("manager", "GET", f"/challenges/{cid}/candidates").json["items"]]

    assert "新学者" not in ranked()
    org_id, _standing = member_of(app, "new.solver@uni.example")
    world.login("government").post(f"/government/organisations/{org_id}/verify")
    assert "新学者" in ranked()


# Invitations and join requests.

def test_an_invited_colleague_joins_once_and_the_link_dies(app, world, company):
    """The administrator invites; the link opens an account in the company; a second use is refused."""
    admin = world.login("owner")
    admin.post("/organisation", data={"email": "colleague@jinmen.example"})
    with app.app_context():
        invitation = db.session().exec(select(MemberInvitation)).one()
        token = links.make("join-organisation", {"invitation": invitation.id})
    visitor = app.test_client()
    form = {"name": "同事", "password": "Unusual-Horse-77", "role": "enterprise", "region": "tianjin"}
    assert visitor.post(f"/account/join/{token}", data=form).status_code == 302
    assert member_of(app, "colleague@jinmen.example") == (world.users["owner"]["org"], Membership.ACTIVE)
    again = app.test_client().post(f"/account/join/{token}", data={**form, "name": "别人"})
    assert again.status_code == 400 and "已使用" in again.get_data(as_text=True)


def test_an_expired_invitation_is_refused(app, world, company):
    """An invitation past its date opens nothing."""
    world.login("owner").post("/organisation", data={"email": "late@jinmen.example"})
    with app.app_context():
        session = db.session()
        session.exec(update(MemberInvitation).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        session.commit()
        token = links.make("join-organisation", {"invitation": session.exec(select(MemberInvitation.id)).one()})
    assert app.test_client().get(f"/account/join/{token}").status_code == 400


def test_an_invitation_link_cannot_be_forged_or_reused_by_a_signed_in_account(app, world, company):
    """A tampered link is refused; a signed-in account (another address) is not moved by a valid one."""
    world.login("owner").post("/organisation", data={"email": "someone@jinmen.example"})
    with app.app_context():
        token = links.make("join-organisation", {"invitation": db.session().exec(select(MemberInvitation.id)).one()})
    assert app.test_client().get(f"/account/join/{token[:-2]}xx").status_code == 400
    other = world.login("other_enterprise")
    other.get(f"/account/join/{token}")
    assert member_of(app, "other_enterprise@example.cn")[0] == world.users["other_enterprise"]["org"]


def test_the_administrator_approves_a_join_request(app, world, company):
    """After approval the applicant is a member and reads the company's requests."""
    client, _response = register(app, organisation_mode="join", credit_code=COMPANY_CODE)
    applicant = member_of(app, "imposter@evil.example")
    with app.app_context():
        applicant_id = db.session().exec(select(User.id).where(User.email == "imposter@evil.example")).one()
    assert world.login("owner").post(f"/organisation/members/{applicant_id}/approve").status_code == 302
    assert applicant[1] == Membership.PENDING and member_of(app, "imposter@evil.example")[1] == Membership.ACTIVE
    mine = client.get("/api/v1/dispatch/requests").json["items"]
    assert mine == world.api("owner", "GET", "/dispatch/requests").json["items"] and mine


def test_only_an_organisation_administrator_manages_members(app, world, company):
    """A member who is not an administrator gets 403 on the roster."""
    assert world.login("other_enterprise").get("/organisation").status_code == 403


# Sessions end when they should: a captured cookie replayed afterwards is refused.

def captured(world, nick: str):
    """A signed-in client and a copy of its session cookie."""
    client = world.login(nick)
    return client, client.get_cookie("session").value


def replay(app, cookie: str):
    """A fresh client presenting the captured cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/api/v1/me").status_code


def test_a_cookie_captured_before_sign_out_stops_working(app, world):
    """Sign-out ends the session everywhere, the captured copy included."""
    client, cookie = captured(world, "solver")
    assert replay(app, cookie) == 200
    client.post("/account/logout")
    assert replay(app, cookie) == 401


def test_a_password_change_ends_other_sessions(app, world):
    """After a password change the captured cookie is refused; the changing session goes on."""
    client, cookie = captured(world, "solver")
    response = client.post("/account/password", data={"current_password": PASSWORD, "password": "Another-Horse-88"})
    assert response.status_code == 302
    assert replay(app, cookie) == 401 and client.get("/api/v1/me").status_code == 200


def test_removal_ends_the_members_sessions_and_tokens(app, world, company):
    """A removed member's captured cookie and API token stop working at once."""
    with app.app_context():
        session = db.session()
        session.exec(update(User).where(User.id == world.users["other_enterprise"]["id"])
                     .values(organisation_id=world.users["owner"]["org"]))
        session.commit()
    _client, cookie = captured(world, "other_enterprise")
    world.login("owner").post(f"/organisation/members/{world.users['other_enterprise']['id']}/remove")
    assert replay(app, cookie) == 401
    assert world.api("other_enterprise", "GET", "/me").status_code == 401


# Recovery.

def test_forgot_password_answers_alike_for_known_and_unknown_addresses(app, world):
    """The answer says the same whether or not the address has an account."""
    client = app.test_client()
    known = client.post("/account/password/forgot", data={"email": world.users["solver"]["email"]})
    unknown = client.post("/account/password/forgot", data={"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)


def reset_token(app, user_id: int) -> str:
    """The link the reset mail carries."""
    with app.test_request_context(), app.app_context():
        from webapp.services.recovery import _fingerprint  # noqa: PLC0415  (the mail's token, as the mail makes it)
        return links.make("reset-password", {"user": user_id, "fingerprint": _fingerprint(db.session().get(User,
                                                                                                           user_id))})


def test_a_reset_link_works_once_and_ends_sessions_and_tokens(app, world):
    """The link sets a new password once; old sessions and API tokens end; a second use is refused."""
    _client, cookie = captured(world, "solver")
    token = reset_token(app, world.users["solver"]["id"])
    client = app.test_client()
    assert client.post(f"/account/password/reset/{token}", data={"password": "Fresh-Horse-99"}).status_code == 302
    assert replay(app, cookie) == 401 and world.api("solver", "GET", "/me").status_code == 401
    assert client.post(f"/account/password/reset/{token}", data={"password": "Other-Horse-99"}).status_code == 400


def test_a_common_password_is_refused_keeping_what_was_typed(app, world):
    """A common password is a field error naming why; the other fields keep their values."""
    _client, response = register(app, password="password1")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "太常见" in page and 'value="新注册企业有限公司"' in page


# Signed-out visitors.

def test_visitors_find_published_challenges_in_the_list_and_the_feed(app, world):
    """The public list and the Atom feed show a published challenge; never its confidential details."""
    cid = world.challenge("published")
    visitor = app.test_client()
    page = visitor.get("/challenges/").get_data(as_text=True)
    feed = visitor.get("/challenges/feed.atom?field=smart_manufacturing")
    assert challenge_payload()["title"] in page
    assert feed.mimetype == "application/atom+xml" and f"/challenges/{cid}" in feed.get_data(as_text=True)
    for text in (page, feed.get_data(as_text=True), visitor.get(f"/challenges/{cid}").get_data(as_text=True)):
        assert challenge_payload()["confidential_details"] not in text


def test_an_anonymous_challenge_does_not_name_its_enterprise(app, world):
    """An anonymous challenge's public page and feed do not name the enterprise before the award."""
    cid = world.challenge("published", anonymous=True)
    visitor = app.test_client()
    for text in (visitor.get(f"/challenges/{cid}").get_data(as_text=True),
                 visitor.get("/challenges/feed.atom").get_data(as_text=True)):
        assert "津门精密机械有限公司" not in text


def test_visitors_never_see_bids_or_unpublished_challenges(app, world):
    """A draft is a 404 to a visitor; a published challenge's page shows no bid."""
    draft = world.challenge("draft")
    cid = world.challenge("published")
    world.bid(cid)
    visitor = app.test_client()
    assert visitor.get(f"/challenges/{draft}").status_code == 404
    assert bid_payload()["approach"] not in visitor.get(f"/challenges/{cid}").get_data(as_text=True)


def test_an_expired_reset_link_is_refused(app, world, monkeypatch):
    """A reset link older than its hour changes nothing."""
    token = reset_token(app, world.users["solver"]["id"])
    monkeypatch.setitem(links.AGES, "reset-password", -1)
    response = app.test_client().post(f"/account/password/reset/{token}", data={"password": "Fresh-Horse-99"})
    assert response.status_code == 400 and "过期" in response.get_data(as_text=True)
    assert world.login("solver").get("/api/v1/me").status_code == 200
