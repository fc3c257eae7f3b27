"""Steps as data: what a cell function records while it computes.

A cell function (see `cell.py`) calls the primitives of a `Trace` (`concat`, `matvec`, `add`,
`sigmoid`, `tanh`, `hadamard`). Each primitive computes its result with numpy *and* appends a
`Step` naming its operands and result. The renderers (`render_html.py`, `latex.py`, the JSON
API) only loop over the steps: a new cell variant is a new sequence of primitive calls, and no
renderer changes.

Numerical notes:
- sigmoid is the stable form: exp is only ever taken of -|z|, so it cannot overflow.
- Everything runs under np.errstate(over/invalid/divide='raise') in `cell.py`; underflow (an
  exp(-800) that becomes 0) is the correct float64 answer and is allowed.
"""
from __future__ import annotations

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


@dataclass
class Trace:
    """The ordered list of steps, and the primitives that fill it."""

    steps: list[Step] = field(default_factory=list)

    def _record(self, id, op, title, formula, why, operands, result, saturated=()) -> Sym:
        self.steps.append(Step(id, op, title, formula, why, tuple(operands), result, tuple(saturated)))
        return result

    def concat(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        # (n+m,) = (n,) ++ (m,) or (m,) ++ (n,)
        return self._record(id, "concat", title, formula, why, (a, b),
                            Sym(name, latex, np.concatenate([a.value, b.value])))

    def matvec(self, id, title, formula, why, W: Sym, v: Sym, name, latex) -> Sym:
        # (n, n+m) @ (n+m,) -> (n,)
        return self._record(id, "matvec", title, formula, why, (W, v), Sym(name, latex, W.value @ v.value))

    def add(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self._record(id, "add", title, formula, why, (a, b), Sym(name, latex, a.value + b.value))

    def hadamard(self, id, title, formula, why, a: Sym, b: Sym, name, latex) -> Sym:
        return self._record(id, "hadamard", title, formula, why, (a, b), Sym(name, latex, a.value * b.value))

    def sigmoid(self, id, title, formula, why, z: Sym, name, latex) -> Sym:
        s = stable_sigmoid(z.value)
        # σ is exactly 0 or 1 only when float64 rounds the true value there.
        saturated = (s == 0.0) | (s == 1.0)
        return self._record(id, "sigmoid", title, formula, why, (z,), Sym(name, latex, s), saturated.tolist())

    def tanh(self, id, title, formula, why, z: Sym, name, latex) -> Sym:
        t = np.tanh(z.value)
        saturated = np.abs(t) == 1.0
        return self._record(id, "tanh", title, formula, why, (z,), Sym(name, latex, t), saturated.tolist())
