"""Remarks a teacher would add next to a step, shown when *this example* makes them visible.

Each rule looks at the numbers, not at which preset was chosen, so anyone who types the seed's
numbers gets the same remarks. Returns {step id: [sentences]}.
"""
from __future__ import annotations

import numpy as np

from .cell import LSTMInput, LSTMResult
from .fmt import show


def _equals(a: np.ndarray, values) -> bool:
    return a.shape == (len(values),) and bool(np.all(a == np.array(values, dtype=np.float64)))


def notes_for(inp: LSTMInput, res: LSTMResult) -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}

    def add(step_id: str, text: str) -> None:
        notes.setdefault(step_id, []).append(text)

    n, m = inp.n, inp.m
    if n == m:
        add("f.matmul", f"W_f has n+m = {n + m} columns, not {n}: with n = m = {n} it is easy to "
                        f"think W_f is {n}×{n} (the seed's question did), but it multiplies the "
                        f"concatenated vector of {n + m} numbers.")
    for g, name in (("f", "f"), ("i", "i"), ("C", "C_tilde"), ("o", "o")):
        Wv = getattr(inp, f"W_{g}") @ res.v
        if _equals(Wv, [91, 175, 133]):
            add(f"{name}.matmul", "The seed's question prints this product as a row, "
                                  "[91 175 133]; W·v is a column vector with one entry per cell state.")
            if inp.concat == "xh":
                add("v.concat", "The seed's question writes W_f·[h_{t-1}, x_t] but multiplies by "
                                "[1, 2, 3, 4, 5, 6] = [x_t, h_{t-1}]. This example follows the "
                                "numbers (concat = xh). The order matters: swapping it permutes "
                                "the columns of every W.")
        z = getattr(res, f"z_{g}")
        if _equals(z, [22, 43, 64]):
            add(f"{name}.bias", "The seed's answer prints [22, 42, 62] here: an arithmetic slip. "
                                "The rows of W_i·v are 21, 42 and 63, so adding b_i = 1 gives "
                                "2·21 + 1 = 43 and 3·21 + 1 = 64.")
        if g != "C" and np.any(z == 22):
            add(f"{name}.sigmoid", f"σ(22) = {show(1 / (1 + np.exp(-22.0)))}: not 'about 0.999' as "
                                   "the seed's answer says, but within 3×10⁻¹⁰ of 1.")
    return notes
