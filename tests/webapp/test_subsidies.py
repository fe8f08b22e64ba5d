"""Subsidies (政府助题): attached by government, milestones reported, released in order and only once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.audit import AuditEvent
from models.subsidies import Milestone, Subsidy
from webapp import db

PLAN = {"amount": 300000, "conditions": "按里程碑验收后拨付",
        "milestones": [{"title": "样机验证", "amount": 100000}, {"title": "产线导入", "amount": 200000}]}


def attach(world, cid: int, nick: str = "government", plan: dict | None = None):
    """Attach a subsidy through the API."""
    return world.api(nick, "POST", f"/challenges/{cid}/subsidy", plan or PLAN)


@pytest.fixture
def subsidised(world):
    """An awarded challenge (reward 800,000) with a 300,000 subsidy in two milestones."""
    cid = world.challenge("awarded")
    response = attach(world, cid)
    assert response.status_code == 201, response.json
    return cid, [m["id"] for m in response.json["milestones"]]


def act(world, nick: str, cid: int, mid: int, action: str, payload: dict | None = None):
    """Report, release or return a milestone through the API."""
    return world.api(nick, "POST", f"/challenges/{cid}/milestones/{mid}/{action}", payload)


def test_government_attaches_a_subsidy_split_into_milestones(world):
    """Does the subsidy show its share of the reward, its milestones, and notify the enterprise?"""
    cid = world.challenge("published")
    body = attach(world, cid).json
    assert body["amount"] == 300000 and body["share"] == 0.375 and body["released"] == 0
    assert [(m["position"], m["status"]) for m in body["milestones"]] == [(1, "pending"), (2, "pending")]
    inbox = world.api("owner", "GET", "/notifications").json["items"]
    assert inbox[0]["kind"] == "subsidy.attached"
    assert world.api("solver", "GET", f"/challenges/{cid}/subsidy").json["amount"] == 300000


@pytest.mark.parametrize("plan, field", [
    ({**PLAN, "amount": 250000}, "milestones"),
    ({**PLAN, "milestones": []}, "milestones"),
    ({**PLAN, "amount": 900000, "milestones": [{"title": "一期", "amount": 900000}]}, "amount"),
    ({**PLAN, "milestones": [{"title": " ", "amount": 300000}]}, "milestones.0.title"),
])
def test_a_bad_plan_is_refused_and_writes_nothing(world, app, plan, field):
    """Milestones not adding up, none at all, more than the reward, a blank title: 422, nothing stored."""
    cid = world.challenge("published")
    response = attach(world, cid, plan=plan)
    assert response.status_code == 422 and field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session().exec(select(Subsidy)).first() is None
        assert db.session().exec(select(Milestone)).first() is None


def test_only_government_sets_subsidies_once_on_published_challenges(world):
    """Others get 403; a draft cannot be subsidised (404 to government: unknown); a second subsidy is 409."""
    cid = world.challenge("published")
    assert attach(world, cid, "owner").status_code == 403
    assert attach(world, cid, "manager").status_code == 403
    assert attach(world, world.challenge("submitted")).status_code == 409
    assert attach(world, cid).status_code == 201
    assert attach(world, cid).status_code == 409


def test_milestones_are_released_in_order_and_only_once(world, app, subsidised):
    """Report 1 → release 1 → report 2 → release 2; the second may not be reported before the first."""
    cid, (first, second) = subsidised
    assert act(world, "owner", cid, second, "report", {"note": "产线已导入"}).status_code == 409
    assert act(world, "government", cid, first, "release").status_code == 409  # not reported yet
    assert act(world, "owner", cid, first, "report", {"note": "样机通过验证"}).status_code == 200
    assert act(world, "government", cid, first, "release").json["status"] == "released"
    assert act(world, "government", cid, first, "release").status_code == 409  # never twice
    assert act(world, "owner", cid, first, "report", {"note": "again"}).status_code == 409
    assert act(world, "owner", cid, second, "report", {"note": "产线已导入"}).status_code == 200
    assert act(world, "government", cid, second, "release").status_code == 200
    assert world.api("owner", "GET", f"/challenges/{cid}/subsidy").json["released"] == 300000
    with app.app_context():
        actions = [e.action for e in db.session().exec(select(AuditEvent).where(AuditEvent.entity == "milestone"))]
    assert actions == ["milestone.reported", "milestone.released"] * 2


def test_a_returned_milestone_carries_its_reason_and_can_be_reported_again(world, subsidised):
    """Government returns with a reason the enterprise reads; the enterprise reports again."""
    cid, (first, _second) = subsidised
    act(world, "owner", cid, first, "report", {"note": "样机通过验证"})
    assert act(world, "government", cid, first, "return", {"reason": ""}).status_code == 422
    returned = act(world, "government", cid, first, "return", {"reason": "缺少第三方检测报告"}).json
    assert returned["status"] == "returned" and returned["return_reason"] == "缺少第三方检测报告"
    assert world.api("owner", "GET", "/notifications").json["items"][0]["kind"] == "milestone.returned"
    assert act(world, "owner", cid, first, "report", {"note": "补充检测报告"}).json["status"] == "reported"


def test_only_the_owner_reports_and_only_government_releases(world, subsidised):
    """Another enterprise or a solver cannot report; the owner cannot release."""
    cid, (first, _second) = subsidised
    assert act(world, "other_enterprise", cid, first, "report", {"note": "x"}).status_code == 403
    act(world, "owner", cid, first, "report", {"note": "样机通过验证"})
    assert act(world, "owner", cid, first, "release").status_code == 403
    assert act(world, "manager", cid, first, "release").status_code == 403


def test_pages_attach_report_and_release(world, subsidised):
    """The same flow through the pages: the form shows field errors; the detail page shows the milestones."""
    cid = world.challenge("published")
    gov = world.login("government")
    page = gov.post(f"/challenges/{cid}/subsidy", data={"amount": "1000", "milestone_title_1": "一期",
                                                        "milestone_amount_1": "900"})
    assert page.status_code == 422 and "里程碑金额之和必须等于资助金额" in page.get_data(as_text=True)
    page = gov.post(f"/challenges/{cid}/subsidy", data={"amount": "1000", "milestone_title_1": "一期",
                                                        "milestone_amount_1": "1000"})
    assert page.status_code == 302
    awarded, (first, _second) = subsidised
    owner = world.login("owner")
    assert owner.post(f"/challenges/{awarded}/milestones/{first}/report", data={"note": "完成"}).status_code == 302
    assert gov.post(f"/challenges/{awarded}/milestones/{first}/release").status_code == 302
    html = owner.get(f"/challenges/{awarded}").get_data(as_text=True)
    assert "已拨付" in html and "¥10万" in html  # amounts in 万元 for Chinese readers
    assert "¥100,000" in owner.get(f"/challenges/{awarded}?lang=en").get_data(as_text=True)
