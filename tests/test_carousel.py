"""The constant error carousel on the backward page (app/pictures/carousel.py,
templates/_carousel.html): the product of the forget gates k steps back, exactly 1 without a
forget gate, and a plain tanh RNN's product of 1 − h² for comparison.

The plotted numbers are checked against a computation written here from the API's own
`timesteps` (plain Python floats and loops), and against the backward pass itself: with no
recurrent weights the cell state is the only path from C_{T−k} to C_T, so with dL/dC_T = 1 and
dL/dh_T = 0 the API's ∂L/∂C_{T−k} is exactly ∂C_T/∂C_{T−k} along C."""
from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from app import permalink, presets
from app.pictures import carousel
from app.parse import parse_json_fields
from app.sequence import unroll
from tests.reference import api_body, random_example

API = "/api/v1/lstm"
LSTM_FAMILY = ("lstm", "peephole", "coupled", "no_forget")


def query_of(example: dict) -> str:
    inp, errors = parse_json_fields(api_body(example))
    assert errors == [], errors
    q = permalink.to_query(inp)
    assert q
    return q


def section(html: str) -> str | None:
    m = re.search(r'<section class="carousel".*?</section>', html, re.S)
    return m.group(0) if m else None


def plotted(sec: str) -> dict[str, dict[tuple[int, int], str]]:
    """{series: {(k, j): the title's text}} for every point drawn."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    for series, body in re.findall(r'<g class="series [^"]*" data-series="(\w+)">(.*?)\n\s*</g>', sec, re.S):
        pts = out.setdefault(series, {})
        for k, j, title in re.findall(r'<g class="pt" data-k="(\d+)" data-j="(\d+)"><title>([^<]*)</title>', body):
            pts[(int(k), int(j))] = unescape(title)
    return out


def value_of(title: str) -> float:
    """The exact value a point's title ends with (`… = 0.123…`)."""
    return float(title.rsplit("= ", 1)[1])


def plain_products(timesteps: list[dict], n: int) -> tuple[list[list[float]], list[list[float]], int]:
    """Written apart from app/pictures/carousel.py: for k = 0 … K, per entry, ∏ f_s and
    ∏ (1 − h_s²) over the last k steps (a single step repeated 10 times). Multiplied from the last
    step back, as backprop multiplies; float for float the same operations, so the results are
    exact."""
    fs = [ts.get("f", [1.0] * n) for ts in timesteps]
    hs = [ts["h"] for ts in timesteps]
    if len(fs) == 1:
        fs, hs = fs * 10, hs * 10
    K = len(fs)
    f_rows, r_rows = [[1.0] * n], [[1.0] * n]
    for k in range(1, K + 1):
        f_rows.append([f_rows[-1][j] * fs[K - k][j] for j in range(n)])
        r_rows.append([r_rows[-1][j] * (1.0 - hs[K - k][j] * hs[K - k][j]) for j in range(n)])
    return f_rows, r_rows, K


# ------------------------------------------------------------------ the numbers on the page

