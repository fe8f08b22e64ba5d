"""Jiebang's tables and schemas; importing this registers every table on SQLModel.metadata."""

from models import (
    acceptance,
    accounts,
    audit,
    challenges,
    clarifications,
    contracts,
    credit,
    curation,
    dispatch,
    embeddings,
    files,
    jobs,
    membership,
    notifications,
    profiles,
    registration,
    reviews,
    security,
    subsidies,
    supply,
    teams,
)
from models.db import default_url, make_engine, new_session

__all__ = [
    "acceptance", "accounts", "audit", "challenges", "clarifications", "contracts", "credit", "curation", "dispatch",
    "embeddings", "files", "jobs", "membership", "notifications", "profiles", "registration", "reviews", "security",
    "subsidies", "supply", "teams",
    "default_url", "make_engine", "new_session",
]
