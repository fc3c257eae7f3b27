"""Short links: an example's id, and the database that keeps what the id stands for.

A short link `/e/<id>` names an example by its content. The id is the first 16 characters of
base64url(sha256(canonical form)), where the canonical form is the example's readable permalink
query (`permalink.readable_query`: the schema version `v=1` first, then every field in a fixed
order with its exact float64 value). So `[1, 2]` and `[1.0, 2.0]` give the same id on every
instance and forever, and two different examples would need a 96-bit sha256 collision to share
one (it is checked anyway: `Collision`).

What is stored is that canonical text, once: one table, `links (id, example, created)`, rows
inserted with `INSERT … ON CONFLICT DO NOTHING` and never updated or deleted by the app. Two
backends behind one small interface (`get`, `add`, `used_bytes`, `close`):

- SQLite (the default): a file in the Flask instance folder (`links.sqlite3`), created on first
  use, in WAL mode with `synchronous=FULL`, so a link is on disk before its 201 is sent and a
  crash (even `kill -9` mid-write) loses nothing that was answered;
- PostgreSQL (`DATABASE_URL=postgresql://…`, psycopg 3): the same table, created if missing,
  shared by any number of instances.

One connection per request, opened when the request first needs it (an id that is not of the
id alphabet and length is a 404 before that), closed when the request ends.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import sqlite3
import threading
import time
from urllib.parse import parse_qsl, unquote, urlsplit

from flask import abort, current_app, g
from werkzeug.exceptions import HTTPException

from . import parse, permalink
from .fields import ALL_FIELDS, Inputs

ID_LENGTH = 16  # base64url characters: 96 bits of sha256
ID_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{ID_LENGTH}}}")
SQLITE_FILE = "links.sqlite3"  # in the instance folder, unless DATABASE_URL says otherwise
DEFAULTS = {
    "DATABASE_URL": None,  # None: SQLite in the instance folder; sqlite:///path; postgresql://…
    "LINKS_PER_MINUTE": 60,  # new links per client address per minute (0: no limit)
    "LINKS_MAX_BYTES": 1 << 30,  # the database's size past which no new link is made
    # How many proxies in front of the app append to X-Forwarded-For (0: use the peer address).
    "LINKS_TRUSTED_PROXIES": 0,
}


class Full(HTTPException):
    code = 507
    description = ("The short-link store is full, so no new link can be made now; existing links "
                   "still open. Use the permalink, or try again later.")


class Collision(HTTPException):
    code = 409
    description = "Another example already has this example's short-link id; it cannot be stored."


def link_id(inp: Inputs) -> str:
    return id_of(canonical(inp))


def canonical(inp: Inputs) -> str:
    text = permalink.readable_query(inp)
    assert text.startswith(f"v={permalink.SCHEMA_VERSION}&"), text[:20]
    return text


def id_of(text: str) -> str:
    digest = hashlib.sha256(text.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:ID_LENGTH]


def is_link_id(text: str) -> bool:
    return ID_PATTERN.fullmatch(text) is not None


def inputs_of(text: str) -> Inputs:
    """The stored canonical text → the example (it was valid when stored)."""
    fields, errors = permalink.from_pairs(parse_qsl(text, keep_blank_values=True,
                                                    max_num_fields=len(ALL_FIELDS) + 1))
    inp, parse_errors = parse.parse_text_fields(fields) if not errors else (None, errors)
    if inp is None:
        raise ValueError(f"a stored link no longer parses: {(errors + parse_errors)[:2]}")
    return inp


# ----------------------------------------------------------------------------- the app's side

def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    for key in ("LINKS_PER_MINUTE", "LINKS_MAX_BYTES", "LINKS_TRUSTED_PROXIES"):
        value = app.config[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{key} must be a whole number ≥ 0; got {value!r}")
    app.extensions["links"] = backend_for(app.config["DATABASE_URL"], app.instance_path)
    app.teardown_appcontext(_close)


def backend_for(url: str | None, instance_path: str):
    if not url:
        return SQLiteBackend(os.path.join(instance_path, SQLITE_FILE))
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":  # sqlite:///relative/path or sqlite:////absolute/path
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError(f"DATABASE_URL for SQLite is sqlite:///path/to/file; got {url!r}")
        return SQLiteBackend(path)
    if scheme in ("postgresql", "postgres"):
        return PostgresBackend(url)
    raise ValueError(f"DATABASE_URL must start with postgresql:// or sqlite:///; got {scheme!r}://…")


def db():
    """This request's connection, opened on first use."""
    if "links_db" not in g:
        g.links_db = current_app.extensions["links"].connect()
    return g.links_db


