"""Steps as data: what a cell function records while it computes.

A cell function (see `cell.py`, `variants.py`, `gru.py`) calls the primitives of a `Trace`
(`concat`, `matvec`, `add`, `sigmoid`, `tanh`, `hadamard`, `one_minus`, `slice`). Each primitive
computes its result with numpy *and* appends a `Step` naming its operands and result. The
backward pass (`backward.py`) records its steps with the same kind of primitives (`outer`,
`matvec_t`, `dsigmoid`, `dtanh`, `neg`, `embed`, `copy`, plus `add`, `hadamard` and `slice`).
The renderers (`render_html.py`, `latex.py`, the JSON API) only loop over the steps: a new cell
variant is a new sequence of primitive calls, and no renderer changes; a new primitive needs one
view in `render_html._terms_and_lines` and one LaTeX form in `latex.step_latex`.

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
- sigmoid is the stable form: exp is only ever taken of -|z|, so it cannot overflow.
- Everything runs under np.errstate(over/invalid/divide='raise') (`cell.lstm_step`,
  `sequence.unroll`); underflow (an exp(-800) that becomes 0) is the correct float64 answer and
  is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Step:
    """One operation of the derivation.

    `op` is one of the primitives below; renderers switch on it. `formula` is the symbolic
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


def stable_sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1+e^(−z)) without overflow: for z < 0 use e^z/(1+e^z) instead."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_gap(z: float) -> float:
    """The distance of σ(z) from the limit it saturates to: 1 − σ(z) = σ(−z) for z > 0,
    σ(z) itself for z < 0. Representable even when σ(z) rounds to exactly 1.0."""
    return float(stable_sigmoid(np.array([-abs(z)]))[0])


def tanh_gap(z: float) -> float:
    """1 − |tanh(z)| = 2σ(−2|z|), representable when tanh(z) rounds to exactly ±1."""
    return 2.0 * float(stable_sigmoid(np.array([-2.0 * abs(z)]))[0])


_PREV = re.compile(r"_\{t-1\}")
_NOW = re.compile(r"_t(?![A-Za-z0-9_])")


def span_text(start: int, stop: int, ndim: int) -> str:
    """Entries (or columns) start..stop-1 as a reader counts them: "entries 1–3", "column 4"."""
    where = "column" if ndim == 2 else "entry"
    if stop - start == 1:
        return f"{where} {start + 1}"
    return f"{'columns' if ndim == 2 else 'entries'} {start + 1}–{stop}"


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
        """An input of this time step (x_t, h_{t-1}, …), its symbol written for the time."""
        return Sym(name, self.tex(latex), value)

    def _record(self, id, op, title, formula, why, operands, result, saturated=(), span=()) -> Sym:
        if self.time is not None:
            group, sep, action = title.partition(": ")
            title = f"{group} (t = {self.time}){sep}{action}"
        self.steps.append(Step(self.prefix + id, op, self.tex(title), self.tex(formula), self.tex(why),
                               tuple(operands), result, tuple(saturated), tuple(span)))
        return result

    def _sym(self, name, latex, value) -> Sym:
        return Sym(name, self.tex(latex), value)

    # ---------------------------------------------------------------- forward primitives

    def concat(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        # (n+m,) = (n,) ++ (m,) or (m,) ++ (n,)
        return self._record(id, "concat", title, formula, why, (a, b),
                            self._sym(name, latex, np.concatenate([a.value, b.value])))

    def matvec(self, id, title, formula, why, W: Sym, v: Sym, name, latex) -> Sym:
        # (n, n+m) @ (n+m,) -> (n,)
        return self._record(id, "matvec", title, formula, why, (W, v), self._sym(name, latex, W.value @ v.value))

    def add(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self._record(id, "add", title, formula, why, (a, b), self._sym(name, latex, a.value + b.value))

    def hadamard(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self._record(id, "hadamard", title, formula, why, (a, b), self._sym(name, latex, a.value * b.value))

    def sigmoid(self, id, title, formula, why, z: Sym, name, latex) -> Sym:
        s = stable_sigmoid(z.value)
        # σ is exactly 0 or 1 only when float64 rounds the true value there.
        saturated = (s == 0.0) | (s == 1.0)
        return self._record(id, "sigmoid", title, formula, why, (z,), self._sym(name, latex, s), saturated.tolist())

    def tanh(self, id, title, formula, why, z: Sym, name, latex) -> Sym:
        t = np.tanh(z.value)
        saturated = np.abs(t) == 1.0
        return self._record(id, "tanh", title, formula, why, (z,), self._sym(name, latex, t), saturated.tolist())

    def one_minus(self, id, title, formula, why, a: Sym, name, latex) -> Sym:
        # 1 − a, entry by entry (the coupled input gate 1 − f_t; the GRU's 1 − z_t)
        return self._record(id, "one_minus", title, formula, why, (a,), self._sym(name, latex, 1.0 - a.value))

    def slice(self, id, title, formula, why, a: Sym, start: int, stop: int, name, latex) -> Sym:
        # entries start..stop-1 of a vector, or columns start..stop-1 of a matrix
        return self._record(id, "slice", title, formula, why, (a,),
                            self._sym(name, latex, a.value[..., start:stop].copy()), span=(start, stop))

    # ---------------------------------------------------------------- backward primitives
    # Each is the local derivative of a forward primitive (see backward.py), applied to the
    # gradient g that arrives at that primitive's result.

    def outer(self, id, title, formula, why, g: Sym, v: Sym, name, latex) -> Sym:
        # δW = g vᵀ: (n,) ⊗ (n+m,) -> (n, n+m), the gradient of W in r = W·v
        return self._record(id, "outer", title, formula, why, (g, v), self._sym(name, latex, np.outer(g.value, v.value)))

    def matvec_t(self, id, title, formula, why, W: Sym, g: Sym, name, latex) -> Sym:
        # δv = Wᵀ g: (n+m, n) @ (n,) -> (n+m,), the gradient of v in r = W·v
        return self._record(id, "matvec_t", title, formula, why, (W, g), self._sym(name, latex, W.value.T @ g.value))

    def dsigmoid(self, id, title, formula, why, g: Sym, s: Sym, name, latex) -> Sym:
        # δz = g ∘ s ∘ (1 − s), as σ'(z) = σ(z)(1 − σ(z))
        return self._record(id, "dsigmoid", title, formula, why, (g, s),
                            self._sym(name, latex, g.value * s.value * (1.0 - s.value)))

    def dtanh(self, id, title, formula, why, g: Sym, a: Sym, name, latex) -> Sym:
        # δz = g ∘ (1 − a²), as tanh'(z) = 1 − tanh²(z)
        return self._record(id, "dtanh", title, formula, why, (g, a),
                            self._sym(name, latex, g.value * (1.0 - a.value * a.value)))

    def neg(self, id, title, formula, why, g: Sym, name, latex) -> Sym:
        return self._record(id, "neg", title, formula, why, (g,), self._sym(name, latex, -g.value))

    def embed(self, id, title, formula, why, g: Sym, start: int, stop: int, shape, name, latex) -> Sym:
        # zeros of `shape`, with g in entries (or columns) start..stop-1: the gradient of a slice
        out = np.zeros(shape, dtype=np.float64)
        out[..., start:stop] = g.value
        return self._record(id, "embed", title, formula, why, (g,), self._sym(name, latex, out), span=(start, stop))

    def copy(self, id, title, formula, why, g: Sym, name, latex) -> Sym:
        # the same numbers under a new name: δb_f = δz_f, since ∂(a + b)/∂b = 1
        return self._record(id, "copy", title, formula, why, (g,), self._sym(name, latex, g.value))
