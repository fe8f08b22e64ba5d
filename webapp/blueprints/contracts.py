"""Contract pages: the enterprise proposes or revises terms, the solver confirms or asks for changes, milestones
are reported, accepted or returned, and a contract may be terminated with a reason."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.accounts import Organisation
from models.contracts import MAX_DELIVERABLES, ChangeIn, Confirmation, ContractTerms, Note, RatingIn
from models.registration import RegistrationIn
from webapp import db
from webapp.blueprints.forms import form_status, row_errors, run_form
from webapp.services import acceptance, changes, contracts, registration, registration_pdf, track

bp = Blueprint("contracts", __name__)
ROW_FIELDS = ("title", "indicators", "amount", "due")


@bp.route("/contracts")
@login_required
def mine():
    """The contracts the user is party to (government: every contract)."""
    session = db.session()
    rows = [(contracts.read(session, c, ch), ch) for c, ch in contracts.my_contracts(session, current_user)]
    return render_template("contracts/list.html", rows=rows)


@bp.route("/contracts/<int:contract_id>")
@login_required
def detail(contract_id: int):
    """One contract with its milestones and the actions open to this reader."""
    session = db.session()
    contract, challenge = contracts.contract_for(session, current_user, contract_id)
    org = session.get(Organisation, challenge.organisation_id)
    return render_template("contracts/detail.html", contract=contracts.read(session, contract, challenge),
                           **_acceptance(session, contract, challenge),
                           challenge=challenge, enterprise=org.name if org else "",
                           owner=challenge.owner_id == current_user.id,
                           solver=contract.solver_id == current_user.id,
                           ratings=track.ratings_of(session, contract.id),
                           changes=changes.changes_of(session, contract.id),
                           solver_record=track.of_solvers(session, [contract.solver_id]).get(contract.solver_id),
                           enterprise_record=track.of_enterprise(session, challenge.organisation_id))


def _acceptance(session, contract, challenge) -> dict:
    """The contract's 验收 panels and what the reader may do about them."""
    named = acceptance.may_see_names(session, current_user, challenge)
    panels = [acceptance.read(session, p, named) for p in acceptance.panels_of(session, contract)]
    items = contracts.deliverables(session, contract)
    final = items[-1] if items else None
    organiser = acceptance.may_organise(session, current_user, challenge)
    open_panel = any(p.status.value == "open" for p in panels)
    return {"panels": panels, "organiser": organiser, "final_id": final.id if final else None,
            "may_refer": organiser and final is not None and final.status.value == "reported" and not open_panel
            and contract.status.value == "confirmed",
            "panel_only": final is not None and (open_panel or acceptance.needs_panel(session, contract, challenge,
                                                                                      final)),
            "panel_due": (contracts.today() + dt.timedelta(days=14)).isoformat()}


@bp.route("/contracts/<int:contract_id>/rating", methods=["POST"])
@login_required
def rate(contract_id: int):
    """A party rates the other after completion."""
    _done, errors = run_form(RatingIn, lambda data: track.rate(db.session(), current_user, contract_id, data),
                             {"stars": request.form.get("stars", ""), "comment": request.form.get("comment", "")})
    flash(next(iter(errors.values())) if errors else _("Thank you: your rating was recorded."),
          "error" if errors else "info")
    return redirect(url_for(".detail", contract_id=contract_id, _anchor="ratings"))


