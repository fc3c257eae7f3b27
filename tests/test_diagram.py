"""The pictures: the cell diagram (every part tagged with its steps, the wires labelled with this
example's values) and the σ / tanh curves on the activation steps; the geometry functions of
app/pictures/ directly; and no style attribute anywhere (the CSP's style-src 'self')."""
from __future__ import annotations

import math
import re
from html import unescape

import numpy as np
import pytest

from app import fmt, permalink, pictures, presets
from app.cells import VARIANTS
from app.fields import Inputs
from app.pictures import curves
from app.pictures.svg import Diagram, short_vector, text_width
from app.sequence import unroll
from app.render_html import page_view

STEP_IDS = {
    "v.concat", "f.matmul", "f.bias", "f.sigmoid", "i.matmul", "i.bias", "i.sigmoid",
    "C_tilde.matmul", "C_tilde.bias", "C_tilde.tanh", "o.matmul", "o.bias", "o.sigmoid",
    "C.forget", "C.input", "C.update", "h.tanh", "h.update",
}
ACTIVATIONS = ("f.sigmoid", "i.sigmoid", "C_tilde.tanh", "o.sigmoid", "h.tanh")


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def link(inp) -> str:
    return "/?" + permalink.to_query(inp)


def svg_of(html: str) -> str:
    m = re.search(r'<svg class="cell-diagram".*?</svg>', html, re.S)
    assert m, "no diagram"
    return m.group(0)


def article(html: str, step_id: str) -> str:
    m = re.search(rf'<article class="step" id="{re.escape(step_id)}"[^>]*>(.*?)</article>', html, re.S)
    assert m, f"no step {step_id}"
    return m.group(1)


def curve_points(article_html: str) -> list[str]:
    return re.findall(r'<g class="pt[^"]*">.*?</g>', article_html, re.S)


@pytest.fixture(scope="module")
def seed_html():
    from app import create_app
    return create_app({"TESTING": True}).test_client().get("/").get_data(as_text=True)


def cell_diagram(inp, res):
    """The cell diagram as the page draws it: the layout and name its spec gives."""
    spec = VARIANTS[inp.variant]
    return pictures.cell_diagram(inp, res, spec.diagram, spec.picture_name)


def sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


# ------------------------------------------------------------------------- the page

def test_the_diagram_is_on_the_page_and_every_step_lights_some_part(client):
    r = client.get("/")
    assert r.status_code == 200
    svg = svg_of(r.get_data(as_text=True))
    assert 'role="img"' in svg and 'aria-labelledby="diagram-title diagram-desc"' in svg
    assert '<title id="diagram-title">' in svg and '<desc id="diagram-desc">' in svg
    used = {s for steps in re.findall(r'data-steps="([^"]*)"', svg) for s in steps.split()}
    assert used == STEP_IDS  # every step has parts, and no part names a step that does not exist


def test_the_diagram_sits_after_the_dimensions_and_before_the_steps(seed_html):
    dims, diagram_at, first_step = (seed_html.index('class="dims"'), seed_html.index('class="cell-diagram"'),
                                    seed_html.index('<article class="step"'))
    assert dims < diagram_at < first_step


def test_the_wires_carry_the_seed_examples_values(seed_html):
    svg = text(svg_of(seed_html))
    for label in ("f = [1, 1, 1]", "i = [0.9999999997, 1, 1]", "Ct−1 = [0.5, −1, 2]", "ht−1 = [4, 5, 6]",
                  "xt = [1, 2, 3]", "v = [1, 2, 3, … 6]", "Ct = [0.1636, −0.5618, 2.2449]",
                  "ht = [0.1186, −0.2800, 0.5617]", "o = [0.7311, 0.5498, 0.5744]",
                  "C̃ = [−0.3364, 0.4382, 0.2449]"):
        assert label in svg, label
    # the description says the key values too
    desc = re.search(r'<desc id="diagram-desc">(.*?)</desc>', seed_html, re.S).group(1)
    assert "f = [1, 1, 1]" in unescape(desc) and "hₜ = [0.1186, −0.2800, 0.5617]" in unescape(desc)


