"""Credit list endpoints (信用管理): government's watch list and blacklist, lifting, appeals and decisions."""

from __future__ import annotations

from flask_login import current_user, login_required

from models.credit import Decision, ListingCreate, ListingList, ListingRead
from webapp import db
from webapp.api.base import body, bp, responses, validate
from webapp.services import credit

TAG = "credit"


@bp.get("/credit")
@login_required
@validate(resp=responses(200, ListingList), tags=[TAG])
def list_credit():
    """Every entry for government; for anyone else the entries naming them or their organisation."""
    session = db.session()
    return ListingList(items=[credit.read(session, e) for e in credit.visible(session, current_user)])


@bp.post("/credit")
@login_required
@validate(json=ListingCreate, resp=responses(201, ListingRead, 403, 422), tags=[TAG])
def create_listing():
    """Put an organisation (`organisation`: its exact name) or a person (`email`) on the watch list or blacklist
    with a reason and period (government)."""
    session = db.session()
    entry = credit.list_party(session, current_user, body())
    db.commit()
    return credit.read(session, entry), 201


@bp.post("/credit/<int:entry_id>/<any(lift, appeal, grant, uphold):action>")
@login_required
@validate(json=Decision, resp=responses(200, ListingRead, 403, 404, 409, 422), tags=[TAG])
def act_on_listing(entry_id: int, action: str):
    """`lift` an entry or `grant` / `uphold` a pending appeal (government, with reasons); `appeal` against an
    entry naming you or your organisation (once)."""
    session = db.session()
    text = body().text
    if action == "lift":
        entry = credit.lift(session, current_user, entry_id, text)
    elif action == "appeal":
        entry = credit.appeal(session, current_user, entry_id, text)
    else:
        entry = credit.decide(session, current_user, entry_id, action == "grant", text)
    db.commit()
    return credit.read(session, entry)
