"""Sequences (issue 4): how x's rows become time steps, in text and JSON; a sequence is its steps
chained (each one bit for bit the single step from the previous h and C); timesteps and
prefixed step ids; permalinks that carry every new field and round-trip exactly, while v1 links
keep their meaning and their exact text."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import permalink
from app.parse import parse_json_fields, parse_text_fields
from app.presets import PRESETS, QUESTION
from tests.reference import api_body, random_example

API = "/api/v1/lstm"
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def post_ok(client, body: dict) -> dict:
    r = client.post(API, json=body)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def seed_text(**changes) -> dict:
    fields = permalink.field_text(QUESTION)
    fields.update(changes)
    return fields


def x_of(fields_or_body, parse) -> np.ndarray:
    inp, errors = parse(fields_or_body)
    assert errors == [], errors
    return inp["x"]


def seed_body(**changes) -> dict:
    body = {name: QUESTION[name].tolist() for name in
            ("x", "h_prev", "C_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")}
    return body | {"concat": "xh"} | changes


# ------------------------------------------------------------------ which x is a sequence

@pytest.mark.parametrize("text, shape", [
    ("1, 2, 3", (3,)),  # one row: one vector (v1)
    ("1\n2\n3", (3,)),  # a column: one vector (v1, the seed's column vectors)
    ("[[1], [2], [3]]", (3,)),
    ("1, 2, 3; 4, 5, 6", (2, 3)),  # rows of more than one number: time steps
    ("[[1, 2, 3], [4, 5, 6]]", (2, 3)),
    (r"\begin{bmatrix} 1 & 2 & 3 \\ 4 & 5 & 6 \end{bmatrix}", (2, 3)),
    ("1 2 3\n4 5 6\n7 8 9\n1 1 1", (4, 3)),
])
def test_text_x_is_a_sequence_when_its_rows_have_more_than_one_number(text, shape):
    assert x_of(seed_text(x=text), parse_text_fields).shape == shape


def test_a_sequence_of_single_numbers_needs_T():
    fields = {**seed_text(), "W_f": "1, 2, 3, 4\n5, 6, 7, 8\n3, 4, 5, 6", "W_i": "0 0 0 0\n0 0 0 0\n0 0 0 0",
              "W_C": "0 0 0 0\n0 0 0 0\n0 0 0 0", "W_o": "0 0 0 0\n0 0 0 0\n0 0 0 0"}
    assert x_of({**fields, "x": "1; 2; 3", "T": "3"}, parse_text_fields).tolist() == [[1], [2], [3]]
    assert x_of({**fields, "x": "1, 2, 3", "T": "3"}, parse_text_fields).tolist() == [[1], [2], [3]]
    assert x_of({**seed_text(), "x": "1, 2, 3", "T": "1"}, parse_text_fields).tolist() == [1, 2, 3]
    assert x_of({**seed_text(), "x": "1; 2; 3", "T": "1"}, parse_text_fields).tolist() == [1, 2, 3]
    assert x_of({**fields, "x": "1", "T": ""}, parse_text_fields).tolist() == [1]  # empty T: not given


@pytest.mark.parametrize("x, T, shape", [
    ([1, 2, 3], None, (3,)),
    ([[1, 2, 3]], None, (3,)),
    ([[1], [2], [3]], None, (3,)),
    ([[1, 2, 3], [4, 5, 6]], None, (2, 3)),
    ([[1, 2, 3], [4, 5, 6]], 2, (2, 3)),
    ([[1, 2, 3]], 1, (3,)),
])
def test_json_x_follows_the_same_rule(x, T, shape):
    body = seed_body(x=x) | ({"T": T} if T is not None else {})
    assert x_of(body, parse_json_fields).shape == shape


def test_json_sequence_of_single_numbers_with_T():
    body = random_example(np.random.default_rng(1), "gru", n=2, m=1, T=3)
    inp, errors = parse_json_fields(body | {"T": 3})
    assert errors == [] and inp["x"].shape == (3, 1)
    inp, errors = parse_json_fields(body | {"x": [0.5, 0.25, 1], "T": 3})
    assert errors == [] and inp["x"].tolist() == [[0.5], [0.25], [1.0]]
    inp, errors = parse_json_fields(body)  # without T, a column is one vector (m = 3): W is 2×3
    assert [e["field"] for e in errors] == ["W_r", "W_z", "W_h"]
    assert "must be 2×5" in errors[0]["message"]


# ------------------------------------------------------------------ a sequence is its steps chained

@pytest.mark.parametrize("variant", ["lstm", "no_forget", "peephole", "coupled", "gru", "mgu"])
@pytest.mark.parametrize("concat", ["hx", "xh"])
def test_a_sequence_is_its_single_steps_chained_bit_for_bit(client, variant, concat):
    example = random_example(np.random.default_rng([2, len(variant)]), variant, n=3, m=2, T=4, concat=concat,
                             output=2, dy=False)
    whole = post_ok(client, api_body(example))
    h, C = example["h_prev"], example.get("C_prev")
    for t, x in enumerate(example["x"]):
        single = {**example, "x": x, "h_prev": h} | ({"C_prev": C} if C is not None else {})
        one = post_ok(client, single)
        assert one["T"] == 1 and len(one["timesteps"]) == 1
        for name, value in one["timesteps"][0].items():
            if name not in ("t", "dh", "dC"):
                assert whole["timesteps"][t][name] == value, (t, name)
        h, C = one["h"], one.get("C")
    assert whole["h"] == h and whole.get("C") == C  # the top level is the last step's


def test_a_single_vector_behaves_as_v1(client):
    data = post_ok(client, seed_body())
    assert data["T"] == 1 and len(data["timesteps"]) == 1
    assert all(re.fullmatch(r"[A-Za-z_]+\.[a-z]+", s["id"]) for s in data["steps"])
    assert data["timesteps"][0]["h"] == data["h"] and data["timesteps"][0]["t"] == 1


def test_sequence_step_ids_carry_the_time_step(client):
    data = post_ok(client, api_body(random_example(np.random.default_rng(3), "lstm", T=3, output=1)))
    ids = [s["id"] for s in data["steps"]]
    per_step = len(ids) // 3
    for t in (1, 2, 3):
        chunk = ids[(t - 1) * per_step:t * per_step]
        assert all(sid.startswith(f"t{t}.") for sid in chunk), chunk
        assert chunk[0] == f"t{t}.v.concat" and chunk[-1] == f"t{t}.y.sigmoid"
    grad_ids = [s["id"] for s in data["grad_steps"]]
    assert grad_ids[0].startswith("grad.t3.") and grad_ids[-1].startswith("grad.t1.")


@pytest.mark.slow
def test_twenty_steps_of_32_by_32_compute_and_render(client):
    example = random_example(np.random.default_rng(4), "lstm", n=32, m=32, T=20, scale=0.2)
    data = post_ok(client, api_body(example))
    assert data["T"] == 20 and np.shape(data["grads"]["x"]) == (20, 32)
    assert data["permalink"] is None  # far past any link
    form = permalink.field_text(parse_json_fields(api_body(example))[0])
    r = client.post("/", data=form)
    assert r.status_code == 200 and r.get_data(as_text=True).count("data-step=") == len(data["steps"])
    r = client.post("/backward", data=form)
    assert r.status_code == 200 and r.get_data(as_text=True).count("data-step=") == len(data["grad_steps"])


# ------------------------------------------------------------------ permalinks

def test_v1_links_are_unchanged_and_mean_an_lstm_step(client):
    v1 = [p for p in PRESETS if p.example.variant == "lstm" and p.example.T == 1 and "W_y" not in p.example]
    assert len(v1) >= 4
    for preset in v1:
        query = permalink.to_query(preset.example)
        keys = [k for k, _ in parse_qsl(query)]
        assert keys[:2] == ["v", "concat"] and not {"variant", "T", "gru_reset", "dh"} & set(keys)
    data = client.get(f"{API}?{permalink.to_query(QUESTION)}").get_json()
    assert data["variant"] == "lstm" and data["z_f"] == [92.0, 177.0, 136.0]


def test_links_carry_the_new_fields_readably(client):
    example = random_example(np.random.default_rng(5), "gru", n=2, m=1, T=3, gru_reset="before", output=1)
    example = {k: (np.round(np.array(v), 2).tolist() if isinstance(v, list) else v) for k, v in example.items()}
    data = post_ok(client, api_body(example | {"T": 3}))
    pairs = parse_qsl(urlsplit(data["permalink"]).query)
    keys = [k for k, _ in pairs]
    assert keys == ["v", "variant", "gru_reset", "concat", "T", "x", "h_prev", "W_r", "b_r", "W_z", "b_z",
                    "W_h", "b_h", "W_y", "b_y", "dh", "dy"]
    assert dict(pairs)["x"] == ";".join(permalink.exact(r[0]) for r in example["x"])  # one row per step


def _examples(draw):
    variant = draw(st.sampled_from(["lstm", "no_forget", "peephole", "coupled", "gru", "mgu"]))
    n, m, T = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 3))
    f = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False, width=64)
    rng_seed = draw(st.integers(0, 2**32 - 1))
    example = random_example(np.random.default_rng(rng_seed), variant, n=n, m=m, T=T,
                             concat=draw(st.sampled_from(["hx", "xh"])),
                             gru_reset=draw(st.sampled_from(["after", "before"])),
                             output=draw(st.integers(0, 2)), dC=draw(st.booleans()), dy=draw(st.booleans()))
    # a few entries anywhere in the caps: subnormals, -0.0, 1e6
    name = draw(st.sampled_from([k for k, v in example.items() if isinstance(v, list)]))
    value = np.array(example[name], dtype=np.float64)
    value.flat[draw(st.integers(0, value.size - 1))] = draw(f)
    example[name] = value.tolist()
    return example


@SETTINGS
@given(example=st.composite(_examples)())
def test_every_new_field_round_trips_exactly_through_the_link(client, example):
    body = api_body(example) | ({"T": len(example["x"])} if len(example["x"]) > 1 else {})
    posted = post_ok(client, body)
    query = urlsplit(posted["permalink"]).query
    again = client.get(f"{API}?{query}")
    assert again.status_code == 200 and again.get_json() == posted
    fields, errors = permalink.from_pairs(parse_qsl(query, keep_blank_values=True))  # readable or compact
    assert errors == []
    inp, errors = parse_text_fields(fields)
    assert errors == []
    for name, value in body.items():
        if name in ("variant", "concat", "gru_reset", "T"):
            continue
        got = inp[name]
        assert (np.asarray(value, dtype=np.float64) + 0.0).tobytes() == (got + 0.0).tobytes(), name
    page = client.get(posted["permalink"])
    assert page.status_code == 200


def test_a_long_sequence_gets_a_compact_link_that_round_trips(client):
    example = random_example(np.random.default_rng(6), "peephole", n=3, m=3, T=6, output=2)
    data = post_ok(client, api_body(example))
    query = urlsplit(data["permalink"]).query
    assert re.fullmatch(r"v=1&z=[A-Za-z0-9_-]+", query)
    assert client.get(f"{API}?{query}").get_json() == data
