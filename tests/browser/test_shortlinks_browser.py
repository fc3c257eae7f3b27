"""Short links in a real browser, on each database (SQLite, PostgreSQL): the page's Short link
button makes the link and lands on it, its Copy button copies the whole address, an example too
large for a URL is shared the same way, and a teacher's ?step= opens at that step."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import create_app, presets
from app.permalink import to_query
from tests.browser.conftest import serving

pytestmark = pytest.mark.browser

SHORT_PATH = re.compile(r"/e/[A-Za-z0-9_-]{16}$")


@pytest.fixture
def live_server(database_url):
    """The app on a free loopback port, its links in this test's database (replaces the
    session's server, whose links would go to the instance folder)."""
    with serving(create_app({"DATABASE_URL": database_url}), "live-server-links") as server:
        yield server


@pytest.fixture
def clipboard_page(new_page, live_server):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    return page


def make_short_link(page) -> str:
    page.get_by_role("button", name="Short link").click()
    page.wait_for_url(SHORT_PATH)
    return page.url


def test_the_short_link_button_makes_the_link_and_copy_copies_it(clipboard_page, live_server, check_axe):
    page = clipboard_page
    example = presets.PRESETS[2].example
    page.goto(live_server(f"/?{to_query(example)}"))
    steps = page.locator("article[data-step]").count()
    url = make_short_link(page)
    link = page.locator(".short-link a.short")
    expect(link).to_have_text(url)  # the whole address, written out by the script
    expect(page.locator('link[rel="canonical"]')).to_have_attribute("href", url[len(live_server.url):])
    copy = page.locator(".short-link button.copy-link")
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert page.locator("article[data-step]").count() == steps
    check_axe(page)
    # the same example makes the same link
    page.goto(live_server(f"/?{to_query(example)}"))
    assert make_short_link(page) == url


def test_an_example_too_large_for_a_url_is_shared_by_its_short_link(page, live_server):
    assert to_query(presets.random_example(n=8, m=8, seed=1)) is None
    page.goto(live_server("/random?n=8&m=8&seed=1"))
    expect(page.locator(".too-large")).to_contain_text("too large for a link")
    first = page.locator("article[data-step] .expr").first.inner_text()
    url = make_short_link(page)
    expect(page.locator(".too-large")).to_have_count(0)
    page.goto(url)
    assert page.locator("article[data-step] .expr").first.inner_text() == first


def test_a_teachers_step_link_opens_at_that_step(page, live_server):
    page.goto(live_server("/"))
    url = make_short_link(page)
    page.goto(f"{url}?step=f.sigmoid")
    assert page.url == f"{url}#f.sigmoid"
    expect(page.locator('[aria-current="step"]')).to_have_attribute("data-step", "f.sigmoid")
