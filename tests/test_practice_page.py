"""Practice mode on the page, without a browser (issue 12): the asked steps show their operands
and an empty input per result entry and nothing of the result; fade; the form POST's marks;
the worksheet and its key; hand-sized random examples. The numbers are checked against
tests/reference.py or numpy, never against the app's own output."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from werkzeug.datastructures import MultiDict

from app import fmt, permalink, practice, presets
from app.sequence import unroll
from app.presets import HAND_GATE, HAND_MAX

SEED = presets.DEFAULT.example
SEED_QUERY = permalink.to_query(SEED)
ARTICLE = re.compile(r'<article class="step asked" id="([^"]+)".*?</article>', re.S)


def practice_page(client, example, extra=""):
    response = client.get(f"/?{permalink.to_query(example)}&mode=practice{extra}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def asked_articles(page: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in ARTICLE.finditer(page)}


def number_in(text: str, number: str) -> bool:
    """`number` written as a number of its own in `text` (not a digit of a longer one)."""
    return re.search(rf"(?<![\w.]){re.escape(number)}(?![\d])", text) is not None


def _written(x: float) -> set[str]:
    return {fmt.show(x), fmt.exact(x), fmt.show(x).replace("−", "-")}


@pytest.mark.parametrize("preset", presets.PRESETS, ids=[p.key for p in presets.PRESETS])
def test_no_asked_result_appears_anywhere_on_the_practice_page(client, preset):
    """Every step asked (no fade): no result's number is on the page, in the steps, notes,
    LaTeX, hover titles, data attributes, the picture or the links. A result entry that equals
    an input's number (v = [x, h], f∘C_{t-1} with f = 1) is skipped: the inputs are shown."""
    page = practice_page(client, preset.example)
    # the examples' chooser links every preset (inputs only, and other examples' numbers)
    page = re.sub(r'<nav class="presets".*?</nav>', "", page, flags=re.S)
    # the cell diagram's geometry (x="22", height="22") is not a value
    page = re.sub(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|r|rx|width|height|d|points|viewBox|dy)="[^"]*"', "", page)
    # the cell diagram stays (it lights the step being read), its asked values written "?"
    assert '<svg class="cell-diagram"' in page and "[?, ?" in page
    inputs = set()
    for name, value in preset.example.items():
        for x in np.asarray(value).ravel().tolist():
            inputs |= _written(x)
    res = unroll(preset.example, with_grads=False)
    articles = asked_articles(page)
    assert list(articles) == practice.askable_steps(res.steps)  # all but a slice of W_h's columns
    for step in res.steps:
        for x in step.result.value.ravel().tolist():
            if abs(x) < 10 and float(x).is_integer():
                continue  # 0, 1, 2…: also the entries' places ("entry 2 of 3")
            for text in _written(x) - inputs:
                assert not number_in(page, text), (step.id, text)


def test_an_asked_step_has_one_labelled_input_per_result_entry_in_row_order(client):
    page = practice_page(client, SEED)
    article = asked_articles(page)["f.matmul"]
    inputs = re.findall(r"<input [^>]*>", article)
    assert len(inputs) == 3
    labels = [re.search(r'aria-label="([^"]+)"', i).group(1) for i in inputs]
    assert labels == [f"Wf · v, entry {k} of 3" for k in (1, 2, 3)]
    assert all('name="a.f.matmul"' in i and 'form="practice"' in i for i in inputs)
    assert "Entry by entry" not in article and 'class="latex"' not in article and "<svg" not in article
    # its operands are shown: W_f (the question's) and v = [x, h] = 1…6
    for number in ("10", "8", "6"):
        assert number_in(article, number)


def test_fade_shows_the_first_steps_worked_and_asks_the_rest(client):
    steps = [s.id for s in unroll(SEED, with_grads=False).steps]
    page = practice_page(client, SEED, "&fade=3")
    articles = asked_articles(page)
    assert list(articles) == steps[3:]
    for worked in steps[:3]:
        assert f'id="{worked}" data-step="{worked}"' in page
    assert number_in(page, "177")  # f.bias, worked: W_f·v + b_f = [92, 177, 136]
    assert "3 of 18 steps are worked; the other 15 are yours" in page


