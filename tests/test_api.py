"""The public contracts (shared/DESIGN.md, "Public contracts"): the JSON API, permalinks, the
page, and the security headers. Exact float64 equality wherever the contract promises it."""
from __future__ import annotations

import math
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import fmt
from app.fields import Inputs
from app.sequence import unroll
from app.fields import ARRAY_FIELDS
from app.presets import PRESETS, QUESTION

API = "/api/v1/lstm"
GATES = ("f", "i", "C", "o")
VECTOR_FIELDS = ("x", "h_prev", "C_prev", "b_f", "b_i", "b_C", "b_o")
MATRIX_FIELDS = ("W_f", "W_i", "W_C", "W_o")
INPUT_FIELDS = ("x", "h_prev", "C_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")
REQUEST_FIELDS = (*INPUT_FIELDS, "concat")
OUTPUTS = ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o")
# The step whose result is each top-level output.
OUTPUT_STEP = {"z_f": "f.bias", "f": "f.sigmoid", "z_i": "i.bias", "i": "i.sigmoid",
               "z_C": "C_tilde.bias", "C_tilde": "C_tilde.tanh", "z_o": "o.bias", "o": "o.sigmoid",
               "C": "C.update", "h": "h.update"}
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


# ------------------------------------------------------------------------------ helpers

def to_json(inp: Inputs) -> dict:
    """Every field the example has (the v1 fields, and a variant's, sequence's or output
    layer's where given)."""
    body = {name: inp[name].tolist() for name in ARRAY_FIELDS if name in inp}
    body["concat"] = inp.concat
    if inp.variant != "lstm":
        body["variant"] = inp.variant
    return body


def make_input(rng: np.random.Generator, n: int, m: int, concat: str = "hx",
               values=None) -> Inputs:
    """A random example; `values(shape)` draws the numbers (default: full-precision floats)."""
    draw = values or (lambda shape: rng.uniform(-1, 1, shape))
    return Inputs.of(x=draw(m), h_prev=draw(n), C_prev=draw(n), concat=concat,
                     **{f"W_{g}": draw((n, n + m)) for g in GATES},
                     **{f"b_{g}": draw(n) for g in GATES})


def bits(a) -> bytes:
    """Bit pattern of a float64 array: every bit, the sign of zero too."""
    return np.asarray(a, dtype=np.float64).tobytes()


def query_of(permalink: str) -> str:
    parts = urlsplit(permalink)
    assert parts.path == "/" and parts.query and not parts.scheme and not parts.netloc
    return parts.query


def post_ok(client, body: dict) -> dict:
    r = client.post(API, json=body)
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/json"
    return r.get_json()


def inputs_from_steps(data: dict) -> dict[str, np.ndarray]:
    """The example's inputs as the API's trace reports them (operands of the steps)."""
    steps = {s["id"]: s for s in data["steps"]}
    out = {}
    concat = steps["v.concat"]["operands"]
    out["x"], out["h_prev"] = concat["x"], concat["h_prev"]
    out["C_prev"] = steps["C.forget"]["operands"]["C_prev"]
    for g, name in zip(GATES, ("f", "i", "C_tilde", "o")):
        out[f"W_{g}"] = steps[f"{name}.matmul"]["operands"][f"W_{g}"]
        out[f"b_{g}"] = steps[f"{name}.bias"]["operands"][f"b_{g}"]
    return {k: np.array(v, dtype=np.float64) for k, v in out.items()}


