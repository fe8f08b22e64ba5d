"""Idempotency-Key on the API's creating requests: a retried request answers again instead of acting twice."""

from __future__ import annotations

from sqlmodel import func, select

from models.challenges import Challenge
from tests.world import challenge_payload
from webapp import db


def post(world, nick: str, path: str, body: dict, key: str | None):
    """POST with an optional Idempotency-Key."""
    headers = {**world.headers(nick), **({"Idempotency-Key": key} if key is not None else {})}
    return world.app.test_client().post(f"/api/v1{path}", json=body, headers=headers)


def challenges(app) -> int:
    """How many challenges exist."""
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(Challenge)).one()


def test_the_same_key_and_request_answer_the_first_answer_again(app, world):
    """Does a retry with the same key and body get the first answer (marked replayed) and create nothing?"""
    first = post(world, "owner", "/challenges", challenge_payload(), "create-1")
    again = post(world, "owner", "/challenges", challenge_payload(), "create-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert challenges(app) == 1


def test_the_same_key_for_another_request_is_refused(app, world):
    """Is a key reused with another body a 422 that names the header, with nothing created?"""
    assert post(world, "owner", "/challenges", challenge_payload(), "create-2").status_code == 201
    other = post(world, "owner", "/challenges", challenge_payload(title="另一个榜单标题"), "create-2")
    assert other.status_code == 422 and "Idempotency-Key" in other.json["error"]["fields"]
    assert challenges(app) == 1


def test_keys_belong_to_their_caller(app, world):
    """Does another user's identical key act for that user, not replay the first user's answer?"""
    assert post(world, "owner", "/challenges", challenge_payload(), "shared-key").status_code == 201
    theirs = post(world, "other_enterprise", "/challenges", challenge_payload(), "shared-key")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert challenges(app) == 2


def test_a_failed_request_does_not_use_up_its_key(app, world):
    """After a refused request (422) the same key, with a corrected body, creates the record."""
    bad = post(world, "owner", "/challenges", challenge_payload(budget=-1), "create-3")
    assert bad.status_code == 422
    good = post(world, "owner", "/challenges", challenge_payload(), "create-3")
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers


def test_a_key_must_be_short_and_printable(world):
    """Is an over-long key a 422 naming the header?"""
    response = post(world, "owner", "/challenges", challenge_payload(), "k" * 256)
    assert response.status_code == 422 and "Idempotency-Key" in response.json["error"]["fields"]
