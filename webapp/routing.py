"""URL converters: record ids in paths are 64-bit, so a larger number is a 404, not a database error."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1


class RecordId(IntegerConverter):
    """`<int:…>` bounded to what the databases' BIGINT holds."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


def init_app(app: Flask) -> None:
    """Use RecordId for every `<int:…>` route (call before registering routes)."""
    app.url_map.converters["int"] = RecordId
