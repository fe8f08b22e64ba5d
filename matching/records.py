"""Plain records the engine takes and gives: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Document:
    """One text of a candidate: a paper, patent, achievement or service record."""

    title: str = ""
    text: str = ""
    date: str | None = None  # ISO date (YYYY or YYYY-MM-DD); recent documents weigh more
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # its embedding (matching/dense.py)


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
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # embedding of text + keywords

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
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)  # the query's embedding

    def has_text(self) -> bool:
        """Whether there is anything to match on."""
        return bool(self.title.strip() or self.text.strip() or any(k.strip() for k in self.keywords))


@dataclass(frozen=True)
class Reason:
    """Why a candidate matched, as data: the reader's application words it in the reader's language.

    `kind` says which fields are set: "terms" (`terms`: content words both texts use), "keywords" (`pairs`:
    each query keyword with the candidate keyword it matched, equal or fuzzily close), "document" (`title`: the
    candidate's best-matching document), "region" (`region`: the same region code as the query), "capacity"
    (`load` of `capacity` engagements: full, or capacity 0 — not taking work), "topic" (the embeddings agree on
    the topic; `title`: the candidate's document closest in meaning, if it has a title), "lexical" (the
    candidate's embeddings are not computed yet: ranked by its words alone).
    """

    kind: str
    terms: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    title: str = ""
    region: str = ""
    load: int | None = None
    capacity: int | None = None

    def as_dict(self) -> dict:
        """The set fields, as JSON stores them (pairs as two-item lists)."""
        out: dict = {"kind": self.kind}
        if self.terms:
            out["terms"] = list(self.terms)
        if self.pairs:
            out["pairs"] = [list(p) for p in self.pairs]
        for name in ("title", "region"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        for name in ("load", "capacity"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Reason:
        """A reason from its stored form."""
        return cls(kind=data["kind"], terms=tuple(data.get("terms", ())),
                   pairs=tuple((str(q), str(c)) for q, c in data.get("pairs", ())), title=data.get("title", ""),
                   region=data.get("region", ""), load=data.get("load"), capacity=data.get("capacity"))


def keyword_reason(matches) -> Reason:
    """The keywords reason of (query keyword, candidate keyword, …) matches."""
    return Reason("keywords", pairs=tuple((m[0], m[1]) for m in matches))


@dataclass(frozen=True)
class Hit:
    """One ranked candidate with its score in [0, 1] and the reasons for it."""

    candidate_id: str
    score: float
    reasons: tuple[Reason, ...] = field(default=())


@dataclass(frozen=True)
class QueryHit:
    """One ranked query (challenge) for a candidate, on the same score scale as Hit."""

    query_id: str
    score: float
    reasons: tuple[Reason, ...] = field(default=())
