"""Technology-contract registration endpoints (技术合同认定登记): the record of a contract and its PDF."""

from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required

from models.registration import RegistrationIn, RegistrationRead
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import registration, registration_pdf

TAG = "registration"


@bp.get("/contracts/<int:contract_id>/registration")
@login_required
@validate(resp=responses(200, RegistrationRead, 404), tags=[TAG])
def get_registration(contract_id: int):
    """A contract's registration record (its parties and government)."""
    found = registration.visible(db.session(), current_user, contract_id)[0]
    return RegistrationRead.model_validate(found, from_attributes=True)


@bp.put("/contracts/<int:contract_id>/registration")
@login_required
@validate(json=RegistrationIn, resp=responses(200, RegistrationRead, 403, 404, 409, 422), tags=[TAG])
def save_registration(contract_id: int):
    """Create or edit the draft record of a confirmed or completed contract (the enterprise)."""
    found = registration.save(db.session(), current_user, contract_id, body())
    db.commit()
    return RegistrationRead.model_validate(found, from_attributes=True)


@bp.post("/contracts/<int:contract_id>/registration/confirm")
@login_required
@validate(resp=responses(200, RegistrationRead, 403, 404, 409), tags=[TAG])
def confirm_registration(contract_id: int):
    """Confirm the record (the enterprise): final; the solver and government are told."""
    found = registration.confirm(db.session(), current_user, contract_id)
    db.commit()
    return RegistrationRead.model_validate(found, from_attributes=True)


@bp.get("/contracts/<int:contract_id>/registration.pdf")
@login_required
def registration_document(contract_id: int):
    """The record as a PDF for signature (Chinese font embedded)."""
    found, contract, challenge = registration.visible(db.session(), current_user, contract_id)
    return Response(registration_pdf.render(found, contract, challenge), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="registration-{contract_id}.pdf"'})
