"""What a new example's API answer costs at the least: the parts no design of this answer can
skip, each timed alone, in-process, on the examples `bench/cold.py` uses (the seed, x = 1, 2, k,
a new k every request), against the whole cold answer in the same run.

  request  POST /api/v1/lstm, the same body every time, answered from the memo: Flask, the test
           client, reading and hashing the body, and the ~39 KB answer handed back; everything
           but the work
  decode   the body's JSON, and each field as a float64 array (no checks)
  compute  the forward and backward passes' numpy operations alone (the replay's primitives on
           arrays: no steps, symbols, words or saturation checks)
  numbers  each value's numbers written in LaTeX once (every step's `latex` holds them)
  json     the answer's JSON, written by orjson

    python3 bench/floor.py [--requests 400] [--clock cpu]

The sum is a floor: a cold answer cannot cost less than it while it holds what it holds (every
step's LaTeX, the backward pass). BENCHMARKS.md compares it with a third of the time of the
commit issue 8 started from (`bench/cold.py --before 8331d38`).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app, example, fmt, parse, presets, sequence  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="cpu")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    n = args.requests

    inp = presets.QUESTION
    body = json.dumps({"concat": inp.concat, **{k: a.tolist() for k, a in inp.arrays.items()}})
    varied = body.replace('"x": [1.0, 2.0, 3.0]', '"x": [1.0, 2.0, VARY]')
    assert "VARY" in varied
    # x = 1, 2, k as cold.py's api-cold row has it (its k run from about 800 to 1,000)
    bodies = iter([varied.replace("VARY", str(800 + k)).encode() for k in range(8 * n)])
    json_type = "application/json"
    cold = create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 0}).test_client()
    warm = create_app({"TESTING": True}).test_client()
    same = body.encode()
    warm.post("/api/v1/lstm", data=same, content_type=json_type)

    def median(fn, items) -> float:
        times = []
        for item in items:
            t0 = clock()
            fn(item)
            times.append((clock() - t0) * 1e3)
        return statistics.median(times)

    def take(k):
        return [next(bodies) for _ in range(k)]

    def decode(raw: bytes):
        return {key: np.array(value, dtype=float) for key, value in json.loads(raw).items() if key != "concat"}

    cold.post("/api/v1/lstm", data=take(1)[0], content_type=json_type)  # the shape's tape
    examples = [parse.parse_json_fields(json.loads(raw))[0] for raw in take(n)]
    tape = next(iter(sequence._TAPES.values()))

    def compute(inp) -> None:
        inputs, results, values = sequence.sources(inp), [], [None] * tape.sym_count
        for new, forward, operands, result, params, words, saturated in tape.steps:
            for index, _, _, (kind, key) in new:
                values[index] = inputs[key] if kind == "in" else results[key]
            values[result] = forward(*[values[i] for i in operands], **params)
            results.append(values[result])

    def numbers(ex) -> None:
        seen = set()
        for step in ex.result.steps + ex.result.grad_steps:
            for sym in (*step.operands, step.result):
                if id(sym) not in seen:
                    seen.add(id(sym))
                    fmt.latex_each(sym.value.ravel().tolist())

    answers = [json.loads(cold.post("/api/v1/lstm", data=raw, content_type=json_type).get_data()) for raw in take(n)]
    rows = {
        "request": median(lambda _: warm.post("/api/v1/lstm", data=same, content_type=json_type), range(n)),
        "decode": median(decode, take(n)),
        "compute": median(compute, examples),
        "numbers": median(numbers, [example.from_json(json.loads(raw)) for raw in take(n)]),
        "json": median(lambda answer: orjson.dumps(answer), answers),
    }
    whole = median(lambda raw: cold.post("/api/v1/lstm", data=raw, content_type=json_type), take(n))
    print(f"The cold API's floor ({args.clock} clock, median of {n}), ms")
    for name, ms in rows.items():
        print(f"  {name:8s} {ms:7.3f}")
    print(f"  {'floor':8s} {sum(rows.values()):7.3f}")
    print(f"  {'answer':8s} {whole:7.3f}   (the whole cold answer, this checkout)")


if __name__ == "__main__":
    main()
