"""Practice mode in a real browser (issue 12): the seed's example, W_f·v, + b_f and σ filled in
right and wrong, with JavaScript (POST /api/v1/check) and without (the form POST); fade;
reveal; aria-invalid; Tab between entries; the acceptance case (the seed answer's 42 at
W_i·v + b_i); progress kept in the browser. Expected numbers come from numpy, not the app."""
from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from app import fmt, presets
from app.primitives import stable_sigmoid

pytestmark = pytest.mark.browser

SEED = presets.DEFAULT.example
V = np.concatenate([SEED["x"], SEED["h_prev"]])  # the seed's order: [x_t, h_{t-1}] = 1…6
W_F_V = SEED["W_f"] @ V  # [91, 175, 133]
Z_F = W_F_V + SEED["b_f"]  # [92, 177, 136]
F = stable_sigmoid(Z_F)  # σ(92) … : 1.0 in float64
Z_I = SEED["W_i"] @ V + SEED["b_i"]  # [22, 43, 64]


def _text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4f}"


def seed_practice_url(live_server, page, extra=""):
    """GET /'s permalink (the seed's example), in practice mode."""
    page.goto(live_server("/"))
    link = page.locator('link[rel="canonical"]').get_attribute("href")
    return live_server(link if link.startswith("/") else re.sub(r"^https?://[^/]+", "", link)) + "&mode=practice" + extra


def step(page, step_id):
    return page.locator(f'article[data-step="{step_id}"]')


def fill(page, step_id, values):
    inputs = step(page, step_id).locator("input")
    expect(inputs).to_have_count(len(values))
    for k, value in enumerate(values):
        inputs.nth(k).fill(value)


def marks(page, step_id):
    return [step(page, step_id).locator("input").nth(k).get_attribute("aria-invalid")
            for k in range(step(page, step_id).locator("input").count())]


def test_with_javascript_right_answers_are_marked_right(page, live_server, check_axe):
    page.goto(seed_practice_url(live_server, page))
    page.check(".stepper .show-all")
    for step_id, values in (("f.matmul", W_F_V), ("f.bias", Z_F), ("f.sigmoid", F)):
        fill(page, step_id, [_text(x) for x in values])
        step(page, step_id).locator("button.check").click()
        expect(step(page, step_id).locator(".verdict")).to_contain_text("Right: all 3 entries are correct.")
        assert marks(page, step_id) == ["false", "false", "false"]
    check_axe(page)


def test_with_javascript_a_wrong_entry_is_marked_and_said(page, live_server, check_axe):
    page.goto(seed_practice_url(live_server, page))
    page.check(".stepper .show-all")
    wrong = [_text(x) for x in W_F_V]
    wrong[2] = _text(W_F_V[2] - 3)
    fill(page, "f.matmul", wrong)
    step(page, "f.matmul").locator("button.check").click()
    expect(step(page, "f.matmul").locator(".verdict")).to_contain_text("Not yet: 1 of 3 entries is wrong (entry 3).")
    assert marks(page, "f.matmul") == ["false", "false", "true"]
    # the learner's answer stands in for W_f·v where + b_f reads it
    expect(step(page, "f.bias").locator("figure.mirror td")).to_have_text(wrong)
    check_axe(page)


def test_the_seed_answers_slip_gets_the_row_2_hint(page, live_server):
    """Done when: typing the seed answer's 42 at W_i·v + b_i tells the learner row 2's sum."""
    page.goto(seed_practice_url(live_server, page))
    page.check(".stepper .show-all")
    typed = [_text(Z_I[0]), "42", _text(Z_I[2])]
    assert typed[1] != _text(Z_I[1])  # 43: the seed answer's slip is a slip
    fill(page, "i.bias", typed)
    step(page, "i.bias").locator("input").nth(2).press("Enter")  # Enter checks this step
    verdict = step(page, "i.bias").locator(".verdict")
    expect(verdict).to_contain_text("entry 2")
    hint = verdict.locator(".hints li").first
    expect(hint).to_contain_text("row 2")
    expect(hint).to_contain_text("42")
    expect(hint).to_contain_text(f"= {_text(Z_I[1])}")
    assert marks(page, "i.bias") == ["false", "true", "false"]
    # Two wrong entries are named as the server names them ("entries 2 and 3")
    step(page, "i.bias").locator("input").nth(2).fill(str(int(Z_I[2]) - 2))
    step(page, "i.bias").locator("input").nth(2).press("Enter")
    expect(verdict).to_contain_text("2 of 3 entries are wrong (entries 2 and 3).")
    assert marks(page, "i.bias") == ["false", "true", "true"]


def test_tab_moves_between_the_entries(page, live_server):
    page.goto(seed_practice_url(live_server, page))
    page.check(".stepper .show-all")
    inputs = step(page, "f.matmul").locator("input")
    inputs.nth(0).focus()
    for k in (1, 2):
        page.keyboard.press("Tab")
        expect(inputs.nth(k)).to_be_focused()
    assert inputs.nth(1).get_attribute("aria-label").endswith("entry 2 of 3")


