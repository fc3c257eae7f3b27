"""The page's "your framework" parts, without JavaScript: the paste box (POST /paste), the mapping
picture (also GET /?…&framework=…), the "Does it match?" box (POST /compare) and the export links.
Numbers are checked against PyTorch's own cell."""
from __future__ import annotations

import html
import re

import numpy as np
import pytest

from app import create_app
from app.fields import Inputs
from app.permalink import to_query

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.fixture
def cell():
    torch.manual_seed(7)
    torch.set_printoptions(precision=17)
    yield torch.nn.LSTMCell(3, 2, dtype=torch.float64)
    torch.set_printoptions(profile="default")


def _query(page: bytes) -> str:
    return html.unescape(re.search(rb'name="query" value="([^"]*)"', page).group(1).decode())


def test_pasting_a_state_dict_shows_the_example_and_its_mapping(client, cell):
    r = client.post("/paste", data={"text": str(cell.state_dict()), "paste_x": "1, -2, 0.5"})
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'class="mapping-picture"' in page and "PyTorch&#39;s tensors → our fields" in page
    # PyTorch's rows i, f, g, o: W_f is the second block of each, b_f the sum of both biases
    assert "W_f = weight_hh[2:4, :] | weight_ih[2:4, :]" in page
    assert "b_f = bias_ih[2:4] + bias_hh[2:4]" in page
    # the bands carry their gate's colour in PyTorch's order: i first
    first_bands = re.findall(r'<rect class="band g-(\w)"', page)[:4]
    assert first_bands == ["i", "f", "C", "o"]
    # the example computed is PyTorch's step
    with torch.no_grad():
        h, c = cell(torch.tensor([[1.0, -2.0, 0.5]], dtype=torch.float64))
    data = client.get(f"/api/v1/lstm?{_query(r.data)}").get_json()
    np.testing.assert_allclose(data["h"], h[0].numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(data["C"], c[0].numpy(), rtol=1e-12, atol=1e-14)


def test_a_paste_that_cannot_be_read_comes_back_with_its_text_and_the_question(client):
    text = "[[1, 2], [3, 4]], [[5, 6], [7, 8]]"
    r = client.post("/paste", data={"text": text})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert f">{text}</textarea>" in page  # kept as typed
    assert "<strong>framework</strong>" in page and "Choose the framework" in page
    assert '<details class="paste" id="paste" open>' in page


def test_a_bad_x_in_the_paste_box_is_named(client, cell):
    r = client.post("/paste", data={"text": str(cell.state_dict()), "paste_x": "1, 2"})
    assert r.status_code == 400
    assert "<strong>x</strong>" in r.get_data(as_text=True)


def test_the_compare_box_says_they_match_for_pytorchs_own_numbers(client, cell):
    page = client.post("/paste", data={"text": str(cell.state_dict()), "paste_x": "1, 2, 3"})
    with torch.no_grad():
        out = cell(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64))
    # the (h, c) tuple an LSTMCell returns, printed, pasted whole into the h box
    r = client.post("/compare", data={"query": _query(page.data), "h": str(out), "framework": "pytorch"})
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "✓ They match." in text and 'class="mapping-picture"' in text


def test_the_compare_box_names_a_swapped_gate_order(client, cell):
    """Their cell with PyTorch's f and g blocks exchanged (TF1's i, j, f, o read as PyTorch's)."""
    page = client.post("/paste", data={"text": str(cell.state_dict()), "paste_x": "1, 2, 3"})
    swapped = torch.nn.LSTMCell(3, 2, dtype=torch.float64)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            w = getattr(cell, name).detach()
            getattr(swapped, name).copy_(torch.cat([w[0:2], w[4:6], w[2:4], w[6:8]]))
        h, c = swapped(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64))
    r = client.post("/compare", data={"query": _query(page.data), "h": str(h[0].tolist()), "C": str(c[0].tolist())})
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "✗ They differ." in text
    assert "<strong>Cause:</strong> Gate order:" in text and "TF1" in text


