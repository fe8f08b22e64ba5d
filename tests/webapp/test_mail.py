"""E-mail copies of notifications through SMTP, against a local aiosmtpd server the test starts."""

from __future__ import annotations

import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from tests.world import World


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


@pytest.fixture
def mailing_world(app, smtp):
    """The cast, on an app that mails through the local server."""
    controller, _collector = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_DEFAULT_SENDER="noreply@jiebang.cn")
    return World.build(app)


def test_publishing_mails_the_enterprise_in_both_languages(mailing_world, smtp):
    """Government publishes: the owner gets one e-mail with the Chinese and English text and a link."""
    _controller, collector = smtp
    cid = mailing_world.challenge("published")
    (message,) = [m for m in collector.messages if m["To"] == "owner@example.cn"]
    body = message.get_content()
    assert "已通过审核并发布" in body and "was approved and published" in body
    assert f"/challenges/{cid}" in body and message["Subject"].startswith("揭榜 Jiebang")


def test_a_refused_action_mails_nobody(mailing_world, smtp):
    """A bad subsidy plan is rolled back: no notification, no e-mail."""
    _controller, collector = smtp
    cid = mailing_world.challenge("published")
    before = len(collector.messages)
    response = mailing_world.api("government", "POST", f"/challenges/{cid}/subsidy",
                                 {"amount": 10, "milestones": [{"title": "一期", "amount": 9}]})
    assert response.status_code == 422 and len(collector.messages) == before


def test_no_mail_server_configured_sends_nothing_and_a_dead_one_is_not_an_error(app, world, smtp):
    """Without MAIL_SERVER nothing is sent; with an unreachable server the action still succeeds."""
    _controller, collector = smtp
    world.challenge("published")
    assert collector.messages == []
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    cid = world.challenge("submitted")
    assert world.api("government", "POST", f"/challenges/{cid}/publish").status_code == 200
    assert world.api("owner", "GET", "/notifications").json["unread"] >= 2
