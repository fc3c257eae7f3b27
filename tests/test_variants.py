"""The LSTM variants and the GRU (issue 4): each variant's forward pass against the independent
reference (tests/reference.py) to 1e-10, single steps and sequences, both concat orders; facts
that tell the variants apart; every recorded step follows from its operands; and every variant
renders on the page, in LaTeX and through its permalink."""
from __future__ import annotations

import math
import re
from html import unescape
from urllib.parse import urlsplit

import numpy as np
import pytest

from app.presets import QUESTION
from tests.reference import api_body, random_example, run

API = "/api/v1/lstm"
RTOL, ATOL = 1e-10, 1e-12
VARIANTS = [("lstm", "after"), ("no_forget", "after"), ("peephole", "after"), ("coupled", "after"),
            ("gru", "after"), ("gru", "before"), ("mgu", "after")]
VARIANT_IDS = [v if v != "gru" else f"gru-{r}" for v, r in VARIANTS]
OUTPUTS = {
    "lstm": ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o"),
    "no_forget": ("i", "C_tilde", "o", "C", "h", "z_i", "z_C", "z_o"),
    "peephole": ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o"),
    "coupled": ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_C", "z_o"),
    "gru": ("r", "z", "h_tilde", "h", "z_r", "z_z", "z_h"),
    "mgu": ("f", "h_tilde", "h", "z_f", "z_h"),
}