def test_the_diagram_follows_the_numbers(client):
    html = client.get(link(presets.ANSWER)).get_data(as_text=True)
    svg = text(svg_of(html))
    assert "f = [0.5, 0.8, 0.9000]" in svg and "f = [1, 1, 1]" not in svg


def test_each_part_lights_for_the_steps_it_belongs_to(seed_html):
    svg = svg_of(seed_html)
    # the forget gate's label, the σ layer of f, the ⊕ of the cell update
    assert re.search(r'<text class="label" [^>]*data-steps="f.sigmoid C.forget"><title>f = \[1, 1, 1\]', svg)
    assert re.search(r'<g class="layer" data-steps="f.matmul f.bias f.sigmoid">', svg)
    assert re.search(r'<g class="node plus" data-steps="C.update">', svg)


def test_each_activation_step_has_a_curve_with_one_point_per_entry(seed_html):
    for step_id in ACTIVATIONS:
        body = article(seed_html, step_id)
        assert body.count("<figure class=\"curve") == 1, step_id
        assert len(curve_points(body)) == 3, step_id
        assert re.search(rf'aria-labelledby="curve-{re.escape(step_id)}-title curve-{re.escape(step_id)}-desc"', body)
    for step_id in ("v.concat", "f.matmul", "f.bias", "C.update", "h.update"):
        assert "<figure class=\"curve" not in article(seed_html, step_id)
    # after the expression, before the worked lines
    body = article(seed_html, "f.sigmoid")
    assert body.index('class="expr"') < body.index('class="curve') < body.index('class="sums"')


def test_saturated_entries_sit_at_the_edge_marked_with_their_value(seed_html):
    points = curve_points(article(seed_html, "f.sigmoid"))  # z_f = [92, 177, 136]: all σ = 1.0
    assert all("is-sat" in p and " edge" in p for p in points)
    labels = [text(re.search(r"<text[^>]*>.*?</text>", p).group(0)) for p in points]
    assert labels == ["92 → 1*", "177 → 1*", "136 → 1*"]
    titles = [unescape(re.search(r"<title>(.*?)</title>", p).group(1)) for p in points]
    assert titles[0].startswith("entry 1: z_f = 92, σ(z_f) = 1; saturated: the true value 1 − 1.109×10⁻⁴⁰")
    assert "saturated: exactly 1 in float64" in text(article(seed_html, "f.sigmoid"))
    # σ(22) is not saturated (0.9999999997) but beyond 6: at the edge, unmarked
    first = curve_points(article(seed_html, "i.sigmoid"))[0]
    assert " edge" in first and "is-sat" not in first and "22 →" in text(first)


def test_points_within_range_sit_on_the_curve_with_their_exact_values_on_hover(seed_html):
    points = curve_points(article(seed_html, "o.sigmoid"))  # z_o = [1, 0.2, 0.3]
    assert not any(" edge" in p or "is-sat" in p for p in points)
    titles = [unescape(re.search(r"<title>(.*?)</title>", p).group(1)) for p in points]
    res = unroll(presets.QUESTION).last
    for k, (title, z, y) in enumerate(zip(titles, res["z_o"].tolist(), res["o"].tolist())):
        assert title == f"entry {k + 1}: z_o = {fmt.exact(z)}, σ(z_o) = {fmt.exact(y)}"


def test_points_left_of_the_range_sit_at_the_left_edge(client):
    html = client.get(link(presets.ANSWER)).get_data(as_text=True)  # z_o = [-10, -10, 10]
    points = curve_points(article(html, "o.sigmoid"))
    assert [text(re.search(r"<text[^>]*>.*?</text>", p).group(0)) for p in points] == ["← −10", "← −10", "10 →"]
    assert all(" edge" in p and "is-sat" not in p for p in points)


