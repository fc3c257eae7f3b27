"""The framework layouts without the libraries: every error message of the "framework" body and
of "compare", the GRU's b_hn (against the independent scalar reference, forward and backward,
and by finite differences), and the round trip from_fields → to_fields (hypothesis)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import create_app, frameworks
from tests.reference import api_body, random_example, run

API = "/api/v1/lstm"


def body_of(framework="pytorch", variant="lstm", n=3, m=2, seed=0, **changes):
    """A valid body in a framework's layout (random values), with changes (None removes a key)."""
    rng = np.random.default_rng(seed)
    base = "gru" if variant == "gru" else "lstm"
    gates = ("r", "z", "h") if base == "gru" else ("f", "i", "C", "o")
    fields = {f"W_{g}": rng.normal(size=(n, n + m)) for g in gates} | {f"b_{g}": rng.normal(size=n) for g in gates}
    if variant == "peephole":
        fields |= {f"p_{g}": rng.normal(size=n) for g in "fio"}
    options = {}
    if framework == "keras" and base == "gru":
        options["reset_after"] = True
    if framework == "onnx" and base == "gru":
        fields["gru_reset"] = "before"
    tensors = frameworks.from_fields(framework, variant, fields, options)
    body = {"framework": framework, "x": rng.normal(size=m).tolist(), "h_prev": rng.normal(size=n).tolist(),
            **{k: v.tolist() for k, v in tensors.items()}}
    if variant != "lstm":
        body["variant"] = variant
    if base == "lstm":
        body["C_prev"] = rng.normal(size=n).tolist()
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def errors_of(client, body):
    r = client.post(API, json=body)
    assert r.status_code == 400, r.get_json()
    return {e["field"]: e["message"] for e in r.get_json()["errors"]}


# --------------------------------------------------------------------------- the answer

def test_a_framework_body_answers_the_equivalent_example_and_its_permalink_opens_it(client):
    body = body_of("onnx", "peephole")
    r = client.post(API, json=body)
    assert r.status_code == 200
    data = r.get_json()
    assert data["framework"] == "onnx" and data["variant"] == "peephole"
    assert list(data["mapping"]) == ["W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o", "p_i", "p_o", "p_f"]
    assert data["mapping"]["p_o"]["text"] == "p_o = P[3:6]"
    assert data["mapping"]["W_o"]["text"] == ("W_o = R[3:6, :] | W[3:6, :] (columns side by side in the "
                                              "order of v = [h_{t-1}, x_t])")
    assert data["mapping"]["b_C"]["text"] == "b_C = B[9:12] + B[21:24]"
    again = client.get(data["permalink"].replace("/?", "/api/v1/lstm?", 1))
    assert again.status_code == 200
    same = again.get_json()
    assert "framework" not in same and "mapping" not in same  # the link is the example, in our fields
    # `export` (the scripts' links) is on every answer: the equivalent example's, the same scripts
    assert data["export"] == same["export"] and data["export"]["numpy"].startswith("/export/numpy?")
    assert {k: v for k, v in data.items() if k not in ("framework", "mapping")} == same


def test_missing_biases_are_zeros_and_the_mapping_says_so(client):
    body = body_of("pytorch", bias_ih=None, bias_hh=None)
    data = client.post(API, json=body).get_json()
    assert data["mapping"]["b_f"] == {"text": "b_f = zeros (no bias given)", "gate": "f", "parts": [], "op": "zeros"}
    assert data["steps"][2]["operands"]["b_f"] == [0.0, 0.0, 0.0]


def test_a_pytorch_gru_without_b_hn_gives_the_same_answer_as_our_gru_without_it(client):
    body = body_of("pytorch", "gru")
    data = client.post(API, json=body).get_json()
    assert "b_hn" not in data["grads"]  # bias_hh's n block is zeros: left out, which is the same
    assert data["mapping"]["b_hn"]["omitted"] is True
    ours = {k: v for k, v in frameworks.to_fields("pytorch", "gru", {k: v for k, v in body.items()
                                                                      if k.startswith(("weight", "bias"))})[0].items()}
    plain = {**{k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in ours.items()},
             "x": body["x"], "h_prev": body["h_prev"]}
    assert client.post(API, json=plain).get_json()["h"] == data["h"]


# ------------------------------------------------------------------------------- errors