def post_ok(client, body: dict) -> dict:
    r = client.post(API, json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


# ------------------------------------------------------------------ against the reference

@pytest.mark.parametrize("variant, gru_reset", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("concat", ["hx", "xh"])
@pytest.mark.parametrize("T", [1, 4])
def test_forward_matches_the_independent_reference(client, variant, gru_reset, concat, T):
    rng = np.random.default_rng([3, len(variant), ord(gru_reset[0]), ord(concat[0]), T])
    example = random_example(rng, variant, n=3, m=2, T=T, concat=concat, gru_reset=gru_reset, output=2, scale=2.0)
    data = post_ok(client, api_body(example))
    ref = run(example)["steps"]
    assert data["variant"] == variant and data["T"] == T and len(data["timesteps"]) == T
    for t, (got, want) in enumerate(zip(data["timesteps"], ref), start=1):
        assert got["t"] == t
        for name, value in want.items():
            np.testing.assert_allclose(got[name], value, rtol=RTOL, atol=ATOL, err_msg=f"t={t} {name}")
    # the top level is the last time step's, and has exactly the variant's outputs
    for name in OUTPUTS[variant]:
        assert data[name] == data["timesteps"][-1][name], name
    assert data["y"] == data["timesteps"][-1]["y"] and data["k"] == 2
    absent = {"f", "i", "C_tilde", "o", "C", "r", "z", "h_tilde"} - set(OUTPUTS[variant])
    assert not absent & set(data), absent & set(data)


@pytest.mark.parametrize("variant, gru_reset", VARIANTS, ids=VARIANT_IDS)
def test_forward_matches_the_reference_where_gates_saturate(client, variant, gru_reset):
    rng = np.random.default_rng([5, len(variant), ord(gru_reset[0])])
    example = random_example(rng, variant, n=4, m=3, T=3, gru_reset=gru_reset, scale=30.0)
    data = post_ok(client, api_body(example))
    for got, want in zip(data["timesteps"], run(example)["steps"]):
        for name, value in want.items():
            np.testing.assert_allclose(got[name], value, rtol=RTOL, atol=ATOL, err_msg=name)


def test_an_lstm_step_answers_with_v1s_fields_first(client):
    """The default variant, one time step, and v1's outputs first, in v1's order."""
    data = post_ok(client, {name: QUESTION[name].tolist() for name in
                            ("x", "h_prev", "C_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")}
                   | {"concat": "xh"})
    assert data["variant"] == "lstm" and data["T"] == 1 and list(data)[:10] == list(OUTPUTS["lstm"])


# ------------------------------------------------------------------ what tells them apart

def _example(variant, seed=61, **kw):
    return random_example(np.random.default_rng(seed), variant, n=3, m=2, **kw)


def test_coupled_input_gate_is_exactly_one_minus_the_forget_gate(client):
    data = post_ok(client, api_body(_example("coupled", T=3)))
    for step in data["timesteps"]:
        assert step["i"] == [1.0 - f for f in step["f"]]
    assert "i.coupled" in [s["id"].split(".", 1)[1] for s in data["steps"]]
    assert "W_i" not in data["grads"] and "z_i" not in data


def test_peephole_with_zero_peepholes_is_the_lstm(client):
    example = _example("peephole", T=2)
    example.update(p_f=[0.0] * 3, p_i=[0.0] * 3, p_o=[0.0] * 3)
    lstm = {k: v for k, v in example.items() if not k.startswith("p_")} | {"variant": "lstm"}
    a, b = post_ok(client, api_body(example)), post_ok(client, api_body(lstm))
    for name in OUTPUTS["lstm"]:
        assert a[name] == b[name], name  # W·v + 0∘C + b is W·v + b exactly
    for name, g in b["grads"].items():
        assert a["grads"][name] == g, name


def test_peephole_output_gate_reads_the_new_cell_state(client):
    data = post_ok(client, api_body(_example("peephole")))
    steps = {s["id"]: s for s in data["steps"]}
    assert "C_prev" in steps["f.peephole"]["operands"] and "C_prev" in steps["i.peephole"]["operands"]
    assert steps["o.peephole"]["operands"]["C"] == data["C"]  # C_t, computed before o
    ids = [s["id"] for s in data["steps"]]
    assert ids.index("C.update") < ids.index("o.matmul")


def test_no_forget_adds_the_old_cell_state_whole(client):
    data = post_ok(client, api_body(_example("no_forget")))
    steps = {s["id"]: s for s in data["steps"]}
    assert "C.forget" not in steps and "f" not in data
    update = steps["C.update"]
    assert update["formula"] == r"C_t = C_{t-1} + i_t \circ \tilde{C}_t"
    assert update["operands"]["C_prev"] == api_body(_example("no_forget"))["C_prev"]
    assert data["C"] == [c + w for c, w in zip(update["operands"]["C_prev"], update["operands"]["i*C_tilde"])]


def test_gru_resets_agree_when_the_reset_gate_is_1_and_differ_otherwise(client):
    example = _example("gru", T=2)
    before = post_ok(client, api_body({**example, "gru_reset": "before"}))
    after = post_ok(client, api_body({**example, "gru_reset": "after"}))
    assert not np.allclose(before["h"], after["h"], rtol=1e-6)
    open_ = {**example, "b_r": [800.0] * 3}  # σ(800) is exactly 1.0: r = 1
    before = post_ok(client, api_body({**open_, "gru_reset": "before"}))
    after = post_ok(client, api_body({**open_, "gru_reset": "after"}))
    assert after["r"] == [1.0, 1.0, 1.0]
    np.testing.assert_allclose(before["h"], after["h"], rtol=1e-14, atol=1e-15)


def test_gru_update_gate_of_1_keeps_the_old_state_exactly(client):
    example = {**_example("gru", T=3), "b_z": [800.0] * 3}  # z = 1: h_t = 0∘h̃ + 1∘h_{t-1}
    data = post_ok(client, api_body(example))
    for step in data["timesteps"]:
        assert step["z"] == [1.0, 1.0, 1.0] and step["h"] == example["h_prev"]


def test_gru_page_notes_that_colah_swaps_z_and_one_minus_z(client):
    data = post_ok(client, api_body(_example("gru")))
    html = client.get(data["permalink"]).get_data(as_text=True)
    article = re.search(r'<article class="step" id="h\.update".*?</article>', html, re.S).group(0)
    assert "Colah" in article and "swapped" in article


def test_gru_reset_after_uses_w_hs_column_blocks_in_the_concat_order(client):
    for concat, h_cols in (("hx", [0, 3]), ("xh", [2, 5])):
        data = post_ok(client, api_body(_example("gru", concat=concat)))
        steps = {s["id"]: s for s in data["steps"]}
        assert steps["h_tilde.hcols"]["span"] == h_cols
        W_h = steps["h_tilde.hcols"]["operands"]["W_h"]
        assert steps["h_tilde.hcols"]["result"]["value"] == [row[h_cols[0]:h_cols[1]] for row in W_h]


# ------------------------------------------------------------------ the recorded steps

def _recompute(op, ops, span):
    """A forward step's result from its operands, in plain Python."""
    if op == "concat":
        return ops[0] + ops[1]
    if op == "matvec":
        return [math.fsum(w * v for w, v in zip(row, ops[1])) for row in ops[0]]
    if op == "add":
        return [a + b for a, b in zip(*ops)]
    if op == "hadamard":
        return [a * b for a, b in zip(*ops)]
    if op == "sigmoid":
        return [1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)) for z in ops[0]]
    if op == "tanh":
        return [math.tanh(z) for z in ops[0]]
    if op == "one_minus":
        return [1 - a for a in ops[0]]
    if op == "slice":
        return [row[span[0]:span[1]] for row in ops[0]] if isinstance(ops[0][0], list) else ops[0][span[0]:span[1]]
    raise AssertionError(op)


@pytest.mark.parametrize("variant, gru_reset", VARIANTS, ids=VARIANT_IDS)
def test_every_forward_step_follows_from_its_operands_and_ids_are_unique(client, variant, gru_reset):
    data = post_ok(client, api_body(_example(variant, T=3, gru_reset=gru_reset, output=2)))
    ids = [s["id"] for s in data["steps"]]
    assert len(set(ids)) == len(ids)
    for s in data["steps"]:
        assert re.fullmatch(r"t[123]\.[A-Za-z_]+\.[a-z]+", s["id"]), s["id"]
        assert s["title"] and s["latex"].startswith(s["formula"] + " = ")
        np.testing.assert_allclose(s["result"]["value"], _recompute(s["op"], list(s["operands"].values()),
                                                                     s.get("span")),
                                   rtol=1e-13, atol=1e-15, err_msg=s["id"])


