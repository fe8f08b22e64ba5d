"""Each request's writes form one transaction, committed after the view returns and retried when the
database reports a lost race (deadlock, serialization failure, SQLite busy) — never shown as a 500.

Unsafe requests (POST, PUT, PATCH, DELETE) open their transaction as writers (SQLite: BEGIN IMMEDIATE,
see models.db). A view calls `db.commit()` to say its work is complete; the commit itself happens here,
after the view, so an idempotency record (webapp.idempotency) joins the same transaction and a failing
commit is retried with the view.
"""

from __future__ import annotations

import random
import time

from flask import Flask, g, request, session
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from models.db import is_retryable, writing
from webapp import db, idempotency
from webapp.services.errors import Busy

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ATTEMPTS = 4


class Jiebang(Flask):
    """Flask with one retried transaction per request."""

    def full_dispatch_request(self):
        """Unsafe requests write from their first statement on (the user's row included)."""
        if request.method in SAFE_METHODS:
            return super().full_dispatch_request()
        with writing():
            return super().full_dispatch_request()

    def dispatch_request(self):
        """Run the view, commit what it asked to, and run it again after a lost race."""
        flashes = list(session.get("_flashes", []))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._attempt()
            except (DBAPIError, idempotency.LostRace) as exc:
                if isinstance(exc, DBAPIError) and not is_retryable(exc):
                    raise
                db.rollback()
                _restore_flashes(flashes)
                if attempt == ATTEMPTS:
                    raise Busy(_("The service is busy; please try again in a moment.")) from exc
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")

    def _attempt(self):
        g.commit_wanted = False
        replay = idempotency.replay()
        if replay is not None:
            return replay
        response = self.make_response(super().dispatch_request())
        if g.commit_wanted:
            idempotency.remember(response)
            db.session().commit()
        return response


def _restore_flashes(flashes: list) -> None:
    """Forget the messages a failed attempt flashed: the next attempt flashes its own."""
    if session.get("_flashes", []) == flashes:
        return
    if flashes:
        session["_flashes"] = flashes
    else:
        session.pop("_flashes", None)
