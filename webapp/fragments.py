"""What every visitor of a page shares — rendered fragments, computed figures — kept per worker (a bounded
LRU), keyed by what they show and by the version stamp of the rows they come from, so a change to those rows
is seen at once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from markupsafe import Markup

T = TypeVar("T")
SIZE = 512  # fragments per worker (a list page's is ~10 KB)


class Fragments:
    """A bounded, thread-safe map of shared values."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """The rendered fragment for `key`, rendering it when absent."""
        return self.value(key, lambda: Markup(render()))

    def value(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key`, computing (outside the lock) and keeping it when absent. Keep only values
        nobody changes afterwards."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


RANKINGS = 2048  # rankings kept per worker (a curator's candidates, a solver's challenges for you)


def fragments(kind: str = "pages") -> Fragments:
    """This app's shared values of a kind: "pages" (rendered fragments, figures) or "rankings" (engine hits
    per challenge or per person, kept apart so that many people's rankings do not push pages out)."""
    return current_app.extensions.setdefault(f"fragments.{kind}", Fragments(RANKINGS if kind == "rankings" else SIZE))
