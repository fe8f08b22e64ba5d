"""Curation: ranked candidates with reasons, conflicts of interest, decisions, recommendations, freshness."""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select

from models.accounts import OrgKind
from models.curation import CuratorDecision, Recommendation
from tests.world import World, challenge_payload
from webapp import create_app, db
from webapp.i18n import BAND_LABELS

EXPERT = "精密齿轮成形磨削与砂轮修整，RV减速器摆线轮齿形误差在机测量与补偿"


def add_solver(world, nick: str, org_name: str, expertise: str, kind: OrgKind = OrgKind.UNIVERSITY) -> int:
    """A solver with a profile; returns the profile id."""
    return world.add_person(nick, org_name, expertise, kind=kind, keywords=("RV减速器", "磨削"))


@pytest.fixture
def curated(world):
    """A published challenge with an expert, an unrelated solver, and an expert inside the enterprise."""
    ids = {
        "expert": add_solver(world, "expert", "燕山大学", EXPERT),
        "unrelated": add_solver(world, "unrelated", "天津中医药大学", "中药配方颗粒特征图谱与含量测定"),
        "insider": add_solver(world, "insider", "津门精密机械有限公司", EXPERT, OrgKind.ENTERPRISE),
    }
    world.api("solver", "PATCH", "/profiles/me", {"expertise": "齿轮磨削工艺与砂轮修整参数优化"})
    ids["solver"] = world.api("solver", "GET", "/profiles/me").json["id"]
    ids["challenge"] = world.challenge("published")
    return ids


def ranked(world, nick: str, cid: int, kind: str = "solver"):
    """The API's ranking for a challenge, as `nick` sees it."""
    return world.api(nick, "GET", f"/challenges/{cid}/candidates?kind={kind}")


def test_manager_sees_solvers_ranked_with_reasons(world, curated):
    """Does a manager see the expert first, with a score and readable reasons?"""
    response = ranked(world, "manager", curated["challenge"])
    assert response.status_code == 200
    items = response.json["items"]
    assert items[0]["profile_id"] == curated["expert"]
    assert 0 < items[0]["score"] <= 1
    assert any(r["kind"] == "terms" and r["terms"] for r in items[0]["reasons"])
    assert response.json["engine_version"]


def test_conflicts_of_interest_never_appear(world, curated):
    """Is a candidate from the enterprise's own organisation never shown, in the API or on the page?"""
    ids = [i["profile_id"] for i in ranked(world, "manager", curated["challenge"]).json["items"]]
    assert curated["insider"] not in ids
    page = world.login("manager").get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    assert f'data-profile="{curated["insider"]}"' not in page
    assert f'data-profile="{curated["expert"]}"' in page


def test_each_shown_ranking_is_stored(world, curated):
    """Is every shown ranking stored as Recommendation rows with score, reasons and engine version?"""
    items = ranked(world, "manager", curated["challenge"]).json["items"]
    with world.app.app_context():
        rows = db.session().exec(select(Recommendation).where(
            Recommendation.challenge_id == curated["challenge"])).all()
        assert len(rows) == len(items)
        top = next(r for r in rows if r.rank == 1)
        assert top.profile_id == items[0]["profile_id"] and top.reasons and top.engine_version


def test_candidates_show_their_current_load(world, curated):
    """A solver whose bid was accepted on a live challenge shows load 1 of their capacity, page and API."""
    world.challenge("awarded")  # the cast's solver wins it
    items = ranked(world, "manager", curated["challenge"]).json["items"]
    mine = next(i for i in items if i["profile_id"] == curated["solver"])
    assert (mine["load"], mine["capacity"]) == (1, 3)
    page = world.login("manager").get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    assert '<span data-testid="load">1/3</span>' in page


def test_a_candidate_not_taking_work_reads_so_in_the_readers_language(world, curated):
    """An expert who switched availability off is marked "not taking new work" (not "full (0/0)" in English),
    and the load column still shows their real capacity."""
    assert world.api("expert", "PATCH", "/profiles/me", {"available": False}).status_code == 200
    client = world.login("manager")
    page = client.get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    row = page[page.index(f'data-profile="{curated["expert"]}"'):]
    row = row[:row.index("</tr>")]
    assert "暂不承接新任务" in row and "full" not in row and '<span data-testid="load">0/3</span>' in row
    client.get("/lang/en")
    english = client.get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    assert "Not taking new work" in english


