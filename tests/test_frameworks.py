"""The frameworks' layouts against the real libraries: PyTorch (nn.LSTMCell, nn.LSTM, nn.GRUCell,
in float64), ONNX Runtime (LSTM and GRU nodes built with onnx.helper), Keras 3 (on the PyTorch
backend: LSTM, GRU with both reset_after), and TF1's documented equations (TF1 is not
installable here). Random shapes and values; our answer (POST /api/v1/lstm with "framework")
equals the framework's to 1e-12 relative in float64.

Two libraries cannot compute in float64 here: ONNX Runtime has no double LSTM/GRU kernel, and
Keras' GRU with reset_after=False rounds through float32 on the PyTorch backend. Those are
compared at float32 tolerance on inputs that float32 holds exactly, and at 1e-12 with the
operator's documented equations written out below in float64.

The libraries are imported once per module (module-scoped fixtures): importing them costs
seconds, the checks milliseconds.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

from app import frameworks

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported: no TensorFlow here

API = "/api/v1/lstm"
RTOL, ATOL = 1e-12, 1e-14  # float64: the same arithmetic in another order
F32_RTOL, F32_ATOL = 1e-5, 1e-6  # a float32 computation beside our float64 one
SEEDS = range(4)


@pytest.fixture(scope="module")
def torch():
    import torch
    return torch


@pytest.fixture(scope="module")
def keras(torch):
    import keras
    assert keras.backend.backend() == "torch"
    return keras


@pytest.fixture(scope="module")
def ort():
    import onnx
    import onnxruntime
    return onnx, onnxruntime


def sizes(seed):
    rng = np.random.default_rng(seed)
    return rng, int(rng.integers(1, 6)), int(rng.integers(1, 6))


def normal(rng, *shape, f32=False):
    a = rng.normal(size=shape)
    return a.astype(np.float32).astype(np.float64) if f32 else a


def post(client, body):
    r = client.post(API, json={k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in body.items()})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------------------------- PyTorch

@pytest.mark.parametrize("seed", SEEDS)
def test_pytorch_lstm_cell_matches_ours_in_float64(client, torch, seed):
    rng, n, m = sizes(seed)
    cell = torch.nn.LSTMCell(m, n).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.tensor(normal(rng, *p.shape)))
    x, h0, c0 = normal(rng, m), normal(rng, n), normal(rng, n)
    h, c = cell(torch.tensor(x)[None], (torch.tensor(h0)[None], torch.tensor(c0)[None]))
    tensors = {k: v.detach().numpy() for k, v in cell.state_dict().items()}
    data = post(client, {"framework": "pytorch", "x": x, "h_prev": h0, "C_prev": c0, **tensors})
    np.testing.assert_allclose(data["h"], h[0].detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(data["C"], c[0].detach().numpy(), rtol=RTOL, atol=ATOL)
    assert data["framework"] == "pytorch" and data["variant"] == "lstm"
    assert data["mapping"]["b_f"]["text"] == f"b_f = bias_ih[{n}:{2 * n}] + bias_hh[{n}:{2 * n}]"


@pytest.mark.parametrize("seed", SEEDS)
def test_pytorch_lstm_layer_with_l0_names_matches_ours_over_a_sequence(client, torch, seed):
    rng, n, m = sizes(seed)
    T = 3
    lstm = torch.nn.LSTM(m, n).double()
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_(torch.tensor(normal(rng, *p.shape)))
    x, h0, c0 = normal(rng, T, m), normal(rng, n), normal(rng, n)
    _, (h, c) = lstm(torch.tensor(x)[:, None, :], (torch.tensor(h0)[None, None], torch.tensor(c0)[None, None]))
    tensors = {k: v.detach().numpy() for k, v in lstm.state_dict().items()}
    assert set(tensors) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    data = post(client, {"framework": "pytorch", "x": x, "h_prev": h0, "C_prev": c0, "T": T, **tensors})
    np.testing.assert_allclose(data["h"], h[0, 0].detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(data["C"], c[0, 0].detach().numpy(), rtol=RTOL, atol=ATOL)
    assert data["mapping"]["W_i"]["parts"][0]["tensor"] == "weight_hh_l0"


@pytest.mark.parametrize("seed", SEEDS)
def test_pytorch_gru_cell_with_its_b_hn_matches_ours_and_so_do_the_gradients(client, torch, seed):
    rng, n, m = sizes(seed)
    cell = torch.nn.GRUCell(m, n).double()
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(torch.tensor(normal(rng, *p.shape)))  # bias_hh's n block nonzero: b_hn
    x, h0 = torch.tensor(normal(rng, m), requires_grad=True), torch.tensor(normal(rng, n), requires_grad=True)
    h = cell(x[None], h0[None])[0]
    dh = normal(rng, n)
    (h * torch.tensor(dh)).sum().backward()
    tensors = {k: v.detach().numpy() for k, v in cell.state_dict().items()}
    data = post(client, {"framework": "pytorch", "variant": "gru", "x": x.detach().numpy(),
                         "h_prev": h0.detach().numpy(), "dh": dh, **tensors})
    np.testing.assert_allclose(data["h"], h.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert data["gru_reset"] == "after"
    assert "h_tilde.hbias" in [s["id"] for s in data["steps"]]
    # the gradients: b_hn is bias_hh's n block, b_h bias_ih's; b_r, b_z both biases' (their sum)
    g_ih, g_hh = cell.bias_ih.grad.numpy(), cell.bias_hh.grad.numpy()
    np.testing.assert_allclose(data["grads"]["b_hn"], g_hh[2 * n:], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(data["grads"]["b_h"], g_ih[2 * n:], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(data["grads"]["b_r"], g_ih[:n], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(data["grads"]["b_r"], g_hh[:n], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(data["grads"]["h_prev"], h0.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(data["grads"]["x"], x.grad.numpy(), rtol=1e-10, atol=1e-13)


# ------------------------------------------------------------------------------------- Keras

def keras_weights(rng, layer, f32=False):
    values = [normal(rng, *tuple(w.shape), f32=f32) for w in layer.weights]
    for w, v in zip(layer.weights, values):
        w.assign(v)
    return values


@pytest.mark.parametrize("seed", SEEDS)
def test_keras_lstm_matches_ours_in_float64(client, keras, seed):
    rng, n, m = sizes(seed)
    layer = keras.layers.LSTM(n, return_state=True, dtype="float64")
    layer.build((1, 1, m))
    kernel, recurrent_kernel, bias = keras_weights(rng, layer)
    x, h0, c0 = normal(rng, m), normal(rng, n), normal(rng, n)
    _, h, c = layer(x[None, None], initial_state=[h0[None], c0[None]])
    data = post(client, {"framework": "keras", "x": x, "h_prev": h0, "C_prev": c0, "kernel": kernel,
                         "recurrent_kernel": recurrent_kernel, "bias": bias})
    np.testing.assert_allclose(data["h"], h[0].detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(data["C"], c[0].detach().numpy(), rtol=RTOL, atol=ATOL)
    assert data["mapping"]["W_C"]["parts"][0]["expr"] == f"recurrent_kernel[:, {2 * n}:{3 * n}]ᵀ"


@pytest.mark.parametrize("seed", SEEDS)
def test_keras_gru_reset_after_matches_ours_in_float64(client, keras, seed):
    rng, n, m = sizes(seed)
    layer = keras.layers.GRU(n, return_state=True, dtype="float64")  # reset_after=True, the default
    layer.build((1, 1, m))
    kernel, recurrent_kernel, bias = keras_weights(rng, layer)
    assert bias.shape == (2, 3 * n)
    x, h0 = normal(rng, m), normal(rng, n)
    _, h = layer(x[None, None], initial_state=[h0[None]])
    data = post(client, {"framework": "keras", "variant": "gru", "x": x, "h_prev": h0, "kernel": kernel,
                         "recurrent_kernel": recurrent_kernel, "bias": bias})
    np.testing.assert_allclose(data["h"], h[0].detach().numpy(), rtol=RTOL, atol=ATOL)
    assert data["gru_reset"] == "after"
    assert data["mapping"]["b_hn"]["text"].startswith(f"b_hn = bias[1, {2 * n}:{3 * n}]")


def keras_gru_before(x, h0, kernel, recurrent_kernel, bias):
    """Keras 3's GRU cell with reset_after=False (keras/src/layers/rnn/gru.py), in float64:
    z, r from x·kernel + bias + h·recurrent_kernel; hh = tanh(x·kernel_h + bias_h +
    (r∘h)·recurrent_kernel_h); h = z∘h_prev + (1 − z)∘hh."""
    n = h0.shape[0]
    xz, xr, xh = np.split(x @ kernel + bias, 3)
    z = sigmoid(xz + h0 @ recurrent_kernel[:, :n])
    r = sigmoid(xr + h0 @ recurrent_kernel[:, n:2 * n])
    hh = np.tanh(xh + (r * h0) @ recurrent_kernel[:, 2 * n:])
    return z * h0 + (1 - z) * hh


@pytest.mark.parametrize("seed", SEEDS)
def test_keras_gru_reset_before_matches_ours_in_float32_and_its_equations_in_float64(client, keras, seed):
    rng, n, m = sizes(seed)
    layer = keras.layers.GRU(n, return_state=True, dtype="float64", reset_after=False)
    layer.build((1, 1, m))
    kernel, recurrent_kernel, bias = keras_weights(rng, layer, f32=True)
    assert bias.shape == (3 * n,)
    x, h0 = normal(rng, m, f32=True), normal(rng, n, f32=True)
    _, h = layer(x[None, None], initial_state=[h0[None]])
    data = post(client, {"framework": "keras", "variant": "gru", "reset_after": False, "x": x, "h_prev": h0,
                         "kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias})
    assert data["gru_reset"] == "before"
    np.testing.assert_allclose(data["h"], h[0].detach().numpy(), rtol=F32_RTOL, atol=F32_ATOL)
    np.testing.assert_allclose(data["h"], keras_gru_before(x, h0, kernel, recurrent_kernel, bias),
                               rtol=RTOL, atol=ATOL)


# -------------------------------------------------------------------------------------- TF1

def tf1_lstm_cell(x, h0, c0, kernel, bias, forget_bias):
    """TF1's LSTMCell.call (tensorflow/python/ops/rnn_cell_impl.py), without projection or
    clipping: lstm_matrix = [x, h]·kernel + bias; i, j, f, o = split(lstm_matrix, 4);
    c = σ(f + forget_bias)∘c_prev + σ(i)∘tanh(j); h = σ(o)∘tanh(c)."""
    i, j, f, o = np.split(np.concatenate([x, h0]) @ kernel + bias, 4)
    c = sigmoid(f + forget_bias) * c0 + sigmoid(i) * np.tanh(j)
    return sigmoid(o) * np.tanh(c), c


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("forget_bias", [None, 0.0, 2.5])
def test_tf1_lstm_cell_matches_its_documented_equations(client, seed, forget_bias):
    rng, n, m = sizes(seed)
    kernel, bias = normal(rng, m + n, 4 * n), normal(rng, 4 * n)
    x, h0, c0 = normal(rng, m), normal(rng, n), normal(rng, n)
    body = {"framework": "tf1", "x": x, "h_prev": h0, "C_prev": c0, "kernel": kernel, "bias": bias}
    if forget_bias is not None:
        body["forget_bias"] = forget_bias
    data = post(client, body)
    h, c = tf1_lstm_cell(x, h0, c0, kernel, bias, 1.0 if forget_bias is None else forget_bias)
    np.testing.assert_allclose(data["h"], h, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(data["C"], c, rtol=RTOL, atol=ATOL)
    assert data["concat"] == "xh"  # TF1's kernel reads [x_t, h_{t-1}]: W_f is its columns, transposed
    assert data["mapping"]["b_f"]["add"] == (1.0 if forget_bias is None else forget_bias)


# ------------------------------------------------------------------------------------- ONNX

def onnx_run(ort, op, n, inputs: dict, **attrs):
    """One node of `op` (LSTM or GRU) in float32, run by ONNX Runtime: (Y_h, Y_c or None)."""
    onnx, onnxruntime = ort
    from onnx import TensorProto, helper
    names = ["X", "W", "R", "B", "", "initial_h"] + (["initial_c", "P"] if op == "LSTM" else [])
    names = [name if name in inputs or name == "" else "" for name in names]
    while names and names[-1] == "":
        names.pop()
    outputs = ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else [])
    node = helper.make_node(op, names, outputs, hidden_size=n, **attrs)
    graph = helper.make_graph(
        [node], "cell",
        [helper.make_tensor_value_info(k, TensorProto.FLOAT, list(v.shape)) for k, v in inputs.items()],
        [helper.make_tensor_value_info(k, TensorProto.FLOAT, None) for k in outputs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {k: v.astype(np.float32) for k, v in inputs.items()})
    return got[1][0, 0].astype(np.float64), (got[2][0, 0].astype(np.float64) if op == "LSTM" else None)


def onnx_lstm(x, h0, c0, W, R, B, P=None):
    """The ONNX LSTM operator's equations (default activations), float64, one direction:
    i = σ(W_i·x + R_i·h + P_i∘C + Wb_i + Rb_i), f likewise with P_f, c = tanh(…),
    C = f∘C + i∘c, o = σ(… + P_o∘C_t), h = o∘tanh(C); gates stacked i, o, f, c."""
    n = h0.shape[0]
    g = W @ x + R @ h0 + B[:4 * n] + B[4 * n:]
    gi, go, gf, gc = np.split(g, 4)
    p_i, p_o, p_f = np.split(P, 3) if P is not None else (0, 0, 0)
    i, f = sigmoid(gi + p_i * c0), sigmoid(gf + p_f * c0)
    C = f * c0 + i * np.tanh(gc)
    return sigmoid(go + p_o * C) * np.tanh(C), C


def onnx_gru(x, h0, W, R, B, linear_before_reset):
    """The ONNX GRU operator's equations, float64: gates stacked z, r, h; h̃ = tanh(W_h·x +
    R_h·(r∘h) + Rb_h + Wb_h), or with linear_before_reset tanh(W_h·x + r∘(R_h·h + Rb_h) + Wb_h);
    H = (1 − z)∘h̃ + z∘H_prev."""
    n = h0.shape[0]
    Wb, Rb = B[:3 * n], B[3 * n:]
    z = sigmoid(W[:n] @ x + R[:n] @ h0 + Wb[:n] + Rb[:n])
    r = sigmoid(W[n:2 * n] @ x + R[n:2 * n] @ h0 + Wb[n:2 * n] + Rb[n:2 * n])
    if linear_before_reset:
        ht = np.tanh(W[2 * n:] @ x + r * (R[2 * n:] @ h0 + Rb[2 * n:]) + Wb[2 * n:])
    else:
        ht = np.tanh(W[2 * n:] @ x + R[2 * n:] @ (r * h0) + Rb[2 * n:] + Wb[2 * n:])
    return (1 - z) * ht + z * h0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("peephole", [False, True])
def test_onnx_lstm_matches_ours_in_float32_and_its_equations_in_float64(client, ort, seed, peephole):
    rng, n, m = sizes(seed)
    W, R, B = normal(rng, 1, 4 * n, m, f32=True), normal(rng, 1, 4 * n, n, f32=True), normal(rng, 1, 8 * n, f32=True)
    x, h0, c0 = normal(rng, m, f32=True), normal(rng, n, f32=True), normal(rng, n, f32=True)
    inputs = {"X": x[None, None], "W": W, "R": R, "B": B, "initial_h": h0[None, None], "initial_c": c0[None, None]}
    body = {"framework": "onnx", "x": x, "h_prev": h0, "C_prev": c0, "W": W, "R": R, "B": B[0]}  # B without its axis
    P = None
    if peephole:
        P = normal(rng, 1, 3 * n, f32=True)
        inputs["P"] = body["P"] = P
    h, c = onnx_run(ort, "LSTM", n, inputs)
    data = post(client, body)
    assert data["variant"] == ("peephole" if peephole else "lstm")
    np.testing.assert_allclose(data["h"], h, rtol=F32_RTOL, atol=F32_ATOL)
    np.testing.assert_allclose(data["C"], c, rtol=F32_RTOL, atol=F32_ATOL)
    h64, c64 = onnx_lstm(x, h0, c0, W[0], R[0], B[0], None if P is None else P[0])
    np.testing.assert_allclose(data["h"], h64, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(data["C"], c64, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("linear_before_reset", [0, 1])
def test_onnx_gru_matches_ours_in_float32_and_its_equations_in_float64(client, ort, seed, linear_before_reset):
    rng, n, m = sizes(seed)
    W, R, B = normal(rng, 1, 3 * n, m, f32=True), normal(rng, 1, 3 * n, n, f32=True), normal(rng, 1, 6 * n, f32=True)
    x, h0 = normal(rng, m, f32=True), normal(rng, n, f32=True)
    inputs = {"X": x[None, None], "W": W, "R": R, "B": B, "initial_h": h0[None, None]}
    h, _ = onnx_run(ort, "GRU", n, inputs, linear_before_reset=linear_before_reset)
    data = post(client, {"framework": "onnx", "variant": "gru", "linear_before_reset": linear_before_reset,
                         "x": x, "h_prev": h0, "W": W, "R": R, "B": B})
    assert data["gru_reset"] == ("after" if linear_before_reset else "before")
    np.testing.assert_allclose(data["h"], h, rtol=F32_RTOL, atol=F32_ATOL)
    np.testing.assert_allclose(data["h"], onnx_gru(x, h0, W[0], R[0], B[0], linear_before_reset),
                               rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------------ from_fields, the export

@pytest.mark.parametrize("framework, variant", [("pytorch", "lstm"), ("pytorch", "gru"), ("keras", "lstm"),
                                                ("keras", "gru"), ("onnx", "peephole")])
def test_from_fields_builds_tensors_the_framework_computes_our_answer_with(client, torch, keras, ort,
                                                                           framework, variant):
    rng, n, m = sizes(7)
    base = "gru" if variant == "gru" else "lstm"
    gates = ("r", "z", "h") if base == "gru" else ("f", "i", "C", "o")
    body = {"variant": variant, "x": normal(rng, m, f32=True), "h_prev": normal(rng, n, f32=True)}
    for g in gates:
        body[f"W_{g}"], body[f"b_{g}"] = normal(rng, n, n + m, f32=True), normal(rng, n, f32=True)
    if base == "lstm":
        body["C_prev"] = normal(rng, n, f32=True)
    if base == "gru":
        body["b_hn"] = normal(rng, n, f32=True)
    if variant == "peephole":
        for g in "fio":
            body[f"p_{g}"] = normal(rng, n, f32=True)
    ours = post(client, body)
    tensors = frameworks.from_fields(framework, variant, body)
    if framework == "pytorch":
        cell = (torch.nn.GRUCell if base == "gru" else torch.nn.LSTMCell)(m, n).double()
        with torch.no_grad():
            for k, v in tensors.items():
                getattr(cell, k).copy_(torch.tensor(v))
            state = torch.tensor(body["h_prev"])[None]
            out = cell(torch.tensor(body["x"])[None],
                       state if base == "gru" else (state, torch.tensor(body["C_prev"])[None]))
        h = (out if base == "gru" else out[0])[0].numpy()
        np.testing.assert_allclose(ours["h"], h, rtol=RTOL, atol=ATOL)
    elif framework == "keras":
        layer = (keras.layers.GRU if base == "gru" else keras.layers.LSTM)(n, return_state=True, dtype="float64")
        layer.build((1, 1, m))
        for w, key in zip(layer.weights, ("kernel", "recurrent_kernel", "bias")):
            w.assign(tensors[key])
        state = [body["h_prev"][None]] + ([] if base == "gru" else [body["C_prev"][None]])
        h = layer(body["x"][None, None], initial_state=state)[1][0].detach().numpy()
        np.testing.assert_allclose(ours["h"], h, rtol=RTOL, atol=ATOL)
    else:
        inputs = {"X": body["x"][None, None], **tensors, "initial_h": body["h_prev"][None, None],
                  "initial_c": body["C_prev"][None, None]}
        h, c = onnx_run(ort, "LSTM", n, inputs)
        np.testing.assert_allclose(ours["h"], h, rtol=F32_RTOL, atol=F32_ATOL)
        np.testing.assert_allclose(ours["C"], c, rtol=F32_RTOL, atol=F32_ATOL)


# ------------------------------------------------------- compare: their numbers, and why not

def lstm_example(rng, n, m, f32=True):
    body = {"x": normal(rng, m, f32=f32), "h_prev": normal(rng, n, f32=f32), "C_prev": normal(rng, n, f32=f32)}
    for g in ("f", "i", "C", "o"):
        body[f"W_{g}"], body[f"b_{g}"] = normal(rng, n, n + m, f32=f32), normal(rng, n, f32=f32)
    return body


def gru_example(rng, n, m, b_hn=True):
    body = {"variant": "gru", "x": normal(rng, m, f32=True), "h_prev": normal(rng, n, f32=True)}
    for g in ("r", "z", "h"):
        body[f"W_{g}"], body[f"b_{g}"] = normal(rng, n, n + m, f32=True), normal(rng, n, f32=True)
    if b_hn:
        body["b_hn"] = normal(rng, n, f32=True)
    return body


def torch_cell(torch, kind, m, n, tensors, dtype):
    cell = getattr(torch.nn, kind)(m, n).to(dtype)
    with torch.no_grad():
        for k, v in tensors.items():
            getattr(cell, k).copy_(torch.tensor(v, dtype=dtype))
    return cell


def torch_lstm_h_C(torch, body, tensors, dtype=None):
    dtype = dtype or torch.float64
    n, m = len(body["h_prev"]), len(body["x"])
    cell = torch_cell(torch, "LSTMCell", m, n, tensors, dtype)
    with torch.no_grad():
        h, c = cell(torch.tensor(body["x"], dtype=dtype)[None],
                    (torch.tensor(body["h_prev"], dtype=dtype)[None], torch.tensor(body["C_prev"], dtype=dtype)[None]))
    return {"h": h[0].double().tolist(), "C": c[0].double().tolist()}


def torch_gru_h(torch, body, tensors):
    n, m = len(body["h_prev"]), len(body["x"])
    cell = torch_cell(torch, "GRUCell", m, n, tensors, torch.float64)
    with torch.no_grad():
        h = cell(torch.tensor(body["x"])[None], torch.tensor(body["h_prev"])[None])
    return {"h": h[0].tolist()}


def match_of(client, body, theirs):
    data = post(client, {**body, "compare": theirs})
    return data["match"]


@pytest.mark.parametrize("seed", range(3))
def test_pytorch_in_float32_matches_within_float32_rounding(client, torch, seed):
    rng, n, m = sizes(seed)
    body = lstm_example(rng, n, m)
    theirs = torch_lstm_h_C(torch, body, frameworks.from_fields("pytorch", "lstm", body), torch.float32)
    result = match_of(client, body, theirs)
    assert result["cause"] is None and result["first"] is None
    assert 0 < result["max_abs_diff"] <= result["tolerance"] < 1e-4
    assert result["note"].startswith("They match")


@pytest.mark.parametrize("seed", range(3))
def test_gates_stacked_in_onnx_order_but_read_by_pytorch_are_named(client, torch, seed):
    rng, n, m = sizes(seed)
    body = lstm_example(rng, n, m)
    onnx_tensors = frameworks.from_fields("onnx", "lstm", body)  # i, o, f, c
    wrong = {"weight_ih": onnx_tensors["W"][0], "weight_hh": onnx_tensors["R"][0],
             "bias_ih": onnx_tensors["B"][0][:4 * n], "bias_hh": onnx_tensors["B"][0][4 * n:]}
    result = match_of(client, body, torch_lstm_h_C(torch, body, wrong))
    assert result["first"] is not None and result["max_abs_diff"] > 100 * result["tolerance"]
    assert result["cause"].startswith("Gate order: ")
    assert "stacked in ONNX's order (i, o, f, c) but read in PyTorch's and Keras' (i, f, g, o)" in result["cause"]
    assert "W_f, b_f got the values of W_o, b_o" in result["cause"]


@pytest.mark.parametrize("seed", range(3))
def test_gates_stacked_in_the_pages_order_but_read_by_pytorch_are_named(client, torch, seed):
    """The commonest slip: W_f, W_i, W_C, W_o stacked into weight_ih as the page writes them."""
    rng, n, m = sizes(seed)
    body = lstm_example(rng, n, m)
    right = frameworks.from_fields("pytorch", "lstm", body)  # i, f, g, o
    page_order = lambda a: np.concatenate([np.split(a, 4, axis=0)[k] for k in (1, 0, 2, 3)])  # noqa: E731
    wrong = {name: page_order(np.asarray(value)) for name, value in right.items()}
    result = match_of(client, body, torch_lstm_h_C(torch, body, wrong))
    assert result["first"] is not None and result["max_abs_diff"] > 100 * result["tolerance"]
    assert ("PyTorch's and Keras' order (i, f, g, o) and this page's (f, i, C, o) mixed up: the gate "
            "blocks stacked in one and read in the other: W_f, b_f and W_i, b_i swapped") in result["cause"]


@pytest.mark.parametrize("seed", range(3))
def test_gates_stacked_in_tf1_order_but_read_by_keras_are_named(client, keras, seed):
    rng, n, m = sizes(seed)
    body = lstm_example(rng, n, m, f32=False)
    right = frameworks.from_fields("keras", "lstm", body)
    blocks = lambda a: np.split(a, 4, axis=-1)  # noqa: E731  (Keras: i, f, c, o)
    tf1 = lambda a: np.concatenate([blocks(a)[k] for k in (0, 2, 1, 3)], axis=-1)  # noqa: E731  i, c, f, o
    layer = keras.layers.LSTM(n, return_state=True, dtype="float64")
    layer.build((1, 1, m))
    for w, key in zip(layer.weights, ("kernel", "recurrent_kernel", "bias")):
        w.assign(tf1(right[key]))
    _, h, c = layer(body["x"][None, None], initial_state=[body["h_prev"][None], body["C_prev"][None]])
    result = match_of(client, body, {"h": h[0].tolist(), "C": c[0].tolist()})
    assert ("PyTorch's and Keras' order (i, f, g, o) and TF1's (i, j, f, o) mixed up: the gate blocks stacked in "
            "one and read in the other: W_f, b_f and W_C, b_C swapped") in result["cause"]


@pytest.mark.parametrize("seed", range(3))
def test_a_recurrent_kernel_copied_without_its_transpose_is_named(client, keras, seed):
    rng, n, _ = sizes(seed)
    n = max(n, 2)  # a 1×1 block is its own transpose
    m = n + 1
    body = lstm_example(rng, n, m, f32=False)
    right = frameworks.from_fields("keras", "lstm", body)
    torch_layout = frameworks.from_fields("pytorch", "lstm", body)
    # PyTorch's weight_hh blocks (W·h) put side by side into Keras' recurrent kernel (h·W) as they are
    wrong = np.hstack(np.split(torch_layout["weight_hh"], 4, axis=0))
    layer = keras.layers.LSTM(n, return_state=True, dtype="float64")
    layer.build((1, 1, m))
    for w, value in zip(layer.weights, (right["kernel"], wrong, right["bias"])):
        w.assign(value)
    _, h, c = layer(body["x"][None, None], initial_state=[body["h_prev"][None], body["C_prev"][None]])
    result = match_of(client, body, {"h": h[0].tolist(), "C": c[0].tolist()})
    assert result["cause"].startswith("A transposed kernel: ")


@pytest.mark.parametrize("seed", range(3))
def test_tf1_weights_run_without_forget_bias_are_named(client, torch, seed):
    rng, n, m = sizes(seed)
    kernel, bias = normal(rng, m + n, 4 * n), normal(rng, 4 * n)
    state = {"x": normal(rng, m), "h_prev": normal(rng, n), "C_prev": normal(rng, n)}
    tf1_body = {"framework": "tf1", **state, "kernel": kernel, "bias": bias}
    ours = post(client, tf1_body)
    # PyTorch given TF1's stored tensors, reordered and transposed, but not its run-time forget_bias
    i, j, f, o = np.split(kernel, 4, axis=1)
    W = np.hstack([i, f, j, o]).T
    bi, bj, bf, bo = np.split(bias, 4)
    tensors = {"weight_ih": W[:, :m], "weight_hh": W[:, m:], "bias_ih": np.concatenate([bi, bf, bj, bo]),
               "bias_hh": np.zeros(4 * n)}
    theirs = torch_lstm_h_C(torch, state, tensors)
    result = post(client, {**tf1_body, "compare": theirs})["match"]
    assert result["cause"].startswith("A missing forget_bias: ")
    assert ours["h"] != theirs["h"]


@pytest.mark.parametrize("seed", range(3))
def test_a_dropped_b_hn_and_a_b_hn_outside_the_reset_are_named(client, torch, seed):
    rng, n, m = sizes(seed)
    body = gru_example(rng, n, m)
    right = frameworks.from_fields("pytorch", "gru", body)
    dropped = {**right, "bias_hh": np.concatenate([right["bias_hh"][:2 * n], np.zeros(n)])}
    result = match_of(client, body, torch_gru_h(torch, body, dropped))
    assert result["cause"].startswith("A dropped b_hn: ")
    outside = {**dropped, "bias_ih": right["bias_ih"] + right["bias_hh"]}  # like the LSTM's two biases
    result = match_of(client, body, torch_gru_h(torch, body, outside))
    assert result["cause"].startswith("b_hn added outside the reset: ")
    assert match_of(client, body, torch_gru_h(torch, body, right))["cause"] is None


@pytest.mark.parametrize("seed", range(3))
def test_a_gru_run_with_the_reset_before_is_named(client, keras, seed):
    rng, n, m = sizes(seed)
    body = gru_example(rng, n, m, b_hn=False)  # ours: the reset after (PyTorch's)
    tensors = frameworks.from_fields("keras", "gru", body)
    layer = keras.layers.GRU(n, return_state=True, dtype="float64", reset_after=False)
    layer.build((1, 1, m))
    for w, value in zip(layer.weights, (tensors["kernel"], tensors["recurrent_kernel"], tensors["bias"][0])):
        w.assign(value)
    _, h = layer(body["x"][None, None], initial_state=[body["h_prev"][None]])
    result = match_of(client, body, {"h": h[0].tolist()})
    assert result["cause"].startswith("The GRU's reset: ")
    assert "reset before the product" in result["cause"]


def test_z_and_one_minus_z_swapped_is_named(client):
    rng, n, m = sizes(5)
    body = gru_example(rng, n, m)
    # Colah's form, h = z∘h̃ + (1 − z)∘h_prev, with PyTorch's candidate written out
    x, h0 = body["x"], body["h_prev"]
    v = np.concatenate([h0, x])
    r, z = sigmoid(body["W_r"] @ v + body["b_r"]), sigmoid(body["W_z"] @ v + body["b_z"])
    cand = np.tanh(body["W_h"][:, n:] @ x + body["b_h"] + r * (body["W_h"][:, :n] @ h0 + body["b_hn"]))
    result = match_of(client, body, {"h": (z * cand + (1 - z) * h0).tolist()})
    assert result["cause"].startswith("z and 1 − z swapped: ")


def test_an_unrecognised_difference_is_called_a_layout_or_convention_mistake(client):
    rng, n, m = sizes(1)
    body = lstm_example(rng, n, m)
    result = match_of(client, body, {"h": (normal(rng, n) * 0.3).tolist()})
    assert result["cause"].startswith("A layout or convention mistake: ")
    assert result["first"] == {"field": "h", "index": 0}
