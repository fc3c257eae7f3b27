"""One LSTM step: the cell (`app/cells/lstm.py`, run by `sequence.unroll`) against an independent plain-Python reference, the seed's
worked example by hand, the recorded trace, and the stable activations."""
import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.fields import Inputs
from app.presets import ANSWER, QUESTION, ZERO_STATE, random_example
from app.sequence import unroll
from app.primitives import stable_sigmoid
from app.trace import Sym, Trace


def lstm_step(inp: Inputs) -> SimpleNamespace:
    """One LSTM step as the app computes it (`sequence.unroll`): its results by name (v, f, …,
    h) and its steps."""
    res = unroll(inp, with_grads=False)
    return SimpleNamespace(steps=res.steps, **res.last)


GATES = ("f", "i", "C", "o")
OUTPUTS = ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o")
STEP_IDS = (
    "v.concat",
    "f.matmul", "f.bias", "f.sigmoid",
    "i.matmul", "i.bias", "i.sigmoid",
    "C_tilde.matmul", "C_tilde.bias", "C_tilde.tanh",
    "o.matmul", "o.bias", "o.sigmoid",
    "C.forget", "C.input", "C.update",
    "h.tanh", "h.update",
)
INPUT_NAMES = {"x", "h_prev", "C_prev", *(f"{p}_{g}" for p in "Wb" for g in GATES)}


# ------------------------------------------------------------ the reference (no numpy)

def ref_sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))  # exp of a non-positive number: no overflow
    e = math.exp(z)
    return e / (1.0 + e)


def ref_matvec(W: list[list[float]], v: list[float]) -> list[float]:
    out = []
    for row in W:
        total = 0.0
        for w, x in zip(row, v, strict=True):
            total += w * x
        out.append(total)
    return out


def ref_lstm_step(x, h_prev, C_prev, W, b, concat):
    """x, h_prev, C_prev: lists; W, b: dicts gate -> list of rows / list. Returns a dict."""
    v = h_prev + x if concat == "hx" else x + h_prev
    z = {}
    for g in GATES:
        Wv = ref_matvec(W[g], v)
        z[g] = [Wv[k] + b[g][k] for k in range(len(Wv))]
    f = [ref_sigmoid(t) for t in z["f"]]
    i = [ref_sigmoid(t) for t in z["i"]]
    C_tilde = [math.tanh(t) for t in z["C"]]
    o = [ref_sigmoid(t) for t in z["o"]]
    C = [f[k] * C_prev[k] + i[k] * C_tilde[k] for k in range(len(C_prev))]
    h = [o[k] * math.tanh(C[k]) for k in range(len(C))]
    return {"v": v, "f": f, "i": i, "C_tilde": C_tilde, "o": o, "C": C, "h": h,
            "z_f": z["f"], "z_i": z["i"], "z_C": z["C"], "z_o": z["o"]}


def ref_of(inp: Inputs):
    return ref_lstm_step(inp["x"].tolist(), inp["h_prev"].tolist(), inp["C_prev"].tolist(),
                         {g: inp[f"W_{g}"].tolist() for g in GATES},
                         {g: inp[f"b_{g}"].tolist() for g in GATES}, inp.concat)


# ------------------------------------------------------------ random examples

def _draw(rng, regime, shape, role):
    if regime == "small":  # arbitrary (non-dyadic) values, few saturations
        return rng.uniform(-2, 2, shape)
    if regime == "large":  # multiples of 1/16 up to ±1e3: every product and sum is exact
        return rng.integers(-16_000, 16_001, shape) / 16.0
    # "mixed": small weights and inputs, biases and C_prev anywhere from ±40 to ±1e3, so some
    # entries of a gate saturate and others do not
    if role in ("b", "C_prev"):
        scale = rng.choice([40.0, 1e3])
        return rng.integers(-16, 17, shape) / 16.0 * scale
    return rng.uniform(-1, 1, shape)


def random_input(rng, regime, concat) -> Inputs:
    n, m = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    arrays = {"x": _draw(rng, regime, m, "x"), "h_prev": _draw(rng, regime, n, "h"),
              "C_prev": _draw(rng, regime, n, "C_prev")}
    for g in GATES:
        arrays[f"W_{g}"] = _draw(rng, regime, (n, n + m), "W")
        arrays[f"b_{g}"] = _draw(rng, regime, n, "b")
    return Inputs.of(concat=concat, **{k: np.asarray(a, dtype=np.float64) for k, a in arrays.items()})


