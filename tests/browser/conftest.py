"""A demo served by gunicorn (2 workers) and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import require

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory) -> Path:
    """The instance folder of the served demo (its SQLite database is demo.db)."""
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def demo_server(demo_instance):
    """The demo data set served by gunicorn with two workers; yields its base URL."""
    instance = demo_instance
    env = {**os.environ, "JIEBANG_INSTANCE_PATH": str(instance), "SECRET_KEY": "browser-tests",
           "DATABASE_URL": f"sqlite:///{instance / 'demo.db'}"}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "load-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                               "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium (never a downloaded browser)."""
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
            f"Chromium at {CHROMIUM}: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, demo_server):
    """A fresh browser tab (own cookies) on the demo site."""
    context = browser.new_context(base_url=demo_server, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def sign_in(page, role: str) -> None:
    """Sign in as a demo role by filling the form."""
    page.goto("/account/login")
    page.get_by_label("邮箱").fill(f"{role}@demo.jiebang.cn")
    page.get_by_label("密码").fill("jiebang-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def signed_in(browser, base_url: str, role: str, timeout: int = 15_000):
    """A new tab with its own cookies, signed in as a demo role."""
    page = browser.new_context(base_url=base_url, locale="zh-CN").new_page()
    page.set_default_timeout(timeout)
    sign_in(page, role)
    return page