def test_reasons_are_data_and_pages_word_them_in_the_readers_language(world, curated):
    """The API gives each reason as an object of a known kind with its own fields (no display text); the page
    words the same reasons in Chinese or English."""
    items = ranked(world, "manager", curated["challenge"]).json["items"]
    reasons = [r for item in items for r in item["reasons"]]
    assert reasons and {r["kind"] for r in reasons} <= {"terms", "keywords", "document", "region", "capacity"}
    terms = next(r for r in items[0]["reasons"] if r["kind"] == "terms")["terms"]
    assert terms and all(":" not in t for t in terms)
    client = world.login("manager")
    page = client.get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    assert f"共同术语：{'、'.join(terms)}" in page
    client.get("/lang/en")
    english = client.get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    assert f"Shared terms: {', '.join(terms)}" in english
    band = items[0]["band"]  # the same score and reasons, worded once per language (not once for both)
    assert f'class="band {band}">{BAND_LABELS[band][0]}<' in page and "共同术语" not in english
    assert f'class="band {band}">{BAND_LABELS[band][1]}<' in english and "Shared terms" not in page


def test_scores_carry_a_band_and_a_weak_ranking_says_so(world, curated):
    """Each score shows its calibrated band (page and API); a challenge nobody matches well gets the warning
    with what to do, a well-matched one does not."""
    items = ranked(world, "manager", curated["challenge"]).json["items"]
    assert items[0]["band"] in ("strong", "fair") and {i["band"] for i in items} <= {"strong", "fair", "weak"}
    client = world.login("manager")
    page = client.get(f"/challenges/{curated['challenge']}/candidates").get_data(as_text=True)
    assert 'class="band ' in page and 'data-testid="weak-matches"' not in page
    odd = world.challenge("published", title="深海热液区微生物采样装置", summary="深海热液喷口微生物原位采样。",
                          description="需要耐高温高压的深海热液喷口微生物原位采样与保真转移装置。",
                          keywords=["热液喷口", "原位采样"])
    weak = client.get(f"/challenges/{odd}/candidates").get_data(as_text=True)
    assert 'data-testid="weak-matches"' in weak and "凝练需求" in weak


def test_a_reload_stores_nothing_new_but_a_changed_ranking_is_stored(world, curated):
    """Viewing the same ranking again reuses its rows; once a profile changes the ranking, new rows appear."""
    cid = curated["challenge"]

    def stored() -> int:
        with world.app.app_context():
            return db.session().exec(select(func.count()).select_from(Recommendation)).one()

    ranked(world, "manager", cid)
    first = stored()
    ranked(world, "manager", cid)
    assert stored() == first
    world.api("other_solver", "PATCH", "/profiles/me", {"expertise": EXPERT + "，摆线轮磨削"})
    ranked(world, "manager", cid)
    assert stored() > first


def test_a_reload_after_another_worker_stored_an_older_ranking_stores_the_shown_one_again(world, curated):
    """A worker that already checked its ranking against the stored rows checks again once another worker
    (here: a row written as an older ranking would be) stored something newer for the challenge: the audit
    keeps what was last shown, and the page links that row."""
    cid = curated["challenge"]
    first = ranked(world, "manager", cid).json["items"][0]
    ranked(world, "manager", cid)  # checked and kept by this worker
    with world.app.app_context():
        session = db.session()
        session.add(Recommendation(challenge_id=cid, profile_id=first["profile_id"], rank=7, score=0.1,
                                   reasons=[], engine_version="older"))
        session.commit()
    again = ranked(world, "manager", cid).json["items"][0]
    with world.app.app_context():
        last = db.session().exec(select(Recommendation.id, Recommendation.rank, Recommendation.score).where(
            Recommendation.challenge_id == cid, Recommendation.profile_id == first["profile_id"])
            .order_by(col(Recommendation.id).desc())).first()
    assert tuple(last) == (again["recommendation_id"], 1, pytest.approx(first["score"]))
    assert again["recommendation_id"] != first["recommendation_id"]


def test_rejected_candidate_never_returns(world, curated):
    """After a manager rejects a candidate for a challenge, is it gone from that challenge's ranking?"""
    cid = curated["challenge"]
    decision = world.api("manager", "POST", f"/challenges/{cid}/decisions",
                         {"profile_id": curated["expert"], "decision": "reject", "reject_reason": "no_capacity"})
    assert decision.status_code == 201
    ids = [i["profile_id"] for i in ranked(world, "manager", cid).json["items"]]
    assert curated["expert"] not in ids
    other = world.challenge("published")
    assert curated["expert"] in [i["profile_id"] for i in ranked(world, "manager", other).json["items"]]


