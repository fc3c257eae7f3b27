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
from .trace import Step, span_text

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


_OPERATOR = {"matvec": r" \cdot ", "add": " + ", "hadamard": r" \circ "}


def _part(step: Step) -> str:
    """Which entries (or columns) a slice or embed step takes or fills: "entries 1–3"."""
    return rf"\text{{{span_text(*step.span, step.result.value.ndim)}}}"


def step_latex(step: Step) -> str:
    ops = [bmatrix(s.value) for s in step.operands]
    if step.op == "concat":
        numbers = rf"\left[ {ops[0]}, {ops[1]} \right]"
    elif step.op in _OPERATOR:
        numbers = _OPERATOR[step.op].join(ops)
    elif step.op == "sigmoid":
        numbers = rf"\sigma\left( {ops[0]} \right)"
    elif step.op == "tanh":
        numbers = rf"\tanh\left( {ops[0]} \right)"
    elif step.op == "one_minus":
        numbers = rf"1 - {ops[0]}"
    elif step.op == "neg":
        numbers = rf"-{ops[0]}"
    elif step.op == "copy":
        numbers = ops[0]
    elif step.op == "slice":
        numbers = rf"{_part(step)} \text{{ of }} {ops[0]}"
    elif step.op == "embed":
        numbers = rf"{ops[0]} \text{{ in }} {_part(step)}\text{{, 0 elsewhere}}"
    elif step.op == "outer":
        numbers = rf"{ops[0]} \, {ops[1]}^\top"
    elif step.op == "matvec_t":
        numbers = rf"{ops[0]}^\top {ops[1]}"
    elif step.op == "dsigmoid":
        numbers = rf"{ops[0]} \circ {ops[1]} \circ \left( 1 - {ops[1]} \right)"
    elif step.op == "dtanh":
        numbers = rf"{ops[0]} \circ \left( 1 - {ops[1]}^{{\circ 2}} \right)"
    else:
        raise ValueError(f"no LaTeX for step op {step.op!r}")
    result = bmatrix(step.result.value, step.saturated)
    note = SATURATED_NOTE if any(step.saturated) else ""
    return f"{step.formula} = {numbers} = {result}{note}"


def document(steps: list[Step]) -> str:
    """The whole derivation: a heading line and a $$ … $$ block per step."""
    blocks = [f"**{step.title}**\n\n$$ {step_latex(step)} $$\n" for step in steps]
    return "\n".join(blocks)