class Page(HTMLParser):
    """What the contract says a page carries: canonical link, data-step elements (with their
    text nodes and title attributes), and the form's named inputs with their values."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.canonical: list[str] = []
        self.steps: dict[str, dict[str, list[str]]] = {}
        self.inputs: dict[str, str] = {}
        self.selects: dict[str, str] = {}
        self.step_order: list[str] = []
        self._stack: list[tuple[str, str | None]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)
        self.close()

    def _open_steps(self):
        return [sid for _, sid in self._stack if sid is not None]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a.get("href"))
        if tag == "input" and "name" in a:
            self.inputs[a["name"]] = a.get("value", "")
        if tag == "select" and "name" in a:
            self._select = a["name"]
        if tag == "option" and self._select and "selected" in a:
            self.selects[self._select] = a.get("value")
        if tag == "textarea" and "name" in a:
            self._textarea = a["name"]
            self.inputs[a["name"]] = ""
        for sid in self._open_steps():
            if "title" in a:
                self.steps[sid]["titles"].append(a["title"])
        if tag in self.VOID:
            return
        sid = a.get("data-step")
        if sid is not None:
            self.steps.setdefault(sid, {"texts": [], "titles": []})
            self.step_order.append(sid)
            if "title" in a:
                self.steps[sid]["titles"].append(a["title"])
        self._stack.append((tag, sid))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None
        if tag in self.VOID:
            return
        for k in range(len(self._stack) - 1, -1, -1):  # tolerate an unclosed <p>, <li>, …
            if self._stack[k][0] == tag:
                del self._stack[k:]
                break

    def handle_data(self, data):
        if self._textarea is not None:
            self.inputs[self._textarea] += data
        text = data.strip()
        if text:
            for sid in self._open_steps():
                self.steps[sid]["texts"].append(text)


def field_values(text: str, matrix: bool) -> np.ndarray:
    """The page form's exact text of a field (`1, 2, 3`; rows on lines) back to float64."""
    if matrix:
        rows = [line for line in text.strip().splitlines() if line.strip()]
        return np.array([[float(t) for t in re.split(r"[,\s]+", row.strip())] for row in rows])
    return np.array([float(t) for t in re.split(r"[,\s]+", text.strip())])


def independent_step(inp: Inputs) -> dict[str, list[float]]:
    """The LSTM equations in plain Python (math module, explicit loops): no app code, no numpy."""
    x, h, c = inp["x"].tolist(), inp["h_prev"].tolist(), inp["C_prev"].tolist()
    v = h + x if inp.concat == "hx" else x + h

    def sigmoid(z):
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))

    out = {}
    for g, act in zip(GATES, (sigmoid, sigmoid, math.tanh, sigmoid)):
        W, b = inp[f"W_{g}"].tolist(), inp[f"b_{g}"].tolist()
        z = [math.fsum(w * vj for w, vj in zip(row, v)) + bk for row, bk in zip(W, b)]
        out[f"z_{g}"] = z
        out["C_tilde" if g == "C" else g] = [act(zk) for zk in z]
    out["C"] = [fk * ck + ik * ctk for fk, ck, ik, ctk in zip(out["f"], c, out["i"], out["C_tilde"])]
    out["h"] = [ok * math.tanh(ck) for ok, ck in zip(out["o"], out["C"])]
    return out


# ------------------------------------------------------------------------------ the JSON API

def test_post_returns_every_output_exactly_as_the_cell_computes_it(client):
    inp = make_input(np.random.default_rng(7), n=3, m=2)
    data = post_ok(client, to_json(inp))
    res = unroll(inp).last
    for name in OUTPUTS:
        assert len(data[name]) == 3, name
        assert all(type(a) is float for a in data[name]), name  # numbers, not strings
        assert bits(data[name]) == bits(res[name]), name  # full float64, bit for bit
    assert data["n"] == 3 and data["m"] == 2 and data["concat"] == "hx"
    assert data["v"] == res["v"].tolist()
    assert data["permalink"].startswith("/?") and "v=1" in query_of(data["permalink"]).split("&")


def test_post_agrees_with_an_independent_computation(client):
    rng = np.random.default_rng(11)
    for n, m, concat in ((1, 1, "hx"), (3, 2, "xh"), (4, 5, "hx")):
        inp = make_input(rng, n, m, concat, values=lambda shape: rng.uniform(-3, 3, shape))
        data = post_ok(client, to_json(inp))
        expected = independent_step(inp)
        for name in OUTPUTS:
            assert data[name] == pytest.approx(expected[name], rel=1e-12, abs=1e-12), name


def test_seed_numbers_are_exact(client):
    """The seed's forget gate: W_f·v = [91, 175, 133], + b_f = [92, 177, 136], σ saturates."""
    data = post_ok(client, to_json(QUESTION))
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["f.matmul"]["result"]["value"] == [91.0, 175.0, 133.0]
    assert data["z_f"] == [92.0, 177.0, 136.0]
    assert data["f"] == [1.0, 1.0, 1.0]  # σ(92) is 1 − 1e-40: float64 stores exactly 1
    assert steps["f.sigmoid"].get("saturated") == [True, True, True]
    assert data["z_i"] == [22.0, 43.0, 64.0]  # not the seed answer's [22, 42, 62]
    assert data["i"][0] == 1 / (1 + math.exp(-22)) != 1.0
    assert data["v"] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # concat "xh": [x_t, h_{t-1}]


