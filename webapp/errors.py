"""One place that turns errors into responses: JSON for the API, pages for people."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from webapp.services.errors import DomainError


def wants_json() -> bool:
    """API paths, and clients that prefer JSON, get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    accept = request.accept_mimetypes
    return best == "application/json" and accept[best] > accept["text/html"]


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """Render one error in the format the client wants."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, fields=fields or {}), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError):
        body, status = error_response(exc.status, exc.code, exc.message, exc.fields)
        return body, status, exc.headers

    @app.errorhandler(IntegrityError)
    def _integrity(_exc: IntegrityError):
        message = _("This clashes with a record saved at the same moment; reload and try again.")
        return error_response(409, "conflict", message)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        message = _("The form expired or lacks its security token; reload the page and try again.")
        return error_response(400, "csrf_failed", message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        messages = {
            401: _("Please sign in first."),
            403: _("You may not do this."),
            404: _("Not found."),
            405: _("This method is not allowed here."),
            413: _("The request is too large."),
        }
        code = (exc.name or "error").lower().replace(" ", "_")
        body, status = error_response(exc.code or 500, code, messages.get(exc.code, exc.description or exc.name))
        allow = {"Allow": ", ".join(sorted(exc.valid_methods))} if getattr(exc, "valid_methods", None) else {}
        return body, status, allow

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", _("Something went wrong on our side."))
