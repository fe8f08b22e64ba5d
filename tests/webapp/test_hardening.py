"""Sign-in and browser protections: throttling across workers and hosts, equal work for unknown e-mails,
same-site redirects only, security headers on every response, confirmations before irreversible actions."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.world import PASSWORD, World
from webapp import create_app, db
from webapp.config import ConfigError, load_config
from webapp.services import accounts, throttle

ALL_ROUTES_SAMPLE = ["/", "/account/login", "/account/register", "/challenges/", "/api/v1/openapi.json",
                     "/static/css/site.css", "/no-such-page"]


def sign_in(client, email: str, password: str):
    """POST the sign-in form."""
    return client.post("/account/login", data={"email": email, "password": password})


def test_the_eleventh_wrong_password_is_throttled_and_then_even_the_right_one(world):
    """Ten wrong passwords answer 401; the next tries, right or wrong, answer 429 with Retry-After."""
    client = world.app.test_client()
    email = world.users["government"]["email"]
    assert [sign_in(client, email, f"wrong-{i}").status_code for i in range(10)] == [401] * 10
    blocked = sign_in(client, email, PASSWORD)
    assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert "登录尝试次数过多" in blocked.get_data(as_text=True)


def test_a_success_clears_the_account_counter(world):
    """Nine wrong passwords, then the right one: the count starts again."""
    client = world.app.test_client()
    email = world.users["solver"]["email"]
    for i in range(9):
        sign_in(client, email, f"wrong-{i}")
    assert sign_in(client, email, PASSWORD).status_code == 302
    assert [sign_in(world.app.test_client(), email, "wrong").status_code for _ in range(10)] == [401] * 10


def test_one_address_guessing_many_accounts_is_throttled(world):
    """Fifty attempts from one address on assorted e-mails: the next is 429 even for a fresh account."""
    client = world.app.test_client()
    for i in range(throttle.ADDRESS_LIMIT):
        sign_in(client, f"nobody{i}@example.cn", "guess")
    assert sign_in(client, world.users["manager"]["email"], PASSWORD).status_code == 429


def test_the_limit_holds_across_hosts(tmp_path):
    """Two app instances (two hosts) on one database share the counter."""
    url = f"sqlite:///{tmp_path / 'hosts.db'}"
    hosts = [create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "s", "WTF_CSRF_ENABLED": False,
                         "PASSWORD_METHOD": "pbkdf2:sha256:1000"}) for _ in range(2)]
    with hosts[0].app_context():
        db.create_all()
    world = World.build(hosts[0])
    email = world.users["owner"]["email"]
    answers = [sign_in(hosts[i % 2].test_client(), email, "wrong").status_code for i in range(11)]
    assert answers == [401] * 10 + [429]
    for host in hosts:
        db.dispose(host)


def test_wrong_api_tokens_from_one_address_are_throttled(world):
    """An address that keeps sending wrong bearer tokens gets 429 instead of 401."""
    client = world.app.test_client()
    answers = [client.get("/api/v1/me", headers={"Authorization": f"Bearer jb_wrong{i}"}).status_code
               for i in range(throttle.ADDRESS_LIMIT + 1)]
    assert set(answers[:throttle.ADDRESS_LIMIT]) == {401} and answers[-1] == 429


def test_an_unknown_email_costs_the_same_password_check(world, monkeypatch):
    """A wrong password for a known account and any password for an unknown e-mail each check one hash
    of the configured method, so the answer's timing does not reveal who has an account."""
    checked: list[str] = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h.split("$")[0]) or real(h, p))
    client = world.app.test_client()
    sign_in(client, world.users["owner"]["email"], "wrong")
    sign_in(client, "nobody@example.cn", "wrong")
    assert len(checked) == 2 and checked[0] == checked[1] == "pbkdf2:sha256:1000"


@pytest.mark.parametrize("target", [
    "/%09/evil.example/phish", "/\t/evil.example/phish", "/%0A/evil.example", "/\n/evil.example",
    "/\\evil.example", "/%5Cevil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)",
    " //evil.example", "/\r\n/evil.example",
])
def test_sign_in_never_leads_off_site(world, target):
    """Whatever `next` holds, the answer is a redirect to this site (never a 500, never another host)."""
    client = world.app.test_client()
    response = client.post("/account/login", query_string={"next": target},
                           data={"email": world.users["solver"]["email"], "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert not any(ord(c) < 0x20 for c in location) and "\\" not in location
    assert urlsplit(urljoin("http://jiebang.test/", location)).netloc == "jiebang.test"


def test_a_nul_in_next_is_a_clear_error(world):
    """A NUL character in the query string is a 422, not a 500 and not a redirect."""
    response = world.app.test_client().post("/account/login", query_string={"next": "\x00/x"},
                                            data={"email": world.users["solver"]["email"], "password": PASSWORD})
    assert response.status_code == 422


def test_sign_in_follows_a_same_site_next(world):
    """A plain path with a query string is followed."""
    client = world.app.test_client()
    response = client.post("/account/login", query_string={"next": "/challenges/?q=电池"},
                           data={"email": world.users["solver"]["email"], "password": PASSWORD})
    assert response.headers["Location"] == "/challenges/?q=%E7%94%B5%E6%B1%A0"


@pytest.mark.parametrize("path", ALL_ROUTES_SAMPLE)
def test_every_response_carries_the_security_headers(client, path):
    """Pages, API, static files and errors: CSP without inline scripts, no framing, nosniff, referrer policy."""
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    script = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "unsafe-inline" not in script and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_https_responses_carry_hsts(client):
    """Over HTTPS the answer tells the browser to stay on HTTPS."""
    assert "max-age=" in client.get("/", base_url="https://jiebang.example").headers["Strict-Transport-Security"]


def test_pages_have_no_inline_script(world):
    """No rendered page of any role runs inline script (data travels in application/json blocks)."""
    pages = {"government": ["/", "/government/dashboard", "/government/vetting"], "owner": ["/", "/challenges/mine"],
             "solver": ["/", "/challenges/"]}
    for nick, paths in pages.items():
        client = world.login(nick)
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
            assert not re.search(r"\son[a-z]+=", html), path


def test_irreversible_one_click_actions_ask_first(world):
    """Accepting a bid asks for confirmation in the page (data-confirm, run by static/js/confirm.js)."""
    cid = world.challenge("published")
    world.bid(cid)
    html = world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/bids/\d+/accept"[^>]*>', html).group(0)
    assert "data-confirm=" in form and "confirm.js" in html


def test_a_production_start_refuses_a_short_secret(tmp_path, monkeypatch):
    """JIEBANG_ENV=production with a SECRET_KEY under 32 bytes does not start."""
    monkeypatch.setenv("JIEBANG_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigError, match="32 bytes"):
        load_config(str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert load_config(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
