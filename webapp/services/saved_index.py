"""Saved matching indexes, so a gunicorn worker opens its engine in seconds instead of fitting every profile.

`flask reindex` fits each corpus from the database and saves it under MATCHING_INDEX_DIR, stamped with
the database it came from and the corpus's version stamp (last id, newest change). A worker whose engine is
not built yet opens the saved index and applies the rows changed since; an index of another database, of
another engine format, of a corpus that lost rows, or too far behind is ignored, and the worker fits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from matching import Candidate, Matcher
from matching.persist import load, save, saved_stamp

REFIT_SHARE = 0.2  # more changed rows than this share of the corpus: fitting afresh is as quick and relearns


def path_of(corpus: str) -> Path:
    """Where a corpus's index is saved."""
    return Path(current_app.config["MATCHING_INDEX_DIR"]) / f"{corpus}.npz"


def stamp_text(corpus: str, stamp: tuple) -> str:
    """The stamp saved with an index: this database, the corpus, and its version stamp."""
    last_id, newest = stamp
    return json.dumps({"database": _database(), "corpus": corpus, "last_id": last_id,
                       "newest": newest.isoformat() if isinstance(newest, dt.datetime) else None})


def build(corpus: str, stamp: tuple, rows: list[Candidate]) -> tuple[Matcher, Path]:
    """Fit a corpus's rows and save the index where workers look for it."""
    engine = Matcher().fit(rows, stamp=stamp_text(corpus, stamp))
    path = path_of(corpus)
    path.parent.mkdir(parents=True, exist_ok=True)
    save(engine, path)
    return engine, path


def is_current(corpus: str, stamp: tuple) -> bool:
    """Whether the saved index of a corpus holds exactly the rows in the database now."""
    return _description(corpus, path_of(corpus)) == json.loads(stamp_text(corpus, stamp))


def open_saved(corpus: str, stamp: tuple, changed_since: Callable[[dt.datetime], list[Candidate]]) -> Matcher | None:
    """The saved index of a corpus brought up to date (None when there is no usable one).
    `changed_since(newest)` gives the rows changed after the saved stamp's newest change."""
    path = path_of(corpus)
    saved = _description(corpus, path)
    if saved is None or stamp[0] < saved["last_id"] or not saved["newest"]:  # another database's rows
        return None
    changed = changed_since(dt.datetime.fromisoformat(saved["newest"]))
    if len(changed) > REFIT_SHARE * max(stamp[0], 1):
        return None
    try:
        engine = load(path)
    except (OSError, ValueError) as exc:
        current_app.logger.warning("ignoring the saved %s index %s: %s", corpus, path, exc)
        return None
    for candidate in changed:
        engine.update(candidate)
    return engine


def _description(corpus: str, path: Path) -> dict | None:
    """A saved index's stamp when it was saved by build() for this database and corpus (read cheaply)."""
    if not path.exists():
        return None
    try:
        saved = json.loads(saved_stamp(path))
    except (OSError, ValueError) as exc:
        current_app.logger.warning("ignoring the saved %s index %s: %s", corpus, path, exc)
        return None
    if not isinstance(saved, dict) or (saved.get("database"), saved.get("corpus")) != (_database(), corpus) \
            or not isinstance(saved.get("last_id"), int):
        return None
    return saved


def _database() -> str:
    """Which database an index belongs to (a digest: the URL may hold a password)."""
    return hashlib.sha256(current_app.config["DATABASE_URL"].encode()).hexdigest()[:16]
