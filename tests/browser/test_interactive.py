"""The interactive layer (static/app.js) in a real browser: the stepper and its keys, the URL
fragment and history, live editing (the form and numbers clicked on the page), highlights,
copy as LaTeX. Every test also fails on a console error or a request leaving the app's origin
(tests/browser/conftest.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import fmt, latex, permalink, presets
from app.sequence import unroll

pytestmark = pytest.mark.browser

STEP_IDS = [s.id for s in unroll(presets.QUESTION).steps]
ACTIVE = '[aria-current="step"]'


def active_step(page) -> str:
    return page.locator(ACTIVE).get_attribute("data-step")


def test_one_step_at_a_time_with_progress_and_aria_current(page, live_server):
    page.goto(live_server("/"))
    expect(page.locator(".stepper")).to_be_visible()
    assert page.locator(ACTIVE).count() == 1
    assert active_step(page) == STEP_IDS[0]
    expect(page.locator(".stepper .progress")).to_have_text(f"Step 1 of {len(STEP_IDS)}")
    visible = [s for s in page.locator("article[data-step]").all() if s.is_visible()]
    assert len(visible) == 1
    expect(page.locator(".stepper .prev")).to_be_disabled()


def test_keyboard_moves_aria_current_and_the_fragment_and_back_again(page, live_server):
    page.goto(live_server("/"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert active_step(page) == STEP_IDS[2]
    assert page.url.endswith("#" + STEP_IDS[2])
    expect(page.locator(".stepper .progress")).to_have_text(f"Step 3 of {len(STEP_IDS)}")
    page.keyboard.press("End")
    assert active_step(page) == STEP_IDS[-1]
    expect(page.locator(".stepper .next")).to_be_disabled()
    page.keyboard.press("ArrowLeft")
    assert active_step(page) == STEP_IDS[-2]
    page.keyboard.press("Home")
    assert active_step(page) == STEP_IDS[0]
    # back and forward walk the same path
    page.go_back()
    assert active_step(page) == STEP_IDS[-2] and page.url.endswith("#" + STEP_IDS[-2])
    page.go_back()
    assert active_step(page) == STEP_IDS[-1]
    page.go_forward()
    assert active_step(page) == STEP_IDS[-2]


def test_a_link_to_a_fragment_opens_at_that_step(page, live_server):
    page.goto(live_server("/#C.update"))
    assert active_step(page) == "C.update"
    expect(page.locator('[data-step="C.update"]')).to_be_visible()
    expect(page.locator('[data-step="f.matmul"]')).to_be_hidden()


def test_buttons_and_the_jump_list_move_too(page, live_server):
    page.goto(live_server("/"))
    page.click(".stepper .next")
    assert active_step(page) == STEP_IDS[1]
    page.select_option(".stepper .jump", "h.update")
    assert active_step(page) == "h.update"
    page.click(".stepper .prev")
    assert active_step(page) == "h.tanh"


def test_keys_typed_in_the_form_do_not_move_the_stepper(page, live_server):
    page.goto(live_server("/"))
    page.click("#field-x")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert active_step(page) == STEP_IDS[0]


def test_show_all_steps(page, live_server):
    page.goto(live_server("/"))
    page.check(".stepper .show-all")
    visible = [s for s in page.locator("article[data-step]").all() if s.is_visible()]
    assert len(visible) == len(STEP_IDS)


def test_printing_shows_every_step_without_the_controls(page, live_server):
    page.goto(live_server("/#f.bias"))
    page.emulate_media(media="print")
    visible = [s for s in page.locator("article[data-step]").all() if s.is_visible()]
    assert len(visible) == len(STEP_IDS)
    expect(page.locator(".stepper")).to_be_hidden()
    expect(page.locator("form.inputs")).to_be_hidden()


def test_editing_a_value_updates_the_dependent_steps_and_the_url_without_a_reload(page, live_server):
    page.goto(live_server("/#f.bias"))
    page.evaluate("window.__not_reloaded = true")
    page.fill("#field-b_f", "1, 2, 4")
    bias = page.locator('[data-step="f.bias"]')
    expect(bias.locator(".sums li").nth(2)).to_have_text("133 + 4 = 137")
    expect(bias.locator("figure").last).to_contain_text("137")
    assert "b_f=1,2,4" in page.url and page.url.endswith("#f.bias")
    assert active_step(page) == "f.bias"  # the stepper stays where it was
    assert page.evaluate("window.__not_reloaded") is True
    expect(page.locator('link[rel="canonical"]')).to_have_attribute("href", re.compile(r"b_f=1,2,4"))
    # app.js times each update (performance.measure "live-update"); how fast is the benchmark's
    # question (bench/run.py, "live edit"), not a test's: a busy machine must not fail the suite.
    assert page.evaluate("performance.getEntriesByName('live-update').length") >= 1


def test_a_new_number_of_the_same_shape_is_patched_in_place(page, live_server):
    """Live editing keeps the page's elements and changes only what changed (app.js morph):
    the diagram and the step's result table are the same objects after the update."""
    page.goto(live_server("/#f.bias"))
    page.evaluate("""() => {
      window.__svg = document.querySelector('.cell-diagram');
      window.__table = document.querySelector('[data-step="f.bias"] figure:last-of-type table');
    }""")
    page.fill("#field-b_f", "1, 2, 5")
    expect(page.locator('[data-step="f.bias"] figure').last).to_contain_text("138")
    kept = page.evaluate("""() => ({svg: window.__svg.isConnected, table: window.__table.isConnected,
      text: window.__table.textContent})""")
    assert kept["svg"] and kept["table"] and "138" in kept["text"], kept
    assert active_step(page) == "f.bias"
    expect(page.locator('[data-step="f.bias"] button.copy')).to_have_count(1)  # put back, once


