"""Short links (issue 11): every example can be shared as /e/<id>, the id is the example's
content (the same on every instance), and links survive restarts and crashes. Every test that
touches a database runs on SQLite and on a real PostgreSQL (`database_url`, tests/linkdb.py)."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import pytest
from werkzeug.datastructures import MultiDict

from app import budget, create_app, links, parse, presets
from app.permalink import to_query
from app.sequence import unroll
from tests.linkdb import rows, start_postgres, stop_postgres
from tests.reference import api_body, random_example

ROOT = Path(__file__).resolve().parent.parent
LINKS = "/api/v1/links"
ID = re.compile(r"[A-Za-z0-9_-]{16}")


# ------------------------------------------------------------------------------ helpers

def small(x=(1, 2), **changes) -> dict:
    """A 2×2 LSTM step as the API takes it."""
    body = {"x": list(x), "h_prev": [0.5, -0.5], "C_prev": [0, 1]}
    for g, w in zip("fiCo", (0.1, 1, 0.5, -1)):
        body[f"W_{g}"] = [[w, 0.2, 0.3, 0.4], [0.5, w, 0.7, 0.8]]
        body[f"b_{g}"] = [0, w]
    return {**body, **changes}


def create(client, body, status=201) -> str:
    r = client.post(LINKS, json=body)
    assert r.status_code == status, r.get_json()
    data = r.get_json()
    assert ID.fullmatch(data["id"]) and data["url"] == f"/e/{data['id']}", data
    return data["id"]


def steps_of(html: str) -> list[str]:
    return re.findall(r'<article class="step" id="[^"]+" data-step="([^"]+)"', html)


def worked_tail(html: str) -> str:
    """The page from its table of dimensions on: every step and number (no links)."""
    assert '<section class="dims"' in html
    return html.split('<section class="dims"', 1)[1]


class Form(HTMLParser):
    """The page's own form (id="inputs"): its fields as a browser would post them, and the
    Short link button's target."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.short_action = None
        self._in_form = False
        self._textarea = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = a.get("id") == "inputs"
        if tag == "button" and "make-short" in (a.get("class") or ""):
            assert a.get("form") == "inputs" and a.get("type") == "submit"
            self.short_action = a["formaction"]
        if not self._in_form:
            return
        if tag == "input" and "name" in a:
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a["value"]))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def short_link_of_page(client, html: str) -> str:
    """Press the page's Short link button (no JavaScript): its form posted, the redirect's target."""
    form = Form(html)
    assert form.short_action == "/e"
    r = client.post(form.short_action, data=MultiDict(form.fields))
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return r.headers["Location"]


@pytest.fixture
def app(links_app):
    return links_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def connects(app, monkeypatch):
    """How many times the app opened its database (a list: one entry per connection)."""
    opened = []
    backend = app.extensions["links"]
    real = backend.connect
    monkeypatch.setattr(backend, "connect", lambda: opened.append(1) or real())
    return opened


# ------------------------------------------------------------------------------ making and opening

def test_a_new_example_is_201_then_200_with_the_same_id(client, database_url):
    first = client.post(LINKS, json=small())
    assert first.status_code == 201
    assert first.headers["Location"] == first.get_json()["url"]
    again = client.post(LINKS, json=small())
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert [key for key, _ in rows(database_url)] == [first.get_json()["id"]]


def test_the_same_example_written_differently_gets_the_same_id(client, database_url):
    plain = create(client, small())
    assert create(client, small(x=[1.0, 2.0]), 200) == plain
    body = small()
    body["W_f"] = [[1e-1, 0.20, 3e-1, 0.4], [0.5, 0.1, 0.7, 0.8]]
    assert create(client, body, 200) == plain
    # the API's answer options are not part of the example
    assert create(client, {**small(), "time": 1, "include_steps": False}, 200) == plain
    # the form's text, any accepted format
    form = {name: ", ".join(map(str, value)) if not isinstance(value[0], list)
            else "\n".join(" ".join(map(str, row)) for row in value) for name, value in small().items()}
    r = client.post("/e", data={**form, "x": "[1, 2.000]", "concat": "hx"})
    assert r.status_code == 303 and r.headers["Location"] == f"/e/{plain}"
    assert len(rows(database_url)) == 1


def test_leaving_out_a_default_is_the_same_example(client):
    zeros = create(client, small(C_prev=[0, 0]))
    assert create(client, {k: v for k, v in small().items() if k != "C_prev"}, 200) == zeros


