"""HTTP around the answers (issue 8): bodies without a length are bounded like the others, a
lone UTF-16 surrogate in the JSON is a 400 naming its field, GET answers carry ETags and
Cache-Control and are compressed, every response carries the security headers, and the page
has a description and a canonical link that a client's Host header cannot change."""
from __future__ import annotations

import gzip
import io
import json
from urllib.parse import urlencode

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from app import SECURITY_HEADERS, create_app, permalink, presets

API = "/api/v1/lstm"
LIMIT = 256 * 1024
ANSWER = permalink.to_query(presets.ANSWER)
SMALL = {"x": [1], "W_f": [[1, 1]], "b_f": [0], "W_i": [[1, 1]], "b_i": [0],
         "W_C": [[1, 1]], "b_C": [0], "W_o": [[1, 1]], "b_o": [0]}
SMALL_JSON = json.dumps(SMALL, separators=(",", ":")).encode()
SMALL_FORM = urlencode({k: ";".join(",".join(map(str, row)) for row in v) if k.startswith("W_")
                        else ",".join(map(str, v)) for k, v in SMALL.items()}).encode()


# ------------------------------------------------------------------ bodies without a length

def unsized(client, path: str, body: bytes, content_type: str):
    """POST `body` with no Content-Length (Transfer-Encoding: chunked), as gunicorn and
    werkzeug's server hand such a request to the app: the stream ends where the body ends
    (`wsgi.input_terminated`). The test client always adds a Content-Length; this takes it off."""
    environ = EnvironBuilder(path=path, method="POST", input_stream=io.BytesIO(body),
                             headers={"Content-Type": content_type,
                                      "Transfer-Encoding": "chunked"}).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    return client.open(Request(environ))


def test_an_unsized_json_body_over_the_limit_is_413_not_cut(client):
    # Valid JSON and then 5 MB of spaces: werkzeug alone reads the first 256 KiB (still valid
    # JSON) and answers 200.
    r = unsized(client, API, SMALL_JSON + b" " * 5_000_000, "application/json")
    assert r.status_code == 413
    assert r.get_json() == {"errors": [{"field": "body",
                                        "message": "The request body is larger than 256 KiB, the limit."}]}
    assert len(client.application.extensions["response_cache"]) == 0


def test_an_unsized_json_body_up_to_the_limit_is_read_whole(client):
    sized = client.post(API, data=SMALL_JSON, content_type="application/json")
    for padding in (0, LIMIT - len(SMALL_JSON)):
        r = unsized(client, API, SMALL_JSON + b" " * padding, "application/json")
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        assert r.get_json()["h"] == sized.get_json()["h"]
    over = unsized(client, API, SMALL_JSON + b" " * (LIMIT - len(SMALL_JSON) + 1), "application/json")
    assert over.status_code == 413


@pytest.mark.parametrize("path, ok_status", [("/", 303), ("/backward", 303), ("/fragment", 200)])
def test_unsized_form_posts_over_the_limit_are_413(client, path, ok_status):
    form = "application/x-www-form-urlencoded"
    big = unsized(client, path, SMALL_FORM + b"&pad=" + b"a" * 5_000_000, form)
    assert big.status_code == 413
    assert b"<h1>413 " in big.data  # the error page
    ok = unsized(client, path, SMALL_FORM, form)
    assert ok.status_code == ok_status
    if path == "/fragment":
        assert ok.get_json()["ok"] is True
    else:
        assert "x=1&" in ok.headers["Location"]


def test_a_sized_body_over_the_limit_is_still_413(client):
    r = client.post(API, data=SMALL_JSON + b" " * LIMIT, content_type="application/json")
    assert r.status_code == 413 and r.get_json()["errors"][0]["field"] == "body"


# ------------------------------------------------------------------ lone UTF-16 surrogates

def _small(**raw_fields) -> bytes:
    """SMALL as JSON text, with fields given as raw JSON text (escapes kept as written)."""
    parts = [f'"{k}":{raw_fields.pop(k) if k in raw_fields else json.dumps(v)}' for k, v in SMALL.items()]
    quoted = {k if k.startswith('"') else json.dumps(k): v for k, v in raw_fields.items()}
    parts += [f"{k}:{v}" for k, v in quoted.items()]  # a key starting with " is raw JSON text
    return ("{" + ",".join(parts) + "}").encode()


