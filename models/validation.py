"""Reusable field validators for the input schemas."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from pydantic import ValidationInfo

from models.common import today

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
    if value is not None and value > today() + dt.timedelta(days=365 * years + years // 4):
        raise ValueError(f"the date must be within {years} years from today")
    return value


def future_deadline(value: dt.date | None) -> dt.date | None:
    """A deadline: after today, and within the years a typo check allows."""
    if value is not None and value <= today():
        raise ValueError("deadline must be after today")
    return within_years(value)


CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(value: str | None) -> str | None:
    """A 统一社会信用代码 in canonical form (full-width and lower case folded, spaces and dashes dropped),
    its check character verified (GB 32100-2015)."""
    if value is None:
        return None
    code = unicodedata.normalize("NFKC", value).upper().replace(" ", "").replace("-", "")
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARS for c in code):
        raise ValueError("a unified social credit code has 18 digits and capital letters")
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_CODE_WEIGHTS, strict=True))
    if CREDIT_CODE_CHARS[(31 - total % 31) % 31] != code[17]:
        raise ValueError("the check character of this unified social credit code is wrong")
    return code


def with_check_character(first17: str) -> str:
    """Complete 17 characters with their check character (demo data and tests make valid codes)."""
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return first17 + CREDIT_CODE_CHARS[(31 - total % 31) % 31]


MAX_RECORD_ID = 2**31 - 1  # ids are INTEGER columns (32-bit on PostgreSQL)


def not_before_start(value: dt.date, info: ValidationInfo) -> dt.date:
    """An end date (validated after `start_date`) that is not before the start."""
    start = info.data.get("start_date")
    if start is not None and value < start:
        raise ValueError("the end must not be before the start")
    return value
