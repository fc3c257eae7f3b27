"""The page as a learner reads it: the seed's slips pointed out where they happen, saturated
entries marked, the dimension table, the written-out sums (folded when large), random
examples, and the LaTeX export."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from app import fmt, latex, permalink, presets
from app.sequence import unroll


def step_html(html: str, step_id: str) -> str:
    """The <article> of one step."""
    m = re.search(rf'<article class="step" id="{re.escape(step_id)}" data-step="{re.escape(step_id)}"[^>]*>(.*?)</article>',
                  html, re.S)
    assert m, f"no step {step_id}"
    return m.group(1)


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def link(inp) -> str:
    return "/?" + permalink.to_query(inp)


# ------------------------------------------------------------------------ the seed's slips

def test_answer_preset_corrects_the_answers_arithmetic_slip_at_the_input_bias(client):
    r = client.get(link(presets.ANSWER))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    bias = text(step_html(html, "i.bias"))
    assert "[22, 42, 62]" in bias and "2·21 + 1 = 43" in bias and "3·21 + 1 = 64" in bias
    assert "21 + 1 = 22" in bias and "42 + 1 = 43" in bias and "63 + 1 = 64" in bias
    # … and only there
    assert "[22, 42, 62]" not in text(step_html(html, "f.bias"))


def test_sigma_of_22_is_not_about_0_999(client):
    html = client.get(link(presets.ANSWER)).get_data(as_text=True)
    sig = text(step_html(html, "i.sigmoid"))
    assert "σ(22) = 0.9999999997" in sig
    assert "not 'about 0.999'" in sig


def test_question_preset_notes_the_3x6_shape_the_row_vector_and_the_concat_order(client):
    html = client.get("/").get_data(as_text=True)
    matmul = text(step_html(html, "f.matmul"))
    assert "W_f has n+m = 6 columns, not 3" in matmul.replace("Wf", "W_f")
    assert "[91 175 133]" in matmul and "column vector" in matmul
    assert "[x_t, h_{t-1}]" in text(step_html(html, "v.concat")).replace("xt", "x_t").replace("ht−1", "h_{t-1}")


def test_notes_follow_the_numbers_not_the_preset(client):
    """A random example shows none of the seed's slips, only what its own numbers show."""
    html = client.get(link(presets.random_example(3, 2, 5))).get_data(as_text=True)
    notes = [text(n) for n in re.findall(r'<p class="note">(.*?)</p>', html, re.S)]
    assert notes and not any("[22, 42, 62]" in n or "[91 175 133]" in n or "σ(22)" in n for n in notes)


def test_things_people_get_wrong_are_shown_where_the_example_makes_them_visible(client):
    html = client.get("/").get_data(as_text=True)  # n = m = 3, concat xh, σ saturated in f
    assert "the first m = 3 columns of every W multiply" in text(step_html(html, "v.concat")).replace("xt", "x_t")
    assert "same size" in text(step_html(html, "h.update"))
    # f is saturated (no fraction to show), so the note on determinism waits for i … which is
    # saturated too, and then o, the first gate with a value strictly inside (0.01, 0.99)
    assert "not a probability" not in text(step_html(html, "f.sigmoid"))
    assert "not a probability" in text(step_html(html, "o.sigmoid"))
    hx = client.get(link(presets.ZERO_STATE)).get_data(as_text=True)
    assert "columns of every W multiply" not in hx  # Colah's order: nothing to point out


# ---------------------------------------------------------------- saturation, dims, folding

def test_saturated_entries_are_marked_with_their_true_distance_from_1(client):
    html = client.get("/").get_data(as_text=True)
    sig = step_html(html, "f.sigmoid")
    marked = re.findall(r'<td class="sat [^"]*" title="([^"]*)">([^<]*)</td>', sig)
    assert len(marked) == 3
    for title, shown in marked:
        assert shown == "1"
        assert "saturated" in title and "1 − " in unescape(title)
    assert "σ(92) = 1 / (1 + exp(−92)) = 1 − 1.109×10⁻⁴⁰" in text(sig)
    # an unsaturated σ has no mark
    assert 'class="sat' not in step_html(html, "o.sigmoid")


