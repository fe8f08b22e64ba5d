"""The home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import col, select

from models.challenges import Bid, Challenge, ChallengeStatus
from models.profiles import Achievement, Profile
from webapp import db
from webapp.auth import reads_stamps
from webapp.fragments import fragments
from webapp.i18n import LANGUAGES
from webapp.services import curation, stamps
from webapp.services.public import NAMED_AFTER_AWARD
from webapp.services.ranking import REVERSE_STAMPS
from webapp.services.workbench import workbench

bp = Blueprint("home", __name__)

FIGURES_STAMPS = ("published", "profiles", "achievements", "bids")  # every figure moves one of these


@bp.route("/")
@reads_stamps(*FIGURES_STAMPS)
def index():
    """Show what the platform holds and what the signed-in user can do next."""
    session_ = db.session()
    read = stamps.read(session_, *FIGURES_STAMPS, *(REVERSE_STAMPS if _is_solver() else ()))  # read with the account
    figures = fragments().value(("home figures", *read[:len(FIGURES_STAMPS)]), lambda: _figures(session_))
    for_you = curation.challenges_for(session_, current_user) if _is_solver() else []
    work = workbench(session_, current_user) if current_user.is_authenticated else []
    return render_template("index.html", figures=figures, user=current_user, for_you=for_you, work=work)


def _figures(session) -> dict[str, int]:
    """What the platform holds, in one round trip (kept per worker until one of FIGURES_STAMPS moves)."""
    counts = {
        "published": select(func.count()).select_from(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED),
        "awarded": select(func.count()).select_from(Challenge).where(col(Challenge.status).in_(NAMED_AFTER_AWARD)),
        "bids": select(func.count()).select_from(Bid),
        "profiles": select(func.count()).select_from(Profile),
        "achievements": select(func.count()).select_from(Achievement),
    }
    row = session.exec(select(*(count.scalar_subquery() for count in counts.values()))).one()
    return dict(zip(counts, row, strict=True))


def _is_solver() -> bool:
    return current_user.is_authenticated and current_user.has("solver")


@bp.route("/lang/<code>")
def set_language(code: str):
    """Switch the interface language and go back where the user was."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.referrer or url_for("home.index")
    if not target.startswith(request.host_url):
        target = url_for("home.index")
    return redirect(target)
