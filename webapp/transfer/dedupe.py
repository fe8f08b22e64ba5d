"""Likely duplicates of organisations and people, found with rapidfuzz — a question for the operator.

Organisations: names are normalised (NFKC, lower case, brackets and spaces as separators) and compared with
token-set and partial ratios, so `天津大学` and `天津大学 化工学院` match. People: every written form of the
name (`张伟 (Zhang Wei)` gives `张伟` and `zhang wei`) is compared order-insensitively, and a name match counts
only when the organisations match too — two 张伟 in different universities are different people.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

ORG_THRESHOLD = 90.0
NAME_THRESHOLD = 90.0
_BRACKETS = re.compile(r"[()（）\[\]【】《》<>,，;；/、·.\-]+")


@dataclass(frozen=True)
class Known:
    """A record to compare against: an existing row (id) or an earlier line of the file (line)."""

    name: str
    organisation: str = ""
    id: int | None = None
    line: int | None = None
    email: str = ""


@dataclass(frozen=True)
class Match:
    """The best likely duplicate of a row, with the similarity in [0, 100] and why."""

    known: Known
    score: float
    why: str


def normalise(name: str) -> str:
    """NFKC, lower case, brackets and punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKC", name).lower()
    return " ".join(_BRACKETS.sub(" ", text).split())


def org_similarity(a: str, b: str) -> float:
    """How alike two organisation names are (100 when one is the other plus a department)."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return 0.0
    if a.replace(" ", "") == b.replace(" ", ""):
        return 100.0
    shorter = min(len(a.replace(" ", "")), len(b.replace(" ", "")))
    partial = fuzz.partial_ratio(a.replace(" ", ""), b.replace(" ", "")) if shorter >= 4 else 0.0
    return max(fuzz.token_set_ratio(a, b), partial)


def name_forms(name: str) -> set[str]:
    """The written forms of a person's name: the whole, and each part in or out of brackets."""
    forms = {normalise(name)}
    for part in re.split(r"[()（）]", name):
        if part.strip():
            forms.add(normalise(part))
    return {f for f in forms if f}


def name_similarity(a: str, b: str) -> float:
    """The best order-insensitive similarity between any written forms of two names."""
    return max((fuzz.token_sort_ratio(x, y) for x in name_forms(a) for y in name_forms(b)), default=0.0)


def similar_organisation(name: str, known: list[Known]) -> Match | None:
    """The most similar organisation at or above the threshold."""
    best = max(((k, org_similarity(name, k.name)) for k in known), key=lambda pair: pair[1], default=None)
    if best is None or best[1] < ORG_THRESHOLD:
        return None
    return Match(best[0], round(best[1], 1), "same name" if best[1] == 100 else "similar name")


def similar_person(name: str, organisation: str, email: str, known: list[Known]) -> Match | None:
    """The same e-mail, or a similar name in a similar organisation."""
    for k in known:
        if email and k.email and email.lower() == k.email.lower():
            return Match(k, 100.0, "same e-mail")
    scored = [(k, name_similarity(name, k.name)) for k in known]
    scored = [(k, s) for k, s in scored if s >= NAME_THRESHOLD and org_similarity(organisation, k.organisation)
              >= ORG_THRESHOLD]
    if not scored:
        return None
    best = max(scored, key=lambda pair: pair[1])
    return Match(best[0], round(best[1], 1), "similar name, same organisation")
