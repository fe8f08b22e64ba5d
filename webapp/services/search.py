"""Search that uses the engine: experts and achievements ranked by the matching engine's relevance to the
words typed (so keywords, fields and mixed Chinese–English terms the engine knows find what they should),
names first; and the rule that a query with no word to search for asks for a better one."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, col, select

from matching import Candidate, Query
from matching.text import tokenize
from models.profiles import Achievement, Profile
from webapp.services import ranking
from webapp.services.errors import ValidationError

SEARCH_MIN_SCORE = 0.05  # below this a short query's hit shares a character pair or two, not a topic
SEARCH_DEPTH = 1000  # nobody pages past a thousand results; the engine stops there
RELATIVE_FLOOR = 0.3  # a challenge scoring under 30 % of the best shares a word of the query, not its topic


def require_searchable(q: str) -> None:
    """A query with text but no word to search for (the, OR, *) asks for a better one instead of matching
    everything."""
    if q.strip() and not tokenize(q):
        message = _("This search has no word to look for (only common words or symbols); try a more specific "
                    "term, such as a technology or a product.")
        raise ValidationError(message, {"q": message})


def _relevant(session: Session, corpus: str, q: str, kinds: set[str] | None = None) -> list[int]:
    """Ids of the corpus ranked by the engine for the query's words, best first, noise left out."""
    query = Query(id="search", text=q, keywords=tuple(q.split()))
    hits = ranking.engine(session, corpus).scores(query, k=SEARCH_DEPTH, kinds=kinds)
    return [int(candidate) for candidate, score in hits if score >= SEARCH_MIN_SCORE]


def relevant_challenges(session: Session, q: str) -> list[int]:
    """Ids of published challenges ranked by the engine for the query's words, best first, noise left out: the
    query is matched to the worker's cached matrix of published challenges as a candidate's text would be (the
    reverse direction of 揭榜 matching), so keywords, word forms and character n-grams the engine knows count.
    A hit under RELATIVE_FLOOR of the best one shares a common word with the query (检测), not its topic: a
    specific query (缺陷检测) then finds the specific challenges, a general one (检测) every challenge about it."""
    searcher = Candidate(id="search", kind="search", text=q, keywords=tuple(q.split()))
    hits = ranking.published(session).rank(searcher, k=SEARCH_DEPTH)
    floor = max(SEARCH_MIN_SCORE, RELATIVE_FLOOR * hits[0].score) if hits else SEARCH_MIN_SCORE
    return [int(hit.query_id) for hit in hits if hit.score >= floor]


def _page(ids: list[int], page: int, per_page: int) -> list[int]:
    return ids[(page - 1) * per_page: page * per_page]


def profiles(session: Session, kind: str | None, q: str, page: int, per_page: int) -> tuple[list[Profile], int]:
    """Profiles whose name contains the query first (by id), then those the engine ranks for it."""
    require_searchable(q)
    named = select(Profile.id).where(col(Profile.display_name).contains(q.strip(), autoescape=True))
    if kind:
        named = named.where(Profile.kind == kind)
    ids = list(dict.fromkeys([*session.exec(named.order_by(col(Profile.id))),
                              *_relevant(session, "profiles", q, {kind} if kind else None)]))
    shown = _page(ids, page, per_page)
    rows = {p.id: p for p in session.exec(select(Profile).where(col(Profile.id).in_(shown)))}
    return [rows[i] for i in shown if i in rows], len(ids)


def achievements(session: Session, q: str, field: str | None, page: int,
                 per_page: int) -> tuple[list[Achievement], int]:
    """Achievements the engine ranks for the query, best first (of one field, when asked)."""
    require_searchable(q)
    ids = _relevant(session, "achievements", q)
    if field:
        allowed = set(session.exec(select(Achievement.id).where(col(Achievement.id).in_(ids),
                                                                 Achievement.field == field)))
        ids = [i for i in ids if i in allowed]
    shown = _page(ids, page, per_page)
    rows = {a.id: a for a in session.exec(select(Achievement).where(col(Achievement.id).in_(shown)))}
    return [rows[i] for i in shown if i in rows], len(ids)