def _close(exc=None) -> None:
    conn = g.pop("links_db", None)
    if conn is not None:
        conn.close()


def resolve(text: str) -> Inputs:
    """The example a short-link id names, or a 404 (never a database query for a malformed id)."""
    if not is_link_id(text):
        abort(404, description="There is no short link with this id (an id is 16 letters, digits, - or _).")
    stored = db().get(text)
    if stored is None:
        abort(404, description="There is no short link with this id. Was it copied whole?")
    return inputs_of(stored)


def create(inp: Inputs) -> tuple[str, bool]:
    """(id, True) when this call stored the example; (id, False) when it was already there.
    Raises Full when storing it would pass LINKS_MAX_BYTES (an existing link is still answered)."""
    text = canonical(inp)
    key = id_of(text)
    conn = db()
    stored = conn.get(key)
    if stored is None:
        if conn.used_bytes() + len(text) > current_app.config["LINKS_MAX_BYTES"]:
            raise Full()
        if conn.add(key, text):
            return key, True
        stored = conn.get(key)  # made at the same moment by another request
    if stored != text:
        current_app.logger.error("short-link id collision: %s", key)
        raise Collision()
    return key, False


# ----------------------------------------------------------------------------- the backends

class SQLiteBackend:
    """A file; WAL mode (readers never wait for the writer), synchronous=FULL (each link is on
    disk before it is answered), a 30 s busy timeout for concurrent writers."""

    def __init__(self, path: str):
        self.path = path
        self._ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SQLiteBackend({self.path!r})"

    def connect(self) -> SQLiteLinks:
        if not self._ready:
            with self._lock:
                if not self._ready:
                    os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
                    conn = self._open()
                    try:
                        _retry_locked(lambda: conn.execute("PRAGMA journal_mode=WAL"))  # the file's, once
                        conn.execute("CREATE TABLE IF NOT EXISTS links ("
                                     " id TEXT PRIMARY KEY,"
                                     " example TEXT NOT NULL,"  # permalink.readable_query: v=1&…
                                     " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))")
                    finally:
                        conn.close()
                    self._ready = True
        return SQLiteLinks(self._open())

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)  # autocommit
        conn.execute("PRAGMA synchronous=FULL")
        return conn


def _retry_locked(action, seconds: float = 10.0):
    """Switching a file to WAL needs it to itself, and SQLite may say "locked" at once rather
    than wait out the busy timeout (two instances starting together): try again for a while."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class SQLiteLinks:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT example FROM links WHERE id = ?", (key,)).fetchone()
        return row[0] if row else None

    def add(self, key: str, example: str) -> bool:
        cur = self.conn.execute("INSERT INTO links (id, example) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                                (key, example))
        return cur.rowcount == 1

    def used_bytes(self) -> int:
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        return pages * self.conn.execute("PRAGMA page_size").fetchone()[0]

    def close(self) -> None:
        self.conn.close()


class PostgresBackend:
    """PostgreSQL through psycopg 3; one table in the connection's schema, created if missing
    (under an advisory lock: two instances starting at once must not both try)."""

    _LOCK_KEY = 0x4C53544D  # "LSTM": the advisory lock that serialises CREATE TABLE

    def __init__(self, url: str):
        self.url = url
        self._ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PostgresBackend({urlsplit(self.url).hostname or 'local socket'})"

    def connect(self) -> PostgresLinks:
        import psycopg  # only a PostgreSQL deployment pays for the import

        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        if not self._ready:
            with self._lock:
                if not self._ready:
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._LOCK_KEY,))
                        conn.execute("CREATE TABLE IF NOT EXISTS links ("
                                     " id text PRIMARY KEY,"
                                     " example text NOT NULL,"
                                     " created timestamptz NOT NULL DEFAULT now())")
                    self._ready = True
        return PostgresLinks(conn)


class PostgresLinks:
    def __init__(self, conn):
        self.conn = conn

    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT example FROM links WHERE id = %s", (key,)).fetchone()
        return row[0] if row else None

    def add(self, key: str, example: str) -> bool:
        cur = self.conn.execute("INSERT INTO links (id, example) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                                (key, example))
        return cur.rowcount == 1

    def used_bytes(self) -> int:
        return self.conn.execute("SELECT pg_total_relation_size('links'::regclass)").fetchone()[0]

    def close(self) -> None:
        self.conn.close()
