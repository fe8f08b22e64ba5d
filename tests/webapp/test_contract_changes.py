"""Changes after confirmation (合同变更): either party proposes new dates with a reason, the other accepts (the
dates apply) or declines; one open change at a time; bad dates are refused naming the field."""

from __future__ import annotations

import pytest

from tests.webapp.test_contracts import confirmed, day, milestone, proposed  # noqa: F401 (fixtures)


def propose(world, contract: dict, nick: str = "solver", **overrides):
    """Propose pushing the end and the second milestone back by a month."""
    body = {"reason": "关键设备到货推迟一个月", "end_date": day(210),
            "dues": {str(contract["milestones"][1]["id"]): day(200)}, **overrides}
    return world.api(nick, "POST", f"/contracts/{contract['id']}/changes", body)


def test_the_other_party_accepts_and_the_dates_apply(world, confirmed):  # noqa: F811 (fixture)
    """The solver proposes; the enterprise is told and accepts; the end and the milestone's due date move."""
    _cid, contract = confirmed
    change = propose(world, contract).json
    assert change["status"] == "proposed"
    assert world.api("owner", "GET", "/notifications").json["items"][0]["kind"] == "contract.change_proposed"
    assert world.api("solver", "POST", f"/contract-changes/{change['id']}/accept", {"text": "同意"}).status_code == 403
    accepted = world.api("owner", "POST", f"/contract-changes/{change['id']}/accept", {"text": "同意延期"})
    assert accepted.json["status"] == "accepted"
    now = world.api("solver", "GET", f"/contracts/{contract['id']}").json
    assert now["end_date"] == day(210) and now["milestones"][1]["due"] == day(200)
    assert now["milestones"][0]["due"] == contract["milestones"][0]["due"]
    again = world.api("owner", "POST", f"/contract-changes/{change['id']}/decline", {"text": "改主意"})
    assert again.status_code == 409


def test_one_open_change_at_a_time_and_a_decline_changes_nothing(world, confirmed):  # noqa: F811 (fixture)
    """A second proposal while one waits is a 409; declined, the dates stay; then a new one may be proposed."""
    _cid, contract = confirmed
    change = propose(world, contract).json
    assert propose(world, contract, nick="owner").status_code == 409
    world.api("owner", "POST", f"/contract-changes/{change['id']}/decline", {"text": "不能延期"})
    assert world.api("owner", "GET", f"/contracts/{contract['id']}").json["end_date"] == contract["end_date"]
    assert propose(world, contract, nick="owner", reason="范围调整").status_code == 201


@pytest.mark.parametrize("overrides", [
    {"end_date": day(-400)},  # before the start
    {"dues": {"999999": day(10)}},  # not this contract's milestone
    {"end_date": day(100)},  # the second milestone (due day 170) would fall outside
    {"dues": {"FIRST": day(175)}},  # the first would fall after the second
])
def test_bad_dates_are_refused(world, confirmed, overrides):  # noqa: F811 (fixture)
    """An end before the start, an unknown milestone, a milestone left outside the period, milestones out of
    order: 422, nothing stored."""
    _cid, contract = confirmed
    if "dues" in overrides and "FIRST" in overrides["dues"]:
        overrides = {"dues": {str(contract["milestones"][0]["id"]): overrides["dues"]["FIRST"]}}
    elif "dues" not in overrides:
        overrides = {**overrides, "dues": {}}
    response = propose(world, contract, **overrides)
    assert response.status_code == 422, response.json
    assert propose(world, contract).status_code == 201  # nothing was stored by the refusal


def test_only_a_contract_under_way_changes_and_accepted_milestones_keep_their_date(world, proposed):  # noqa: F811
    """Before confirmation there is nothing to change (409); an accepted milestone cannot be moved (422)."""
    _cid, contract = proposed
    assert propose(world, contract).status_code == 409
    world.api("solver", "POST", f"/contracts/{contract['id']}/confirm", {"revision": 1})
    milestone(world, contract, 0, "report", "solver", "交付")
    milestone(world, contract, 0, "accept", "owner")
    moved = propose(world, contract, dues={str(contract["milestones"][0]["id"]): day(30)})
    assert moved.status_code == 422 and "dues" in moved.json["error"]["fields"]
    assert world.api("other_solver", "POST", f"/contracts/{contract['id']}/changes",
                     {"reason": "x", "end_date": day(300)}).status_code == 404


def test_the_pages_propose_and_answer_a_change(world, confirmed):  # noqa: F811 (fixture)
    """The solver proposes by form (blank due dates keep theirs); the enterprise sees it named and accepts."""
    _cid, contract = confirmed
    solver = world.login("solver")
    page = solver.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    assert 'name="end_date"' in page and f'name="due_{contract["milestones"][1]["id"]}"' in page
    solver.post(f"/contracts/{contract['id']}/changes", data={
        "reason": "设备延期", "end_date": day(210), f"due_{contract['milestones'][1]['id']}": day(200)})
    owner = world.login("owner")
    shown = owner.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    assert "设备延期" in shown and f"产线验证 → {day(200)}" in shown
    change = world.api("owner", "GET", f"/contracts/{contract['id']}").json
    change_id = int(shown.split('data-change="')[1].split('"')[0])
    owner.post(f"/contract-changes/{change_id}/accept", data={"text": "同意"})
    assert world.api("owner", "GET", f"/contracts/{contract['id']}").json["end_date"] == day(210)
    assert change["end_date"] == contract["end_date"]
