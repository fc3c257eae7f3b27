"""At most `limit` events per key in any `window` seconds: a sliding window in this process.

Used to bound how fast one client can make short links (LINKS_PER_MINUTE). Each process keeps
its own window, so under gunicorn with w workers a client can make up to w × limit links a
minute; a limit for a whole deployment belongs in the proxy (nginx's limit_req) or the database.

Memory is bounded: a key holds at most `limit` timestamps, and keys whose window has passed are
swept when there are `max_keys` of them (then, if many clients are still within their window,
the oldest half is forgotten: sweeps stay rare, and a forgotten client merely starts afresh).
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque


class SlidingWindow:
    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic, max_keys: int = 10_000):
        self.limit, self.window, self.clock, self.max_keys = limit, window, clock, max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SlidingWindow({self.limit} per {self.window:g} s, {len(self._hits)} keys)"

    def hit(self, key: str) -> int | None:
        """Count one event for `key`: None if it is allowed, else the whole seconds to wait
        (≥ 1) before the next one would be."""
        if self.limit <= 0:
            return None
        now = self.clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:
                    self._sweep(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return None

    def _sweep(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self.max_keys // 2:  # still crowded (many clients at once): forget
            for key in list(self._hits)[: len(self._hits) - self.max_keys // 2]:  # the oldest keys
                del self._hits[key]
