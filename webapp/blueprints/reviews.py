"""Expert review pages (专家评审): open a review, the proposed panel with scores and reasons, confirm, progress,
reminders and results for the organiser; the queue and score sheet for reviewers; 赛马制 awards."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from models.reviews import (
    DEFAULT_RUBRIC,
    MAX_CRITERIA,
    AwardCreate,
    ConflictNote,
    PanelChange,
    ReviewAssignment,
    ReviewCreate,
    ScoreSubmit,
)
from webapp import db
from webapp.blueprints.forms import form_status, posted, row_errors, run_form
from webapp.services import bids as bid_service
from webapp.services import judging, panel, reviewing
from webapp.services import reviews as service
from webapp.services.bidders import bidders
from webapp.services.challenges import get_challenge
from webapp.services.errors import PermissionDenied

bp = Blueprint("reviews", __name__)


@bp.route("/challenges/<int:challenge_id>/review/new", methods=["GET", "POST"])
@login_required
def new(challenge_id: int):
    """The organiser sets the rubric and rules; the engine then proposes the panel."""
    session = db.session()
    challenge = get_challenge(session, current_user, challenge_id)
    if not service.may_organise(session, current_user, challenge):
        raise PermissionDenied(_("Only the enterprise that posted this challenge, or government when it funds it, "
                                 "opens a review."))
    errors: dict[str, str] = {}
    values = dict(request.form) if request.method == "POST" else _defaults()
    if request.method == "POST":
        review, errors = run_form(ReviewCreate, lambda data: service.open_review(
            session, current_user, challenge_id, data), _review_input())
        if review is not None:
            flash(_("The engine proposed a panel: check it, change it if needed, and confirm."))
            return redirect(url_for(".panel_page", review_id=review.id))
        errors = _named(errors)
    return render_template("reviews/form.html", challenge=challenge, values=values, errors=errors,
                           rows=MAX_CRITERIA), form_status(errors)


def _defaults() -> dict[str, str]:
    values = {"per_bid": "3", "max_load": "5", "blind": "on"}
    for i, c in enumerate(DEFAULT_RUBRIC, start=1):
        values |= {f"criterion_name_{i}": c.name, f"criterion_weight_{i}": str(c.weight),
                   f"criterion_anchors_{i}": c.anchors}
    return values


def _review_input() -> dict:
    """The posted review form as ReviewCreate reads it: blank criterion rows skipped, an empty cap none."""
    data = posted("blind", "standardise")
    criteria = []
    for i in range(1, MAX_CRITERIA + 1):
        row = {k: data.pop(f"criterion_{k}_{i}", "").strip() for k in ("name", "weight", "anchors")}
        if row["name"] or row["weight"]:
            criteria.append(row)
    data["criteria"] = criteria
    if not str(data.get("pair_cap", "")).strip():
        data.pop("pair_cap", None)
    return data


def _named(errors: dict[str, str]) -> dict[str, str]:
    """Nested errors named after the form's inputs (criteria.0.weight → criterion_weight_1); the sum is the
    weights' rule."""
    return row_errors(errors, "criteria", "criterion", {"criteria": "criterion_weight_1"})


@bp.route("/reviews/<int:review_id>")
@login_required
def panel_page(review_id: int):
    """The panel, its progress and results (organiser, managers, government)."""
    session = db.session()
    review, challenge = service.review_of(session, current_user, review_id)
    if not service.may_read_panel(session, current_user, challenge):
        return redirect(url_for("challenges.detail", challenge_id=challenge.id, _anchor="review"))
    bids = {b.id: b for b in bid_service.bids_on(session, current_user, challenge.id)}
    organiser = service.may_organise(session, current_user, challenge)
    options = _swap_options(session, review, challenge, bids) if organiser and review.status.value == "proposed" \
        else {}
    return render_template("reviews/panel.html", review=review, challenge=challenge, bids=bids,
                           read=service.visible(session, current_user, review, challenge), organiser=organiser,
                           people=bidders(session, challenge, list(bids.values())), options=options)


