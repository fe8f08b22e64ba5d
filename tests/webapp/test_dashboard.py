"""The government dashboard: figures from live data, filters, CSV downloads, ECharts served locally."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from models.accounts import Role
from models.challenges import Challenge
from models.common import today
from webapp import db


@pytest.fixture
def activity(world):
    """Published, awarded and draft challenges with bids, a subsidy with one released milestone."""
    published = world.challenge("published")
    world.bid(published)
    world.bid(published, "other_solver")
    awarded = world.challenge("awarded", field="new_materials", region="hebei")
    world.challenge("draft")
    plan = {"amount": 300000, "milestones": [{"title": "一期", "amount": 100000}, {"title": "二期", "amount": 200000}]}
    milestones = world.api("government", "POST", f"/challenges/{awarded}/subsidy", plan).json["milestones"]
    world.api("owner", "POST", f"/challenges/{awarded}/milestones/{milestones[0]['id']}/report", {"note": "完成"})
    world.api("government", "POST", f"/challenges/{awarded}/milestones/{milestones[0]['id']}/release")
    return {"published": published, "awarded": awarded}


def download(client, name: str, query: str = "") -> list[list[str]]:
    """A figure's CSV as rows."""
    response = client.get(f"/government/dashboard/{name}.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_figures_count_live_data(world, activity):
    """Status, bids per challenge, subsidy committed vs released and the headline figures add up."""
    gov = world.login("government")
    assert sorted(download(gov, "by_status")[1:]) == [["awarded", "1"], ["draft", "1"], ["published", "1"]]
    bids = dict(download(gov, "bids_per_challenge")[1:])
    assert bids["1"] == "1" and bids["2"] == "1"  # awarded got its one bid; published got two
    assert download(gov, "subsidies")[1:] == [["new_materials", "300000", "100000"]]
    summary = dict(download(gov, "summary")[1:])
    assert summary["enterprises_served"] == "1" and summary["challenges"] == "3" and summary["bids"] == "3"
    assert summary["subsidy_released"] == "100000"
    durations = {row[0]: row for row in download(gov, "durations")[1:]}
    assert durations["first_bid"][1] == "2" and durations["award"][1] == "1"


def test_filters_narrow_every_figure(world, activity):
    """Field and region filters keep only the matching challenges; a period in the past keeps none."""
    gov = world.login("government")
    assert download(gov, "by_status", "?region=hebei")[1:] == [["awarded", "1"]]
    assert download(gov, "by_field", "?field=new_materials")[1:] == [["new_materials", "1"]]
    assert download(gov, "by_status", "?start=2020-01-01&end=2020-12-31")[1:] == []


def test_page_draws_charts_from_local_echarts(world, activity):
    """The page embeds every figure and loads ECharts from /static, never from a CDN."""
    gov = world.login("government")
    html = gov.get("/government/dashboard/").get_data(as_text=True)
    assert "/static/vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert "各状态榜单数" in html or "Challenges by status" in html
    assert gov.get("/static/vendor/echarts/echarts.min.js").status_code == 200


def test_bad_filters_and_other_roles(world):
    """A bad date is a form error (422) on the page and a JSON error on the CSV; only government may look."""
    gov = world.login("government")
    assert gov.get("/government/dashboard/?start=yesterday").status_code == 422
    assert gov.get("/government/dashboard/?start=2026-05-01&end=2026-01-01").status_code == 422
    assert gov.get("/government/dashboard/by_status.csv?region=mars").status_code == 422
    assert gov.get("/government/dashboard/nothing.csv").status_code == 404
    assert world.login("manager").get("/government/dashboard/").status_code == 403
    assert world.login("owner").get("/government/dashboard/summary.csv").status_code == 403


def test_commissioner_load_counts_live_dispatches_against_capacity(world):
    """One approved dispatch shows as [commissioner, 1, capacity]; the curation figure counts decisions."""
    profile = world.add_person("orchard", "天津市农业科学院", "苹果矮砧密植栽培与果园水肥一体化技术服务",
                               Role.COMMISSIONER, capacity=4)
    request = world.api("owner", "POST", "/dispatch/requests", {"need": "果园需要矮砧密植栽培和水肥一体化技术指导"})
    start = today().isoformat()
    end = (today() + dt.timedelta(days=90)).isoformat()
    proposal = world.api("government", "POST", "/dispatch/proposals",
                         {"request_ids": [request.json["id"]], "start_date": start, "end_date": end}).json
    assert [i["commissioner_profile_id"] for i in proposal["items"]] == [profile]
    world.api("government", "POST", f"/dispatch/proposals/{proposal['id']}/approve")
    gov = world.login("government")
    assert download(gov, "commissioner_load")[1:] == [["orchard", "1", "4"]]



def test_figures_follow_every_change_at_once(world, activity):
    """The figures are kept between views until the data changes: do a new challenge with a bid, a released
    milestone and an award each show on the very next view?"""
    gov = world.login("government")

    def summary() -> dict[str, str]:
        return dict(download(gov, "summary")[1:])

    before = summary()
    assert summary() == before  # unchanged data, the same figures
    world.bid(world.challenge("published"))
    grown = summary()
    assert int(grown["bids"]) == int(before["bids"]) + 1 and int(grown["challenges"]) == 4
    awarded = activity["awarded"]
    second = world.api("government", "GET", f"/challenges/{awarded}/subsidy").json["milestones"][1]["id"]
    world.api("owner", "POST", f"/challenges/{awarded}/milestones/{second}/report", {"note": "完成"})
    world.api("government", "POST", f"/challenges/{awarded}/milestones/{second}/release")
    assert summary()["subsidy_released"] == "300000"
    world.api("owner", "POST", f"/bids/{world.bid(world.challenge('published'))}/accept")
    assert int(summary()["awarded"]) == int(grown["awarded"]) + 1


def test_the_period_filter_counts_days_in_china(world, app):
    """A challenge filed at 04:00 in China (20:00 UTC the day before) falls on its Chinese day, on both databases."""
    challenge_id = world.challenge("draft")
    with app.app_context():
        session = db.session()
        challenge = session.get(Challenge, challenge_id)
        challenge.created_at = dt.datetime(2026, 5, 1, 20, 0, tzinfo=dt.UTC)  # 2026-05-02 04:00 in China
        session.add(challenge)
        session.commit()
    gov = world.login("government")
    assert download(gov, "by_status", "?start=2026-05-02&end=2026-05-02")[1:] == [["draft", "1"]]
    assert download(gov, "by_status", "?start=2026-05-01&end=2026-05-01")[1:] == []
    assert download(gov, "by_status", "?start=2026-05-03")[1:] == []
