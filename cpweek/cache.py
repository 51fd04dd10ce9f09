"""A small cache of computed answers, kept in each worker's memory and keyed by a version read
from the database (for a collection, its `content_version`).

Safe without sharing between workers or hosts: a change raises the version, so an old answer is
never found again, and a worker that has not seen a key works it out itself. Only plain values
go in (numbers, ids, strings), never database objects. Entries beyond `size` are forgotten,
least recently used first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class VersionedCache:
    def __init__(self, size: int = 256):
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for `key` (which must include the version), computed once if missing."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: a slow query must not hold up the other threads
        with self._lock:
            self.misses += 1
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