def test_without_javascript_the_check_is_a_form_post(new_page, live_server):
    page = new_page(java_script_enabled=False)
    page.goto(seed_practice_url(live_server, page))
    fill(page, "i.bias", [_text(Z_I[0]), "42", _text(Z_I[2])])
    fill(page, "f.matmul", [_text(x) for x in W_F_V])
    with page.expect_navigation():
        step(page, "i.bias").locator("button.check").click()
    assert "/practice?" in page.url and page.url.endswith("#i.bias")  # back at the step checked
    assert [step(page, "i.bias").locator("input").nth(k).input_value() for k in range(3)] == \
        [_text(Z_I[0]), "42", _text(Z_I[2])]
    assert marks(page, "i.bias") == ["false", "true", "false"]
    assert marks(page, "f.matmul") == ["false", "false", "false"]
    expect(step(page, "i.bias").locator(".hints")).to_contain_text("row 2")
    expect(step(page, "f.matmul").locator(".verdict")).to_contain_text("Right")
    # Reveal, still without JavaScript: the page comes back with the step worked, and the steps
    # it reads (v and W_f·v) with it, said in the bar; the other answers are kept
    with page.expect_navigation():
        step(page, "f.bias").locator("button.reveal").click()
    expect(step(page, "f.bias").locator("input")).to_have_count(0)
    expect(step(page, "f.bias").locator(".expr")).to_contain_text(_text(Z_F[1]))
    expect(step(page, "f.matmul").locator("input")).to_have_count(0)
    expect(step(page, "f.matmul").locator(".expr")).to_contain_text(_text(W_F_V[1]))
    expect(page.locator(".practice-revealed")).to_have_text(re.compile(r"Also revealed steps 1 and 2"))
    assert step(page, "i.bias").locator("input").nth(1).input_value() == "42"


def test_fade_shows_the_first_steps_worked(page, live_server):
    page.goto(seed_practice_url(live_server, page, "&fade=3"))
    page.check(".stepper .show-all")
    expect(page.locator("article.asked")).to_have_count(15)
    for worked in ("v.concat", "f.matmul", "f.bias"):
        expect(step(page, worked).locator("input")).to_have_count(0)
    expect(step(page, "f.bias").locator(".expr")).to_contain_text(_text(Z_F[1]))
    expect(page.locator(".practice-bar")).to_contain_text("3 of 18 steps are worked")
    next_href = page.locator("a.next-example").get_attribute("href")
    assert next_href.endswith("&mode=practice&fade=2")
    page.click("a.next-example")
    expect(page.locator(".practice-bar")).to_contain_text("2 of")


def test_reveal_shows_the_worked_step_and_the_browser_remembers_it(page, live_server):
    url = seed_practice_url(live_server, page)
    page.goto(url)
    page.check(".stepper .show-all")
    fill(page, "i.matmul", ["21", "", ""])
    step(page, "f.bias").locator("button.reveal").click()
    expect(step(page, "f.bias").locator("input")).to_have_count(0)
    expect(step(page, "f.bias").locator(".expr")).to_contain_text(_text(Z_F[2]))
    expect(step(page, "f.bias").locator(".latex pre")).to_contain_text(_text(Z_F[1]))
    # W_f·v, which the worked z_f shows, is revealed with it, as without JavaScript, and said
    expect(step(page, "f.matmul").locator("input")).to_have_count(0)
    expect(step(page, "f.matmul").locator(".expr")).to_contain_text(_text(W_F_V[2]))
    expect(page.locator(".practice-revealed")).to_have_text(re.compile(r"Also revealed steps 1 and 2"))
    expect(step(page, "f.sigmoid").locator("input")).to_have_count(3)
    page.reload()
    page.check(".stepper .show-all")
    expect(step(page, "f.bias").locator("input")).to_have_count(0)  # revealed, from localStorage
    expect(step(page, "f.matmul").locator("input")).to_have_count(0)
    assert step(page, "i.matmul").locator("input").nth(0).input_value() == "21"


def test_a_practice_page_links_its_worksheet_and_the_switch(page, live_server):
    worked = live_server("/")
    page.goto(worked)
    page.click("a.mode-switch")
    expect(page.locator(".practice-bar")).to_be_visible()
    assert "mode=practice" in page.url
    sheet = page.locator("a.worksheet").get_attribute("href")
    key = page.locator("a.answer-key").get_attribute("href")
    assert sheet.startswith("/worksheet?") and key.endswith("&key=1")
    answer = page.request.get(live_server(sheet))
    assert answer.status == 200 and r"\begin{document}" in answer.text()


def test_an_example_too_large_for_a_link_is_checked_and_revealed_as_itself(page, live_server):
    """No link holds it (POST / answers the page): Check (the API) and Reveal (the form's own
    POST, which carries the example) both work on this example, not the seed's."""
    from app import permalink
    big = presets.random_example(8, 8, seed=1)
    assert permalink.to_query(big) is None
    x, h = np.asarray(big["x"], float), np.asarray(big["h_prev"], float)
    v = np.concatenate([h, x] if big.concat == "hx" else [x, h])
    z_f = np.asarray(big["W_f"], float) @ v + np.asarray(big["b_f"], float)
    page.goto(live_server("/"))
    fields = dict(permalink.field_text(big), mode="practice")
    with page.expect_navigation():
        page.evaluate("""(fields) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = "/";
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("textarea");
                input.name = name; input.value = value; form.append(input);
            }
            document.body.append(form); form.submit();
        }""", fields)
    expect(page.locator("p.practice-no-link")).to_be_visible()
    page.check(".stepper .show-all")
    fill(page, "i.matmul", [repr(float(e)) for e in np.asarray(big["W_i"], float) @ v])
    step(page, "i.matmul").locator("button.check").click()
    expect(step(page, "i.matmul").locator(".verdict")).to_contain_text("Right: all 8 entries")
    step(page, "f.bias").locator("button.reveal").click()
    expect(step(page, "f.bias").locator("input")).to_have_count(0)
    for z in z_f:
        expect(step(page, "f.bias").locator(".expr")).to_contain_text(fmt.show(z))
