"""The JSON API under /api/v1, with its OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from webapp.api import (  # noqa: F401  (register routes on bp)
    acceptance,
    bids,
    challenges,
    clarifications,
    conflicts,
    contracts,
    credit,
    curation,
    diagnosis,
    dispatch,
    exports,
    files,
    inbox,
    outcomes,
    profiles,
    registration,
    reviews,
    subsidies,
)
from webapp.api.base import bp, spec
from webapp.api.guards import check_request, check_text_fields
from webapp.auth import authenticated_by_token
from webapp.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
csrf.exempt(bp)


bp.before_request(check_request)


@bp.before_request
def _csrf_for_sessions():
    """Token callers need no CSRF token; session (cookie) callers must send X-CSRFToken."""
    if request.method in SAFE_METHODS or not current_user.is_authenticated:
        return
    if not authenticated_by_token():
        csrf.protect()


def init_app(app: Flask) -> None:
    """Mount the API and its OpenAPI document."""
    app.before_request(check_text_fields)
    app.register_blueprint(bp)
    spec.register(app)