ERRORS = [
    ({"weight_ih": np.zeros((12, 4)).tolist(), "x": [1, 2, 3]}, "weight_ih",
     "weight_ih must be 12×3 (4·n rows: i, f, g, o stacked; m columns); it is 12×4 (n = 3, m = 3)."),
    ({"weight_hh": np.zeros((12, 2)).tolist()}, "weight_hh",
     "weight_hh must be 12×3 (4·n rows: i, f, g, o stacked; n columns); it is 12×2 (n = 3, m = 2)."),
    ({"bias_hh": [1, 2]}, "bias_hh",
     "bias_hh must be 12 numbers (4·n numbers: i, f, g, o stacked); it is 2 numbers (n = 3, m = 2)."),
    ({"weight_ih": None}, "weight_ih", "weight_ih is required: 4·n×m (4·n rows: i, f, g, o stacked; m columns)."),
    ({"variant": "peephole"}, "variant",
     "PyTorch's LSTM has no peepholes; of these frameworks only ONNX's LSTM has them (its P)."),
    ({"variant": "mgu"}, "variant", 'PyTorch has no mgu cell here: its cells are "lstm" and "gru".'),
    ({"W_f": [[1]]}, "W_f", 'W_f is one of our own field names: with "framework": "pytorch" give PyTorch\'s '
                            "tensors (weight_ih, weight_hh, bias_ih, bias_hh), or leave out framework and "
                            "give ours. One body speaks one layout."),
    ({"gru_reset": "after"}, "gru_reset", None),
    ({"forget_bias": 1.0}, "forget_bias", "forget_bias is TF1's setting; PyTorch has no such setting. Remove forget_bias."),
    ({"kernel": [[1]]}, "body", None),
    ({"framework": "tensorflow"}, "framework", "framework must be \"pytorch\", \"keras\", \"tf1\" or \"onnx\"; got 'tensorflow'."),
    ({"weight_ih_l0": np.zeros((12, 2)).tolist()}, "weight_ih_l0", "weight_ih is given twice (weight_ih and weight_ih_l0); give it once."),
    ({"weight_ih": [[1, 2], [3]]}, "weight_ih", "weight_ih is ragged: its rows have different lengths (1, 2)."),
    ({"weight_ih": [[[[1]]]]}, "weight_ih", "weight_ih has arrays nested four deep; a tensor here has at most 3 axes."),
    ({"weight_ih": "1, 2"}, "weight_ih", None),
    ({"weight_ih": [[1, True]] * 12}, "weight_ih", "weight_ih entry 2 is a boolean (true/false), not a number."),
    ({"weight_ih": [[0] * 200] * 200}, "weight_ih", None),
    ({"bias_ih": [1e6] * 12, "bias_hh": [1e6] * 12}, "bias_ih", None),
    ({"x": [1, 2, 3, 4]}, "weight_ih", None),
]


