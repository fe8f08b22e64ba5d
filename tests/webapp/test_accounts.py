"""Registration, sign-in, CSRF, API tokens, language, and the accounts CLI."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models.accounts import User
from tests.world import PASSWORD, challenge_payload
from webapp import db

REGISTRATION = {"email": "li.hua@tju.edu.cn", "name": "李华", "password": "s3cure-pass",
                "role": "solver", "organisation_mode": "new", "credit_code": "12120000401000000B",
                "organisation_name": "天津大学", "organisation_kind": "university", "region": "tianjin"}


@pytest.mark.parametrize("role", ["enterprise", "solver", "manager", "commissioner"])
def test_self_service_registration_signs_in(client, role):
    """Can each self-service role register and land signed in, with a profile when it needs one?"""
    response = client.post("/account/register", data={**REGISTRATION, "role": role})
    assert response.status_code == 302
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["roles"] == [role]
    has_profile = client.get("/api/v1/profiles/me").status_code == 200
    assert has_profile is (role != "enterprise")


@pytest.mark.parametrize("role", ["government", "admin"])
def test_government_and_admin_cannot_self_register(client, role):
    """Can anyone make themselves a government or admin account? No."""
    response = client.post("/account/register", data={**REGISTRATION, "role": role})
    assert response.status_code == 422 and "管理员创建" in response.get_data(as_text=True)
    assert client.get("/api/v1/me").status_code == 401


def test_duplicate_email_is_a_field_error_that_keeps_the_form(client):
    """Is an e-mail address registered only once (case-insensitively), the form coming back filled in?"""
    client.post("/account/register", data=REGISTRATION)
    other = client.application.test_client()
    response = other.post("/account/register", data={**REGISTRATION, "email": "LI.HUA@tju.edu.cn",
                                                     "credit_code": "91120116MA05JX1E0Y",
                                                     "organisation_name": "新公司"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "该邮箱已注册" in page and 'value="新公司"' in page and 'value="LI.HUA@tju.edu.cn"' in page


def test_registration_errors_name_fields(client):
    """Does a bad registration come back naming the fields?"""
    response = client.post("/account/register", data={**REGISTRATION, "email": "not-an-email", "password": "123"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="field invalid"' in page


def test_wrong_password_is_refused(client, world):
    """Does a wrong password keep the user out with a message?"""
    response = client.post("/account/login", data={"email": "owner@example.cn", "password": "wrong"})
    assert response.status_code == 401
    assert "邮箱或密码错误" in response.get_data(as_text=True)


def test_password_is_stored_hashed(client, app):
    """Is the password never stored in clear?"""
    client.post("/account/register", data=REGISTRATION)
    with app.app_context():
        user = db.session().exec(select(User)).one()
        assert REGISTRATION["password"] not in user.password_hash


def test_logout_ends_the_session(world):
    """Does signing out end the session?"""
    client = world.login("solver")
    assert client.post("/account/logout").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_login_does_not_redirect_off_site(world):
    """Does the sign-in page refuse to send users to another site after login?"""
    client = world.app.test_client()
    response = client.post("/account/login?next=//evil.example.com/",
                           data={"email": "solver@example.cn", "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_forms_need_a_csrf_token(csrf_app, world):
    """Is a form posted without its CSRF token refused?"""
    client = csrf_app.test_client()
    response = client.post("/account/login", data={"email": "owner@example.cn", "password": PASSWORD})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_session_api_calls_need_a_csrf_header_but_tokens_do_not(csrf_app, world):
    """Does the API ask cookie sessions for X-CSRFToken, and bearer tokens for nothing more?"""
    client = csrf_app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/account/login", data={"email": "owner@example.cn", "password": PASSWORD, "csrf_token": token})
    assert client.post("/api/v1/challenges", json=challenge_payload()).status_code == 400
    with_header = client.post("/api/v1/challenges", json=challenge_payload(), headers={"X-CSRFToken": token})
    assert with_header.status_code == 201
    bearer = csrf_app.test_client().post("/api/v1/challenges", json=challenge_payload(),
                                         headers=world.headers("owner"))
    assert bearer.status_code == 201


def test_tokens_page_creates_and_revokes(world):
    """Can a user create a token on the page, use it, and revoke it?"""
    client = world.login("manager")
    page = client.post("/account/tokens", data={"name": "批量脚本"}).get_data(as_text=True)
    token = page.split('<code class="token">')[1].split("</code>")[0]
    api = world.app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    for token_id in re.findall(r"/account/tokens/(\d+)/revoke", page):
        client.post(f"/account/tokens/{token_id}/revoke")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_bad_token_is_unauthorised(client):
    """Does a made-up token get 401 JSON?"""
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer jb_nonsense"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_language_switch(client):
    """Is the interface Chinese by default and English after switching?"""
    assert "登录" in client.get("/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Sign in" in client.get("/").get_data(as_text=True)
    client.get("/lang/zh")
    assert "登录" in client.get("/").get_data(as_text=True)


def test_create_user_command_makes_a_government_account(runner, app):
    """Can an administrator create a government account from the command line?"""
    result = runner.invoke(args=["create-user", "--email", "Gov@TJ.gov.cn", "--name", "周明", "--role",
                                 "government", "--org", "天津市科学技术局", "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.post("/account/login", data={"email": "gov@tj.gov.cn", "password": "long-enough-1"})
    assert client.get("/api/v1/me").json["roles"] == ["government"]


@pytest.mark.parametrize("args", [
    ["--role", "king"],
    ["--password", "short"],
])
def test_create_user_command_refuses_bad_input(runner, args):
    """Does a bad create-user call exit 2 with a message?"""
    base = {"--email": "a@b.cn", "--name": "甲", "--role": "government", "--org": "某局", "--password": "long-enough-1"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = runner.invoke(args=["create-user", *[x for kv in base.items() for x in kv]])
    assert result.exit_code == 2
    assert "Error" in result.output


def test_create_user_command_refuses_a_taken_email(runner, world):
    """Does create-user refuse an e-mail that exists, exit 2?"""
    result = runner.invoke(args=["create-user", "--email", "owner@example.cn", "--name", "甲", "--role",
                                 "government", "--org", "某局", "--password", "long-enough-1"])
    assert result.exit_code == 2


def test_create_token_command(runner, world):
    """Does create-token print a working token, and refuse an unknown user with exit 2?"""
    result = runner.invoke(args=["create-token", "--email", "solver@example.cn"])
    assert result.exit_code == 0
    token = result.output.strip()
    api = world.app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["email"] == "solver@example.cn"
    assert runner.invoke(args=["create-token", "--email", "nobody@example.cn"]).exit_code == 2