def test_steps_carry_id_title_latex_and_match_the_outputs(client):
    data = post_ok(client, to_json(QUESTION))
    steps = data["steps"]
    assert len(steps) >= 18
    ids = [s["id"] for s in steps]
    assert len(set(ids)) == len(ids)
    for s in steps:
        assert isinstance(s["id"], str) and re.fullmatch(r"[A-Za-z_]+\.[a-z]+", s["id"]), s["id"]
        assert isinstance(s["title"], str) and s["title"].strip()
        assert isinstance(s["latex"], str) and s["latex"].strip()
    by_id = {s["id"]: s for s in steps}
    for name, sid in OUTPUT_STEP.items():
        assert by_id[sid]["result"]["value"] == data[name], (name, sid)
    assert ids.index("f.matmul") < ids.index("f.bias") < ids.index("f.sigmoid") < ids.index("C.update")
    assert ids.index("C.update") < ids.index("h.update")


def test_defaults_h_prev_and_C_prev_are_zeros(client):
    inp = make_input(np.random.default_rng(3), n=3, m=2)
    body = to_json(inp)
    body.update(h_prev=[0.0] * 3, C_prev=[0.0] * 3)
    explicit = post_ok(client, body)
    omitted = post_ok(client, {k: v for k, v in body.items() if k not in ("h_prev", "C_prev")})
    nulls = post_ok(client, {**body, "h_prev": None, "C_prev": None})
    for name in OUTPUTS:
        assert bits(omitted[name]) == bits(explicit[name]), name
        assert bits(nulls[name]) == bits(explicit[name]), name
    assert inputs_from_steps(omitted)["h_prev"].tolist() == [0.0, 0.0, 0.0]
    assert inputs_from_steps(omitted)["C_prev"].tolist() == [0.0, 0.0, 0.0]
    # and the permalink of the defaulted example opens the same numbers
    r = client.get(f"{API}?{query_of(omitted['permalink'])}")
    assert r.status_code == 200 and r.get_json()["h"] == omitted["h"]


def test_concat_defaults_to_hx(client):
    inp = make_input(np.random.default_rng(5), n=2, m=3, concat="hx")
    body = to_json(inp)
    del body["concat"]
    default = post_ok(client, body)
    hx = post_ok(client, {**body, "concat": "hx"})
    assert default["concat"] == "hx"
    assert default["v"] == inp["h_prev"].tolist() + inp["x"].tolist()  # [h_{t-1}, x_t]
    for name in OUTPUTS:
        assert default[name] == hx[name], name


def test_xh_with_permuted_columns_gives_identical_outputs(client):
    """W with its columns permuted from [h | x] to [x | h] under concat="xh" is the same model.
    Quarter-integers keep every partial sum exact, so the outputs agree bit for bit."""
    rng = np.random.default_rng(13)
    n, m = 3, 4
    hx = make_input(rng, n, m, "hx", values=lambda shape: rng.integers(-8, 9, shape) / 4)
    permuted = {f"W_{g}": np.concatenate([hx[f"W_{g}"][:, n:], hx[f"W_{g}"][:, :n]],
                                         axis=1) for g in GATES}
    xh = Inputs.of(**{**{name: hx[name] for name in INPUT_FIELDS}, **permuted, "concat": "xh"})
    a, b = post_ok(client, to_json(hx)), post_ok(client, to_json(xh))
    assert b["concat"] == "xh" and b["v"] == hx["x"].tolist() + hx["h_prev"].tolist()
    assert a["v"] == hx["h_prev"].tolist() + hx["x"].tolist()
    for name in OUTPUTS:
        assert bits(a[name]) == bits(b[name]), name
    # and the same W under the other order is a different model (the test can tell them apart)
    swapped = post_ok(client, {**to_json(hx), "concat": "xh"})
    assert swapped["z_f"] != a["z_f"]


