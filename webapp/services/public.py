"""What signed-out visitors may see: published challenges' public fields and an Atom feed of new ones.

Never confidential details, bids or rankings. An anonymous challenge does not name its enterprise until it
is awarded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from xml.etree import ElementTree as ET

from sqlmodel import Session, col, select

from models.accounts import Organisation
from models.challenges import Challenge, ChallengeStatus
from models.common import FIELD_LABELS, utcnow

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
NAMED_AFTER_AWARD = (ChallengeStatus.AWARDED, ChallengeStatus.IN_PROGRESS, ChallengeStatus.COMPLETED)


def enterprise_name(session: Session, challenge: Challenge) -> str | None:
    """The posting enterprise's name as the public sees it (None while the challenge stays anonymous)."""
    if challenge.anonymous and challenge.status not in NAMED_AFTER_AWARD:
        return None
    org = session.get(Organisation, challenge.organisation_id)
    return org.name if org else None


def newest_published(session: Session, field: str | None, limit: int = FEED_SIZE) -> list[Challenge]:
    """Published challenges, newest publication first (optionally of one field)."""
    statement = select(Challenge).where(Challenge.status == ChallengeStatus.PUBLISHED)
    if field:
        statement = statement.where(Challenge.field == field)
    return list(session.exec(statement.order_by(col(Challenge.published_at).desc(), col(Challenge.id).desc())
                             .limit(limit)))


def _stamp(moment: dt.datetime | None) -> str:
    moment = moment or utcnow()
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(session: Session, field: str | None, self_url: str, link_of: Callable[[int], str]) -> bytes:
    """The Atom document of the newest published challenges (RFC 4287)."""
    challenges = newest_published(session, field)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    title = "揭榜 Jiebang：最新榜单" + (f"（{FIELD_LABELS[field][0]}）" if field else "")
    _text(feed, "title", title)
    _text(feed, "id", self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    _text(feed, "updated", _stamp(challenges[0].published_at if challenges else None))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "揭榜 Jiebang")
    for challenge in challenges:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = link_of(challenge.id or 0)
        _text(entry, "title", challenge.title)
        _text(entry, "id", link)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link)
        _text(entry, "updated", _stamp(challenge.published_at))
        _text(entry, "published", _stamp(challenge.published_at))
        ET.SubElement(entry, f"{{{ATOM}}}category", term=challenge.field.value, label=FIELD_LABELS[challenge.field][0])
        name = enterprise_name(session, challenge)
        summary = (f"{challenge.summary}\n悬赏 {challenge.budget:,} 元 · 截止 {challenge.deadline.isoformat()}"
                   + (f" · {name}" if name else ""))
        _text(entry, "summary", summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element
