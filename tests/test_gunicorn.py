"""`make serve`: gunicorn with the repository's gunicorn.conf.py, on a loopback port, over real
sockets. What a client sends reaches the app only as the config allows: no `SCRIPT_NAME:`
header becomes the mount path, a chunked body over the limit is a 413, a permalink-length
request line passes; and the app's own answers (ETag, compression, 400s) come through."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import permalink, presets

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
ANSWER = permalink.to_query(presets.ANSWER)
SMALL_JSON = (b'{"x":[1],"W_f":[[1,1]],"b_f":[0],"W_i":[[1,1]],"b_i":[0],'
              b'"W_C":[[1,1]],"b_C":[0],"W_o":[[1,1]],"b_o":[0]}')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(host, port) of gunicorn -c gunicorn.conf.py, one worker, on a loopback socket it inherits."""
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("gunicorn is not installed; `make test` installs the test extra, which has it")
        pytest.skip("gunicorn is not installed (pip install -e '.[test]', or run `make test`)")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("gunicorn") / "log"
    env = {**os.environ, "WEB_CONCURRENCY": "1"}
    with open(log, "wb") as out:
        # --bind overrides the config's HOST/PORT: the socket is handed over (fd://), so no other
        # process can take the port in between. Everything else is gunicorn.conf.py's.
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--chdir", str(ROOT),
             "--bind", f"fd://{sock.fileno()}", "app:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, pass_fds=(sock.fileno(),),
            start_new_session=True)
    sock.close()
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited ({proc.returncode}):\n{log.read_text(errors='replace')}")
            try:
                if request(("127.0.0.1", port), "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer /healthz:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield ("127.0.0.1", port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)  # its own session: gunicorn's master and worker only
            proc.wait(timeout=5)


def request(server, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(*server, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def test_a_script_name_header_never_reaches_the_app(server):
    for _ in range(3):  # what poisoned the memo before: the header, and a path that starts with it
        status, _, body = request(server, "GET", f"//evil.example/?{ANSWER}",
                                  headers={"SCRIPT_NAME": "//evil.example"})
        assert status == 404 and b"evil" not in body  # the header is dropped: no such path
        status, _, body = request(server, "GET", f"/?{ANSWER}", headers={"SCRIPT_NAME": "//evil.example"})
        assert status == 200 and b"evil" not in body
    status, _, body = request(server, "GET", f"/?{ANSWER}")
    assert status == 200 and b"evil" not in body
    assert b'<link rel="canonical" href="/?v=1&amp;' in body


def _chunked_post(server, path: str, body: bytes, content_type: str) -> bytes:
    """POST with Transfer-Encoding: chunked over a raw socket; the answer's first bytes. The
    server may answer (and close) before it has read everything: the rest is not sent."""
    s = socket.create_connection(server, timeout=20)
    try:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                  f"Transfer-Encoding: chunked\r\n\r\n".encode())
        try:
            for i in range(0, len(body), 64 * 1024):
                part = body[i:i + 64 * 1024]
                s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer is already on its way
        answer = b""
        try:
            while len(answer) < 4096 and (chunk := s.recv(4096)):
                answer += chunk
        except ConnectionResetError:
            pass
        return answer
    finally:
        s.close()


@pytest.mark.parametrize("path, content_type, body", [
    ("/api/v1/lstm", "application/json", SMALL_JSON + b" " * 5_000_000),
    ("/", "application/x-www-form-urlencoded", b"x=1&W_f=1,1&pad=" + b"a" * 5_000_000),
    ("/fragment", "application/x-www-form-urlencoded", b"x=1&W_f=1,1&pad=" + b"a" * 5_000_000),
])
def test_a_chunked_body_over_the_limit_is_413(server, path, content_type, body):
    answers = [_chunked_post(server, path, body, content_type) for _ in range(3)]
    assert all(a.startswith(b"HTTP/1.1 413 ") for a in answers if a), answers
    assert any(answers)


def test_a_chunked_body_within_the_limit_is_answered(server):
    answer = _chunked_post(server, "/api/v1/lstm", SMALL_JSON + b" " * 100_000, "application/json")
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"h":[' in answer


def test_a_lone_surrogate_is_a_400(server):
    status, _, body = request(server, "POST", "/api/v1/lstm", body=b'{"x":"\\ud800"}',
                              headers={"Content-Type": "application/json"})
    assert status == 400 and b'"field":"x"' in body and "\ufffd".encode() in body


def test_a_permalink_length_request_line_passes(server):
    query = "x=" + ",".join(["1"] * 2500)  # 5,000 characters: past gunicorn's default 4,094
    status, _, body = request(server, "GET", f"/api/v1/lstm?{query}")
    assert status == 400  # the app's answer (too many entries), not gunicorn's 414
    assert [e["field"] for e in json.loads(body)["errors"]][:1] == ["x"]


def test_etag_304_and_gzip_through_gunicorn(server):
    status, headers, body = request(server, "GET", f"/?{ANSWER}", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(body)
    assert headers["ETag"].endswith(':gzip"') and "immutable" in headers["Cache-Control"]
    status, headers304, body = request(server, "GET", f"/?{ANSWER}",
                                       headers={"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""
    assert "default-src 'none'" in headers304["Content-Security-Policy"]