def test_xh_with_permuted_columns_full_precision_agrees(client):
    rng = np.random.default_rng(17)
    n, m = 4, 3
    hx = make_input(rng, n, m, "hx")
    permuted = {f"W_{g}": np.concatenate([hx[f"W_{g}"][:, n:], hx[f"W_{g}"][:, :n]],
                                         axis=1) for g in GATES}
    xh = Inputs.of(**{**{name: hx[name] for name in INPUT_FIELDS}, **permuted, "concat": "xh"})
    a, b = post_ok(client, to_json(hx)), post_ok(client, to_json(xh))
    for name in OUTPUTS:  # a different summation order may move the last bit, nothing more
        assert b[name] == pytest.approx(a[name], rel=1e-13, abs=1e-15), name


# ------------------------------------------------------------------------------ permalinks

@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_get_with_the_permalink_query_equals_the_post(client, preset):
    posted = post_ok(client, to_json(preset.example))
    r = client.get(f"{API}?{query_of(posted['permalink'])}")
    assert r.status_code == 200
    assert r.get_json() == posted  # every field, every step, every float exactly


def test_readable_permalink_for_the_seed(client):
    data = post_ok(client, to_json(QUESTION))
    query = query_of(data["permalink"])
    pairs = query.split("&")
    assert "v=1" in pairs
    assert "x=1,2,3" in pairs and "h_prev=4,5,6" in pairs and "concat=xh" in pairs
    assert "W_f=1,2,3,4,5,6;5,6,7,8,9,10;3,4,5,6,7,8" in pairs
    assert "C_prev=0.5,-1,2" in pairs and "b_C=0,0.1,-0.1" in pairs  # shortest exact text
    assert "z" not in dict(parse_qsl(query)) and len(query) <= 2000


def test_readable_permalink_round_trips_full_precision(client):
    inp = make_input(np.random.default_rng(23), n=2, m=2)
    data = post_ok(client, to_json(inp))
    query = query_of(data["permalink"])
    keys = [key for key, _ in parse_qsl(query)]
    assert "z" not in keys and f"x={float(inp['x'][0])!r}," in query  # readable: repr of each float
    back = client.get(f"{API}?{query}").get_json()
    got = inputs_from_steps(back)
    for name in INPUT_FIELDS:
        assert bits(got[name]) == bits(inp[name]), name


def test_compact_permalink_when_readable_would_pass_2000_chars(client):
    """n = m = 4 at full precision: ~3,000 readable characters, so the compact z= form."""
    inp = make_input(np.random.default_rng(29), n=4, m=4)
    data = post_ok(client, to_json(inp))
    query = query_of(data["permalink"])
    assert re.fullmatch(r"v=1&z=[A-Za-z0-9_-]+", query), query[:80]
    assert 0 < len(query) <= 4000
    back = client.get(f"{API}?{query}")
    assert back.status_code == 200
    assert back.get_json() == data
    got = inputs_from_steps(back.get_json())
    for name in INPUT_FIELDS:
        assert bits(got[name]) == bits(inp[name]), name


def test_compact_permalink_for_8x8_with_short_numbers(client):
    rng = np.random.default_rng(31)
    inp = make_input(rng, 8, 8, values=lambda shape: rng.integers(-20, 21, shape) / 10)
    data = post_ok(client, to_json(inp))
    query = query_of(data["permalink"])
    assert query.startswith("v=1&z=") and len(query) <= 4000
    r = client.get(f"{API}?{query}")
    assert r.status_code == 200 and r.get_json() == data
    page = client.get(data["permalink"])
    assert page.status_code == 200
    assert Page(page.get_data(as_text=True)).canonical == [data["permalink"]]


def test_8x8_full_precision_is_too_large_for_any_link(client):
    """568 random float64s cannot fit 4,000 characters losslessly (their 52-bit mantissas do not
    compress): the API says so instead of cutting or rounding."""
    inp = make_input(np.random.default_rng(37), 8, 8)
    data = post_ok(client, to_json(inp))
    assert data["permalink"] is None
    assert "too large" in data["permalink_note"]


