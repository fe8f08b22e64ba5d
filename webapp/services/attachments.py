"""File use cases: attach a file to a record, list and download the files a user may read, remove one.

The type is read from the content (webapp.services.filetypes); limits: 20 MiB per file, 10 files and 50 MiB
per record. The blob is written first, then its row; a rollback deletes the blob (webapp.storage).
"""

from __future__ import annotations

import hashlib
import uuid

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.challenges import Challenge
from models.files import MAX_FILE_BYTES, MAX_RECORD_BYTES, MAX_RECORD_FILES, Attachment, AttachmentKind
from webapp.auth import Account
from webapp.services import attachment_rules as rules
from webapp.services.access import confidential_readable, require_trusted
from webapp.services.audit import record_event, snapshot
from webapp.services.errors import NotFound, PermissionDenied, ValidationError
from webapp.services.filetypes import Refused, detect
from webapp.services.transitions import lock_for_update
from webapp.storage import Storage, removed, written


def attach(session: Session, store: Storage, user: Account, kind: AttachmentKind, record_id: int, name: str,
           data: bytes, confidential: bool = False) -> Attachment:
    """Store a file on a record the user may attach to."""
    record = rules.find(session, user, kind, record_id)
    require_trusted(user)
    private = rules.check_attach(session, user, record)
    lock_for_update(session, record.row)  # the record's limits are counted one upload at a time
    detected = _checked(session, kind, record_id, name, data)
    key = uuid.uuid4().hex
    store.put(key, data, detected.content_type)
    written(session, store, key)
    row = Attachment(kind=kind, record_id=record_id, name=detected.name, content_type=detected.content_type,
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(), key=key, uploaded_by=user.id,
                     confidential=private or (confidential and kind == AttachmentKind.CHALLENGE))
    session.add(row)
    session.flush()
    record_event(session, user.id, "file.attached", row, None,
                 snapshot(row, "kind", "record_id", "name", "size", "confidential"))
    return row


def _checked(session: Session, kind: AttachmentKind, record_id: int, name: str, data: bytes):
    """The detected type, or a 422 naming `file` for a file that breaks a rule."""
    def refuse(message: str) -> ValidationError:
        return ValidationError(message, {"file": message})

    if not data:
        raise refuse(_("Choose a file to upload."))
    if len(data) > MAX_FILE_BYTES:
        raise refuse(_("A file may be at most %(n)s MiB.", n=MAX_FILE_BYTES // 2**20))
    count, total = session.exec(select(func.count(), func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.kind == kind, Attachment.record_id == record_id)).one()
    if count >= MAX_RECORD_FILES:
        raise refuse(_("A record holds at most %(n)s files; remove one first.", n=MAX_RECORD_FILES))
    if total + len(data) > MAX_RECORD_BYTES:
        raise refuse(_("A record's files may add up to at most %(n)s MiB.", n=MAX_RECORD_BYTES // 2**20))
    try:
        return detect(data, name)
    except Refused as exc:
        messages = {"the file's name says another type than its content":
                    _("The file's name says another type than its content.")}
        raise refuse(messages.get(str(exc), _("This type of file is not accepted: send PDF, Office documents, "
                                               "images, plain text or archives."))) from None


def files_of(session: Session, user: Account, kind: AttachmentKind, record_id: int) -> list[Attachment]:
    """The files of a record the user may read, oldest first (NotFound if the record is unknown to them)."""
    record = rules.find(session, user, kind, record_id)
    rows = session.exec(select(Attachment).where(Attachment.kind == kind, Attachment.record_id == record_id)
                        .order_by(col(Attachment.id))).all()
    return [a for a in rows if rules.may_read(session, user, record, a)]


def readable(session: Session, user: Account, attachment_id: int) -> Attachment:
    """A file the user may download; a file of a record they may not read is a 404, like the record."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("No such file."))
    record = rules.find(session, user, attachment.kind, attachment.record_id)
    if not rules.may_read(session, user, record, attachment):
        raise NotFound(_("No such file."))
    return attachment


def remove(session: Session, store: Storage, user: Account, attachment_id: int) -> Attachment:
    """Its uploader removes a file while they may still attach to the record; the blob goes after the commit."""
    attachment = readable(session, user, attachment_id)
    record = rules.find(session, user, attachment.kind, attachment.record_id)
    if attachment.uploaded_by != user.id:
        raise PermissionDenied(_("Only the person who uploaded a file removes it."))
    rules.check_attach(session, user, record)
    record_event(session, user.id, "file.removed", attachment,
                 snapshot(attachment, "kind", "record_id", "name", "size"), None)
    session.delete(attachment)
    session.flush()
    removed(session, store, attachment.key)
    return attachment


def drop_all(session: Session, store: Storage, kind: AttachmentKind, record_id: int) -> None:
    """Delete a record's files with the record (their blobs once the deletion commits)."""
    for row in session.exec(select(Attachment).where(Attachment.kind == kind, Attachment.record_id == record_id)):
        session.delete(row)
        removed(session, store, row.key)


def on_page(session: Session, user: Account, kind: AttachmentKind, ids: list[int],
            challenge: Challenge | None = None) -> dict[int, list[Attachment]]:
    """The files of records a page already shows the user (a challenge's bids or questions, a profile's
    documents), in at most two queries: confidential ones only where the user may read the challenge's
    confidential details."""
    if not ids:
        return {}
    rows = session.exec(select(Attachment).where(Attachment.kind == kind, col(Attachment.record_id).in_(ids))
                        .order_by(col(Attachment.id))).all()
    secret_ok = challenge is not None and any(a.confidential for a in rows) and \
        challenge.id in confidential_readable(session, user, [challenge])
    out: dict[int, list[Attachment]] = {}
    for a in rows:
        if not a.confidential or secret_ok:
            out.setdefault(a.record_id, []).append(a)
    return out