# ----------------------------------------------------------------- the geometry itself

def test_curve_samples_lie_on_sigma_and_tanh():
    for op, fn in (("sigmoid", sigma), ("tanh", math.tanh)):
        samples = curves.curve_samples(op)
        assert len(samples) == 121 and samples[0][0] == -6 and samples[-1][0] == 6
        for z, y in samples:
            assert abs(y - fn(z)) < 1e-12
        assert curves.curve_points(op) is curves.curve_points(op)  # computed once, cached
        # the polyline is the samples, mapped into the plot
        xy = [tuple(map(float, p.split(","))) for p in curves.curve_points(op).split()]
        for (z, y), (px, py) in zip(samples, xy):
            assert abs(px - curves.plot_x(z)) < 0.006 and abs(py - curves.plot_y(op, y)) < 0.006


def test_curve_points_lie_on_the_function_or_at_the_edge():
    res = unroll(presets.ZERO_STATE)  # every z within ±6
    steps = {s.id: s for s in res.steps}
    for step_id in ACTIVATIONS:
        step = steps[step_id]
        c = curves.curve(step)
        fn = sigma if step.op == "sigmoid" else math.tanh
        assert len(c.marks) == step.result.value.size
        for mark in c.marks:
            assert not mark.edge and abs(mark.value - fn(mark.z)) < 1e-12
            assert abs(float(mark.cx) - curves.plot_x(mark.z)) < 0.006
            assert abs(float(mark.cy) - curves.plot_y(step.op, mark.value)) < 0.006
    assert curves.curve(steps["f.matmul"]) is None and curves.curve(steps["C.update"]) is None


def test_many_points_beyond_the_edge_are_summed_up():
    n = 12
    inp = Inputs.of(x=np.array([1.0]), h_prev=np.zeros(n), C_prev=np.zeros(n),
                    W_f=np.full((n, n + 1), 0.0), W_i=np.zeros((n, n + 1)), W_C=np.zeros((n, n + 1)),
                    W_o=np.zeros((n, n + 1)), b_f=np.arange(50.0, 50.0 + n), b_i=np.zeros(n), b_C=np.zeros(n),
                    b_o=np.zeros(n))
    step = next(s for s in unroll(inp).steps if s.id == "f.sigmoid")
    c = curves.curve(step)
    assert len(c.marks) == n and all(m.edge == "right" and m.sat for m in c.marks)
    assert sum(m.label is not None for m in c.marks) == 5
    assert any(t.text == f"… {n - 5} more →" for t in c.notes)
    ys = [float(m.label.y) for m in c.marks if m.label]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)  # stacked, not on top of each other


def test_short_vector_shows_four_entries_in_full_and_longer_ones_by_their_size():
    assert short_vector([1.0, 1.0, 1.0]) == "[1, 1, 1]"
    assert short_vector([0.5, -1, 2, 4]) == "[0.5, −1, 2, 4]"
    assert short_vector([0.52, -0.1, 0.9] + [0.0] * 13) == "[0.52, −0.1, 0.9, … 16]"


def test_the_diagram_has_room_for_its_labels():
    """Each label fits between the wires around it: the columns follow the labels' widths."""
    for inp in (presets.QUESTION, presets.ANSWER, presets.random_example(16, 16, 1)):
        d = cell_diagram(inp, unroll(inp))
        layer_x = sorted(float(b.tx) for b in d.boxes if b.cls == "layer")
        assert layer_x == [float(b.tx) for b in d.boxes if b.cls == "layer"]  # σ σ tanh σ, left to right
        by_name = {plain_name(l): l for l in d.labels}
        f, i = by_name["f"], by_name["i"]
        # f's label ends before the C̃ column; i's label too
        assert float(f.x) + text_width(f.parts) < layer_x[2]
        assert float(i.x) + text_width(i.parts) < layer_x[2]
        for label in d.labels:
            width = text_width(label.parts)
            left = float(label.x) - (width if "end" in label.cls else 0)
            assert 0 <= left and left + width <= float(d.width)


