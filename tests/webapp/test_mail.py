"""E-mail copies of notifications: a transactional outbox delivered by `flask worker` through SMTP, against a
local aiosmtpd server the test starts (and stops, to play a mail server that is down)."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update
from sqlmodel import select

from models.jobs import Job, JobStatus
from tests.world import World
from webapp import db
from webapp.jobs import queue
from webapp.mail import KIND


class Collector:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """A local SMTP server collecting what the app sends."""
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def work(runner) -> str:
    """Run the jobs that are ready, as `flask worker --once` does."""
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def jobs(app) -> list[Job]:
    """The outbox (mail jobs; publishing also queues a supply snapshot), oldest first."""
    with app.app_context():
        session = db.session()
        rows = list(session.exec(select(Job).where(Job.kind == KIND).order_by(Job.id)))
        session.expunge_all()
        return rows


def later(monkeypatch, hours: float) -> None:
    """Let the queue's clock run `hours` ahead (backoffs and leases elapse)."""
    now = queue.utcnow()
    monkeypatch.setattr(queue, "utcnow", lambda: now + dt.timedelta(hours=hours))


@pytest.fixture
def mailing_world(app, smtp):
    """The cast, on an app that mails through the local server."""
    controller, _collector = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_DEFAULT_SENDER="noreply@jiebang.cn")
    return World.build(app)


def test_publishing_mails_the_enterprise_in_both_languages(mailing_world, smtp, runner):
    """Government publishes: after the worker runs, the owner has one e-mail in both languages with a link."""
    _controller, collector = smtp
    cid = mailing_world.challenge("published")
    assert collector.messages == []  # the request only wrote the outbox
    work(runner)
    (message,) = [m for m in collector.messages if m["To"] == "owner@example.cn"]
    body = message.get_content()
    assert "已通过审核并发布" in body and "was approved and published" in body
    assert f"/challenges/{cid}" in body and message["Subject"].startswith("揭榜 Jiebang")
    assert message["Message-ID"].startswith("<job-")


def test_a_refused_action_leaves_no_mail(app, mailing_world, smtp, runner):
    """A bad subsidy plan is rolled back: no notification, no job, no e-mail."""
    _controller, collector = smtp
    cid = mailing_world.challenge("published")
    work(runner)
    before, queued = len(collector.messages), len(jobs(app))
    response = mailing_world.api("government", "POST", f"/challenges/{cid}/subsidy",
                                 {"amount": 10, "milestones": [{"title": "一期", "amount": 9}]})
    assert response.status_code == 422 and len(jobs(app)) == queued
    work(runner)
    assert len(collector.messages) == before


def test_no_mail_server_configured_queues_nothing(app, world, smtp):
    """Without MAIL_SERVER no e-mail is queued and nothing is sent."""
    _controller, collector = smtp
    world.challenge("published")
    assert jobs(app) == [] and collector.messages == []


def test_a_mail_server_that_is_down_loses_nothing(app, world, runner, monkeypatch):
    """Server down: the action succeeds at once, the worker retries with backoff, and delivers when it is back."""
    collector, port = Collector(), free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    cid = world.challenge("submitted")
    assert world.api("government", "POST", f"/challenges/{cid}/publish").status_code == 200
    assert world.api("owner", "GET", "/notifications").json["unread"] >= 1
    work(runner)
    (job,) = [j for j in jobs(app) if j.payload["user_id"] == world.users["owner"]["id"]]
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and job.last_error
    assert job.run_after > queue.utcnow()  # backing off, not hammering the server
    work(runner)
    assert jobs(app)[-1].attempts == 1  # not ready again yet
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later(monkeypatch, 1)
        work(runner)
    finally:
        controller.stop()
    assert all(j.status == JobStatus.DONE for j in jobs(app))
    assert any(m["To"] == "owner@example.cn" for m in collector.messages)


def test_a_message_the_server_refuses_for_good_is_marked_failed(app, mailing_world, smtp, runner):
    """A permanent refusal (5xx) is not retried: the job is failed, with the server's answer kept."""
    _controller, collector = smtp

    async def refuse(_server, _session, _envelope):
        return "554 5.7.1 Rejected"

    collector.handle_DATA = refuse
    mailing_world.challenge("published")
    work(runner)
    failed = [j for j in jobs(app) if j.status == JobStatus.FAILED]
    assert failed and all("554" in j.last_error and j.attempts == 1 for j in failed)


def test_a_worker_that_died_leaves_the_job_to_another(app, mailing_world, smtp, runner, monkeypatch):
    """A job claimed by a worker that died is taken again once its lease expires, and delivered once."""
    _controller, collector = smtp
    mailing_world.challenge("published")
    with app.app_context():
        engine = app.extensions["engine"]
        session = db.session()  # publishing also queued other work (embedding, supply): out of this test's way
        session.exec(update(Job).where(Job.kind != KIND).values(status=JobStatus.DONE))
        session.commit()
        claimed = queue.claim(lambda: db.new_session(engine), "dead-host:1")
    assert claimed is not None
    work(runner)
    assert [j.id for j in jobs(app) if j.status == JobStatus.QUEUED] == [claimed.id]  # leased: left alone
    later(monkeypatch, 1)
    work(runner)
    assert all(j.status == JobStatus.DONE for j in jobs(app))
    assert len([m for m in collector.messages if m["Message-ID"] == f"<job-{claimed.id}@jiebang.cn>"]) == 1


def test_a_line_break_in_a_title_cannot_add_a_header(app, mailing_world, smtp, runner, future):
    """A challenge title with CR/LF and a header after it: publish and bid answer 200 and no header is added."""
    _controller, collector = smtp
    title = "伺服电机\r\nBcc: victim@evil.example\r\n\r\n正文"
    created = mailing_world.api("owner", "POST", "/challenges", {
        "title": title, "summary": "摘要", "description": "需求描述", "field": "smart_manufacturing",
        "budget": 100000, "deadline": future, "region": "tianjin"})
    if created.status_code == 422:  # a title may refuse control characters outright: then nothing to inject
        assert "title" in created.json["error"]["fields"]
        return
    cid = created.json["id"]
    assert mailing_world.api("owner", "POST", f"/challenges/{cid}/submit").status_code == 200
    assert mailing_world.api("government", "POST", f"/challenges/{cid}/publish").status_code == 200
    bid = {"approach": "方案", "price": 90000, "timeline": "三个月", "duration_days": 90}
    assert mailing_world.api("solver", "POST", f"/challenges/{cid}/bids", bid).status_code == 201
    work(runner)
    assert collector.messages
    for message in collector.messages:
        assert message["Bcc"] is None and "\n" not in message["Subject"]
