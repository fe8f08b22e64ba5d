"""Reusable field validators for the input schemas."""

from __future__ import annotations

import datetime as dt
import re

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 40


def non_blank(value: str | None) -> str | None:
    """Strip a text and refuse one that is empty or only white space."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


def clean_keywords(value: list[str] | str | None) -> list[str] | None:
    """Accept a list or a comma/、-separated string; strip, de-duplicate, bound the count."""
    if value is None:
        return None
    if not isinstance(value, str | list):
        raise ValueError("keywords are a list of texts")
    if isinstance(value, str):
        for sep in ("，", "、", ";", "；"):
            value = value.replace(sep, ",")
        value = value.split(",")
    seen: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise ValueError("keywords are a list of texts")
        word = item.strip()
        if not word or word in seen:
            continue
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ValueError(f"keyword longer than {MAX_KEYWORD_LENGTH} characters: {word[:20]}…")
        seen.append(word)
    if len(seen) > MAX_KEYWORDS:
        raise ValueError(f"at most {MAX_KEYWORDS} keywords")
    return seen


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_YEARS_AHEAD = 5


def iso_date(value: object) -> object:
    """Accept a date only as YYYY-MM-DD text (or a date, or None): no timestamps, no other formats."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, str | dt.date):
        raise ValueError("enter a date as YYYY-MM-DD")
    if isinstance(value, str) and not ISO_DATE.fullmatch(value.strip()):
        raise ValueError("enter a date as YYYY-MM-DD")
    return value.strip() if isinstance(value, str) else value


def within_years(value: dt.date | None, years: int = MAX_YEARS_AHEAD) -> dt.date | None:
    """Refuse a date further ahead than `years` from today (typos such as 9999-12-31)."""
    if value is not None and value > dt.date.today() + dt.timedelta(days=365 * years + years // 4):
        raise ValueError(f"the date must be within {years} years from today")
    return value
