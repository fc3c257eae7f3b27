"""Remarks a teacher would add next to a step, shown when *this example* makes them visible.

Each rule looks at the numbers, not at which preset was chosen, so anyone who types the seed's
numbers gets the same remarks. Returns {step id: [sentences]}.
"""
from __future__ import annotations

import numpy as np

from .cells import VARIANTS
from .fields import Inputs
from .fmt import show
from .trace import Step


def _equals(a: np.ndarray, values: list) -> bool:
    # the floats as a list: the same comparisons as numpy's, without an array per call (every
    # matrix product and bias of every page is checked)
    return a.shape == (len(values),) and a.tolist() == values


def notes_for(inp: Inputs, res) -> dict[str, list[str]]:
    """`res` is anything with the forward `steps` (`sequence.Unrolled`). The rules look at each
    step's numbers, so they hold for every variant and time step; a cell adds its own
    (`CellSpec.notes`)."""
    spec = VARIANTS[inp.variant]
    notes: dict[str, list[str]] = {}

    def add(step_id: str, text: str) -> None:
        if text not in notes.setdefault(step_id, []):
            notes[step_id].append(text)

    n, m = inp.n, inp.m
    concat_id = None  # the concatenation step of the current time step
    first_matmul = first_gate = first_update = True
    for step in res.steps:
        if step.op == "concat" and step.result.name == "v":
            concat_id = step.id
            if inp.concat == "xh" and first_matmul:
                add(step.id, f"Here x_t comes first: the first m = {m} columns of every W multiply "
                             f"x_t, the last n = {n} multiply h_{{t-1}}. In Colah's order [h_{{t-1}}, "
                             f"x_t] the same cell has its columns swapped round: the order is part of "
                             f"what W means.")
        elif step.op == "matvec" and _reads_v(step):
            W = step.operands[0].name
            if first_matmul and n == m:
                add(step.id, f"{W} has n+m = {n + m} columns, not {n}: with n = m = {n} it is easy to "
                             f"think {W} is {n}×{n}, but it multiplies the concatenated vector of "
                             f"{n + m} numbers.")
            first_matmul = False
            if _equals(step.result.value, [91, 175, 133]):
                add(step.id, "The question these numbers come from takes W_f as 3×3 and prints this "
                             "product as a row, [91 175 133]; W_f is 3×6, and W·v is a column vector "
                             "with one entry per cell state.")
                if inp.concat == "xh" and concat_id is not None:
                    add(concat_id, "The question these numbers come from writes W_f·[h_{t-1}, x_t] but multiplies by "
                                   "[1, 2, 3, 4, 5, 6] = [x_t, h_{t-1}]. This example follows the "
                                   "numbers (concat = xh). The order matters: swapping it permutes "
                                   "the columns of every W.")
        elif step.op == "add" and step.result.name.startswith("z_") and _equals(step.result.value, [22, 43, 64]):
            add(step.id, "The worked answer these numbers come from prints [22, 42, 62] here: an arithmetic slip. "
                         "The rows of W_i·v are 21, 42 and 63, so adding b_i = 1 gives "
                         "2·21 + 1 = 43 and 3·21 + 1 = 64.")
        elif step.op == "sigmoid" and 22 in step.operands[0].value.ravel().tolist():
            add(step.id, f"σ(22) = {show(1 / (1 + np.exp(-22.0)))}: not 'about 0.999' as "
                         "the worked answer these numbers come from says, but within 3×10⁻¹⁰ of 1.")
        if step.op == "sigmoid" and first_gate:
            inside = [a for a in step.result.value.tolist() if 0.01 < a < 0.99]
            if inside:
                first_gate = False
                add(step.id, f"A gate value like {show(inside[0])} is a fraction applied every time, "
                             "not a probability: nothing is sampled, and the same numbers always give "
                             "the same gate. (A worked answer this tool grew from says the gates decide "
                             "'stochastically'; they do not.)")
        if step.op == "hadamard" and step.result.name == "h" and first_update and spec.has_cell_state:
            first_update = False
            add(step.id, f"h_t has n = {n} entries, exactly like C_t: it is C_t squashed by tanh and "
                         "scaled by the output gate, entry by entry, so the cell state and the hidden "
                         "state always have the same size.")
    if spec.notes is not None:
        for step_id, texts in spec.notes(inp, res).items():
            for text in texts:
                add(step_id, text)
    return notes


def _reads_v(step: Step) -> bool:
    """A gate's W · v (not the output layer's W_y · h_t, nor a GRU block's product)."""
    return step.operands[1].name == "v"
