"""Shared form handling: validate posted fields with the API's schemas, commit once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pydantic
from flask import request

from webapp import db
from webapp.services.errors import DomainError, ValidationError
from webapp.validation import parse

T = TypeVar("T")


def posted(*checkboxes: str) -> dict[str, Any]:
    """The posted form as a dict: blank optional numbers dropped, checkboxes as booleans."""
    values: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    for name in checkboxes:
        values[name] = name in request.form
    return values


def run_form(schema: type[pydantic.BaseModel], action: Callable[[Any], T],
             values: dict[str, Any] | None = None) -> tuple[T | None, dict[str, str]]:
    """Validate the form into `schema` and run `action`; on a field error roll back and report it."""
    values = posted() if values is None else values
    try:
        result = action(parse(schema, values))
    except ValidationError as exc:
        db.session().rollback()
        return None, exc.fields or {"form": exc.message}
    except DomainError as exc:
        db.session().rollback()
        if exc.fields:  # a conflict on a field (a taken e-mail) is shown on the form, keeping what was typed
            return None, exc.fields
        raise
    db.commit()
    return result, {}


def form_status(errors: dict[str, str]) -> int:
    """422 when the form is shown again with errors."""
    return 422 if errors else 200


def row_errors(errors: dict[str, str], rows: str, row_input: str, renamed: dict[str, str]) -> dict[str, str]:
    """Name a nested schema's errors after a form's numbered row inputs (`rows`.0.title → `row_input`_title_1),
    and move whole-field errors to the input that shows them (`renamed`)."""
    named = {}
    for key, message in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == rows:
            key = f"{row_input}_{parts[2]}_{int(parts[1]) + 1}"
        named[renamed.get(key, key)] = message
    return named
