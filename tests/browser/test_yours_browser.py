"""The paste box, the mapping picture and the compare box in Chromium, desktop and phone: a real
PyTorch printout pasted and submitted (a plain form post), the mapping drawn, PyTorch's own h and
C pasted back and found to match; clean console, no sideways scroll on a phone, no serious axe
violation."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture
def printout():
    torch.manual_seed(11)
    torch.set_printoptions(precision=17)
    cell = torch.nn.LSTMCell(3, 2, dtype=torch.float64)
    with torch.no_grad():
        h, c = cell(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64))
    yield str(cell.state_dict()), h[0].tolist(), c[0].tolist()
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_paste_then_compare_in_the_browser(request, device, live_server, printout, check_axe):
    page = request.getfixturevalue(device)
    text, h, c = printout
    page.goto(live_server("/"))
    page.click("#paste summary")
    page.fill("#paste-text", text)
    page.fill("#paste input[name=paste_x]", "1, 2, 3")
    with page.expect_navigation():
        page.click("#paste button[type=submit]")
    assert page.locator("#mapping svg.mapping-picture").count() == 1
    assert page.locator("#mapping svg rect.band.g-f").count() == 4  # weight_ih, weight_hh, bias_ih, bias_hh
    assert "b_f = bias_ih[2:4] + bias_hh[2:4]" in page.locator(".mapping-steps").inner_text()
    page.click("#compare summary")
    page.fill("#compare textarea[name=h]", str(h))
    page.fill("#compare textarea[name=C]", str(c))
    with page.expect_navigation():
        page.click("#compare button[type=submit]")
    assert "They match." in page.locator("#compare .match").inner_text()
    if device == "phone_page":
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways: {width}px"
    check_axe(page)
