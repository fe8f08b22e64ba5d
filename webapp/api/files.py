"""File endpoints: list, upload (multipart/form-data), download and remove the files of a record."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user, login_required

from models.files import Attachment, AttachmentList, AttachmentRead
from webapp import db
from webapp.api.base import Done, bp, responses, validate
from webapp.blueprints.files import file_response, kind_of
from webapp.services import attachments
from webapp.services.errors import ValidationError
from webapp.storage import storage

TAG = "files"


def attachment_read(a: Attachment) -> AttachmentRead:
    """The API view of a file, with its download address."""
    return AttachmentRead(id=a.id, kind=a.kind, record_id=a.record_id, confidential=a.confidential, name=a.name,
                          content_type=a.content_type, size=a.size, sha256=a.sha256, created_at=a.created_at,
                          url=url_for("api.download_file", attachment_id=a.id))


@bp.get("/files/<kind>/<int:record_id>")
@login_required
@validate(resp=responses(200, AttachmentList, 404), tags=[TAG])
def list_files(kind: str, record_id: int):
    """The files of a record (challenge, bid, question, achievement, document, milestone) the caller may read."""
    rows = attachments.files_of(db.session(), current_user, kind_of(kind), record_id)
    return AttachmentList(items=[attachment_read(a) for a in rows])


@bp.post("/files/<kind>/<int:record_id>")
@login_required
@validate(resp=responses(201, AttachmentRead, 403, 404, 409, 413), tags=[TAG])
def upload_file(kind: str, record_id: int):
    """Attach a file: multipart/form-data with a `file` part (and `confidential=true` for a challenge's
    confidential file). The type is read from the content: PDF, Office, images, plain text, archives; at most
    20 MiB per file, 10 files and 50 MiB per record."""
    posted = request.files.get("file")
    if posted is None:
        raise ValidationError("Send the file as the multipart part named file.", {"file": "required"})
    row = attachments.attach(db.session(), storage(), current_user, kind_of(kind), record_id, posted.filename or "",
                             posted.read(), confidential=request.form.get("confidential") in ("true", "1", "on"))
    db.commit()
    return attachment_read(row), 201


upload_file.takes_files = True  # type: ignore[attr-defined]


@bp.get("/files/<int:attachment_id>")
@login_required
@validate(resp=responses(200, None, 404), tags=[TAG])
def download_file(attachment_id: int):
    """The file's bytes, as an attachment download with its detected type."""
    return file_response(attachments.readable(db.session(), current_user, attachment_id))


@bp.delete("/files/<int:attachment_id>")
@login_required
@validate(resp=responses(200, Done, 403, 404, 409), tags=[TAG])
def delete_file(attachment_id: int):
    """Remove a file (its uploader, while they may still attach to the record)."""
    attachments.remove(db.session(), storage(), current_user, attachment_id)
    db.commit()
    return Done()
