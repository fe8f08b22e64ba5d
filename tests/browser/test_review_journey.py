"""The stage between 揭榜 and 评选, clicked through in Chromium: questions, an addendum, a team bid with a
file, a blind expert review with two reviewers, a 赛马制 award of two bids, and a declined bidder's page."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from models.common import today
from tests.browser.conftest import signed_in

pytestmark = pytest.mark.browser

QA_CHALLENGE = 18  # 生物质气化制绿氢, e10's, published, no questions in the demo
RACE_CHALLENGE = 17  # 储能电站电池簇一致性管理, e09's, may be awarded to two bids, open bids, no review yet


def test_a_solver_asks_and_the_enterprise_answers_and_posts_an_addendum(browser, demo_server):
    """A solver asks anonymously; the enterprise answers publicly and moves the deadline by an addendum; the
    solver sees both."""
    solver = signed_in(browser, demo_server, "solver")
    solver.goto(f"/challenges/{QA_CHALLENGE}")
    solver.get_by_label("您的问题").fill("气化炉试验规模多大？是否提供原料？")
    solver.get_by_label("不向其他揭榜方显示我的姓名").check()
    solver.get_by_role("button", name="提交问题").click()
    solver.get_by_text("您的提问已发送").wait_for()

    owner = signed_in(browser, demo_server, "e10")
    owner.goto(f"/challenges/{QA_CHALLENGE}")
    question = owner.get_by_test_id("question").filter(has_text="气化炉试验规模")
    question.locator("summary", has_text="答复").click()
    question.locator("textarea[name=answer]").fill("中试规模每小时100公斤，原料由我方提供。")
    question.get_by_role("button", name="发布答复").click()
    owner.get_by_text("答复已发布").wait_for()
    later = (today() + dt.timedelta(days=150)).isoformat()
    owner.locator("summary", has_text="发布补充公告").click()
    owner.locator("#clarifications textarea[name=text]").fill("截止日期顺延，便于各方开展原料测试。")
    owner.get_by_label("新的截止日期", exact=False).fill(later)
    owner.get_by_role("button", name="发布补充公告").click()
    owner.get_by_text("补充公告已发布").wait_for()
    owner.context.close()

    solver.reload()
    thread = solver.locator("#clarifications").inner_text()
    assert "每小时100公斤" in thread and later in thread
    assert later in solver.locator("article.card .meta").first.inner_text()
    solver.context.close()


def test_a_team_bids_with_a_file_and_a_member_confirms(browser, demo_server):
    """The lead names a member of another university by e-mail and attaches the plan; the member confirms under
    我的揭榜; the enterprise's table shows the team and the file."""
    lead = signed_in(browser, demo_server, "solver")
    lead.goto(f"/challenges/{QA_CHALLENGE}")
    lead.get_by_role("link", name="我要揭榜").click()
    lead.get_by_label("技术方案").fill("双流化床气化耦合水煤气变换制氢，高校负责催化剂，合作方负责中试。")
    lead.get_by_label("报价（元）").fill("1500000")
    lead.get_by_label("周期（天）").fill("300")
    lead.get_by_label("进度安排与里程碑").fill("三个月完成催化剂筛选，六个月完成中试")
    lead.get_by_label("平台上的团队成员", exact=False).fill("s005@demo.jiebang.cn")
    lead.get_by_role("button", name="提交申请").click()
    lead.get_by_text("揭榜申请已提交").wait_for()
    lead.get_by_label("为我的方案上传附件").set_input_files(
        files=[{"name": "中试方案.txt", "mimeType": "text/plain", "buffer": "中试方案：每小时100公斤。".encode()}])
    lead.get_by_role("button", name="上传").last.click()
    lead.get_by_text("已上传").wait_for()
    lead.context.close()

    member = signed_in(browser, demo_server, "s005")
    member.get_by_role("link", name="我的揭榜").click()
    invitations = member.get_by_test_id("team-invitations")
    invitations.locator("li", has_text="生物质气化制绿氢").get_by_role("button", name="确认").click()
    member.get_by_text("您已加入该揭榜团队").wait_for()
    member.context.close()

    owner = signed_in(browser, demo_server, "e10")
    owner.goto(f"/challenges/{QA_CHALLENGE}")
    row = owner.locator("table.bids tr", has_text="双流化床气化")
    assert "已确认" in row.get_by_test_id("team").inner_text()
    assert row.get_by_role("link", name="中试方案.txt").is_visible()
    owner.context.close()


