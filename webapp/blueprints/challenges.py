"""Challenge pages: browse, read, post, edit, submit, withdraw, accept confidentiality terms."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from models.accounts import Role
from models.challenges import MAX_INDICATORS, ChallengeCreate, ChallengeSearch, ChallengeUpdate
from models.common import TechField
from models.files import AttachmentKind
from webapp import db
from webapp.auth import reads_stamps, roles_required
from webapp.blueprints.forms import form_status, posted, row_errors, run_form
from webapp.fragments import fragments
from webapp.services import (
    attachments,
    bidders,
    clarifications,
    contracts,
    curation,
    public,
    reviews,
    subsidies,
)
from webapp.services import bids as bid_service
from webapp.services import challenges as service
from webapp.services.access import can_see_all_bids, can_see_confidential, is_owner
from webapp.services.errors import ValidationError
from webapp.services.search import require_searchable
from webapp.validation import parse

bp = Blueprint("challenges", __name__, url_prefix="/challenges")
INDICATOR_FIELDS = ("name", "target", "unit", "method")


@bp.route("/")
@reads_stamps("published")
def browse():
    """Search and filter published challenges."""
    args = {k: v for k, v in request.args.items() if v != "" and k != "lang"}
    errors: dict[str, str] = {}
    try:
        search = parse(ChallengeSearch, args)
        require_searchable(search.q)
    except ValidationError as exc:
        search, errors = ChallengeSearch(), exc.fields
    session = db.session()

    def render() -> str:
        results = Markup("")  # a bad filter finds nothing, and says why
        if not errors:
            items, total = service.browse_published(session, search)
            pages = max(1, -(-total // search.per_page))
            results = Markup(render_template("challenges/_results.html", items=items, total=total, search=search,
                                             pages=pages, args=args))
        return render_template("challenges/_browse.html", results=results, search=search, args=args, errors=errors)

    # The form and results are the same for every visitor: kept per worker until a challenge changes.
    key = ("browse", str(get_locale()), tuple(sorted(args.items())), service.browse_version(session, search))
    return render_template("challenges/browse.html", body=fragments().get(key, render)), form_status(errors)


@bp.route("/mine")
@roles_required(Role.ENTERPRISE)
def mine():
    """The enterprise's own challenges in every state."""
    return render_template("challenges/mine.html", items=service.challenges_of(db.session(), current_user))


@bp.route("/feed.atom")
def feed():
    """An Atom feed of newly published challenges (optionally of one field), for anyone to follow."""
    field = request.args.get("field") or None
    if field is not None and field not in TechField.__members__.values():
        field = None
    xml = public.atom_feed(db.session(), field, url_for(".feed", field=field, _external=True),
                           lambda cid: url_for(".detail", challenge_id=cid, _external=True))
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/<int:challenge_id>")
def detail(challenge_id: int):
    """One challenge; confidential details only for those entitled to them (visitors see the public part)."""
    session = db.session()
    challenge = service.get_challenge(session, current_user, challenge_id)
    if not current_user.is_authenticated:
        return render_template("challenges/public.html", challenge=challenge,
                               enterprise=public.enterprise_name(session, challenge),
                               qa=clarifications.clarifications(session, current_user, challenge))
    bids = None
    curator = is_owner(current_user, challenge) or current_user.has(*curation.CURATORS)
    if can_see_all_bids(current_user, challenge) or current_user.has("solver"):
        bids = bid_service.bids_on(session, current_user, challenge.id)
    qa = clarifications.clarifications(session, current_user, challenge)
    subsidy = subsidies.visible_subsidy(session, current_user, challenge.id)
    return render_template(
        "challenges/detail.html", challenge=challenge, bids=bids,
        bidders=bidders.bidders(session, challenge, bids) if bids and can_see_all_bids(current_user, challenge) else {},
        confidential=can_see_confidential(session, current_user, challenge),
        owner=is_owner(current_user, challenge),
        open_bid=bid_service.open_bid_of(session, current_user.id, challenge.id),
        can_bid=current_user.has("solver") and bid_service.open_for_bids(challenge),
        recommended=curation.recommended(session, challenge.id) if curator else [],
        achievements=curation.achievements_for(session, current_user, challenge.id)
        if curator and challenge.status in curation.CURATABLE else [],
        subsidy=subsidy,
        invitation=curation.my_invitation(session, current_user, challenge.id) if current_user.has("solver") else None,
        invitations=curation.invitations_to(session, challenge.id) if curator else {},
        qa=qa,
        can_ask=current_user.has("solver") and bid_service.open_for_bids(challenge),
        **_review_context(session, challenge, bids),
        **_contract_context(session, challenge),
        **_files_context(session, challenge, bids, [q.id for q in qa.questions],
                         [m.id for m in subsidy.milestones] if subsidy else []),
    )


