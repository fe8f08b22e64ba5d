"""Rendered page fragments shared by every visitor, kept per worker (a bounded LRU), keyed by what they
show and by the version stamp of the rows they come from, so a change to those rows is seen at once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app
from markupsafe import Markup

SIZE = 512  # fragments per worker (a list page's is ~10 KB)


class Fragments:
    """A bounded, thread-safe map of rendered fragments."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Markup:
        """The fragment for `key`, rendering (outside the lock) and keeping it when absent."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        fragment = Markup(render())
        with self._lock:
            self._items[key] = fragment
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return fragment


def fragments() -> Fragments:
    """This app's fragments."""
    return current_app.extensions.setdefault("fragments", Fragments())