def plain_name(label) -> str:
    return label.text.split(" = ")[0]


def test_page_view_carries_the_diagram_and_step_views_their_curves():
    inp = presets.QUESTION
    view = page_view(inp, unroll(inp), {})
    assert isinstance(view["diagram"], Diagram)
    curves = {s.id: s.curve for g in view["groups"] for s in g.steps}
    assert {k for k, c in curves.items() if c is not None} == set(ACTIVATIONS)


# ------------------------------------------------------------------------------- CSP

@pytest.mark.parametrize("preset", presets.PRESETS, ids=lambda p: p.key)
def test_no_style_attribute_or_inline_style_anywhere(client, preset):
    r = client.get(link(preset.example))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert not re.search(r"\sstyle\s*=", html, re.I)
    assert "<style" not in html.lower()
    assert 'href="/static/diagram.css"' in html


def test_the_fragment_for_live_edits_carries_the_diagram_too(client):
    r = client.post("/fragment", data=permalink.to_query(presets.QUESTION),
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200
    html = r.get_json()["html"]
    assert 'class="cell-diagram"' in html and "f = [1, 1, 1]" in text(html)
    assert not re.search(r"\sstyle\s*=", html, re.I)


# ------------------------------------------------------------- every variant, sequences

VARIANT_PRESETS = [p for p in presets.PRESETS if p.key in ("sequence", "no_forget", "peephole", "coupled", "gru", "mgu")]


def forward_ids(inp) -> set[str]:
    return {s.id for s in unroll(inp, with_grads=False).steps}


def used_ids(svg: str) -> set[str]:
    return {s for steps in re.findall(r'data-steps="([^"]*)"', svg) for s in steps.split()}


@pytest.mark.parametrize("preset", VARIANT_PRESETS, ids=lambda p: p.key)
def test_every_variant_and_sequence_has_its_diagram(client, preset):
    html = client.get(link(preset.example)).get_data(as_text=True)
    svg = svg_of(html)
    key = "-t1" if preset.example.is_sequence else ""  # a sequence: one picture per time step
    assert 'role="img"' in svg and f'<title id="diagram-title{key}">' in svg and f'<desc id="diagram-desc{key}">' in svg
    assert not re.search(r"\sstyle\s*=", svg, re.I)
    ids = forward_ids(preset.example)
    used = used_ids(svg)
    assert used <= ids  # no part names a step that does not exist
    # every forward step lights some part (the output layer y_t is not drawn)
    assert {s for s in ids if ".y." not in f".{s}"} <= used


@pytest.mark.parametrize("variant", ["no_forget", "peephole", "coupled", "gru", "mgu"])
@pytest.mark.parametrize("concat", ["hx", "xh"])
def test_random_examples_of_every_variant_light_every_step(variant, concat):
    for seed in range(3):
        inp = presets.variant_example(variant, n=3, m=2, seed=seed)
        inp = inp.replace(concat=concat)
        res = unroll(inp, with_grads=False)
        d = cell_diagram(inp, res)
        used = {s for p in d.parts() for s in p.steps.split()}
        assert used == {s.id for s in res.steps}
        for label in d.labels:  # every label inside the picture
            width = text_width(label.parts)
            left = float(label.x) - (width if "end" in label.cls else 0)
            assert 0 <= left and left + width <= float(d.width)


def test_gru_reset_before_and_after_draw_their_own_candidate():
    base = presets.variant_example("gru", seed=5)
    for reset, box in (("after", True), ("before", False)):
        inp = base.replace(gru_reset=reset)
        res = unroll(inp, with_grads=False)
        d = cell_diagram(inp, res)
        assert {s for p in d.parts() for s in p.steps.split()} == {s.id for s in res.steps}
        assert any(b.cls == "lin" for b in d.boxes) is box  # W_h^h's own box only when r comes after it
        names = {plain_name(l) for l in d.labels}
        assert ("r∘(Whh·ht−1)" in names) is box and ("r∘ht−1" in names) is not box


def test_the_variants_wires_carry_their_values(client):
    for key, fields in (("no_forget", ("i", "C_tilde", "o", "C", "h")), ("peephole", ("f", "i", "o", "C", "h")),
                        ("coupled", ("f", "i", "C_tilde", "C", "h")), ("gru", ("r", "z", "h_tilde", "h")),
                        ("mgu", ("f", "h_tilde", "h"))):
        preset = next(p for p in presets.PRESETS if p.key == key)
        res = unroll(preset.example, with_grads=False)
        svg = text(svg_of(client.get(link(preset.example)).get_data(as_text=True)))
        sym = {"C_tilde": "C̃", "h_tilde": "h̃", "C": "Ct", "h": "ht"}
        for field in fields:
            assert f"{sym.get(field, field)} = {short_vector(res.last[field])}" in svg, (key, field)
    peep = unroll(presets.PRESETS[6].example, with_grads=False)
    svg = text(svg_of(client.get(link(presets.PRESETS[6].example)).get_data(as_text=True)))
    pf = next(s for s in peep.steps if s.id == "f.peephole").result.value
    assert f"pf∘Ct−1 = {short_vector(pf)}" in svg


def test_no_forget_has_no_forget_layer_and_coupled_no_input_layer(client):
    for key, absent in (("no_forget", "forget"), ("coupled", "input")):
        preset = next(p for p in presets.PRESETS if p.key == key)
        svg = svg_of(client.get(link(preset.example)).get_data(as_text=True))
        assert 'class="gate" x' in svg and f">{absent}</text>" not in svg
    coupled = next(p for p in presets.PRESETS if p.key == "coupled")
    svg = svg_of(client.get(link(coupled.example)).get_data(as_text=True))
    assert re.search(r'<g class="pill" data-steps="i.coupled">', svg) and ">1 −</text>" in svg


def test_the_gru_has_no_cell_state_line(client):
    preset = next(p for p in presets.PRESETS if p.key == "gru")
    svg = svg_of(client.get(link(preset.example)).get_data(as_text=True))
    assert 'class="wire cs"' not in svg and "C" not in {plain_name(l)[:1] for l in
                                                         cell_diagram(preset.example, unroll(preset.example)).labels}


def test_a_sequence_draws_each_time_step_and_lights_for_every_time_step(client):
    """One picture per time step, each with that time step's values (the page's script shows
    the one of the step being read; without it, the first); every part lights at every t."""
    preset = next(p for p in presets.PRESETS if p.key == "sequence")
    res = unroll(preset.example, with_grads=False)
    html = client.get(link(preset.example)).get_data(as_text=True)
    figures = re.findall(r'<div class="diagram-at" data-time="(\d)"( hidden)?>', html)
    assert figures == [("1", ""), ("2", " hidden"), ("3", " hidden")]
    first = svg_of(html)
    assert "t = 1 of 3" in text(first) and f"ht−1 = {short_vector(preset.example['h_prev'])}" in text(first)
    svg = svg_of(html[html.index('data-time="3"'):])
    # the forget layer lights at t = 1, 2 and 3
    assert re.search(r'<g class="layer" data-steps="t1.f.matmul t2.f.matmul t3.f.matmul t1.f.bias', svg)
    flat = text(svg)
    last, prev = res.timesteps[-1], res.timesteps[-2]
    assert f"f = {short_vector(last['f'])}" in flat and f"ht = {short_vector(last['h'])}" in flat
    assert f"ht−1 = {short_vector(prev['h'])}" in flat  # h_{T-1}, not h_0
    assert f"xt = {short_vector(preset.example['x'].reshape(3, -1)[-1])}" in flat
    assert "t = 3 of 3" in flat
    assert "with the values of the last one, t = 3 of 3" in text(html)