@pytest.mark.parametrize("changes, field, message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_every_framework_error_names_their_tensor_in_their_terms(client, changes, field, message):
    body = {k: v for k, v in {**body_of(), **changes}.items() if v is not None}
    errors = errors_of(client, body)
    assert field in errors, errors
    if message is not None:
        assert errors[field] == message
    if field == "bias_ih":
        assert errors[field].startswith("b_f entry 1 is 2000000.0, over the cap")
        assert errors[field].endswith("Here b_f = bias_ih[3:6] + bias_hh[3:6].")


@pytest.mark.parametrize("framework, variant, changes, field, message", [
    ("keras", "lstm", {"variant": "peephole"}, "variant",
     "Keras' LSTM has no peepholes; of these frameworks only ONNX's LSTM has them (its P)."),
    ("tf1", "lstm", {"variant": "gru"}, "variant", 'TF1 has no GRU here: its cells are "lstm".'),
    ("keras", "gru", {"reset_after": "yes"}, "reset_after",
     "reset_after must be true (the default: the reset after the recurrent product) or false; not a string ('yes'; numbers go without quotes)."),
    ("onnx", "gru", {"linear_before_reset": 2}, "linear_before_reset",
     "linear_before_reset must be 0 (the default: the reset before the recurrent product) or 1; got 2."),
    ("onnx", "gru", {"linear_before_reset": True}, "linear_before_reset",
     "linear_before_reset must be 0 (the default: the reset before the recurrent product) or 1; got true."),
    ("onnx", "gru", {"linear_before_reset": "1"}, "linear_before_reset",
     "linear_before_reset must be 0 (the default: the reset before the recurrent product) or 1; got a string "
     "('1'; numbers go without quotes)."),
    # a GRU's setting beside an LSTM's tensors was silently ignored
    ("onnx", "lstm", {"linear_before_reset": 1}, "linear_before_reset",
     "linear_before_reset is a setting of ONNX's GRU (where its reset goes); an LSTM has no reset. Remove "
     "linear_before_reset, or give \"variant\": \"gru\"."),
    ("keras", "lstm", {"reset_after": False}, "reset_after",
     "reset_after is a setting of Keras' GRU (where its reset goes); an LSTM has no reset. Remove reset_after, "
     "or give \"variant\": \"gru\"."),
    ("tf1", "lstm", {"forget_bias": "1"}, "forget_bias", None),
    ("onnx", "lstm", {"W": np.zeros((2, 12, 2)).tolist()}, "W",
     "W must be 12×2 (4·n rows: i, o, f, c stacked; m columns, after a leading num_directions axis of 1 that "
     "may be left out); it is 2×12×2 (n = 3, m = 2)."),
    ("onnx", "peephole", {"P": None}, "P", "P is required by the peephole LSTM: 3n numbers, the peepholes p_i, "
                                          "p_o, p_f stacked (ONNX's order)."),
    ("keras", "gru", {"bias": np.zeros(9).tolist()}, "bias",
     "bias must be 2×9 (2 rows: the input bias, then the recurrent bias; 3·n columns: z, r, h stacked); "
     "it is 9 numbers (n = 3, m = 2)."),
    ("tf1", "lstm", {"kernel": np.zeros((4, 12)).tolist()}, "kernel",
     "kernel must be 5×12 (m+n rows for [x_t, h_{t-1}]; 4·n columns: i, j, f, o stacked); it is 4×12 (n = 3, m = 2)."),
])
def test_each_frameworks_messages(client, framework, variant, changes, field, message):
    body = body_of(framework, variant if variant != "gru" or "variant" not in changes else "lstm")
    body.update({k: v for k, v in changes.items() if v is not None})
    for k in [k for k, v in changes.items() if v is None]:
        body.pop(k)
    errors = errors_of(client, body)
    assert field in errors, errors
    if message is not None:
        assert errors[field] == message


@pytest.mark.parametrize("compare, message", [
    ([1, 2, 3], "compare must be an object {\"h\": [n numbers], \"C\": [n numbers]}, not an array."),
    ({"C": [1, 2, 3]}, "compare needs h: your framework's h_t, n numbers."),
    ({"h": [1, 2]}, "compare's h must be a list of n = 3 numbers (this example's hidden state at the last time step)."),
    ({"h": [1, 2, "x"]}, "compare's h entry 3 is a string ('x'; numbers go without quotes), not a number."),
    ({"h": [1, 2, 3], "y": [1]}, "compare has 'y'; it takes h and C (your framework's last hidden and cell state)."),
])
def test_compare_errors(client, compare, message):
    errors = errors_of(client, {**body_of(), "compare": compare})
    assert errors == {"compare": message}


def test_compare_has_no_C_for_a_gru(client):
    errors = errors_of(client, {**body_of("pytorch", "gru"), "compare": {"h": [0, 0, 0], "C": [0, 0, 0]}})
    assert errors["compare"].endswith("GRU has no cell state.")


def test_compare_works_without_a_framework_too(client):
    body = api_body(random_example(np.random.default_rng(3)))
    data = client.post(API, json=body).get_json()
    r = client.post(API, json={**body, "compare": {"h": data["h"], "C": data["C"]}})
    assert r.status_code == 200 and r.get_json()["match"]["max_abs_diff"] == 0.0
    assert r.get_json()["match"]["cause"] is None


# -------------------------------------------------------------------------------- b_hn

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("T", [1, 3])
@pytest.mark.parametrize("concat", ["hx", "xh"])
def test_b_hn_matches_the_reference_forward_and_backward(client, seed, T, concat):
    rng = np.random.default_rng(seed)
    ex = random_example(rng, "gru", T=T, concat=concat)
    ex["b_hn"] = rng.uniform(-1, 1, 3).tolist()
    r = client.post(API, json=api_body(ex))
    assert r.status_code == 200
    data, ref = r.get_json(), run(ex)
    np.testing.assert_allclose(data["h"], ref["steps"][-1]["h"], rtol=1e-10, atol=1e-12)
    for name in ("b_hn", "b_h", "W_h", "b_r", "h_prev"):
        np.testing.assert_allclose(data["grads"][name], ref["grads"][name], rtol=1e-9, atol=1e-12)
    ids = [s["id"] for s in data["steps"]]
    assert ids.count("h_tilde.hbias") + sum(i.endswith(".h_tilde.hbias") for i in ids) == T


def test_b_hn_gradient_matches_finite_differences(client):
    rng = np.random.default_rng(11)
    ex = api_body(random_example(rng, "gru"))
    ex["b_hn"] = [0.3, -0.2, 0.7]
    grads = client.post(API, json=ex).get_json()["grads"]["b_hn"]
    eps = 1e-6
    for k in range(3):
        up, down = list(ex["b_hn"]), list(ex["b_hn"])
        up[k] += eps
        down[k] -= eps
        loss = [client.post(API, json={**ex, "b_hn": b}).get_json()["loss"] for b in (up, down)]
        assert abs((loss[0] - loss[1]) / (2 * eps) - grads[k]) < 1e-8


def test_b_hn_is_a_400_with_the_reset_before(client):
    ex = api_body(random_example(np.random.default_rng(1), "gru", gru_reset="before"))
    errors = errors_of(client, {**ex, "b_hn": [0, 0, 0]})
    assert errors == {"b_hn": 'b_hn has no meaning with gru_reset "before": it is the bias inside the reset '
                              "after the product, r ∘ (W_h^h·h_{t-1} + b_hn) (PyTorch, Keras' reset_after=True, "
                              "ONNX's linear_before_reset=1); with the reset before, r scales h_{t-1} and there "
                              'is no such sum. Remove b_hn, or use gru_reset "after".'}


def test_b_hn_is_not_used_by_an_lstm(client):
    ex = api_body(random_example(np.random.default_rng(1)))
    errors = errors_of(client, {**ex, "b_hn": [0, 0, 0]})
    assert errors["b_hn"].startswith("b_hn is not used by the lstm variant")


def test_b_hn_shows_on_the_page_and_in_the_link(client):
    ex = api_body(random_example(np.random.default_rng(2), "gru"))
    data = client.post(API, json={**ex, "b_hn": [0.5, 0.25, -1]}).get_json()
    assert "&b_hn=0.5,0.25,-1" in data["permalink"]
    page = client.get(data["permalink"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-step="h_tilde.hbias"' in html and 'name="b_hn"' in html and "0.5, 0.25, -1" in html
    step = next(s for s in data["steps"] if s["id"] == "h_tilde.hbias")
    assert step["formula"] == r"W_h^h \cdot h_{t-1} + b_{hn}"


# ------------------------------------------------------------------------- the round trip

CASES = [("pytorch", "lstm", {}), ("pytorch", "gru", {}), ("keras", "lstm", {}), ("keras", "gru", {}),
         ("keras", "gru", {"reset_after": False}), ("tf1", "lstm", {}), ("tf1", "lstm", {"forget_bias": 0.5}),
         ("onnx", "lstm", {}), ("onnx", "peephole", {}), ("onnx", "gru", {}),
         ("onnx", "gru", {"linear_before_reset": 1})]
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@given(case=st.sampled_from(CASES), n=st.integers(1, 4), m=st.integers(1, 4), concat=st.sampled_from(["hx", "xh"]),
       data=st.data())
@settings(max_examples=150, deadline=None)
def test_from_fields_then_to_fields_gives_the_fields_back(case, n, m, concat, data):
    framework, variant, options = case
    gru = variant == "gru"
    gates = ("r", "z", "h") if gru else ("f", "i", "C", "o")
    arr = lambda *shape: np.array(data.draw(st.lists(finite, min_size=int(np.prod(shape)),  # noqa: E731
                                                     max_size=int(np.prod(shape))))).reshape(shape)
    fields = {f"W_{g}": arr(n, n + m) for g in gates} | {f"b_{g}": arr(n) for g in gates}
    if variant == "peephole":
        fields |= {f"p_{g}": arr(n) for g in "fio"}
    after = (options.get("reset_after", True) if framework == "keras" else
             bool(options.get("linear_before_reset", 0)) if framework == "onnx" else True)
    if gru:
        fields["gru_reset"] = "after" if after else "before"
        if after:
            fields["b_hn"] = arr(n)
            if not fields["b_hn"].any():
                del fields["b_hn"]  # to_fields leaves an all-zero b_hn out
    tensors = frameworks.from_fields(framework, variant, fields, {**options, "concat": concat})
    back, mapping = frameworks.to_fields(framework, variant, tensors, {**options, "concat": concat})
    assert back.pop("concat") == concat and back.pop("variant") == ("gru" if gru else variant)
    if gru:
        assert back.pop("gru_reset") == fields.pop("gru_reset")
    assert set(back) == set(fields) and set(mapping) >= set(fields)
    for name, value in fields.items():
        if framework == "tf1" and name == "b_f":  # b_f − forget_bias + forget_bias: one rounding
            np.testing.assert_allclose(back[name], value, rtol=0, atol=1e-12 * max(1, np.abs(value).max()))
        else:
            assert np.array_equal(back[name], value), name
    again = frameworks.from_fields(framework, variant, {**back, "concat": concat,
                                                        **({"gru_reset": "after" if after else "before"} if gru else {})},
                                   {**options, "concat": concat})
    for key in tensors:
        np.testing.assert_allclose(again[key], tensors[key], rtol=0, atol=1e-12 * max(1.0, np.abs(tensors[key]).max()))


def test_a_short_link_of_a_framework_body_is_the_equivalent_example(tmp_path):
    client = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'links.sqlite3'}"}).test_client()
    body = body_of("keras", "gru")
    r = client.post("/api/v1/links", json={**body, "compare": {"h": [0, 0, 0]}})
    assert r.status_code == 201, r.get_json()
    linked = client.get(f"/api/v1/lstm?link={r.get_json()['id']}")
    assert linked.status_code == 200
    direct = client.post(API, json=body).get_json()
    assert linked.get_json()["h"] == direct["h"] and "framework" not in linked.get_json()


@pytest.mark.parametrize("body, field, message", [
    ({"framework": "pytorch", "x": [1, 2], "weight_ih": [[1, 2]] * 12, "weight_hh": [1, 2, 3]}, "weight_hh",
     "weight_hh must be 4·n×n (4·n rows: i, f, g, o stacked; n columns); it is 3 numbers."),
    ({"framework": "tf1", "x": [1, 2], "kernel": [[1, 2]] * 2}, "kernel",
     "kernel must be (m+n)×4·n (m+n rows for [x_t, h_{t-1}]; 4·n columns: i, j, f, o stacked); it is 2×2, "
     "which leaves no hidden unit."),
    # flattened: 36 numbers are 4·n² for n = 3, not 4·n for n = 9; weight_ih (12×2) is right
    ({"framework": "pytorch", "x": [1, 2], "weight_ih": [[1, 2]] * 12, "weight_hh": [0.5] * 36}, "weight_hh",
     "weight_hh must be 4·n×n (4·n rows: i, f, g, o stacked; n columns); it is 36 numbers."),
    ({"framework": "keras", "x": [1, 2], "kernel": [[0.5] * 12] * 2, "recurrent_kernel": [0.5] * 36},
     "recurrent_kernel", "recurrent_kernel must be n×4·n (n rows; 4·n columns: i, f, c, o stacked); it is 36 numbers."),
    ({"framework": "onnx", "x": [1, 2], "W": [[0.5] * 2] * 12, "R": [0.5] * 36}, "R",
     "R must be 4·n×n (4·n rows: i, o, f, c stacked; n columns, after a leading num_directions axis of 1 that "
     "may be left out); it is 36 numbers."),
])
def test_a_tensor_that_leaves_n_unknown_is_the_one_blamed(client, body, field, message):
    assert errors_of(client, body) == {field: message}


@pytest.mark.parametrize("variant, has_C", [("mgu", False), ("coupled", True), ("no_forget", True)])
def test_compare_for_a_cell_the_frameworks_lack_reports_the_difference_and_tries_no_cause(client, variant, has_C):
    """The MGU has no C (its answer's C is None): a 500 before. For these cells no framework
    mistake is replayed, so the cause must not claim that none reproduces the numbers."""
    body = api_body(random_example(np.random.default_rng(5), variant))
    data = client.post(API, json=body).get_json()
    theirs = {"h": [v + 0.5 for v in data["h"]]} | ({"C": data["C"]} if has_C else {})
    r = client.post(API, json={**body, "compare": theirs})
    assert r.status_code == 200, r.get_json()
    match = r.get_json()["match"]
    assert match["max_abs_diff"] == pytest.approx(0.5) and match["first"] == {"field": "h", "index": 0}
    assert "recognised only for the frameworks' cells" in match["cause"] and "none was tried" in match["cause"]
    r = client.post(API, json={**body, "compare": {"h": data["h"]}})
    assert r.status_code == 200 and r.get_json()["match"]["cause"] is None


def test_compare_against_an_all_zero_h_gives_no_ratio_to_its_size(client):
    """h = 0 exactly (C_{t-1} = 0 and C̃ = 0): a ratio to the values' size would be ~1e299."""
    body = api_body(random_example(np.random.default_rng(2)))
    body |= {"C_prev": [0, 0, 0], "W_C": [[0] * 5] * 3, "b_C": [0, 0, 0]}  # C̃ = tanh(0), so C = 0 and h = 0
    data = client.post(API, json=body).get_json()
    assert data["h"] == [0, 0, 0]
    match = client.post(API, json={**body, "compare": {"h": [0.25, 0, 0]}}).get_json()["match"]
    assert match["cause"].startswith("A layout or convention mistake: the difference (0.25) is far larger")
