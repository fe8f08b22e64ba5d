"""Form rules from the interface review: cross-field errors mark their fields, no default decision, limits
shown, scores out of 100, as many milestone rows as a subsidy may have."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import func, select

from models.accounts import Role
from models.common import today
from models.curation import CuratorDecision
from models.subsidies import MAX_MILESTONES
from tests.webapp.test_curation import EXPERT, add_solver
from tests.webapp.test_dispatch import ORCHARD, ask
from webapp import db


def marked(html: str, name: str) -> bool:
    """Whether the form marks the input `name` as invalid, with its message beside it."""
    label = re.search(rf'<label class="field invalid">(?:(?!</label>).)*name="{name}"(?:(?!</label>).)*</label>', html,
                      re.S)
    return label is not None and 'class="error"' in label.group(0)


def test_a_dashboard_period_ending_before_it_starts_marks_the_end_and_draws_nothing(world):
    """End before start: 422, the end date marked with its message, the dates kept, and no (unfiltered)
    figures under a filter that looks applied."""
    page = world.login("government").get("/government/dashboard/?start=2026-06-01&end=2026-05-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and marked(html, "end") and not marked(html, "start")
    assert 'value="2026-05-01"' in html and 'class="card figure"' not in html


def test_a_dispatch_period_ending_before_it_starts_names_the_end_date(world):
    """Does the API name end_date (not the whole body) for a period that ends before it starts?"""
    request = ask(world, "owner", ORCHARD)
    start = today() + dt.timedelta(days=30)
    response = world.api("government", "POST", "/dispatch/proposals", {
        "request_ids": [request], "start_date": start.isoformat(),
        "end_date": (start - dt.timedelta(days=1)).isoformat()})
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"end_date"}


def test_a_budget_minimum_above_the_maximum_is_an_error_not_an_empty_list(world):
    """budget_min > budget_max: 422 naming budget_max in the API; the page says so instead of finding nothing."""
    response = world.api("solver", "GET", "/challenges?budget_min=500000&budget_max=100000")
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"budget_max"}
    page = world.login("solver").get("/challenges/?budget_min=500000&budget_max=100000")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "最高值不能低于最低值" in html and "&lt;" not in html
    assert 'name="budget_max" class="invalid" aria-invalid="true"' in html and "budget_max:" not in html


@pytest.mark.parametrize("q", ["the", "OR", "*", "的 和 与", "!!!"])
def test_a_search_of_only_common_words_or_symbols_asks_for_a_better_one(world, q):
    """A query with no word to search for is a 422 naming q in the API, and on the page a marked field that
    keeps what was typed — never every challenge."""
    cid = world.challenge("published")
    response = world.app.test_client().get("/api/v1/challenges", query_string={"q": q},
                                           headers=world.headers("solver"))
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"q"}
    page = world.login("solver").get("/challenges/", query_string={"q": q})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'name="q" class="invalid" aria-invalid="true"' in html
    assert f'href="/challenges/{cid}"' not in html and "更具体" in html


def test_a_search_with_one_real_word_among_common_ones_still_finds(world):
    """Common words beside a real term are ignored, not refused."""
    cid = world.challenge("published")
    items = world.app.test_client().get("/api/v1/challenges", query_string={"q": "the 磨削"},
                                        headers=world.headers("solver")).json["items"]
    assert [i["id"] for i in items] == [cid]


def test_a_subsidy_whose_milestones_do_not_add_up_marks_the_amount(world):
    """The sum rule is the amount's: the form marks the amount field; the API names milestones."""
    cid = world.challenge("published")
    page = world.login("government").post(f"/challenges/{cid}/subsidy", data={
        "amount": "1000", "milestone_title_1": "一期", "milestone_amount_1": "900"})
    assert page.status_code == 422 and marked(page.get_data(as_text=True), "amount")


def test_the_subsidy_form_offers_every_milestone_a_subsidy_may_have(world):
    """Up to MAX_MILESTONES (README: 10) rows, not 5."""
    cid = world.challenge("published")
    html = world.login("government").get(f"/challenges/{cid}/subsidy").get_data(as_text=True)
    assert f'name="milestone_title_{MAX_MILESTONES}"' in html
    assert f'name="milestone_title_{MAX_MILESTONES + 1}"' not in html


def test_saving_a_candidate_without_choosing_records_nothing(world, app):
    """The decision box starts on an empty, required choice; posting it empty records no decision."""
    cid = world.challenge("published")
    profile = add_solver(world, "expert", "燕山大学", EXPERT)
    manager = world.login("manager")
    html = manager.get(f"/challenges/{cid}/candidates").get_data(as_text=True)
    assert re.search(r'<select name="decision"[^>]*required><option value="" selected disabled>', html)
    manager.post(f"/challenges/{cid}/candidates/{profile}", data={"decision": "", "kind": "solver"})
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(CuratorDecision)).one() == 0