SURROGATES = [
    # (body, the field the error names, text the message must contain)
    (b'{"x":"\\ud800"}', "x", "x must be"),
    (_small(x='"\\ud800"'), "x", "x must be"),
    (_small(x='[[1], ["\\udfff"]]'), "x", "x entry 2"),
    (_small(x='[1, 2, 3]', T='"\\ud800"'), "T", "T must be"),
    (_small(W_f='[[1, "\\ud800"]]'), "W_f", "W_f row 1, entry 2"),
    (_small(W_f='[["\\udc00\\ud800", 1]]'), "W_f", "W_f row 1, entry 1"),
    (_small(concat='"\\ud800"'), "concat", "concat must be"),
    (_small(**{'"\\ud800"': "1"}), "body", "Unknown field"),
    (b'{"\\ud800":1}', "x", "x is required"),
    (b'{"x":1,"x":2}', "x", "x is given twice"),
    (b'{"\\ud800":1,"\\ud800":2}', "body", "\ufffd is given twice"),
    (b'{"x":[{"\\ud800":1,"\\ud800":2}]}', "body", "given twice"),
    (b'"\\ud800"', "body", "must be a JSON object"),
]


@pytest.mark.parametrize("body, field, text", SURROGATES, ids=[b.decode()[:40] for b, _, _ in SURROGATES])
def test_a_lone_surrogate_is_a_400_naming_the_field(client, body, field, text):
    r = client.post(API, data=body, content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    r.get_data().decode("utf-8")  # strict UTF-8
    errors = r.get_json()["errors"]
    assert any(e["field"] == field and text in e["message"] for e in errors), errors
    assert not any("\ud800" <= ch <= "\udfff" for e in errors for ch in e["field"] + e["message"])
    assert "Something went wrong" not in r.get_data(as_text=True)


def test_encodable_replaces_only_lone_surrogates():
    from app import encodable
    assert encodable("x \ud800 y \udfff 3×6 😀") == "x \ufffd y \ufffd 3×6 😀"


# ------------------------------------------------------------------ HTTP caching

CACHED = [f"/?{ANSWER}", f"/backward?{ANSWER}", f"/latex?{ANSWER}", f"{API}?{ANSWER}", "/"]


@pytest.mark.parametrize("url", CACHED)
def test_get_answers_have_a_strong_etag_and_may_be_cached_for_a_day(client, url):
    r = client.get(url)
    assert r.status_code == 200
    etag, weak = r.get_etag()
    assert etag and not weak and len(etag) == 32
    cc = r.cache_control
    assert cc.public and cc.max_age == 86400
    assert cc.immutable is (url != "/")  # a URL holding the example never changes
    again = client.get(url)  # from the memo: the same bytes, the same tag
    assert again.get_etag() == (etag, False) and again.data == r.data


@pytest.mark.parametrize("url", CACHED)
def test_a_matching_if_none_match_is_304_with_the_security_headers(client, url):
    etag = client.get(url).headers["ETag"]
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b""
    assert r.headers["ETag"] == etag
    for name, value in SECURITY_HEADERS.items():
        assert r.headers[name] == value
    other = client.get(url, headers={"If-None-Match": '"0123"'})
    assert other.status_code == 200 and other.data


def test_errors_posts_and_static_files_are_not_given_the_answers_caching(client):
    for r in (client.get("/?x=1,2,banana"), client.get(f"{API}?x=banana"), client.get("/latex?x=1,2,banana"),
              client.post(API, data=SMALL_JSON, content_type="application/json"),
              client.post("/fragment", data=SMALL_FORM, content_type="application/x-www-form-urlencoded"),
              client.get("/healthz")):
        assert r.status_code in (200, 400)
        assert "ETag" not in r.headers
        assert "public" not in r.headers.get("Cache-Control", "")
    static = client.get("/static/style.css", buffered=True)
    assert static.status_code == 200
    assert static.headers["Cache-Control"] == "no-cache"  # Flask's default: revalidate
    assert client.get("/static/style.css", headers={"If-None-Match": static.headers["ETag"]},
                      buffered=True).status_code == 304


# ------------------------------------------------------------------ compression

@pytest.mark.parametrize("url", [*CACHED[:4], "/static/style.css", "/static/app.js"])
def test_gzip_when_asked_with_its_own_etag(client, url):
    def get(**headers):
        return client.get(url, headers=headers, buffered=True)  # buffered: static files get closed

    plain = get()
    r = get(**{"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    assert gzip.decompress(r.data) == plain.data
    assert len(r.data) < len(plain.data) / 2
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    tag, weak = r.get_etag()
    assert not weak and tag == plain.get_etag()[0] + ":gzip"  # each encoding its own strong tag
    again = get(**{"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == r.headers["ETag"]
    # A client holding only the gzip bytes cannot use them without gzip: the full answer.
    assert get(**{"If-None-Match": r.headers["ETag"]}).status_code == 200
    # A cache holding the identity bytes may keep using them: the 304 names that representation.
    held = get(**{"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]})
    assert held.status_code == 304 and held.headers["ETag"] == plain.headers["ETag"]


def test_api_posts_are_compressed_too(client):
    plain = client.post(API, data=SMALL_JSON, content_type="application/json")
    r = client.post(API, data=SMALL_JSON, content_type="application/json", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(r.data)) == plain.get_json()
    assert "ETag" not in r.headers


# ------------------------------------------------------------------ security headers everywhere

def test_every_response_carries_the_security_headers(client):
    etag = client.get("/").headers["ETag"]
    responses = {
        "200": client.get("/"),
        "200 gzip": client.get("/", headers={"Accept-Encoding": "gzip"}),
        "304": client.get("/", headers={"If-None-Match": etag}),
        "303": client.post("/", data=SMALL_FORM, content_type="application/x-www-form-urlencoded"),
        "400": client.get("/?x=banana"),
        "404": client.get("/nowhere"),
        "405": client.delete(API),
        "413": unsized(client, API, b" " * (LIMIT + 1), "application/json"),
        "400 api": client.post(API, data=b'{"x":"\\ud800"}', content_type="application/json"),
        "static": client.get("/static/app.js", buffered=True),
    }
    for name, r in responses.items():
        assert str(r.status_code) == name.split()[0] or name == "static", (name, r.status_code)
        for header, value in SECURITY_HEADERS.items():
            assert r.headers.get(header) == value, (name, header)


# ------------------------------------------------------------------ description and canonical

def _canonical(html: str) -> list[str]:
    import re
    return re.findall(r'<link rel="canonical" href="([^"]*)">', html)


def test_the_page_has_a_description(client):
    for url in ("/", f"/?{ANSWER}", f"/backward?{ANSWER}", "/nowhere"):
        html = client.get(url).get_data(as_text=True)
        start = html.index('<meta name="description" content="') + len('<meta name="description" content="')
        description = html[start:html.index('"', start)]
        assert 50 <= len(description) <= 300 and "LSTM" in description


def test_the_canonical_link_is_a_path_unless_a_public_url_is_configured(client):
    html = client.get(f"/?{ANSWER}", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert _canonical(html) == [f"/?{ANSWER}".replace("&", "&amp;")]


@pytest.mark.parametrize("public_url", ["https://lstm.example", "https://lstm.example/"])
def test_the_canonical_link_is_absolute_under_public_url(public_url):
    client = create_app({"TESTING": True, "PUBLIC_URL": public_url}).test_client()
    for url in (f"/?{ANSWER}", f"/backward?{ANSWER}"):
        # The Host header is the client's: it never reaches the canonical link.
        html = client.get(url, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert _canonical(html) == [f"https://lstm.example{url}".replace("&", "&amp;")]
        assert "evil" not in html
    default = client.get("/").get_data(as_text=True)
    assert _canonical(default)[0].startswith("https://lstm.example/?v=1&amp;")


def test_public_url_with_a_path_and_the_mount_path():
    client = create_app({"TESTING": True, "PUBLIC_URL": "https://example.org/tools/lstm",
                         "APPLICATION_ROOT": "/lstm"}).test_client()
    html = client.get(f"/?{ANSWER}").get_data(as_text=True)
    assert _canonical(html) == [f"https://example.org/tools/lstm/?{ANSWER}".replace("&", "&amp;")]
    assert f'href="/lstm/latex?{ANSWER}'.replace("&", "&amp;") in html  # other links stay paths


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_PUBLIC_URL", "https://lstm.example")
    monkeypatch.setenv("FLASK_RESPONSE_CACHE_ENTRIES", "0")
    app = create_app()
    assert app.config["PUBLIC_URL"] == "https://lstm.example"
    client = app.test_client()
    html = client.get(f"/?{ANSWER}").get_data(as_text=True)
    assert _canonical(html) == [f"https://lstm.example/?{ANSWER}".replace("&", "&amp;")]
    assert len(app.extensions["response_cache"]) == 0


@pytest.mark.parametrize("config", [{"PUBLIC_URL": "lstm.example"}, {"PUBLIC_URL": "javascript:alert(1)"},
                                    {"PUBLIC_URL": "https://a.example/?q=1"},
                                    {"APPLICATION_ROOT": "//evil.example"}, {"APPLICATION_ROOT": "lstm"}])
def test_bad_settings_are_refused_at_start(config):
    with pytest.raises(ValueError):
        create_app({"TESTING": True, **config})


def test_the_proxy_example_sends_the_apps_security_headers_on_every_answer():
    """gunicorn's own answers (a 400 for a malformed request line, a 414) carry no headers of
    the app's: behind the proxy of deploy/nginx.conf every answer gets the app's set, once."""
    from pathlib import Path
    import re as _re

    from app import SECURITY_HEADERS
    conf = (Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    added = dict(_re.findall(r'^\s*add_header ([\w-]+) "([^"]*)" always;', conf, _re.M))
    hidden = set(_re.findall(r"^\s*proxy_hide_header ([\w-]+);", conf, _re.M))
    for name, value in SECURITY_HEADERS.items():
        assert added.get(name) == value, name
        assert name in hidden, name
