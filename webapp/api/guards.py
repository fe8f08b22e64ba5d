"""What every API request must be before a view sees it: JSON bodies that parse, of bounded depth, with
no NUL characters and no integers beyond 64 bits; no NUL in query strings. A clear 400/415/422, never a
500 from deep inside the database driver."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from flask_babel import gettext as _

from webapp.services.errors import DomainError, ValidationError

MAX_DEPTH = 32
MAX_INT = 2**63 - 1


class BadRequest(DomainError):
    """The body is not JSON at all."""

    status = 400
    code = "bad_request"


class UnsupportedMediaType(DomainError):
    """A body in another format than JSON."""

    status = 415
    code = "unsupported_media_type"


def check_text_fields() -> None:
    """Refuse NUL characters in query strings and forms, on pages and API alike (PostgreSQL cannot store
    them, and no person types one)."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                message = _("Text may not contain NUL characters.")
                raise ValidationError(message, {name.replace("\x00", ""): message})


def check_request() -> None:
    """Refuse a malformed JSON body before the view (registered as the API's before_request)."""
    raw = request.get_data(cache=True)
    if not raw:
        return
    if not request.is_json:
        raise UnsupportedMediaType(_("Send the body as JSON (Content-Type: application/json)."))
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest(_("The request body is not valid JSON.")) from None
    problem = _first_problem(body, "", 0)
    if problem is not None:
        where, message = problem
        raise ValidationError(message, {where or "body": message})


def _first_problem(value: Any, where: str, depth: int) -> tuple[str, str] | None:
    """The path and message of the first unacceptable value inside a parsed body."""
    if depth > MAX_DEPTH:
        return where, _("The body is nested too deeply.")
    if isinstance(value, str):
        return (where, _("Text may not contain NUL characters.")) if "\x00" in value else None
    if isinstance(value, bool) or not isinstance(value, int | dict | list):
        return None
    if isinstance(value, int):
        return (where, _("This number is too large.")) if abs(value) > MAX_INT else None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return where, _("Text may not contain NUL characters.")
        found = _first_problem(item, f"{where}.{key}" if where else str(key), depth + 1)
        if found is not None:
            return found
    return None
