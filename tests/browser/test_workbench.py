"""The workbench (issue 9), in a real browser: the step being read is always on screen, its
heading uncovered, beside the cell it computes; the dimensions table shows in every mode; a
sequence's picture follows the time step; on a phone the picture fits the screen."""
from __future__ import annotations


import pytest
from playwright.sync_api import expect

from app import fmt, permalink, presets
from app.sequence import unroll

pytestmark = pytest.mark.browser

ACTIVE = 'article[aria-current="step"]'
SEQUENCE = next(p for p in presets.PRESETS if p.key == "sequence").example

# Is the active step's heading inside the viewport, and the element at its centre part of it
# (not the sticky stepper or anything else covering it)?
HEADING_SHOWS = """() => {
  const h = document.querySelector('article[aria-current="step"] h4');
  const r = h.getBoundingClientRect();
  const inside = r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
  const hit = document.elementFromPoint((r.left + Math.min(r.right, innerWidth)) / 2, (r.top + r.bottom) / 2);
  return {inside, uncovered: !!hit && h.contains(hit), top: r.top, bottom: r.bottom};
}"""

# Are the cell diagram (the visible one) and the active step's result both inside the viewport?
BOTH_SHOW = """() => {
  const within = (el) => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; };
  const svg = [...document.querySelectorAll('.diagram-at')].find((f) => !f.hidden).querySelector('svg');
  const figs = document.querySelectorAll('article[aria-current="step"] .expr figure');
  const result = figs[figs.length - 1];
  return {diagram: within(svg), result: within(result)};
}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_next_and_a_step_link_show_the_steps_heading_uncovered(new_page, live_server, size):
    page = new_page(viewport={"width": 1280, "height": 800} if size == "desktop" else {"width": 390, "height": 844})
    page.goto(live_server("/"))
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "v.concat")
    for key in ("ArrowRight", "ArrowRight"):
        page.keyboard.press(key)
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "f.bias")
    got = page.evaluate(HEADING_SHOWS)
    assert got["inside"] and got["uncovered"], got
    page.click(".stepper .next")
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "f.sigmoid")
    got = page.evaluate(HEADING_SHOWS)
    assert got["inside"] and got["uncovered"], got
    page.goto(live_server("/#C.update"))
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "C.update")
    page.wait_for_timeout(100)  # the script scrolls on the next frame
    got = page.evaluate(HEADING_SHOWS)
    assert got["inside"] and got["uncovered"], got


def test_the_diagram_and_the_steps_result_are_on_screen_together_for_every_step(page, live_server):
    ids = [s.id for s in unroll(presets.DEFAULT.example, with_grads=False).steps]
    page.goto(live_server("/"))
    for k, step_id in enumerate(ids):
        if k:
            page.keyboard.press("ArrowRight")
        expect(page.locator(ACTIVE)).to_have_attribute("data-step", step_id)
        got = page.evaluate(BOTH_SHOW)
        assert got == {"diagram": True, "result": True}, (step_id, got)


def test_the_dimensions_table_shows_while_stepping(page, live_server):
    page.goto(live_server("/"))
    expect(page.locator(".stepper .show-all")).not_to_be_checked()
    expect(page.locator("#dims")).to_be_visible()
    expect(page.locator("#dims")).to_contain_text("n×(n+m) = 3×6")


def test_stepping_through_a_sequence_shows_each_time_steps_values(page, live_server):
    res = unroll(SEQUENCE, with_grads=False)
    page.goto(live_server("/?" + permalink.to_query(SEQUENCE)))
    visible = '.diagram-at:not([hidden]) svg'
    expect(page.locator(visible)).to_contain_text("t = 1 of 3")
    for t in (2, 3):
        page.keyboard.press("PageDown")
        expect(page.locator(ACTIVE)).to_have_attribute("data-step", f"t{t}.v.concat")
        expect(page.locator(visible)).to_have_count(1)
        expect(page.locator(visible)).to_contain_text(f"t = {t} of 3")
        h = res.timesteps[t - 1]["h"]
        expect(page.locator(visible)).to_contain_text(fmt.show(h[0]))


@pytest.mark.parametrize("key", ["question", "gru", "sequence"])
def test_on_a_phone_the_diagram_fits_the_screen(phone_page, live_server, key):
    example = next(p for p in presets.PRESETS if p.key == key).example
    phone_page.goto(live_server("/?" + permalink.to_query(example)))
    box = phone_page.evaluate("""() => {
      const svg = [...document.querySelectorAll('.diagram-at')].find((f) => !f.hidden).querySelector('svg');
      const r = svg.getBoundingClientRect();
      return {left: r.left, right: r.right, width: r.width, screen: innerWidth,
              page: document.documentElement.scrollWidth};
    }""")
    assert box["left"] >= 0 and box["right"] <= box["screen"] and box["width"] > 0, box
    assert box["page"] <= box["screen"], box  # no sideways scroll of the page itself
