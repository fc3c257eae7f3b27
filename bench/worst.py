"""The worst case of every route, and /healthz while four worst-case requests run.

    .venv/bin/python bench/worst.py [--repeat 5]

Serves the app under gunicorn with the repo's gunicorn.conf.py (2 sync workers here, on a
loopback port the kernel picks) and, from this second process, requests the largest example the
caps allow on every route — T = 20 time steps, n = m = k = 32, a peephole LSTM (the most steps
per time step) and a GRU (the largest single backward time step): the pages, the backward pages,
/latex and the API by a 300-character compressed link (all zeros), and the form, live editing
and the API POST with full-precision random numbers (a 250 KB body). For each: the median wall
time over --repeat requests, the largest answer in bytes, and the server's CPU seconds for the
request (the workers' CPU time before and after, from /proc). Targets (issue 8): at most
~1 s of CPU and 5 MB per request. Then four threads send worst-case requests back to back for
a few seconds while a fifth times /healthz: its median and worst latency, beside /healthz alone.

A report, not a test: prints PASS/FAIL and exits 0 either way.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import free_socket, stop_gunicorn, wait_healthy  # noqa: E402  (the benchmark's server helpers)

from app import parse  # noqa: E402
from app.fields import Inputs  # noqa: E402
from app.permalink import field_text, to_query  # noqa: E402
from tests.reference import api_body, random_example  # noqa: E402

MAX_BYTES = 5_000_000
MAX_CPU_S = 1.0


def start(sock):
    fd = sock.fileno()
    cmd = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "2",
           "--bind", f"fd://{fd}", "--log-level", "warning", "--access-logfile", "/dev/null",
           "--chdir", str(ROOT), "app:create_app()"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            pass_fds=(fd,), start_new_session=True)


def worker_cpu(master: int) -> float:
    """CPU seconds (user + system) of gunicorn's workers, from /proc."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def requests_for(variant: str) -> list[tuple[str, str, bytes | None, str]]:
    ex = random_example(np.random.default_rng(11), variant, n=32, m=32, T=20, output=32)
    inp, errors = parse.parse_json_fields(api_body(ex))
    assert not errors
    zeros = to_query(Inputs({k: np.zeros_like(v) for k, v in inp.items()}, variant=inp.variant))
    form = field_text(inp)
    body = json.dumps({**{k: v.tolist() for k, v in inp.items()}, "variant": variant}).encode()
    enc = lambda d: urllib.parse.urlencode(d).encode()  # noqa: E731
    return [
        (f"GET / ({variant}, link)", f"/?{zeros}", None, ""),
        (f"GET /backward ({variant}, link)", f"/backward?{zeros}", None, ""),
        (f"GET /latex ({variant}, link)", f"/latex?{zeros}", None, ""),
        (f"GET /api/v1/lstm ({variant}, link)", f"/api/v1/lstm?{zeros}", None, ""),
        (f"POST /api/v1/lstm ({variant}, 250 KB)", "/api/v1/lstm", body, "application/json"),
        (f"POST / ({variant}, form)", "/", enc(form), "application/x-www-form-urlencoded"),
        (f"POST /backward ({variant}, form)", "/backward", enc(form), "application/x-www-form-urlencoded"),
        (f"POST /fragment backward ({variant})", "/fragment", enc({**form, "part": "backward"}),
         "application/x-www-form-urlencoded"),
    ]


def fetch(base, path, body, ctype) -> tuple[int, int, float]:
    req = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET")
    if ctype:
        req.add_header("Content-Type", ctype)
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
        return r.status, len(data), time.perf_counter() - t


def healthz_times(base, seconds: float) -> list[float]:
    out, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        out.append(fetch(base, "/healthz", None, "")[2] * 1000)
        time.sleep(0.02)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--load-seconds", type=float, default=8.0)
    args = ap.parse_args(argv)
    sock = free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    proc = start(sock)
    rows, ok = [], True
    try:
        wait_healthy(base, proc)
        items = requests_for("peephole") + requests_for("gru")
        for name, path, body, ctype in items:
            fetch(base, path, body, ctype)  # warm: imports, first templates
            walls, sizes, cpus = [], [], []
            for _ in range(args.repeat):
                before = worker_cpu(proc.pid)
                status, size, wall = fetch(base, path, body, ctype)
                cpus.append(worker_cpu(proc.pid) - before)
                assert status == 200, (name, status)
                walls.append(wall)
                sizes.append(size)
            row = (name, statistics.median(walls), max(sizes), statistics.median(cpus))
            ok &= row[2] <= MAX_BYTES and row[3] <= MAX_CPU_S
            rows.append(row)

        alone = healthz_times(base, 3.0)
        stop = threading.Event()
        worst = [i for i in items if i[0].startswith(("POST /fragment", "POST /backward"))]

        def hammer(k: int):
            while not stop.is_set():
                name, path, body, ctype = worst[k % len(worst)]
                fetch(base, path, body, ctype)

        threads = [threading.Thread(target=hammer, args=(k,), daemon=True) for k in range(4)]
        for th in threads:
            th.start()
        loaded = healthz_times(base, args.load_seconds)
        stop.set()
        for th in threads:
            th.join(timeout=60)
    finally:
        stop_gunicorn(proc)
        sock.close()

    print(f"\nworst case per route (median of {args.repeat}; CPU = the workers' CPU time for the request)")
    print(f"{'route':<42} {'wall ms':>9} {'bytes':>11} {'CPU s':>7}  result")
    for name, wall, size, cpu in rows:
        good = size <= MAX_BYTES and cpu <= MAX_CPU_S
        print(f"{name:<42} {wall * 1000:9.0f} {size:11,d} {cpu:7.2f}  {'PASS' if good else 'FAIL'}")
    print(f"\n/healthz alone: median {statistics.median(alone):.1f} ms, max {max(alone):.1f} ms ({len(alone)} requests)")
    print(f"/healthz while 4 worst-case requests run: median {statistics.median(loaded):.1f} ms, "
          f"max {max(loaded):.1f} ms ({len(loaded)} requests)")
    print(f"\nevery route within {MAX_BYTES / 1e6:.0f} MB and {MAX_CPU_S:.0f} s of CPU: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
