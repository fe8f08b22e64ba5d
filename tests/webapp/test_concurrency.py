"""Races under real gunicorn (several workers and threads) on SQLite and PostgreSQL: of N concurrent
conflicting requests exactly one succeeds and the others answer a clean 409 — never a 500, never two
effects in the database (rows and audit events)."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlmodel import func, select

from models.accounts import Role, User
from models.audit import AuditEvent
from models.challenges import Bid, BidStatus
from models.clarifications import Addendum
from models.common import today
from models.dispatch import Dispatch
from models.files import Attachment
from models.membership import MemberInvitation
from models.notifications import Notification
from models.reviews import Review, ReviewAssignment
from models.subsidies import Subsidy
from tests.webapp.served import call
from tests.webapp.test_curation import EXPERT, add_solver
from tests.webapp.test_dispatch import ORCHARD, ask, propose
from tests.webapp.test_reviews import GEARS, expert
from tests.webapp.test_subsidies import PLAN, act
from tests.world import bid_payload
from webapp import db
from webapp.services import links

N = 12


def race(base: str, requests: list[tuple[str, str, str, dict | None]]) -> list[tuple[int, dict]]:
    """Send (token, method, path, body) requests at the same moment, each on its own connection."""
    start = threading.Barrier(len(requests))

    def send(item: tuple[str, str, str, dict | None]) -> tuple[int, dict]:
        token, method, path, body = item
        start.wait()
        return call(base, token, path, method, body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def one_winner(answers: list[tuple[int, dict]], success: int = 200) -> None:
    """Exactly one success; every other answer a 409 in the API's error format."""
    statuses = Counter(status for status, _body in answers)
    assert statuses == {success: 1, 409: len(answers) - 1}, statuses
    assert all(body["error"]["code"] for status, body in answers if status == 409)


def count(world, model: Any, *where: Any) -> int:
    """Rows of `model` matching `where` in the shared database."""
    with world.app.app_context():
        return db.session().exec(select(func.count()).select_from(model).where(*where)).one()


def audited(world, action: str) -> int:
    """Audit events of one action."""
    return count(world, AuditEvent, AuditEvent.action == action)


def test_concurrent_acceptances_award_exactly_one_bid(shared, server):
    """Twelve acceptances of twelve bids on one challenge at once: one award, one accepted bid, one event."""
    _url, world = shared
    cid = world.challenge("published")
    bids = []
    for i in range(N):
        add_solver(world, f"bidder{i}", f"大学{i}", EXPERT)
        bids.append(world.bid(cid, f"bidder{i}"))
    token = world.users["owner"]["token"]
    one_winner(race(server, [(token, "POST", f"/bids/{b}/accept", None) for b in bids]))
    assert count(world, Bid, Bid.challenge_id == cid, Bid.status == BidStatus.ACCEPTED) == 1
    assert count(world, Bid, Bid.challenge_id == cid, Bid.status == BidStatus.DECLINED) == N - 1
    assert audited(world, "challenge.awarded") == 1 and audited(world, "bid.accepted") == 1


