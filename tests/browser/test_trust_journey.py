"""A company's first day, in Chromium: it registers, government verifies it, it invites a colleague who
joins through the e-mailed link, the colleague posts a challenge, and a signed-out visitor finds it."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time

import pytest
from aiosmtpd.controller import Controller

from models.common import today
from models.validation import with_check_character
from tests.browser.conftest import BIN, ROOT, signed_in
from tests.webapp.served import free_port, wait_until_serving
from tests.webapp.test_mail import Collector

pytestmark = pytest.mark.browser
CODE = with_check_character("91120116MA07TRWX0")


@pytest.fixture(scope="module")
def mailing_demo(tmp_path_factory):
    """The demo served by gunicorn with the mail worker beside it, mailing to a local SMTP server."""
    collector = Collector()
    smtp = Controller(collector, hostname="127.0.0.1", port=free_port())
    smtp.start()
    instance = tmp_path_factory.mktemp("mailing")
    port = free_port()
    env = {**os.environ, "JIEBANG_INSTANCE_PATH": str(instance), "SECRET_KEY": "browser-trust-" + "x" * 32,
           "DATABASE_URL": f"sqlite:///{instance / 'demo.db'}", "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp.port), "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for command in (["init-db"], ["load-demo"]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([*flask, "worker", "--poll", "0.2"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", server)
        yield f"http://127.0.0.1:{port}", collector
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=15)
        smtp.stop()


def link_mailed_to(collector: Collector, address: str, path: str, timeout: float = 20) -> str:
    """The first link to `path` in a message the worker delivered to `address`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in collector.messages:
            if message["To"] == address:
                found = re.search(rf"https?://\S+{re.escape(path)}\S+", message.get_content())
                if found:
                    return found.group(0)
        time.sleep(0.2)
    pytest.fail(f"no mail with {path} reached {address}")


def test_a_new_company_is_verified_invites_a_colleague_and_is_found_by_visitors(browser, mailing_demo):
    """Register → government verifies → invitation by e-mail → colleague joins and posts → public list and feed."""
    base, collector = mailing_demo
    founder = browser.new_context(base_url=base, locale="zh-CN").new_page()
    founder.goto("/account/register")
    founder.get_by_label("邮箱").fill("founder@haihe-robot.example")
    founder.get_by_label("姓名").fill("海河创始人")
    founder.get_by_label("密码").fill("Haihe-Robotics-2026")
    founder.get_by_label("身份").select_option("enterprise")
    founder.get_by_label("本单位").select_option("new")
    founder.get_by_label("统一社会信用代码（18 位）").fill(CODE.lower())
    founder.get_by_label("单位名称").fill("海河智能机器人有限公司")
    founder.get_by_label("单位类型").select_option("enterprise")
    founder.get_by_label("地区").select_option("tianjin")
    founder.get_by_role("button", name="创建账号").click()
    founder.get_by_text("正在等待政府核验").first.wait_for()

    government = signed_in(browser, base, "government")
    government.get_by_role("navigation").get_by_role("link", name="单位核验").click()
    card = government.locator("article", has_text="海河智能机器人有限公司")
    government.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="通过核验").click()
    government.get_by_text("单位已通过核验").wait_for()

    founder.get_by_role("navigation").get_by_role("link", name="本单位").click()
    founder.get_by_label("邮箱").fill("colleague@haihe-robot.example")
    founder.get_by_role("button", name="发送邀请").click()
    founder.get_by_text("邀请已发送").wait_for()

    link = link_mailed_to(collector, "colleague@haihe-robot.example", "/account/join/")
    colleague = browser.new_context(locale="zh-CN").new_page()
    colleague.goto(link)
    colleague.get_by_label("姓名").fill("海河工程师")
    colleague.get_by_label("密码").fill("Haihe-Engineer-2026")
    colleague.get_by_label("身份").select_option("enterprise")
    colleague.get_by_label("地区").select_option("tianjin")
    colleague.get_by_role("button", name="创建账号").click()
    colleague.get_by_text("您已加入海河智能机器人有限公司").wait_for()

    colleague.get_by_role("navigation").get_by_role("link", name="发布榜单").click()
    colleague.get_by_label("标题").fill("协作机器人关节力矩传感器温漂补偿")
    colleague.get_by_label("公开摘要").fill("补偿关节力矩传感器的温度漂移。")
    colleague.get_by_label("需求描述（公开）").fill("关节温升 30℃ 时力矩读数漂移 2%，需要温漂建模与在线补偿方法。")
    colleague.get_by_label("领域").select_option("smart_manufacturing")
    colleague.get_by_label("地区").select_option("tianjin")
    colleague.get_by_label("榜单金额（元）").fill("450000")
    colleague.get_by_label("截止日期").fill((today() + dt.timedelta(days=40)).isoformat())
    colleague.get_by_role("button", name="保存草稿").click()
    colleague.get_by_role("button", name="提交审核").click()
    colleague.get_by_text("已提交审核").wait_for()

    government.goto("/government/vetting")
    government.get_by_role("link", name="协作机器人关节力矩传感器温漂补偿").click()
    government.get_by_role("button", name="发布", exact=True).click()

    visitor = browser.new_context(base_url=base, locale="zh-CN").new_page()
    visitor.goto("/challenges/?q=温漂补偿")
    visitor.get_by_role("link", name="协作机器人关节力矩传感器温漂补偿").click()
    visitor.get_by_text("海河智能机器人有限公司").wait_for()
    visitor.get_by_role("link", name="登录后查看详情并揭榜").wait_for()
    feed = visitor.request.get(f"{base}/challenges/feed.atom?field=smart_manufacturing")
    assert "协作机器人关节力矩传感器温漂补偿" in feed.text()
