"""验收 by forms: the enterprise refers the reported final milestone on the contract page, a panellist finds it
in their queue and judges on the sheet (a bad sheet keeps what was typed and marks the criterion), and the
enterprise concludes the panel; the workbench lines lead there."""

from __future__ import annotations

import re

from tests.webapp.test_acceptance import DUE, INDICATORS, delivered, experts, seats  # noqa: F401 (fixture)


def test_the_panel_by_forms_from_referral_to_completion(world, experts):  # noqa: F811 (fixture)
    cid = world.challenge("published", indicators=INDICATORS, acceptance_criteria="第三方检测报告齐全")
    _cid, contract = delivered(world, cid)
    owner, solver = world.login("owner"), world.login("solver")
    page = owner.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    assert 'data-testid="refer"' in page and "提交专家验收" in page
    assert owner.post(f"/contracts/{contract['id']}/acceptance", data={"size": "9", "deadline": DUE}).status_code == 302
    assert world.api("owner", "GET", f"/contracts/{contract['id']}/acceptance").json["items"] == []
    assert owner.post(f"/contracts/{contract['id']}/acceptance", data={"size": "1", "deadline": DUE}).status_code == 302
    page = owner.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    assert 'data-testid="with-panel"' in page and 'data-testid="refer"' not in page and "齿形误差" in page
    panel = world.api("owner", "GET", f"/contracts/{contract['id']}/acceptance").json["items"][0]
    (nick, seat), = seats(world, panel).items()
    assert panel["panel"][0]["reviewer"] in page  # named for the organiser
    assert panel["panel"][0]["reviewer"] not in solver.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    expert = world.login(nick)
    queue = expert.get("/reviews/mine").get_data(as_text=True)
    assert f"/acceptance/seats/{seat}" in queue and "验收" in queue
    sheet = expert.get(f"/acceptance/seats/{seat}").get_data(as_text=True)
    assert "产线验证完成，良率 96%" in sheet and "≥ 95 %" in sheet  # the report, the confidential indicator
    assert f'action="/acceptance/seats/{seat}/conflict"' in sheet and "申报回避" in sheet
    bad = expert.post(f"/acceptance/seats/{seat}", data={"verdict_1": "met", "note_1": "实测 2.6 μm",
                                                          "conclusion": "pass"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="实测 2.6 μm"' in text and 'id="verdict_2-error"' in text
    good = {f"verdict_{i}": "met" for i in range(1, 5)} | {"conclusion": "pass", "comment": "指标全部达到"}
    assert expert.post(f"/acceptance/seats/{seat}", data=good).status_code == 302
    assert owner.post(f"/acceptance/{panel['id']}/conclude", data={"outcome": "complete"}).status_code == 302
    done = owner.get(f"/contracts/{contract['id']}").get_data(as_text=True)
    assert 'data-testid="contract-status">已完成' in done and "指标全部达到" in done
    assert 'data-testid="conclude"' not in done
    assert 'disabled' in expert.get(f"/acceptance/seats/{seat}").get_data(as_text=True)  # read-only once concluded


def test_the_workbenches_lead_to_the_sheet_and_to_the_conclusion(world, experts):  # noqa: F811 (fixture)
    _cid, contract = delivered(world)
    panel = world.api("owner", "POST", f"/contracts/{contract['id']}/acceptance", {"size": 1, "deadline": DUE}).json
    (nick, seat), = seats(world, panel).items()
    home = world.login(nick).get("/").get_data(as_text=True)
    assert f"/acceptance/seats/{seat}" in home
    world.api(nick, "PUT", f"/acceptance-assignments/{seat}", {"verdicts": ["met"], "conclusion": "fail"})
    owner_home = world.login("owner").get("/").get_data(as_text=True)
    assert f"/contracts/{contract['id']}#acceptance" in owner_home


def test_outsiders_do_not_know_the_sheet(world, experts):  # noqa: F811 (fixture)
    _cid, contract = delivered(world)
    panel = world.api("owner", "POST", f"/contracts/{contract['id']}/acceptance", {"size": 1, "deadline": DUE}).json
    (_nick, seat), = seats(world, panel).items()
    for nick in ("owner", "solver", "manager", "other_solver"):
        assert world.login(nick).get(f"/acceptance/seats/{seat}").status_code == 404
    assert world.login("solver").post(f"/acceptance/{panel['id']}/conclude",
                                      data={"outcome": "complete"}).status_code == 403
    assert re.search(r"验收|acceptance", world.login("solver").get(
        f"/contracts/{contract['id']}").get_data(as_text=True))
