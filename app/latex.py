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
        entries = [fmt.latex(x) + (SATURATED_MARK if saturated and saturated[k] else "")
                   for k, x in enumerate(value.tolist())]
        body = r" \\ ".join(entries)
    else:
        body = r" \\ ".join(" & ".join(fmt.latex(x) for x in row) for row in value.tolist())
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def step_latex(step: Step) -> str:
    """`formula = numbers = result`, the numbers written by the step's primitive (primitives.py)."""
    numbers = PRIMITIVES[step.op].latex(step, [bmatrix(s.value) for s in step.operands])
    result = bmatrix(step.result.value, step.saturated)
    note = SATURATED_NOTE if any(step.saturated) else ""
    return f"{step.formula} = {numbers} = {result}{note}"


def document(steps: list[Step]) -> str:
    """The whole derivation: a heading line and a $$ … $$ block per step."""
    blocks = [f"**{step.title}**\n\n$$ {step_latex(step)} $$\n" for step in steps]
    return "\n".join(blocks)
