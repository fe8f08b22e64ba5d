"""The contract phase by forms: the enterprise drafts terms from the bid, the solver confirms, milestones are
reported and accepted, and a bad form keeps what was typed and marks the field."""

from __future__ import annotations

import re

from tests.webapp.test_contracts import accepted_bid, day


def form(**overrides) -> dict:
    """The contract form as a browser posts it: two milestone rows filled in."""
    return {"price": "600000", "start_date": day(0), "end_date": day(180),
            "milestone_title_1": "样机交付", "milestone_indicators_1": "热导率 ≥ 400 W/m·K",
            "milestone_amount_1": "200000", "milestone_due_1": day(60),
            "milestone_title_2": "产线验证", "milestone_amount_2": "400000", "milestone_due_2": day(170),
            **overrides}


def contract_id(response) -> int:
    """The contract id in the redirect after a proposal."""
    return int(re.search(r"/contracts/(\d+)$", response.headers["Location"]).group(1))


def test_the_phase_by_forms_from_award_to_completion(world):
    """Draft from the bid, propose, confirm, report and accept two milestones: completed everywhere."""
    cid, bid = accepted_bid(world)
    owner, solver = world.login("owner"), world.login("solver")
    detail = owner.get(f"/challenges/{cid}").get_data(as_text=True)
    assert f"/bids/{bid}/contract" in detail  # the accepted bid awaits its contract
    draft = owner.get(f"/bids/{bid}/contract").get_data(as_text=True)
    assert 'value="600000"' in draft  # the bid's price as a first draft
    response = owner.post(f"/bids/{bid}/contract", data=form())
    assert response.status_code == 302, response.get_data(as_text=True)
    contract = contract_id(response)
    page = solver.get(f"/contracts/{contract}").get_data(as_text=True)
    assert "样机交付" in page and "热导率 ≥ 400 W/m·K" in page and 'name="revision" value="1"' in page
    assert solver.post(f"/contracts/{contract}/confirm", data={"revision": "1"}).status_code == 302
    assert "攻关中" in owner.get(f"/challenges/{cid}").get_data(as_text=True)
    items = [int(i) for i in re.findall(r'data-deliverable="(\d+)"', page)]
    for item in items:
        assert solver.post(f"/contracts/{contract}/milestones/{item}/report",
                           data={"text": "交付并附检测报告"}).status_code == 302
        assert owner.post(f"/contracts/{contract}/milestones/{item}/accept").status_code == 302
    done = owner.get(f"/contracts/{contract}").get_data(as_text=True)
    assert 'data-testid="contract-status">已完成' in done
    listing = solver.get("/contracts").get_data(as_text=True)
    assert f'data-contract="{contract}"' in listing and "已完成" in listing


