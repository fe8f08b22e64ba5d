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

import numpy as np
from rapidfuzz import fuzz, process

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


class Organisations:
    """Known organisation names; each new name is scored against all of them in one rapidfuzz pass (C++),
    giving exactly org_similarity's scores."""

    def __init__(self, known: list[Known]) -> None:
        self.known: list[Known] = []
        self.spaced: list[str] = []
        self.joined: list[str] = []
        self.lengths: list[int] = []  # of the joined names, kept as they come rather than recounted per row
        for k in known:
            self.add(k)

    def add(self, k: Known) -> None:
        """Remember one more organisation (an existing row or an earlier line of the file)."""
        spaced = normalise(k.name)
        self.known.append(k)
        self.spaced.append(spaced)
        self.joined.append(spaced.replace(" ", ""))
        self.lengths.append(len(self.joined[-1]))

    def scores(self, name: str) -> np.ndarray:
        """org_similarity(name, each known name), in order."""
        spaced = normalise(name)
        joined = spaced.replace(" ", "")
        if not spaced or not self.known:
            return np.zeros(len(self.known))
        token_set = process.cdist([spaced], self.spaced, scorer=fuzz.token_set_ratio, dtype=np.float64)[0]
        partial = process.cdist([joined], self.joined, scorer=fuzz.partial_ratio, dtype=np.float64)[0]
        partial = np.where(np.minimum(np.array(self.lengths), len(joined)) >= 4, partial, 0.0)
        scores = np.maximum(token_set, partial)
        scores[np.array([j == joined for j in self.joined])] = 100.0
        scores[np.array([not s for s in self.spaced])] = 0.0
        return scores

    def match(self, name: str) -> Match | None:
        """The most similar organisation at or above the threshold (the first of equals)."""
        scores = self.scores(name)
        if not len(scores) or scores.max() < ORG_THRESHOLD:
            return None
        best = int(np.argmax(scores))
        return Match(self.known[best], round(float(scores[best]), 1), "same name" if scores[best] == 100 else
                     "similar name")


class People:
    """Known people, blocked by organisation: a name is compared only with the people of the organisations
    similar to the row's (as similar_person would count them), so checking a file takes time roughly linear
    in its rows. Gives exactly the per-pair check's matches: the first known with the same e-mail, else the
    best name (the first of equals) in a similar organisation."""

    def __init__(self, known: list[Known]) -> None:
        self.known: list[Known] = []
        self.emails: dict[str, int] = {}
        self.blocks: dict[str, list[int]] = {}  # organisation as written → its people, in order
        self.organisations = Organisations([])
        self.similar: dict[str, tuple[int, list[str]]] = {}  # row organisation → (blocks seen, similar ones)
        self.forms: list[list[str]] = []
        for k in known:
            self.add(k)

    def add(self, k: Known) -> None:
        """Remember one more person."""
        index = len(self.known)
        self.known.append(k)
        self.forms.append(sorted(name_forms(k.name)))
        if k.email:
            self.emails.setdefault(k.email.lower(), index)
        if k.organisation not in self.blocks:
            self.blocks[k.organisation] = []
            self.organisations.add(Known(k.organisation))
        self.blocks[k.organisation].append(index)

    def _similar_blocks(self, organisation: str) -> list[str]:
        seen, similar = self.similar.get(organisation, (0, []))
        if seen < len(self.organisations.known):
            scores = self.organisations.scores(organisation)[seen:]
            similar = similar + [k.name for k, s in zip(self.organisations.known[seen:], scores.tolist(),
                                                        strict=True) if s >= ORG_THRESHOLD]
            self.similar[organisation] = (len(self.organisations.known), similar)
        return similar

    def match(self, name: str, organisation: str, email: str) -> Match | None:
        """The same e-mail, or a similar name in a similar organisation."""
        if email and email.lower() in self.emails:
            return Match(self.known[self.emails[email.lower()]], 100.0, "same e-mail")
        candidates = sorted(i for block in self._similar_blocks(organisation) for i in self.blocks[block])
        forms = sorted(name_forms(name))
        if not candidates or not forms:
            return None
        theirs = [form for i in candidates for form in self.forms[i]]
        owner = np.repeat(np.arange(len(candidates)), [len(self.forms[i]) for i in candidates])
        by_form = process.cdist(forms, theirs, scorer=fuzz.token_sort_ratio, dtype=np.float64).max(axis=0)
        scores = np.zeros(len(candidates))
        np.maximum.at(scores, owner, by_form)
        if scores.max() < NAME_THRESHOLD:
            return None
        best = int(np.argmax(scores))
        return Match(self.known[candidates[best]], round(float(scores[best]), 1), "similar name, same organisation")
