"""Dates people type are days in China, whatever the server's time zone: a deadline must be after China's
today, and bids stay open through the deadline's whole day in China (see also test_dispatch.py)."""

from __future__ import annotations

import datetime as dt

from models.challenges import Challenge
from models.common import today
from tests.world import bid_payload, challenge_payload
from webapp import db


def test_a_deadline_must_be_after_chinas_today(world, server_off_chinas_day):
    """China's today is refused with the field named; China's tomorrow is taken."""
    refused = world.api("owner", "POST", "/challenges", challenge_payload(deadline=today().isoformat()))
    assert refused.status_code == 422
    assert "deadline" in refused.json["error"]["fields"]
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    assert world.api("owner", "POST", "/challenges", challenge_payload(deadline=tomorrow)).status_code == 201


def _deadline(app, challenge_id: int, day: dt.date) -> None:
    with app.app_context():  # the calendar moves on towards the deadline
        session = db.session()
        challenge = session.get(Challenge, challenge_id)
        challenge.deadline = day
        session.add(challenge)
        session.commit()


def test_bids_stay_open_through_the_deadline_day_in_china(world, app, server_off_chinas_day):
    """On the deadline's day in China a solver can still bid; the day after, the bid is refused."""
    open_today, closed = world.challenge(), world.challenge(title="昨日截止的揭榜需求")
    _deadline(app, open_today, today())
    _deadline(app, closed, today() - dt.timedelta(days=1))
    assert world.api("solver", "POST", f"/challenges/{open_today}/bids", bid_payload()).status_code == 201
    refused = world.api("solver", "POST", f"/challenges/{closed}/bids", bid_payload())
    assert refused.status_code == 409, refused.json
