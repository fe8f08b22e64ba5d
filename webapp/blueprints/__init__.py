"""Page blueprints, one per area."""

from __future__ import annotations

from flask import Flask

from webapp.blueprints import (
    acceptance,
    account,
    achievements,
    admin,
    bids,
    challenges,
    clarifications,
    conflicts,
    contracts,
    credit,
    curation,
    dashboard,
    dispatch,
    files,
    government,
    home,
    inbox,
    organisation,
    profiles,
    registration,
    reviews,
    subsidies,
)


def register_blueprints(app: Flask) -> None:
    """Mount every page blueprint."""
    for module in (home, account, registration, organisation, challenges, clarifications, bids, government, profiles,
                   achievements, curation, inbox, subsidies, dispatch, dashboard, conflicts, contracts, acceptance,
                   credit, reviews, files, admin):
        app.register_blueprint(module.bp)
    files.allow_uploads(app)
