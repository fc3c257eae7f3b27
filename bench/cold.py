"""The cold path, side by side: server time of a new example every request, this checkout
against an earlier commit, in one run (`python3 bench/cold.py --before <commit>`).

Each route is timed in-process through Flask's test client, as `bench/run.py` does, but the
cold rows vary the example on every request (x = 1, 2, k with k = 1, 2, 3, …, the change
`bench/run.py`'s wrk scenarios make), so that nothing that remembers an answer can serve it:

  healthz    GET /healthz                      the framework's floor
  seed       GET /                             the seed page, memo on (repeated)
  seed-cold  GET /?<seed link, x varied>       the forward page, memo off (RESPONSE_CACHE_ENTRIES=0)
  api        POST /api/v1/lstm                 the seed example as JSON, memo on (repeated)
  api-cold   POST /api/v1/lstm, x varied       memo off; the answer includes the backward pass

`--before REV` exports REV (`git archive`, into a temporary directory) and imports it beside
this checkout in the same process, as the package `app_before`; the two take turns, by
blocks of `--block` requests (20 before, 20 after, …), so that both see the same machine load,
which on a shared machine moves by more than the differences measured. Both get the same
examples (the same k). Without `--before`, only this checkout is measured. Reports the median
per route and checkout, and the speed-up (before / after).

`--sample ROUTE` instead profiles one route of this checkout (of REV, with `--before`) by
sampling (`sample`): the share of the time spent in each function, with and without what it
calls.

    python3 bench/cold.py --before 8331d38 --renders 400 --block 10 [--clock cpu]
    python3 bench/cold.py --sample seed-cold
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTES = ("healthz", "seed", "seed-cold", "api", "api-cold")


def load(root: Path, name: str):
    """The package app/ of the checkout at `root`, imported as `name`."""
    spec = importlib.util.spec_from_file_location(name, root / "app" / "__init__.py",
                                                  submodule_search_locations=[str(root / "app")])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def calls(package: str) -> dict:
    """Each route of one checkout as a function of k (the varied entry of x)."""
    create_app = importlib.import_module(package).create_app
    permalink = importlib.import_module(f"{package}.permalink")
    presets = importlib.import_module(f"{package}.presets")
    warm = create_app({"TESTING": True}).test_client()
    cold = create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 0}).test_client()
    inp = presets.QUESTION  # the seed example: x = 1, 2, 3
    body = json.dumps({"concat": inp.concat, **{k: a.tolist() for k, a in inp.arrays.items()}})
    cold_link = "/?" + permalink.to_query(inp).replace("x=1,2,3&", "x=1,2,VARY&")
    cold_body = body.replace('"x": [1.0, 2.0, 3.0]', '"x": [1.0, 2.0, VARY]')
    assert "VARY" in cold_link and "VARY" in cold_body
    json_type = "application/json"
    return {
        "healthz": lambda k: warm.get("/healthz"),
        "seed": lambda k: warm.get("/"),
        "seed-cold": lambda k: cold.get(cold_link.replace("VARY", str(k))),
        "api": lambda k: warm.post("/api/v1/lstm", data=body.encode(), content_type=json_type),
        "api-cold": lambda k: cold.post("/api/v1/lstm", data=cold_body.replace("VARY", str(k)).encode(),
                                        content_type=json_type),
    }


def measure(checkouts: dict[str, str], renders: int, block: int,
            clock=time.perf_counter) -> dict[str, dict[str, list[float]]]:
    """ms per request, by checkout and route: each route `renders` times per checkout, the
    checkouts taking turns by blocks of `block` requests (the same examples for each). `clock`:
    wall time (perf_counter), or the process's CPU time (process_time), which on a machine
    shared with other work counts less of the others' share of the CPUs."""
    routes = {label: calls(package) for label, package in checkouts.items()}
    times = {label: {route: [] for route in ROUTES} for label in checkouts}
    k = 0
    for route in ROUTES:
        for label in checkouts:  # warm: template compilation, the presets' links, imports
            for j in range(5):
                routes[label][route](k + j)
        k += 5
        for start in range(0, renders, block):
            ks = range(k + start, k + min(renders, start + block))
            for label in checkouts:
                for kk in ks:
                    t0 = clock()
                    status = routes[label][route](kk).status_code
                    times[label][route].append((clock() - t0) * 1e3)
                    if status != 200:
                        raise RuntimeError(f"{label} {route} answered {status}")
        k += renders
    return times


