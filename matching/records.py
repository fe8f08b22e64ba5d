"""Plain records the engine takes and gives: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One text of a candidate: a paper, patent, achievement or service record."""

    title: str = ""
    text: str = ""
    date: str | None = None  # ISO date (YYYY or YYYY-MM-DD); recent documents weigh more


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
    capacity: int | None = None  # engagements at once; None means unlimited
    load: int = 0  # engagements now
    conflicts: tuple[str, ...] = ()  # organisations or query ids this candidate must not be matched to

    def has_text(self) -> bool:
        """Whether there is anything to match on."""
        return bool(self.text.strip() or any(k.strip() for k in self.keywords)
                    or any(d.title.strip() or d.text.strip() for d in self.documents))


@dataclass(frozen=True)
class Query:
    """What candidates are ranked against: usually a challenge."""

    id: str
    title: str = ""
    text: str = ""
    keywords: tuple[str, ...] = ()
    region: str = ""
    org: str = ""
    conflicts: tuple[str, ...] = ()  # candidate ids that must not be proposed

    def has_text(self) -> bool:
        """Whether there is anything to match on."""
        return bool(self.title.strip() or self.text.strip() or any(k.strip() for k in self.keywords))


@dataclass(frozen=True)
class Hit:
    """One ranked candidate with its score in [0, 1] and the reasons for it."""

    candidate_id: str
    score: float
    reasons: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class QueryHit:
    """One ranked query (challenge) for a candidate, on the same score scale as Hit."""

    query_id: str
    score: float
    reasons: tuple[str, ...] = field(default=())
