"""LSTM explainer: one LSTM step with every intermediate written out.

`create_app()` is the Flask application factory (`flask --app app run` serves it). Modules,
one question each: `fields.py` (every input field, once) and `cells/` (one module per cell: its
math, numpy only, recording `trace.py` steps, and its spec); `parse.py` turns text/JSON into a
validated example; `permalink.py` turns an example into a URL and back; `example.py` glues
them; `render_html.py`, `form.py` and `latex.py` render; `views.py` (pages) and `api.py` (JSON)
are the routes; `links.py` stores short links and `shortlinks.py` serves them.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

from flask import Flask, abort, jsonify, render_template, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

ROOT = Path(__file__).resolve().parent.parent
MAX_BODY = 256 * 1024  # bytes: a 32×64 matrix ×4 in full precision fits comfortably

# HTTP caching: a GET of these is a pure function of its URL (a permalink *is* its example), so
# a 200 answer carries a strong ETag (a hash of its bytes) and may be kept by shared caches for
# a day; `immutable` where the query is the example itself. Error answers and POSTs are not.
CACHED_ENDPOINTS = frozenset({"page.index", "page.backward", "page.latex_text", "api.lstm_get",
                              "links.page", "links.backward_page", "links.latex", "links.input_json",
                              "yours.export_file", "yours.link_export", "page.worksheet", "links.worksheet"})
MAX_AGE = 24 * 3600  # seconds
# The Cache-Control values, written once (http_caching)
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
CACHE_CONTROL_IMMUTABLE = f"{CACHE_CONTROL}, immutable"
# Compression (flask-compress): zstd, br or gzip as the client asks, for these types. Never of a
# streamed response (COMPRESS_STREAMS off): flask-compress would compress a 206 byte range too,
# and leave the file it streams open. Static files are read whole instead (http_caching).
COMPRESSED = ["text/html", "application/json", "text/plain", "text/css", "text/javascript",
              "application/javascript", "image/svg+xml"]

# Every response: nothing inline, nothing from elsewhere, and the permalink (which *is* the
# example's data) never leaks to another site through the Referer header.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(test_config=None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY,
                            PUBLIC_URL=None, COMPRESS_MIMETYPES=COMPRESSED,
                            COMPRESS_STREAMS=False)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if "DATABASE_URL" in os.environ:  # short links' database (links.py); default: SQLite
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        app.config.from_prefixed_env()  # FLASK_PUBLIC_URL=https://…, FLASK_APPLICATION_ROOT=/lstm
    else:
        app.config.from_mapping(test_config)
    _check_config(app.config)
    app.json.sort_keys = False  # keep the API's fields in the order of the equations
    app.json.ensure_ascii = False  # "3×6", not "3\u00d76", in error messages
    app.wsgi_app = _TrustedRequest(app.wsgi_app, app.config)

    from . import api, cache, shortlinks, views, yours
    from .render_html import message_html
    app.jinja_env.filters["subscripts"] = message_html  # a message's h_{t-1} as h<sub>t−1</sub>
    app.jinja_env.globals["url_for"] = cache.url_of  # the templates' links, remembered (cache.py)
    from .parse import ALL_FIELDS
    # a query with any of these is an example (views._from_query), or a short link's (?link=)
    link_keys = frozenset((*ALL_FIELDS, "z", "link"))
    cache.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(yours.bp)  # your framework: import, paste, compare, export
    shortlinks.init_app(app)  # /e/<id>, /api/v1/links; its database (links.py)

    # after_request functions run last-registered first: security headers, then the ETag and
    # the 304 on the uncompressed bytes, then compression (which gives each encoding its own
    # strong ETag, "<hash>:gzip", adds Vary: Accept-Encoding and answers 304 for those).
    Compress(app)

    @app.after_request
    def http_caching(response):
        if (request.method in ("GET", "HEAD") and response.status_code == 200
                and request.endpoint in CACHED_ENDPOINTS and not response.is_streamed):
            # sha256 (cut to 128 bits): with the CPU's SHA instructions about three times as fast
            # as blake2b on a ~100 KB page, a tenth of a new page's time (BENCHMARKS.md)
            # the ETag as set_etag quotes it, the Cache-Control as werkzeug writes it (written
            # directly: its cache_control object parses and writes the header on each setting)
            response.headers["ETag"] = f'"{hashlib.sha256(response.get_data()).hexdigest()[:32]}"'
            immutable = request.blueprint == "links" or any(key in link_keys for key in request.args)
            response.headers["Cache-Control"] = CACHE_CONTROL_IMMUTABLE if immutable else CACHE_CONTROL
            response.make_conditional(request)
        elif request.endpoint == "static" and response.status_code == 200 and response.direct_passthrough:
            # A few small files: read whole (the file closes with the response), so that they
            # are compressed like any answer. Their caching stays Flask's (ETag, no-cache).
            response.direct_passthrough = False
            response.make_sequence()
        return response

    @app.after_request
    def security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.before_request
    def body_within_limit():
        if request.environ.get(_TOO_LARGE):
            abort(413)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        # werkzeug's own headers stay: a 405 says which methods are allowed (Allow, RFC 9110).
        kept = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
        if request.path.startswith("/api/"):
            return jsonify(errors=[{"field": "body", "message": _api_message(e)}]), e.code, kept
        return render_template("error.html", code=e.code, name=e.name,
                               message=encodable(e.description or "")), e.code, kept

    @app.errorhandler(Exception)
    def unexpected_error(e: Exception):
        # A bug, not bad input: log it, and still answer in the page's or the API's form.
        app.logger.exception("unhandled error")
        message = "Something went wrong on our side; the example could not be computed."
        if request.path.startswith("/api/"):
            return jsonify(errors=[{"field": "body", "message": message}]), 500
        return render_template("error.html", code=500, name="Internal error", message=message), 500

    return app


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` with every lone UTF-16 surrogate (JSON's "\\ud800", which Python decodes to a code
    point UTF-8 cannot encode) replaced by U+FFFD. Applied where a message that may quote a
    client's text leaves the app (api._errors, the error page)."""
    return _SURROGATE.sub("\ufffd", text)