def test_bad_text_shows_its_message_as_you_type_and_dims_the_last_good_result(page, live_server):
    page.goto(live_server("/#f.bias"))
    page.fill("#field-b_f", "1, 2, banana")
    expect(page.locator("#error-b_f")).to_contain_text("'banana', which is not a number")
    expect(page.locator("#field-b_f")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".worked")).to_have_class(re.compile(r"\bstale\b"))
    expect(page.locator('[data-step="f.bias"]')).to_contain_text("136")  # the last good result stays
    assert "banana" not in page.url
    page.fill("#field-b_f", "1, 2, 3")
    expect(page.locator("#error-b_f")).to_have_count(0)
    expect(page.locator(".worked")).not_to_have_class(re.compile(r"\bstale\b"))


def test_clicking_a_number_on_the_page_and_typing_edits_it(page, live_server):
    page.goto(live_server("/#f.matmul"))
    cell = page.locator('[data-step="f.matmul"] table[data-field="W_f"] tr').nth(1).locator("td").nth(0)
    cell.click()
    editor = page.locator("input.cell-edit")
    expect(editor).to_have_value("5")
    editor.fill("-5")
    editor.press("Enter")
    expect(page.locator("#field-W_f")).to_have_value(re.compile(r"\n-5, 6, 7, 8, 9, 10\n"))
    # row 2 of W_f·v: 175 − 2·5 = 165
    expect(page.locator('[data-step="f.matmul"] .sums li').nth(1)).to_have_text(re.compile(r"= 165$"))
    assert "W_f=1,2,3,4,5,6;-5,6" in page.url


def test_keyboard_only_editing_of_a_number(page, live_server):
    page.goto(live_server("/#f.bias"))
    cell = page.locator('[data-step="f.bias"] table[data-field="b_f"] td').nth(2)
    cell.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    expect(page.locator("#field-b_f")).to_have_value("1, 2, 10")
    expect(page.locator('[data-step="f.bias"] figure').last).to_contain_text("143")


