"""What a file is, read from its content (filetype's signatures), never from its name; only a safe list of
types is taken: PDF, Office documents, images, plain text, archives."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

# detected MIME type → the extensions a file of that type may be named with (the first is added when none)
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/zip": ("zip", "docx", "xlsx", "pptx"),  # an Office file filetype reads only as a zip
    "application/gzip": ("gz", "tgz"),
    "application/x-tar": ("tar",),
    "application/x-7z-compressed": ("7z",),
    "application/x-rar-compressed": ("rar",),
    "application/x-bzip2": ("bz2",),
    "application/x-xz": ("xz",),
    "text/plain": ("txt", "csv", "md", "log"),
}
MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<script|<svg|<body|<head|<iframe|<object|<a\s)", re.I)


class Refused(ValueError):
    """A file whose type is not taken, or whose name says another type than its content."""


@dataclass(frozen=True)
class Detected:
    """The type read from a file's content, and the name it will be stored under."""

    content_type: str
    name: str


def detect(data: bytes, name: str) -> Detected:
    """The content's type if it is on the safe list and the name agrees; else Refused."""
    guessed = filetype.guess(data)
    if guessed is not None:
        content_type = guessed.mime
    elif _is_text(data):
        content_type = "text/plain"
    else:
        raise Refused("this type of file is not accepted: send PDF, Office documents, images, plain text or "
                      "archives")
    if content_type not in ALLOWED:
        raise Refused("this type of file is not accepted: send PDF, Office documents, images, plain text or "
                      "archives")
    return Detected(content_type, _named(clean_name(name), ALLOWED[content_type]))


def _is_text(data: bytes) -> bool:
    """UTF-8 or GB18030 text with no NUL and no markup (an HTML page is not plain text)."""
    if b"\x00" in data or MARKUP.match(data[:512]):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _named(name: str, extensions: tuple[str, ...]) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return f"{name}.{extensions[0]}"
    if extension.lower() not in extensions:
        raise Refused("the file's name says another type than its content")
    return name if stem else f"file.{extension}"


def clean_name(name: str) -> str:
    """A display name: the last path part, no control characters or quotes, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if unicodedata.category(c)[0] != "C" and c not in '"<>|:*?')
    base = base.strip(" .") or "file"
    if len(base) > 200:
        stem, dot, extension = base.rpartition(".")
        base = f"{stem[:190]}.{extension[:8]}" if dot else base[:200]
    return base