def sample(package: str, root: Path, route: str, requests: int, top: int) -> None:
    """Where one route's time goes, as shares of samples: a SIGPROF every 0.5 ms of CPU time
    notes each function on the stack (inclusive) and the innermost one (own). Unlike cProfile,
    which adds a fixed cost to every call and so inflates code made of many small calls, the
    shares are those of the real time."""
    call = calls(package)[route]
    for k in range(-30, 0):  # warm
        call(k)
    inclusive, own, total = Counter(), Counter(), 0

    def name(code) -> str:
        file = code.co_filename
        file = file[len(str(root)) + 1:] if file.startswith(str(root)) else file.split("site-packages/")[-1]
        return f"{file}:{code.co_name}"

    def tick(signum, frame):
        nonlocal total
        total += 1
        own[name(frame.f_code)] += 1
        seen = set()
        while frame is not None and frame.f_code.co_filename != __file__:  # not this harness
            key = name(frame.f_code)
            if key not in seen:
                seen.add(key)
                inclusive[key] += 1
            frame = frame.f_back

    signal.signal(signal.SIGPROF, tick)
    signal.setitimer(signal.ITIMER_PROF, 0.0005, 0.0005)
    t0 = time.perf_counter()
    for k in range(requests):
        call(k)
    elapsed = time.perf_counter() - t0
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    print(f"{route}: {elapsed / requests * 1e3:.2f} ms per request, {total} samples")
    for title, counts in (("inclusive (the function and what it calls)", inclusive), ("own", own)):
        print(f"--- {title}")
        for key, n in counts.most_common(top):
            print(f"{n / total:6.1%}  {key}")


def export(rev: str, into: Path) -> Path:
    """The tree of commit `rev` of this repository, as files under `into` (git archive | tar)."""
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", "--format=tar", rev], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        raise SystemExit(f"git archive {rev} failed")
    return into


def describe(rev: str | None = None) -> str:
    cmd = ["git", "-C", str(ROOT), "rev-parse", "--short", rev] if rev else \
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"]
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip() or (rev or "this checkout")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", metavar="REV", help="a commit to measure beside this checkout")
    ap.add_argument("--renders", type=int, default=300, help="requests per route and checkout (default 300)")
    ap.add_argument("--block", type=int, default=20, help="requests in a row per checkout (default 20)")
    ap.add_argument("--sample", metavar="ROUTE", choices=ROUTES,
                    help="instead: where ROUTE's time goes (a sampling profile) in this checkout, "
                         "or in REV with --before")
    ap.add_argument("--top", type=int, default=40, help="rows of the sampling profile (default 40)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="time each request by the wall clock (default) or by this process's CPU time")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lstm-cold-") as tmp:
        if args.sample:  # this checkout's route, or with --before that commit's
            package, root = ("app_before", export(args.before, Path(tmp))) if args.before else ("app", ROOT)
            load(root, package)
            sample(package, root, args.sample, args.renders * 5, args.top)
            return 0
        checkouts = {}
        if args.before:
            load(export(args.before, Path(tmp)), "app_before")
            checkouts[f"before ({describe(args.before)})"] = "app_before"
        load(ROOT, "app")
        checkouts[f"after ({describe()})"] = "app"
        clock = time.perf_counter if args.clock == "wall" else time.process_time
        times = measure(checkouts, args.renders, args.block, clock)

    labels = list(checkouts)
    med = {label: {route: statistics.median(ms) for route, ms in times[label].items()} for label in labels}
    print(f"server time in-process ({args.clock} clock), ms: median of {args.renders} requests per route "
          f"and checkout, taking turns by {args.block}")
    print(f"{'route':<10}" + "".join(f"{label:>24}" for label in labels) + ("   speed-up" if len(labels) == 2 else ""))
    for route in ROUTES:
        row = f"{route:<10}" + "".join(f"{med[label][route]:>24.3f}" for label in labels)
        if len(labels) == 2:
            row += f"   {med[labels[0]][route] / med[labels[1]][route]:>7.2f}×"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