def test_accepted_candidates_stay_on_top(world, curated):
    """A shortlisted low scorer is listed before the engine's best, even outside the engine's top k."""
    cid = curated["challenge"]
    world.api("manager", "POST", f"/challenges/{cid}/decisions",
              {"profile_id": curated["unrelated"], "decision": "shortlist"})
    items = world.api("manager", "GET", f"/challenges/{cid}/candidates?k=1").json["items"]
    assert [i["profile_id"] for i in items] == [curated["unrelated"], curated["expert"]]
    assert items[0]["rank"] is None and items[0]["recommendation_id"] is None and items[1]["rank"] == 1


def test_a_conflict_rejection_reaches_the_enterprises_other_challenges(world, curated):
    """Rejected as a conflict of interest: gone from every challenge of that enterprise, not from others'."""
    cid = curated["challenge"]
    world.api("manager", "POST", f"/challenges/{cid}/decisions",
              {"profile_id": curated["expert"], "decision": "reject", "reject_reason": "conflict"})
    same_enterprise = world.challenge("published")
    shown = ranked(world, "manager", same_enterprise).json["items"]
    assert curated["expert"] not in [i["profile_id"] for i in shown]
    response = world.api("other_enterprise", "POST", "/challenges", challenge_payload())
    other = response.json["id"]
    world.api("other_enterprise", "POST", f"/challenges/{other}/submit")
    world.api("government", "POST", f"/challenges/{other}/publish")
    assert curated["expert"] in [i["profile_id"] for i in ranked(world, "manager", other).json["items"]]


def test_reject_needs_a_reason(world, curated):
    """Does rejecting without a structured reason answer 422, and 'other' need a note?"""
    cid = curated["challenge"]
    body = {"profile_id": curated["expert"], "decision": "reject"}
    assert world.api("manager", "POST", f"/challenges/{cid}/decisions", body).status_code == 422
    body["reject_reason"] = "other"
    assert world.api("manager", "POST", f"/challenges/{cid}/decisions", body).status_code == 422


def test_decisions_are_history(world, curated):
    """Are decisions kept, never overwritten, with the latest shown?"""
    cid = curated["challenge"]
    for decision in ("shortlist", "recommend"):
        world.api("manager", "POST", f"/challenges/{cid}/decisions",
                  {"profile_id": curated["expert"], "decision": decision, "note": "擅长摆线轮磨削"})
    with world.app.app_context():
        count = db.session().exec(select(func.count()).select_from(CuratorDecision)).one()
    assert count == 2
    items = ranked(world, "manager", cid).json["items"]
    assert next(i for i in items if i["profile_id"] == curated["expert"])["decision"] == "recommend"


def test_enterprise_sees_recommendation_with_note(world, curated):
    """Does the enterprise see the manager's recommended candidate and note on its challenge page?"""
    cid = curated["challenge"]
    world.login("manager").post(f"/challenges/{cid}/candidates/{curated['expert']}",
                                data={"decision": "recommend", "note": "摆线轮磨削经验丰富"})
    page = world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)
    assert "技术经理人推荐" in page and "摆线轮磨削经验丰富" in page and "expert" in page


def test_withdrawn_solver_is_not_proposed(world, curated):
    """Is a solver who withdrew a bid on the challenge left out of its ranking?"""
    cid = curated["challenge"]
    bid = world.bid(cid, "solver")
    world.api("solver", "POST", f"/bids/{bid}/withdraw")
    assert curated["solver"] not in [i["profile_id"] for i in ranked(world, "manager", cid).json["items"]]


@pytest.mark.parametrize("nick,status", [("owner", 200), ("solver", 403), ("manager", 200),
                                         ("commissioner", 403), ("government", 200)])
def test_who_sees_ranked_candidates(world, curated, nick, status):
    """Who may see ranked candidates (ARCHITECTURE: owner to view, managers, government)?"""
    assert ranked(world, nick, curated["challenge"]).status_code == status
    assert world.login(nick).get(f"/challenges/{curated['challenge']}/candidates").status_code == status


@pytest.mark.parametrize("nick,status", [("owner", 403), ("solver", 403), ("manager", 201),
                                         ("commissioner", 403), ("government", 201)])
def test_who_may_curate(world, curated, nick, status):
    """Who may record a curation decision?"""
    response = world.api(nick, "POST", f"/challenges/{curated['challenge']}/decisions",
                         {"profile_id": curated["expert"], "decision": "shortlist"})
    assert response.status_code == status


