"""The constant-error-carousel plot on the backward page, in a real browser: it fits a phone
without sideways scroll, its text stays readable there, it passes axe in light and dark mode."""
from __future__ import annotations

import numpy as np
import pytest

from app import permalink, presets
from app.fields import Inputs

PHONE_WIDTH = 390


def _sequence(n: int = 5, T: int = 12) -> str:
    """A 5-entry, 12-step LSTM with one-decimal numbers: every entry its own line."""
    rng = np.random.default_rng(5)
    r = lambda *shape: np.round(rng.uniform(-1, 1, shape), 1) + 0.0  # noqa: E731
    inp = Inputs.of(x=r(T, 2), h_prev=r(n), C_prev=r(n), W_f=r(n, n + 2), b_f=np.round(np.linspace(0.5, 4, n), 1),
                    W_i=r(n, n + 2), b_i=np.zeros(n), W_C=r(n, n + 2), b_C=r(n), W_o=r(n, n + 2), b_o=r(n))
    return "/backward?" + permalink.to_query(inp)


PAGES = [pytest.param("/backward", id="seed"),
         pytest.param("/backward?" + permalink.to_query(presets.ANSWER), id="answer"),
         pytest.param(_sequence(), id="sequence")]


@pytest.mark.parametrize("path", PAGES)
def test_carousel_fits_a_phone(phone_page, live_server, path):
    page = phone_page
    assert page.goto(live_server(path)).status == 200
    page.wait_for_load_state("networkidle")
    plot = page.locator(".carousel-plot")
    assert plot.count() == 1
    box = plot.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH
    assert box["width"] >= 0.85 * (PHONE_WIDTH - 40)  # the plot uses the width it has
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    # the tick labels are drawn at least 9 px high on the phone
    tick = page.locator(".carousel-plot text.tick").first.bounding_box()
    assert tick["height"] >= 9


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_carousel_passes_axe(new_page, live_server, check_axe, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(live_server(_sequence()))
    page.wait_for_load_state("networkidle")
    assert page.locator(".carousel-plot").is_visible()
    check_axe(page)
