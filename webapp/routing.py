"""URL converters: a record id in a path beyond what the id columns hold is a 404, not a database error."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from models.validation import MAX_RECORD_ID

MAX_ID = MAX_RECORD_ID
NO_RECORD = -1  # no table holds a negative id


class RecordId(IntegerConverter):
    """`<int:…>` whose values beyond what the INTEGER id columns hold name no record (a 404 from the view's lookup).

    Refusing them in the converter instead would let Werkzeug's router answer 405 for a method that
    another rule of the same path accepts.
    """

    def to_python(self, value: str) -> int:
        """The id, or NO_RECORD when it cannot be one."""
        number = int(value)
        return number if number <= MAX_ID else NO_RECORD


def init_app(app: Flask) -> None:
    """Use RecordId for every `<int:…>` route (call before registering routes)."""
    app.url_map.converters["int"] = RecordId
