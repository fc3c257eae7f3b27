"""Every request within the caps answers within a bounded size (app/budget.py): the largest
examples (T = 20 time steps, n = m = k = 32) are shown one time step at a time on every route,
with links to the others, and nothing is cut inside a time step. Sizes are asserted here; how
long the worst cases take is measured by the benchmark (`make bench`), never in a test."""
from __future__ import annotations

import re
from html import unescape

import numpy as np
import pytest

from app import budget, parse
from app.fields import Inputs
from app.permalink import field_text, to_query
from tests.reference import api_body, random_example

pytestmark = pytest.mark.slow

MB = 1_000_000
LIMIT = 5 * MB


@pytest.fixture(scope="module")
def worst():
    """The largest example of each kind of cell: random, full precision (only a form can carry
    it), and the same shape all zeros (a 300-character compressed link)."""
    out = {}
    for variant in ("peephole", "gru"):
        ex = random_example(np.random.default_rng(11), variant, n=32, m=32, T=20, output=32)
        inp, errors = parse.parse_json_fields(api_body(ex))
        assert errors == []
        zeros = Inputs({k: np.zeros_like(v) for k, v in inp.items()}, variant=inp.variant)
        query = to_query(zeros)
        assert query is not None and len(query) < 600
        out[variant] = (inp, query)
    return out


def ids_on(html: str) -> set[str]:
    return set(re.findall(r'data-step="([^"]+)"', html))


def times(ids) -> set[int | None]:
    return {budget.time_of(i) for i in ids}


@pytest.mark.parametrize("variant", ["peephole", "gru"])
@pytest.mark.parametrize("path, default", [("/", 1), ("/backward", 20)])
def test_a_huge_sequences_page_shows_one_time_step_and_links_the_others(client, worst, variant, path, default):
    _, query = worst[variant]
    r = client.get(f"{path}?{query}")
    assert r.status_code == 200 and len(r.data) <= LIMIT
    html = r.get_data(as_text=True)
    assert times(ids_on(html)) == {default}
    assert f"shown one time step at a time: t = {default} of 20" in unescape(html)
    for t in range(1, 21):  # the timeline: this time step here, every other one its own page
        if t != default:
            assert f'&amp;time={t}">t = {t}</a>' in html, t
    page = client.get(f"{path}?{query}&time=7")
    assert page.status_code == 200 and len(page.data) <= LIMIT
    assert times(ids_on(page.get_data(as_text=True))) == {7}
    # every step of that time step is there, nothing cut
    forward = client.get(f"/api/v1/lstm?{query}&time=7").get_json()
    wanted = {s["id"] for s in (forward["grad_steps"] if path == "/backward" else forward["steps"])}
    assert ids_on(page.get_data(as_text=True)) == wanted


def test_a_time_that_is_not_a_time_step_shows_the_first_and_says_so(client, worst):
    _, query = worst["peephole"]
    for bad in ("0", "21", "abc", "99999999999"):
        r = client.get(f"/?{query}&time={bad}")
        assert r.status_code == 200 and times(ids_on(r.get_data(as_text=True))) == {1}
        assert "is not a time step of this example (1 to 20); showing t = 1" in unescape(r.get_data(as_text=True))


@pytest.mark.parametrize("variant", ["peephole", "gru"])
@pytest.mark.parametrize("part", ["forward", "backward"])
def test_the_form_and_live_editing_are_bounded_too(client, worst, variant, part):
    inp, _ = worst[variant]
    form = {**field_text(inp), "part": part}
    r = client.post("/fragment", data={**form, "time": "5"})
    assert r.status_code == 200 and len(r.data) <= LIMIT
    body = r.get_json()
    assert body["ok"] and times(ids_on(body["html"])) == {5}
    assert body["permalink"] is None  # too large for a link: the timeline's buttons send the form again
    assert 'form="inputs" name="time" value="6"' in body["html"]
    page = client.post("/" if part == "forward" else "/backward", data=form)
    assert page.status_code == 200 and len(page.data) <= LIMIT  # no link: the page itself
    assert times(ids_on(page.get_data(as_text=True))) == {1 if part == "forward" else 20}


@pytest.mark.parametrize("variant", ["peephole", "gru"])
def test_the_api_answers_a_huge_sequence_with_its_last_time_steps_steps_and_says_so(client, worst, variant):
    inp, query = worst[variant]
    for r in (client.post("/api/v1/lstm", json=api_body_of(inp)), client.get(f"/api/v1/lstm?{query}")):
        assert r.status_code == 200 and len(r.data) <= LIMIT
        data = r.get_json()
        assert data["paged"]["time"] == 20 and data["paged"]["T"] == 20 and "time" in data["paged"]["note"]
        assert times(s["id"] for s in data["steps"]) == {20} and times(s["id"] for s in data["grad_steps"]) == {20}
        assert len(data["timesteps"]) == 20 and set(data["grads"]) == set(inp) - {"dh", "dC", "dy"}  # outputs and gradients: all
        assert all(s["latex"] and s["title"] for s in data["steps"])