def test_an_operand_that_is_an_earlier_asked_result_is_a_blank_or_the_learners_answer(client):
    page = practice_page(client, SEED, "&fade=1")
    bias = asked_articles(page)["f.bias"]
    assert 'data-mirror="f.matmul"' in bias and not number_in(bias, "91")
    url = f"/practice?{SEED_QUERY}&fade=1"
    answered = client.post(url, data={"a.f.matmul": ["91", "175", "130"], "check": "f.matmul"})
    assert answered.status_code == 200
    bias = asked_articles(answered.get_data(as_text=True))["f.bias"]
    mirror = re.search(r'data-mirror="f.matmul".*?</figure>', bias, re.S).group(0)
    assert re.findall(r'data-index="\d">([^<]*)<', mirror) == ["91", "175", "130"]


def test_the_form_post_marks_each_entry_and_keeps_the_learners_text(client):
    url = f"/practice?{SEED_QUERY}"
    # W_f·v = [91, 175, 133]: the third entry typed wrong, with a space the page must keep out
    response = client.post(url, data={"a.f.matmul": ["91", "175", "131"], "a.f.bias": ["92", "177", "136"],
                                      "check": "f.matmul"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    articles = asked_articles(page)
    inputs = re.findall(r"<input [^>]*>", articles["f.matmul"])
    assert [re.search(r'value="([^"]*)"', i).group(1) for i in inputs] == ["91", "175", "131"]
    assert [re.search(r'aria-invalid="(\w+)"', i).group(1) for i in inputs] == ["false", "false", "true"]
    assert "Not yet: 1 of 3 entries is wrong (entry 3)." in articles["f.matmul"]
    assert "Right: all 3 entries are correct." in articles["f.bias"]
    assert "aria-invalid" not in articles["f.sigmoid"]  # nothing typed there: nothing marked


def test_reveal_without_javascript_shows_the_worked_step(client):
    response = client.post(f"/practice?{SEED_QUERY}", data={"reveal": "f.bias"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "f.bias" not in asked_articles(page)
    worked = re.search(r'<article class="step" id="f.bias".*?</article>', page, re.S).group(0)
    assert number_in(worked, "177")
    # with the steps it reads (a worked step shows its operands): v = [h, x] and W_f·v
    assert re.search(r'name="revealed" value="([^"]*)"', page).group(1).split() == ["f.bias", "f.matmul", "v.concat"]
    # the next post keeps it revealed
    again = client.post(f"/practice?{SEED_QUERY}", data={"revealed": "f.bias", "check": "f.matmul",
                                                        "a.f.matmul": ["91", "", ""]}).get_data(as_text=True)
    assert "f.bias" not in asked_articles(again)


def test_practice_rides_beside_the_permalink_and_the_worked_page_is_unchanged(client):
    worked = client.get(f"/?{SEED_QUERY}").get_data(as_text=True)
    practice = practice_page(client, SEED)
    canonical = re.compile(r'<link rel="canonical" href="([^"]+)">')
    assert canonical.search(worked).group(1) == canonical.search(practice).group(1)
    assert f'href="/?{html.escape(SEED_QUERY)}&amp;mode=practice"' in worked  # the switch
    assert client.get("/?mode=practice").get_data(as_text=True) == practice  # GET / is the seed
    assert 'class="mode-switch"' in practice


def test_a_bad_fade_is_said_and_every_step_is_asked(client):
    page = practice_page(client, SEED, "&fade=two")
    assert "fade must be a whole number of steps" in page
    assert len(asked_articles(page)) == 18


def test_a_short_link_opens_in_practice_mode(client):
    made = client.post("/api/v1/links", json={k: v.tolist() for k, v in SEED.items()} | {"concat": "xh"})
    assert made.status_code in (200, 201)
    url = made.get_json()["url"]
    page = client.get(f"{url}?mode=practice&fade=2").get_data(as_text=True)
    assert len(asked_articles(page)) == 16
    assert f'action="{url}/practice?mode=practice&amp;fade=2"' in page
    assert f'href="{url}/worksheet?fade=2&amp;key=1"' in page
    posted = client.post(f"{url}/practice?fade=2", data={"a.f.bias": ["92", "177", "135"]})
    assert posted.status_code == 200
    assert "Not yet: 1 of 3 entries is wrong (entry 3)." in posted.get_data(as_text=True)
    posted = client.post(f"{url}/practice?fade=2", data={"a.f.bias": ["92", "178", "135"]})
    assert "Not yet: 2 of 3 entries are wrong (entries 2 and 3)." in posted.get_data(as_text=True)


# ------------------------------------------------------------------ the worksheet

def _environments_balanced(text: str) -> bool:
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]+)\}", text):
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


@pytest.mark.parametrize("preset", presets.PRESETS, ids=[p.key for p in presets.PRESETS])
def test_the_worksheet_has_one_blank_per_result_entry_and_balanced_environments(client, preset):
    query = permalink.to_query(preset.example)
    response = client.get(f"/worksheet?{query}")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert _environments_balanced(text)
    assert text.count(r"\begin{document}") == 1 and text.count(r"\end{document}") == 1
    assert text.count("{") == text.count("}")
    steps = unroll(preset.example, with_grads=False).steps
    blocks = re.split(r"\\paragraph\{Step \d+\.\}", text)[1:]
    assert len(blocks) == len(steps)
    askable = practice.askable_steps(steps)
    for step, block in zip(steps, blocks):
        blanks = step.result.value.size if step.id in askable else 0
        assert block.count(r"\underline{\hspace{3em}}") == blanks, step.id


def test_the_worksheet_refers_to_earlier_answers_instead_of_their_values(client):
    text = client.get(f"/worksheet?{SEED_QUERY}&fade=1").get_data(as_text=True)
    blocks = re.split(r"\\paragraph\{Step \d+\.\}", text)[1:]
    assert "(worked)" in blocks[0] and r"\underline" not in blocks[0]
    bias = blocks[2]  # step 3: z_f = W_f·v + b_f, W_f·v being step 2, the learner's
    assert r"\text{your answer to step 2}" in bias
    assert "91" not in bias and "175" not in bias


def _key_numbers(block: str) -> list[float]:
    """The last bmatrix of a step (its result), entries in row order, as numbers: 0.5,
    2.776 \\times 10^{-17}, 1^{\\ast} (saturated)."""
    last = block.rsplit(r"\begin{bmatrix}", 1)[1].split(r"\end{bmatrix}")[0]
    entries = re.split(r"\\\\|&", last)
    return [float(re.sub(r"\s*\\times 10\^\{(-?\d+)\}", r"e\1", e.replace("^{\\ast}", "")).strip()) for e in entries]


@pytest.mark.parametrize("key", ["question", "random", "gru", "sequence"])
def test_the_answer_key_matches_the_api(client, key):
    example = next(p for p in presets.PRESETS if p.key == key).example
    query = permalink.to_query(example)
    api = client.get(f"/api/v1/lstm?{query}").get_json()
    response = client.get(f"/worksheet?{query}&key=1&fade=2")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert r"\underline" not in text
    blocks = re.split(r"\\paragraph\{Step \d+\.\}", text)[1:]
    for step, block in zip(api["steps"], blocks):
        expected = np.ravel(step["result"]["value"])
        got = np.array(_key_numbers(block))
        # the key writes numbers as the page does: exact, or 4 decimals
        np.testing.assert_allclose(got, expected, rtol=0, atol=5.001e-5, err_msg=step["id"])


def test_a_short_links_worksheet_and_bad_settings(client):
    made = client.post("/api/v1/links", json={k: v.tolist() for k, v in SEED.items()} | {"concat": "xh"})
    url = made.get_json()["url"]
    sheet = client.get(f"{url}/worksheet?fade=17")
    assert sheet.status_code == 200
    assert sheet.get_data(as_text=True).count(r"\underline{\hspace{3em}}") == 3  # only h_t's 3 entries
    bad = client.get(f"/worksheet?{SEED_QUERY}&key=yes")
    assert bad.status_code == 400 and "key must be 1" in bad.get_data(as_text=True)


# ------------------------------------------------------------------ hand-sized numbers

def _hand_or_half(x: float) -> bool:
    return abs(x) <= HAND_MAX and float(2 * x).is_integer()


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("n, m", [(1, 1), (2, 2), (3, 2), (3, 3), (4, 3), (6, 6)])
def test_hand_sized_examples_are_small_halves_and_not_all_saturated(client, n, m):
    for seed in range(40):
        response = client.get(f"/random?n={n}&m={m}&seed={seed}&hand=1")
        assert response.status_code == 303
        pairs = dict(parse_qsl(urlsplit(response.headers["Location"]).query))
        api = client.get(f"/api/v1/lstm?{urlsplit(response.headers['Location']).query}").get_json()
        for name in ("x", "h_prev", "C_prev", "W_f", "W_i", "W_C", "W_o", "b_f", "b_i", "b_C", "b_o"):
            values = [float(t) for t in re.split("[,;]", pairs[name])]
            assert all(_hand_or_half(x) for x in values), (seed, name, values)
        # independently: z = W·v + b from the link's own numbers (numpy), per gate
        v = np.array(api["v"])
        for g in "fiCo":
            W = np.array([[float(t) for t in row.split(",")] for row in pairs[f"W_{g}"].split(";")])
            b = np.array([float(t) for t in pairs[f"b_{g}"].split(",")])
            z = W @ v + b
            np.testing.assert_allclose(z, api[f"z_{g}"], rtol=0, atol=1e-12)
            assert np.any(np.abs(z) <= HAND_GATE), (seed, g, z)
            gate = _sigmoid(z) if g != "C" else np.tanh(z)
            assert np.any((np.abs(gate) < 0.97) & (gate > (0.03 if g != "C" else -0.97))), (seed, g, gate)


def test_hand_sized_keeps_mode_and_fade_and_rejects_bad_options(client):
    response = client.get("/random?n=2&m=2&seed=5&hand=1&mode=practice&fade=3")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("&mode=practice&fade=3")
    assert client.get("/random?hand=2").status_code == 400
    bad = client.get("/random?fade=x&mode=practice")
    assert bad.status_code == 400 and "fade must be a whole number" in bad.get_data(as_text=True)
    # the same seed, the same example
    again = client.get("/random?n=2&m=2&seed=5&hand=1&mode=practice&fade=3")
    assert again.headers["Location"] == response.headers["Location"]


def test_next_example_asks_one_more_step(client):
    page = practice_page(client, SEED, "&fade=4")
    href = html.unescape(re.search(r'<a class="next-example" href="([^"]+)"', page).group(1))
    assert "hand=1" in href and href.endswith("&mode=practice&fade=3")
    followed = client.get(href)
    assert followed.status_code == 303
    location = followed.headers["Location"]
    assert "mode=practice&fade=3" in location
    nxt = client.get(location).get_data(as_text=True)
    assert "3 of 18 steps are worked" in nxt


@pytest.mark.slow
def test_every_worksheet_and_key_formula_renders_in_katex_strict_mode(client):
    """The worksheet's display formulas (blanks, references to earlier steps, the key) parse in
    a real renderer, KaTeX in strict mode (tests/test_katex.py's harness)."""
    from tests.test_katex import katex_failures

    formulas = []
    for preset in presets.PRESETS:
        for extra in ("", "&fade=3&key=1"):
            text = client.get(f"/worksheet?{permalink.to_query(preset.example)}{extra}").get_data(as_text=True)
            formulas += re.findall(r"\\\[ (.*?) \\\]", text, re.S)
    assert len(formulas) > 100
    got = katex_failures(formulas)
    assert got["rendered"] == len(formulas)
    assert not got["failures"], [(formulas[f["index"]][:200], f["error"]) for f in got["failures"][:5]]


def test_the_short_link_button_on_a_practice_page_makes_a_practice_link(client):
    form = {**{k: ", ".join(map(str, v.ravel().tolist())) if v.ndim == 1 else
               "\n".join(", ".join(map(str, row)) for row in v.tolist()) for k, v in SEED.items()},
            "concat": "xh", "part": "forward", "mode": "practice", "fade": "2"}
    made = client.post("/e", data=form)
    assert made.status_code == 303
    location = made.headers["Location"]
    assert re.search(r"/e/[\w-]+\?mode=practice&fade=2$", location), location
    page = client.get(location).get_data(as_text=True)
    assert len(asked_articles(page)) == 16


def test_the_random_form_on_a_practice_page_makes_hand_sized_practice(client):
    page = practice_page(client, SEED)
    form = re.search(r'<form class="random".*?</form>', page, re.S).group(0)
    assert '<input type="hidden" name="hand" value="1">' in form
    assert '<input type="hidden" name="mode" value="practice">' in form
    worked = client.get(f"/?{SEED_QUERY}").get_data(as_text=True)
    assert 'name="hand"' not in re.search(r'<form class="random".*?</form>', worked, re.S).group(0)


def test_a_steps_buttons_post_back_to_the_step_and_the_worksheet_is_cached(client):
    article = asked_articles(practice_page(client, SEED, "&fade=2"))["f.bias"]
    action = html.escape(f"/practice?{SEED_QUERY}&mode=practice&fade=2#f.bias")
    assert article.count(f'formaction="{action}"') == 2  # Check and Reveal
    sheet = client.get(f"/worksheet?{SEED_QUERY}&fade=2")
    assert sheet.status_code == 200 and sheet.headers.get("ETag")
    assert "public" in sheet.headers["Cache-Control"]
    assert client.get(f"/worksheet?{SEED_QUERY}&fade=2", headers={"If-None-Match": sheet.headers["ETag"]}).status_code == 304


def test_thousands_of_digits_in_fade_or_a_random_size_are_said_not_a_500(client):
    """int() refuses more than 4,300 digits with a ValueError: the length is checked first."""
    digits = "9" * 5000
    page = practice_page(client, SEED, f"&fade={digits}")
    assert "fade must be a whole number of steps" in page and len(asked_articles(page)) == 18
    sheet = client.get(f"/worksheet?{SEED_QUERY}&fade={digits}")
    assert sheet.status_code == 400 and "fade must be a whole number" in sheet.get_data(as_text=True)
    posted = client.post(f"/practice?{SEED_QUERY}&fade={'0' * 5000}3", data={"a.f.bias": ["92", "177", "136"]})
    assert posted.status_code == 200 and "fade must be a whole number" in posted.get_data(as_text=True)
    for key in ("n", "m", "seed", "fade"):
        bad = client.get(f"/random?hand=1&mode=practice&{key}={digits}")
        assert bad.status_code == 400 and f"{key} must be a whole number" in bad.get_data(as_text=True), key
    form = dict(parse_qsl(SEED_QUERY)) | {"mode": "practice", "fade": digits}
    live = client.post("/fragment", data=form)
    assert live.status_code == 200 and live.get_json()["ok"] is True
    assert client.post("/", data=form).status_code == 303


def test_mode_is_read_whatever_its_case_and_an_unknown_mode_practises_and_says_so(client):
    """A teacher's link with mode=Practice must not show the answers: it is practice mode; a mode
    the app does not know (mode=quiz) is practice too, and the practice bar says why."""
    for mode in ("Practice", "PRACTICE", " practice "):
        page = client.get(f"/?{SEED_QUERY}&mode={mode}").get_data(as_text=True)
        assert len(asked_articles(page)) == 18 and 'class="practice-problem"' not in page, mode
        assert client.get(f"/worksheet?{SEED_QUERY}&mode={mode}").status_code == 200
    page = client.get(f"/?{SEED_QUERY}&mode=quiz").get_data(as_text=True)
    assert len(asked_articles(page)) == 18
    problem = re.search(r'class="practice-problem"[^>]*>([^<]*)<', page).group(1)
    assert "mode must be practice or worked; got &#39;quiz&#39;." == problem
    worked = client.get(f"/?{SEED_QUERY}&mode=Worked").get_data(as_text=True)
    assert not asked_articles(worked) and "practice-problem" not in worked


def test_checking_on_a_large_sequences_later_page_comes_back_to_that_time_step(tmp_path):
    """A sequence too large for one page shows one time step (&time=5): Check posted to the
    form's action without it, and the page came back at t = 1, the learner's t = 5 answers and
    marks out of sight."""
    from app import create_app, example

    client = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'links.sqlite3'}"}).test_client()
    inp = presets.variant_example("lstm", n=32, m=32, T=20, seed=2)
    url = client.post("/api/v1/links", json=example.as_json(inp)).get_json()["url"]
    page = client.get(f"{url}?mode=practice&time=5").get_data(as_text=True)
    assert list(asked_articles(page))[:2] == ["t5.v.concat", "t5.f.matmul"]
    action = html.unescape(re.search(r'<form id="practice" method="post" action="([^"]*)"', page).group(1))
    assert action == f"{url}/practice?mode=practice&time=5"
    button = html.unescape(re.search(r'formaction="([^"]*#t5\.f\.matmul)"', page).group(1))
    assert button == f"{url}/practice?mode=practice&time=5#t5.f.matmul"
    step = next(s for s in unroll(inp, with_grads=False).steps if s.id == "t5.f.matmul")
    typed = [f"{v:.4f}" for v in step.result.value]
    typed[0] = "7"
    back = client.post(button.partition("#")[0], data={"a.t5.f.matmul": typed, "check": "t5.f.matmul"})
    assert back.status_code == 200
    article = asked_articles(back.get_data(as_text=True))["t5.f.matmul"]
    assert 'value="7" ' in article and article.count('aria-invalid="true"') == 1
    assert article.count('aria-invalid="false"') == 31