def test_a_tanh_saturating_to_minus_1_is_marked(client):
    inp = presets.random_example(2, 2, 1)
    inp = inp.replace(b_C=inp["b_C"] * 0 - 50)
    html = client.get(link(inp)).get_data(as_text=True)
    tanh = step_html(html, "C_tilde.tanh")
    assert tanh.count('<td class="sat ') == 2
    assert "which float64 stores as exactly −1 (saturated)" in text(tanh)


def test_dimension_table_states_every_shape_and_the_parameter_count(client):
    html = client.get("/").get_data(as_text=True)
    dims = text(re.search(r'<section class="dims".*?</section>', html, re.S).group(0))
    assert "m = 3 inputs, n = 3 cell states" in dims
    assert "n×(n+m) = 3×6" in dims and "n+m = 6" in dims
    assert "4n(n+m) + 4n = 4·3·6 + 4·3 = 84" in dims


@pytest.mark.parametrize("n, m, folded", [(3, 3, False), (4, 12, False), (5, 9, True), (16, 16, True)])
def test_written_out_sums_fold_above_64_products(client, n, m, folded):
    inp = presets.random_example(n, m, 2)
    r = client.post("/", data=permalink.field_text(inp))  # too large examples render, no redirect
    if r.status_code == 303:
        r = client.get(r.headers["Location"])
    assert r.status_code == 200
    matmul = step_html(r.get_data(as_text=True), "f.matmul")
    details = re.search(r'<details class="sums"( open)?>', matmul)
    assert details and (details.group(1) is None) == folded
    assert matmul.count("<li>row ") == n  # every row is still written out, folded or not


# -------------------------------------------------------------------------- presets, random

@pytest.mark.parametrize("preset", presets.PRESETS, ids=lambda p: p.key)
def test_every_preset_link_opens_its_example(client, preset):
    html = client.get("/").get_data(as_text=True)
    href = next(unescape(h) for h in re.findall(r'<li><a href="([^"]+)"', html)
                if unescape(h).split("#")[0] == link(preset.example))
    r = client.get(href.split("#")[0])
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    if preset.fragment:
        assert href.endswith("#" + preset.fragment)
        assert f'id="{preset.fragment}"' in page


def test_random_redirects_to_a_permalink_of_the_asked_size(client):
    r = client.get("/random?n=4&m=3&seed=7")
    assert r.status_code == 303
    api = client.get("/api/v1/lstm?" + urlsplit(r.headers["Location"]).query)
    assert api.status_code == 200
    assert (api.get_json()["n"], api.get_json()["m"]) == (4, 3)
    same = presets.random_example(4, 3, 7)
    assert api.get_json()["h"] == unroll(same).last["h"].tolist()


@pytest.mark.parametrize("query, phrase", [
    ("n=0", "n must be a whole number from 1 to 32"),
    ("m=33", "m must be a whole number from 1 to 32"),
    ("seed=-1", "seed must be a whole number"),
    ("n=٣", "n must be a whole number"),
    ("n=<b>", "&#39;&lt;b&gt;&#39;"),
])
def test_random_with_bad_sizes_says_what_is_allowed(client, query, phrase):
    r = client.get(f"/random?{query}")
    assert r.status_code == 400
    assert phrase in r.get_data(as_text=True)


# ---------------------------------------------------------------------------------- LaTeX

