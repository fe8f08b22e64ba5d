"""Profile pages: the directory, one profile, editing one's own and its documents."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from models.accounts import Organisation
from models.files import AttachmentKind
from models.profiles import Achievement, DocumentCreate, ProfileUpdate
from webapp import db
from webapp.blueprints.forms import form_status, posted, run_form
from webapp.services import attachments, track
from webapp.services import profiles as service
from webapp.services.errors import ValidationError

bp = Blueprint("profiles", __name__, url_prefix="/profiles")


@bp.route("/")
@login_required
def directory():
    """Browse solvers, technical managers and commissioners."""
    kind = request.args.get("kind") or None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    q, errors = request.args.get("q", "")[:200], {}
    try:
        items, total = service.browse_profiles(db.session(), kind, q, page)
    except ValidationError as exc:
        items, total, errors = [], 0, exc.fields
    return render_template("profiles/directory.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // 20)), kind=kind, q=q, errors=errors), form_status(errors)


@bp.route("/<int:profile_id>")
@login_required
def view(profile_id: int):
    """One profile with its documents and achievements."""
    session = db.session()
    profile = service.get_profile(session, profile_id)
    achievements = session.exec(select(Achievement).where(Achievement.profile_id == profile.id)).all()
    return render_template("profiles/view.html", profile=profile,
                           org=session.get(Organisation, profile.organisation_id),
                           documents=(documents := service.documents_of(session, profile.id)),
                           achievements=achievements, document_files=attachments.on_page(
                               session, current_user, AttachmentKind.DOCUMENT, [d.id for d in documents]),
                           record=track.of_solvers(session, [profile.user_id]).get(profile.user_id))


@bp.route("/me", methods=["GET", "POST"])
@login_required
def edit():
    """Edit one's own profile."""
    session = db.session()
    profile = service.own_profile(session, current_user)
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {
        **profile.model_dump(), "keywords": ", ".join(profile.keywords)}
    if request.method == "POST":
        done, errors = run_form(ProfileUpdate, lambda data: service.update_profile(
            session, current_user, data), posted("available", "expert"))
        if done is not None:
            flash(_("Profile saved."))
            return redirect(url_for(".edit"))
    documents = service.documents_of(session, profile.id)
    return render_template("profiles/edit.html", profile=profile, values=values, errors=errors, documents=documents,
                           document_files=attachments.on_page(session, current_user, AttachmentKind.DOCUMENT,
                                                              [d.id for d in documents])), form_status(errors)


@bp.route("/me/documents", methods=["POST"])
@login_required
def add_document():
    """Add a paper, patent, project or service record."""
    values = {k: v for k, v in posted().items() if v != ""}
    done, errors = run_form(DocumentCreate, lambda data: service.add_document(
        db.session(), current_user, data), values)
    if errors:
        flash(_("The document was not added: %(why)s",
                why="; ".join(f"{k}: {v}" for k, v in errors.items())), "error")
    else:
        flash(_("Document added."))
    return redirect(url_for(".edit"))


@bp.route("/me/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def delete_document(document_id: int):
    """Remove one of one's own documents."""
    service.delete_document(db.session(), current_user, document_id)
    db.commit()
    flash(_("Document removed."))
    return redirect(url_for(".edit"))
