"""LSTM explainer: one LSTM step with every intermediate written out.

`create_app()` is the Flask application factory (`flask --app app run` serves it). Modules,
one question each: `fields.py` (every input field, once) and `cells/` (one module per cell: its
math, numpy only, recording `trace.py` steps, and its spec); `parse.py` turns text/JSON into a
validated example; `permalink.py` turns an example into a URL and back; `example.py` glues
them; `render_html.py`, `form.py` and `latex.py` render; `views.py` (pages) and `api.py` (JSON)
are the routes.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

ROOT = Path(__file__).resolve().parent.parent
MAX_BODY = 256 * 1024  # bytes: a 32×64 matrix ×4 in full precision fits comfortably

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
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False  # keep the API's fields in the order of the equations
    app.json.ensure_ascii = False  # "3×6", not "3\u00d76", in error messages

    from . import api, cache, views
    cache.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        if request.path.startswith("/api/"):
            return jsonify(errors=[{"field": "body", "message": _api_message(e)}]), e.code
        return render_template("error.html", code=e.code, name=e.name, message=e.description), e.code

    @app.errorhandler(Exception)
    def unexpected_error(e: Exception):
        # A bug, not bad input: log it, and still answer in the page's or the API's form.
        app.logger.exception("unhandled error")
        message = "Something went wrong on our side; the example could not be computed."
        if request.path.startswith("/api/"):
            return jsonify(errors=[{"field": "body", "message": message}]), 500
        return render_template("error.html", code=500, name="Internal error", message=message), 500

    return app


def _api_message(e: HTTPException) -> str:
    if e.code == 413:
        return f"The request body is larger than {MAX_BODY // 1024} KiB, the limit."
    if e.code == 405:
        return "Use POST with a JSON object, or GET with a permalink's query."
    return f"{e.name}: {e.description}"
