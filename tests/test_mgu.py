"""The Minimal Gated Unit (app/cells/mgu.py; Zhou et al. 2016): what sets it apart, checked
against numpy and against the GRU it specialises; it is everywhere the other cells are (page,
backward page, diagram, permalink, LaTeX, preset, form, messages). Its forward and backward
passes against the independent reference are in test_variants.py, test_backward.py and
test_sequences.py with the other cells."""
from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from app import presets
from tests.reference import api_body, random_example

API = "/api/v1/lstm"


def post_ok(client, body: dict) -> dict:
    r = client.post(API, json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("concat", ["hx", "xh"])
def test_one_step_is_the_papers_three_equations(client, concat):
    ex = random_example(np.random.default_rng(71), "mgu", n=3, m=2, concat=concat, scale=1.5)
    data = post_ok(client, api_body(ex))
    x, h = np.array(ex["x"][0]), np.array(ex["h_prev"])
    W_f, b_f, W_h, b_h = (np.array(ex[k]) for k in ("W_f", "b_f", "W_h", "b_h"))
    v = np.concatenate([h, x] if concat == "hx" else [x, h])
    f = sigmoid(W_f @ v + b_f)
    v_f = np.concatenate([f * h, x] if concat == "hx" else [x, f * h])
    h_tilde = np.tanh(W_h @ v_f + b_h)
    np.testing.assert_allclose(data["f"], f, rtol=1e-13)
    np.testing.assert_allclose(data["h_tilde"], h_tilde, rtol=1e-13)
    np.testing.assert_allclose(data["h"], (1 - f) * h + f * h_tilde, rtol=1e-13)
    assert [k for k in ("f", "h_tilde", "h", "z_f", "z_h") if k in data] == ["f", "h_tilde", "h", "z_f", "z_h"]
    assert not {"C", "C_tilde", "i", "o", "r", "z"} & set(data)


def test_a_closed_gate_keeps_the_old_state_exactly_and_an_open_one_takes_the_candidate(client):
    ex = random_example(np.random.default_rng(73), "mgu", n=3, m=2, T=3)
    closed = post_ok(client, api_body({**ex, "b_f": [-800.0] * 3}))  # f = 0 in float64
    assert closed["h"] == ex["h_prev"]  # h_t = 1∘h_{t-1} + 0∘h̃, every step, bit for bit
    assert closed["f"] == [0.0, 0.0, 0.0]
    opened = post_ok(client, api_body({**ex, "b_f": [800.0] * 3}))  # f = 1
    assert opened["h"] == opened["h_tilde"]


def test_it_is_a_gru_with_reset_before_r_equal_to_f_and_z_equal_to_1_minus_f(client):
    """z = σ(−z_f) = 1 − f: the GRU keeps z∘h_{t-1} = (1 − f)∘h_{t-1} and takes (1 − z)∘h̃ = f∘h̃."""
    ex = random_example(np.random.default_rng(79), "mgu", n=3, m=2, T=4)
    mgu = post_ok(client, api_body(ex))
    gru = {k: v for k, v in ex.items() if k not in ("W_f", "b_f")}
    gru.update(variant="gru", gru_reset="before", W_r=ex["W_f"], b_r=ex["b_f"],
               W_z=(-np.array(ex["W_f"])).tolist(), b_z=(-np.array(ex["b_f"])).tolist())
    got = post_ok(client, api_body(gru))
    np.testing.assert_allclose(mgu["h"], got["h"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(mgu["grads"]["W_h"], got["grads"]["W_h"], rtol=1e-9, atol=1e-12)


def test_the_mgu_is_on_every_page_with_its_own_title_table_steps_and_form(client):
    preset = next(p for p in presets.PRESETS if p.key == "mgu")
    home = client.get("/").get_data(as_text=True)
    assert "Minimal gated unit" in home and "variant=mgu" in home
    data = post_ok(client, {k: preset.example[k].tolist() for k in preset.example} | {"variant": "mgu"})
    page = client.get(data["permalink"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="mgu" selected>MGU (minimal gated unit)</option>' in html
    for sid in ("v.concat", "f.matmul", "f.sigmoid", "h_tilde.forget", "h_tilde.concat", "h_tilde.matmul",
                "h_tilde.tanh", "h.oneminus", "h.old", "h.new", "h.update"):
        assert f'data-step="{sid}"' in html, sid
    table = unescape(re.sub(r"<[^>]+>", "", html))
    assert "Wf, Wh" in table and "2n(n+m) + 2n = 2·2·4 + 2·2 = 20" in table
    for name in ("W_f", "b_f", "W_h", "b_h", "x", "h_prev"):
        assert f'name="{name}"' in html, name
    assert 'name="C_prev"' not in html and 'name="W_i"' not in html
    back = client.get(data["permalink"].replace("/?", "/backward?", 1))
    assert back.status_code == 200 and 'data-step="grad.h.old.h_prev"' in back.get_data(as_text=True)
    latex = client.get(data["permalink"].replace("/?", "/latex?", 1))
    assert latex.status_code == 200 and r"v_f = [f_t \circ h_{t-1}, x_t]" in latex.get_data(as_text=True)


def test_the_diagram_draws_one_gate_and_lights_every_step_of_a_sequence(client):
    ex = random_example(np.random.default_rng(89), "mgu", n=2, m=3, T=3, concat="xh")
    data = post_ok(client, api_body(ex))
    html = client.get(data["permalink"]).get_data(as_text=True)
    start = html.index('<svg class="cell-diagram"', html.index('<div class="diagram-at" data-time="3"'))
    svg = html[start:html.index("</svg>", start)]
    used = {s for steps in re.findall(r'data-steps="([^"]*)"', svg) for s in steps.split()}
    assert used == {s["id"] for s in data["steps"]}  # every step of t = 1, 2, 3 lights some part
    assert svg.count('<g class="layer"') == 2 and ">forget</text>" in svg and ">candidate</text>" in svg
    assert "t = 3 of 3" in unescape(re.sub(r"<[^>]+>", "", svg))
    assert data["timesteps"][-1]["h"] == data["h"]


def test_fields_the_mgu_does_not_read_are_errors_that_say_so(client):
    body = api_body(random_example(np.random.default_rng(83), "mgu"))
    for extra, field, words in (({"C_prev": [0, 0, 0]}, "C_prev", "an MGU has no cell state"),
                                ({"W_i": [[1] * 5] * 3}, "W_i", "an MGU's weights are W_f and W_h"),
                                ({"gru_reset": "after"}, "gru_reset", "only used by the gru variant")):
        r = client.post(API, json={**body, **extra})
        assert r.status_code == 400
        errors = r.get_json()["errors"]
        assert [e["field"] for e in errors] == [field] and words in errors[0]["message"], errors
    r = client.post(API, json={k: v for k, v in body.items() if k != "W_h"})
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "W_h"
