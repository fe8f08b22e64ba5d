"""Redirect targets taken from the request (`next=`): same-site paths only, read as a browser reads them."""

from __future__ import annotations

from urllib.parse import urlsplit

# Browsers drop tabs and line breaks anywhere in a URL and read a backslash as a slash, so
# "/\t/evil.example" and "/\\evil.example" lead off-site although they start with one "/".
_STRIPPED = str.maketrans("", "", "\t\n\r")


def same_site_path(target: str | None) -> str | None:
    """`target` if it can only lead to a path of this site, else None."""
    if not target or len(target) > 2000:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target.translate(_STRIPPED)):
        return None
    seen = target.translate(_STRIPPED).replace("\\", "/")
    if not seen.startswith("/") or seen.startswith("//"):
        return None
    parts = urlsplit(seen)
    if parts.scheme or parts.netloc:
        return None
    return seen
