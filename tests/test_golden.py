"""Every preset and a few hundred random examples answer exactly as recorded in
tests/golden/answers.json.gz (see tests/golden.py): the JSON API's answer as parsed JSON, the same
keys in the same order, every float64 bit for bit (the sign of zero too) and every string (the
LaTeX, the permalink) byte for byte; and /latex byte for byte.

The API's text itself may differ from the recording in how a float is spelled (orjson writes
0.00001 where json.dumps wrote 1e-05, both the same float64) and in spaces: the answer is written
by orjson since the cold path's work of issue 8 (BENCHMARKS.md)."""
from __future__ import annotations

import json
import struct

import pytest

from app.cells import VARIANTS
from tests import golden

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def recorded():
    return golden.load()


@pytest.fixture(scope="module")
def uncached_client():
    from app import create_app
    return create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 0}).test_client()


def _strict(name: str):
    raise ValueError(f"{name} is not JSON")  # json.loads would accept NaN and Infinity


def _parsed(text: str):
    return json.loads(text, parse_constant=_strict)


def _first_difference(got, want, path="$"):
    """Where two parsed answers differ, or None: types, keys and their order, floats bit for bit."""
    if type(got) is not type(want):
        return f"{path}: {got!r:.80} != {want!r:.80}"
    if isinstance(want, dict):
        if list(got) != list(want):
            return f"{path}: keys {list(got)} != {list(want)}"
        return next((d for k in want if (d := _first_difference(got[k], want[k], f"{path}.{k}"))), None)
    if isinstance(want, list):
        if len(got) != len(want):
            return f"{path}: length {len(got)} != {len(want)}"
        return next((d for k, (a, b) in enumerate(zip(got, want)) if (d := _first_difference(a, b, f"{path}[{k}]"))), None)
    if isinstance(want, float):  # every bit: -0.0 is not 0.0
        same = struct.pack("<d", got) == struct.pack("<d", want)
        return None if same else f"{path}: {got!r} != {want!r} (bit for bit)"
    return None if got == want else f"{path}: {got!r:.80} != {want!r:.80}"


# Keys every 200 answer gained after the recording, at its end: each is checked here, then the rest
# must be exactly as recorded. `export` (issue 10): the scripts that rebuild the example.
ADDED = ("export",)


def _check_and_drop_added(got: dict, want: dict, where: str) -> None:
    added = [key for key in got if key not in want]
    assert added == list(ADDED) and list(got)[-len(ADDED):] == added, f"{where}: keys added {added}"
    export = got.pop("export")
    query = want["permalink"].split("?", 1)[1] if want["permalink"] else None
    if query is None:
        assert export is None, where
    else:
        assert export == {kind: f"/export/{kind}?{query}" for kind in ("numpy", "pytorch", "keras", "tensors")}, where


def test_the_recording_covers_every_variant_and_preset(recorded):
    variants = {json.loads(c["api"])["variant"] for c in recorded if c["status"] == 200}
    assert variants == set(VARIANTS)
    queries = [c["query"] for c in recorded if "query" in c]
    assert queries == golden.preset_queries()[:len(queries)]  # presets added since come after


def test_every_answer_is_exactly_as_recorded(recorded, uncached_client):
    bodies = [c["body"] for c in recorded if "body" in c]
    queries = [c["query"] for c in recorded if "query" in c]
    now = golden.answers(uncached_client, bodies, queries)
    assert len(now) == len(recorded)
    for k, (got, want) in enumerate(zip(now, recorded)):
        where = want.get("query") or json.dumps(want["body"])[:200]
        assert got["status"] == want["status"], where
        got_api, want_api = _parsed(golden.normalise(got["api"])), _parsed(want["api"])
        if got["status"] == 200:
            _check_and_drop_added(got_api, want_api, where)
        diff = _first_difference(got_api, want_api)
        if diff:
            pytest.fail(f"case {k} ({where}): API answer changed at {diff}")
        assert got.get("latex_status") == want.get("latex_status"), where
        assert golden.normalise(got.get("latex", "")) == want.get("latex", ""), f"case {k}: /latex changed"