def test_hovering_a_result_highlights_its_row_of_W_and_v_and_shows_its_sum(page, live_server):
    page.goto(live_server("/#f.matmul"))
    step = page.locator('[data-step="f.matmul"]')
    figures = step.locator(".expr figure")
    figures.nth(2).locator("td").nth(1).hover()  # 175
    W_rows = figures.nth(0).locator("tr")
    assert W_rows.nth(1).locator("td.hl").count() == 6
    assert W_rows.nth(0).locator("td.hl").count() == 0
    assert figures.nth(1).locator("td.hl").count() == 6
    assert step.locator(".sums li.hl").count() == 1
    expect(page.locator(".readout")).to_have_text("row 2: 5·1 + 6·2 + 7·3 + 8·4 + 9·5 + 10·6 = 175")
    page.mouse.move(0, 0)
    assert step.locator(".hl").count() == 0


def test_focusing_an_entry_of_an_elementwise_step_highlights_the_same_entry(page, live_server):
    page.goto(live_server("/#C.update"))
    step = page.locator('[data-step="C.update"]')
    step.locator(".expr figure").last.locator("td").nth(2).focus()
    for f in range(3):
        assert step.locator(".expr figure").nth(f).locator("tr").nth(2).locator("td.hl").count() == 1
    expect(page.locator(".readout")).to_have_text(re.compile(r"^2 \+ 0\.2449 = 2\.2449$"))


@pytest.fixture
def clipboard_page(new_page, live_server):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    return page


def test_copy_latex_yields_the_steps_latex(clipboard_page, live_server):
    page = clipboard_page
    page.goto(live_server("/#f.matmul"))
    page.click('[data-step="f.matmul"] button.copy')
    expect(page.locator('[data-step="f.matmul"] button.copy')).to_have_text("Copied")
    step = next(s for s in unroll(presets.QUESTION).steps if s.id == "f.matmul")
    assert page.evaluate("navigator.clipboard.readText()") == latex.step_latex(step)


def test_copy_all_yields_the_whole_derivation_as_the_latex_route_gives_it(clipboard_page, live_server):
    page = clipboard_page
    page.goto(live_server("/"))
    page.click(".stepper .copy-all")
    expect(page.locator(".stepper .copy-all")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    whole = page.request.get(live_server("/latex?" + permalink.to_query(presets.QUESTION))).text()
    assert copied == whole
    assert r"\begin{bmatrix} 91 \\ 175 \\ 133 \end{bmatrix}" in copied


def test_colour_toggle(page, live_server):
    page.goto(live_server("/#f.matmul"))
    cell = page.locator('[data-step="f.matmul"] table[data-field="W_f"] td').nth(5)  # 6: a tone
    coloured = cell.evaluate("td => getComputedStyle(td).backgroundColor")
    page.uncheck(".stepper .colour")
    plain = cell.evaluate("td => getComputedStyle(td).backgroundColor")
    assert coloured != plain and plain in ("rgba(0, 0, 0, 0)", "transparent")


def test_every_step_passes_axe_when_all_are_shown(page, live_server, check_axe):
    """The stepper hides all but one step, and axe only checks what is shown."""
    page.goto(live_server("/"))
    page.check(".stepper .show-all")
    check_axe(page)


def test_phone_width_with_all_steps_shown_does_not_scroll_sideways(phone_page, live_server):
    phone_page.goto(live_server("/"))
    phone_page.check(".stepper .show-all")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_page_shows_numbers_as_the_formatter_does(page, live_server):
    """Sanity: what the browser shows for σ(22) is fmt.show's text (not 1.0000)."""
    page.goto(live_server("/?" + permalink.to_query(presets.ANSWER) + "#i.sigmoid"))
    expect(page.locator('[data-step="i.sigmoid"] figure').last).to_contain_text(
        fmt.show(unroll(presets.ANSWER).last["i"][0]))
