"""POST /api/v1/import: a real printout in, their tensors and our fields out; and those fields,
computed by /api/v1/lstm, give what the framework's own cell computes (float64, 1e-12)."""
from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pytest

from app import create_app
from tests.test_openapi import conforms

os.environ.setdefault("KERAS_BACKEND", "torch")
torch = pytest.importorskip("torch")
RTOL, ATOL = 1e-12, 1e-14


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module")
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def full_print():
    torch.set_printoptions(precision=17, profile="full")
    yield
    torch.set_printoptions(profile="default")


def _import(client, doc, body, status=200):
    return conforms(doc, client.post("/api/v1/import", json=body), "POST", "/api/v1/import", status)


def _step(client, fields: dict, **state) -> dict:
    body = {**fields, **{k: np.asarray(v).tolist() for k, v in state.items()}}
    r = client.post("/api/v1/lstm", json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


@pytest.mark.parametrize("seed", [0, 1])
def test_a_pasted_lstm_cell_computes_what_pytorch_computes(client, doc, full_print, seed):
    torch.manual_seed(seed)
    n, m = 3 + seed, 2
    cell = torch.nn.LSTMCell(m, n, dtype=torch.float64)
    x, h0, c0 = torch.randn(1, m, dtype=torch.float64), torch.randn(1, n, dtype=torch.float64), torch.randn(1, n, dtype=torch.float64)
    with torch.no_grad():
        h, c = cell(x, (h0, c0))
    data = _import(client, doc, {"text": str(cell.state_dict())})
    assert (data["framework"], data["variant"], data["n"], data["m"]) == ("pytorch", "lstm", n, m)
    np.testing.assert_allclose(data["tensors"]["weight_ih"], cell.weight_ih.detach().numpy(), rtol=0, atol=1e-17)
    out = _step(client, data["fields"], x=x[0], h_prev=h0[0], C_prev=c0[0])
    np.testing.assert_allclose(out["h"], h[0].numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(out["C"], c[0].numpy(), rtol=RTOL, atol=ATOL)
    assert data["mapping"]["b_f"]["text"] == f"b_f = bias_ih[{n}:{2 * n}] + bias_hh[{n}:{2 * n}]"


def test_a_pasted_gru_cell_keeps_b_hn_inside_the_reset(client, doc, full_print):
    torch.manual_seed(3)
    cell = torch.nn.GRUCell(2, 3, dtype=torch.float64)
    x, h0 = torch.randn(1, 2, dtype=torch.float64), torch.randn(1, 3, dtype=torch.float64)
    with torch.no_grad():
        h = cell(x, h0)
    data = _import(client, doc, {"text": str(cell.state_dict())})
    assert data["variant"] == "gru" and "b_hn" in data["fields"]
    out = _step(client, data["fields"], x=x[0], h_prev=h0[0])
    np.testing.assert_allclose(out["h"], h[0].numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind, reset_after", [("LSTM", None), ("GRU", True)])
def test_a_pasted_keras_get_weights_printout_computes_what_keras_computes(client, doc, kind, reset_after):
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(4)
    n, m = 3, 2
    layer = getattr(keras.layers, kind)(n, dtype="float64", return_state=True,
                                        **({} if reset_after is None else {"reset_after": reset_after}))
    rng = np.random.default_rng(4)
    x, h0, c0 = rng.normal(size=(1, 1, m)), rng.normal(size=(1, n)), rng.normal(size=(1, n))
    layer.build(x.shape)
    states = [h0, c0] if kind == "LSTM" else [h0]
    with warnings.catch_warnings():  # Keras' and torch's __array__ lack numpy 2's copy keyword: their warning
        warnings.simplefilter("ignore", DeprecationWarning)
        weights = layer.get_weights()
        h = keras.ops.convert_to_numpy(layer(x, initial_state=states)[1])[0]
    old = np.get_printoptions()
    np.set_printoptions(precision=17)
    try:
        text = str(weights)
    finally:
        np.set_printoptions(**old)
    data = _import(client, doc, {"text": text})
    assert (data["framework"], data["variant"]) == ("keras", kind.lower())
    state = {"x": x[0, 0], "h_prev": h0[0], **({"C_prev": c0[0]} if kind == "LSTM" else {})}
    out = _step(client, data["fields"], **state)
    np.testing.assert_allclose(out["h"], h, rtol=RTOL, atol=ATOL)


def test_what_the_text_cannot_tell_is_asked_for_by_name(client, doc):
    unnamed_gru = json.dumps([np.zeros((2, 9)).tolist(), np.zeros((3, 9)).tolist()])
    data = _import(client, doc, {"text": unnamed_gru}, 400)
    assert data["errors"][0]["field"] == "reset_after"
    assert _import(client, doc, {"text": unnamed_gru, "reset_after": False})["fields"]["gru_reset"] == "before"
    data = _import(client, doc, {"text": "[[1, 2], [3, 4]], [[1, 2], [3, 4]]"}, 400)
    assert data["errors"][0]["field"] == "framework"
    assert "Choose the framework" in data["errors"][0]["message"]


def test_a_wrong_shape_is_named_in_the_frameworks_terms(client, doc):
    text = json.dumps({"weight_ih": np.zeros((12, 3)).tolist(), "weight_hh": np.zeros((12, 3)).tolist(),
                       "bias_ih": np.zeros(10).tolist()})
    data = _import(client, doc, {"text": text}, 400)
    assert data["errors"][0]["field"] == "bias_ih"
    assert "bias_ih must be 12 numbers" in data["errors"][0]["message"]


@pytest.mark.parametrize("body, field", [
    ({}, "text"),
    ({"text": 5}, "text"),
    ({"text": "[1]", "reset_after": "yes"}, "reset_after"),
    ({"text": "[1]", "linear_before_reset": 2}, "linear_before_reset"),
    ({"text": "[1]", "forget_bias": "1"}, "forget_bias"),
    ({"text": "[1]", "colour": 1}, "body"),
    ({"text": "tensor([nan, 1.0])"}, "text"),
])
def test_bad_import_requests_get_400_naming_the_field(client, doc, body, field):
    data = _import(client, doc, body, 400)
    assert field in [e["field"] for e in data["errors"]]


def test_every_answer_carries_export_links_to_its_own_example(client, full_print):
    torch.manual_seed(5)
    tensors = {k: v.tolist() for k, v in torch.nn.LSTMCell(2, 2).state_dict().items()}
    r = client.post("/api/v1/lstm", json={"framework": "pytorch", "x": [1, 2], **tensors})
    assert r.status_code == 200
    export = r.get_json()["export"]
    assert set(export) == {"numpy", "pytorch", "keras", "tensors"}
    for kind, url in export.items():
        assert url.startswith(f"/export/{kind}?v=1&")
        got = client.get(url)
        assert got.status_code == 200 and len(got.data) > 100
    plain = client.post("/api/v1/lstm", json={"x": [1, 2], **{f"W_{g}": [[1, 0, 0, 0], [0, 1, 0, 0]] for g in "fiCo"},
                                              **{f"b_{g}": [0, 0] for g in "fiCo"}})
    assert plain.status_code == 200
    data = plain.get_json()
    query = data["permalink"].split("?", 1)[1]
    assert data["export"] == {kind: f"/export/{kind}?{query}" for kind in ("numpy", "pytorch", "keras", "tensors")}
