"""The admin console: staff accounts, deactivation, tokens, organisations and the audit log — admins only."""

from __future__ import annotations

import csv
import io
import re

import pytest
from werkzeug.security import generate_password_hash

from models.accounts import OrgKind, Region, Role
from tests.world import PASSWORD
from webapp import db
from webapp.services import accounts


@pytest.fixture
def admin(world):
    """An admin account, signed in."""
    with world.app.app_context():
        session = db.session()
        office = accounts.find_or_create_org(session, "天津市科学技术局", OrgKind.GOVERNMENT, Region.TIANJIN)
        user = accounts.create_user(session, "admin@example.cn", "管理员",
                                    generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"), [Role.ADMIN],
                                    office, Region.TIANJIN)
        session.commit()
        world.users["admin"] = {"id": user.id, "email": user.email, "org": office.id}
    return world.login("admin")


STAFF = {"email": "new.gov@tj.gov.cn", "name": "新同事", "role": "government", "organisation": "天津市科学技术局",
         "region": "tianjin", "password": "Unusual-Horse-77"}


def test_an_admin_opens_a_government_account_that_can_sign_in(world, admin):
    """Is a government account made in the console usable, and is its creation audited?"""
    assert admin.post("/admin/accounts", data=STAFF).status_code == 302
    client = world.app.test_client()
    signed = client.post("/account/login", data={"email": STAFF["email"], "password": STAFF["password"]})
    assert signed.status_code == 302
    assert client.get("/api/v1/me").json["roles"] == ["government"]
    log = admin.get("/admin/audit?action=admin.account_created").get_data(as_text=True)
    assert "admin.account_created" in log and "admin@example.cn" in log


def test_a_bad_staff_form_keeps_what_was_typed(world, admin):
    """A weak password or a business role is a field error; the form comes back filled in."""
    response = admin.post("/admin/accounts", data={**STAFF, "role": "enterprise", "password": "12345678"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="新同事"' in page and 'class="field invalid"' in page


def test_deactivation_ends_sessions_and_tokens_and_reactivation_restores_sign_in(world, admin):
    """A deactivated solver's session and API token stop at once; reactivated, the solver signs in again."""
    session_client = world.login("solver")
    solver = world.users["solver"]["id"]
    assert admin.post(f"/admin/accounts/{solver}/deactivate").status_code == 302
    assert session_client.get("/api/v1/me").status_code == 401
    assert world.api("solver", "GET", "/me").status_code == 401
    admin.post(f"/admin/accounts/{solver}/reactivate")
    assert world.login("solver").get("/api/v1/me").status_code == 200


def test_an_admin_revokes_anyones_token(world, admin):
    """A token listed in the console, once revoked, no longer authenticates."""
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert "solver@example.cn" in page
    token_ids = [int(t) for t in re.findall(r'data-testid="token-(\d+)"', page)]
    for token_id in token_ids:
        admin.post(f"/admin/tokens/{token_id}/revoke")
    assert world.api("solver", "GET", "/me").status_code == 401


def test_the_audit_log_filters_and_downloads_as_csv(world, admin):
    """Filters by actor, record and action narrow the log; the CSV holds the same rows."""
    cid = world.challenge("published")
    filtered = admin.get(f"/admin/audit?entity=challenge&entity_id={cid}&action=challenge.published")
    assert filtered.status_code == 200 and "challenge.published" in filtered.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(admin.get(f"/admin/audit.csv?entity=challenge&entity_id={cid}")
                                       .get_data(as_text=True))))
    assert rows[0][:4] == ["id", "at", "actor", "action"]
    assert {r[3] for r in rows[1:]} == {"challenge.created", "challenge.submitted", "challenge.published"}
    by_actor = list(csv.reader(io.StringIO(admin.get("/admin/audit.csv?actor=government@").get_data(as_text=True))))
    assert {r[2] for r in by_actor[1:]} == {"government@example.cn"}


def test_a_bad_audit_filter_is_marked_not_ignored(world, admin):
    """An end date before the start date is a marked field error (422), not silently unfiltered figures."""
    response = admin.get("/admin/audit?start=2026-12-01&end=2026-11-01&entity_id=abc")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="err-end"' in page and 'aria-describedby="err-entity_id"' in page


@pytest.mark.parametrize("nick", ["owner", "solver", "manager", "commissioner", "government"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts", "/admin/tokens", "/admin/audit", "/admin/audit.csv"])
def test_only_admins_use_the_console(world, nick, path):
    """Does anyone but an admin reach the console? 403."""
    assert world.login(nick).get(path).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    """A signed-out visitor is sent to sign in."""
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("nick", ["owner", "solver", "manager", "commissioner"])
def test_only_government_and_admins_verify_organisations(world, nick):
    """The verification queue: 403 for business roles."""
    assert world.login(nick).get("/government/organisations").status_code == 403


def test_admins_verify_organisations_too(world, admin):
    """An admin sees the queue."""
    assert admin.get("/government/organisations").status_code == 200


@pytest.mark.parametrize("action", ["publish", "subsidy", "bid", "challenge"])
def test_admins_take_no_business_action(world, admin, action):
    """An admin cannot publish, fund, bid or post: 403."""
    cid = world.challenge("submitted" if action == "publish" else "published")
    paths = {"publish": (f"/government/challenges/{cid}/publish", {}),
             "subsidy": (f"/challenges/{cid}/subsidy", {"amount": "1000", "milestone_title_1": "一期",
                                                        "milestone_amount_1": "1000"}),
             "bid": (f"/challenges/{cid}/bid", {"approach": "方案", "price": "1", "timeline": "一月",
                                                "duration_days": "30"}),
             "challenge": ("/challenges/new", {"title": "管理员的榜单"})}
    path, form = paths[action]
    assert admin.post(path, data=form).status_code == 403