def test_a_bad_form_keeps_what_was_typed_and_marks_the_field(world):
    """Payments above the price: 422, the rows kept, the first milestone marked; nothing stored."""
    _cid, bid = accepted_bid(world)
    owner = world.login("owner")
    response = owner.post(f"/bids/{bid}/contract", data=form(price="100000"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="样机交付"' in page and 'value="100000"' in page
    assert 'aria-invalid="true"' in page
    assert world.api("owner", "GET", "/contracts").json["items"] == []
    blank_date = owner.post(f"/bids/{bid}/contract", data=form(milestone_due_2=""))
    assert blank_date.status_code == 422 and 'id="milestone_due_2-error"' in blank_date.get_data(as_text=True)


def test_a_request_for_changes_and_an_empty_reason(world):
    """The solver asks for changes by form; the enterprise sees the request on the revise form; an empty
    termination reason is refused with a message and changes nothing."""
    _cid, bid = accepted_bid(world)
    owner, solver = world.login("owner"), world.login("solver")
    contract = contract_id(owner.post(f"/bids/{bid}/contract", data=form()))
    solver.post(f"/contracts/{contract}/request-changes", data={"text": "请把首付提高到30%"})
    assert "请把首付提高到30%" in owner.get(f"/contracts/{contract}/edit").get_data(as_text=True)
    owner.post(f"/contracts/{contract}/terminate", data={"text": " "})
    assert world.api("owner", "GET", f"/contracts/{contract}").json["status"] == "changes_requested"
    assert solver.post(f"/contracts/{contract}/edit", data=form()).status_code == 403


def test_outsiders_do_not_know_the_contract_pages(world):
    """Another enterprise, another solver and a manager get 404 on the contract and its forms."""
    _cid, bid = accepted_bid(world)
    contract = contract_id(world.login("owner").post(f"/bids/{bid}/contract", data=form()))
    for nick in ("other_enterprise", "other_solver", "manager"):
        client = world.login(nick)
        assert client.get(f"/contracts/{contract}").status_code == 404
        assert client.get(f"/bids/{bid}/contract").status_code in (403, 404)
        assert client.post(f"/contracts/{contract}/confirm", data={"revision": "1"}).status_code == 404


def test_workbenches_list_the_contract_work_of_each_party(world):
    """The enterprise sees the bid awaiting a contract, then the delivered milestone to accept; the solver sees
    the terms to confirm, then the next milestone to deliver."""
    cid, bid = accepted_bid(world)
    owner = world.login("owner")
    assert f'href="/challenges/{cid}#contracts"' in owner.get("/").get_data(as_text=True)
    contract = contract_id(owner.post(f"/bids/{bid}/contract", data=form()))
    solver = world.login("solver")
    assert f'href="/contracts/{contract}"' in solver.get("/").get_data(as_text=True)
    solver.post(f"/contracts/{contract}/confirm", data={"revision": "1"})
    home = solver.get("/").get_data(as_text=True)
    assert f'href="/contracts/{contract}#milestones"' in home and "样机交付" in home
    item = world.api("solver", "GET", f"/contracts/{contract}").json["milestones"][0]["id"]
    solver.post(f"/contracts/{contract}/milestones/{item}/report", data={"text": "样机交付完毕"})
    assert "样机交付" not in solver.get("/").get_data(as_text=True)  # waiting for the enterprise now
    assert f'href="/contracts/{contract}#milestones"' in owner.get("/").get_data(as_text=True)


def test_government_binds_a_tranche_by_form(world):
    """The subsidy section offers government the contract milestones; the binding shows on the page."""
    from tests.webapp.test_subsidies import PLAN
    cid, bid = accepted_bid(world)
    contract = contract_id(world.login("owner").post(f"/bids/{bid}/contract", data=form()))
    tranche = world.api("government", "POST", f"/challenges/{cid}/subsidy", PLAN).json["milestones"][1]["id"]
    item = world.api("owner", "GET", f"/contracts/{contract}").json["milestones"][1]["id"]
    gov = world.login("government")
    assert f'<option value="{item}"' in gov.get(f"/challenges/{cid}").get_data(as_text=True)
    gov.post(f"/challenges/{cid}/milestones/{tranche}/bind", data={"deliverable_id": str(item)})
    page = world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)
    assert 'data-testid="bound"' in page and "产线验证" in page


def test_an_overdue_milestone_is_flagged_on_the_contract_and_the_workbench(world):
    """A confirmed contract whose first milestone was due ten days ago: flagged overdue in the API, on the
    contract page and on the solver's workbench."""
    _cid, bid = accepted_bid(world)
    owner = world.login("owner")
    contract = contract_id(owner.post(f"/bids/{bid}/contract", data=form(
        start_date=day(-60), milestone_due_1=day(-10))))
    solver = world.login("solver")
    solver.post(f"/contracts/{contract}/confirm", data={"revision": "1"})
    assert world.api("solver", "GET", f"/contracts/{contract}").json["milestones"][0]["overdue"] is True
    assert 'data-testid="overdue"' in owner.get(f"/contracts/{contract}").get_data(as_text=True)
    assert "样机交付" in solver.get("/").get_data(as_text=True) and "已逾期" in solver.get("/").get_data(as_text=True)