def test_a_sequence_writes_each_symbol_at_its_time_step(client):
    data = post_ok(client, api_body(_example("lstm", T=2)))
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["t1.v.concat"]["formula"] == "v = [h_{0}, x_{1}]"
    assert steps["t2.v.concat"]["formula"] == "v = [h_{1}, x_{2}]"
    assert steps["t2.C.update"]["formula"] == r"C_{2} = f_{2} \circ C_{1} + i_{2} \circ \tilde{C}_{2}"
    assert steps["t2.f.matmul"]["title"] == "Forget gate (t = 2): multiply W_f by v"
    # h_{t-1} of step 2 is h of step 1, under the name step inputs have
    assert steps["t2.v.concat"]["operands"]["h_prev"] == data["timesteps"][0]["h"]


# ------------------------------------------------------------------ page, LaTeX, permalinks

@pytest.mark.parametrize("variant, gru_reset", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("T", [1, 3])
def test_every_variant_renders_every_step_on_the_page_in_latex_and_by_its_link(client, variant, gru_reset, T):
    data = post_ok(client, api_body(_example(variant, T=T, gru_reset=gru_reset, output=1, concat="xh")))
    query = data["permalink"].split("?", 1)[1]
    again = client.get(f"{API}?{query}")
    assert again.status_code == 200 and again.get_json() == data  # the link is the example
    page = client.get(data["permalink"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    on_page = re.findall(r'data-step="([^"]+)"', html)
    assert on_page == [s["id"] for s in data["steps"]]  # every forward step, once, in order
    assert len(set(re.findall(r'\bid="([^"]+)"', html))) == len(re.findall(r'\bid="([^"]+)"', html))
    assert f'<link rel="canonical" href="{data["permalink"].replace("&", "&amp;")}">' in html
    back = client.get(data["permalink"].replace("/?", "/backward?", 1))
    assert back.status_code == 200
    back_html = back.get_data(as_text=True)
    # every backward step, once, in order
    assert re.findall(r'data-step="([^"]+)"', back_html) == [s["id"] for s in data["grad_steps"]]
    assert len(set(re.findall(r'\bid="([^"]+)"', back_html))) == len(re.findall(r'\bid="([^"]+)"', back_html))
    tex = client.get(f"/latex?{query}")
    assert tex.status_code == 200
    body = tex.get_data(as_text=True)
    assert body.count("$$") == 2 * len(data["steps"])
    for s in data["steps"]:
        assert s["latex"] in body
    for s in data["grad_steps"]:  # the backward steps have their LaTeX too (in the API)
        assert s["latex"].startswith(s["formula"] + " = ") and r"\begin{bmatrix}" in s["latex"]


def test_the_form_of_a_variant_page_posts_the_same_example_back(client):
    data = post_ok(client, api_body(_example("gru", T=3, gru_reset="before", output=2)))
    html = client.get(data["permalink"]).get_data(as_text=True)
    form = {}
    for name, value in re.findall(r'<input name="([^"]+)" id="field-[^"]+" value="([^"]*)"', html):
        form[name] = value
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        form[name] = value
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        form[name] = re.search(r'<option value="([^"]*)" selected>', options).group(1)
    assert form["concat"] == "hx" and form["variant"] == "gru" and form["gru_reset"] == "before"
    assert form["T"] == "3"
    r = client.post("/", data={k: unescape(v) for k, v in form.items()})
    assert r.status_code == 303
    location = urlsplit(r.headers["Location"])
    assert f"{location.path}?{location.query}" == data["permalink"]


def test_dimensions_table_counts_each_variants_parameters(client):
    expected = {"lstm": "4n(n+m) + 4n = 4·3·5 + 4·3 = 72", "no_forget": "3n(n+m) + 3n = 3·3·5 + 3·3 = 54",
                "peephole": "4n(n+m) + 4n + 3n = 4·3·5 + 4·3 + 3·3 = 81",
                "coupled": "3n(n+m) + 3n = 3·3·5 + 3·3 = 54", "gru": "3n(n+m) + 3n = 3·3·5 + 3·3 = 54",
                "mgu": "2n(n+m) + 2n = 2·3·5 + 2·3 = 36"}
    for variant, params in expected.items():
        data = post_ok(client, api_body(_example(variant)))
        html = client.get(data["permalink"]).get_data(as_text=True)
        assert params in html, variant
    data = post_ok(client, api_body(_example("lstm", output=2, T=4)))
    html = client.get(data["permalink"]).get_data(as_text=True)
    assert "4n(n+m) + 4n + kn + k = 4·3·5 + 4·3 + 2·3 + 2 = 80" in html and "T = 4" in html
