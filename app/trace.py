"""Steps as data: what a cell function records while it computes.

A cell function (see `cell.py`, `variants.py`, `gru.py`) calls the primitives of a `Trace`
(`concat`, `matvec`, `add`, `sigmoid`, `tanh`, `hadamard`, `one_minus`, `slice`). Each primitive
computes its result with numpy *and* appends a `Step` naming its operands and result. The
backward pass (`backward.py`) records its steps (`Trace.record`) with the same kind of
primitives (`outer`, `matvec_t`, `dsigmoid`, `dtanh`, `neg`, `embed`, `copy`, plus `add`,
`hadamard` and `slice`).
What each primitive computes, its derivative, its LaTeX and its whiteboard are one class in
`primitives.py`. The renderers (`render_html.py`, `latex.py`, the JSON API) only loop over the
steps: a new cell variant is a new sequence of primitive calls, and no renderer changes; a new
primitive is one new entry in `primitives.PRIMITIVES` (and a method here, if cells call it by name).

Step ids (unique within an example; the page uses them as `id` and `data-step`):
- one step (x is a single vector): `<quantity>.<action>`, e.g. `v.concat`, `f.matmul`,
  `f.bias`, `f.sigmoid`, `C.forget`, `C.update`, `h.tanh`, `h.update`, `y.sigmoid`;
- a sequence of T >= 2 steps: the same ids prefixed with the time step, counted from 1:
  `t1.f.matmul`, …, `t3.h.update` (`Trace.at(t)` adds the prefix);
- the backward pass: `grad.` + the id of the forward step it differentiates, then the operand
  that receives the gradient when the step has two (`grad.h.tanh`, `grad.C.forget.C_prev`,
  `grad.t2.f.matmul.W_f`); a gradient that adds onto one that arrived earlier (a parameter
  shared over time, v read by four gates, h_T also read by the output layer) is accumulated in
  a step with `.sum` after that: `grad.t2.f.matmul.W_f.sum`.
Symbols follow the time step too: in a sequence, x_t, h_{t-1}, C_t, f_t… are written x_{2},
h_{1}, C_{2}, f_{2} (`Trace.at(t)` substitutes them), and titles say "(t = 2)".

Numerical notes:
- sigmoid is the stable form (`primitives.stable_sigmoid`): exp is only ever taken of -|z|, so
  it cannot overflow.
- Everything runs under np.errstate(over/invalid/divide='raise') (`cell.lstm_step`,
  `sequence.unroll`); underflow (an exp(-800) that becomes 0) is the correct float64 answer and
  is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .primitives import PRIMITIVES


# Sym and Step are values: nothing changes one once made (the renderers remember what they wrote
# for a value by the identity of its Sym or array: latex.step_latex, render_html.Matrices). They
# are not frozen dataclasses only because a frozen dataclass sets each field through
# object.__setattr__, which made building them about six times as slow, and a new example's
# answer builds about a hundred (BENCHMARKS.md).
@dataclass(slots=True)
class Sym:
    """A named value on the whiteboard: `name` is the API/field name (`W_f`, `z_f`, `C_tilde`),
    `latex` the symbol as written in the math (`W_f`, `z_f`, `\\tilde{C}_t`)."""

    name: str
    latex: str
    value: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def __repr__(self) -> str:  # debugging is printing (micrograd)
        return f"Sym({self.name}={self.value.tolist()})"


@dataclass(slots=True)
class Step:
    """One operation of the derivation.

    `op` names its primitive, a key of `primitives.PRIMITIVES`, where renderers look it up. `formula` is the symbolic
    LaTeX (`W_f \\cdot v`), `why` one sentence for the learner. `saturated` marks the result
    entries of an activation that are exactly at the function's limit only because float64
    cannot represent the true value (σ(92) = 1 − 1.1e-40 becomes 1.0).
    """

    id: str
    op: str
    title: str
    formula: str
    why: str
    operands: tuple[Sym, ...]
    result: Sym
    saturated: tuple[bool, ...] = ()
    span: tuple[int, ...] = ()  # `slice` and `embed`: the entries (or columns) start, stop

    def __repr__(self) -> str:
        args = ", ".join(s.name for s in self.operands)
        return f"Step({self.id}: {self.result.name} = {self.op}({args}) = {self.result.value.tolist()})"


_PREV = re.compile(r"_\{t-1\}")
_NOW = re.compile(r"_t(?![A-Za-z0-9_])")


def at_time(text: str, t: int) -> str:
    """x_t → x_{2}, h_{t-1} → h_{1}: the symbols of time step t of a sequence."""
    return _NOW.sub(f"_{{{t}}}", _PREV.sub(f"_{{{t - 1}}}", text))


@dataclass
class Trace:
    """The ordered list of steps, and the primitives that fill it.

    `at(t)` gives a view for time step t of a sequence: it records into the same list, with ids
    prefixed `t<t>.`, symbols x_t, h_{t-1}… written for that t, and "(t = <t>)" in the title's
    group. A plain Trace (time None) writes everything as given: one step, as in v1."""

    steps: list[Step] = field(default_factory=list)
    prefix: str = ""
    time: int | None = None

    def at(self, t: int) -> Trace:
        return Trace(self.steps, prefix=f"t{t}.", time=t)

    def tex(self, text: str) -> str:
        return text if self.time is None else at_time(text, self.time)

    def sym(self, name: str, latex: str, value: np.ndarray) -> Sym:
        """A value of this time step (an input x_t, h_{t-1}, … or a step's result), its symbol
        written for the time."""
        return Sym(name, self.tex(latex), value)

    def record(self, op, id, title, formula, why, operands, name, latex, **params) -> Sym:
        """Compute primitive `op` (a key of `primitives.PRIMITIVES`) from the operands' values and
        append the step; `params` are the primitive's own (`span` for slice and embed)."""
        primitive = PRIMITIVES[op]
        value = primitive.forward(*(s.value for s in operands), **params)
        result = self.sym(name, latex, value)
        if self.time is not None:
            group, sep, action = title.partition(": ")
            title = f"{group} (t = {self.time}){sep}{action}"
        self.steps.append(Step(self.prefix + id, op, self.tex(title), self.tex(formula), self.tex(why),
                               tuple(operands), result, tuple(primitive.saturated(value)),
                               tuple(params.get("span", ()))))
        return result

    # The primitives the cells call by name (and `copy`, the backward walk's); each is one
    # `record`. What they compute, differentiate and show: primitives.py.

    def concat(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self.record("concat", id, title, formula, why, (a, b), name, latex)  # v = [a, b]

    def matvec(self, id, title, formula, why, W: Sym, v: Sym, name, latex) -> Sym:
        return self.record("matvec", id, title, formula, why, (W, v), name, latex)  # W · v

    def add(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self.record("add", id, title, formula, why, (a, b), name, latex)

    def hadamard(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self.record("hadamard", id, title, formula, why, (a, b), name, latex)  # a ∘ b

    def sigmoid(self, id, title, formula, why, z: Sym, name, latex) -> Sym:
        return self.record("sigmoid", id, title, formula, why, (z,), name, latex)

    def tanh(self, id, title, formula, why, z: Sym, name, latex) -> Sym:
        return self.record("tanh", id, title, formula, why, (z,), name, latex)

    def one_minus(self, id, title, formula, why, a: Sym, name, latex) -> Sym:
        return self.record("one_minus", id, title, formula, why, (a,), name, latex)

    def slice(self, id, title, formula, why, a: Sym, start: int, stop: int, name, latex) -> Sym:
        # entries start..stop-1 of a vector, or columns start..stop-1 of a matrix
        return self.record("slice", id, title, formula, why, (a,), name, latex, span=(start, stop))

    def copy(self, id, title, formula, why, g: Sym, name, latex) -> Sym:
        return self.record("copy", id, title, formula, why, (g,), name, latex)
