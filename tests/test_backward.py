"""The backward pass (issue 4): ∂L/∂(every input) for every variant, single steps and sequences,
both concat orders, against an independent plain-Python reference (tests/reference.py) to 1e-10,
against the textbook LSTM backpropagation, and against central finite differences of the app's
own loss. The constant error carousel: ∂C_T/∂C_{T-k} is exactly 1 without a forget gate, and
exactly the product of the forget gates with one."""
from __future__ import annotations

import re

import numpy as np
import pytest

from app.fields import Inputs
from app.sequence import unroll
from tests.reference import api_body, lstm_bptt, random_example, run

API = "/api/v1/lstm"
RTOL, ATOL = 1e-10, 1e-12  # against the reference: same equations, other summation order
FD_STEP, FD_RTOL, FD_ATOL = 1e-6, 1e-6, 1e-8  # central differences: error ~ step² and eps/step

CASES = [
    pytest.param(variant, concat, reset, T, output, id=f"{variant}{'-' + reset if variant == 'gru' else ''}-{concat}-T{T}"
                 + ("-y" if output else ""))
    for variant, resets in (("lstm", ("after",)), ("no_forget", ("after",)), ("peephole", ("after",)),
                            ("coupled", ("after",)), ("gru", ("after", "before")), ("mgu", ("after",)))
    for reset in resets
    for concat in ("hx", "xh")
    for T, output in ((1, 0), (3, 0), (4, 2))
]


def post_ok(client, body: dict) -> dict:
    r = client.post(API, json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def as_rows(x, T):
    return x if T > 1 else [x]


def to_input(example: dict) -> Inputs:
    """The same example as the app's input type (for finite differences without HTTP)."""
    arrays = {k: np.array(v, dtype=np.float64) for k, v in example.items()
              if k not in ("variant", "concat", "gru_reset")}
    if arrays["x"].shape[0] == 1:
        arrays["x"] = arrays["x"][0]
    settings = {k: example[k] for k in ("variant", "concat", "gru_reset") if k in example}
    return Inputs.of(**settings, **arrays)


# -------------------------------------------------------------------- against the reference

@pytest.mark.parametrize("variant, concat, gru_reset, T, output", CASES)
def test_gradients_match_the_independent_reference(client, variant, concat, gru_reset, T, output):
    rng = np.random.default_rng([7, len(variant), ord(concat[0]), ord(gru_reset[0]), T, output])
    example = random_example(rng, variant, n=3, m=2, T=T, concat=concat, gru_reset=gru_reset,
                             output=output, scale=1.5)
    data = post_ok(client, api_body(example))
    ref = run(example)
    assert set(data["grads"]) == set(ref["grads"])
    for name, want in ref["grads"].items():
        got = as_rows(data["grads"][name], T) if name == "x" else data["grads"][name]
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=name)
    assert data["loss"] == pytest.approx(ref["loss"], rel=RTOL, abs=ATOL)


@pytest.mark.parametrize("concat", ["hx", "xh"])
@pytest.mark.parametrize("T", [1, 2, 5])
def test_lstm_gradients_match_the_textbook_backpropagation_through_time(client, concat, T):
    rng = np.random.default_rng([11, T, ord(concat[0])])
    example = random_example(rng, "lstm", n=4, m=3, T=T, concat=concat, scale=2.0)
    data = post_ok(client, api_body(example))
    for name, want in lstm_bptt(example).items():
        got = as_rows(data["grads"][name], T) if name == "x" else data["grads"][name]
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=name)


# -------------------------------------------------------------------- finite differences

def finite_difference_check(example: dict) -> None:
    """Central differences of the app's loss, one input entry at a time, against its grads."""
    inp = to_input(example)
    grads = unroll(inp).grads
    for name, g in grads.items():
        base = inp[name]
        numeric = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            for sign in (1, -1):
                moved = base.copy()
                moved[idx] += sign * FD_STEP
                loss = unroll(inp.replace(**{name: moved}), with_grads=False).loss
                numeric[idx] += sign * loss / (2 * FD_STEP)
        np.testing.assert_allclose(g, numeric, rtol=FD_RTOL, atol=FD_ATOL, err_msg=name)


