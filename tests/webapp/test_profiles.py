"""Profiles with documents, and achievements (科技成果)."""

from __future__ import annotations

import pytest

ACHIEVEMENT = {"title": "低界面态SiC栅氧工艺", "abstract": "高温氧化与多步氮化退火，降低界面态密度。",
               "field": "semiconductor", "keywords": ["SiC", "栅氧"], "maturity": "pilot", "region": "tianjin",
               "patent_numbers": "ZL202310000000.1", "terms": "技术转让"}


def test_solver_edits_profile_through_api(world):
    """Can a solver change expertise, keywords and capacity?"""
    response = world.api("solver", "PATCH", "/profiles/me", {"expertise": "宽禁带半导体器件工艺",
                                                             "keywords": ["SiC", "GaN"], "capacity": 4})
    assert response.status_code == 200
    assert response.json["keywords"] == ["SiC", "GaN"]
    assert world.api("other_solver", "GET", f"/profiles/{response.json['id']}").json["capacity"] == 4


@pytest.mark.parametrize("change,field", [({"capacity": -1}, "capacity"), ({"region": "mars"}, "region"),
                                          ({"display_name": " "}, "display_name")])
def test_bad_profile_edit_is_refused(world, change, field):
    """Does a bad profile edit answer 422 naming the field?"""
    response = world.api("solver", "PATCH", "/profiles/me", change)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_enterprise_has_no_profile(world):
    """Is an enterprise told it keeps no candidate profile (403)?"""
    assert world.api("owner", "GET", "/profiles/me").status_code == 403
    assert world.login("owner").get("/profiles/me").status_code == 403


def test_documents_added_listed_and_removed(world):
    """Can a solver add papers and patents, list them, and remove one of their own only?"""
    paper = world.api("solver", "POST", "/profiles/me/documents",
                      {"kind": "paper", "title": "NO退火对4H-SiC界面态的影响", "text": "摘要", "date": "2024-05-01"})
    assert paper.status_code == 201
    profile_id = world.api("solver", "GET", "/profiles/me").json["id"]
    listed = world.api("manager", "GET", f"/profiles/{profile_id}/documents").json["items"]
    assert [d["title"] for d in listed] == ["NO退火对4H-SiC界面态的影响"]
    doc_id = paper.json["id"]
    assert world.api("other_solver", "DELETE", f"/profiles/me/documents/{doc_id}").status_code == 404
    assert world.api("solver", "DELETE", f"/profiles/me/documents/{doc_id}").status_code == 200
    assert world.api("manager", "GET", f"/profiles/{profile_id}/documents").json["items"] == []


def test_profile_page_edit_and_documents(world):
    """Can a commissioner edit their profile and add a service record on the page?"""
    client = world.login("commissioner")
    form = {"display_name": "王科特", "expertise": "设施农业环境调控", "keywords": "温室, 水肥一体化",
            "region": "hebei", "capacity": "2", "available": "on"}
    assert client.post("/profiles/me", data=form).status_code == 302
    client.post("/profiles/me/documents", data={"kind": "service_record", "title": "饶阳县温室技术服务",
                                                "text": "", "date": ""})
    page = client.get("/profiles/me").get_data(as_text=True)
    assert "设施农业环境调控" in page and "饶阳县温室技术服务" in page


def test_profile_directory_filters_by_kind_and_words(world):
    """Does the directory filter by kind and expertise words?"""
    world.api("solver", "PATCH", "/profiles/me", {"expertise": "碳化硅功率器件"})
    assert [p["kind"] for p in world.api("owner", "GET", "/profiles?kind=manager").json["items"]] == ["manager"]
    found = world.api("owner", "GET", "/profiles?q=碳化硅").json["items"]
    assert [p["user_id"] for p in found] == [world.users["solver"]["id"]]
    assert "碳化硅功率器件" in world.login("owner").get("/profiles/?q=碳化硅").get_data(as_text=True)


def test_solver_lists_and_others_browse_achievements(world):
    """Can a solver list an achievement that others then find by field and words?"""
    created = world.api("solver", "POST", "/achievements", ACHIEVEMENT)
    assert created.status_code == 201
    assert created.json["keywords"] == ["SiC", "栅氧"]
    found = world.api("owner", "GET", "/achievements?field=semiconductor&q=栅氧").json
    assert found["total"] == 1
    page = world.login("owner").get(f"/achievements/{created.json['id']}").get_data(as_text=True)
    assert "低界面态SiC栅氧工艺" in page and "中试" in page


@pytest.mark.parametrize("nick", ["owner", "manager", "commissioner", "government"])
def test_only_solvers_list_achievements(world, nick):
    """Can anyone but a solver list an achievement? 403."""
    assert world.api(nick, "POST", "/achievements", ACHIEVEMENT).status_code == 403


def test_achievement_form_errors(world):
    """Does the achievement form come back with messages on bad input?"""
    response = world.login("solver").post("/achievements/new", data={**ACHIEVEMENT, "title": "", "field": "x"})
    assert response.status_code == 422
    assert "此项不能为空" in response.get_data(as_text=True)


def test_expert_search_finds_keywords_and_ranks_by_relevance(world):
    """A keyword shown on an expert's card (only in their keywords) finds them; a name finds its person first;
    the closer expert ranks above a looser one; an unrelated expert is not listed."""
    gears = world.add_person("gears", "燕山大学", "精密传动研究", keywords=("摆线轮", "RV减速器"))
    loose = world.add_person("loose", "河北工业大学", "工业机器人关节减速器的装配与测试")
    world.add_person("herbs", "天津中医药大学", "中药配方颗粒特征图谱与含量测定")
    found = [p["id"] for p in world.api("owner", "GET", "/profiles?q=摆线轮").json["items"]]
    assert found[0] == gears and len(found) == 1
    ranked = [p["id"] for p in world.api("owner", "GET", "/profiles?q=RV减速器").json["items"]]
    assert ranked.index(gears) < ranked.index(loose)
    by_name = world.api("owner", "GET", "/profiles?q=herbs").json["items"]
    assert by_name[0]["user_id"] == world.users["herbs"]["id"]
    page = world.login("owner").get("/profiles/?q=摆线轮").get_data(as_text=True)
    assert f'href="/profiles/{gears}"' in page and f'href="/profiles/{loose}"' not in page


@pytest.mark.parametrize("path", ["/profiles", "/achievements"])
def test_a_search_of_only_common_words_is_refused_everywhere(world, path):
    """Experts and achievements, like challenges: no word to search for is a 422 naming q, and a marked field
    on the page that keeps what was typed."""
    response = world.api("owner", "GET", f"{path}?q=the")
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"q"}
    page = world.login("owner").get(f"{path}/?q=the")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'name="q" class="invalid" aria-invalid="true"' in html
    assert 'value="the"' in html


def test_achievement_search_ranks_by_the_engine(world):
    """Words of an achievement's keywords find it ranked first; a field filter still applies."""
    sic = world.api("solver", "POST", "/achievements", ACHIEVEMENT).json["id"]
    other = world.api("solver", "POST", "/achievements", {
        **ACHIEVEMENT, "title": "功率模块封装散热基板", "abstract": "氮化铝陶瓷覆铜基板，用于SiC功率模块散热。",
        "keywords": ["散热基板"], "field": "new_materials"}).json["id"]
    found = [a["id"] for a in world.api("owner", "GET", "/achievements?q=SiC 栅氧").json["items"]]
    assert found[0] == sic and other in found
    only = [a["id"] for a in world.api("owner", "GET", "/achievements?q=SiC&field=new_materials").json["items"]]
    assert only == [other]
