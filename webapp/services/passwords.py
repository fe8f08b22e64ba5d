"""Password rules: at least 8 characters and not easily guessed (zxcvbn's lists of common passwords,
names and words, with the person's own e-mail and name as extra guesses)."""

from __future__ import annotations

from flask_babel import gettext as _
from zxcvbn import zxcvbn

from webapp.services.errors import ValidationError

MIN_SCORE = 2  # zxcvbn's 0-4 scale: 0-1 fall to an online guessing attack within hours


def check_strength(password: str, *personal: str, field: str = "password") -> None:
    """ValidationError on `field` for a short or guessable password."""
    if len(password) < 8:
        message = _("At least 8 characters.")
        raise ValidationError(message, {field: message})
    result = zxcvbn(password[:100], user_inputs=[p for p in personal if p])
    if result["score"] < MIN_SCORE:
        message = _("This password is too common or easy to guess; add words or characters that are your own.")
        raise ValidationError(message, {field: message})
