"""需求诊断: completeness findings, supply by band and region (names only for managers and government),
keyword suggestions — on pages and API, for the right people only."""

from __future__ import annotations

from tests.webapp.test_reviews import GEARS

VAGUE = {"title": "齿轮加工问题", "summary": "需要改进齿轮加工。",
         "description": "我们的齿轮加工有问题，希望找人帮忙解决。", "keywords": ["成形磨削"]}
COMPLETE = {"description": "现有RV减速器摆线轮成形磨削后齿形误差偏大，需要在机测量与误差补偿方案：齿形误差 ≤ 5 μm，"
                           "批量一致性 Cpk ≥ 1.33；交付样机一台，经第三方检测报告验收后导入产线。",
            "keywords": ["RV减速器", "摆线轮", "齿形误差"]}


def experts(world) -> dict[str, int]:
    """Two gear experts (keywords the challenge lacks) and an unrelated one."""
    return {"gear": world.add_person("gear", "燕山大学", GEARS, keywords=("摆线轮", "砂轮修整", "在机测量")),
            "gear2": world.add_person("gear2", "河北工业大学", GEARS + "，机器人关节", keywords=("砂轮修整",)),
            "herbs": world.add_person("herbs", "天津中医药大学", "中药配方颗粒特征图谱与含量测定")}


def codes(body: dict) -> set[str]:
    return {f["code"] for f in body["findings"]}


def test_a_vague_draft_is_told_what_solvers_will_miss(world):
    """Short text, no indicator, no acceptance criterion, a keyword absent from the text: each named with the
    field to fix; a complete challenge has none of them."""
    vague = world.challenge("draft", **VAGUE)
    body = world.api("owner", "GET", f"/challenges/{vague}/diagnosis").json
    assert codes(body) == {"short", "indicator", "acceptance", "absent"}
    assert {f["field"] for f in body["findings"]} == {"description", "indicator_name_1", "acceptance_criteria",
                                                      "keywords"}
    complete = world.challenge("draft", **COMPLETE)
    assert codes(world.api("owner", "GET", f"/challenges/{complete}/diagnosis").json) == set()


def test_structured_indicators_and_criteria_count_as_stated(world):
    """Indicators and acceptance criteria given in their own fields satisfy the diagnosis even when the text
    has no number in it."""
    stated = world.challenge("draft", **VAGUE, indicators=[{"name": "齿形误差", "target": "≤ 3", "unit": "μm"}],
                             acceptance_criteria="第三方计量机构出具检测报告")
    assert codes(world.api("owner", "GET", f"/challenges/{stated}/diagnosis").json) == {"short", "absent"}


def test_supply_counts_bands_and_hides_names_from_the_enterprise(world):
    """The gear experts count as strong or fair solvers, the herbalist does not; the enterprise sees bands
    only, government and managers see who."""
    people = experts(world)
    cid = world.challenge("published", **COMPLETE)
    mine = world.api("owner", "GET", f"/challenges/{cid}/diagnosis").json
    solvers = next(s for s in mine["supply"] if s["kind"] == "solver")
    assert solvers["strong"] + solvers["fair"] == 2 and solvers["in_region"] + solvers["outside"] == 2
    assert all(m["name"] is None and m["band"] in ("strong", "fair") for m in solvers["best"])
    for nick in ("government", "manager"):
        seen = world.api(nick, "GET", f"/challenges/{cid}/diagnosis").json
        named = next(s for s in seen["supply"] if s["kind"] == "solver")["best"]
        assert {m["link"] for m in named} == {f"/profiles/{people['gear']}", f"/profiles/{people['gear2']}"}
    assert [s["kind"] for s in mine["supply"]] == ["solver", "manager", "commissioner", "achievement"]


def test_keywords_of_the_best_matching_solvers_are_suggested(world):
    """砂轮修整 — used by both gear experts, absent from the challenge — is suggested first; a keyword the
    challenge already has is never suggested."""
    experts(world)
    cid = world.challenge("published", **COMPLETE)
    suggested = world.api("owner", "GET", f"/challenges/{cid}/diagnosis").json["suggestions"]
    assert suggested[0] == "砂轮修整" and "摆线轮" not in suggested and "在机测量" not in suggested


def test_who_may_diagnose(world):
    """The enterprise its own drafts; government once submitted; managers once published; others never."""
    draft = world.challenge("draft", **VAGUE)
    assert world.api("government", "GET", f"/challenges/{draft}/diagnosis").status_code == 404
    assert world.api("other_enterprise", "GET", f"/challenges/{draft}/diagnosis").status_code == 404
    submitted = world.challenge("submitted", **VAGUE)
    assert world.api("government", "GET", f"/challenges/{submitted}/diagnosis").status_code == 200
    assert world.api("manager", "GET", f"/challenges/{submitted}/diagnosis").status_code == 404
    published = world.challenge("published", **VAGUE)
    assert world.api("solver", "GET", f"/challenges/{published}/diagnosis").status_code == 403
    assert world.api("manager", "GET", f"/challenges/{published}/diagnosis").status_code == 200


def test_the_pages_link_to_the_diagnosis_for_the_owner_and_the_vetting_government(world):
    """The owner's draft and government's vetting queue link to the diagnosis page, which shows each part."""
    experts(world)
    draft = world.challenge("draft", **VAGUE)
    owner = world.login("owner")
    assert f'href="/challenges/{draft}/diagnosis"' in owner.get(f"/challenges/{draft}").get_data(as_text=True)
    page = owner.get(f"/challenges/{draft}/diagnosis").get_data(as_text=True)
    assert all(f'data-testid="{part}"' in page for part in ("completeness", "supply", "suggestions"))
    supply = page[page.index('data-testid="supply"'):page.index('data-testid="suggestions"')]
    assert 'data-finding="indicator"' in page and 'href="/profiles/' not in supply and 'class="band ' in supply
    submitted = world.challenge("submitted", **COMPLETE)
    queue = world.login("government").get("/government/vetting").get_data(as_text=True)
    assert f'href="/challenges/{submitted}/diagnosis"' in queue