@pytest.mark.parametrize("concat", ["hx", "xh"])
@pytest.mark.parametrize("regime", ["small", "large", "mixed"])
def test_lstm_step_matches_an_independent_plain_python_reference(regime, concat):
    rng = np.random.default_rng([2024, len(regime), ord(concat[0])])
    sizes, saturated = set(), 0
    for k in range(80):
        inp = random_input(rng, regime, concat)
        got, want = lstm_step(inp), ref_of(inp)
        sizes.add((inp.n, inp.m))
        np.testing.assert_array_equal(got.v, want["v"])
        for name in OUTPUTS:
            np.testing.assert_allclose(getattr(got, name), want[name], rtol=1e-12, atol=1e-12,
                                       err_msg=f"{name}, example {k}: n={inp.n} m={inp.m} {concat}")
        saturated += sum(1 for g in ("f", "i", "o") for s in want[g] if s in (0.0, 1.0))
    assert len(sizes) >= 20  # n and m really vary over 1..8
    if regime != "small":  # the large regimes really reach float64 saturation
        assert saturated > 100


@pytest.mark.parametrize("example", [QUESTION, ANSWER, ZERO_STATE, random_example(4, 3, seed=7)],
                         ids=["question", "answer", "zero-state", "random-4x3"])
def test_presets_match_the_reference(example):
    got, want = lstm_step(example), ref_of(example)
    for name in OUTPUTS:
        np.testing.assert_allclose(getattr(got, name), want[name], rtol=1e-12, atol=1e-12, err_msg=name)


# ------------------------------------------------------------ the seed, by hand

def _steps(example):
    return {s.id: s for s in unroll(example).steps}


def test_seed_question_concatenates_x_before_h_to_one_to_six():
    assert unroll(QUESTION).last["v"].tolist() == [1, 2, 3, 4, 5, 6]
    assert unroll(QUESTION.replace(concat="hx")).last["v"].tolist() == [4, 5, 6, 1, 2, 3]


def test_forget_gate_matches_the_questions_worked_example():
    steps, r = _steps(QUESTION), lstm_step(QUESTION)
    # 1·1+2·2+3·3+4·4+5·5+6·6 = 91, 5+12+21+32+45+60 = 175, 3+8+15+24+35+48 = 133
    assert steps["f.matmul"].result.value.tolist() == [91, 175, 133]
    assert r.z_f.tolist() == [92, 177, 136]
    assert r.f.tolist() == [1.0, 1.0, 1.0]  # exactly 1.0 in float64 ...
    assert steps["f.sigmoid"].saturated == (True, True, True)  # ... and said to be so


def test_input_gate_corrects_the_answers_arithmetic():
    steps, r = _steps(QUESTION), lstm_step(QUESTION)
    assert steps["i.matmul"].result.value.tolist() == [21, 42, 63]
    assert r.z_i.tolist() == [22, 43, 64]
    assert r.z_i.tolist() != [22, 42, 62]  # what the answer printed
    assert 0.999 < r.i[0] < 1.0  # σ(22) = 1 − 2.8e-10: representable, not saturated
    assert r.i[1:].tolist() == [1.0, 1.0]
    assert steps["i.sigmoid"].saturated == (False, True, True)


@pytest.mark.parametrize("example", [QUESTION, ANSWER, ZERO_STATE, random_example(1, 5, seed=3),
                                     random_example(6, 1, seed=4, concat="xh")],
                         ids=["question", "answer", "zero-state", "random-1x5", "random-6x1"])
def test_trace_lists_every_step_in_order_with_its_shape(example):
    steps = unroll(example).steps
    assert tuple(s.id for s in steps) == STEP_IDS
    n, m = example.n, example.m
    for s in steps:
        assert s.result.shape == ((n + m,) if s.id == "v.concat" else (n,)), s.id
        if s.id.endswith(".matmul"):
            assert [o.shape for o in s.operands] == [(n, n + m), (n + m,)]
        if s.op in ("sigmoid", "tanh"):
            assert len(s.saturated) == n