@pytest.mark.parametrize("variant, gru_reset", [("lstm", "after"), ("no_forget", "after"), ("peephole", "after"),
                                                ("coupled", "after"), ("gru", "after"), ("gru", "before"),
                                                ("mgu", "after")])
@pytest.mark.parametrize("concat", ["hx", "xh"])
def test_gradients_agree_with_central_finite_differences(variant, gru_reset, concat):
    rng = np.random.default_rng([13, len(variant), ord(gru_reset[0]), ord(concat[0])])
    example = random_example(rng, variant, n=2, m=2, T=3, concat=concat, gru_reset=gru_reset, output=2)
    finite_difference_check(example)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_gradients_agree_with_finite_differences_on_larger_random_examples(seed):
    rng = np.random.default_rng([17, seed])
    variant = ("lstm", "no_forget", "peephole", "coupled", "gru", "mgu")[seed % 6]
    example = random_example(rng, variant, n=int(rng.integers(1, 5)), m=int(rng.integers(1, 4)),
                             T=int(rng.integers(1, 6)), concat=("hx", "xh")[seed % 2],
                             gru_reset=("after", "before")[seed // 2 % 2], output=int(rng.integers(0, 3)),
                             scale=2.0)
    finite_difference_check(example)


# -------------------------------------------------------------------- the loss and its defaults

def test_the_loss_is_dh_dot_h_plus_dC_dot_C_plus_dy_dot_y(client):
    rng = np.random.default_rng(19)
    example = random_example(rng, "lstm", T=2, output=2)
    data = post_ok(client, api_body(example))
    last = data["timesteps"][-1]
    want = (sum(a * b for a, b in zip(example["dh"], last["h"])) + sum(a * b for a, b in zip(example["dC"], last["C"]))
            + sum(a * b for a, b in zip(example["dy"], last["y"])))
    assert data["loss"] == pytest.approx(want, rel=1e-14)
    assert data["loss_formula"] == r"L = \sum dh \circ h_T + \sum dC \circ C_T + \sum dy \circ y_T"


def test_dh_defaults_to_ones_and_dC_to_zeros(client):
    example = random_example(np.random.default_rng(23), "lstm", T=2)
    n = len(example["h_prev"])
    explicit = post_ok(client, api_body({**example, "dh": [1.0] * n, "dC": [0.0] * n}))
    default = {k: v for k, v in example.items() if k not in ("dh", "dC")}
    omitted = post_ok(client, api_body(default))
    assert omitted["grads"] == explicit["grads"]
    assert omitted["loss"] == explicit["loss"] == sum(explicit["h"])


def test_without_dy_the_output_layer_gets_zero_gradients_and_changes_nothing_else(client):
    rng = np.random.default_rng(29)
    example = random_example(rng, "peephole", T=3, output=2, dy=False)
    with_layer = post_ok(client, api_body(example))
    without = post_ok(client, api_body({k: v for k, v in example.items() if k not in ("W_y", "b_y")}))
    assert with_layer["grads"]["W_y"] == [[0.0] * 3] * 2 and with_layer["grads"]["b_y"] == [0.0, 0.0]
    for name, g in without["grads"].items():
        assert with_layer["grads"][name] == g, name
    assert with_layer["loss"] == without["loss"]
    assert "dy" not in with_layer["loss_formula"]


def test_the_gru_loss_has_no_cell_state_term(client):
    example = random_example(np.random.default_rng(31), "gru", T=2)
    data = post_ok(client, api_body(example))
    assert data["loss_formula"] == r"L = \sum dh \circ h_T"
    assert "C_prev" not in data["grads"] and "dC" not in data["timesteps"][0]


def test_grads_have_the_shape_of_their_fields(client):
    for T in (1, 3):
        example = random_example(np.random.default_rng(37), "gru", n=3, m=2, T=T, output=4)
        data = post_ok(client, api_body(example))
        for name, g in data["grads"].items():
            assert np.shape(g) == np.shape(api_body(example)[name]), name
        assert set(data["grads"]) == {"x", "h_prev", "W_r", "b_r", "W_z", "b_z", "W_h", "b_h", "W_y", "b_y"}


def test_each_time_step_reports_the_gradient_reaching_its_state(client):
    """timesteps[t].dh and .dC are ∂L/∂h_t and ∂L/∂C_t. At T, dh is the loss's own; for
    t = 2 of 3, the reference's gradients of a 1-step tail that starts from (h_2, C_2), with
    C_2's path through h_2 = o_2 ∘ tanh(C_2) added (the tail holds h_2 fixed)."""
    example = random_example(np.random.default_rng(41), "lstm", T=3)
    data = post_ok(client, api_body(example))
    assert data["timesteps"][-1]["dh"] == example["dh"]
    t2 = data["timesteps"][1]
    tail = run({**example, "x": example["x"][2:], "h_prev": t2["h"], "C_prev": t2["C"]})["grads"]
    np.testing.assert_allclose(t2["dh"], tail["h_prev"], rtol=RTOL, atol=ATOL)
    through_h = [dh * o * (1 - np.tanh(c) ** 2) for dh, o, c in zip(tail["h_prev"], t2["o"], t2["C"])]
    np.testing.assert_allclose(t2["dC"], np.add(tail["C_prev"], through_h), rtol=RTOL, atol=ATOL)


# -------------------------------------------------------------------- the constant error carousel

def carousel_example(variant: str, T: int, seed: int) -> dict:
    """Every W's h_{t-1} columns are 0, so C_{t-k} reaches C_T only along the cell state, and
    dh = 0, dC = 1: the gradient at C_{T-k} is ∂C_T/∂C_{T-k} along that path, nothing else."""
    rng = np.random.default_rng([43, seed])
    n, m = 3, 2
    example = random_example(rng, variant, n=n, m=m, T=T, concat="hx", scale=2.0)
    for name in list(example):
        if name.startswith("W_"):
            example[name] = [row[:0] + [0.0] * n + row[n:] for row in example[name]]
    example.update(dh=[0.0] * n, dC=[1.0] * n)
    return example


@pytest.mark.parametrize("T", [1, 5, 20])
def test_without_a_forget_gate_the_gradient_along_the_cell_state_is_exactly_1(client, T):
    data = post_ok(client, api_body(carousel_example("no_forget", T, T)))
    for step in data["timesteps"]:
        assert step["dC"] == [1.0, 1.0, 1.0]  # ∂C_T/∂C_t = 1 for every t: it neither shrinks nor grows
    assert data["grads"]["C_prev"] == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("T", [1, 5, 20])
def test_with_a_forget_gate_the_gradient_along_the_cell_state_is_the_product_of_the_fs(client, T):
    data = post_ok(client, api_body(carousel_example("lstm", T, T)))
    product = [1.0, 1.0, 1.0]  # ∂C_T/∂C_t = f_T ∘ f_{T-1} ∘ … ∘ f_{t+1}, multiplied in that order
    for t in range(T, 0, -1):
        assert data["timesteps"][t - 1]["dC"] == product, t
        product = [p * f for p, f in zip(product, data["timesteps"][t - 1]["f"])]
    assert data["grads"]["C_prev"] == product
    if T == 20:
        assert max(product) < 0.5  # twenty gates below 1: the gradient has shrunk


def test_the_carousel_is_written_in_the_backward_steps(client):
    data = post_ok(client, api_body(carousel_example("no_forget", 2, 0)))
    by_id = {s["id"]: s for s in data["grad_steps"]}
    cec = by_id["grad.t2.C.update.C_prev"]
    assert cec["op"] == "copy" and "constant error carousel" in cec["why"]
    assert cec["result"]["value"] == cec["operands"]["dC"]
    lstm = post_ok(client, api_body(carousel_example("lstm", 2, 0)))
    forget = {s["id"]: s for s in lstm["grad_steps"]}["grad.t2.C.forget.C_prev"]
    assert forget["op"] == "hadamard" and "∂C_t/∂C_{t-1} = f_t" in forget["why"]
    assert forget["formula"] == r"\delta C_{1} = \delta C_{2} \circ f_{2}"


# -------------------------------------------------------------------- the backward trace

def test_each_local_derivative_is_written_next_to_its_rule(client):
    data = post_ok(client, api_body(random_example(np.random.default_rng(47), "lstm")))
    steps = {s["id"]: s for s in data["grad_steps"]}
    assert "σ'(z) = σ(z)(1 − σ(z)) ≤ 0.25" in steps["grad.f.sigmoid"]["why"]
    assert steps["grad.f.sigmoid"]["formula"] == r"\delta z_f = \delta f_t \circ f_t \circ (1 - f_t)"
    assert "tanh'(z) = 1 − tanh²(z) ≤ 1" in steps["grad.h.tanh"]["why"]
    assert steps["grad.f.matmul.W_f"]["formula"] == r"\delta W_f = \delta z_f \, v^\top"
    assert steps["grad.f.matmul.v"]["op"] == "matvec_t"
    for s in data["grad_steps"]:
        assert s["id"].startswith("grad.") and s["latex"].startswith(s["formula"] + " = ")


def test_backward_step_ids_follow_the_scheme_and_are_unique(client):
    for variant in ("lstm", "no_forget", "peephole", "coupled", "gru", "mgu"):
        data = post_ok(client, api_body(random_example(np.random.default_rng(53), variant, T=3, output=1)))
        forward = {s["id"] for s in data["steps"]}
        ids = [s["id"] for s in data["grad_steps"]]
        assert len(set(ids)) == len(ids), variant
        for sid in ids:
            m = re.fullmatch(r"grad\.(t\d+\.[A-Za-z_]+\.[a-z]+)(\.[A-Za-z0-9_]+)?(\.sum)?", sid)
            assert m and m.group(1) in forward, sid


def test_every_backward_step_follows_from_its_operands(client):
    """Each recorded gradient is its op applied to its operands, in plain Python."""
    def recompute(op, ops, span, shape):
        if op == "outer":
            return [[a * b for b in ops[1]] for a in ops[0]]
        if op == "matvec_t":
            W, g = ops
            return [sum(W[j][k] * g[j] for j in range(len(g))) for k in range(len(W[0]))]
        if op == "dsigmoid":
            return [g * s * (1 - s) for g, s in zip(*ops)]
        if op == "dtanh":
            return [g * (1 - a * a) for g, a in zip(*ops)]
        if op == "hadamard":
            return [a * b for a, b in zip(*ops)]
        if op == "add":
            return (np.array(ops[0]) + np.array(ops[1])).tolist()
        if op == "neg":
            return [-a for a in ops[0]]
        if op == "copy":
            return ops[0]
        if op == "slice":
            return ops[0][span[0]:span[1]]
        if op == "embed":
            out = np.zeros(shape)
            out[..., span[0]:span[1]] = ops[0]
            return out.tolist()
        raise AssertionError(op)

    for variant, reset in (("lstm", "after"), ("coupled", "after"), ("gru", "after"), ("gru", "before")):
        data = post_ok(client, api_body(random_example(np.random.default_rng(59), variant, T=2,
                                                       gru_reset=reset, output=2)))
        seen_ops = set()
        for s in data["grad_steps"]:
            ops = list(s["operands"].values())
            value = s["result"]["value"]
            np.testing.assert_allclose(value, recompute(s["op"], ops, s.get("span"), np.shape(value)),
                                       rtol=1e-14, atol=1e-15, err_msg=s["id"])
            seen_ops.add(s["op"])
        assert {"outer", "matvec_t", "dsigmoid", "dtanh", "hadamard", "add", "slice"} <= seen_ops
