"""Domain errors raised by services; webapp/errors.py turns them into responses."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the errors a user can cause."""

    status = 400
    code = "bad_request"
    headers: dict[str, str] = {}

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadRequest(DomainError):
    """A request that cannot be read at all (a body that is not JSON)."""

    code = "bad_request"


class UnsupportedMediaType(DomainError):
    """A body in another format than the endpoint takes."""

    status = 415
    code = "unsupported_media_type"


class PermissionDenied(DomainError):
    """The user is known but may not do this."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """No such record, or one the user may not know of."""

    status = 404
    code = "not_found"


class InvalidTransition(DomainError):
    """The record's state does not allow this action."""

    status = 409
    code = "invalid_transition"


class Conflict(DomainError):
    """The action clashes with another record (a second open bid, a taken e-mail)."""

    status = 409
    code = "conflict"


class ValidationError(DomainError):
    """Input that breaks a rule; `fields` names each bad field."""

    status = 422
    code = "validation_error"


class Busy(DomainError):
    """The database stayed contended through every retry; the client may try again shortly."""

    status = 503
    code = "busy"
    headers = {"Retry-After": "1"}