def api_body_of(inp: Inputs) -> dict:
    return {**{k: v.tolist() for k, v in inp.items()}, "variant": inp.variant, "concat": inp.concat}


def test_the_api_can_be_asked_for_one_time_step_or_without_a_part(client, worst):
    inp, query = worst["peephole"]
    body = api_body_of(inp)
    r = client.post("/api/v1/lstm", json={**body, "time": 3, "include_grad_steps": False})
    assert r.status_code == 200
    data = r.get_json()
    assert times(s["id"] for s in data["steps"]) == {3} and data["grad_steps"] == [] and data["omitted"] == ["grad_steps"]
    r = client.get(f"/api/v1/lstm?{query}&include_steps=0&include_grad_steps=0")
    assert r.status_code == 200
    data = r.get_json()
    assert data["steps"] == data["grad_steps"] == [] and "paged" not in data and len(data["timesteps"]) == 20
    for bad, field in (({"time": 0}, "time"), ({"time": "3"}, "time"), ({"time": 21}, "time"),
                       ({"include_steps": "no"}, "include_steps"), ({"include_grad_steps": 1}, "include_grad_steps")):
        r = client.post("/api/v1/lstm", json={**body, **bad})
        assert r.status_code == 400 and [e["field"] for e in r.get_json()["errors"]] == [field], bad
    r = client.get(f"/api/v1/lstm?{query}&time=x")
    assert r.status_code == 400 and r.get_json()["errors"][0]["field"] == "time"


def test_latex_of_a_huge_sequence_is_one_time_step_with_a_note(client, worst):
    _, query = worst["gru"]
    r = client.get(f"/latex?{query}&time=2")
    assert r.status_code == 200 and len(r.data) <= LIMIT
    text = r.get_data(as_text=True)
    assert text.startswith("% ") and "t = 2 of 20" in text.splitlines()[0]
    assert "(t = 2)" in text and "(t = 3)" not in text


def test_a_small_sequence_still_shows_every_time_step_on_one_page(client):
    ex = random_example(np.random.default_rng(3), "lstm", n=3, m=2, T=4, output=2)
    data = client.post("/api/v1/lstm", json=api_body(ex)).get_json()
    assert "paged" not in data and times(s["id"] for s in data["steps"]) == {1, 2, 3, 4}
    html = client.get(data["permalink"]).get_data(as_text=True)
    assert times(ids_on(html)) == {1, 2, 3, 4} and "one time step at a time" not in html
    assert 'href="#t3.v.concat"' in html  # the timeline's links stay on the page


def test_one_time_step_of_the_largest_example_fits_the_budget():
    """The budget holds the biggest single time step within the caps: paging never has to cut one."""
    for variant in ("lstm", "peephole", "coupled", "no_forget", "gru", "mgu"):
        ex = random_example(np.random.default_rng(5), variant, n=32, m=32, T=2, output=32)
        inp, _ = parse.parse_json_fields(api_body(ex))
        from app.sequence import unroll
        res = unroll(inp)
        for t in (1, 2):
            step_entries = budget.entries(budget.at_time(res.steps, t)) + budget.entries(budget.at_time(res.grad_steps, t))
            assert step_entries <= budget.ENTRIES, (variant, t, step_entries)


@pytest.mark.parametrize("variant", ["peephole", "gru"])
def test_a_huge_sequences_worksheet_and_practice_page_show_one_time_step(client, worst, variant):
    """Practice mode (issue 12): the worksheet, its key and the practice page of the largest
    examples stay within the bound, one time step at a time like /latex."""
    _, query = worst[variant]
    for extra in ("", "&key=1", "&time=20&key=1"):
        r = client.get(f"/worksheet?{query}{extra}")
        assert r.status_code == 200 and len(r.data) <= LIMIT, extra
        text = r.get_data(as_text=True)
        assert "shown one time step at a time" in text
        shown = re.findall(r"\\paragraph\{Step (\d+)\.\}", text)
        assert 0 < len(shown) < 40, extra  # one time step's steps, numbered among all of them
    assert int(shown[0]) > 300  # t = 20's steps come after 19 time steps of others
    r = client.get(f"/?{query}&mode=practice&time=3")
    assert r.status_code == 200 and len(r.data) <= LIMIT
    assert times(ids_on(r.get_data(as_text=True))) == {3}
