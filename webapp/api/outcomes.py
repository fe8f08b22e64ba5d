"""Technical managers' outcome-based reputation: their recommendations' fate beside the engine's picks."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import SQLModel

from webapp import db
from webapp.api.base import bp, responses, validate
from webapp.services import outcomes
from webapp.services.errors import PermissionDenied


class OutcomeRow(SQLModel):
    """One manager: challenges curated, and how many candidates reached each stage (recommended, invited, bid,
    awarded, completed) — theirs, and the engine's top picks on the same challenges."""

    user_id: int
    name: str
    challenges: int
    manager: dict[str, int]
    engine: dict[str, int]


class OutcomeList(SQLModel):
    """Every manager for government; one's own row for a manager."""

    items: list[OutcomeRow]


@bp.get("/curation/outcomes")
@login_required
@validate(resp=responses(200, OutcomeList, 403), tags=["curation"])
def curation_outcomes():
    """How technical managers' recommendations fared against the engine's own picks (government: all
    managers; a manager: their own)."""
    if not current_user.has("government", "manager"):
        raise PermissionDenied(_("Only government and technical managers read curation outcomes."))
    rows = outcomes.outcomes(db.session(), current_user)
    return OutcomeList(items=[OutcomeRow(user_id=r.user_id, name=r.name, challenges=r.challenges,
                                         manager=r.manager.counts, engine=r.engine.counts) for r in rows])
