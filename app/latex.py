r"""The trace as LaTeX, in the seed's style: bmatrix for every vector and matrix, column
vectors as columns, numbers as the page shows them.

Each step becomes `formula = numbers = result`, e.g.

    W_f \cdot v = \begin{bmatrix} 1 & 2 \\ … \end{bmatrix} \cdot \begin{bmatrix} 1 \\ … \end{bmatrix}
                = \begin{bmatrix} 91 \\ 175 \\ 133 \end{bmatrix}

ready to paste between $$ … $$ in a Markdown + MathJax answer.
"""
from __future__ import annotations

import numpy as np

from . import fmt
from .primitives import PRIMITIVES
from .trace import Step

SATURATED_MARK = r"^{\ast}"
SATURATED_NOTE = r"\quad {}^{\ast}\,\text{saturated: rounded to this limit by float64}"


def bmatrix(value: np.ndarray, saturated=()) -> str:
    if value.ndim == 1:
        entries = fmt.latex_each(value.tolist())
        if any(saturated):
            entries = [e + SATURATED_MARK if sat else e for e, sat in zip(entries, saturated)]
        body = r" \\ ".join(entries)
    else:
        body = r" \\ ".join([" & ".join(fmt.latex_each(row)) for row in value.tolist()])
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def step_latex(step: Step, memo: dict[int, str] | None = None) -> str:
    """`formula = numbers = result`, the numbers written by the step's primitive (primitives.py).

    `memo` (id of a value's array → its bmatrix) lets the steps of one trace write each value
    once: v, W_f or f_t is read by several steps, and a copy step's result (δb_f = δz_f) is its
    operand's array under a new name. Only for steps that stay alive while it is used (ids are
    reused after an object is gone): `steps_latex` keeps one for a list of steps."""
    memo = {} if memo is None else memo

    def written(sym) -> str:
        text = memo.get(id(sym.value))
        if text is None:
            text = memo[id(sym.value)] = bmatrix(sym.value)
        return text

    numbers = PRIMITIVES[step.op].latex(step, [written(s) for s in step.operands])
    if any(step.saturated):  # the result's saturated entries are marked here only
        result, note = bmatrix(step.result.value, step.saturated), SATURATED_NOTE
    else:
        result, note = written(step.result), ""
    return f"{step.formula} = {numbers} = {result}{note}"


def steps_latex(steps: list[Step]) -> list[str]:
    """`step_latex` of each step, each value written once."""
    memo: dict[int, str] = {}
    return [step_latex(step, memo) for step in steps]


def document(steps: list[Step]) -> str:
    """The whole derivation: a heading line and a $$ … $$ block per step."""
    blocks = [f"**{step.title}**\n\n$$ {latex} $$\n" for step, latex in zip(steps, steps_latex(steps))]
    return "\n".join(blocks)
