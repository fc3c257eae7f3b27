"""Practice (issue 12, parts 1 and 2): the checker and its diagnoses, in Python and through
POST /api/v1/check.

Expected values come from an independent numpy forward pass written here from the cells'
equations (`forward`), itself checked against the plain-Python reference (tests/reference.py).
Every diagnosis is made on purpose: the wrong answer is computed here, in numpy, by making
exactly that mistake, for every variant it applies to and in both concat orders.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app, practice
from app.fields import Inputs
from app.presets import QUESTION
from app.sequence import unroll

from tests.reference import random_example, run

CHECK = "/api/v1/check"
VARIANTS = ("lstm", "no_forget", "peephole", "coupled", "gru", "mgu")
LSTMS = ("lstm", "no_forget", "peephole", "coupled")
ORDERS = ("hx", "xh")


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


# ------------------------------------------------------------- an independent forward pass

def example(variant="lstm", concat="hx", seed=0, gru_reset="after", n=3, m=2) -> dict:
    return random_example(np.random.default_rng(seed), variant, n=n, m=m, concat=concat, gru_reset=gru_reset)


def inputs_of(ex: dict) -> Inputs:
    arrays = {k: v for k, v in ex.items() if k not in ("variant", "concat", "gru_reset")}
    arrays["x"] = ex["x"][0]
    return Inputs.of(variant=ex["variant"], concat=ex["concat"], gru_reset=ex.get("gru_reset"), **arrays)


def body_of(ex: dict) -> dict:
    body = {k: v for k, v in ex.items()}
    body["x"] = ex["x"][0]
    return body


def forward(ex: dict) -> tuple[dict, dict]:
    """(each step id's result, the arrays) of one step of `ex`, in numpy, from the equations."""
    A = {k: np.array(v, dtype=float) for k, v in ex.items() if k not in ("variant", "concat", "gru_reset")}
    variant, hx = ex["variant"], ex["concat"] == "hx"
    x, h = A["x"][0], A["h_prev"]

    def cat(hpart, xpart):
        return np.concatenate([hpart, xpart] if hx else [xpart, hpart])

    s = {"v.concat": cat(h, x)}
    v = s["v.concat"]

    def gate(g, name, act, peep=None):
        s[f"{name}.matmul"] = pre = A[f"W_{g}"] @ v
        if peep is not None:
            s[f"{name}.peephole"] = A[f"p_{g}"] * peep
            s[f"{name}.peepsum"] = pre = pre + s[f"{name}.peephole"]
        s[f"{name}.bias"] = pre + A[f"b_{g}"]
        s[f"{name}.{act}"] = (sig if act == "sigmoid" else np.tanh)(s[f"{name}.bias"])
        return s[f"{name}.{act}"]

    if variant in LSTMS:
        C_prev = A["C_prev"]
        peep = C_prev if variant == "peephole" else None
        f = gate("f", "f", "sigmoid", peep) if variant != "no_forget" else None
        if variant == "coupled":
            i = s["i.coupled"] = 1 - f
        else:
            i = gate("i", "i", "sigmoid", peep)
        Ct = gate("C", "C_tilde", "tanh")
        s["C.input"] = i * Ct
        if f is None:
            s["C.update"] = C_prev + s["C.input"]
        else:
            s["C.forget"] = f * C_prev
            s["C.update"] = s["C.forget"] + s["C.input"]
        C = s["C.update"]
        o = gate("o", "o", "sigmoid", C if variant == "peephole" else None)
        s["h.tanh"] = np.tanh(C)
        s["h.update"] = o * s["h.tanh"]
    elif variant == "gru":
        n, m = h.size, x.size
        r, z = gate("r", "r", "sigmoid"), gate("z", "z", "sigmoid")
        if ex["gru_reset"] == "after":
            A["W_hh"] = A["W_h"][:, :n] if hx else A["W_h"][:, m:]
            A["W_hx"] = A["W_h"][:, n:] if hx else A["W_h"][:, :m]
            s["h_tilde.matmulx"] = A["W_hx"] @ x
            s["h_tilde.matmulh"] = A["W_hh"] @ h
            s["h_tilde.reset"] = r * s["h_tilde.matmulh"]
            s["h_tilde.bias"] = s["h_tilde.matmulx"] + A["b_h"]
            s["h_tilde.sum"] = zh = s["h_tilde.bias"] + s["h_tilde.reset"]
        else:
            s["h_tilde.reset"] = r * h
            s["h_tilde.concat"] = cat(s["h_tilde.reset"], x)
            s["h_tilde.matmul"] = A["W_h"] @ s["h_tilde.concat"]
            s["h_tilde.bias"] = zh = s["h_tilde.matmul"] + A["b_h"]
        s["h_tilde.tanh"] = ht = np.tanh(zh)
        s["h.oneminus"] = 1 - z
        s["h.new"] = (1 - z) * ht
        s["h.old"] = z * h
        s["h.update"] = s["h.new"] + s["h.old"]
    else:  # mgu
        f = gate("f", "f", "sigmoid")
        s["h_tilde.forget"] = f * h
        s["h_tilde.concat"] = cat(s["h_tilde.forget"], x)
        s["h_tilde.matmul"] = A["W_h"] @ s["h_tilde.concat"]
        s["h_tilde.bias"] = s["h_tilde.matmul"] + A["b_h"]
        s["h_tilde.tanh"] = ht = np.tanh(s["h_tilde.bias"])
        s["h.oneminus"] = 1 - f
        s["h.old"] = (1 - f) * h
        s["h.new"] = f * ht
        s["h.update"] = s["h.old"] + s["h.new"]
    return s, A


def written(values, decimals=6) -> list[str]:
    """Each value as a learner writes it: `decimals` decimals, more when needed for 2 significant digits."""
    out = []
    for x in np.ravel(values):
        d = decimals if x == 0 else max(decimals, 1 - math.floor(math.log10(abs(x))))
        out.append(f"{x:.{d}f}")
    return out


def checked(ex: dict, step: str, answer, own=None) -> practice.Checked:
    inp = inputs_of(ex)
    steps = unroll(inp, with_grads=False).steps
    return practice.check_step(steps, practice.find_step(steps, step), answer, inp, own)


CASES = [(v, c, r) for v in VARIANTS for c in ORDERS for r in (("after", "before") if v == "gru" else ("after",))]
CASE_IDS = [f"{v}-{c}" + (f"-{r}" if v == "gru" else "") for v, c, r in CASES]


@pytest.mark.parametrize("variant,concat,reset", CASES, ids=CASE_IDS)
def test_the_independent_forward_pass_is_the_apps_and_the_references(variant, concat, reset):
    ex = example(variant, concat, seed=3, gru_reset=reset)
    s, _ = forward(ex)
    steps = {st.id: st for st in unroll(inputs_of(ex), with_grads=False).steps}
    assert set(practice.askable_steps(steps.values())) == set(s)  # every asked step is checked here
    for step_id, value in s.items():
        np.testing.assert_allclose(steps[step_id].result.value, value, rtol=1e-12, atol=1e-14, err_msg=step_id)
    ref = run(ex)["steps"][0]
    np.testing.assert_allclose(s["h.update"], ref["h"], rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------- right, at any precision

@pytest.mark.parametrize("variant,concat,reset", CASES, ids=CASE_IDS)
def test_every_step_answered_right_is_right_at_several_precisions(variant, concat, reset):
    ex = example(variant, concat, seed=5, gru_reset=reset)
    s, _ = forward(ex)
    inp = inputs_of(ex)
    for step_id, value in s.items():
        for answer in (written(value, 3), written(value, 6), [repr(float(x)) for x in value],
                       [float(x) for x in value]):
            out = practice.check(inp, step_id, answer)
            assert out["correct"], (step_id, answer, out)
            assert [e["correct"] for e in out["entries"]] == [True] * value.size
            assert out["diagnosis"] is None and out["hints"] == []
            assert [e["index"] for e in out["entries"]] == [[k] for k in range(value.size)]


def gate_example(b: list[float], variant="lstm") -> Inputs:
    """W_f = 0, so z_f = b_f: the forget gate's σ of chosen numbers."""
    n, m = len(b), 2
    zero = np.zeros((n, n + m))
    weights = {name: zero for name in ("W_f", "W_i", "W_C", "W_o")}
    return Inputs.of(x=[1, 2], h_prev=[0.5] * n, C_prev=[1] * n, **weights, b_f=b, b_i=[0] * n, b_C=[0] * n,
                     b_o=[0] * n)


@pytest.mark.parametrize("answer,right", [
    (["0.73", "0.62", "0.12"], [True, True, True]),  # σ(1), σ(0.5), σ(-2) to 2 decimals
    (["0.731", "0.622", "0.119"], [True, True, True]),
    (["0.7311", "0.6225", "0.1192"], [True, True, True]),
    (["7.311e-1", "62.25e-2", "0.1192"], [True, True, True]),  # decimals counted through the exponent
    (["0.7310585786300049", "0.6224593312018546", "0.11920292202211755"], [True, True, True]),
    (["0.7", "0.6", "0.1"], [False, False, False]),  # right to 1 decimal, but too coarse
    (["0.7310", "0.6224", "0.1192"], [False, False, True]),  # cut off, not rounded
    (["0.74", "0.63", "0.13"], [False, False, False]),
    (["1", "1", "0"], [False, False, False]),
])
def test_an_entry_is_right_when_rounded_to_the_decimals_written(answer, right):
    out = practice.check(gate_example([1, 0.5, -2]), "f.sigmoid", answer)
    assert [e["correct"] for e in out["entries"]] == right
    assert out["correct"] is all(right)


def test_too_coarse_says_so_and_what_precision_is_asked():
    out = practice.check(gate_example([1, 0.5, -2]), "f.sigmoid", ["0.7", "0.62", "0.12"])
    assert [e["correct"] for e in out["entries"]] == [False, True, True]
    assert any("Entry 1 is right to the digits you wrote, but too coarse" in h and "at least 2 decimals" in h
               and "2 significant digits" in h for h in out["hints"]), out["hints"]
    assert out["diagnosis"] is None


def test_a_cut_off_entry_is_told_to_round():
    out = practice.check(gate_example([1, 0.5, -2]), "f.sigmoid", ["0.7310", "0.6225", "0.1192"])
    assert [e["correct"] for e in out["entries"]] == [False, True, True]
    assert any("Entry 1 looks cut off rather than rounded" in h for h in out["hints"]), out["hints"]


def test_a_tie_counts_both_ways_and_integers_are_exact():
    inp = gate_example([0.125, 43, -0.375])  # z_f = b_f exactly
    assert practice.check(inp, "f.bias", ["0.12", "43", "-0.38"])["correct"]
    assert practice.check(inp, "f.bias", ["0.13", "43.00", "-0.37"])["correct"]
    assert not practice.check(inp, "f.bias", ["0.125", "42", "-0.375"])["correct"]
    # float noise: 0.1 + 0.2 is 0.30000000000000004 in float64; 0.3 is that sum, exactly as typed
    noisy = Inputs.of(x=[1, 0], h_prev=[0], C_prev=[0], W_f=[[0, 0.1, 0]], W_i=[[0, 0, 0]], W_C=[[0, 0, 0]],
                      W_o=[[0, 0, 0]], b_f=[0.2], b_i=[0], b_C=[0], b_o=[0])
    assert practice.check(noisy, "f.bias", ["0.3"])["correct"]
    assert practice.check(noisy, "f.bias", "0.3")["correct"]  # a one-entry vector may be one number


def test_significant_digits_are_asked_for_small_values():
    inp = gate_example([-6, -6, -6])  # σ(-6) = 0.002473
    assert not practice.check(inp, "f.sigmoid", ["0.00"] * 3)["correct"]
    assert not practice.check(inp, "f.sigmoid", ["0.002"] * 3)["correct"]
    assert practice.check(inp, "f.sigmoid", ["0.0025"] * 3)["correct"]
    assert practice.check(inp, "f.sigmoid", ["2.5e-3"] * 3)["correct"]


def test_a_saturated_sigma_needs_decimals_and_float64s_exact_one_is_right():
    s = unroll(QUESTION, with_grads=False).steps
    i_sig = next(st for st in s if st.id == "i.sigmoid").result.value
    assert i_sig[0] != 1.0 and i_sig[1] == 1.0  # σ(22) < 1 in float64; σ(43) rounds to 1
    assert practice.check(QUESTION, "i.sigmoid", ["1.00", "1", "1"])["correct"]
    out = practice.check(QUESTION, "i.sigmoid", ["1", "1", "1"])
    assert [e["correct"] for e in out["entries"]] == [False, True, True]
    assert "too coarse" in out["hints"][0]


def test_a_pasted_true_minus_and_spaces_are_numbers():
    assert practice.check(gate_example([-0.5, 0.5, 1]), "f.bias", [" \u22120.5", "0.5 ", "1"])["correct"]


# ----------------------------------------------------------------------- the seed's slips

def seed_body() -> dict:
    body = {k: QUESTION[k].tolist() for k in QUESTION}
    body["concat"] = QUESTION.concat
    return body


def test_the_seed_answers_slip_is_named_row_by_row_with_its_terms(client):
    """Acceptance: the default page's example, the seed answer's W_i·v + b_i = [22, 42, 62]."""
    W_i, v, b_i = QUESTION["W_i"], np.arange(1, 7), QUESTION["b_i"]
    true = W_i @ v + b_i
    assert true.tolist() == [22, 43, 64]
    r = client.post(CHECK, json={**seed_body(), "step": "i.bias", "answer": [22, 42, 62]})
    assert r.status_code == 200
    out = r.get_json()
    assert out["step"] == "i.bias" and out["correct"] is False
    assert [e["correct"] for e in out["entries"]] == [True, False, False]
    assert "row 2: you wrote 42; 2·1 + 2·2 + … + 2·6 + 1 = 43" in out["hints"]
    assert "row 3: you wrote 62; 3·1 + 3·2 + … + 3·6 + 1 = 64" in out["hints"]
    assert out["diagnosis"].startswith("Rows 2 and 3 slipped")
    assert "expected" not in out


def test_the_seed_learner_can_fill_in_w_f_v_the_bias_and_sigma(client):
    for step, answer in (("f.matmul", [91, 175, 133]), ("f.bias", [92, 177, 136]), ("f.sigmoid", [1, 1, 1]),
                         ("v.concat", [1, 2, 3, 4, 5, 6]), ("i.matmul", [21, 42, 63])):
        r = client.post(CHECK, json={**seed_body(), "step": step, "answer": answer})
        assert r.status_code == 200 and r.get_json()["correct"] is True, (step, r.get_json())


def test_the_seed_questions_row_vector_is_a_400_that_says_so(client):
    r = client.post(CHECK, json={**seed_body(), "step": "f.matmul", "answer": [[91, 175, 133]]})
    assert r.status_code == 400
    message = r.get_json()["errors"][0]
    assert message["field"] == "answer"
    assert "W_f·v is a column of 3 numbers" in message["message"] and "not as a 1×3 row" in message["message"]


def test_a_column_vector_is_accepted(client):
    r = client.post(CHECK, json={**seed_body(), "step": "f.matmul", "answer": [[91], [175], [133]]})
    assert r.status_code == 200 and r.get_json()["correct"] is True


def test_the_seeds_sigma_rounded_to_0999_is_named():
    out = checked_question("i.sigmoid", ["0.999", "1", "1"])
    assert out.mistake == "saturated_rounded"
    assert out.diagnosis.startswith("Entry 1: σ(z) is not 0.999")


def checked_question(step, answer):
    steps = unroll(QUESTION, with_grads=False).steps
    return practice.check_step(steps, practice.find_step(steps, step), answer, QUESTION)


# ---------------------------------------------------------------- every mistake, on purpose

SIGMOIDS = {"lstm": "fio", "no_forget": "io", "peephole": "fio", "coupled": "fo", "gru": "rz", "mgu": "f"}
GATES = {"lstm": ("f", "i", "C_tilde", "o"), "no_forget": ("i", "C_tilde", "o"), "peephole": ("f", "i", "C_tilde", "o"),
         "coupled": ("f", "C_tilde", "o"), "gru": ("r", "z"), "mgu": ("f",)}
WEIGHT = {"C_tilde": "C"}


def mistakes(ex: dict):
    """(step id, mistake id, the wrong answer) for every mistake that applies to `ex`, made here."""
    s, A = forward(ex)
    variant, hx = ex["variant"], ex["concat"] == "hx"
    x, h = A["x"][0], A["h_prev"]
    swapped = np.concatenate([x, h] if hx else [h, x])
    yield "v.concat", "concat_order", swapped
    for g in GATES[variant]:
        W, b = A[f"W_{WEIGHT.get(g, g)}"], A[f"b_{WEIGHT.get(g, g)}"]
        yield f"{g}.matmul", "concat_order", W @ swapped
        yield f"{g}.bias", "bias_forgotten", s[f"{g}.bias"] - b
        yield f"{g}.bias", "bias_twice", s[f"{g}.bias"] + b
    for g in SIGMOIDS[variant]:
        yield f"{g}.sigmoid", "sigma_skipped", s[f"{g}.bias"]
        yield f"{g}.sigmoid", "tanh_for_sigma", np.tanh(s[f"{g}.bias"])
    tanhs = ["h_tilde"] if variant in ("gru", "mgu") else ["C_tilde"]
    for g in tanhs:
        yield f"{g}.tanh", "sigma_for_tanh", sig(s[f"{g}.bias" if g == "C_tilde" or variant == "mgu" or ex.get("gru_reset") == "before" else "h_tilde.sum"])
        yield f"{g}.tanh", "tanh_skipped", s[f"{g}.bias" if g == "C_tilde" or variant == "mgu" or ex.get("gru_reset") == "before" else "h_tilde.sum"]
    if variant in LSTMS:
        C, C_prev = s["C.update"], A["C_prev"]
        yield "h.tanh", "sigma_for_tanh", sig(C)
        yield "h.tanh", "tanh_skipped", C
        yield "h.tanh", "old_state_for_new", np.tanh(C_prev)
        if variant == "no_forget":
            yield "C.update", "new_state_for_old", C + s["C.input"]
        else:
            yield "C.forget", "new_state_for_old", s["f.sigmoid"] * C
        if variant == "peephole":
            yield "f.peephole", "new_state_for_old", A["p_f"] * C
            yield "i.peephole", "new_state_for_old", A["p_i"] * C
            yield "o.peephole", "old_state_for_new", A["p_o"] * C_prev
        if variant == "coupled":
            f = s["f.sigmoid"]
            yield "C.forget", "gate_swapped", (1 - f) * C_prev
            yield "C.input", "gate_swapped", f * s["C_tilde.tanh"]
            yield "C.update", "gate_swapped", (1 - f) * C_prev + f * s["C_tilde.tanh"]
    else:
        g = s["z.sigmoid"] if variant == "gru" else s["f.sigmoid"]
        ht, h_new = s["h_tilde.tanh"], s["h.update"]
        if "h_tilde.concat" in s:  # the MGU's and Cho et al.'s GRU's second concatenation
            gated = s["h_tilde.forget" if variant == "mgu" else "h_tilde.reset"]
            other = np.concatenate([x, gated] if hx else [gated, x])
            yield "h_tilde.concat", "concat_order", other
            yield "h_tilde.matmul", "concat_order", A["W_h"] @ other
        before_bias = s["h_tilde.matmul" if "h_tilde.matmul" in s else "h_tilde.matmulx"]
        yield "h_tilde.bias", "bias_forgotten", before_bias
        yield "h_tilde.bias", "bias_twice", before_bias + 2 * A["b_h"]
        if variant == "gru":
            yield "h.old", "new_state_for_old", g * h_new
            yield "h.new", "gate_swapped", g * ht
            yield "h.old", "gate_swapped", (1 - g) * h
            yield "h.update", "gate_swapped", g * ht + (1 - g) * h
            if ex["gru_reset"] == "after":
                yield "h_tilde.matmulh", "new_state_for_old", A["W_hh"] @ h_new
                yield "h_tilde.matmulh", "transposed", A["W_hh"].T @ h
            else:
                yield "h_tilde.reset", "new_state_for_old", s["r.sigmoid"] * h_new
        else:
            yield "h_tilde.forget", "new_state_for_old", g * h_new
            yield "h.old", "new_state_for_old", (1 - g) * h_new
            yield "h.old", "gate_swapped", g * h
            yield "h.new", "gate_swapped", (1 - g) * ht
            yield "h.update", "gate_swapped", g * h + (1 - g) * ht


def expected_forms(value: float) -> set[str]:
    """How an expected value could leak: its repr and its roundings to 2–8 decimals (and a
    whole number of two or more digits as itself)."""
    forms = {repr(float(value))} | {f"{value:.{d}f}" for d in range(2, 9)}
    forms |= {f.replace("-", "−") for f in forms}
    if float(value).is_integer() and abs(value) >= 10:
        forms.add(str(int(value)))
    return forms


def assert_no_expected_values(text: str, expected) -> None:
    for value in np.ravel(expected):
        for form in expected_forms(value):
            assert not re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text), (form, text)


@pytest.mark.parametrize("variant,concat,reset", CASES, ids=CASE_IDS)
def test_every_mistake_made_on_purpose_is_named(variant, concat, reset):
    ex = example(variant, concat, seed=11, gru_reset=reset)
    s, _ = forward(ex)
    seen = set()
    for step_id, mistake, wrong in mistakes(ex):
        out = checked(ex, step_id, written(wrong, 6))
        assert not out.correct, (step_id, mistake)
        assert out.mistake == mistake, (step_id, mistake, out.mistake, out.diagnosis)
        assert out.diagnosis and out.diagnosis.endswith(".") and "\n" not in out.diagnosis
        api = out.as_json()
        assert_no_expected_values(json.dumps(api, ensure_ascii=False), s[step_id])
        seen.add(mistake)
    assert {"concat_order", "bias_forgotten", "bias_twice", "sigma_skipped", "tanh_for_sigma", "sigma_for_tanh",
            "tanh_skipped", "new_state_for_old"} <= seen


def test_a_mistake_upstream_is_named_with_its_step():
    ex = example("lstm", "xh", seed=2)
    s, A = forward(ex)
    x, h = A["x"][0], A["h_prev"]
    z_swapped = A["W_f"] @ np.concatenate([h, x]) + A["b_f"]  # this example's v is [x, h]
    out = checked(ex, "f.bias", written(z_swapped))
    assert out.mistake == "concat_order"
    assert "[h_{t-1}, x_t]" in out.diagnosis and "put x_t first" in out.diagnosis
    out = checked(ex, "f.sigmoid", written(sig(s["f.matmul"])))  # σ of W_f·v: the bias left out
    assert out.mistake == "bias_forgotten" and "“Forget gate: add the bias b_f”" in out.diagnosis


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("concat", ORDERS)
def test_a_saturated_gate_written_as_0999_is_named(variant, concat):
    ex = example(variant, concat, seed=7)
    g = SIGMOIDS[variant][0]
    ex[f"b_{g}"][0] += 30.0  # σ(≈30) = 1 − 10⁻¹³: saturated, not 1.0 in float64 for every z
    s, _ = forward(ex)
    answer = written(s[f"{g}.sigmoid"], 6)
    answer[0] = "0.999"
    out = checked(ex, f"{g}.sigmoid", answer)
    assert out.mistake == "saturated_rounded", out.diagnosis
    assert "is not 0.999" in out.diagnosis
    assert_no_expected_values(out.diagnosis, s[f"{g}.sigmoid"])
    # nor z, the result of the step before, which a practice page may still ask
    assert_no_expected_values(out.diagnosis, s[f"{g}.bias"])


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("concat", ORDERS)
def test_one_slipped_row_writes_that_rows_terms_and_sum(variant, concat):
    ex = example(variant, concat, seed=13, n=3, m=2)
    _, A = forward(ex)
    g = GATES[variant][0]
    W, b = A[f"W_{WEIGHT.get(g, g)}"], A[f"b_{WEIGHT.get(g, g)}"]
    v = forward(ex)[0]["v.concat"]
    for step, true in ((f"{g}.matmul", W @ v), (f"{g}.bias", W @ v + b)):
        if variant == "peephole" and step.endswith("bias"):
            true = true + A[f"p_{g}"] * A["C_prev"]
        answer = written(true, 4)
        answer[1] = f"{true[1] + 0.5:.4f}"
        out = checked(ex, step, answer)
        assert out.mistake == "row_slip", (step, out.diagnosis)
        assert out.diagnosis.startswith("Row 2 slipped")
        assert len(out.hints) == 1 and out.hints[0].startswith(f"row 2: you wrote {answer[1]}; ")
        terms, total = out.hints[0].split("; ", 1)[1].rsplit(" = ", 1)
        assert float(total.replace("−", "-")) == pytest.approx(true[1], abs=5e-5)
        products = [t for t in terms.split(" + ") if "·" in t]
        assert "…" in terms  # n+m = 5 products: the first two, …, the last
        assert len(products) == 3 + (variant == "peephole" and step.endswith("bias"))


def test_two_rows_of_three_slip_but_not_all_of_them():
    s, _ = forward(example("lstm", seed=1))
    true = s["f.matmul"]
    answer = written(true + 1.0, 4)
    assert checked(example("lstm", seed=1), "f.matmul", answer).mistake is None  # all wrong: not a slip


@pytest.mark.parametrize("concat", ORDERS)
def test_carried_mistakes_are_named_in_a_form_post(concat):
    ex = example("lstm", concat, seed=4)
    s, A = forward(ex)
    matmul = s["f.matmul"].copy()
    matmul[0] += 1.0
    bias = matmul + A["b_f"]  # right, on the learner's own wrong W_f·v
    out = practice.check_many(inputs_of(ex), {"f.matmul": written(matmul), "f.bias": written(bias),
                                              "f.sigmoid": ["", "", ""], "i.matmul": ["1"]})
    assert list(out) == ["f.matmul", "f.bias", "i.matmul"]  # the blank step is not answered
    assert out["f.matmul"]["correct"] is False and out["f.matmul"]["diagnosis"].startswith("Row 1 slipped")
    assert out["f.bias"]["correct"] is False
    assert out["f.bias"]["diagnosis"].startswith("Your numbers follow correctly from your own answer to "
                                                 "“Forget gate: multiply W_f by v”")
    assert [e["correct"] for e in out["f.bias"]["entries"]] == [False, True, True]
    assert out["i.matmul"]["error"]["field"] == "answer" and out["i.matmul"]["error"]["kind"] == "shape"


def test_check_many_checks_each_step_against_the_true_values():
    ex = example("gru", "xh", seed=9)
    s, _ = forward(ex)
    out = practice.check_many(inputs_of(ex), {sid: written(v) for sid, v in s.items()}, reveal=True)
    assert all(o["correct"] for o in out.values()) and set(out) == set(s)
    for sid, o in out.items():
        np.testing.assert_allclose(o["expected"], s[sid], rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------- shapes and non-numbers

@pytest.mark.parametrize("step,answer,kind,words", [
    ("C.forget", "3", "shape", "∘ multiplies entry by entry: expect 3 numbers; you wrote one number"),
    ("C.forget", ["1", "2"], "shape", "∘ multiplies entry by entry: expect 3 numbers; you wrote 2 numbers"),
    ("f.bias", ["1"] * 4, "shape", "+ adds entry by entry: expect 3 numbers"),
    ("f.sigmoid", [], "shape", "σ applies to each entry of z_f: expect 3 numbers; you wrote an empty list"),
    ("f.matmul", ["1"] * 5, "columns", "you wrote 5, one per column of W_f"),
    ("f.matmul", [["1"] * 5] * 3, "matrix", "you wrote a 3×5 matrix: add up each row's products"),
    ("f.matmul", [["1", "2", "3"]], "row_vector", "not as a 1×3 row"),
    ("v.concat", ["1"] * 3, "shape", "v stacks h_{t-1} (3 numbers) and x_t (2 numbers): expect 5 numbers"),
    ("C.update", [["1", ["2"]]], "shape", "nested too deeply"),
    ("C.update", ["1", "abc", "3"], "not_a_number", "entry 2 is not a number (got 'abc')"),
    ("C.update", ["1", True, "3"], "not_a_number", "entry 2 is not a number (got true/false)"),
    ("C.update", ["1", None, "3"], "not_a_number", "entry 2 is not a number (got null)"),
    ("C.update", ["1", "0,5", "3"], "not_a_number", "use a point, not a comma"),
    ("C.update", ["1", "", "3"], "not_a_number", "entry 2 is empty"),
    ("C.update", ["1", "NaN", "3"], "not_a_number", "not a number"),
    ("C.update", ["1", "1e999", "3"], "not_a_number", "too large"),
    ("C.update", ["1", "1" * 41, "3"], "not_a_number", "at most 40"),
    ("nope.step", ["1"], "unknown_step", "There is no step 'nope.step' in this example; give one of its step ids: "
                                         "v.concat, f.matmul"),
])
def test_bad_answers_are_check_errors_that_say_what_was_expected(step, answer, kind, words):
    with pytest.raises(practice.CheckError) as e:
        practice.check(inputs_of(example("lstm", seed=1)), step, answer)
    assert e.value.kind == kind
    assert e.value.field == ("step" if kind == "unknown_step" else "answer")
    assert words in e.value.message, e.value.message


def test_askable_steps_are_in_order_and_leave_out_the_column_slices():
    inp = inputs_of(example("gru", seed=1, gru_reset="after"))
    steps = unroll(inp, with_grads=False).steps
    asked = practice.askable_steps(steps)
    assert asked == [s.id for s in steps if s.op != "slice"]
    assert "h_tilde.hcols" not in asked and "v.concat" in asked and asked[-1] == "h.update"


# ------------------------------------------------------------------------------ the API

def api(client, body, status=200):
    r = client.post(CHECK, json=body)
    assert r.status_code == status, r.get_data(as_text=True)[:400]
    assert r.mimetype == "application/json"
    return r.get_json()


def test_the_api_keeps_the_precision_typed_in_the_json_text(client):
    inp = gate_example([1, 0.5, -2])
    body = {k: inp[k].tolist() for k in inp}
    raw = json.dumps({**body, "step": "f.sigmoid", "answer": [0, 0, 0]}).replace("[0, 0, 0]", "[0.7, 0.62, 0.12]")
    r = client.post(CHECK, data=raw, content_type="application/json")
    assert r.status_code == 200
    assert [e["correct"] for e in r.get_json()["entries"]] == [False, True, True]
    raw = raw.replace("[0.7, 0.62, 0.12]", "[0.7311, 0.62246, 1.192e-1]")
    assert client.post(CHECK, data=raw, content_type="application/json").get_json()["correct"] is True
    # strings keep trailing zeros a JSON number would keep too: 1.0000 has four decimals
    out = api(client, {**seed_body(), "step": "f.sigmoid", "answer": ["1.0000", "1.0000", 1.0000]})
    assert out["correct"] is True


def test_reveal_adds_the_expected_values_and_only_then(client):
    ex = example("peephole", "xh", seed=6)
    s, _ = forward(ex)
    wrong = written(s["o.sigmoid"] + 0.3)
    out = api(client, {**body_of(ex), "step": "o.sigmoid", "answer": wrong})
    assert "expected" not in out
    assert_no_expected_values(json.dumps(out, ensure_ascii=False), s["o.sigmoid"])
    out = api(client, {**body_of(ex), "step": "o.sigmoid", "answer": wrong, "reveal": True})
    np.testing.assert_allclose(out["expected"], s["o.sigmoid"], rtol=1e-12)
    assert out["correct"] is False


def test_a_sequences_steps_and_a_gradient_step_can_be_checked(client):
    rng = np.random.default_rng(2)
    ex = random_example(rng, "lstm", n=2, m=2, T=3)
    body = dict(ex)
    r = client.post("/api/v1/lstm", json=body)
    assert r.status_code == 200
    ref = run(ex)
    h2 = ref["steps"][1]["h"]
    out = api(client, {**body, "step": "t2.h.update", "answer": written(h2)})
    assert out["step"] == "t2.h.update" and out["correct"] is True
    # one step: ∂L/∂W_f of L = Σ dh∘h + Σ dC∘C is the backward step grad.f.matmul.W_f, a matrix
    one = random_example(np.random.default_rng(3), "lstm", n=2, m=2)
    dW = np.array(run(one)["grads"]["W_f"])
    out = api(client, {**body_of(one), "step": "grad.f.matmul.W_f", "answer": [written(row) for row in dW]})
    assert out["correct"] is True and [e["index"] for e in out["entries"]][:3] == [[0, 0], [0, 1], [0, 2]]
    wrong = [written(row) for row in dW]
    wrong[1][2] = "9.5"
    out = api(client, {**body_of(one), "step": "grad.f.matmul.W_f", "answer": wrong})
    assert [e["index"] for e in out["entries"] if not e["correct"]] == [[1, 2]]


@pytest.mark.parametrize("body,field,words", [
    ({"step": "f.matmul"}, "answer", "answer is required"),
    ({"answer": [1, 2, 3]}, "step", "step is required"),
    ({"step": "f.matmul", "answer": [91, 175, 133], "reveal": "yes"}, "reveal", "reveal must be true or false"),
    ({"step": 3, "answer": [1]}, "step", "step must be a step id, a string such as \"f.matmul\""),
    ({"step": "C.forget", "answer": 3}, "answer", "∘ multiplies entry by entry: expect 3 numbers"),
    ({"step": "f.matmul", "answer": [1, 2, 3, 4, 5, 6]}, "answer", "one per column of W_f"),
    ({"step": "f.matmul", "answer": {"a": 1}}, "answer", "not a number"),
    ({"step": "f.matmul", "answer": [1, 2, 3], "time": 1}, "body", "Unknown field 'time'"),
])
def test_bad_requests_are_400s_in_the_apis_error_shape(client, body, field, words):
    out = api(client, {**seed_body(), **body}, status=400)
    assert [e["field"] for e in out["errors"]] == [field], out
    assert words in out["errors"][0]["message"], out


def test_bad_json_and_bad_examples_are_400s(client):
    for raw in (b'{"x": [1, 2,', b'[1, 2]', b'{"x": [1], "x": [2], "step": "f.matmul", "answer": 1}',
                b'{"x": [1, 2], "step": "\\ud800", "answer": [NaN]}'):
        r = client.post(CHECK, data=raw, content_type="application/json")
        assert r.status_code == 400 and r.get_json()["errors"], raw
        r.get_data().decode("utf-8")  # a lone surrogate never reaches the encoder
    out = api(client, {"x": [1, 2], "W_f": [[1, 2]], "step": "f.matmul", "answer": [1]}, status=400)
    assert "W_f" in [e["field"] for e in out["errors"]]
    out = api(client, {**seed_body(), "step": "C.update", "answer": [1, "NaN", 3]}, status=400)
    assert out["errors"][0]["field"] == "answer"
    raw = json.dumps({**seed_body(), "step": "C.update", "answer": [1, 0, 3]}).replace("[1, 0, 3]", "[1, NaN, 3]")
    r = client.post(CHECK, data=raw, content_type="application/json")
    assert r.status_code == 400 and "entry 2 is not a number (got 'NaN')" in r.get_json()["errors"][0]["message"]
    r = client.post(CHECK, data=b'{"step": "f.matmul", "answer": [' + b"1, " * 100_000 + b"1]}",
                    content_type="application/json")
    assert r.status_code == 413 and r.get_json()["errors"][0]["field"] == "body"
    assert client.get(CHECK).status_code == 405


def test_a_lone_surrogate_in_the_step_is_a_400_not_a_500(client):
    raw = json.dumps({**seed_body(), "step": "STEP", "answer": [1, 2, 3]}).replace('"STEP"', '"f.\\ud800"')
    r = client.post(CHECK, data=raw, content_type="application/json")
    assert r.status_code == 400
    error = r.get_json()["errors"][0]
    assert error["field"] == "step" and "There is no step 'f.\\ud800'" in error["message"]


def test_a_short_links_example_can_be_checked(tmp_path):
    client = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'links.sqlite3'}"}).test_client()
    r = client.post("/api/v1/links", json=seed_body())
    assert r.status_code in (200, 201)
    link = r.get_json()["id"]
    out = api(client, {"link": link, "step": "i.bias", "answer": [22, 42, 62]})
    assert "row 2: you wrote 42; 2·1 + 2·2 + … + 2·6 + 1 = 43" in out["hints"]
    out = api(client, {"link": link, "x": [1, 2, 3], "step": "i.bias", "answer": [1]}, status=400)
    assert out["errors"][0]["field"] == "link" and "not both" in out["errors"][0]["message"]
    out = api(client, {"link": "A" * 16, "step": "i.bias", "answer": [1]}, status=404)
    assert "no short link" in out["errors"][0]["message"]
    from tests.test_openapi import conforms

    doc = client.get("/api/v1/openapi.json").get_json()
    conforms(doc, client.post(CHECK, json={"link": "A" * 16, "step": "i.bias", "answer": [1]}), "POST",
             path=CHECK, status=404)
    out = api(client, {"link": 7, "step": "i.bias", "answer": [1]}, status=400)
    assert out["errors"][0]["field"] == "link"


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(variant=st.sampled_from(VARIANTS), concat=st.sampled_from(ORDERS), seed=st.integers(0, 10_000),
       n=st.integers(1, 4), m=st.integers(1, 4), decimals=st.integers(2, 9))
def test_random_examples_right_answers_are_right_and_wrong_ones_never_leak(variant, concat, seed, n, m, decimals):
    ex = example(variant, concat, seed=seed, n=n, m=m)
    s, _ = forward(ex)
    inp = inputs_of(ex)
    for step_id, value in s.items():
        assert practice.check(inp, step_id, written(value, decimals))["correct"], step_id
        wrong = written(value + 0.37 + np.arange(value.size), decimals)
        out = practice.check(inp, step_id, wrong)
        assert not out["correct"]
        if not any(h.startswith("row ") for h in out["hints"]):
            assert_no_expected_values(json.dumps(out, ensure_ascii=False), value)


def test_a_diagnosis_in_a_sequence_names_that_time_steps_states():
    rng = np.random.default_rng(8)
    ex = random_example(rng, "lstm", n=2, m=2, T=3)
    inp = Inputs.of(variant="lstm", concat="hx", **{k: v for k, v in ex.items() if k not in ("variant", "concat")})
    ref = run(ex)["steps"]
    f2, C2 = np.array(ref[1]["f"]), np.array(ref[1]["C"])
    steps = unroll(inp, with_grads=False).steps
    out = practice.check_step(steps, practice.find_step(steps, "t2.C.forget"), written(f2 * C2), inp)
    assert out.mistake == "new_state_for_old"
    assert out.diagnosis == ("f_{2} ∘ C_{1} reads C_{1}, the state this step starts from; you used C_{2}, "
                             "the one it computes.")
    assert practice.check_step(steps, practice.find_step(steps, "t2.C.forget"),
                               written(f2 * np.array(ref[0]["C"])), inp).correct


def test_real_check_answers_conform_to_the_openapi_document(client):
    from tests.test_openapi import conforms

    doc = client.get("/api/v1/openapi.json").get_json()
    assert "postCheck" == doc["paths"][CHECK]["post"]["operationId"]
    body = seed_body()
    for extra, status in (({"step": "i.bias", "answer": [22, 42, 62]}, 200),
                          ({"step": "i.bias", "answer": [22, 42, 62], "reveal": True}, 200),
                          ({"step": "grad.f.matmul.W_f", "answer": [[0] * 6] * 3, "reveal": True}, 200),
                          ({"step": "C.forget", "answer": 3}, 400),
                          ({"step": "nope", "answer": 3}, 400)):
        conforms(doc, client.post(CHECK, json={**body, **extra}), "POST", path=CHECK, status=status)
    r = client.put(CHECK, json=body)
    assert r.status_code == 405 and '"step" and "answer"' in r.get_json()["errors"][0]["message"]


def cut_example() -> Inputs:
    """W_f·v = [0.123456, 0.5, 0.25]: entry 1 needs rounding, the others are exact."""
    W_f = np.zeros((3, 4))
    W_f[:, 3] = [0.123456, 0.5, 0.25]
    zero = np.zeros((3, 4))
    return Inputs.of(x=[1.0], h_prev=[0, 0, 0], C_prev=[0, 0, 0], W_f=W_f, W_i=zero, W_C=zero, W_o=zero,
                     b_f=[0, 0, 0], b_i=[0, 0, 0], b_C=[0, 0, 0], b_o=[0, 0, 0])


def test_a_cut_off_entry_of_a_product_is_not_a_slipped_row_that_writes_its_value():
    """0.1234 for 0.123456 is a rounding slip: its hint says round, and nothing writes 0.123456
    (a slipped row's hint would); a real slip beside it is still named, and only it."""
    out = practice.check(cut_example(), "f.matmul", ["0.1234", "0.5000", "0.2500"])
    assert [e["correct"] for e in out["entries"]] == [False, True, True]
    assert out["diagnosis"] is None
    assert out["hints"] == ["Entry 1 looks cut off rather than rounded: round the last digit you write to the nearest."]
    assert not any("0.123456" in h or "0.1235" in h for h in out["hints"])
    out = practice.check(cut_example(), "f.matmul", ["0.1234", "0.5000", "0.2400"])
    assert out["diagnosis"].startswith("Row 3 slipped")
    assert [h for h in out["hints"] if h.startswith("row ")] == ["row 3: you wrote 0.2400; 0·0 + 0·0 + 0·0 + 0.25·1 = 0.25"]
    assert practice.check(cut_example(), "f.matmul", ["0.1235", "0.5000", "0.2500"])["correct"]


def test_an_answer_of_ten_thousand_digits_is_a_400_in_words(client):
    raw = json.dumps(seed_body())[:-1] + ', "step": "f.matmul", "answer": [' + "9" * 10_000 + ', 175, 133]}'
    r = client.post(CHECK, data=raw, content_type="application/json")
    assert r.status_code == 400
    assert r.get_json()["errors"] == [{"field": "body", "message": (
        "The request body is not valid JSON (a number in it has more than 4,300 digits; values must be "
        "between -1e6 and 1e6). Send an object like {\"x\": [1, 2], …}.")}]


def test_a_framework_body_is_sent_to_a_short_link_in_one_message(tmp_path):
    """The check reads our fields: a PyTorch body got "W_f is required" eight times and "Unknown
    field 'framework'". It gets one message, and the way it says works."""
    from app import frameworks

    client = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'links.sqlite3'}"}).test_client()
    fields = {k: QUESTION[k] for k in ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")}
    tensors = {k: v.tolist() for k, v in frameworks.from_fields("pytorch", "lstm", fields).items()}
    body = {"framework": "pytorch", "concat": "xh", "x": [1, 2, 3], "h_prev": [4, 5, 6], "C_prev": [0.5, -1, 2], **tensors}
    out = api(client, {**body, "step": "i.bias", "answer": [22, 42, 62]}, status=400)
    assert [e["field"] for e in out["errors"]] == ["framework"]
    assert "POST your framework's body to /api/v1/links first" in out["errors"][0]["message"]
    link = client.post("/api/v1/links", json=body).get_json()["id"]
    out = api(client, {"link": link, "step": "i.bias", "answer": [22, 42, 62]})
    assert "row 2: you wrote 42; 2·1 + 2·2 + … + 2·6 + 1 = 43" in out["hints"]
