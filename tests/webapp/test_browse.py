"""Solvers browse published challenges: full text (Chinese, English), filters, sorting, pages."""

from __future__ import annotations

import datetime as dt

import pytest

from models.common import today
from tests.world import challenge_payload


@pytest.fixture
def catalogue(world):
    """Four published challenges and one draft, different in text, field, region, budget, deadline."""
    soon = (today() + dt.timedelta(days=20)).isoformat()
    late = (today() + dt.timedelta(days=200)).isoformat()
    ids = {
        "gear": world.challenge("published"),
        "battery": world.challenge("published", title="磷酸铁锂电池低温快充", summary="提升-20℃充电能力。",
                                   description="研究电解液与负极改性，抑制析锂。", field="new_energy",
                                   keywords=["锂离子电池", "低温"], budget=3_000_000, region="hebei",
                                   deadline=soon),
        "vision": world.challenge("published", title="Steel surface defect detection with Transformer",
                                  summary="基于Transformer的缺陷检测，实时推理。",
                                  description="Real-time inference on domestic AI accelerators.", field="ai",
                                  keywords=["defect detection", "GaN"], budget=1_500_000, region="beijing",
                                  deadline=late),
        "alloy": world.challenge("published", title="Ti-6Al-4V钛合金增材制造", summary="钛合金构件的激光增材。",
                                 description="控制孔隙与残余应力。", field="new_materials",
                                 keywords=["Ti-6Al-4V", "增材制造"], budget=200_000, region="tianjin"),
        "draft": world.challenge("draft", title="磷酸铁锂电池草稿"),
    }
    return ids


def search(world, query: str) -> list[int]:
    """Ids returned by the API for a query string."""
    return [c["id"] for c in world.api("solver", "GET", f"/challenges?{query}").json["items"]]


def test_only_published_challenges_are_listed(world, catalogue):
    """Are drafts kept out of the list?"""
    assert catalogue["draft"] not in search(world, "per_page=100")
    assert len(search(world, "per_page=100")) == 4


@pytest.mark.parametrize("query,expected", [
    ("q=锂电池", "battery"),
    ("q=磷酸铁锂", "battery"),
    ("q=低温 快充", "battery"),
    ("q=transformer", "vision"),
    ("q=TRANSFORMER", "vision"),
    ("q=缺陷检测", "vision"),
    ("q=ti-6al-4v", "alloy"),
    ("q=Ｔｉ－６Ａｌ－４Ｖ", "alloy"),
    ("q=减速器", "gear"),
])
def test_full_text_search_in_chinese_and_english(world, catalogue, query, expected):
    """Does full-text search find challenges by Chinese words, English words and model numbers?"""
    assert search(world, query) == [catalogue[expected]]


def test_search_with_no_match_is_empty(world, catalogue):
    """Does a word no challenge has return nothing (not everything)?"""
    assert search(world, "q=量子计算") == []


@pytest.mark.parametrize("query,expected", [
    ("field=new_energy", {"battery"}),
    ("region=beijing", {"vision"}),
    ("budget_min=1000000", {"battery", "vision"}),
    ("budget_max=500000", {"alloy"}),
    ("budget_min=1000000&budget_max=2000000", {"vision"}),
    (f"deadline_before={(today() + dt.timedelta(days=30)).isoformat()}", {"battery"}),
    (f"deadline_after={(today() + dt.timedelta(days=100)).isoformat()}", {"vision"}),
])
def test_filters(world, catalogue, query, expected):
    """Do field, region, budget and deadline filters narrow the list?"""
    assert set(search(world, query)) == {catalogue[name] for name in expected}


def test_sort_by_budget_and_deadline(world, catalogue):
    """Do the sort orders order by budget and deadline?"""
    assert search(world, "sort=budget_desc")[0] == catalogue["battery"]
    assert search(world, "sort=budget_asc")[0] == catalogue["alloy"]
    assert search(world, "sort=deadline")[0] == catalogue["battery"]


def test_pagination(world, catalogue):
    """Do pages split the list without losing or repeating a challenge?"""
    first = world.api("solver", "GET", "/challenges?per_page=3&page=1").json
    second = world.api("solver", "GET", "/challenges?per_page=3&page=2").json
    assert first["total"] == 4
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    assert {c["id"] for c in first["items"]} | {c["id"] for c in second["items"]} == set(catalogue.values()) - {
        catalogue["draft"]}


def test_browse_page_filters_and_shows_results(world, catalogue):
    """Does the browse page show what the filters select, in Chinese labels?"""
    page = world.login("solver").get("/challenges/?q=锂电池&field=new_energy").get_data(as_text=True)
    assert "磷酸铁锂电池低温快充" in page
    assert "高精度减速器" not in page
    assert "共找到 1 个榜单" in page


def test_browse_page_paginates(world, catalogue):
    """Does the browse page link to the next page?"""
    page = world.login("solver").get("/challenges/?per_page=2").get_data(as_text=True)
    assert "下一页" in page and "page=2" in page


def test_public_summary_only_in_listing(world, catalogue):
    """Does the list never carry confidential details to a solver?"""
    items = world.api("solver", "GET", "/challenges").json["items"]
    assert all(item["confidential_details"] is None for item in items)
    assert challenge_payload()["confidential_details"] not in world.login("solver").get(
        "/challenges/").get_data(as_text=True)


def test_search_is_ranked_by_the_engine(world, catalogue):
    """A general word finds every challenge about it, the closest first; a specific query only the specific
    one; words not all present still find the challenge the engine ranks (an AND of words would not); another
    sort orders the same set; an English word does not find Chinese text (monolingual, and the page says so)."""
    assert search(world, "q=检测") == [catalogue["vision"], catalogue["gear"]]
    assert search(world, "q=缺陷检测") == [catalogue["vision"]]
    assert search(world, "q=低温 电池 固态") == [catalogue["battery"]]
    assert search(world, "q=检测&sort=budget_asc") == [catalogue["gear"], catalogue["vision"]]
    assert search(world, "q=检测&region=beijing") == [catalogue["vision"]]
    assert search(world, "q=battery") == []
    page = world.app.test_client().get("/challenges/?q=battery").get_data(as_text=True)
    assert "battery does not find 电池" in page or "battery 找不到" in page


def test_a_new_challenge_is_found_at_once(world, catalogue):
    """The cached ranking follows the published challenges: a challenge published after a search is found by
    the next one."""
    assert search(world, "q=钙钛矿") == []
    fresh = world.challenge("published", title="钙钛矿光伏组件封装寿命", summary="钙钛矿组件湿热老化。",
                            description="封装材料与边缘密封，通过 IEC 61215 湿热 1000 小时。",
                            keywords=["钙钛矿", "封装"], field="new_energy")
    assert search(world, "q=钙钛矿") == [fresh]
