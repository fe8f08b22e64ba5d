"""Turn request data into a validated schema, with field messages in the user's language."""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic
from flask_babel import gettext as _

from webapp.services.errors import ValidationError

T = TypeVar("T", bound=pydantic.BaseModel)


def parse(schema: type[T], data: Any) -> T:
    """Validate `data` against `schema` or raise ValidationError naming each bad field."""
    if not isinstance(data, dict):
        raise ValidationError(_("The request body must be a JSON object."))
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


def from_pydantic(exc: pydantic.ValidationError) -> ValidationError:
    """Build our ValidationError from pydantic's, one message per field."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(name, field_message(error))
    return ValidationError(_("Some fields are not valid."), fields)


def field_message(error: dict) -> str:
    """A short, translated message for one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    messages = {
        "missing": lambda: _("This field is required."),
        "string_too_short": lambda: _("This field must not be empty."),
        "string_too_long": lambda: _("At most %(n)s characters.", n=ctx.get("max_length")),
        "greater_than_equal": lambda: _("Must be at least %(n)s.", n=ctx.get("ge")),
        "less_than_equal": lambda: _("Must be at most %(n)s.", n=ctx.get("le")),
        "int_parsing": lambda: _("Enter a whole number."),
        "int_from_float": lambda: _("Enter a whole number."),
        "int_type": lambda: _("Enter a whole number."),
        "date_from_datetime_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
        "date_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
        "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
        "enum": lambda: _("Choose one of the listed options."),
        "value_error": lambda: _value_error(error["msg"]),
        "list_type": lambda: _("Enter a list."),
        "string_type": lambda: _("Enter text."),
        "bool_parsing": lambda: _("Enter true or false."),
        "too_short": lambda: _("Give at least %(n)s.", n=ctx.get("min_length")),
        "too_long": lambda: _("Give at most %(n)s.", n=ctx.get("max_length")),
    }
    return messages.get(kind, lambda: error["msg"])()


def _value_error(message: str) -> str:
    known = {
        "must not be blank": _("This field must not be empty."),
        "deadline must be after today": _("The deadline must be after today."),
        "the milestones must add up to the subsidy amount": _("The milestones must add up to the subsidy amount."),
        "the end date must be after the start date": _("The end date must be after the start date."),
        "the service period has already ended": _("The service period has already ended."),
        "the service period cannot start more than a year ago": _("The service period cannot start more than a year "
                                                                  "ago."),
        "enter a date as YYYY-MM-DD": _("Enter a date as YYYY-MM-DD."),
        "the maximum must not be below the minimum": _("The maximum must not be below the minimum."),
        "keywords are a list of texts": _("Keywords are a list of texts."),
        "this field is required for a new organisation": _("This field is required for a new organisation."),
        "a unified social credit code has 18 digits and capital letters": _(
            "A unified social credit code has 18 digits and capital letters."),
        "the check character of this unified social credit code is wrong": _(
            "The check character of this unified social credit code is wrong; please check the code."),
        "the date must be within 5 years from today": _("The date must be within 5 years from today."),
        "the weights must add up to 100": _("The weights must add up to 100."),
        "each criterion needs its own name": _("Each criterion needs its own name."),
        "each score is from 1 to 10": _("Each score is from 1 to 10."),
    }
    text = message.removeprefix("Value error, ")
    return known.get(text, text)
