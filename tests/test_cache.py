"""The response memo (app/cache.py): a remembered answer is byte-for-byte the answer the app
would compute, different requests never share one, and the memo stays bounded."""
import json

import pytest

from app import create_app, permalink, presets


@pytest.fixture
def uncached_client():
    return create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 0}).test_client()


def _seed_body() -> bytes:
    text = permalink.field_text(presets.QUESTION, sep=",", row_sep=";")
    body = {name: [[float(a) for a in row.split(",")] for row in value.split(";")]
            if name.startswith("W_") else [float(a) for a in value.split(",")]
            for name, value in text.items() if name != "concat"}
    body["concat"] = "xh"
    return json.dumps(body).encode()


@pytest.mark.parametrize("method, url, body", [
    ("GET", "/", None),
    ("GET", "/?" + permalink.to_query(presets.ANSWER), None),
    ("GET", "/?x=1,2,banana", None),  # a 400 page is remembered too
    ("GET", "/latex?" + permalink.to_query(presets.ZERO_STATE), None),
    ("GET", "/api/v1/lstm?" + permalink.to_query(presets.QUESTION), None),
    ("POST", "/api/v1/lstm", _seed_body()),
    ("POST", "/api/v1/lstm", b'{"x": [1, 2], "W_f": "oops"}'),
])
def test_a_remembered_answer_is_the_computed_answer(client, uncached_client, method, url, body):
    computed = uncached_client.open(url, method=method, data=body)
    first = client.open(url, method=method, data=body)
    again = client.open(url, method=method, data=body)
    assert computed.status_code == first.status_code == again.status_code
    assert computed.status_code in (200, 400)
    assert computed.data == first.data == again.data
    assert computed.mimetype == again.mimetype
    assert again.headers["Content-Security-Policy"] == computed.headers["Content-Security-Policy"]
    assert len(client.application.extensions["response_cache"]) == 1


def test_different_bodies_get_different_answers(client):
    a = client.post("/api/v1/lstm", data=_seed_body())
    b = client.post("/api/v1/lstm", data=_seed_body().replace(b'"x": [1.0, 2.0, 3.0]', b'"x": [1.0, 2.0, 4.0]'))
    assert a.status_code == b.status_code == 200
    assert a.get_json()["v"] != b.get_json()["v"]
    assert b.get_json()["v"][:3] == [1, 2, 4]


def test_the_memo_is_bounded_and_can_be_turned_off(uncached_client):
    app = create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 3})
    client = app.test_client()
    for k in range(10):
        assert client.get(f"/api/v1/lstm?x={k}&W_f=1,1&b_f=0&W_i=1,1&b_i=0&W_C=1,1&b_C=0&W_o=1,1&b_o=0").status_code == 200
    assert len(app.extensions["response_cache"]) == 3
    assert uncached_client.get("/").status_code == 200
    assert len(uncached_client.application.extensions["response_cache"]) == 0


def test_an_oversized_body_is_refused_and_not_remembered(client):
    big = b'{"x": [' + b"1, " * 100_000 + b"1]}"
    assert client.post("/api/v1/lstm", data=big).status_code == 413
    assert len(client.application.extensions["response_cache"]) == 0


def test_answers_larger_than_the_per_entry_limit_are_not_remembered():
    app = create_app({"TESTING": True, "RESPONSE_CACHE_MAX_BYTES": 1000})
    assert app.test_client().get("/").status_code == 200
    assert len(app.extensions["response_cache"]) == 0


EVIL = {"SCRIPT_NAME": "//evil.example"}  # what a client's `SCRIPT_NAME:` header became in gunicorn


@pytest.mark.parametrize("url", [
    "/?" + permalink.to_query(presets.ANSWER),
    "/backward?" + permalink.to_query(presets.ANSWER),
    "/api/v1/lstm?" + permalink.to_query(presets.ANSWER),
    "/",
])
def test_a_request_with_a_foreign_script_name_cannot_poison_the_memo(client, url):
    poisoned = client.get(url, environ_overrides=EVIL)
    clean = client.get(url)
    assert poisoned.status_code == clean.status_code == 200
    assert b"evil" not in clean.data
    assert b"evil" not in poisoned.data  # the app takes its mount path from its config only
    assert clean.data == poisoned.data
    if url.startswith("/api/"):
        assert clean.get_json()["permalink"].startswith("/?v=1&")
    else:
        assert b'<link rel="canonical" href="/' in clean.data and b'action="/' in clean.data