def _recompute(step):
    vals = [o.value.tolist() for o in step.operands]
    if step.op == "concat":
        return vals[0] + vals[1]
    if step.op == "matvec":
        return ref_matvec(*vals)
    if step.op == "add":
        return [a + b for a, b in zip(*vals, strict=True)]
    if step.op == "hadamard":
        return [a * b for a, b in zip(*vals, strict=True)]
    if step.op == "sigmoid":
        return [ref_sigmoid(z) for z in vals[0]]
    if step.op == "tanh":
        return [math.tanh(z) for z in vals[0]]
    raise AssertionError(f"unknown op {step.op}")


@pytest.mark.parametrize("seed", range(5))
def test_every_step_result_follows_from_its_operands_which_come_from_earlier_steps(seed):
    inp = random_input(np.random.default_rng(seed), "mixed", "hx" if seed % 2 else "xh")
    r = lstm_step(inp)
    seen = []
    for s in r.steps:
        for o in s.operands:
            assert o.name in INPUT_NAMES or any(o is p for p in seen), f"{s.id}: {o.name}"
            if o.name in INPUT_NAMES:
                np.testing.assert_array_equal(o.value, inp[o.name])
        np.testing.assert_allclose(s.result.value, _recompute(s), rtol=1e-12, atol=1e-12, err_msg=s.id)
        seen.append(s.result)
    by_id = {s.id: s.result.value for s in r.steps}
    for step_id, field in [("f.sigmoid", "f"), ("i.sigmoid", "i"), ("C_tilde.tanh", "C_tilde"),
                           ("o.sigmoid", "o"), ("C.update", "C"), ("h.update", "h"),
                           ("f.bias", "z_f"), ("C_tilde.bias", "z_C")]:
        np.testing.assert_array_equal(by_id[step_id], getattr(r, field))


# ------------------------------------------------------------ stable activations

def _act(kind, zs):
    z = Sym("z", "z", np.array(zs, dtype=np.float64))
    t = Trace()
    getattr(t, kind)("s", "t", "", "", z, "a", "a")
    (step,) = t.steps
    return step


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20))
@settings(deadline=None)
def test_stable_sigmoid_never_overflows_or_warns_and_matches_the_reference(zs):
    z = np.array(zs + [-1e6, 1e6, -800.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = stable_sigmoid(z)
    s_default = stable_sigmoid(z)  # numpy's default errstate: a warning would be an error here
    np.testing.assert_array_equal(s, s_default)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s, [ref_sigmoid(t) for t in z.tolist()], rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("kind, z, value, flagged", [
    ("sigmoid", -800.0, 0.0, True),
    ("sigmoid", 800.0, 1.0, True),
    ("sigmoid", 92.0, 1.0, True),
    ("sigmoid", 40.0, 1.0, True),
    ("sigmoid", 34.0, None, False),
    ("sigmoid", 22.0, None, False),
    ("sigmoid", -22.0, None, False),
    ("sigmoid", 0.0, 0.5, False),
    ("tanh", 20.0, 1.0, True),
    ("tanh", -20.0, -1.0, True),
    ("tanh", 10.0, None, False),
    ("tanh", 0.0, 0.0, False),
])
def test_activations_flag_exactly_the_entries_float64_saturates(kind, z, value, flagged):
    step = _act(kind, [z])
    got = step.result.value[0]
    want = ref_sigmoid(z) if kind == "sigmoid" else math.tanh(z)
    assert got == pytest.approx(want, rel=1e-14, abs=1e-300)
    if value is not None:
        assert got == value
    else:
        assert got not in (0.0, 1.0, -1.0)
    assert step.saturated == (flagged,)


def test_a_step_at_the_input_caps_never_overflows_or_warns():
    n, m, cap = 32, 32, 1e6  # the parser's MAX_DIM and MAX_ABS
    rng = np.random.default_rng(0)
    big = lambda shape: cap * rng.choice([-1.0, 1.0], shape)  # noqa: E731
    inp = Inputs.of(x=big(m), h_prev=big(n), C_prev=big(n),
                    **{f"W_{g}": big((n, n + m)) for g in GATES}, **{f"b_{g}": big(n) for g in GATES})
    r = lstm_step(inp)
    for name in OUTPUTS:
        assert np.all(np.isfinite(getattr(r, name))), name
    assert set(r.f.tolist()) <= {0.0, 1.0}
    np.testing.assert_allclose(r.h, ref_of(inp)["h"], rtol=1e-12, atol=1e-12)