def test_compare_input_that_is_not_n_numbers_is_named(client):
    inp = Inputs.of(x=[1, 2], **{f"W_{g}": np.eye(2, 4) for g in "fiCo"}, **{f"b_{g}": [0, 0] for g in "fiCo"})
    r = client.post("/compare", data={"query": to_query(inp), "h": "[1, 2, 3]"})
    assert r.status_code == 400
    assert "h has 3 numbers; this example&#39;s has n = 2" in r.get_data(as_text=True)


@pytest.mark.parametrize("framework, words", [("keras", "recurrent_kernel[:, 2:4]ᵀ"), ("onnx", "W[0, "),
                                              ("tf1", "forget_bias")])
def test_any_example_can_be_drawn_in_a_frameworks_layout(client, framework, words):
    inp = Inputs.of(x=[1, 2], **{f"W_{g}": np.arange(8.0).reshape(2, 4) for g in "fiCo"}, **{f"b_{g}": [0, 0] for g in "fiCo"})
    r = client.get(f"/?{to_query(inp)}&framework={framework}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'class="mapping-picture"' in page
    if framework != "onnx":
        assert words in page
    assert re.search(r'href="/\?v=1&amp;[^"]*&amp;framework=keras#mapping">Keras</a>', page)  # the layout links


def test_a_cell_the_framework_does_not_have_says_why(client):
    inp = Inputs.of(variant="mgu", x=[1], W_f=[[1, 2]], b_f=[0], W_h=[[1, 2]], b_h=[0])
    r = client.get(f"/?{to_query(inp)}&framework=pytorch")
    assert r.status_code == 200
    assert "No pytorch layout for this example" in r.get_data(as_text=True)


@pytest.mark.parametrize("join", [", ", " ", "\n", "; "])
def test_the_compare_box_reads_a_plain_list_the_way_the_page_writes_vectors(client, cell, join):
    """0.1, 0.2 (no brackets), as the page's own vector fields take it: one vector, not n scalars."""
    page = client.post("/paste", data={"text": str(cell.state_dict()), "paste_x": "1, 2, 3"})
    with torch.no_grad():
        h, c = cell(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64))
    r = client.post("/compare", data={"query": _query(page.data), "h": join.join(map(repr, h[0].tolist())),
                                      "C": join.join(map(repr, c[0].tolist()))})
    assert r.status_code == 200
    assert "✓ They match." in r.get_data(as_text=True)
    r = client.post("/compare", data={"query": _query(page.data), "h": join.join(["0.5"] * 3)})
    assert r.status_code == 400
    assert "h has 3 numbers; this example&#39;s has n = 2" in r.get_data(as_text=True)


# With the old number pattern \d+\.?\d*, a digit run that does not end a number (a space, then 2)
# could be split between \d+ and \d* in ~L ways at each of ~L ends: 8,000 digits cost ~4 s of CPU
# per route, 200,000 digits would cost ~40 minutes. That these requests answer at all is the test.
LONG_NUMBER = "[1, " + "1" * 200_000 + " 2]"
# Each "Parameter containing:" wrapped the value without counting a level: a RecursionError (500).
ENDLESS_WRAPPER = "Parameter containing:\n" * 3000 + "tensor([1.])"


@pytest.mark.parametrize("text, words", [(LONG_NUMBER, "at most 100 characters"),
                                         (ENDLESS_WRAPPER, "nests more than 8")])
def test_every_paste_route_refuses_a_huge_number_or_endless_wrapping_with_a_message(client, text, words):
    r = client.post("/api/v1/import", json={"text": text})
    assert r.status_code == 400
    [error] = r.get_json()["errors"]
    assert error["field"] == "text" and words in error["message"]
    r = client.post("/paste", data={"text": text})
    assert r.status_code == 400
    assert words in html.unescape(r.get_data(as_text=True))
    inp = Inputs.of(x=[1, 2], **{f"W_{g}": np.eye(2, 4) for g in "fiCo"}, **{f"b_{g}": [0, 0] for g in "fiCo"})
    r = client.post("/compare", data={"query": to_query(inp), "h": text})
    assert r.status_code == 400
    assert words in html.unescape(r.get_data(as_text=True))
