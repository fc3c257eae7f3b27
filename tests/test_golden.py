"""Every preset and a few hundred random examples answer exactly as recorded in
tests/golden/answers.json.gz (see tests/golden.py): the JSON API's text and /latex, byte for
byte, so every float64 bit and the sign of zero."""
from __future__ import annotations

import json

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


def _first_difference(got, want, path="$"):
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
    return None if got == want else f"{path}: {got!r:.80} != {want!r:.80}"


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
        api = golden.normalise(got["api"])
        if api != want["api"]:  # the same text: every bit; find where, to say so
            diff = _first_difference(json.loads(api), json.loads(want["api"]))
            pytest.fail(f"case {k} ({where}): API answer changed at {diff or 'formatting'}")
        assert got.get("latex_status") == want.get("latex_status"), where
        assert golden.normalise(got.get("latex", "")) == want.get("latex", ""), f"case {k}: /latex changed"