def reviewer_emails(instance, challenge_id: int) -> list[str]:
    """Who the confirmed panel of a challenge's review is (the test must sign in as them)."""
    with sqlite3.connect(instance / "demo.db") as con:
        rows = con.execute("SELECT DISTINCT u.email FROM reviewassignment a JOIN review r ON r.id = a.review_id "
                           "JOIN user u ON u.id = a.user_id WHERE r.challenge_id = ? AND a.status = 'confirmed' "
                           "ORDER BY u.email", (challenge_id,)).fetchall()
    return [email for (email,) in rows]


def test_a_blind_review_then_a_parallel_award_and_a_declined_bidder_sees_why(browser, demo_server, demo_instance):
    """The enterprise opens a blind review, confirms the proposed panel; two reviewers score every bid they
    were given without seeing who bid; the enterprise awards two bids at once; a declined bidder finds the
    reason, the panel's marks and other challenges for them."""
    owner = signed_in(browser, demo_server, "e09")
    owner.goto(f"/challenges/{RACE_CHALLENGE}")
    owner.get_by_role("link", name="发起专家评审").click()
    owner.get_by_label("每个方案的专家数").fill("1")
    owner.get_by_label("每位专家最多评审方案数").fill("3")
    owner.get_by_label("评分截止").fill((today() + dt.timedelta(days=10)).isoformat())
    owner.get_by_role("button", name="推荐专家组").click()
    owner.get_by_text("系统已推荐评审专家组").wait_for()
    assert "可达" in owner.get_by_test_id("panel-total").inner_text()
    owner.get_by_role("button", name="确认专家组并通知专家").click()
    owner.get_by_text("专家组已确认").wait_for()

    emails = reviewer_emails(demo_instance, RACE_CHALLENGE)
    assert len(emails) >= 2
    for email in emails[:2]:
        reviewer = signed_in(browser, demo_server, email.split("@")[0])
        reviewer.get_by_role("navigation").get_by_role("link", name="我的评审").click()
        while reviewer.get_by_role("link", name="评分", exact=True).count():
            reviewer.get_by_role("link", name="评分", exact=True).first.click()
            assert "盲评" in reviewer.locator(".meta").first.inner_text()
            for select in reviewer.locator("select[name^=score_]").all():
                select.select_option("8")
            reviewer.get_by_role("button", name="保存评分").click()
            reviewer.get_by_text("评分已保存").wait_for()
        reviewer.context.close()

    owner.goto(f"/challenges/{RACE_CHALLENGE}")
    assert owner.get_by_test_id("panel-score").count() >= 2
    boxes = owner.locator("input[name=bid_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    declined_row = owner.locator("table.bids tbody tr").nth(2)
    declined_name = declined_row.get_by_test_id("bidder").locator("b").first.inner_text()
    owner.once("dialog", lambda dialog: dialog.accept())
    owner.get_by_role("button", name="选定所勾选的方案", exact=False).click()
    owner.get_by_text("已选定所勾选的揭榜方案").wait_for()
    assert owner.locator(".status").first.inner_text() == "已揭榜"
    owner.context.close()

    with sqlite3.connect(demo_instance / "demo.db") as con:
        (email,) = con.execute("SELECT u.email FROM bid b JOIN user u ON u.id = b.solver_id WHERE "
                               "b.challenge_id = ? AND b.status = 'declined' AND u.name = ?",
                               (RACE_CHALLENGE, declined_name)).fetchone()
    bidder = signed_in(browser, demo_server, email.split("@")[0])
    bidder.get_by_role("link", name="我的揭榜").click()
    row = bidder.locator("tr", has_text="储能电站电池簇一致性管理")
    assert "已选定其他揭榜方案" in row.inner_text()
    if row.get_by_test_id("my-marks").count():
        assert "/10" in row.get_by_test_id("my-marks").inner_text()
    assert bidder.get_by_test_id("suggestions").locator("li").count() >= 1  # challenges, or what to do
    bidder.context.close()
