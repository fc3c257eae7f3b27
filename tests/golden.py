"""Golden answers: the JSON API's answer and /latex for every preset and a few hundred random
examples (every variant, both concat orders, sequences, output layers, loss gradients), recorded
once from the app and kept in tests/golden/answers.json.gz.

A change that is meant to keep every answer (a restructuring) must leave them identical: the same
JSON text, so every float64 bit and the sign of zero. Record again only for a deliberate change
of an answer, and say which in the commit:

    python -m tests.golden            # rewrite tests/golden/answers.json.gz from this checkout

The examples are drawn here with numpy's generator, not by the app, so they do not move when the
app's own example code does.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).parent / "golden" / "answers.json.gz"

# Deliberate changes since the recording: (pattern in today's text, the recorded text it stands
# for). Empty since the last recording. The recordings so far: before the restructuring of issue
# 7; again when links began to keep the sign of zero (x=-0, issue 8), by which time the GRU's
# transposed blocks were already written {W_h^h}^\top (W_h^h^\top is a double superscript that
# KaTeX and MathJax reject) — the only two changes of any answer across that restructuring.
_KNOWN_CHANGES: tuple = ()

_VARIANT_FIELDS = {
    "lstm": ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
    "no_forget": ("W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
    "peephole": ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o", "p_f", "p_i", "p_o"),
    "coupled": ("W_f", "b_f", "W_C", "b_C", "W_o", "b_o"),
    "gru": ("W_r", "b_r", "W_z", "b_z", "W_h", "b_h"),
    "mgu": ("W_f", "b_f", "W_h", "b_h"),
}


def _draw(rng, shape, scale):
    kind = rng.integers(4)
    if kind == 0:  # hand-sized: integers and halves, some -0.0
        a = rng.integers(-6, 7, shape) / 2.0
        a[rng.random(shape) < 0.1] = -0.0
        return a
    if kind == 1:  # large: saturated gates
        return rng.uniform(-40, 40, shape)
    return rng.uniform(-scale, scale, shape)


def random_bodies(count: int = 300, seed: int = 20261202) -> list[dict]:
    rng = np.random.default_rng(seed)
    bodies = []
    variants = list(_VARIANT_FIELDS)
    for k in range(count):
        variant = variants[k % len(variants)]
        n, m = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        T = int(rng.choice([1, 1, 2, 3]))
        scale = float(rng.choice([0.5, 1.0, 3.0]))
        body: dict = {}
        if variant != "lstm" or rng.random() < 0.5:
            body["variant"] = variant
        if rng.random() < 0.5:
            body["concat"] = str(rng.choice(["hx", "xh"]))
        if variant == "gru" and rng.random() < 0.7:
            body["gru_reset"] = str(rng.choice(["after", "before"]))
        body["x"] = (_draw(rng, (T, m), scale) if T > 1 else _draw(rng, (m,), scale)).tolist()
        if T > 1 and m == 1:
            body["T"] = T
        if rng.random() < 0.8:
            body["h_prev"] = _draw(rng, (n,), scale).tolist()
        if variant not in ("gru", "mgu") and rng.random() < 0.8:
            body["C_prev"] = _draw(rng, (n,), scale).tolist()
        for name in _VARIANT_FIELDS[variant]:
            shape = (n, n + m) if name.startswith("W_") else (n,)
            body[name] = _draw(rng, shape, scale).tolist()
        if rng.random() < 0.4:
            k_out = int(rng.integers(1, 4))
            body["W_y"] = _draw(rng, (k_out, n), scale).tolist()
            body["b_y"] = _draw(rng, (k_out,), scale).tolist()
            if rng.random() < 0.5:
                body["dy"] = _draw(rng, (k_out,), scale).tolist()
        if rng.random() < 0.4:
            body["dh"] = _draw(rng, (n,), scale).tolist()
        if variant not in ("gru", "mgu") and rng.random() < 0.4:
            body["dC"] = _draw(rng, (n,), scale).tolist()
        bodies.append(body)
    return bodies


def preset_queries() -> list[str]:
    from app import presets, permalink
    return [permalink.to_query(p.example) for p in presets.PRESETS]


def answers(client, bodies: list[dict], queries: list[str]) -> list[dict]:
    """What the app answers for each body (POSTed) and query (GET), and /latex for each."""
    out = []
    for body in bodies:
        r = client.post("/api/v1/lstm", data=json.dumps(body), content_type="application/json")
        link = r.get_json().get("permalink") if r.status_code == 200 else None
        query = link.partition("?")[2] if link else None
        out.append(_record({"body": body}, r, client, query))
    for query in queries:
        r = client.get(f"/api/v1/lstm?{query}")
        out.append(_record({"query": query}, r, client, query))
    return out


def _record(case: dict, r, client, query) -> dict:
    case = dict(case, status=r.status_code, api=r.get_data(as_text=True))
    if query is not None:
        lt = client.get(f"/latex?{query}")
        case.update(latex_status=lt.status_code, latex=lt.get_data(as_text=True))
    return case


def normalise(text: str) -> str:
    """Today's text written as it was recorded: undoes the deliberate changes listed above."""
    for pattern, old in _KNOWN_CHANGES:
        text = pattern.sub(old, text)
    return text


def load() -> list[dict]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as f:
        return json.load(f)


def main() -> None:
    from app import create_app
    client = create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 0}).test_client()
    cases = answers(client, random_bodies(), preset_queries())
    GOLDEN.parent.mkdir(exist_ok=True)
    with gzip.open(GOLDEN, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(cases, f)
    print(f"{len(cases)} cases, {GOLDEN.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
