"""File pages: upload a file to a record, download it (always as an attachment), remove it."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Flask, Response, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.files import MAX_FILE_BYTES, AttachmentKind
from webapp import db
from webapp.redirects import same_site_path
from webapp.services import attachment_rules, attachments
from webapp.services.errors import NotFound, ValidationError
from webapp.storage import storage

bp = Blueprint("files", __name__)
UPLOADS = re.compile(r"^(/api/v1)?/files/[a-z]+/\d+$")
UPLOAD_LIMIT = MAX_FILE_BYTES + 256 * 1024  # the file and the form around it


def allow_uploads(app: Flask) -> None:
    """Let upload requests carry a file up to the file limit (others keep MAX_CONTENT_LENGTH); set before any
    other hook reads the body (the CSRF check does)."""
    def raise_limit() -> None:
        if request.method == "POST" and UPLOADS.match(request.path):
            request.max_content_length = UPLOAD_LIMIT
    app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)


def kind_of(value: str) -> AttachmentKind:
    """The record kind named in a URL (404 for any other word)."""
    try:
        return AttachmentKind(value)
    except ValueError:
        raise NotFound(_("No such record.")) from None


@bp.route("/files/<kind>/<int:record_id>", methods=["POST"])
@login_required
def upload(kind: str, record_id: int):
    """Attach the posted file; back to the record's page with what happened."""
    session = db.session()
    record = attachment_rules.find(session, current_user, kind_of(kind), record_id)
    posted = request.files.get("file")
    try:
        row = attachments.attach(session, storage(), current_user, record.kind, record_id,
                                 posted.filename or "" if posted else "", posted.read() if posted else b"",
                                 confidential="confidential" in request.form)
    except ValidationError as exc:
        db.rollback()
        flash(exc.fields.get("file", exc.message), "error")
    else:
        db.commit()
        flash(_("File “%(name)s” attached.", name=row.name))
    return redirect(same_site_path(request.form.get("next")) or record.page)


@bp.route("/files/<int:attachment_id>")
def download(attachment_id: int):
    """The file itself, as a download, checked like its record (404 when the record is not readable)."""
    return file_response(attachments.readable(db.session(), current_user, attachment_id))


def file_response(attachment) -> Response:
    """A stored file as an attachment download: its detected type, nosniff (global), never cached publicly."""
    response = Response(storage().get(attachment.key), mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = disposition(attachment.name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def disposition(name: str) -> str:
    """`attachment` with the name as RFC 6266 / 5987 say: an ASCII fallback, then the UTF-8 name (a header
    must be Latin-1, so a Chinese name goes percent-encoded)."""
    stem, dot, extension = name.rpartition(".")
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\%;' else "_"
                       for c in (stem if dot else name)) or "file"
    fallback = f"{fallback}.{extension}" if dot and extension.isascii() else fallback
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete(attachment_id: int):
    """Its uploader removes a file."""
    session = db.session()
    row = attachments.readable(session, current_user, attachment_id)
    record = attachment_rules.find(session, current_user, row.kind, row.record_id)
    attachments.remove(session, storage(), current_user, attachment_id)
    db.commit()
    flash(_("File “%(name)s” removed.", name=row.name))
    return redirect(record.page)