@pytest.mark.slow
def test_32x32_example_has_no_link_and_the_page_says_so(client):
    rng = np.random.default_rng(41)
    inp = make_input(rng, 32, 32)
    data = post_ok(client, to_json(inp))
    assert data["permalink"] is None
    assert "too large for a link" in data["permalink_note"]
    assert "4,000" in data["permalink_note"]
    assert bits(data["h"]) == bits(unroll(inp).last["h"])  # computed all the same, nothing truncated
    # The form posts it; there is no link to redirect to, so the page renders it (200) and
    # says plainly that it is too large, with no canonical link and no cut-down link.
    form = {name: ", ".join(repr(a) for a in inp[name].tolist()) for name in VECTOR_FIELDS}
    form.update({name: "\n".join(", ".join(repr(a) for a in row) for row in inp[name].tolist())
                 for name in MATRIX_FIELDS})
    r = client.post("/", data=form)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "too large for a link" in html
    page = Page(html)
    assert page.canonical == []
    assert not re.search(r"[?;]z=|&amp;z=", html) and "?v=1&amp;x=" not in html.split("</nav>", 1)[-1]
    assert set(OUTPUT_STEP.values()) <= set(page.steps)


def _examples(draw, max_dim=3):
    n = draw(st.integers(1, max_dim))
    m = draw(st.integers(1, max_dim))
    f = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False,
                  allow_subnormal=True, width=64)

    def arr(*shape):
        size = int(np.prod(shape))
        return np.array(draw(st.lists(f, min_size=size, max_size=size)), dtype=np.float64).reshape(shape)

    return Inputs.of(x=arr(m), h_prev=arr(n), C_prev=arr(n), concat=draw(st.sampled_from(["hx", "xh"])),
                     **{f"W_{g}": arr(n, n + m) for g in GATES}, **{f"b_{g}": arr(n) for g in GATES})


examples = st.composite(_examples)


@SETTINGS
@given(inp=examples())
def test_permalink_round_trip_is_exact(client, inp):
    """Any float64 within the caps (subnormals, -0.0, 1e6, 0.1) → permalink → API and page →
    the same bits back, the sign of zero too, and GET answers exactly like POST: the same text."""
    r = client.post(API, json=to_json(inp))
    assert r.status_code == 200
    posted, posted_text = r.get_json(), r.get_data()
    permalink = posted["permalink"]
    assert permalink is not None  # n, m <= 3 always fits
    query = query_of(permalink)
    assert ("v", "1") in parse_qsl(query)
    got = client.get(f"{API}?{query}")
    assert got.status_code == 200
    assert got.get_data() == posted_text
    back = inputs_from_steps(got.get_json())
    for name in INPUT_FIELDS:
        assert bits(back[name]) == bits(inp[name]), name
    page = client.get(permalink)
    assert page.status_code == 200
    parsed = Page(page.get_data(as_text=True))
    assert parsed.canonical == [permalink]
    for name in INPUT_FIELDS:
        shown = field_values(parsed.inputs[name], name in MATRIX_FIELDS)
        assert bits(shown) == bits(inp[name]), name
    assert parsed.selects.get("concat") == inp.concat


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inp=examples(max_dim=5))
def test_compact_or_readable_round_trip_up_to_5(client, inp):
    posted = post_ok(client, to_json(inp))
    if posted["permalink"] is None:
        assert "too large" in posted["permalink_note"]
        return
    query = query_of(posted["permalink"])
    assert len(query) <= 4000
    keys = [key for key, _ in parse_qsl(query)]
    assert keys == ["v", "z"] or ("x" in keys and "z" not in keys and len(query) <= 2000)
    got = client.get(f"{API}?{query}")
    assert got.status_code == 200 and got.get_json() == posted


# ------------------------------------------------------------------------------ the page

def _page(client, url="/"):
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    assert r.mimetype == "text/html"
    return r.get_data(as_text=True)


def test_index_shows_the_seed_example(client):
    html = _page(client)
    page = Page(html)
    assert page.steps["f.matmul"]["texts"].count("91") >= 1
    for number in ("91", "175", "133"):
        assert number in page.steps["f.matmul"]["texts"], number
    for number in ("92", "177", "136"):
        assert number in page.steps["f.bias"]["texts"], number
    seed = post_ok(client, to_json(QUESTION))
    assert page.canonical == [seed["permalink"]]