def test_release_and_return_of_one_milestone_at_once_do_one_thing(shared, server):
    """Six releases and six returns of one reported milestone at once: exactly one of them happens."""
    _url, world = shared
    cid = world.challenge("awarded")
    milestone = world.api("government", "POST", f"/challenges/{cid}/subsidy", PLAN).json["milestones"][0]["id"]
    assert act(world, "owner", cid, milestone, "report", {"note": "样机验证完成"}).status_code == 200
    token, path = world.users["government"]["token"], f"/challenges/{cid}/milestones/{milestone}"
    requests = [(token, "POST", f"{path}/release", None)] * (N // 2) + \
               [(token, "POST", f"{path}/return", {"reason": "材料不全"})] * (N // 2)
    one_winner(race(server, requests))
    assert audited(world, "milestone.released") + audited(world, "milestone.returned") == 1


def test_concurrent_approvals_record_one_dispatch(shared, server):
    """Twelve approvals of a one-pair proposal at once: one approval, one Dispatch row."""
    _url, world = shared
    world.add_person("orchard", "天津市农业科学院", ORCHARD, role=Role.COMMISSIONER)
    request = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导，减少病虫害")
    proposal = propose(world, [request]).json
    assert len(proposal["items"]) == 1
    token = world.users["government"]["token"]
    one_winner(race(server, [(token, "POST", f"/dispatch/proposals/{proposal['id']}/approve", None)] * N))
    assert count(world, Dispatch) == 1 and audited(world, "dispatch.approved") == 1


def test_concurrent_publications_publish_once(shared, server):
    """Twelve publications of one submitted challenge at once: one publication, one event."""
    _url, world = shared
    cid = world.challenge("submitted")
    one_winner(race(server, [(world.users["government"]["token"], "POST", f"/challenges/{cid}/publish", None)] * N))
    assert audited(world, "challenge.published") == 1


def test_concurrent_subsidies_attach_once(shared, server):
    """Twelve subsidies for one challenge at once: one is attached, the others are refused."""
    _url, world = shared
    cid = world.challenge("published")
    one_winner(race(server, [(world.users["government"]["token"], "POST", f"/challenges/{cid}/subsidy", PLAN)] * N),
               success=201)
    assert count(world, Subsidy) == 1 and audited(world, "subsidy.attached") == 1


def test_concurrent_withdrawals_of_a_request_withdraw_once(shared, server):
    """Twelve withdrawals of one open commissioner request at once: one withdrawal, one event."""
    _url, world = shared
    request = ask(world, "owner", "果园需要矮砧密植栽培和水肥一体化技术指导")
    token = world.users["owner"]["token"]
    one_winner(race(server, [(token, "POST", f"/dispatch/requests/{request}/withdraw", None)] * N))
    assert audited(world, "dispatch.request_withdrawn") == 1


def test_a_withdrawal_racing_an_acceptance_leaves_one_outcome(shared, server):
    """The solver withdraws while the enterprise accepts the same bid: exactly one of the two happens."""
    _url, world = shared
    cid = world.challenge("published")
    bid = world.bid(cid)
    requests = [(world.users["solver"]["token"], "POST", f"/bids/{bid}/withdraw", None)] * (N // 2) + \
               [(world.users["owner"]["token"], "POST", f"/bids/{bid}/accept", None)] * (N // 2)
    one_winner(race(server, requests))
    assert audited(world, "bid.withdrawn") + audited(world, "bid.accepted") == 1


def test_retries_with_one_idempotency_key_create_one_bid(shared, server):
    """The same bid sent twelve times at once with one Idempotency-Key: one bid, the same answer for all."""
    _url, world = shared
    cid = world.challenge("published")
    token, path = world.users["solver"]["token"], f"/api/v1/challenges/{cid}/bids"
    start = threading.Barrier(N)

    def send(_i: int) -> tuple[int, dict]:
        start.wait()
        return call(server, token, path.removeprefix("/api/v1"), "POST", bid_payload(),
                    headers={"Idempotency-Key": "bid-retry-1"})

    with ThreadPoolExecutor(max_workers=N) as pool:
        answers = list(pool.map(send, range(N)))
    assert {status for status, _b in answers} == {201}
    assert len({body["id"] for _s, body in answers}) == 1
    assert count(world, Bid, Bid.challenge_id == cid) == 1 and audited(world, "bid.submitted") == 1


def test_concurrent_declines_of_an_invitation_decline_once(shared, server):
    """Twelve declines of one invitation to bid at once: one decline, one event."""
    _url, world = shared
    cid = world.challenge("published")
    profile = world.api("solver", "GET", "/profiles/me").json["id"]
    assert world.api("manager", "POST", f"/challenges/{cid}/decisions",
                     {"profile_id": profile, "decision": "recommend"}).status_code == 201
    assert world.api("owner", "POST", f"/challenges/{cid}/invitations", {"profile_id": profile}).status_code == 200
    token = world.users["solver"]["token"]
    one_winner(race(server, [(token, "POST", f"/challenges/{cid}/invitation/decline", {"reason": "档期已满"})] * N))
    assert audited(world, "invitation.declined") == 1


def test_one_join_link_opened_twelve_times_at_once_makes_one_account(shared, server):
    """The same invitation link submitted twelve times at once: one account joins, the others are refused."""
    _url, world = shared
    with world.app.app_context():
        session = db.session()
        owner = session.get(User, world.users["owner"]["id"])
        owner.org_admin = True
        session.add(owner)
        session.commit()
    world.login("owner").post("/organisation", data={"email": "colleague@jinmen.example"})
    with world.app.test_request_context(), world.app.app_context():
        token = links.make("join-organisation", {"invitation": db.session().exec(select(MemberInvitation.id)).one()})
    start = threading.Barrier(N)

    def join(i: int) -> int:
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = browser.open(f"{server}/account/join/{token}", timeout=60).read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": csrf, "name": f"同事{i}", "password": "Unusual-Horse-77",
                                       "role": "enterprise", "region": "tianjin"}).encode()
        start.wait()
        try:
            with browser.open(f"{server}/account/join/{token}", data=form, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=N) as pool:
        statuses = Counter(pool.map(join, range(N)))
    # One lands on the home page (200 after the redirect); the rest learn the link was used, or that the
    # invited address now has an account (a form error): never a 500.
    assert statuses[200] == 1 and statuses[400] + statuses[409] + statuses[422] == N - 1, statuses
    assert count(world, User, User.email == "colleague@jinmen.example") == 1
    assert audited(world, "member.joined") == 1


def test_twelve_first_views_of_a_ranking_store_it_once(shared, server):
    """Twelve managers' first views of one ranking at once (the API's candidates): all 200, and each shown
    entry stored once — the shown ranking is written only when it changed, under a lock."""
    from models.curation import Recommendation

    _url, world = shared
    cid = world.challenge("published")
    for n in range(3):
        add_solver(world, f"expert{n}", "燕山大学", EXPERT)
    answers = race(server, [(world.users["manager"]["token"], "GET", f"/challenges/{cid}/candidates", None)] * N)
    assert Counter(status for status, _body in answers) == {200: N}
    shown = {(item["profile_id"], item["rank"]) for item in answers[0][1]["items"]}
    assert shown and count(world, Recommendation, Recommendation.challenge_id == cid) == len(shown)


def test_concurrent_answers_of_one_question_answer_once(shared, server):
    """Twelve answers of one question at once: one is published, one event, one notification to the asker."""
    _url, world = shared
    cid = world.challenge("published")
    qid = world.api("solver", "POST", f"/challenges/{cid}/questions", {"text": "样机数量？"}).json["id"]
    owner = world.users["owner"]["token"]
    one_winner(race(server, [(owner, "POST", f"/questions/{qid}/answer", {"answer": f"答复{i}"}) for i in range(N)]))
    assert audited(world, "question.answered") == 1
    assert count(world, Notification, Notification.kind == "question.answered") == 1


def test_a_deadline_addendum_racing_an_award_leaves_one_outcome(shared, server):
    """Six deadline addenda and six acceptances of one bid at once: either the challenge is awarded and no
    addendum moved its deadline after, or the deadline moved first — never a 500, one award at most."""
    _url, world = shared
    cid = world.challenge("published")
    bid = world.bid(cid)
    owner = world.users["owner"]["token"]
    def addendum(days: int) -> tuple:  # each its own day, so every addendum that lands moves the deadline
        later = (today() + dt.timedelta(days=days)).isoformat()
        return owner, "POST", f"/challenges/{cid}/addenda", {"text": "延期", "deadline": later}

    accept = (owner, "POST", f"/bids/{bid}/accept", None)
    answers = race(server, [request for i in range(N // 2) for request in (addendum(120 + i), accept)])
    statuses = Counter(status for status, _body in answers)
    assert set(statuses) <= {200, 201, 409} and statuses[200] == 1, statuses
    assert audited(world, "challenge.awarded") == 1
    assert audited(world, "challenge.deadline_changed") == count(world, Addendum) == statuses[201]


def reviewed_contest(world) -> tuple[int, list[int]]:
    """A published challenge (two may win) with three bids and four free experts."""
    cid = world.challenge("published", max_awards=2)
    for i, org in enumerate(("燕山大学", "哈尔滨工业大学", "东北大学", "大连理工大学")):
        expert(world, f"expert{i}", org, GEARS)
    return cid, [world.bid(cid, nick) for nick in ("solver", "other_solver", "expert3")]


def test_concurrent_reviews_of_one_challenge_open_once(shared, server):
    """Twelve requests to open the review of one challenge at once: one review, one proposal, one event."""
    _url, world = shared
    cid, _bids = reviewed_contest(world)
    body = {"per_bid": 2, "max_load": 2, "deadline": (today() + dt.timedelta(days=9)).isoformat()}
    one_winner(race(server, [(world.users["owner"]["token"], "POST", f"/challenges/{cid}/review", body)] * N),
               success=201)
    assert count(world, Review) == 1 and audited(world, "review.opened") == 1
    assert count(world, ReviewAssignment) == 6


def test_concurrent_parallel_awards_accept_at_most_max_awards(shared, server):
    """Twelve 赛马制 awards of different pairs of bids at once: one award, exactly two accepted bids."""
    _url, world = shared
    cid, bids = reviewed_contest(world)
    pairs = [[bids[0], bids[1]], [bids[1], bids[2]], [bids[0], bids[2]]]
    owner = world.users["owner"]["token"]
    one_winner(race(server, [(owner, "POST", f"/challenges/{cid}/award", {"bid_ids": pairs[i % 3]}) for i in range(N)]))
    assert count(world, Bid, Bid.status == BidStatus.ACCEPTED) == 2 and audited(world, "challenge.awarded") == 1


def test_concurrent_conflict_declarations_replace_once(shared, server):
    """Twelve declarations of one reviewer's conflict at once: one replacement, one event."""
    _url, world = shared
    cid, _bids = reviewed_contest(world)
    owner = world.users["owner"]["token"]
    body = {"per_bid": 1, "max_load": 3, "deadline": (today() + dt.timedelta(days=9)).isoformat()}
    review = call(server, owner, f"/challenges/{cid}/review", "POST", body)[1]
    call(server, owner, f"/reviews/{review['id']}/confirm", "POST", None)
    first = review["assignments"][0]
    token = next(u["token"] for u in world.users.values() if u.get("profile") == first["profile_id"])
    one_winner(race(server, [(token, "POST", f"/review-assignments/{first['id']}/conflict", {"note": "合作过"})] * N))
    assert audited(world, "review.conflict_declared") == 1 and audited(world, "review.reassigned") == 1


def test_retried_uploads_with_one_idempotency_key_store_one_file(shared, server, tmp_path):
    """Twelve identical uploads with one Idempotency-Key at once: one attachment row and exactly one stored
    blob — the attempts that lost the race rolled back and their blobs were deleted (PostgreSQL runs them
    side by side; SQLite one after another)."""
    _url, world = shared
    cid = world.challenge("draft")
    boundary = "jiebang-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n样机测试计划\r\n--{boundary}--\r\n").encode()
    headers = {"Authorization": f"Bearer {world.users['owner']['token']}", "Idempotency-Key": "upload-1",
               "Content-Type": f"multipart/form-data; boundary={boundary}"}
    start = threading.Barrier(N)

    def send(_i: int) -> int:
        request = urllib.request.Request(f"{server}/api/v1/files/challenge/{cid}", data=body, method="POST",
                                         headers=headers)
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=N) as pool:
        statuses = Counter(pool.map(send, range(N)))
    assert statuses == {201: N}, statuses
    assert count(world, Attachment) == 1 and audited(world, "file.attached") == 1
    assert len(list((tmp_path / "files").glob("*/*"))) == 1
