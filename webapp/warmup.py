"""Warm a worker before it serves: open the matching engines and the published challenges' QuerySet, so
no user's request pays for them (gunicorn.conf.py calls this from post_worker_init)."""

from __future__ import annotations

import logging
import time

from flask import Flask

from matching.text import single_han_nouns
from webapp import db
from webapp.services import ranking

log = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    """Build this worker's engines and reverse-ranking set; a failure is logged, never fatal (the first
    request then builds them as before)."""
    started = time.perf_counter()
    try:
        with app.test_request_context("/"):
            session = db.session()
            ranking.published(session)
            ranking.engine(session, "achievements")
            single_han_nouns()  # the reasons' rule reads jieba's dictionary once (0.4 s)
            session.rollback()
    except Exception:  # noqa: BLE001 - a worker that cannot warm still serves
        log.exception("warming the matching engine failed; the first request will build it")
        return
    log.info("worker warm in %.1f s", time.perf_counter() - started)