def test_other_enterprise_cannot_curate_unknown_challenge(world, curated):
    """Is a draft's ranking unknown (404) to everyone but its owner?"""
    draft = world.challenge("draft")
    assert ranked(world, "manager", draft).status_code == 404


def test_challenges_for_you_on_the_solver_home(world, curated):
    """Does a solver's home page list challenges ranked for their profile, with the match?"""
    page = world.login("solver").get("/").get_data(as_text=True)
    assert "为你推荐的榜单" in page and "高精度减速器齿轮磨削工艺优化" in page


def test_profile_edit_reaches_another_worker(tmp_path):
    """Does a profile edited through one worker change the ranking another worker serves, at once?"""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    config = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False}
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.create_all()
    world = World.build(first)
    add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    reader = second.test_client()
    before = reader.get(f"/api/v1/challenges/{cid}/candidates", headers=world.headers("manager")).json["items"]
    world.api("other_solver", "PATCH", "/profiles/me", {"expertise": EXPERT + "，摆线轮磨削，齿形误差补偿"})
    after = reader.get(f"/api/v1/challenges/{cid}/candidates", headers=world.headers("manager")).json["items"]
    edited = world.api("other_solver", "GET", "/profiles/me").json["id"]
    assert edited not in [i["profile_id"] for i in before]
    assert edited in [i["profile_id"] for i in after[:2]]
    for app in (first, second):
        db.dispose(app)


def test_match_report_counts_top_five_and_ten(world, curated, runner):
    """Does match-report show how often managers accepted the engine's top 5 and top 10, by field?"""
    cid = curated["challenge"]
    items = ranked(world, "manager", cid).json["items"]
    for item in items:
        decision = "recommend" if item["profile_id"] == curated["expert"] else "reject"
        world.api("manager", "POST", f"/challenges/{cid}/decisions",
                  {"profile_id": item["profile_id"], "decision": decision, "reject_reason": "off_topic"})
    result = runner.invoke(args=["match-report"])
    assert result.exit_code == 0
    lines = {tuple(line.split()[:2]): line.split()[2:] for line in result.output.splitlines()[1:]}
    decided, accepted = len(items), 1
    assert lines[("all", "5")][:2] == [str(min(decided, 5)), str(accepted)]
    assert lines[("smart_manufacturing", "10")][:2] == [str(decided), str(accepted)]


def test_match_report_without_decisions(runner, app):
    """Does match-report say so when nothing was curated yet?"""
    result = runner.invoke(args=["match-report"])
    assert result.exit_code == 0 and "No curation decisions yet" in result.output


ACHIEVEMENT = {"title": "摆线轮齿形误差在机检测与补偿系统", "abstract": "集成于数控磨齿机的齿形在机测头与误差补偿软件，"
               "RV减速器摆线轮齿形误差由6μm降至2.5μm。", "field": "smart_manufacturing",
               "keywords": ["摆线轮", "齿形误差", "在机测量"], "maturity": "pilot", "region": "tianjin"}


def test_achievement_page_lists_challenges_it_could_answer(world, curated):
    """Does an achievement's page list the published challenge it could answer (成果 → 需求)?"""
    created = world.api("solver", "POST", "/achievements", ACHIEVEMENT).json
    page = world.login("owner").get(f"/achievements/{created['id']}").get_data(as_text=True)
    assert "可解决的榜单" in page and "高精度减速器齿轮磨削工艺优化" in page


def test_challenge_page_lists_matching_achievements_for_curators(world, curated):
    """Do the owner and managers see matching achievements on a challenge page, and solvers not?"""
    world.api("solver", "POST", "/achievements", ACHIEVEMENT)
    world.api("other_solver", "POST", "/achievements", {**ACHIEVEMENT, "title": "中药配方颗粒特征图谱",
                                                        "abstract": "标准汤剂量值传递与含量测定。", "field": "tcm",
                                                        "keywords": ["配方颗粒"]})
    cid = curated["challenge"]
    for nick in ("owner", "manager"):
        page = world.login(nick).get(f"/challenges/{cid}").get_data(as_text=True)
        assert "相关科技成果" in page and "摆线轮齿形误差在机检测与补偿系统" in page
        assert "中药配方颗粒特征图谱" not in page
    assert "相关科技成果" not in world.login("solver").get(f"/challenges/{cid}").get_data(as_text=True)