@pytest.mark.parametrize("change", [
    {"x": [1, 2.0000000000000004]}, {"concat": "xh"}, {"x": [[1, 2], [3, 4]]}, {"variant": "coupled"},
    {"W_y": [[1, 0], [0, 1]], "b_y": [0, 0]}, {"dh": [1, 2]},
])
def test_different_examples_get_different_ids(client, change):
    body = small(**change)
    if change.get("variant") == "coupled":
        del body["W_i"], body["b_i"]
    assert create(client, small()) != create(client, body)


def test_every_preset_gets_a_link_whose_page_api_and_input_match_its_permalink(client):
    for preset in presets.PRESETS:
        query = to_query(preset.example)
        permalink_answer = client.get(f"/api/v1/lstm?{query}").get_json()
        r = client.post("/e", data=MultiDict(parse_qsl(query, keep_blank_values=True)))  # the permalink's fields
        assert r.status_code == 303
        key = r.headers["Location"].rsplit("/", 1)[1]
        # its input as JSON posts back to the same id and computes the same answer
        body = client.get(f"{LINKS}/{key}").get_json()
        assert create(client, body, 200) == key, preset.title
        assert client.post("/api/v1/lstm", json=body).get_json() == permalink_answer, preset.title
        # the API's answer for the link is the permalink's, number for number
        r = client.get(f"/api/v1/lstm?link={key}")
        assert r.status_code == 200 and r.get_json() == permalink_answer, preset.title
        for part in ("", "/backward"):
            by_link = client.get(f"/e/{key}{part}")
            by_permalink = client.get(f"{part or '/'}?{query}")
            assert by_link.status_code == by_permalink.status_code == 200
            link_html, permalink_html = by_link.get_data(as_text=True), by_permalink.get_data(as_text=True)
            assert steps_of(link_html) == steps_of(permalink_html) != []
            if not preset.example.is_sequence:  # (a timeline links each time step: those differ)
                assert worked_tail(link_html) == worked_tail(permalink_html), preset.title
        latex = client.get(f"/e/{key}/latex")
        assert latex.status_code == 200 and latex.data == client.get(f"/latex?{query}").data


