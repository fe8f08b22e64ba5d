"""Declared conflicts of interest: either side declares; a declared pair never appears in any ranking."""

from __future__ import annotations

from models.accounts import Role
from tests.webapp.test_curation import ACHIEVEMENT, EXPERT, add_solver


def declare(world, nick: str, **payload):
    """Declare through the API."""
    return world.api(nick, "POST", "/conflicts", payload)


def ranked_ids(world, cid: int) -> set[int]:
    """Profile ids the manager sees for a challenge, through the API."""
    return {i["profile_id"] for i in world.api("manager", "GET", f"/challenges/{cid}/candidates").json["items"]}


def test_enterprise_declared_conflict_hides_the_candidate_everywhere(world):
    """After the enterprise declares, the expert leaves the API ranking, the page, and cannot be recommended."""
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    cid = world.challenge("published")
    assert expert in ranked_ids(world, cid)
    assert declare(world, "owner", profile_id=expert, note="前员工").status_code == 201
    assert expert not in ranked_ids(world, cid)
    page = world.login("manager").get(f"/challenges/{cid}/candidates").get_data(as_text=True)
    assert f'data-profile="{expert}"' not in page
    refused = world.api("manager", "POST", f"/challenges/{cid}/decisions",
                        {"profile_id": expert, "decision": "recommend"})
    assert refused.status_code == 409


def test_person_declared_conflict_hides_the_enterprises_challenges_from_them(world):
    """A solver who declares a conflict with the enterprise no longer sees its challenge for them, nor is ranked."""
    world.api("solver", "PATCH", "/profiles/me", {"expertise": EXPERT})
    me = world.api("solver", "GET", "/profiles/me").json["id"]
    cid = world.challenge("published")
    assert me in ranked_ids(world, cid)
    assert declare(world, "solver", organisation_id=world.users["owner"]["org"]).status_code == 201
    assert me not in ranked_ids(world, cid)
    home = world.login("solver").get("/").get_data(as_text=True)
    assert f"/challenges/{cid}\"" not in home
    assert declare(world, "solver", organisation_id=world.users["owner"]["org"]).status_code == 409


def test_bad_declarations_and_withdrawal(world):
    """Missing target: 422 naming the field; government cannot declare; only the declarer withdraws."""
    assert "profile_id" in declare(world, "owner").json["error"]["fields"]
    assert "organisation_id" in declare(world, "solver").json["error"]["fields"]
    assert declare(world, "government", organisation_id=1).status_code == 403
    row = declare(world, "solver", organisation_id=world.users["owner"]["org"]).json
    assert world.api("owner", "GET", "/conflicts").json["items"][0]["id"] == row["id"]
    assert world.api("owner", "DELETE", f"/conflicts/{row['id']}").status_code == 404
    assert world.api("solver", "DELETE", f"/conflicts/{row['id']}").status_code == 200
    assert world.api("solver", "GET", "/conflicts").json["items"] == []


def test_pages_declare_from_a_profile_and_from_the_conflicts_page(world):
    """The enterprise declares on a profile page; a commissioner picks an enterprise on /conflicts."""
    expert = add_solver(world, "expert", "燕山大学", EXPERT)
    owner = world.login("owner")
    response = owner.post("/conflicts/", data={"profile_id": str(expert), "next": f"/profiles/{expert}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/profiles/{expert}"
    assert "expert" in owner.get("/conflicts/").get_data(as_text=True)
    world.add_person("orchard", "天津市农业科学院", "果园栽培", Role.COMMISSIONER)
    commissioner = world.login("orchard")
    assert "津门精密机械有限公司" in commissioner.get("/conflicts/").get_data(as_text=True)
    response = commissioner.post("/conflicts/", data={"organisation_id": str(world.users["owner"]["org"]),
                                                      "next": "https://evil.example/"})
    assert response.headers["Location"] == "/conflicts/"


def test_a_conflicted_owners_achievement_is_not_proposed_either_way(world):
    """After the solver declares a conflict with the enterprise, neither side sees the other's match."""
    world.api("solver", "POST", "/achievements", ACHIEVEMENT)
    achievement = world.api("solver", "GET", "/achievements").json["items"][0]["id"]
    cid = world.challenge("published")
    owner = world.login("owner")
    assert "摆线轮齿形误差在机检测与补偿系统" in owner.get(f"/challenges/{cid}").get_data(as_text=True)
    declare(world, "solver", organisation_id=world.users["owner"]["org"])
    assert "摆线轮齿形误差在机检测与补偿系统" not in owner.get(f"/challenges/{cid}").get_data(as_text=True)
    page = world.login("solver").get(f"/achievements/{achievement}").get_data(as_text=True)
    assert f"/challenges/{cid}\"" not in page