def test_latex_export_is_every_step_in_bmatrix_form(client):
    r = client.get("/latex?" + permalink.to_query(presets.QUESTION))
    assert r.status_code == 200 and r.mimetype == "text/plain"
    body = r.get_data(as_text=True)
    steps = unroll(presets.QUESTION).steps
    assert body.count("$$") == 2 * len(steps)
    for step in steps:
        assert latex.step_latex(step) in body
    assert (r"W_f \cdot v = \begin{bmatrix} 1 & 2 & 3 & 4 & 5 & 6 \\ 5 & 6 & 7 & 8 & 9 & 10 \\ "
            r"3 & 4 & 5 & 6 & 7 & 8 \end{bmatrix} \cdot \begin{bmatrix} 1 \\ 2 \\ 3 \\ 4 \\ 5 \\ 6 "
            r"\end{bmatrix} = \begin{bmatrix} 91 \\ 175 \\ 133 \end{bmatrix}") in body
    assert r"1^{\ast}" in body  # saturated entries are marked in LaTeX too


def test_latex_export_of_bad_input_names_the_field(client):
    r = client.get("/latex?x=1,2,oops")
    assert r.status_code == 400
    assert "% x: x entry 3 is 'oops'" in r.get_data(as_text=True)


# ------------------------------------------------------------------ colour, live editing

def test_entries_carry_colour_classes_on_the_stated_scale(client):
    html = client.get("/").get_data(as_text=True)
    matmul = step_html(html, "f.matmul")
    # W_f's largest |entry| is 10: 10 is the darkest, 1 is round(5 * 1/10) = 0 steps away.
    assert re.search(r'<td class="d5">10</td>', matmul) and re.search(r'<td class="d0">1</td>', matmul)
    assert "−10 … 10" in text(matmul)
    # σ outputs: fixed 0 … 1 scale, whatever the values
    assert "0 … 1" in text(step_html(html, "f.sigmoid"))
    assert re.search(r'<td class="sat s10"', step_html(html, "f.sigmoid"))
    tanh = step_html(html, "C_tilde.tanh")
    assert "−1 … 1" in text(tanh)
    assert re.search(r'<td class="d-2" title="-0.336', tanh)  # tanh(-0.35) = -0.336: round(5 · -0.336)


def test_input_tables_are_marked_editable_and_others_are_not(client):
    html = client.get("/").get_data(as_text=True)
    fields = set(re.findall(r'data-field="([^"]+)"', html))
    assert fields == {"x", "h_prev", "C_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"}


def test_fragment_returns_the_worked_part_and_the_permalink(client):
    fields = permalink.field_text(presets.QUESTION)
    r = client.post("/fragment", data=fields)
    assert r.status_code == 200
    reply = r.get_json()
    assert reply["ok"] is True and reply["errors"] == []
    assert reply["permalink"] == link(presets.QUESTION)
    page = client.get(link(presets.QUESTION)).get_data(as_text=True)
    worked = re.search(r'<div id="worked">(.*?)</div>\s*<form class="inputs"', page, re.S).group(1)
    assert reply["html"].strip() == worked.strip()  # the same part the page shows


def test_fragment_with_bad_text_answers_with_the_errors(client):
    fields = {**permalink.field_text(presets.QUESTION), "b_f": "1, 2, banana", "W_i": "1 2"}
    r = client.post("/fragment", data=fields)
    assert r.status_code == 200  # an ordinary answer while the learner types, not a failed request
    reply = r.get_json()
    assert reply["ok"] is False and "html" not in reply
    assert {e["field"] for e in reply["errors"]} == {"b_f", "W_i"}
    assert "banana" in next(e["message"] for e in reply["errors"] if e["field"] == "b_f")


def test_every_step_carries_its_latex_for_copying(client):
    html = client.get("/").get_data(as_text=True)
    for step in unroll(presets.QUESTION).steps:
        pre = re.search(r'<pre data-title="([^"]*)">(.*?)</pre>', step_html(html, step.id), re.S)
        assert unescape(pre.group(1)) == step.title
        assert unescape(pre.group(2)) == latex.step_latex(step)


# ------------------------------------------------------------------------ the backward part