def _check_config(config) -> None:
    url = config.get("PUBLIC_URL")
    if url and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", url):
        raise ValueError(f"PUBLIC_URL must be an absolute http(s) URL such as https://lstm.example; "
                         f"got {url!r}")
    root = config.get("APPLICATION_ROOT") or "/"
    if not re.fullmatch(r"(/[A-Za-z0-9._~-]+)*/?", root):
        raise ValueError(f"APPLICATION_ROOT must be a path such as /lstm; got {root!r}")


_TOO_LARGE = "lstm_explainer.body_too_large"


class _TrustedRequest:
    """WSGI middleware: what the app takes from the request before Flask sees it.

    - SCRIPT_NAME (the path the app is mounted at, which every link on a page and in the API
      starts with) is configuration, APPLICATION_ROOT (default: the root), never request data:
      a WSGI server may fill it from a client's `SCRIPT_NAME:` header, and a page whose links
      point at //evil.example would then be served (and remembered) for everyone.
    - A body sent without a Content-Length (Transfer-Encoding: chunked) is read here, at most
      MAX_CONTENT_LENGTH + 1 bytes: more is a 413 (werkzeug would silently cut it at the limit);
      otherwise the app sees it as an ordinary body with its length.
    """

    def __init__(self, wsgi_app, config):
        self.wsgi_app, self.config = wsgi_app, config

    def __call__(self, environ, start_response):
        environ["SCRIPT_NAME"] = (self.config.get("APPLICATION_ROOT") or "/").rstrip("/")
        if not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            limit = self.config["MAX_CONTENT_LENGTH"]
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            if len(body) > limit:
                environ[_TOO_LARGE] = True  # answered 413 by create_app's before_request
                body = b""
            if body or environ.get(_TOO_LARGE):
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
                environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body now has that length
        return self.wsgi_app(environ, start_response)


def _read_at_most(stream, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = stream.read(min(64 * 1024, size - got))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _api_message(e: HTTPException) -> str:
    if e.code == 413:
        return f"The request body is larger than {MAX_BODY // 1024} KiB, the limit."
    if e.code == 405:
        if request.path.endswith("/api/v1/check"):
            return 'Use POST with a JSON object: an example (or "link"), "step" and "answer".'
        return "Use POST with a JSON object, or GET with a permalink's query."
    return f"{e.name}: {e.description}"