def test_checking_on_a_short_link_that_shows_chosen_steps_keeps_them(tmp_path):
    """A teacher's short link with ?steps=f.matmul,f.bias: after Check (no JavaScript) the page
    showed all 18 steps."""
    from app import create_app

    client = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'links.sqlite3'}"}).test_client()
    made = client.post("/api/v1/links", json={k: v.tolist() for k, v in SEED.items()} | {"concat": "xh"})
    url = made.get_json()["url"]
    article = re.compile(r'<article class="step[^"]*" id="([^"]+)"')
    page = client.get(f"{url}?mode=practice&steps=f.matmul,f.bias").get_data(as_text=True)
    assert article.findall(page) == ["f.matmul", "f.bias"]
    action = html.unescape(re.search(r'<form id="practice" method="post" action="([^"]*)"', page).group(1))
    assert action == f"{url}/practice?mode=practice&steps=f.matmul%2Cf.bias"
    back = client.post(action, data={"a.f.bias": ["92", "177", "135"], "check": "f.bias"}).get_data(as_text=True)
    assert article.findall(back) == ["f.matmul", "f.bias"]
    assert asked_articles(back)["f.bias"].count('aria-invalid="true"') == 1


def _form_of(page: str) -> list[tuple[str, str]]:
    """What the page's practice form itself posts: its hidden inputs (the browser sends these)."""
    form = re.search(r'<form id="practice".*?</form>', page, re.S).group(0)
    return [(html.unescape(n), html.unescape(v))
            for n, v in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', form)]


def test_an_example_too_large_for_a_link_is_checked_as_itself_not_as_the_seed(client):
    """No link holds it (POST / answers the page itself): the practice form carries the example,
    so Check marks this example's W_f·v (numpy), never the seed's; no link points at another
    example, and its progress is kept under its own key, not the one every large example shares."""
    big = presets.random_example(8, 8, seed=1)
    assert permalink.to_query(big) is None
    fields = dict(permalink.field_text(big), mode="practice")
    response = client.post("/", data=fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    action = html.unescape(re.search(r'<form id="practice"[^>]*action="([^"]*)"', page).group(1))
    for cls in ("mode-switch", "worksheet", "answer-key"):  # they would open the seed's example
        assert not re.search(rf'class="{cls}" href="', re.sub(r'<nav class="presets".*?</nav>', "", page, flags=re.S))
    assert "too large for a link" in page and "short link" in page
    store = re.search(r'data-store="([^"]*)"', page).group(1)
    other = client.post("/", data=dict(permalink.field_text(presets.random_example(8, 8, seed=2)), mode="practice"))
    assert store not in ("/", "") and store != re.search(r'data-store="([^"]*)"', other.get_data(as_text=True)).group(1)

    x, h = np.asarray(big["x"], float), np.asarray(big["h_prev"], float)
    v = np.concatenate([h, x] if big.concat == "hx" else [x, h])
    expected = np.asarray(big["W_f"], float) @ v
    answer = [repr(float(e)) for e in expected]
    answer[2] = repr(float(expected[2]) + 1)  # one entry wrong on purpose
    data = _form_of(page) + [("a.f.matmul", a) for a in answer] + [("check", "f.matmul")]
    checked = client.post(action, data=MultiDict(data))
    assert checked.status_code == 200
    text = checked.get_data(as_text=True)
    matmul = asked_articles(text)["f.matmul"]
    assert "Not yet: 1 of 8 entries is wrong (entry 3)." in matmul
    inputs = re.findall(r"<input [^>]*>", matmul)
    assert [re.search(r'aria-invalid="(\w+)"', i).group(1) for i in inputs] == ["false"] * 2 + ["true"] + ["false"] * 5
    assert _form_of(text) == _form_of(page)  # the next Check carries the example again


def test_reveal_also_reveals_the_asked_steps_it_reads_and_says_so(client):
    """Revealing σ(z_f) with z_f still asked would print z_f among its operands: the steps it
    reads (z_f, and W_f·v that z_f reads) are revealed with it, and the bar names them."""
    ex = presets.variant_example("lstm", n=2, m=2, seed=7)
    x, h = np.asarray(ex["x"], float).ravel(), np.asarray(ex["h_prev"], float)
    v = np.concatenate([h, x] if ex.concat == "hx" else [x, h])
    z_f = np.asarray(ex["W_f"], float) @ v + np.asarray(ex["b_f"], float)
    response = client.post(f"/practice?{permalink.to_query(ex)}&mode=practice", data={"reveal": "f.sigmoid"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    asked = asked_articles(page)
    assert not {"v.concat", "f.matmul", "f.bias", "f.sigmoid"} & set(asked) and "i.matmul" in asked
    revealed = re.search(r'name="revealed" value="([^"]*)"', page).group(1).split()
    assert sorted(revealed) == ["f.bias", "f.matmul", "f.sigmoid", "v.concat"]  # v = [h, x] too
    number = {s.id: k + 1 for k, s in enumerate(unroll(ex, with_grads=False).steps)}
    note = re.search(r'<p class="practice-revealed"[^>]*>([^<]*)</p>', page).group(1)
    assert (f"Also revealed steps {number['v.concat']}, {number['f.matmul']} and {number['f.bias']}"
            in html.unescape(note))
    bias = re.search(r'<article class="step" id="f.bias".*?</article>', page, re.S).group(0)
    assert all(any(number_in(html.unescape(bias), t) for t in _written(z)) for z in z_f)  # shown worked, as revealed
    # the next post keeps them revealed, and says nothing more
    again = client.post(f"/practice?{permalink.to_query(ex)}&mode=practice",
                        data={"revealed": " ".join(revealed)}).get_data(as_text=True)
    assert not {"f.matmul", "f.bias", "f.sigmoid"} & set(asked_articles(again))
    assert '<p class="practice-revealed" role="status"></p>' in again


@pytest.mark.parametrize("preset", presets.PRESETS[:3], ids=[p.key for p in presets.PRESETS[:3]])
def test_no_revealed_step_shows_a_still_asked_steps_result(client, preset):
    """Reveal each asked step in turn: no worked article shows the value of a step still asked
    (skipping values that are also an input's or a revealed step's own, which it may show)."""
    res = unroll(preset.example, with_grads=False)
    inputs = set()
    for value in preset.example.values():
        for x in np.asarray(value).ravel().tolist():
            inputs |= _written(x)
    query = permalink.to_query(preset.example)
    for target in practice.askable_steps(res.steps):
        page = client.post(f"/practice?{query}&mode=practice", data={"reveal": target}).get_data(as_text=True)
        still = set(asked_articles(page))
        revealed = [s for s in res.steps if s.id not in still and s.id in practice.askable_steps(res.steps)]
        assert target in {s.id for s in revealed}
        shown = set(inputs)
        for s in revealed:
            for x in s.result.value.ravel().tolist():
                shown |= _written(x)
        for s in revealed:
            art = html.unescape(re.search(rf'<article class="step[^"]*" id="{re.escape(s.id)}".*?</article>',
                                          page, re.S).group(0))
            art = re.sub(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|r|rx|width|height|d|points|viewBox|dy)="[^"]*"', "", art)  # the curve
            for open_step in (o for o in res.steps if o.id in still):
                for x in open_step.result.value.ravel().tolist():
                    if abs(x) < 10 and float(x).is_integer():
                        continue  # small whole numbers are also entries' places
                    for t in _written(x) - shown:
                        assert not number_in(art, t), (target, s.id, open_step.id, t)
