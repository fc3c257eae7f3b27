"""Makes short links in a loop, printing each id once its answer (201 or 200) says it is stored.

The crash tests (tests/test_links.py) run this as a subprocess, kill it (or the database) with
SIGKILL mid-write, and check that every id it printed still opens. Bounded: at most MAX_LINKS
links and MAX_SECONDS seconds, then it stops by itself.

    python tests/link_writer.py DATABASE_URL
"""
from __future__ import annotations

import sys
import time

import numpy as np

from app import create_app

MAX_LINKS = 5000
MAX_SECONDS = 120


def example(i: int) -> dict:
    """A different 6×6 example for each i, full precision (each row a few kilobytes)."""
    rng = np.random.default_rng(i)
    n = m = 6
    body = {"x": rng.uniform(-1, 1, m).tolist(), "h_prev": rng.uniform(-1, 1, n).tolist()}
    for g in "fiCo":
        body[f"W_{g}"] = rng.uniform(-1, 1, (n, n + m)).tolist()
        body[f"b_{g}"] = rng.uniform(-1, 1, n).tolist()
    return body


def main(url: str) -> None:
    client = create_app({"TESTING": True, "DATABASE_URL": url, "LINKS_PER_MINUTE": 0}).test_client()
    start = time.monotonic()
    for i in range(MAX_LINKS):
        if time.monotonic() - start > MAX_SECONDS:
            break
        r = client.post("/api/v1/links", json=example(i))
        if r.status_code in (200, 201):
            print(r.get_json()["id"], flush=True)
        else:  # the database is down (a test killed it): keep trying, as a server would
            print(f"status {r.status_code}", file=sys.stderr, flush=True)
            time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1])
