"""Reusable field validators for the input schemas."""

from __future__ import annotations

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
    if isinstance(value, str):
        for sep in ("，", "、", ";", "；"):
            value = value.replace(sep, ",")
        value = value.split(",")
    seen: list[str] = []
    for item in value:
        word = str(item).strip()
        if not word or word in seen:
            continue
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ValueError(f"keyword longer than {MAX_KEYWORD_LENGTH} characters: {word[:20]}…")
        seen.append(word)
    if len(seen) > MAX_KEYWORDS:
        raise ValueError(f"at most {MAX_KEYWORDS} keywords")
    return seen