def _files_context(session, challenge, bids, qa_ids: list[int], milestone_ids: list[int]) -> dict:
    """The files of the challenge, of the bids and questions this reader sees on its page, and the milestones'
    evidence for the owner, managers and government."""
    evidence = is_owner(current_user, challenge) or current_user.has("manager", "government")
    return {"files": attachments.files_of(session, current_user, AttachmentKind.CHALLENGE, challenge.id),
            "bid_files": attachments.on_page(session, current_user, AttachmentKind.BID,
                                             [b.id for b in bids or []], challenge),
            "question_files": attachments.on_page(session, current_user, AttachmentKind.QUESTION, qa_ids, challenge),
            "milestone_files": attachments.on_page(session, current_user, AttachmentKind.MILESTONE, milestone_ids)
            if evidence else {},
            "files_open": challenge.status.value in ("draft", "rejected", "published")}


def _contract_context(session, challenge) -> dict:
    """The challenge's contracts this reader is party to (all for its enterprise and government), and the
    accepted bids whose contract its enterprise has yet to propose."""
    rows = contracts.contracts_of_challenge(session, current_user, challenge)
    return {"contract_rows": [contracts.read(session, c, challenge) for c in rows],
            "awaiting_contract": contracts.awaiting_contract(session, current_user, challenge),
            "contract_milestones": subsidies.deliverables_of(session, challenge.id)
            if current_user.has("government") else {}}


def _review_context(session, challenge, bids) -> dict:
    """The expert review of the challenge's bids as this reader may see it, and whether they may open one."""
    review = reviews.review_for(session, challenge.id)
    read = reviews.visible(session, current_user, review, challenge) if review is not None else None
    return {"review": review, "review_results": {r.bid_id: r for r in read.results} if read else {},
            "may_organise": reviews.may_organise(session, current_user, challenge)}


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE)
def new():
    """Post a new challenge; it is saved as a draft."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        challenge, errors = run_form(
            ChallengeCreate, lambda data: service.create_challenge(db.session(), current_user, data), _posted())
        if challenge is not None:
            flash(_("Draft saved. Submit it for review when it is ready."))
            return redirect(url_for(".detail", challenge_id=challenge.id))
    values = request.form if request.method == "POST" else {"max_awards": "1"}
    return _form(values, errors, None)


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ENTERPRISE)
def edit(challenge_id: int):
    """Edit a draft or rejected challenge."""
    session = db.session()
    challenge = service.owned_challenge(session, current_user, challenge_id)
    errors: dict[str, str] = {}
    values = request.form if request.method == "POST" else _values_of(challenge)
    if request.method == "POST":
        updated, errors = run_form(ChallengeCreate, lambda data: service.update_challenge(
            session, current_user, challenge_id, ChallengeUpdate(**data.model_dump())), _posted())
        if updated is not None:
            flash(_("Changes saved."))
            return redirect(url_for(".detail", challenge_id=challenge_id))
    return _form(values, errors, challenge)


@bp.route("/<int:challenge_id>/<any(submit, withdraw):action>", methods=["POST"])
@roles_required(Role.ENTERPRISE)
def owner_action(challenge_id: int, action: str):
    """Submit a draft for review, or withdraw a challenge."""
    actions = {"submit": (service.submit_challenge, _("Submitted for review.")),
               "withdraw": (service.withdraw_challenge, _("Challenge withdrawn."))}
    run, message = actions[action]
    run(db.session(), current_user, challenge_id)
    db.commit()
    flash(message)
    return redirect(url_for(".detail", challenge_id=challenge_id))


@bp.route("/<int:challenge_id>/accept-terms", methods=["POST"])
@roles_required(Role.SOLVER)
def accept_terms(challenge_id: int):
    """Accept the confidentiality terms to read the confidential details."""
    service.accept_terms(db.session(), current_user, challenge_id)
    db.commit()
    flash(_("Confidentiality terms accepted."))
    return redirect(url_for(".detail", challenge_id=challenge_id))


def _form(values, errors: dict[str, str], challenge):
    """The challenge form, its indicator rows' errors named after their inputs."""
    named = row_errors(errors, "indicators", "indicator", {"indicators": "indicator_name_1"})
    return render_template("challenges/form.html", values=values, errors=named, challenge=challenge,
                           indicator_rows=MAX_INDICATORS), form_status(errors)


def _posted() -> dict:
    """The challenge form as posted: an empty number of parallel awards means one; the indicator rows filled in
    become the list of indicators (blank rows skipped)."""
    values = {k: v for k, v in posted("anonymous").items() if not k.startswith("indicator_")}
    if not str(values.get("max_awards", "")).strip():
        values["max_awards"] = 1
    values["indicators"] = []
    for i in range(1, MAX_INDICATORS + 1):
        row = {name: request.form.get(f"indicator_{name}_{i}", "").strip() for name in INDICATOR_FIELDS}
        if any(row.values()):
            values["indicators"].append({**row, "confidential": f"indicator_confidential_{i}" in request.form})
    return values


def _values_of(challenge) -> dict[str, str]:
    """A stored challenge as form values, its indicators as numbered rows."""
    data = challenge.model_dump(mode="json", exclude={"indicators"})
    data["keywords"] = ", ".join(challenge.keywords)
    for i, item in enumerate(challenge.indicators, start=1):
        data |= {f"indicator_{name}_{i}": item.get(name, "") for name in (*INDICATOR_FIELDS, "confidential")}
    return data
