"""Short links' databases for the tests (a pytest plugin, loaded by tests/conftest.py).

- `PostgresServer`: a throwaway PostgreSQL made with Debian's own binaries
  (/usr/lib/postgresql/<version>/bin: `initdb`, `pg_ctl`; `make test` installs the `postgresql`
  package when they are missing): a data directory and a unix socket in one temporary directory,
  no TCP (`listen_addresses=''`), trust authentication for the superuser `postgres`. PostgreSQL
  refuses to run as root, and the tests run as root in CI: then the directory is given to the
  user `nobody` and the server's commands run as that user (`runuser -u nobody --`, or `setpriv`
  where runuser is missing). Root, the tests' user, can still reach the socket.
- `postgres_server` (session): one such server for the whole run. If it cannot start, every test
  that needs it fails with the reason (and the server's log): a missing PostgreSQL never skips.
- `database_url` (parametrised: "sqlite", "postgres"): an empty database for one test, as a
  DATABASE_URL: an SQLite file in the test's tmp_path, or a fresh schema on the session's server
  (its search_path names the schema, so the app's `links` table is that test's own).
- `links_app(**config)`: create_app on that database (what two "instances" share is the URL).
- `rows(url)`: every stored (id, example), read directly from the database.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from app import create_app

PG_GLOB = "/usr/lib/postgresql/*/bin"
RUN_AS = "nobody"  # PostgreSQL will not run as root; this user exists on every Debian


def pg_bindir() -> Path:
    """The newest Debian PostgreSQL's bin directory that has initdb, pg_ctl and postgres."""
    def version(path: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", Path(path).parent.name))
    found = [d for d in sorted(glob.glob(PG_GLOB), key=version, reverse=True)
             if all(os.access(os.path.join(d, exe), os.X_OK) for exe in ("initdb", "pg_ctl", "postgres"))]
    if not found:
        raise RuntimeError(f"no PostgreSQL binaries in {PG_GLOB} (apt-get install postgresql, or run `make test`)")
    return Path(found[0])


class PostgresServer:
    """One server in `root` (data in root/data, socket and log in root). `start()` makes the
    cluster the first time; `stop()`; `kill()` is kill -9 of every server process."""

    def __init__(self, root: Path):
        self.bindir = pg_bindir()
        self.root, self.data, self.log = root, root / "data", root / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam(RUN_AS)
            for path in (root, *root.rglob("*")):
                os.chown(path, user.pw_uid, user.pw_gid)
            if shutil.which("runuser"):
                self.as_user = ["runuser", "-u", RUN_AS, "--"]
            else:
                self.as_user = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]

    def __repr__(self) -> str:
        return f"PostgresServer({self.root}, {self.bindir})"

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [*self.as_user, *args]
        done = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
                               f"{self.log_tail()}")

    def start(self) -> PostgresServer:
        if not (self.data / "PG_VERSION").exists():
            self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C")
        options = f"-k {self.root} -c listen_addresses='' -c max_connections=60"
        self._run(str(self.bindir / "pg_ctl"), "start", "-w", "-t", "90", "-D", str(self.data),
                  "-l", str(self.log), "-o", options)
        return self

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(self.data))

    def kill(self) -> None:
        """SIGKILL the postmaster and every process it started, as a crash would."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        victims = [postmaster] + _children(postmaster)
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in victims) and time.monotonic() < deadline:
            time.sleep(0.05)
        # The dead postmaster may linger as a zombie (pg_ctl's child, re-parented to an init that
        # has not reaped it yet), and a new one refuses to start while that PID exists. After a
        # real crash the PID would be gone: its lock files are stale either way.
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        for stale in self.root.glob(".s.PGSQL.*"):  # the socket and its lock file
            stale.unlink(missing_ok=True)

    def url(self, schema: str | None = None) -> str:
        url = f"postgresql://postgres@/postgres?host={quote(str(self.root), safe='')}"
        if schema:
            url += "&options=" + quote(f"-csearch_path={schema}", safe="")
        return url

    def log_tail(self) -> str:
        try:
            return "\nserver log (end):\n" + "\n".join(self.log.read_text().splitlines()[-20:])
        except OSError:
            return ""


def _children(pid: int) -> list[int]:
    out = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the parent pid, after the state
            out.append(int(Path(stat).parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_postgres() -> tuple[PostgresServer | None, str]:
    """A started server in a new temporary directory, or (None, why not)."""
    root = Path(tempfile.mkdtemp(prefix="lstm-pg-"))
    try:
        server = PostgresServer(root)
        return server.start(), ""
    except Exception as e:  # noqa: BLE001 - any failure is the reason the PG tests fail
        shutil.rmtree(root, ignore_errors=True)
        return None, f"{type(e).__name__}: {e}"


def stop_postgres(server: PostgresServer) -> None:
    try:
        server.stop()
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def _postgres_session():
    server, why = start_postgres()
    yield server, why
    if server is not None:
        stop_postgres(server)


@pytest.fixture
def postgres_server(_postgres_session) -> PostgresServer:
    server, why = _postgres_session
    if server is None:
        pytest.fail(f"the throwaway PostgreSQL for the link tests could not start: {why}", pytrace=False)
    return server


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'links.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    return _fresh_schema(server)


def _fresh_schema(server: PostgresServer) -> str:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return server.url(schema)


@pytest.fixture
def links_app(database_url):
    """`links_app(**config)`: a new app instance on this test's database."""
    def make(**config):
        return create_app({"TESTING": True, "DATABASE_URL": database_url, **config})
    return make


def rows(url: str) -> list[tuple[str, str]]:
    """Every stored link, straight from the database (not through the app)."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if not os.path.exists(path):
            return []
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT id, example FROM links ORDER BY id").fetchall()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('links')").fetchone()[0] is None:
            return []
        return conn.execute("SELECT id, example FROM links ORDER BY id").fetchall()
