"""Per-process caches bounded by bytes.

Every cache of the engine holds only immutable things keyed by content (a hash of a
document, a pattern, a request value) or by (policy id, version id). Each entry is
given an approximate size when it is stored; when the cache's total passes its bound,
the least recently used entries go. Sizes are estimates (a text's length times a
factor measured with tracemalloc, see `policy.compiled_size`): the point is that no
input, however large or however many, can grow a worker process without limit.

Callers key by something small (a sha256 of a text, ids): the key's own size is part
of the estimate only where the caller adds it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache, wraps

# Python's overhead for one cached entry (the dict slot, the key tuple, the size int),
# added to every estimate so that many tiny entries are bounded too.
ENTRY_OVERHEAD = 200


class BoundedCache[K: Hashable, V]:
    """A least-recently-used mapping whose entries' estimated sizes stay under `max_bytes`.

    Lookups take no lock (an OrderedDict operation is atomic under the GIL); stores and
    evictions do, so that two threads storing at once keep the byte count right.
    """

    __slots__ = ("name", "max_bytes", "on_evict", "peek", "_data", "_sizes", "_bytes", "_lock")

    def __init__(
        self, name: str, max_bytes: int, on_evict: Callable[[K, V], None] | None = None
    ) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.on_evict = on_evict
        self._data: OrderedDict[K, V] = OrderedDict()
        # A lookup that does not count as a use (no LRU bookkeeping): for hot paths whose
        # entries are cheap to rebuild, where eviction in insertion order is good enough.
        self.peek = self._data.get
        self._sizes: dict[K, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        data = self._data
        value = data.get(key)
        if value is not None:
            try:  # noqa: SIM105 - contextlib.suppress costs more than the lookup
                data.move_to_end(key)
            except KeyError:  # evicted by another thread in between: still a valid answer
                pass
        return value

    def put(self, key: K, value: V, size: int) -> V:
        """Store `value` (estimated at `size` bytes) and return it.

        An entry larger than a quarter of the bound is not kept at all: holding it would
        push out most of what is useful.
        """
        size += ENTRY_OVERHEAD
        if size > self.max_bytes // 4:
            return value
        with self._lock:
            data, sizes = self._data, self._sizes
            old = sizes.pop(key, None)
            if old is not None:
                self._bytes -= old
                data.pop(key, None)
            data[key] = value
            sizes[key] = size
            self._bytes += size
            while self._bytes > self.max_bytes and data:
                gone, evicted = data.popitem(last=False)
                self._bytes -= sizes.pop(gone)
                if self.on_evict is not None:
                    self.on_evict(gone, evicted)
        return value

    def clear(self) -> None:
        with self._lock:
            items = list(self._data.items())
            self._data.clear()
            self._sizes.clear()
            self._bytes = 0
        if self.on_evict is not None:
            for key, value in items:
                self.on_evict(key, value)

    @property
    def bytes(self) -> int:
        """The estimated bytes held now (always at most `max_bytes`)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data


def text_size(*texts: str) -> int:
    """Estimated bytes of the given strings (str objects carry ~50 bytes of header)."""
    return sum(len(t) + 50 for t in texts)


def short_text_cache[R](
    maxsize: int, max_chars: int = 256
) -> Callable[[Callable[[str], R]], Callable[[str], R]]:
    """`functools.lru_cache` for a function of one string, remembering only short ones.

    The bound is then in bytes as well: at most `maxsize` entries of at most `max_chars`
    characters (plus the result). Longer texts are computed every time.
    """

    def wrap(fn: Callable[[str], R]) -> Callable[[str], R]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def call(text: str) -> R:
            if len(text) <= max_chars:
                return cached(text)
            return fn(text)

        return call

    return wrap
