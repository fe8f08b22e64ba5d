"""Bid pages: 揭榜 for solvers, 评选 for the enterprise."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models.accounts import Role
from models.challenges import BidCreate, BidUpdate, Reason
from webapp import db
from webapp.auth import roles_required
from webapp.blueprints.forms import form_status, posted, run_form
from webapp.services import bids as service
from webapp.services import challenges as challenge_service
from webapp.services import curation, reviews, teams

bp = Blueprint("bids", __name__)


@bp.route("/challenges/<int:challenge_id>/bid", methods=["GET", "POST"])
@roles_required(Role.SOLVER)
def new(challenge_id: int):
    """Bid on a published challenge."""
    challenge = challenge_service.get_challenge(db.session(), current_user, challenge_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, named = _without_members()
        bid, errors = run_form(BidCreate, lambda data: service.place_bid(
            db.session(), current_user, challenge_id, _with_members(data, named)), values)
        if bid is not None:
            flash(_("Your bid was submitted."))
            if bid.price > 2 * challenge.budget:
                times = round(bid.price / max(challenge.budget, 1), 1)
                flash(_("Your price is %(times)s times the reward of %(budget)s yuan; the enterprise will see it "
                        "flagged.", times=times, budget=f"{challenge.budget:,}"), "warning")
            return redirect(url_for("challenges.detail", challenge_id=challenge_id))
    return render_template("bids/form.html", challenge=challenge, bid=None, values=request.form,
                           errors=errors), form_status(errors)


@bp.route("/bids/<int:bid_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SOLVER)
def edit(bid_id: int):
    """Edit an open bid."""
    bid, challenge = service.own_open_bid(db.session(), current_user, bid_id)
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else {
        **bid.model_dump(), "members": teams.named_in_form(db.session(), bid.id)}
    if request.method == "POST":
        posted_values, named = _without_members()
        updated, errors = run_form(BidCreate, lambda data: service.update_bid(
            db.session(), current_user, bid_id, BidUpdate(**_with_members(data, named).model_dump())), posted_values)
        if updated is not None:
            flash(_("Your bid was updated."))
            return redirect(url_for("challenges.detail", challenge_id=challenge.id))
    return render_template("bids/form.html", challenge=challenge, bid=bid, values=values,
                           errors=errors), form_status(errors)


def _without_members() -> tuple[dict, str]:
    """The posted bid form without its team field (e-mails or profile numbers, resolved in the action)."""
    values = posted()
    return values, str(values.pop("members", ""))


def _with_members(data: BidCreate, named: str) -> BidCreate:
    """The bid with the team the form names (a 422 on `members` for anyone it cannot find)."""
    return data.model_copy(update={"members": teams.resolve(db.session(), named)})


@bp.route("/bids/<int:bid_id>/withdraw", methods=["POST"])
@roles_required(Role.SOLVER)
def withdraw(bid_id: int):
    """Withdraw an open bid."""
    bid = service.withdraw_bid(db.session(), current_user, bid_id)
    db.commit()
    flash(_("Your bid was withdrawn."))
    return redirect(url_for("challenges.detail", challenge_id=bid.challenge_id))


@bp.route("/bids/mine")
@roles_required(Role.SOLVER)
def mine():
    """The solver's bids and what became of them: a declined bid shows the reason, the panel's marks for it
    and the open challenges the engine ranks best for the solver — nobody is left in silence."""
    session = db.session()
    rows = service.bids_of(session, current_user)
    declined = any(b.status.value == "declined" for b, _c in rows)
    return render_template("bids/mine.html", rows=rows, marks=reviews.own_marks(session, current_user, rows),
                           invitations=teams.invitations(session, current_user),
                           declined=declined,
                           suggestions=_suggestions(session, {c.id for _b, c in rows}) if declined else [])


def _suggestions(session, bid_on: set[int], k: int = 3) -> list:
    """The best open challenges for the solver's profile that they have not bid on."""
    return [(c, hit) for c, hit in curation.challenges_for(session, current_user, k=k + len(bid_on))
            if c.id not in bid_on][:k]


@bp.route("/team-members/<int:member_id>/<any(confirm, decline):action>", methods=["POST"])
@roles_required(Role.SOLVER)
def answer_team(member_id: int, action: str):
    """Confirm or decline (or leave) a team bid one was named in."""
    teams.answer(db.session(), current_user, member_id, confirm=action == "confirm")
    db.commit()
    flash(_("You joined the team.") if action == "confirm" else _("You are not on this team."))
    return redirect(url_for(".mine"))


@bp.route("/bids/<int:bid_id>/<any(shortlist, accept):action>", methods=["POST"])
@roles_required(Role.ENTERPRISE)
def review(bid_id: int, action: str):
    """Shortlist or accept a bid on the enterprise's own challenge."""
    run = {"shortlist": service.shortlist_bid, "accept": service.accept_bid}[action]
    bid = run(db.session(), current_user, bid_id)
    db.commit()
    flash(_("Bid accepted; the challenge is awarded.") if action == "accept" else _("Bid shortlisted."))
    return redirect(url_for("challenges.detail", challenge_id=bid.challenge_id))


@bp.route("/bids/<int:bid_id>/decline", methods=["POST"])
@roles_required(Role.ENTERPRISE)
def decline(bid_id: int):
    """Decline a bid with a reason the solver sees."""
    bid, challenge = service.reviewed_bid(db.session(), current_user, bid_id)
    done, errors = run_form(Reason, lambda data: service.decline_bid(
        db.session(), current_user, bid_id, data.reason), posted())
    if errors:
        flash(_("Give a reason for declining."), "error")
    else:
        flash(_("Bid declined."))
    return redirect(url_for("challenges.detail", challenge_id=challenge.id))
