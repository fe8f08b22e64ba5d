"""After the award, clicked through in Chromium: the enterprise draws up the contract from the accepted bid,
the solver confirms, two milestones are delivered, the first accepted by the enterprise and the final one (the
challenge is government-funded) by an expert panel (验收) the engine seats; the contract completes, both rate
each other, and the enterprise completes and confirms the technology-contract registration and downloads its
PDF."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from models.common import today
from tests.browser.conftest import signed_in

pytestmark = pytest.mark.browser

CHALLENGE = 60  # e41's, awarded, its accepted bid (s296) awaits a contract in the demo


def accept_dialogs(page) -> None:
    """Say yes to the confirm() the page asks before irreversible steps."""
    page.on("dialog", lambda dialog: dialog.accept())


def by_panel(browser, base_url: str, instance, owner, contract_url: str) -> None:
    """The enterprise refers the final milestone to a one-expert panel; the expert judges every criterion met
    and passes it; the enterprise concludes the panel."""
    owner.locator("#acceptance input[name=size]").fill("1")
    owner.get_by_role("button", name="提交专家验收").click()
    owner.get_by_text("验收专家组已组成").wait_for()
    database = sqlite3.connect(instance / "demo.db")
    email, = database.execute("SELECT u.email FROM acceptanceassignment a JOIN user u ON u.id = a.user_id "
                              "ORDER BY a.id DESC LIMIT 1").fetchone()
    database.close()
    expert = signed_in(browser, base_url, email.split("@")[0])
    expert.goto("/reviews/mine")
    expert.get_by_test_id("seats").get_by_role("link", name="评议").first.click()
    for criterion in expert.locator("fieldset[data-criterion]").all():
        criterion.get_by_label("达到", exact=True).check()
    expert.get_by_label("通过", exact=True).check()
    expert.locator("textarea[name=comment]").fill("指标全部达到，检测报告齐全。")
    expert.get_by_role("button", name="保存验收意见").click()
    expert.get_by_text("您的验收意见已保存").wait_for()
    expert.context.close()
    owner.goto(contract_url)
    owner.get_by_role("button", name="作出结论").click()
    owner.get_by_text("验收已作出结论").wait_for()


def test_award_to_completed_and_registered_contract(browser, demo_server, demo_instance):
    owner = signed_in(browser, demo_server, "e41")
    accept_dialogs(owner)
    owner.goto(f"/challenges/{CHALLENGE}")
    owner.get_by_role("link", name="起草合同").click()
    day = today()
    owner.locator("input[name=price]").fill("1000000")
    owner.locator("input[name=end_date]").fill((day + dt.timedelta(days=120)).isoformat())
    rows = [("样机交付", "热导率 ≥ 400 W/m·K", "400000", 40), ("产线验证", "良率 ≥ 95%", "600000", 110)]
    for i, (title, indicators, amount, days) in enumerate(rows, start=1):
        owner.locator(f"input[name=milestone_title_{i}]").fill(title)
        owner.locator(f"input[name=milestone_indicators_{i}]").fill(indicators)
        owner.locator(f"input[name=milestone_amount_{i}]").fill(amount)
        owner.locator(f"input[name=milestone_due_{i}]").fill((day + dt.timedelta(days=days)).isoformat())
    owner.get_by_role("button", name="发送给揭榜方确认").click()
    owner.get_by_text("合同已提出").wait_for()
    contract_url = owner.url

    solver = signed_in(browser, demo_server, "s296")
    accept_dialogs(solver)
    solver.goto(contract_url)
    solver.get_by_role("button", name="确认合同条款").click()
    solver.get_by_text("合同已确认").wait_for()
    for index, title in enumerate(("样机交付", "产线验证")):
        row = solver.locator("tr[data-deliverable]").nth(index)
        row.locator("textarea[name=text]").fill(f"{title}完成，附第三方检测报告。")
        row.get_by_role("button", name="提交验收").click()
        solver.get_by_text("里程碑已提交").wait_for()
        owner.goto(contract_url)
        if index == 0:
            owner.locator("tr[data-deliverable]").nth(index).get_by_role("button", name="验收通过").click()
            owner.get_by_text("里程碑已验收通过").wait_for()
            solver.goto(contract_url)
    by_panel(browser, demo_server, demo_instance, owner, contract_url)
    assert owner.get_by_test_id("contract-status").inner_text() == "已完成"

    owner.locator("#ratings select[name=stars]").select_option("5")
    owner.get_by_role("button", name="评价揭榜方").click()
    owner.get_by_text("您的评价已记录").wait_for()
    solver.reload()
    solver.get_by_role("button", name="评价企业").click()
    solver.get_by_text("您的评价已记录").wait_for()

    owner.get_by_test_id("registration-link").click()
    owner.get_by_role("button", name="保存草稿").click()
    owner.get_by_text("登记表已保存").wait_for()
    owner.get_by_role("button", name="确认登记表").click()
    owner.get_by_text("登记表已确认").wait_for()
    with owner.expect_download() as download:
        owner.get_by_role("link", name="下载 PDF 登记表（供签章）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    owner.goto(f"/challenges/{CHALLENGE}")
    assert "已完成" in owner.locator("article.card .meta").first.inner_text()
    owner.context.close()
    solver.context.close()

    database = sqlite3.connect(demo_instance / "demo.db")
    status, = database.execute("SELECT status FROM registration ORDER BY id DESC LIMIT 1").fetchone()
    assert status == "confirmed"
    database.close()
