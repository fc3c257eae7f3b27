"""The export scripts (app/export.py, GET /export/<kind>): each is run in its own Python process and
prints the same h and C as the API, to 1e-12 relative (float64: NumPy, PyTorch, Keras on the
PyTorch backend). One exception, as issue 10 says: Keras' GRU with reset_after=False rounds
through float32 on the PyTorch backend, so it is compared at float32 tolerance on inputs that
float32 holds exactly."""
from __future__ import annotations

import ast
import html
import os
import subprocess
import sys

import numpy as np
import pytest

from app import create_app
from app.fields import Inputs
from app.permalink import to_query

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported: no TensorFlow here
RTOL, ATOL = 1e-12, 1e-14
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def _example(variant="lstm", n=3, m=2, T=1, seed=0, f32=False, **settings) -> Inputs:
    rng = np.random.default_rng(seed)

    def r(*shape):
        a = rng.normal(size=shape)
        return a.astype(np.float32).astype(np.float64) if f32 else a
    gates = {"lstm": "fiCo", "peephole": "fiCo", "gru": "rzh", "mgu": "fh"}[variant]
    values = {f"W_{g}": r(n, n + m) for g in gates} | {f"b_{g}": r(n) for g in gates}
    if variant == "peephole":
        values |= {f"p_{g}": r(n) for g in "fio"}
    x = r(T, m) if T > 1 else r(m)
    state = {"h_prev": r(n)} | ({"C_prev": r(n)} if variant in ("lstm", "peephole") else {})
    return Inputs.of(variant=variant, x=x, **state, **values, **settings)


def _api(client, inp: Inputs) -> dict:
    r = client.get(f"/api/v1/lstm?{to_query(inp)}&include_steps=0&include_grad_steps=0")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _run(client, kind: str, inp: Inputs) -> dict:
    r = client.get(f"/export/{kind}?{to_query(inp)}")
    assert r.status_code == 200, r.get_data(as_text=True)
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run([sys.executable, "-c", r.get_data(as_text=True)], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split(" = ")[0]: ast.literal_eval(line.split(" = ", 1)[1])
            for line in done.stdout.splitlines() if " = " in line}


CASES = {
    "lstm": dict(),
    "lstm sequence, [x, h]": dict(T=3, concat="xh", seed=1),
    "gru with b_hn": dict(variant="gru", seed=2, b_hn=np.array([0.3, -0.2, 0.1])),
}


@pytest.mark.parametrize("kind", ["numpy", "pytorch", "keras"])
@pytest.mark.parametrize("case", list(CASES))
def test_each_exported_script_prints_the_apis_h_and_C(client, kind, case):
    if kind != "numpy":
        pytest.importorskip("torch")
    if kind == "keras":
        pytest.importorskip("keras")
    inp = _example(**CASES[case])
    ours = _api(client, inp)
    theirs = _run(client, kind, inp)
    assert set(theirs) == ({"h", "C"} if "C_prev" in inp else {"h"})
    for key in theirs:
        np.testing.assert_allclose(theirs[key], ours[key], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("variant, settings", [("peephole", {}), ("mgu", {}), ("gru", {"gru_reset": "before"}),
                                               ("lstm", {"T": 2, "W_y": np.ones((2, 3)), "b_y": np.zeros(2)})])
def test_the_numpy_script_computes_every_cell(client, variant, settings):
    inp = _example(variant, seed=3, **settings)
    ours, theirs = _api(client, inp), _run(client, "numpy", inp)
    for key in theirs:
        np.testing.assert_allclose(theirs[key], ours[key], rtol=RTOL, atol=ATOL)
    if "W_y" in inp:
        assert "y" in theirs


def test_keras_gru_resetting_before_matches_at_float32_tolerance(client):
    pytest.importorskip("keras")
    inp = _example("gru", seed=4, f32=True, gru_reset="before")
    ours, theirs = _api(client, inp), _run(client, "keras", inp)
    # Keras' GRU with reset_after=False rounds through float32 on the PyTorch backend (issue 10)
    np.testing.assert_allclose(theirs["h"], ours["h"], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("variant, settings, kind, words", [
    ("peephole", {}, "pytorch", "no peepholes"),
    ("peephole", {}, "keras", "no peepholes"),
    ("mgu", {}, "pytorch", "Minimal Gated Unit"),
    ("gru", {"gru_reset": "before"}, "pytorch", "reset_after=False"),
])
def test_a_framework_without_the_cell_gets_no_script_and_a_reason(client, variant, settings, kind, words):
    inp = _example(variant, **settings)
    r = client.get(f"/export/{kind}?{to_query(inp)}")
    assert r.status_code == 404
    assert words in r.get_data(as_text=True) and "NumPy script" in r.get_data(as_text=True)
    page = client.get(f"/?{to_query(inp)}")
    assert page.status_code == 200 and words in page.get_data(as_text=True)  # said on the page too


def test_the_tensors_in_pytorchs_layout_give_pytorchs_cell_our_numbers(client):
    torch = pytest.importorskip("torch")
    inp = _example(seed=5)
    r = client.get(f"/export/tensors?{to_query(inp)}")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    assert data["frameworks"]["onnx"]["tensors"]["W"][0][0] is not None  # ONNX: with its leading axis
    cell = torch.nn.LSTMCell(inp.m, inp.n, dtype=torch.float64)
    with torch.no_grad():
        for name, value in data["frameworks"]["pytorch"]["tensors"].items():
            getattr(cell, name).copy_(torch.tensor(value, dtype=torch.float64))
        h, c = cell(torch.tensor(inp["x"])[None], (torch.tensor(inp["h_prev"])[None], torch.tensor(inp["C_prev"])[None]))
    ours = _api(client, inp)
    np.testing.assert_allclose(h[0].numpy(), ours["h"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(c[0].numpy(), ours["C"], rtol=RTOL, atol=ATOL)


def test_a_short_links_exports_and_the_page_links_them(client):
    inp = _example(seed=6)
    body = {name: inp[name].tolist() for name in inp}
    made = client.post("/api/v1/links", json=body)
    assert made.status_code in (200, 201)
    link = made.get_json()["url"]
    r = client.get(f"{link}/export/numpy")
    assert r.status_code == 200 and "import numpy as np" in r.get_data(as_text=True)
    page = client.get(link)  # the example fits a URL: its page links the permalink's scripts, as the permalink's page does
    assert page.status_code == 200 and f'href="/export/pytorch?{html.escape(to_query(inp))}"'.encode() in page.data
    assert client.get(f"{link}/export/fortran").status_code == 404


def test_a_bad_example_gets_its_errors_not_a_script(client):
    r = client.get("/export/numpy?v=1&x=1,2&W_f=1,2")
    assert r.status_code == 400
    assert r.get_data(as_text=True).startswith("# ")
