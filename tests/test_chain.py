"""A sequence's page draws it unrolled in time (app/pictures/chain.py): one cell per time step,
each tagged with exactly its time step's steps and linking to the first of them (or to its own
page when the sequence is shown one time step at a time); a single step has no such picture."""
from __future__ import annotations

import re

import numpy as np

from app import budget, presets
from app.fields import Inputs
from app.permalink import to_query
from app.sequence import unroll


def cells(html: str) -> list[tuple[str, str, str]]:
    """(href, data-steps, data-time) of each cell of the chain."""
    return re.findall(r'<a href="([^"]*)"><g class="cell" data-steps="([^"]*)" data-time="(\d+)">', html)


def test_each_time_step_is_a_cell_that_lights_with_its_own_steps(client):
    for key, part in (("sequence", ""), ("sequence", "backward")):
        preset = next(p for p in presets.PRESETS if p.key == key)
        res = unroll(preset.example)
        html = client.get(f"/{part}?{to_query(preset.example)}").get_data(as_text=True)
        steps = res.grad_steps if part else res.steps
        found = cells(html)
        assert [int(t) for _, _, t in found] == [1, 2, 3]
        for href, ids, t in found:
            mine = [s.id for s in steps if budget.time_of(s.id) == int(t)]
            assert ids.split() == mine and href == f"#{mine[0]}"
        assert html.count('class="arrow cs"') == 4  # C_0 in, then C_1, C_2, C_3 on
        assert "The LSTM unrolled over T = 3 time steps" in html


def test_a_gru_chain_carries_h_only_and_a_single_step_has_no_chain(client):
    gru = presets.variant_example("gru", T=4, seed=2)
    html = client.get(f"/?{to_query(gru)}").get_data(as_text=True)
    assert len(cells(html)) == 4 and 'class="arrow cs"' not in html
    single = client.get(f"/?{to_query(presets.QUESTION)}").get_data(as_text=True)
    assert 'class="chain"' not in single


def test_a_paged_sequences_cells_link_to_their_own_pages(client):
    zeros = Inputs.of(variant="peephole", x=np.zeros((20, 32)), h_prev=np.zeros(32), C_prev=np.zeros(32),
                      **{f"W_{g}": np.zeros((32, 64)) for g in "fiCo"}, **{f"b_{g}": np.zeros(32) for g in "fiCo"},
                      **{f"p_{g}": np.zeros(32) for g in "fio"}, W_y=np.zeros((32, 32)), b_y=np.zeros(32))
    query = to_query(zeros)
    html = client.get(f"/?{query}&time=4").get_data(as_text=True)
    found = {int(t): href for href, _, t in cells(html)}
    assert len(found) == 20 and found[4] == "#t4.v.concat"
    assert found[5].endswith("&amp;time=5") and found[1].endswith("&amp;time=1")
