"""The harness itself: the page watch sees what it must fail on, so a clean run means clean."""
from __future__ import annotations


def test_the_watch_sees_console_and_page_errors_and_other_origins(page, page_log, live_server):
    page.goto(live_server("/healthz"))
    with page.expect_event("pageerror"):
        page.evaluate("() => { console.error('a console error'); console.warn('a warning'); "
                      "setTimeout(() => { throw new Error('a page error'); }); }")
    # Same server, other origin (localhost, not 127.0.0.1): nothing leaves the machine.
    other = live_server.url.replace("127.0.0.1", "localhost")
    page.goto(other + "/healthz")
    assert any("a console error" in e for e in page_log.console_errors)
    assert any("a warning" in e for e in page_log.console_warnings)
    assert any("a page error" in e for e in page_log.page_errors)
    assert page_log.off_origin == [f"GET {other}/healthz (document)"]
    assert "requests to another origin" in page_log.problems()
    # Seen: now forget them, or this test would (rightly) fail.
    page_log.console_errors.clear()
    page_log.page_errors.clear()
    page_log.off_origin.clear()


def test_allowed_console_errors_are_only_those_asked_for(page, page_log, live_server):
    page_log.allow(r"status of 404\b")
    page.goto(live_server("/no-such-page"))
    page.evaluate("() => console.error('not allowed')")
    assert [e.split(" (")[0] for e in page_log.console_errors] == ["not allowed"]
    page_log.console_errors.clear()