def test_index_canonical_steps_and_form_match_the_api(client):
    html = _page(client)
    page = Page(html)
    data = post_ok(client, to_json(QUESTION))
    assert len(page.canonical) == 1 and page.canonical[0] == data["permalink"]
    assert '<link rel="canonical" href="' in html
    for step in data["steps"]:
        assert f'data-step="{step["id"]}"' in html, step["id"]
    for name in REQUEST_FIELDS:
        assert f'name="{name}"' in html, name
    assert set(INPUT_FIELDS) <= set(page.inputs)
    assert page.selects["concat"] == "xh"
    # The form shows the seed's own numbers, exactly.
    for name in INPUT_FIELDS:
        shown = field_values(page.inputs[name], name in MATRIX_FIELDS)
        assert bits(shown) == bits(QUESTION[name]), name


def _assert_page_shows_api(client, body: dict):
    """Every number the API returns appears in the page, inside its step's element: as
    fmt.show writes it (a whole text node), or as its exact value in a title attribute."""
    data = post_ok(client, body)
    html = _page(client, data["permalink"])
    page = Page(html)
    assert page.canonical == [data["permalink"]]
    checked = 0
    for step in data["steps"]:
        where = page.steps.get(step["id"])
        assert where is not None, f"no data-step={step['id']!r} in the page"
        values = [step["result"]["value"], *step["operands"].values()]
        for value in values:
            for x in np.asarray(value, dtype=np.float64).ravel().tolist():
                assert fmt.show(x) in where["texts"] or fmt.exact(x) in where["titles"], \
                    (step["id"], x, fmt.show(x))
                checked += 1
    one_lstm_step = data.get("variant", "lstm") == "lstm" and data.get("T", 1) == 1
    for name, sid in OUTPUT_STEP.items() if one_lstm_step else ():  # v1's outputs, by their step
        for x in data[name]:
            assert fmt.show(x) in page.steps[sid]["texts"] or fmt.exact(x) in page.steps[sid]["titles"]
    assert checked > 50
    return data, page


@pytest.mark.parametrize("preset", PRESETS, ids=[p.key for p in PRESETS])
def test_page_shows_every_number_of_the_api_presets(client, preset):
    _assert_page_shows_api(client, to_json(preset.example))


def test_page_shows_every_number_of_the_api_random(client):
    rng = np.random.default_rng(43)
    for n, m, concat in ((2, 3, "hx"), (3, 1, "xh")):
        inp = make_input(rng, n, m, concat, values=lambda shape: rng.uniform(-5, 5, shape))
        data, page = _assert_page_shows_api(client, to_json(inp))
        # rounded values keep their exact value one hover away
        for x in data["f"] + data["h"]:
            if fmt.is_rounded(x):
                assert fmt.exact(x) in page.steps["f.sigmoid"]["titles"] + page.steps["h.update"]["titles"]


def test_page_never_shows_negative_zero(client):
    inp = Inputs.of(x=np.array([-0.0, 1.0]), h_prev=np.array([-0.0]), C_prev=np.array([-0.0]),
                    **{f"W_{g}": np.array([[-0.0, 0.0, -0.0]]) for g in GATES},
                    **{f"b_{g}": np.array([-0.0]) for g in GATES})
    data = post_ok(client, to_json(inp))
    page = Page(_page(client, data["permalink"]))
    texts = [t for where in page.steps.values() for t in where["texts"]]
    assert "0" in texts and "1" in texts
    assert not [t for t in texts if re.fullmatch(r"[-−]0(\.0*)?", t)]
    # the link and the form keep the sign of zero (they are the example); the worked steps never show it
    assert "x=-0,1" in query_of(data["permalink"]).split("&")
    assert page.inputs["x"] == "-0, 1"


