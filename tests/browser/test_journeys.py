"""Each demo role signs in and completes one step of its journey by clicking, in Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

from models.common import today
from tests.browser.conftest import sign_in, signed_in

pytestmark = pytest.mark.browser


def test_enterprise_posts_and_submits_a_challenge(page):
    """Can the enterprise post a challenge and submit it for review by clicking?"""
    sign_in(page, "enterprise")
    page.get_by_role("navigation").get_by_role("link", name="发布榜单").click()
    page.get_by_label("标题").fill("数控转台蜗轮副磨损在线监测")
    page.get_by_label("公开摘要").fill("监测蜗轮副磨损，预测精度衰退。")
    page.get_by_label("需求描述（公开）").fill("转台使用三年后回转精度下降，需要基于电流与振动的磨损监测方法。")
    page.get_by_label("领域").select_option("smart_manufacturing")
    page.get_by_label("地区").select_option("tianjin")
    page.get_by_label("榜单金额（元）").fill("600000")
    page.get_by_label("截止日期").fill((today() + dt.timedelta(days=45)).isoformat())
    page.get_by_label("关键词（用逗号分隔）").fill("蜗轮副, 磨损监测")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    page.get_by_role("button", name="提交审核").click()
    page.get_by_text("已提交审核").wait_for()
    assert page.locator(".status").first.inner_text() == "待审核"


def test_enterprise_sees_field_errors(page):
    """Does the enterprise see a message at a bad field instead of a broken page?"""
    sign_in(page, "enterprise")
    page.goto("/challenges/new")
    page.get_by_label("标题").fill("缺少其余字段")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("请修改标出的字段").wait_for()
    assert page.locator(".field.invalid").count() >= 4


def test_government_publishes_a_submitted_challenge(page):
    """Can government publish a challenge from the vetting queue?"""
    sign_in(page, "government")
    page.get_by_role("link", name="榜单审核").click()
    title = page.locator(".list .card h2 a").first.inner_text()
    page.get_by_role("button", name="发布").first.click()
    page.get_by_text("榜单已发布").wait_for()
    assert title not in page.locator(".list").inner_text()


def test_solver_finds_a_challenge_accepts_terms_and_bids(page):
    """Can a solver search, read confidential details after accepting terms, and bid?"""
    sign_in(page, "solver")
    page.get_by_role("navigation").get_by_role("link", name="榜单").click()
    page.get_by_placeholder("搜索标题、描述、关键词（中文 / English）").fill("光伏 巡检")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="光伏组件热斑与隐裂智能巡检").click()
    page.get_by_role("button", name="同意保密条款并查看").click()
    page.get_by_test_id("confidential").wait_for()
    page.get_by_role("link", name="我要揭榜").click()
    page.get_by_label("技术方案").fill("红外与可见光双光融合检测，YOLO 模型识别热斑，按组串编号定位。")
    page.get_by_label("报价（元）").fill("380000")
    page.get_by_label("周期（天）").fill("120")
    page.get_by_label("进度安排与里程碑").fill("一个月完成航线规划，三个月完成模型训练与现场验证")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("揭榜申请已提交").wait_for()
    assert page.get_by_role("link", name="修改我的申请").is_visible()


def test_enterprise_awards_a_bid(page):
    """Can the enterprise accept a bid on its published challenge, awarding it?"""
    sign_in(page, "enterprise")
    page.get_by_role("link", name="我的榜单").click()
    page.locator("tr", has=page.locator(".status.published")).get_by_role("link").first.click()
    page.once("dialog", lambda dialog: dialog.accept())  # an award cannot be undone: the page asks first
    page.locator("table.bids").get_by_role("button", name="选定").first.click()
    page.get_by_text("已选定该方案").wait_for()
    assert page.locator(".status").first.inner_text() == "已揭榜"


def test_manager_reads_confidential_details_and_bids(page):
    """Does a technical manager see confidential details and all bids of a published challenge?"""
    sign_in(page, "manager")
    page.get_by_role("navigation").get_by_role("link", name="榜单").click()
    page.locator(".list .card h2 a").first.click()
    page.get_by_test_id("confidential").wait_for()
    assert page.get_by_role("heading", name="揭榜申请").is_visible()


def test_commissioner_updates_profile(page):
    """Can a science commissioner update their profile?"""
    sign_in(page, "commissioner")
    page.get_by_role("link", name="我的资料").click()
    page.get_by_label("专业领域与专长").fill("设施蔬菜环境调控与水肥一体化，服务饶阳县合作社。")
    page.get_by_role("button", name="保存资料").click()
    page.get_by_text("资料已保存").wait_for()
    assert "水肥一体化" in page.get_by_label("专业领域与专长").input_value()


def test_switch_to_english(page):
    """Can a user switch the interface to English and back?"""
    sign_in(page, "solver")
    page.get_by_role("link", name="English").click()
    page.get_by_role("link", name="Challenges").wait_for()
    page.get_by_role("link", name="中文").click()
    page.get_by_role("navigation").get_by_role("link", name="榜单").wait_for()


def test_manager_curates_and_enterprise_sees_the_recommendation(browser, demo_server):
    """Can a manager recommend a ranked solver with a note, and the enterprise then see it on its challenge?"""
    manager = signed_in(browser, demo_server, "manager")
    manager.goto("/challenges/1/candidates")
    row = manager.locator("table.candidates tbody tr").nth(5)
    name = row.locator("td").nth(1).get_by_role("link").inner_text()
    row.get_by_label("处理意见").select_option("recommend")
    row.get_by_label("给企业的备注").fill("浏览器测试：该团队摆线轮磨削经验丰富")
    row.get_by_role("button", name="保存").click()
    manager.get_by_text("处理意见已记录").wait_for()
    manager.context.close()

    enterprise = signed_in(browser, demo_server, "enterprise")
    enterprise.goto("/challenges/1")
    section = enterprise.locator("section", has=enterprise.get_by_role("heading", name="技术经理人推荐"))
    assert name in section.inner_text() and "浏览器测试" in section.inner_text()
    assert int(enterprise.get_by_test_id("unread").inner_text()) >= 1
    enterprise.context.close()


def test_government_approves_a_dispatch_proposal(browser, demo_server):
    """An enterprise asks for a commissioner; government proposes, sees scores and reasons, approves."""
    enterprise = signed_in(browser, demo_server, "enterprise")
    enterprise.get_by_role("link", name="科技特派员").click()
    enterprise.get_by_label("需求描述").fill("浏览器测试：数控机床主轴热变形补偿需要现场技术指导，提升加工精度")
    enterprise.get_by_role("button", name="提交申请").click()
    enterprise.get_by_text("申请已提交").wait_for()
    enterprise.context.close()

    gov = signed_in(browser, demo_server, "government", 20_000)
    gov.get_by_role("link", name="选派", exact=True).click()
    row = gov.locator("tr", has_text="浏览器测试：数控机床主轴热变形")
    row.get_by_role("checkbox").check()
    start = today() + dt.timedelta(days=3)
    gov.get_by_label("开始").fill(start.isoformat())
    gov.get_by_label("结束").fill((start + dt.timedelta(days=180)).isoformat())
    gov.get_by_role("button", name="生成选派方案").click()
    gov.get_by_role("heading", name="选派方案").wait_for()
    pair = gov.locator("article.request tbody tr").first
    assert "/100" in pair.inner_text() and pair.locator("ul.reasons li").count() >= 1
    name = pair.get_by_role("link").inner_text()
    enterprise = gov.locator("article.request h2").first.inner_text().split()[0]
    gov.once("dialog", lambda dialog: dialog.accept())  # the page asks before dispatching
    gov.get_by_role("button", name="批准并选派").click()
    gov.get_by_text("已批准：记录并通知了").wait_for()
    assert "已批准" in gov.locator("h1").inner_text()
    gov.goto("/dispatches")
    assert gov.locator("tr[data-dispatch]", has_text=name).filter(has_text=enterprise).count() == 1
    gov.context.close()


def test_government_dashboard_draws_charts(page):
    """Are the dashboard's charts drawn by the locally served ECharts, with a CSV link per figure?"""
    sign_in(page, "government")
    page.get_by_role("link", name="数据看板").click()
    page.locator('[data-figure="by_status"][data-drawn="true"] canvas').wait_for()
    assert page.locator("div.chart[data-drawn='true']").count() == 11  # every figure but the summary table
    assert page.get_by_role("link", name="下载 CSV").count() == 12
