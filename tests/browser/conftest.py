"""Browser tests: the real app on a free loopback port, driven by Debian's Chromium.

- `live_server` (session): `create_app()` behind werkzeug's threaded server on 127.0.0.1:<free
  port>, in a daemon thread, shut down at the end. Its `.url` is the origin, e.g.
  "http://127.0.0.1:41234".
- `browser` (session): Chromium through Playwright. Playwright's own browser download cannot work
  here, so we launch Debian's `chromium` by `executable_path` (`make test` installs it). Without
  it, browser tests skip with the reason, except under CI (`CI` set), where they fail.
- `page` (1280×800) and `phone_page` (390×844, mobile, touch), each in a fresh context, and
  `new_page(**context_options)` for any other context. Every page is watched: a console error,
  an uncaught page error or a request to another origin fails the test once its body has run
  (see `pytest_runtest_call`), so every browser test checks these for free. `page_log.allow(…)`
  accepts an expected console error (e.g. the "status of 400" Chromium logs for an error page).
- `check_axe(page)`: axe-core (vendored, vendor/README.md) inside the page; asserts no serious or
  critical violation.

Every test under tests/browser/ gets the `browser` marker and runs after the unit tests.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root (CI too), where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


# ---------------------------------------------------------------- marker and order

def pytest_collection_modifyitems(config, items):
    """Mark everything under tests/browser/ `browser`, and run it after the fast unit tests."""
    mine, others = [], []
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            mine.append(item)
        else:
            others.append(item)
    items[:] = others + mine


# ---------------------------------------------------------------- live server

class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):  # one line per request is noise in a test run
        pass


@dataclass
class LiveServer:
    url: str  # the origin, no trailing slash

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@contextmanager
def serving(app, name: str = "live-server"):
    """`app` on a free loopback port, in a thread, for as long as the block runs."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server():
    with serving(create_app()) as server:
        yield server


# ---------------------------------------------------------------- browser

def _unavailable(reason: str):
    """Skip when a developer runs pytest without Chromium; under CI, never skip: fail."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (`make test` installs Chromium)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]', or run `make test`)")
    executable = shutil.which("chromium")
    if executable is None:
        _unavailable("Debian's chromium is not installed (apt-get install chromium, or run `make test`)")
    playwright = sync_playwright().start()
    try:
        # Playwright gives each launch a fresh temporary user data dir and removes it on close.
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


# ---------------------------------------------------------------- watched pages

@dataclass
class PageLog:
    """What the pages of one test said and asked for. `problems()` is what fails the test."""
    origin: str
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    off_origin: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (a regex) in this test."""
        self.allowed.append(re.compile(pattern))

    def watch(self, context) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda e: self.page_errors.append(str(e.error)))  # every page's pageerror
        context.on("request", self._request)
        context.on("requestfailed", lambda r: self.failed_requests.append(
            f"{r.method} {r.url}: {r.failure}"))

    def _console(self, msg) -> None:
        where = msg.location or {}
        text = f"{msg.text} ({where.get('url', '?')}:{where.get('lineNumber', '?')}; page {msg.page.url if msg.page else '?'})"
        if msg.type == "error":
            if not any(p.search(msg.text) for p in self.allowed):
                self.console_errors.append(text)
        elif msg.type == "warning":
            self.console_warnings.append(text)

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return  # made inside the page; nothing leaves the machine
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.off_origin.append(f"{request.method} {request.url} ({request.resource_type})")

    def problems(self) -> str:
        out = []
        for title, entries in (("console errors", self.console_errors), ("page errors", self.page_errors),
                               ("requests to another origin", self.off_origin)):
            if entries:
                out.append(f"{title}:\n" + "\n".join(f"  - {e}" for e in entries))
        if out:
            for title, entries in (("failed requests", self.failed_requests),
                                   ("console warnings", self.console_warnings)):
                if entries:
                    out.append(f"(also) {title}:\n" + "\n".join(f"  - {e}" for e in entries))
        return "\n".join(out)


_LOG = pytest.StashKey[PageLog]()


@pytest.fixture
def page_log(request, live_server) -> PageLog:
    log = PageLog(origin=live_server.url)
    request.node.stash[_LOG] = log
    return log


@pytest.fixture
def new_page(browser, page_log):
    """`new_page(**context_options)`: a page in a fresh, watched browser context."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{**DESKTOP, **options})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page_log.watch(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(**DESKTOP)


@pytest.fixture
def phone_page(new_page):
    return new_page(**PHONE)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # re-raises if the test body failed: that failure is the one to read
    log = item.stash.get(_LOG, None)
    if log is not None and (problems := log.problems()):
        pytest.fail(f"the page was not clean:\n{problems}", pytrace=False)
    return result


# ---------------------------------------------------------------- axe-core

def run_axe(page) -> dict:
    """Run axe-core in `page` and return its results.

    Injected with page.evaluate: Playwright evaluates through the DevTools protocol, which the
    page's Content-Security-Policy does not govern, so axe runs on the page exactly as served,
    CSP in force (add_script_tag would add an inline <script>, which `script-src 'self'` rightly
    blocks; `bypass_csp=True` would work too but would switch the CSP off for the whole page).
    axe.min.js is a `!function(window){…}(window)` that sets `window.axe`.
    """
    page.evaluate("() => {\n" + AXE_JS.read_text(encoding="utf-8") + "\n}")
    return page.evaluate("""async () => await window.axe.run(document, {
        resultTypes: ['violations'],
    })""")


def format_violations(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " | ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


@pytest.fixture
def check_axe():
    """`check_axe(page)`: fail on any serious or critical axe violation; print the others."""
    def check(page):
        violations = run_axe(page)["violations"]
        minor = [v for v in violations if v["impact"] not in ("serious", "critical")]
        if minor:
            print(f"axe, moderate/minor on {page.url}:\n{format_violations(minor)}")
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe-core on {page.url}:\n{format_violations(bad)}"
        return violations
    return check