def test_post_form_redirects_303_to_the_permalink(client):
    form = {"x": "1, 2, 3", "h_prev": "4 5 6", "C_prev": "", "concat": "xh",
            "W_f": "1, 2, 3, 4, 5, 6\n5, 6, 7, 8, 9, 10\n3, 4, 5, 6, 7, 8", "b_f": "[1, 2, 3]",
            "W_i": "[[1,1,1,1,1,1],[2,2,2,2,2,2],[3,3,3,3,3,3]]", "b_i": "1; 1; 1",
            "W_C": r"\begin{bmatrix} 0 & 0 & 0 & 0 & 0 & 0 \\ 0 & 0 & 0 & 0 & 0 & 0 \\ 0 & 0 & 0 & 0 & 0 & 0 \end{bmatrix}",
            "b_C": "0, 0, 0", "W_o": "0 0 0 0 0 0; 0 0 0 0 0 0; 0 0 0 0 0 0", "b_o": "0.5, -0.5, 1e-3"}
    r = client.post("/", data=form)
    assert r.status_code == 303
    location = r.headers["Location"]
    body = {"x": [1, 2, 3], "h_prev": [4, 5, 6], "concat": "xh",
            "W_f": [[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]], "b_f": [1, 2, 3],
            "W_i": [[1] * 6, [2] * 6, [3] * 6], "b_i": [1, 1, 1], "W_C": [[0] * 6] * 3,
            "b_C": [0, 0, 0], "W_o": [[0] * 6] * 3, "b_o": [0.5, -0.5, 0.001]}
    data = post_ok(client, body)
    assert urlsplit(location).path == "/" and urlsplit(location).query == query_of(data["permalink"])
    followed = client.get(location)
    assert followed.status_code == 200
    assert "92" in Page(followed.get_data(as_text=True)).steps["f.bias"]["texts"]


def test_post_form_with_bad_text_keeps_it_and_says_why(client):
    form = {"x": "1, 2, 3", "h_prev": "4, 5, 6", "concat": "xh",
            "W_f": "1, 2, 3\n4, 5, 6\n7, 8, 9", "b_f": "1, 2, banana"}
    r = client.post("/", data=form)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    page = Page(html)
    assert page.inputs["b_f"] == "1, 2, banana"  # the user's text, intact
    assert page.inputs["W_f"].strip() == "1, 2, 3\n4, 5, 6\n7, 8, 9"
    assert page.inputs["x"] == "1, 2, 3"
    assert page.selects["concat"] == "xh"
    assert_message_at_field(html, "b_f", "'banana', which is not a number")
    assert_message_at_field(html, "W_f", "W_f must be 3×6")
    assert_message_at_field(html, "W_f", "it has 3 rows of 3")
    assert_message_at_field(html, "W_i", "required")
    assert page.canonical == []


def assert_message_at_field(html: str, field: str, phrase: str):
    """The field's message sits in the field's own part of the form: after the input before
    it and before the input after it."""
    names = [mt.start() for mt in re.finditer(r'<(?:input|textarea|select)\b[^>]*\bname="', html)]
    own = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{re.escape(field)}"', html)
    assert own is not None, field
    before = max([p for p in names if p < own.start()], default=0)
    after = min([p for p in names if p > own.start()], default=len(html))
    window = unescape(re.sub(r"<[^>]+>", " ", html[before:after]))
    assert phrase in window, (field, phrase, window[:400])


# ------------------------------------------------------------------------------ headers

def _assert_security_headers(r):
    csp = r.headers.get("Content-Security-Policy", "")
    assert "default-src" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "script-src 'self'" in csp or "default-src 'self'" in csp or "default-src 'none'" in csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin",
                                                "strict-origin-when-cross-origin")


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/", 200),
    ("GET", "/?x=banana", 400),
    ("GET", API + "?" + "v=1&x=1&W_f=1,2&b_f=1&W_i=1,2&b_i=1&W_C=1,2&b_C=1&W_o=1,2&b_o=1", 200),
    ("GET", API, 400),
    ("PUT", API, 405),
    ("GET", "/no-such-page", 404),
    ("GET", "/api/v1/no-such-thing", 404),
    ("GET", "/static/style.css", 200),
    ("GET", "/static/favicon.svg", 200),
])
def test_security_headers(client, method, url, status):
    r = client.open(url, method=method)
    assert r.status_code == status
    _assert_security_headers(r)
    if url.startswith("/api/"):
        assert r.mimetype == "application/json"
        assert ("errors" in r.get_json()) == (status != 200)
    r.close()


def test_security_headers_on_post_api_and_413(client):
    r = client.post(API, json=to_json(QUESTION))
    assert r.status_code == 200
    _assert_security_headers(r)
    r = client.post(API, data=b"[" + b"0," * 140_000 + b"0]", content_type="application/json")
    assert r.status_code == 413
    _assert_security_headers(r)
    assert r.get_json()["errors"][0]["field"] == "body"


def test_api_404_and_405_are_json_errors(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.get_json()["errors"][0]["field"] == "body"
    r = client.delete(API)
    assert r.status_code == 405
    assert "POST" in r.get_json()["errors"][0]["message"]