def _swap_options(session, review, challenge, bids) -> dict[int, list[tuple[int, str, float]]]:
    """Per bid, the experts who may replace a proposed reviewer (not on it yet), best match first."""
    found = panel.candidates(session, challenge, [b for b in bids.values() if b.status.value in ("submitted",
                                                                                                 "shortlisted")])
    on_panel = set(session.exec(select(ReviewAssignment.bid_id, ReviewAssignment.profile_id).where(
        ReviewAssignment.review_id == review.id)).all())
    options: dict[int, list[tuple[int, str, float]]] = {}
    for (profile_id, bid_id), hit in sorted(found.hits.items(), key=lambda item: -item[1].score):
        if (bid_id, profile_id) not in on_panel:
            options.setdefault(bid_id, []).append((profile_id, found.experts[profile_id].name, hit.score))
    return options


@bp.route("/reviews/<int:review_id>/panel", methods=["POST"])
@login_required
def change(review_id: int):
    """Swap one proposed reviewer of a bid."""
    _done, errors = run_form(PanelChange, lambda data: service.change_panel(db.session(), current_user, review_id,
                                                                            data))
    flash(next(iter(errors.values())) if errors else _("Panel changed."), "error" if errors else "message")
    return redirect(url_for(".panel_page", review_id=review_id))


@bp.route("/reviews/<int:review_id>/<any(confirm, close, remind):action>", methods=["POST"])
@login_required
def act(review_id: int, action: str):
    """Confirm the panel, close the review, or remind the reviewers."""
    session = db.session()
    if action == "remind":
        count = service.remind(session, current_user, review_id)
        message = _("%(n)s reviewers reminded.", n=count)
    else:
        {"confirm": service.confirm, "close": service.close}[action](session, current_user, review_id)
        message = _("Panel confirmed; the reviewers were notified.") if action == "confirm" else _("Review closed.")
    db.commit()
    flash(message)
    return redirect(url_for(".panel_page", review_id=review_id))


@bp.route("/reviews/mine")
@login_required
def mine():
    """The reviewer's queue: bids to score and 验收 panels to judge."""
    session = db.session()
    return render_template("reviews/mine.html", tasks=reviewing.queue(session, current_user),
                           seats=judging.queue(session, current_user))


@bp.route("/reviews/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def sheet(assignment_id: int):
    """The score sheet of one bid."""
    session = db.session()
    item = reviewing.task(session, current_user, assignment_id)
    errors: dict[str, str] = {}
    values = {f"score_{i}": str(s) for i, s in enumerate(item.assignment.scores, start=1)} | {
        "comment": item.assignment.comment}
    if request.method == "POST":
        values = dict(request.form)
        data = {"scores": [request.form.get(f"score_{i}", "") for i in range(1, len(item.review.criteria) + 1)],
                "comment": request.form.get("comment", "")}
        done, errors = run_form(ScoreSubmit, lambda parsed: reviewing.submit(session, current_user, assignment_id,
                                                                             parsed), data)
        if done is not None:
            flash(_("Scores saved."))
            return redirect(url_for(".mine"))
    return render_template("reviews/sheet.html", item=item, values=values, errors=errors), form_status(errors)


@bp.route("/reviews/assignments/<int:assignment_id>/conflict", methods=["POST"])
@login_required
def conflict(assignment_id: int):
    """Declare a conflict of interest with a bid."""
    _done, errors = run_form(ConflictNote, lambda data: reviewing.declare_conflict(
        db.session(), current_user, assignment_id, data.note) or True)
    flash(_("Conflict declared; the bid goes to another expert.") if not errors else next(iter(errors.values())))
    return redirect(url_for(".mine"))


@bp.route("/challenges/<int:challenge_id>/award", methods=["POST"])
@login_required
def award(challenge_id: int):
    """赛马制: accept the chosen bids at once."""
    chosen = [v for v in request.form.getlist("bid_ids") if v.isdigit()]
    _done, errors = run_form(AwardCreate, lambda data: bid_service.award(
        db.session(), current_user, challenge_id, data.bid_ids), {"bid_ids": chosen})
    flash(next(iter(errors.values())) if errors else _("Bids accepted; the challenge is awarded."),
          "error" if errors else "message")
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))
