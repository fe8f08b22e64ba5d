"""Structured needs (#15 §1): technical indicators with targets and methods, acceptance criteria, the TRL sought
and the IP arrangement — by API, form and import; confidential indicators only for those entitled."""

from __future__ import annotations

import re

import pytest

from tests.webapp.test_pages_workflow import challenge_form, created_id

INDICATORS = [{"name": "热导率", "target": "≥ 400", "unit": "W/m·K", "method": "激光闪射法，第三方检测"},
              {"name": "量产成本", "target": "≤ 80", "unit": "元/片", "confidential": True}]
NEEDS = {"indicators": INDICATORS, "acceptance_criteria": "样品经第三方检测达到全部指标，并在产线连续运行30天。",
         "trl": 6, "ip_arrangement": "joint"}


def test_the_api_stores_needs_and_hides_confidential_indicators(world):
    """The owner reads every indicator; a solver without the terms and a visitor see the public one only."""
    cid = world.challenge("published", **NEEDS)
    mine = world.api("owner", "GET", f"/challenges/{cid}").json
    assert [i["name"] for i in mine["indicators"]] == ["热导率", "量产成本"]
    assert mine["trl"] == 6 and mine["ip_arrangement"] == "joint" and "连续运行30天" in mine["acceptance_criteria"]
    theirs = world.api("solver", "GET", f"/challenges/{cid}").json
    assert [i["name"] for i in theirs["indicators"]] == ["热导率"]
    world.api("solver", "POST", f"/challenges/{cid}/accept-terms")
    assert len(world.api("solver", "GET", f"/challenges/{cid}").json["indicators"]) == 2
    public = world.app.test_client().get(f"/challenges/{cid}").get_data(as_text=True)
    assert "热导率" in public and "≥ 400 W/m·K" in public and "量产成本" not in public
    assert "TRL 6" in public and "双方共有" in public


@pytest.mark.parametrize("needs, field", [
    ({"indicators": [{"name": "热导率", "target": " "}]}, "indicators.0.target"),
    ({"indicators": [{"name": "A", "target": "1"}, {"name": "A", "target": "2"}]}, "indicators"),
    ({"indicators": [{"name": f"指标{i}", "target": "1"} for i in range(11)]}, "indicators"),
    ({"trl": 10}, "trl"),
    ({"ip_arrangement": "sold"}, "ip_arrangement"),
])
def test_bad_needs_are_refused_naming_the_field(world, needs, field):
    """A blank target, a repeated name, more than 10 indicators, a TRL of 10, an unknown IP arrangement: 422."""
    from tests.world import challenge_payload
    response = world.api("owner", "POST", "/challenges", challenge_payload(**needs))
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json


def test_the_form_takes_indicator_rows_and_keeps_them_on_error(world):
    """Rows become indicators (blank rows skipped, the checkbox marks one confidential); a row without a target
    is marked on the form with everything typed kept; editing shows the rows again and can clear them."""
    owner = world.login("owner")
    rows = {"indicator_name_1": "热导率", "indicator_target_1": "≥ 400", "indicator_unit_1": "W/m·K",
            "indicator_name_3": "良率", "indicator_target_3": "≥ 95%", "indicator_confidential_3": "on",
            "acceptance_criteria": "第三方检测", "trl": "5", "ip_arrangement": "licence"}
    bad = owner.post("/challenges/new", data=challenge_form(**{**rows, "indicator_target_1": ""}))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="indicator_target_1-error"' in page and 'value="良率"' in page
    cid = created_id(owner.post("/challenges/new", data=challenge_form(**rows)))
    stored = world.api("owner", "GET", f"/challenges/{cid}").json
    assert [(i["name"], i["confidential"]) for i in stored["indicators"]] == [("热导率", False), ("良率", True)]
    assert stored["trl"] == 5 and stored["ip_arrangement"] == "licence"
    edit = owner.get(f"/challenges/{cid}/edit").get_data(as_text=True)
    assert re.search(r'name="indicator_name_2" value="良率"', edit)
    assert re.search(r'name="indicator_confidential_2"\s+checked', edit)
    owner.post(f"/challenges/{cid}/edit", data=challenge_form(trl="0"))
    cleared = world.api("owner", "GET", f"/challenges/{cid}").json
    assert cleared["indicators"] == [] and cleared["trl"] == 0


def test_an_import_cell_lists_indicators(world, tmp_path, runner):
    """A CSV cell `name|target|unit|method; …` imports as indicators."""
    from tests.world import challenge_payload
    payload = challenge_payload()
    header = "owner_email,title,summary,description,field,budget,deadline,region,indicators,trl\n"
    row = (f"owner@example.cn,{payload['title']},{payload['summary']},{payload['description']},{payload['field']},"
           f"{payload['budget']},{payload['deadline']},{payload['region']},"
           f"\"齿形误差|≤ 3|μm|三坐标测量; 良率|≥ 95%\",4\n")
    path = tmp_path / "challenges.csv"
    path.write_text(header + row, encoding="utf-8")
    result = runner.invoke(args=["import", "challenges", str(path)])
    assert result.exit_code == 0, result.output
    mine = world.api("owner", "GET", "/challenges/mine").json
    imported = mine["items"][0] if isinstance(mine, dict) else mine[0]
    assert [(i["name"], i["target"], i["unit"]) for i in imported["indicators"]] == [
        ("齿形误差", "≤ 3", "μm"), ("良率", "≥ 95%", "")]
    assert imported["trl"] == 4
