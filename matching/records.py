"""Plain records the engine takes and gives: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One text of a candidate: a paper, patent, achievement or service record."""

    title: str = ""
    text: str = ""
    date: str | None = None


@dataclass(frozen=True)
class Candidate:
    """Someone (or something) that can be matched to a query."""

    id: str
    kind: str = "solver"
    name: str = ""
    text: str = ""
    keywords: tuple[str, ...] = ()
    documents: tuple[Document, ...] = ()
    region: str = ""
    org: str = ""


@dataclass(frozen=True)
class Query:
    """What candidates are ranked against: usually a challenge."""

    id: str
    title: str = ""
    text: str = ""
    keywords: tuple[str, ...] = ()
    region: str = ""
    org: str = ""


@dataclass(frozen=True)
class Hit:
    """One ranked candidate with its score in [0, 1] and the reasons for it."""

    candidate_id: str
    score: float
    reasons: tuple[str, ...] = field(default=())