def test_a_links_page_names_the_short_link_as_canonical_and_offers_copy(client):
    key = create(client, small())
    r = client.get(f"/e/{key}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert f'<link rel="canonical" href="/e/{key}">' in html
    assert f'Short link: <a class="short" href="/e/{key}">/e/{key}</a>' in html
    assert '<button type="button" class="copy-link" hidden>Copy link</button>' in html  # app.js shows it
    assert 'class="in-url" href="/?v=1&amp;' in html  # the example in the URL too, as it fits one
    assert f'href="/api/v1/lstm?link={key}">JSON</a>' in html and f'href="/e/{key}/latex">LaTeX</a>' in html
    assert f'href="/e/{key}/backward"' in html
    assert 'class="make-short"' not in html
    back = client.get(f"/e/{key}/backward").get_data(as_text=True)
    assert f'<link rel="canonical" href="/e/{key}/backward">' in back and f'href="/e/{key}"' in back


def test_a_links_pages_are_cached_as_immutable_and_remembered(app, client):
    key = create(client, small())
    cache = app.extensions["response_cache"]
    before = len(cache)
    client.post(LINKS, json=small())  # a write: never remembered
    assert len(cache) == before
    for path in (f"/e/{key}", f"/e/{key}/backward", f"/e/{key}/latex", f"{LINKS}/{key}", f"/api/v1/lstm?link={key}"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["ETag"] and "immutable" in r.headers["Cache-Control"], path
        assert client.get(path, headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert len(cache) == before + 5


def test_every_example_page_has_a_short_link_button_that_posts_its_form(client):
    for path in ("/", "/backward", f"/?{to_query(presets.PRESETS[2].example)}"):
        r = client.get(path)
        assert r.status_code == 200
        html = r.get_data(as_text=True)
        assert ('<button type="submit" class="make-short" form="inputs" formaction="/e" '
                'formmethod="post">Short link</button>') in html
        target = short_link_of_page(client, html)
        assert re.fullmatch(r"/e/[A-Za-z0-9_-]{16}" + ("/backward" if path == "/backward" else ""), target)
        page = client.get(target)
        assert page.status_code == 200 and steps_of(page.get_data(as_text=True)) == steps_of(html)


def test_the_live_editing_fragment_carries_the_short_link_button(client):
    form = Form(client.get("/").get_data(as_text=True)).fields
    r = client.post("/fragment", data=MultiDict(form))
    assert r.status_code == 200 and r.get_json()["ok"]
    assert 'class="make-short" form="inputs" formaction="/e"' in r.get_json()["html"]


@pytest.mark.slow
def test_an_example_too_large_for_a_url_gets_a_short_link_from_its_page(client):
    inp = presets.random_example(n=32, m=32, seed=5)
    assert to_query(inp) is None
    r = client.get("/random?n=32&m=32&seed=5")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "too large for a link" in html and "Its short link keeps it whole" in html
    form = Form(html)
    assert sum(len(k) + len(v) for k, v in form.fields) < 256 * 1024  # the body cap
    target = short_link_of_page(client, html)
    key = target.rsplit("/", 1)[1]
    page = client.get(target)
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert f'<link rel="canonical" href="/e/{key}">' in shown and "too large" not in shown
    assert 'class="in-url"' not in shown  # no readable link exists: the short link is the link
    assert steps_of(shown) == steps_of(html)
    answer = client.get(f"/api/v1/lstm?link={key}").get_json()
    assert np.array(answer["h"]).tobytes() == unroll(inp).last["h"].tobytes()  # every bit
    assert create(client, client.get(f"{LINKS}/{key}").get_json(), 200) == key


@pytest.mark.slow
def test_a_large_sequences_link_is_shown_one_time_step_at_a_time(client):
    ex = random_example(np.random.default_rng(3), "lstm", n=20, m=20, T=20)
    inp, errors = parse.parse_json_fields(api_body(ex))
    assert errors == [] and budget.paging(unroll(inp, with_grads=False).steps, 20, None, 1) is not None
    key = create(client, api_body(ex))
    r = client.get(f"/e/{key}?time=7")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert {budget.time_of(s) for s in steps_of(html)} == {7}
    assert f'<a href="/e/{key}?time=8">t = 8</a>' in html  # the timeline stays on the short link
    api = client.get(f"/api/v1/lstm?link={key}&time=7&include_grad_steps=0").get_json()
    assert api["paged"]["time"] == 7 and {budget.time_of(s["id"]) for s in api["steps"]} == {7}
    assert api["grad_steps"] == [] and api["omitted"] == ["grad_steps"]
    latex = client.get(f"/e/{key}/latex?time=7").get_data(as_text=True)
    assert "t = 7 of 20" in latex


# ------------------------------------------------------------------------------ teacher links

def test_a_step_option_opens_the_link_at_that_step_without_a_new_row(client, database_url):
    key = create(client, small())
    r = client.get(f"/e/{key}?step=f.sigmoid")
    assert r.status_code == 302 and r.headers["Location"] == f"/e/{key}#f.sigmoid"
    r = client.get(f"/e/{key}/backward?step=grad.h.update.o&steps=grad.h.update.o")
    assert r.status_code == 302
    assert r.headers["Location"] == f"/e/{key}/backward?steps=grad.h.update.o#grad.h.update.o"
    assert len(rows(database_url)) == 1


def test_a_steps_option_shows_only_those_steps_and_names_unknown_ones(client, database_url):
    key = create(client, small())
    r = client.get(f"/e/{key}?steps=f.matmul,f.bias,no.such")
    assert r.status_code == 200
    html = unescape(r.get_data(as_text=True))
    assert steps_of(html) == ["f.matmul", "f.bias"]
    assert "This link shows 2 of the example's 18 steps." in html
    assert "Not steps of this example (step ids are like f.matmul): no.such." in html
    assert f'<a href="/e/{key}">All steps</a>' in html
    r = client.get(f"/e/{key}?steps=nothing")
    assert r.status_code == 200 and len(steps_of(r.get_data(as_text=True))) == 18
    assert "does not have, so all 18 are shown" in unescape(r.get_data(as_text=True))
    seq = create(client, small(x=[[1, 2], [3, 4], [5, 6]]))
    r = client.get(f"/e/{seq}?steps=h.update")  # in a sequence: that step at every time step
    assert steps_of(r.get_data(as_text=True)) == ["t1.h.update", "t2.h.update", "t3.h.update"]
    assert len(rows(database_url)) == 2


# ------------------------------------------------------------------------------ not found, bad input

def test_an_unknown_id_is_a_404_page_and_a_json_404(client):
    create(client, small())
    unknown = "A" * 16
    for path in (f"/e/{unknown}", f"/e/{unknown}/backward", f"/e/{unknown}/latex"):
        r = client.get(path)
        assert r.status_code == 404 and "There is no short link with this id" in r.get_data(as_text=True), path
        assert r.mimetype == "text/html"
    for path in (f"{LINKS}/{unknown}", f"/api/v1/lstm?link={unknown}"):
        r = client.get(path)
        assert r.status_code == 404 and r.mimetype == "application/json", path
        assert "There is no short link with this id" in r.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("bad", ["short", "A" * 15, "A" * 17, "AAAAAAAAAAAAAAA!", "AAAAAAAAAAAAAAA%C3%A9",
                                 "AAAAAAAA.AAAAAAA", "%00" * 16])
def test_a_malformed_id_is_a_404_without_touching_the_database(client, connects, bad):
    for path in (f"/e/{bad}", f"/e/{bad}/backward", f"/e/{bad}/latex", f"{LINKS}/{bad}",
                 f"/api/v1/lstm?link={bad}"):
        r = client.get(path)
        assert r.status_code == 404, path
    assert connects == []
    assert client.get(f"/e/{'A' * 16}").status_code == 404 and connects == [1]  # (the count works)


def test_an_invalid_example_gets_the_apis_400_and_no_row(client, database_url):
    body = small(W_f=[[1, 2], [3, 4]])
    r = client.post(LINKS, json=body)
    assert r.status_code == 400
    assert r.get_json() == client.post("/api/v1/lstm", json=body).get_json()
    assert r.get_json()["errors"][0]["field"] == "W_f"
    assert client.post(LINKS, data="{", content_type="application/json").status_code == 400
    r = client.post("/e", data={"x": "1, 2", "W_f": "nonsense"})
    assert r.status_code == 400 and "W_f" in r.get_data(as_text=True)
    assert client.get("/api/v1/lstm?link=AAAAAAAAAAAAAAAA&x=1").status_code == 400
    assert rows(database_url) == []


def test_a_body_over_the_cap_is_413(client):
    r = client.post(LINKS, data=b'{"x": [' + b"1, " * 100_000 + b"1]}", content_type="application/json")
    assert r.status_code == 413 and "256 KiB" in r.get_json()["errors"][0]["message"]


# ------------------------------------------------------------------------------ bounds

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_link_creation_is_rate_limited_per_client(links_app, database_url):
    app = links_app(LINKS_PER_MINUTE=3)
    clock = app.extensions["links_rate"].clock = Clock()
    client = app.test_client()
    for i in range(3):
        create(client, small(x=[i, 0]))
    r = client.post(LINKS, json=small(x=[9, 9]))
    assert r.status_code == 429 and r.headers["Retry-After"] == "60"
    assert "at most 3 a minute" in r.get_json()["errors"][0]["message"]
    r = client.post("/e", data={"x": "1, 2"})  # the page's button counts the same
    assert r.status_code == 429 and r.headers["Retry-After"] == "60" and "at most 3 a minute" in r.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # another client has its own minute
    create(other, small(x=[9, 9]))
    clock.now += 40
    assert client.post(LINKS, json=small(x=[9, 8])).headers["Retry-After"] == "20"
    clock.now += 21
    assert client.get(f"/e/{create(client, small(x=[9, 8]))}").status_code == 200
    assert len(rows(database_url)) == 5


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client():
    def hammer(app, forwarded):
        client = app.test_client()
        return [client.post(LINKS, json={}, headers={"X-Forwarded-For": f}).status_code for f in forwarded]

    # LINKS_PER_MINUTE counts requests, before the body is read: an empty body is a 400, counted.
    direct = create_app({"TESTING": True, "LINKS_PER_MINUTE": 1})
    assert hammer(direct, ["192.0.2.1", "192.0.2.2"]) == [400, 429]  # a client cannot dodge it
    proxied = create_app({"TESTING": True, "LINKS_PER_MINUTE": 1, "LINKS_TRUSTED_PROXIES": 1})
    assert hammer(proxied, ["192.0.2.1", "192.0.2.2", "203.0.113.5, 192.0.2.1"]) == [400, 400, 429]


def test_when_the_store_is_full_new_links_are_507_and_old_ones_still_open(links_app, database_url):
    old = create(links_app().test_client(), small())
    full = links_app(LINKS_MAX_BYTES=1).test_client()
    r = full.post(LINKS, json=small(x=[3, 4]))
    assert r.status_code == 507 and "store is full" in r.get_json()["errors"][0]["message"]
    r = full.post("/e", data=_text(small(x=[3, 4])))
    assert r.status_code == 507 and "store is full" in r.get_data(as_text=True)
    assert create(full, small(), 200) == old  # an existing link needs no room
    assert full.get(f"/e/{old}").status_code == 200
    assert [key for key, _ in rows(database_url)] == [old]


def _text(body: dict) -> dict:
    return {k: "; ".join(", ".join(map(str, row)) for row in v) if isinstance(v[0], list) else ", ".join(map(str, v))
            for k, v in body.items()}


def test_bad_settings_are_refused_at_startup():
    for config in ({"LINKS_PER_MINUTE": -1}, {"LINKS_MAX_BYTES": "1 GiB"}, {"DATABASE_URL": "mysql://x/y"},
                   {"DATABASE_URL": "sqlite://"}):
        with pytest.raises(ValueError):
            create_app({"TESTING": True, **config})


def test_the_default_database_is_sqlite_in_the_instance_folder():
    app = create_app({"TESTING": True})
    backend = app.extensions["links"]
    assert isinstance(backend, links.SQLiteBackend)
    assert backend.path == os.path.join(app.instance_path, "links.sqlite3")


def test_the_app_never_updates_or_deletes_a_link():
    source = (ROOT / "app" / "links.py").read_text()
    assert not re.search(r"\b(UPDATE|DELETE|DROP|TRUNCATE|REPLACE)\b", source.replace("DO NOTHING", ""))
    assert source.count("INSERT INTO links") == 2 and source.count("ON CONFLICT (id) DO NOTHING") == 2


# ------------------------------------------------------------------------------ storage that lasts

def test_a_link_survives_a_restart(links_app, database_url):
    key = create(links_app().test_client(), small())
    restarted = links_app().test_client()  # a new instance: nothing shared but the database
    assert restarted.get(f"/e/{key}").status_code == 200
    assert create(restarted, small(), 200) == key
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url[len("sqlite:///"):]) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_link_made_on_one_instance_opens_on_another(links_app, database_url):
    one, two = links_app().test_client(), links_app().test_client()
    key = create(one, small())
    assert two.get(f"/e/{key}").status_code == 200
    assert two.get(f"/api/v1/lstm?link={key}").get_json() == one.get(f"/api/v1/lstm?link={key}").get_json()
    assert create(two, small(x=[5, 6])) != key
    assert one.get(f"{LINKS}/{create(one, small(x=[5, 6]), 200)}").status_code == 200


@pytest.mark.slow
def test_identical_concurrent_creates_make_one_row(links_app, database_url):
    apps = [links_app(), links_app()]  # two instances on one database, four threads each
    start = threading.Barrier(8)
    answers = []

    def post(app):
        client = app.test_client()
        start.wait()
        r = client.post(LINKS, json=small(x=[7, 7]))
        answers.append((r.status_code, r.get_json()))

    threads = [threading.Thread(target=post, args=(apps[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in answers) == [200] * 7 + [201], answers
    assert len({data["id"] for _, data in answers}) == 1
    assert [key for key, _ in rows(database_url)] == [answers[0][1]["id"]]


def _write_until_killed(url: str, at_least: int, kill_database=None) -> list[str]:
    """Run tests/link_writer.py against `url`; once it has reported `at_least` links, SIGKILL
    (first the database, if given, then) the writer, mid-write. The ids it reported as stored."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, str(ROOT / "tests" / "link_writer.py"), url], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    reported = []
    try:
        for line in writer.stdout:
            reported.append(line.strip())
            if len(reported) >= at_least:
                break
        if kill_database is not None:
            kill_database()
        writer.send_signal(signal.SIGKILL)
        reported += [line.strip() for line in writer.stdout]  # anything answered before it died
    finally:
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()
    assert writer.returncode == -signal.SIGKILL
    assert len(reported) >= at_least, "the writer stopped before making enough links"
    return reported


@pytest.mark.slow
def test_every_link_answered_survives_a_kill_9_of_the_app_mid_write(links_app, database_url):
    reported = _write_until_killed(database_url, at_least=40)
    stored = dict(rows(database_url))
    assert set(reported) <= set(stored)
    client = links_app().test_client()
    for key in reported[::7] + reported[-3:]:
        assert client.get(f"/api/v1/lstm?link={key}").status_code == 200
    for key, text in stored.items():  # every row is whole: its text is still the example it names
        assert links.id_of(text) == key
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url[len("sqlite:///"):]) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


@pytest.mark.slow
def test_every_link_answered_survives_a_kill_9_of_postgresql_mid_write(postgres_server):
    server, why = start_postgres()  # a server of its own: this test crashes it
    if server is None:
        pytest.fail(f"a second throwaway PostgreSQL could not start: {why}", pytrace=False)
    try:
        url = server.url()
        reported = _write_until_killed(url, at_least=40, kill_database=server.kill)
        server.start()  # crash recovery replays the write-ahead log
        stored = dict(rows(url))
        assert set(reported) <= set(stored)
        assert all(links.id_of(text) == key for key, text in stored.items())
        client = create_app({"TESTING": True, "DATABASE_URL": url}).test_client()
        assert client.get(f"/e/{reported[-1]}").status_code == 200
    finally:
        stop_postgres(server)
