"""The pages in a real browser and over real HTTP, with no JavaScript behaviour assumed: every
preset loads clean, nothing scrolls sideways on a phone, axe-core finds no serious or critical
violation, the page reads in full without JavaScript, and every route sends the security
headers. (The interactive layer's own tests live beside this file.)

Every browser test here also fails on any console error, page error or request to another
origin (conftest.py's `page` fixtures watch for them).
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest

from app import ROOT, presets
from app.fields import V1_FIELDS
from app.permalink import field_text, to_query

PHONE_WIDTH = 390

# GET / and every preset, by its permalink (with its fragment, as the page links it).
PAGES = [pytest.param("/", id="default")] + [
    pytest.param(f"/?{to_query(p.example)}" + (f"#{p.fragment}" if p.fragment else ""), id=p.key)
    for p in presets.PRESETS
]
BAD_QUERY = "/?x=1,2,banana"  # the form comes back with a message at the field: status 400


def _expect_error_status(page_log, status: int):
    # Chromium logs the document's own 4xx status as a console error; here it is the point.
    page_log.allow(rf"Failed to load resource: the server responded with a status of {status}\b")


def _scroll_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def _wider_than(page, width: int) -> list[str]:
    """The innermost elements whose box sticks out past `width`, for the failure message."""
    return page.evaluate("""(width) => {
        const out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right <= width + 0.5 || r.width === 0) continue;
            if ([...el.children].some(c => c.getBoundingClientRect().right > width + 0.5)) continue;
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + [...el.classList].map(c => '.' + c).join('');
            const step = el.closest('[data-step]');
            out.push(`${name} right=${Math.round(r.right)}px`
                     + (step ? ` in [data-step=${step.dataset.step}]` : ''));
            if (out.length >= 12) break;
        }
        return out;
    }""", width)


def _assert_fits_phone(page):
    width = _scroll_width(page)
    assert width <= PHONE_WIDTH, (
        f"{page.url}: the page is {width}px wide on a {PHONE_WIDTH}px phone; sticking out:\n  "
        + "\n  ".join(_wider_than(page, PHONE_WIDTH)))


# ---------------------------------------------------------------- loads clean

@pytest.mark.parametrize("path", PAGES)
def test_page_loads_with_status_200_clean(page, live_server, path):
    response = page.goto(live_server(path))
    assert response.status == 200
    page.wait_for_load_state("networkidle")  # late requests (scripts, fonts, fetches) count too
    assert page.locator("[data-step]").count() > 0
    assert page.locator('link[rel="canonical"]').count() == 1


# ---------------------------------------------------------------- phone width

@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scroll_at_phone_width(phone_page, live_server, path):
    assert phone_page.goto(live_server(path)).status == 200
    phone_page.wait_for_load_state("networkidle")
    _assert_fits_phone(phone_page)


def test_16x16_example_posted_from_the_form_fits_a_phone(phone_page, live_server):
    """A 16×16 example has no link (too long even compressed), so its page is the POST's
    answer: type it into the form on the phone and press the submit button."""
    page = phone_page
    page.goto(live_server("/"))
    form = page.locator("form", has=page.locator('[name="W_f"]'))
    text = field_text(presets.random_example(16, 16, 0))
    form.locator('[name="concat"]').select_option(text.pop("concat"))
    for name, value in text.items():
        form.locator(f'[name="{name}"]').fill(value)
    with page.expect_navigation() as navigation:
        form.locator('[type="submit"]').click()
    response = navigation.value
    assert response.request.method == "POST" and response.status == 200
    assert page.locator('[data-step="f.matmul"]').count() >= 1
    page.wait_for_load_state("networkidle")
    _assert_fits_phone(page)


# ---------------------------------------------------------------- without JavaScript

def test_every_step_shows_in_order_without_javascript(new_page, live_server):
    page = new_page(java_script_enabled=False)
    page.goto(live_server("/"))
    query = to_query(presets.DEFAULT.example)
    with urllib.request.urlopen(live_server(f"/api/v1/lstm?{query}"), timeout=10) as r:
        expected = [s["id"] for s in json.load(r)["steps"]]
    ids = page.eval_on_selector_all("[data-step]", "els => els.map(e => e.dataset.step)")
    assert list(dict.fromkeys(ids)) == expected  # the trace's order, each step present
    for step in expected:
        assert page.locator(f'[data-step="{step}"]').first.is_visible(), step


# ---------------------------------------------------------------- axe-core

def test_axe_default_page_desktop(page, live_server, check_axe):
    page.goto(live_server("/"))
    page.wait_for_load_state("networkidle")
    check_axe(page)


def test_axe_default_page_phone(phone_page, live_server, check_axe):
    phone_page.goto(live_server("/"))
    phone_page.wait_for_load_state("networkidle")
    check_axe(phone_page)


def test_axe_default_page_dark_mode(new_page, live_server, check_axe):
    """Dark mode follows the system setting: its colours must pass contrast too."""
    page = new_page(color_scheme="dark")
    page.goto(live_server("/"))
    page.wait_for_load_state("networkidle")
    check_axe(page)


def test_axe_form_with_errors(page, page_log, live_server, check_axe):
    _expect_error_status(page_log, 400)
    assert page.goto(live_server(BAD_QUERY)).status == 400
    check_axe(page)


def test_axe_not_found_page(page, page_log, live_server, check_axe):
    _expect_error_status(page_log, 404)
    assert page.goto(live_server("/no-such-page")).status == 404
    check_axe(page)


# ---------------------------------------------------------------- screenshots

def test_screenshots_of_the_default_page(new_page, live_server, tmp_path):
    """Desktop (1280) and phone (390) screenshots of GET /, to look at: set LSTM_SCREENSHOTS to
    a folder to keep them (one may become the README's docs/screenshot.png)."""
    out = Path(os.environ.get("LSTM_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for name, options in (("desktop", {"viewport": {"width": 1280, "height": 800}}),
                          ("phone", {"viewport": {"width": PHONE_WIDTH, "height": 844},
                                     "is_mobile": True, "has_touch": True})):
        page = new_page(**options)
        page.goto(live_server("/"))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=out / f"{name}.png")
        page.screenshot(path=out / f"{name}-full.png", full_page=True)
        assert (out / f"{name}.png").stat().st_size > 1000
    print(f"screenshots in {out}")


# ---------------------------------------------------------------- headers, over real HTTP

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 303 itself is the response whose headers we check


_opener = urllib.request.build_opener(_NoRedirect)
_QUERY = to_query(presets.DEFAULT.example)
_FORM = urlencode(field_text(presets.ZERO_STATE))
_JSON = json.dumps({name: presets.ZERO_STATE[name].tolist() for name in V1_FIELDS})
_BIG = "x=" + "1," * 150_000  # 300 kB: over the 256 KiB body limit
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
JSON_TYPE = {"Content-Type": "application/json"}
STATIC = sorted(p.relative_to(ROOT / "static").as_posix()
                for p in (ROOT / "static").rglob("*") if p.is_file())

ROUTES = [
    ("GET", "/", None, {}, 200),
    ("HEAD", "/", None, {}, 200),
    ("OPTIONS", "/", None, {}, 200),
    ("GET", f"/?{_QUERY}", None, {}, 200),
    ("GET", BAD_QUERY, None, {}, 400),
    ("POST", "/", _FORM, FORM_TYPE, 303),
    ("POST", "/", "x=banana", FORM_TYPE, 400),
    ("POST", "/", _BIG, FORM_TYPE, 413),
    ("PUT", "/", "x=1", FORM_TYPE, 405),
    ("GET", "/random?n=4&m=3&seed=7", None, {}, 303),
    ("GET", "/random?n=banana", None, {}, 400),
    ("GET", f"/latex?{_QUERY}", None, {}, 200),
    ("GET", "/latex?x=banana", None, {}, 400),
    ("POST", "/latex", "", FORM_TYPE, 405),
    ("GET", "/healthz", None, {}, 200),
    ("GET", f"/api/v1/lstm?{_QUERY}", None, {}, 200),
    ("POST", "/api/v1/lstm", _JSON, JSON_TYPE, 200),
    ("POST", "/api/v1/lstm", '{"x": "banana"}', JSON_TYPE, 400),
    ("POST", "/api/v1/lstm", "not json", JSON_TYPE, 400),
    ("POST", "/api/v1/lstm", _BIG, JSON_TYPE, 413),
    ("DELETE", "/api/v1/lstm", None, {}, 405),
    ("GET", "/no-such-page", None, {}, 404),
    ("GET", "/api/v1/no-such-thing", None, {}, 404),
    ("GET", "/static/no-such-file.js", None, {}, 404),
    *(("GET", f"/static/{name}", None, {}, 200) for name in STATIC),
]


def _fetch(live_server, method, path, body=None, headers=None):
    data = body.encode() if body is not None else None
    request = urllib.request.Request(live_server(path), data=data, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


def _csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        name, *sources = part.split()
        directives[name.lower()] = sources
    return directives


@pytest.mark.parametrize(("method", "path", "body", "headers", "status"), ROUTES,
                         ids=[f"{m} {p[:40]} {s}" for m, p, _, _, s in ROUTES])
def test_security_headers_on_every_route(live_server, method, path, body, headers, status):
    got, response_headers, _ = _fetch(live_server, method, path, body, headers)
    assert got == status
    csp_header = response_headers.get_all("Content-Security-Policy") or []
    assert len(csp_header) == 1, csp_header
    csp = _csp(csp_header[0])
    assert csp.get("default-src") in (["'none'"], ["'self'"])
    assert csp.get("script-src") == ["'self'"]
    assert csp.get("style-src") == ["'self'"]
    assert csp.get("object-src") == ["'none'"]
    assert csp.get("base-uri") == ["'none'"]
    assert csp.get("frame-ancestors") == ["'none'"]
    assert csp.get("form-action") == ["'self'"]
    for name, sources in csp.items():  # nothing inline, nothing evaluated, nothing from elsewhere
        for source in sources:
            assert source in ("'self'", "'none'", "data:", "blob:"), f"{name} allows {source}"
    assert response_headers.get("X-Content-Type-Options") == "nosniff"
    assert response_headers.get("Referrer-Policy") in ("no-referrer", "same-origin")


@pytest.mark.parametrize("name", STATIC)
def test_static_files_have_the_right_type(live_server, name):
    """With nosniff, a script or style sheet served with the wrong type is refused."""
    status, headers, _ = _fetch(live_server, "GET", f"/static/{name}")
    expected = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
                ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2",
                ".json": "application/json"}.get(Path(name).suffix)
    assert status == 200
    if expected:
        assert headers.get_content_type() == expected


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= attribute on <{tag}>")
        for name in ("src", "href", "action"):
            value = (names.get(name) or "").strip().lower()
            if value.startswith(("http:", "https:", "//", "javascript:")):
                self.found.append(f'<{tag} {name}="{value[:60]}">: not this origin')


@pytest.mark.parametrize("path", [*PAGES, pytest.param(BAD_QUERY, id="bad-query"),
                                  pytest.param("/no-such-page", id="not-found")])
def test_served_html_has_nothing_inline(live_server, path):
    _, _, body = _fetch(live_server, "GET", path.split("#")[0])
    finder = _InlineFinder()
    finder.feed(body.decode("utf-8"))
    assert not finder.found