def test_long_texts_show_their_limit(world):
    """The challenge form's long texts carry their limits, which the page's counter script shows."""
    html = world.login("owner").get("/challenges/new").get_data(as_text=True)
    assert 'name="description" rows="5" required maxlength=20000' in html
    assert 'js/counter.js' in html


def test_proposal_totals_are_out_of_100_like_every_other_score(world):
    """A one-pair proposal's total reads like the pair's score (e.g. 83), not 0.83."""
    world.add_person("orchard", "天津市农业科学院", ORCHARD, role=Role.COMMISSIONER)
    request = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导，减少病虫害")
    start = today() + dt.timedelta(days=7)
    proposal = world.api("government", "POST", "/dispatch/proposals", {
        "request_ids": [request], "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=180)).isoformat()}).json
    html = world.login("government").get(f"/government/dispatch/proposals/{proposal['id']}").get_data(as_text=True)
    total = int(re.search(r'data-testid="total">(\d+)<', html).group(1))
    assert total == round(proposal["items"][0]["score"] * 100)


def test_errors_are_tied_to_their_fields_and_a_skip_link_leads_to_the_content(world):
    """A marked field says it is invalid and names its message (aria-describedby); every page starts with a
    link that skips the navigation."""
    page = world.login("owner").post("/challenges/new", data={"title": ""}).get_data(as_text=True)
    assert 'aria-invalid="true" aria-describedby="title-error"' in page and 'id="title-error"' in page
    assert 'aria-describedby="field-error"' in page and 'id="field-error"' in page  # a select too
    assert page.index('class="skip-link" href="#main"') < page.index("<nav") and '<main id="main"' in page


def test_amounts_read_as_their_readers_expect(app):
    """万元 in Chinese from ten thousand up, separators in English and below ten thousand; table figures get
    separators and at most two decimals."""
    from webapp.i18n import figure, money

    with app.test_request_context("/?lang=zh"):
        assert (money(8_220_000), money(12_345), money(5_000)) == ("¥822万", "¥1.23万", "¥5,000")
    with app.test_request_context("/?lang=en"):
        assert money(8_220_000) == "¥8,220,000"
    assert (figure(8_220_000), figure(0.8333), figure("天津")) == ("8,220,000", "0.83", "天津")


def test_a_shown_score_agrees_with_its_band(app):
    """Scores are cut to whole points, so a number never contradicts its band at an edge (0.0996 reads 9, weak)."""
    from matching import Settings
    from webapp.i18n import points, score

    s = Settings()
    with app.test_request_context("/?lang=zh"):
        cases = ((s.band_fair - 0.0004, "9", "weak"), (s.band_fair, "10", "fair"), (0.1999996, "19", "fair"),
                 (s.band_strong, "20", "strong"), (0.29, "29", "strong"), (1.0, "100", "strong"))
        for value, shown, strength in cases:
            assert f"<b>{shown}</b>" in score(value) and f'class="band {strength}"' in score(value)
    assert [points(v) for v in (0.0, 0.57, 0.999999)] == [0, 57, 99]


def test_a_price_far_above_the_reward_is_flagged(world):
    """A bid at more than twice the reward is taken, but the solver is warned and the enterprise sees it flagged."""
    cid = world.challenge("published")
    client = world.login("solver")
    form = {"approach": "方案", "price": "5000000000", "timeline": "三个月", "duration_days": "90", "members": ""}
    page = client.post(f"/challenges/{cid}/bid", data=form, follow_redirects=True).get_data(as_text=True)
    assert 'class="flash warning"' in page
    assert 'data-testid="price-warning"' in world.login("owner").get(f"/challenges/{cid}").get_data(as_text=True)


def test_every_long_text_field_states_its_limit(world):
    """Each textarea on the forms carries the model's maxlength, which the page's counter shows as n / max."""
    cid = world.challenge("published")
    pages = {"owner": ["/challenges/new"], "solver": [f"/challenges/{cid}/bid", "/profiles/me", "/achievements/new"],
             "government": [f"/challenges/{cid}/subsidy"]}
    for nick, paths in pages.items():
        client = world.login(nick)
        for path in paths:
            html = client.get(path).get_data(as_text=True)
            areas = re.findall(r"<textarea[^>]*>", html)
            assert areas, path
            assert all(re.search(r"maxlength=\d+", a) for a in areas), (path, areas)
