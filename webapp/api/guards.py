"""What every API request must be before a view sees it: JSON bodies that parse, of bounded depth, with
no NUL characters and no integers beyond 64 bits; no NUL in query strings. A clear 400/415/422, never a
500 from deep inside the database driver."""

from __future__ import annotations

import json
import typing
from typing import Any

import pydantic
from flask import current_app, request
from flask_babel import gettext as _

from webapp.services.errors import BadRequest, UnsupportedMediaType, ValidationError

MAX_DEPTH = 32
MAX_INT = 2**63 - 1


def check_text_fields() -> None:
    """Refuse NUL characters in query strings and forms, on pages and API alike (PostgreSQL cannot store
    them, and no person types one)."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                message = _("Text may not contain NUL characters.")
                raise ValidationError(message, {name.replace("\x00", ""): message})


def check_request() -> None:
    """Refuse a malformed JSON body before the view (registered as the API's before_request); an upload
    endpoint takes multipart/form-data instead."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_files", False) and request.mimetype == "multipart/form-data":
        return
    raw = request.get_data(cache=True)
    if not raw:
        if _body_model() is not None:
            raise ValidationError(_("The request body must be a JSON object."))
        return
    if not request.is_json:
        raise UnsupportedMediaType(_("Send the body as JSON (Content-Type: application/json)."))
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest(_("The request body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    problem = _first_problem(body, "", 0) or _lax_coercion(body, _body_model(), "")
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


def _body_model() -> type[pydantic.BaseModel] | None:
    """The schema the endpoint validates its JSON body against, if it takes one."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "body_model", None)


def _lax_coercion(body: Any, model: type[pydantic.BaseModel] | None, where: str) -> tuple[str, str] | None:
    """What pydantic would coerce but the document forbids: true/false or text for a number, a number or text
    for true/false, one text for a list (the pages' forms send such text; the API takes JSON types)."""
    if model is None or not isinstance(body, dict):
        return None
    for name, info in model.model_fields.items():
        value, path = body.get(name), f"{where}.{name}" if where else name
        kinds = _kinds(info.annotation)
        if isinstance(value, bool | str) and kinds & {int, float} and not kinds & {bool, str}:
            return path, _("Enter a number.")
        if isinstance(value, int | float | str) and not isinstance(value, bool) and bool in kinds \
                and not kinds & {int, float, str}:
            return path, _("Enter true or false.")
        if isinstance(value, str) and list in kinds:
            return path, _("Enter a list.")
        for sub in (k for k in kinds if isinstance(k, type) and issubclass(k, pydantic.BaseModel)):
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                found = _lax_coercion(item, sub, f"{path}.{index}" if isinstance(value, list) else path)
                if found is not None:
                    return found
    return None


def _kinds(annotation: Any) -> set[Any]:
    """Every type named inside an annotation (unions, lists, Annotated)."""
    arguments = typing.get_args(annotation)
    if not arguments:
        return {annotation}
    return {typing.get_origin(annotation)}.union(*(_kinds(a) for a in arguments))
