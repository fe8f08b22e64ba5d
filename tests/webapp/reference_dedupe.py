"""The duplicate checks as they were before blocking (every row against every known record): the oracle
the blocked indexes in webapp/transfer/dedupe.py are checked against (test_transfer_dedupe.py)."""

from __future__ import annotations

from webapp.transfer.dedupe import NAME_THRESHOLD, ORG_THRESHOLD, Known, Match, name_similarity, org_similarity


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