@bp.route("/bids/<int:bid_id>/contract", methods=["GET", "POST"])
@login_required
def propose(bid_id: int):
    """The enterprise drafts the contract of an accepted bid, starting from the bid's price and duration."""
    bid, challenge = contracts.accepted_bid(db.session(), current_user, bid_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        contract, errors = run_form(ContractTerms, lambda data: contracts.propose(
            db.session(), current_user, bid_id, data), _terms())
        if contract is not None:
            flash(_("Contract proposed; the solver was asked to confirm it."))
            return redirect(url_for(".detail", contract_id=contract.id))
    values = request.form if request.method == "POST" else _from_bid(bid)
    return _form(challenge, values, errors, bid=bid)


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@login_required
def revise(contract_id: int):
    """The enterprise revises terms the solver has not confirmed."""
    session = db.session()
    contract, challenge = contracts.contract_for(session, current_user, contract_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        done, errors = run_form(ContractTerms, lambda data: contracts.revise(
            session, current_user, contract_id, data), _terms())
        if done is not None:
            flash(_("Terms revised; the solver was asked to confirm them again."))
            return redirect(url_for(".detail", contract_id=contract_id))
    values = request.form if request.method == "POST" else _from_contract(contracts.read(session, contract,
                                                                                           challenge))
    return _form(challenge, values, errors, contract=contract)


@bp.route("/contracts/<int:contract_id>/confirm", methods=["POST"])
@login_required
def confirm(contract_id: int):
    """The solver confirms the revision of the terms shown on their page."""
    _done, errors = run_form(Confirmation, lambda data: contracts.confirm(
        db.session(), current_user, contract_id, data.revision), {"revision": request.form.get("revision", "")})
    flash(_("The page was out of date; reload it.") if errors else _("Contract confirmed: the work has started."),
          "error" if errors else "info")
    return redirect(url_for(".detail", contract_id=contract_id))


@bp.route("/contracts/<int:contract_id>/<any('request-changes', terminate):action>", methods=["POST"])
@login_required
def with_note(contract_id: int, action: str):
    """The solver asks for changes, or the enterprise terminates, each saying why."""
    run, done = {"request-changes": (contracts.request_changes, _("Your request for changes was sent.")),
                 "terminate": (contracts.terminate, _("Contract terminated."))}[action]
    return _note_form(contract_id, lambda text: run(db.session(), current_user, contract_id, text), done)


@bp.route("/contracts/<int:contract_id>/milestones/<int:item_id>/<any(report, return):action>", methods=["POST"])
@login_required
def milestone_note(contract_id: int, item_id: int, action: str):
    """The solver reports a milestone delivered, or the enterprise returns it with a reason."""
    run, done = {"report": (contracts.report, _("Milestone reported; the enterprise will check it.")),
                 "return": (contracts.send_back, _("Milestone returned to the solver."))}[action]
    return _note_form(contract_id, lambda text: run(db.session(), current_user, contract_id, item_id, text), done)


@bp.route("/contracts/<int:contract_id>/milestones/<int:item_id>/accept", methods=["POST"])
@login_required
def accept(contract_id: int, item_id: int):
    """The enterprise accepts a reported milestone."""
    contracts.accept(db.session(), current_user, contract_id, item_id)
    db.commit()
    flash(_("Milestone accepted."))
    return redirect(url_for(".detail", contract_id=contract_id, _anchor="milestones"))


def _note_form(contract_id: int, action, done: str):
    """Run a one-text form, say how it went, and go back to the contract."""
    _result, errors = run_form(Note, lambda data: action(data.text), {"text": request.form.get("text", "")})
    flash(_("Say why: the text must not be empty.") if errors else done, "error" if errors else "info")
    return redirect(url_for(".detail", contract_id=contract_id))


def _form(challenge, values, errors, bid=None, contract=None):
    named = row_errors(errors, "milestones", "milestone", {"body": "form", "milestones": "milestone_title_1"})
    return render_template("contracts/form.html", challenge=challenge, values=values, errors=named, bid=bid,
                           contract=contract, rows=MAX_DELIVERABLES), form_status(errors)


def _terms() -> dict:
    """The posted terms: the contract's fields and the milestone rows filled in (blank rows skipped)."""
    rows = []
    for i in range(1, MAX_DELIVERABLES + 1):
        row = {name: request.form.get(f"milestone_{name}_{i}", "").strip() for name in ROW_FIELDS}
        if any(row.values()):
            rows.append(row)
    return {"price": request.form.get("price", ""), "start_date": request.form.get("start_date", ""),
            "end_date": request.form.get("end_date", ""), "milestones": rows}


def _from_bid(bid) -> dict:
    """A first draft of the terms: the bid's price and duration, from today, in one milestone."""
    start = contracts.today()
    end = start + dt.timedelta(days=bid.duration_days)
    return {"price": bid.price, "start_date": start.isoformat(), "end_date": end.isoformat(),
            "milestone_title_1": _("Final delivery"), "milestone_amount_1": bid.price,
            "milestone_due_1": end.isoformat()}


def _from_contract(read) -> dict:
    values: dict = {"price": read.price, "start_date": read.start_date.isoformat(),
                    "end_date": read.end_date.isoformat()}
    for i, item in enumerate(read.milestones, start=1):
        values |= {f"milestone_title_{i}": item.title, f"milestone_indicators_{i}": item.indicators,
                   f"milestone_amount_{i}": item.amount, f"milestone_due_{i}": item.due.isoformat()}
    return values


@bp.route("/contracts/<int:contract_id>/registration", methods=["GET", "POST"])
@login_required
def registration_form(contract_id: int):
    """The registration record (技术合同认定登记): the enterprise completes and saves it; everyone entitled reads it."""
    session = db.session()
    contract, challenge = contracts.contract_for(session, current_user, contract_id)
    found = registration.registration_of(session, contract.id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        saved, errors = run_form(RegistrationIn, lambda data: registration.save(session, current_user, contract_id,
                                                                                data))
        if saved is not None:
            flash(_("Registration record saved. Confirm it when it is complete."))
            return redirect(url_for(".registration_form", contract_id=contract_id))
    values = request.form if request.method == "POST" else (
        found.model_dump(mode="json") if found else registration.prefilled(session, contract, challenge))
    return render_template("contracts/registration.html", contract=contract, challenge=challenge, record=found,
                           values=values, errors=errors, owner=challenge.owner_id == current_user.id), \
        form_status(errors)


@bp.route("/contracts/<int:contract_id>/registration/confirm", methods=["POST"])
@login_required
def confirm_registration(contract_id: int):
    """The enterprise confirms the record."""
    registration.confirm(db.session(), current_user, contract_id)
    db.commit()
    flash(_("Registration record confirmed; the solver and government were told."))
    return redirect(url_for(".registration_form", contract_id=contract_id))


@bp.route("/contracts/<int:contract_id>/registration.pdf")
@login_required
def registration_pdf_file(contract_id: int):
    """The record as a PDF for signature."""
    found, contract, challenge = registration.visible(db.session(), current_user, contract_id)
    return Response(registration_pdf.render(found, contract, challenge), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="registration-{contract_id}.pdf"'})


@bp.route("/contracts/<int:contract_id>/changes", methods=["POST"])
@login_required
def propose_change(contract_id: int):
    """A party proposes a change of dates (the form's due_<milestone> fields left blank keep their date)."""
    dues = {key.removeprefix("due_"): value for key, value in request.form.items()
            if key.startswith("due_") and value.strip()}
    data = {"reason": request.form.get("reason", ""), "end_date": request.form.get("end_date", ""), "dues": dues}
    _done, errors = run_form(ChangeIn, lambda parsed: changes.propose(db.session(), current_user, contract_id,
                                                                      parsed), data)
    flash(next(iter(errors.values())) if errors else _("Change proposed; the other party was asked."),
          "error" if errors else "info")
    return redirect(url_for(".detail", contract_id=contract_id, _anchor="changes"))


@bp.route("/contract-changes/<int:change_id>/<any(accept, decline):action>", methods=["POST"])
@login_required
def answer_change(change_id: int, action: str):
    """The other party accepts or declines a proposed change."""
    session = db.session()
    change = changes.answer_target(session, change_id)
    _done, errors = run_form(Note, lambda data: changes.answer(session, current_user, change_id, action == "accept",
                                                               data.text), {"text": request.form.get("text", "")})
    flash(_("Say why: the text must not be empty.") if errors else _("Your answer was recorded."),
          "error" if errors else "info")
    return redirect(url_for(".detail", contract_id=change.contract_id, _anchor="changes"))