@pytest.mark.parametrize("variant", LSTM_FAMILY)
@pytest.mark.parametrize("T", [1, 4])
@pytest.mark.parametrize("concat", ["hx", "xh"])
def test_plotted_values_are_the_products_from_the_apis_timesteps(client, variant, T, concat):
    rng = np.random.default_rng([LSTM_FAMILY.index(variant), T, concat == "xh"])
    n = 3
    ex = random_example(rng, variant, n=n, m=2, T=T, concat=concat, scale=2.0)
    q = query_of(ex)
    api = client.get(f"{API}?{q}").get_json()
    f_rows, r_rows, K = plain_products(api["timesteps"], n)
    assert K == (10 if T == 1 else T)

    r = client.get(f"/backward?{q}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    sec = section(html)
    assert sec is not None
    pts = plotted(sec)
    for k in range(K + 1):
        for j in range(n):
            if k:
                assert value_of(pts["rnn"][(k, j + 1)]) == r_rows[k][j]
            if variant != "no_forget":
                if k:
                    assert value_of(pts["f"][(k, j + 1)]) == f_rows[k][j], (k, j)
    if variant == "no_forget":
        assert "f" not in pts  # its own line is the carousel's
        assert all(" = 1 exactly" in t for (k, _), t in pts["cec"].items() if k)
        assert all(v == 1.0 for row in f_rows for v in row)
    else:
        assert set(pts["f"]) == {(k, j) for k in range(K + 1) for j in range(1, n + 1)}
        assert pts["cec"] == {}
    # the same numbers as the data the picture is drawn from, exactly
    p = carousel.products(*_inp_res(ex))
    assert p.f.tolist() == f_rows and p.rnn.tolist() == r_rows


def _inp_res(ex: dict):
    inp, errors = parse_json_fields(api_body(ex))
    assert errors == []
    return inp, unroll(inp)


def test_single_step_is_repeated_and_says_so(client):
    """The seed's question: σ saturates, f is exactly 1, so f^k = 1 on every line."""
    html = client.get("/backward").get_data(as_text=True)
    sec = section(html)
    assert sec is not None
    assert "every step had this step's f" in unescape(sec)
    assert "no forget gate: constant error carousel" in sec
    pts = plotted(sec)
    assert {k for k, _ in pts["f"]} == set(range(11))  # k = 0 … 10
    assert all(value_of(t) == 1.0 for (k, _), t in pts["f"].items() if k)
    assert "f¹⁰ = 1" in pts["f"][(10, 1)]
    assert "Here every f is exactly 1 in float64" in sec
    # the tanh RNN comparison: (1 − h²)^k with the question's h
    h = unroll(presets.QUESTION).last["h"]
    for j in range(3):
        expect = 1.0
        for _ in range(10):
            expect *= 1.0 - h[j] * h[j]
        assert value_of(pts["rnn"][(10, j + 1)]) == expect


def test_answer_example_shrinks_as_powers_of_its_forget_gate(client):
    q = permalink.to_query(presets.ANSWER)
    sec = section(client.get(f"/backward?{q}").get_data(as_text=True))
    pts = plotted(sec)
    f = unroll(presets.ANSWER).last["f"]
    assert value_of(pts["f"][(1, 1)]) == 0.5 and value_of(pts["f"][(3, 1)]) == 0.125
    assert value_of(pts["f"][(2, 3)]) == f[2] * f[2]
    assert "Here every f is exactly 1" not in sec


def test_no_forget_is_exactly_one(client):
    q = query_of(random_example(np.random.default_rng(1), "no_forget", n=2, T=1))
    r = client.get(f"/backward?{q}")
    assert r.status_code == 200
    sec = section(r.get_data(as_text=True))
    assert sec is not None
    pts = plotted(sec)
    assert set(pts) == {"cec", "rnn"}
    assert len(pts["cec"]) == 11
    assert all("= 1 exactly" in t for (k, _), t in pts["cec"].items() if k)
    inp, errors = parse_json_fields(api_body(random_example(np.random.default_rng(2), "no_forget", n=4, T=6)))
    p = carousel.products(inp, unroll(inp))
    assert p.f.shape == (7, 4) and np.all(p.f == 1.0)


def test_many_entries_show_the_mean_and_range(client):
    rng = np.random.default_rng(7)
    n = 12
    ex = random_example(rng, "lstm", n=n, m=2, T=3, scale=2.0)
    ex = {k: np.round(v, 1).tolist() if isinstance(v, list) else v for k, v in ex.items()}  # a short link
    q = query_of(ex)
    sec = section(client.get(f"/backward?{q}").get_data(as_text=True))
    pts = plotted(sec)
    f_rows, _, K = plain_products(client.get(f"{API}?{q}").get_json()["timesteps"], n)
    assert set(pts["f"]) == {(k, 0) for k in range(K + 1)}  # one mean line, not 12
    assert sec.count('class="band"') == 2
    for k in range(1, K + 1):
        title = pts["f"][(k, 0)]
        assert f"mean over the {n} entries {float(np.mean(f_rows[k]))!r}" in title
        assert f"smallest {min(f_rows[k])!r}" in title and f"largest {max(f_rows[k])!r}" in title


# ------------------------------------------------------------------ against the backward pass

@pytest.mark.parametrize("variant", LSTM_FAMILY)
@pytest.mark.parametrize("T", [1, 5])
def test_products_are_the_backward_pass_along_the_cell_state(client, variant, T):
    """No recurrent weights (the h columns of every W, the peepholes): C_{T−k} reaches C_T only
    along the cell state. With dL/dC_T = 1 and dL/dh_T = 0, the backward pass's ∂L/∂C_{T−k}
    (each time step's dC, and C_prev's gradient for k = T) is ∂C_T/∂C_{T−k} along C: the product
    of the forget gates, exactly; exactly 1 without a forget gate."""
    rng = np.random.default_rng(11 + T)
    n, m = 3, 2
    ex = random_example(rng, variant, n=n, m=m, T=T, scale=2.0)
    for name in list(ex):
        if name.startswith("W_"):
            W = np.array(ex[name])
            W[:, :n] = 0.0  # concat "hx": the first n columns read h_{t-1}
            ex[name] = W.tolist()
        if name.startswith("p_"):
            ex[name] = [0.0] * n
    ex["dh"], ex["dC"] = [0.0] * n, [1.0] * n
    api = client.post(API, json=api_body(ex)).get_json()
    p = carousel.products(*_inp_res(ex))
    # δC_{T−k}: timesteps[T−k−1]["dC"] for k < T, the gradient of C_prev for k = T
    dC = [ts["dC"] for ts in api["timesteps"]][::-1] + [api["grads"]["C_prev"]]
    for k in range(T + 1):
        assert dC[k] == p.f[k].tolist(), (variant, k)
    if variant == "no_forget":
        assert all(v == 1.0 for row in dC for v in row)


def test_each_backward_step_along_c_multiplies_by_that_steps_f():
    """With recurrent weights the backward pass adds other paths to δC_{t−1}; its step along the
    cell state itself is δC_t ∘ f_t, the factor the plot multiplies up."""
    ex = random_example(np.random.default_rng(3), "lstm", n=3, m=2, T=4)
    inp, res = _inp_res(ex)
    by_id = {s.id: s for s in res.grad_steps}
    for t, ts in enumerate(res.timesteps, start=1):
        step = by_id[f"grad.t{t}.C.forget.C_prev"]
        assert step.operands[1].value.tolist() == ts["f"].tolist()


# ------------------------------------------------------------------ where it shows, and how

def test_gru_has_no_carousel(client):
    q = query_of(random_example(np.random.default_rng(4), "gru", n=2, T=3))
    r = client.get(f"/backward?{q}")
    assert r.status_code == 200
    assert section(r.get_data(as_text=True)) is None
    inp, errors = parse_json_fields(api_body(random_example(np.random.default_rng(4), "gru", n=2, T=1)))
    assert (carousel.products(inp, unroll(inp)) is None
            and carousel.carousel_plot(inp, unroll(inp), "this GRU") is None)


@pytest.mark.parametrize("variant", LSTM_FAMILY)
def test_forward_page_has_no_carousel(client, variant):
    q = query_of(random_example(np.random.default_rng(5), variant, n=2, T=2))
    r = client.get(f"/?{q}")
    assert r.status_code == 200
    assert section(r.get_data(as_text=True)) is None
    assert "carousel-plot" not in r.get_data(as_text=True)


@pytest.mark.parametrize("variant", LSTM_FAMILY)
def test_markup_is_classes_only_and_labelled(client, variant):
    q = query_of(random_example(np.random.default_rng(6), variant, n=2, T=3))
    html = client.get(f"/backward?{q}").get_data(as_text=True)
    assert "style=" not in html and "<style" not in html and "<script>" not in html
    sec = section(html)
    svg = re.search(r'<svg class="carousel-plot"[^>]*>', sec).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="carousel-title carousel-desc"' in svg
    assert '<title id="carousel-title">' in sec and '<desc id="carousel-desc">' in sec
    assert "constant error carousel" in sec and "tanh RNN" in sec and "recurrent weight 1" in sec
    assert "steps back" in sec  # the x axis
    # the picture scales down on a phone: a viewBox, no fixed width beyond a phone's
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    assert width <= 400


def test_fragment_for_the_backward_part_has_it_too(client):
    fields = permalink.field_text(presets.ANSWER)
    r = client.post("/fragment", data={**fields, "part": "backward"})
    body = r.get_json()
    assert body["ok"] and section(body["html"]) is not None
    r = client.post("/fragment", data={**fields, "part": "forward"})
    assert section(r.get_json()["html"]) is None


def test_entry_labels_share_a_line_end():
    assert carousel._entries([0, 1, 2]) == "1–3"
    assert carousel._entries([0, 1, 3]) == "1,2,4"
    assert carousel._entries([4]) == "5"
