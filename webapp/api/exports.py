"""Export endpoints: transaction data for sharing between regions, as CSV or JSON (government)."""

from __future__ import annotations

from typing import Literal

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import SQLModel

from webapp import db
from webapp.api.base import bp, query, responses, validate
from webapp.services.errors import NotFound, PermissionDenied
from webapp.transfer import exports

TAG = "exports"


class ExportQuery(SQLModel):
    """Which format."""

    format: Literal["json", "csv"] = "json"


@bp.get("/exports/<dataset>")
@login_required
@validate(query=ExportQuery, resp=responses(200, None, 403, 404, 422), tags=[TAG])
def export(dataset: str):
    """Challenges, bids, awards or dispatches as JSON or CSV; columns are documented in README."""
    if not current_user.has("government"):
        raise PermissionDenied(_("Only government staff export transaction data."))
    if dataset not in exports.COLUMNS:
        raise NotFound(_("No such dataset: choose challenges, bids, awards or dispatches."))
    fmt = query().format
    text = exports.export(db.session(), dataset, fmt)
    mimetype = "text/csv" if fmt == "csv" else "application/json"
    return Response(text, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=jiebang-{dataset}.{fmt}"})
