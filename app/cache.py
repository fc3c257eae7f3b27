"""Remembered answers: a page or an API answer is a pure function of its request.

A permalink *is* its example, so `GET /?<query>` always renders the same bytes; so does
`GET /api/v1/lstm?<query>`, and a `POST /api/v1/lstm` with the same body. A link shared with a
class is opened by thirty people: the first request computes and renders, the others get the
remembered bytes. This is a memo, not server state: each process keeps its own small LRU, losing
it changes nothing, and the cache key is everything an answer depends on: the whole request
input (query string or body digest) and the path the app is mounted at (`request.script_root`,
which every link in an answer starts with; create_app takes it from configuration, never from
the request). Answers use no other part of the request (no Host: links are paths, and the page's
absolute canonical link comes from the PUBLIC_URL setting), so no two different answers can
share an entry.

Bounded: RESPONSE_CACHE_ENTRIES entries (0 turns it off), and only answers up to
RESPONSE_CACHE_MAX_BYTES each are kept, so a worker holds at most RESPONSE_CACHE_ENTRIES × RESPONSE_CACHE_MAX_BYTES (16 MiB by default).
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from functools import wraps

from flask import current_app, request, url_for

DEFAULTS = {"RESPONSE_CACHE_ENTRIES": 128, "RESPONSE_CACHE_MAX_BYTES": 128 * 1024}
_CACHEABLE = (200, 400)  # deterministic answers; a 413 or 500 is never remembered


class ResponseCache:
    def __init__(self, entries: int, max_bytes: int):
        self.entries, self.max_bytes = entries, max_bytes
        self._data: OrderedDict[tuple, tuple[bytes, int, tuple]] = OrderedDict()
        self._lock = threading.Lock()  # the dev server is threaded; gunicorn sync is not

    def get(self, key: tuple):
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
            return hit

    def put(self, key: tuple, value: tuple[bytes, int, tuple]) -> None:
        if self.entries <= 0 or len(value[0]) > self.max_bytes:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["response_cache"] = ResponseCache(app.config["RESPONSE_CACHE_ENTRIES"],
                                                     app.config["RESPONSE_CACHE_MAX_BYTES"])


def _request_key() -> tuple:
    if request.method == "GET":
        return ("GET", request.script_root, request.path, request.query_string)
    # The body is read (and capped at MAX_CONTENT_LENGTH) once; the view reads the same bytes.
    digest = hashlib.sha256(request.get_data()).digest()
    return (request.method, request.script_root, request.path, request.query_string, digest)


# Parameters whose values come from a small fixed set (a static file's name, an export's kind):
# their URLs are the same on every request, and can be remembered. Anything else (a short link's
# id, `_external`, which writes the request's own host) is url_for's every time.
_FEW = frozenset({"filename", "kind"})


def url_of(endpoint: str, **values) -> str:
    """`url_for` of a route without parameters, or with only `_FEW` ones, remembered: it is the
    same on every request (the app's routes, and the path it is mounted at, which comes from its
    configuration), and a page asks for a dozen of them (about a twentieth of a new page's time)."""
    if not _FEW.issuperset(values):
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, *sorted(values.items()))
    urls = current_app.extensions.setdefault("remembered_urls", {})
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    return url


def remembered(view):
    """Serve a view's earlier answer to the same request, or compute and remember it."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache: ResponseCache = current_app.extensions["response_cache"]
        if cache.entries <= 0:  # turned off: nothing to look up or keep
            return view(*args, **kwargs)
        key = _request_key()
        hit = cache.get(key)
        if hit is not None:
            body, status, headers = hit
            return current_app.response_class(body, status, headers=headers)
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code in _CACHEABLE:
            # the view's own headers too (an export's Content-Disposition); those added after
            # the view (ETag, security headers, compression) are added again on the way out
            headers = tuple((k, v) for k, v in response.headers.items() if k != "Content-Length")
            cache.put(key, (response.get_data(), response.status_code, headers))
        return response

    return wrapper
