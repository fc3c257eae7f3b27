"""Issue 4 on the page, in a real browser: walking a sequence forwards (the timeline) and the
backward pass with the stepper, and switching the cell variant live."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import permalink, presets
from app.sequence import unroll

pytestmark = pytest.mark.browser

ACTIVE = '[aria-current="step"]'
SEQUENCE = next(p for p in presets.PRESETS if p.key == "sequence").example


def test_the_timeline_jumps_to_a_time_step_and_lights_up_with_it(page, live_server):
    page.goto(live_server("/?" + permalink.to_query(SEQUENCE)))
    page.click('.timeline a[href="#t2.v.concat"]')
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t2.v.concat")
    expect(page.locator('.timeline a[href="#t2.v.concat"]')).to_have_class("lit")
    page.keyboard.press("End")
    expect(page.locator('.timeline a[href="#t3.v.concat"]')).to_have_class("lit")
    page.go_back()
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t2.v.concat")


@pytest.mark.parametrize("key", ["sequence", "gru", "no_forget"])
def test_the_backward_pass_walks_step_by_step(page, live_server, key):
    example = next(p for p in presets.PRESETS if p.key == key).example
    grad_ids = [s.id for s in unroll(example).grad_steps]
    page.goto(live_server("/backward?" + permalink.to_query(example)))
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", grad_ids[0])
    expect(page.locator(".stepper .progress")).to_have_text(f"Step 1 of {len(grad_ids)}")
    page.keyboard.press("ArrowRight")
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", grad_ids[1])
    page.keyboard.press("End")
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", grad_ids[-1])
    # the plot of what reaches C_{T-k}, for the cells that have a C
    expect(page.locator(".carousel")).to_have_count(0 if key == "gru" else 1)


def test_switching_the_cell_to_a_gru_says_which_fields_it_does_not_use(page, live_server):
    page.goto(live_server("/"))
    page.select_option("#field-variant", "gru")
    expect(page.locator("#error-W_f")).to_contain_text("not used by")
    expect(page.locator(".worked")).to_have_class(re.compile(r"\bstale\b"))
    # back to the LSTM: the messages go and the steps are current again
    page.select_option("#field-variant", "lstm")
    expect(page.locator("#error-W_f")).to_have_count(0)


def test_live_editing_on_the_backward_page_stays_on_the_backward_page(page, live_server):
    page.goto(live_server("/backward"))
    page.fill("#field-b_o", "0.1, -0.1, 0.5")
    expect(page).to_have_url(re.compile(r"/backward\?.*b_o=0\.1,-0\.1,0\.5"))
    expect(page.locator("#worked")).to_contain_text("The backward pass, worked out")


def test_time_steps_are_one_key_apart_and_the_unrolled_chain_follows(page, live_server):
    page.goto(live_server("/?" + permalink.to_query(SEQUENCE)))
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t1.v.concat")
    expect(page.locator('.chain g.cell[data-time="1"]')).to_have_class(re.compile(r"\blit\b"))
    expect(page.locator(".stepper .prev-time")).to_be_disabled()
    page.keyboard.press("PageDown")
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t2.v.concat")
    expect(page.locator('.chain g.cell[data-time="2"]')).to_have_class(re.compile(r"\blit\b"))
    expect(page.locator('.chain g.cell[data-time="1"]')).not_to_have_class(re.compile(r"\blit\b"))
    page.click(".stepper .next-time")
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t3.v.concat")
    expect(page.locator(".stepper .next-time")).to_be_disabled()
    page.keyboard.press("PageUp")
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t2.v.concat")
    page.click('.chain g.cell[data-time="1"]')
    expect(page.locator(ACTIVE)).to_have_attribute("data-step", "t1.v.concat")