def test_the_forward_page_links_to_its_backward_pass_and_back(client):
    html = client.get("/").get_data(as_text=True)
    back_link = "/backward?" + permalink.to_query(presets.QUESTION)
    assert f'href="{back_link.replace("&", "&amp;")}"' in html
    r = client.get(back_link)
    assert r.status_code == 200
    back = r.get_data(as_text=True)
    assert f'<link rel="canonical" href="{back_link.replace("&", "&amp;")}">' in back
    assert f'href="{link(presets.QUESTION).replace("&", "&amp;")}"' in back  # ← the forward pass
    api = client.get("/api/v1/lstm?" + permalink.to_query(presets.QUESTION)).get_json()
    assert re.findall(r'data-step="([^"]+)"', back) == [s["id"] for s in api["grad_steps"]]
    assert "The backward pass, worked out" in back
    assert f"= {fmt.show(api['loss'])}." in text(back)


def test_the_backward_form_redirects_to_the_backward_permalink(client):
    r = client.post("/backward", data=permalink.field_text(presets.ZERO_STATE))
    assert r.status_code == 303
    assert r.headers["Location"] == "/backward?" + permalink.to_query(presets.ZERO_STATE)


def test_live_editing_keeps_to_the_part_it_is_on(client):
    r = client.post("/fragment", data={**permalink.field_text(presets.ZERO_STATE), "part": "backward"})
    reply = r.get_json()
    assert r.status_code == 200 and reply["ok"]
    assert reply["permalink"] == "/backward?" + permalink.to_query(presets.ZERO_STATE)
    assert 'data-step="grad.' in reply["html"] and 'data-step="f.matmul"' not in reply["html"]


def test_a_sequence_has_a_timeline_carrying_h_and_C_from_step_to_step(client):
    preset = next(p for p in presets.PRESETS if p.key == "sequence")
    r = client.get(link(preset.example))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    nav = re.search(r'<nav class="timeline".*?</nav>', html, re.S).group(0)
    api = client.get("/api/v1/lstm?" + permalink.to_query(preset.example)).get_json()
    assert re.findall(r'href="#([^"]+)"', nav) == ["t1.v.concat", "t2.v.concat", "t3.v.concat"]
    for entry in api["timesteps"]:
        t = entry["t"]
        sub = str(t).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
        assert f"h{sub} = [{', '.join(fmt.show(x) for x in entry['h'])}]" in text(nav)
        assert f"C{sub} = [{', '.join(fmt.show(x) for x in entry['C'])}]" in text(nav)
    # the backward page's timeline links to the backward steps
    back = client.get("/backward?" + permalink.to_query(preset.example)).get_data(as_text=True)
    back_nav = re.search(r'<nav class="timeline".*?</nav>', back, re.S).group(0)
    assert all(h.startswith("grad.t") for h in re.findall(r'href="#([^"]+)"', back_nav))
    # a single step has none
    assert '<nav class="timeline"' not in client.get("/").get_data(as_text=True)


def test_every_cells_page_is_titled_for_its_cell_and_shows_only_its_own_options(client):
    for preset in presets.PRESETS:
        html = client.get(link(preset.example)).get_data(as_text=True)
        assert html.count("<h1>") == 1
        heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
        short = {"lstm": "LSTM", "no_forget": "original LSTM", "peephole": "peephole LSTM",
                 "coupled": "coupled LSTM", "gru": "GRU", "mgu": "MGU"}[preset.example.variant]
        T = preset.example.T
        assert heading == (f"A sequence of {T} {short} steps" if T > 1 else f"One {short} step") + \
            ", every number written out", preset.key
        assert ('name="gru_reset"' in html) == (preset.example.variant == "gru"), preset.key
    # a reset typed into an LSTM's link stays visible, next to its message
    html = client.get(link(presets.QUESTION) + "&gru_reset=before").get_data(as_text=True)
    assert 'name="gru_reset"' in html and "gru_reset is only used by the gru variant" in html