def test_a_foreign_script_name_never_reaches_the_api_answer_or_a_redirect(client):
    posted = client.post("/api/v1/lstm", data=_seed_body(), environ_overrides=EVIL)
    again = client.post("/api/v1/lstm", data=_seed_body())
    assert posted.status_code == again.status_code == 200
    assert "evil" not in posted.get_json()["permalink"] and "evil" not in again.get_json()["permalink"]
    form = permalink.field_text(presets.QUESTION)
    redirect = client.post("/", data=form, environ_overrides=EVIL)
    assert redirect.status_code == 303
    assert redirect.headers["Location"].startswith("/?v=1&") and "evil" not in redirect.headers["Location"]


def test_the_mount_path_comes_from_application_root():
    client = create_app({"TESTING": True, "APPLICATION_ROOT": "/lstm"}).test_client()
    for environ in (EVIL, {"SCRIPT_NAME": ""}, {"SCRIPT_NAME": "/lstm"}):
        page = client.get("/", environ_overrides=environ)
        assert page.status_code == 200
        assert b'<link rel="canonical" href="/lstm/?v=1&amp;' in page.data and b"evil" not in page.data
        api = client.get("/api/v1/lstm?" + permalink.to_query(presets.ANSWER), environ_overrides=environ)
        assert api.status_code == 200 and api.get_json()["permalink"].startswith("/lstm/?v=1&")


def test_the_memo_key_covers_the_mount_path(app):
    from app.cache import _request_key
    keys = set()
    for root in ("", "/lstm", "//evil.example"):
        with app.test_request_context("/?x=1", environ_overrides={"SCRIPT_NAME": root}):
            keys.add(_request_key())
        with app.test_request_context("/api/v1/lstm", method="POST", data=b"{}",
                                      environ_overrides={"SCRIPT_NAME": root}):
            keys.add(_request_key())
    assert len(keys) == 6


def test_a_remembered_answer_keeps_the_views_own_headers(client, uncached_client):
    """An export's Content-Disposition (its file name) is the view's: the memo keeps it."""
    url = "/export/numpy?" + permalink.to_query(presets.QUESTION)
    computed = uncached_client.get(url)
    first, again = client.get(url), client.get(url)
    assert computed.status_code == first.status_code == again.status_code == 200
    assert again.headers["Content-Disposition"] == computed.headers["Content-Disposition"]
    assert "filename=" in again.headers["Content-Disposition"]
    assert again.headers["Content-Type"] == computed.headers["Content-Type"]
    assert again.get_data() == computed.get_data()


def test_the_link_text_memo_keeps_only_hand_sized_arrays():
    """permalink's memo of each array's text is by content: a 32×64 weight is written afresh
    (1024 of them would hold ~100 MiB), a hand-sized one is remembered."""
    import numpy as np
    from app import fields
    small = presets.QUESTION
    big = presets.variant_example("lstm", n=32, m=32, seed=3)
    assert big["W_f"].size > 256
    permalink.field_text(small)
    before = permalink._remembered_text.cache_info().currsize
    permalink.field_text(big.replace(W_f=big["W_f"] + 0.5))  # new contents: nothing remembered
    after = permalink._remembered_text.cache_info().currsize
    big_fields = sum(1 for name in fields.ARRAY_FIELDS if name in big and big[name].size > 256)
    small_fields = sum(1 for name in fields.ARRAY_FIELDS if name in big and big[name].size <= 256)
    assert big_fields >= 4 and after - before <= small_fields
    text = permalink.field_text(big)["W_f"]
    assert text.split(", ")[0] == permalink.exact(float(np.asarray(big["W_f"])[0, 0]))
