"""The backward pass: ∂L/∂(every quantity), by walking the recorded forward steps in reverse —
backpropagation, and through time for a sequence, since the steps of t = T were recorded last.

Each forward primitive's local derivative sits next to its forward formula in `primitives.py`
(as in micrograd's engine.py, where `__mul__` defines its own `_backward`); this module walks
the steps and hands each to its primitive's `backward` rule, with a `Walker` that records every
gradient as a Step with the same primitives as the forward pass, so the page, the API and LaTeX
show it like the forward one. δX means ∂L/∂X, a number per entry of X; the table of rules is
in `primitives.py`'s docstring (r = W · v gives δW = δr vᵀ and δv = Wᵀ δr, …).

A quantity used in several places (v by every gate, a weight at every time step, h_t by the next
step and by the output layer) gets the sum of the gradients from each use: the first one arrives
as it is, each later one is added in a `.sum` step. A gradient passed on unchanged by `+` is not
recomputed; it is recorded (as a `copy` step) only where it reaches an input of the example (a
weight, a bias, x_t, h_0, C_0) or the previous cell state (no_forget's constant error carousel).

Order: the steps were recorded in the order they were computed, so when the walk reaches the
step that made a quantity, every step that used it has already passed its gradient back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .primitives import PRIMITIVES
from .trace import Step, Sym, Trace


@dataclass
class Gradients:
    by_sym: dict[int, Sym]  # id(forward Sym) → its gradient Sym
    steps: list[Step]

    def of(self, sym: Sym) -> Sym | None:
        return self.by_sym.get(id(sym))


def backward(forward: list[Step], seeds: list[tuple[Sym, Sym]], same: dict[int, Sym]) -> Gradients:
    """Walk `forward` in reverse from the loss's `seeds` ((quantity, its gradient) pairs).

    `same` maps id(Sym) → the Sym it stands for: a time step's h_{t-1} and C_{t-1} are the
    previous step's h and C under their v1 names (h_prev, C_prev), so their gradients are one."""
    w = Walker(forward, same)
    for sym, grad in seeds:
        w.grads[id(sym)] = grad
    for step in reversed(forward):
        g = w.grads.get(id(step.result))
        if g is not None:
            PRIMITIVES[step.op].backward(w, step, g)
    return Gradients(w.grads, w.trace.steps)


def delta(latex: str) -> str:
    """δ of a symbol: δC_t; δ(f_t ∘ C_{t-1}) for an expression."""
    simple = " " not in latex or (latex.startswith("(") and latex.endswith(")"))
    return rf"\delta {latex}" if simple else rf"\delta({latex})"


@lru_cache(maxsize=1024)  # a few dozen operand names, the same in every backward pass
def _slug(name: str) -> str:
    """An operand's name as part of a step id: f*C_prev → f_C_prev, tanh(C) → tanhC."""
    return re.sub(r"[^A-Za-z0-9_]", "", name.replace("*", "_"))


class Walker:
    """The backward walk: the gradients so far, and the steps that compute them. A primitive's
    `backward` rule calls `grad` for an operand's gradient, or `give` for one passed on as it is."""

    def __init__(self, forward: list[Step], same: dict[int, Sym]):
        self.trace = Trace(prefix="grad.")
        self.grads: dict[int, Sym] = {}
        self.same = same
        self.produced = {id(s.result) for s in forward}

    def target(self, operand: Sym) -> Sym:
        return self.same.get(id(operand), operand)

    def label(self, operand: Sym, expr: str) -> tuple[str, str, str]:
        """(name, LaTeX, formula) of the gradient an operand receives: δX when it is the
        first to arrive, else the expression itself (it is about to be added to δX)."""
        if id(self.target(operand)) in self.grads:
            return f"d{operand.name}_part", expr, expr
        return f"d{operand.name}", delta(operand.latex), f"{delta(operand.latex)} = {expr}"

    def id_for(self, step: Step, operand: Sym) -> str:
        """The id of the step that computes an operand's gradient: grad.f.matmul.W_f."""
        return f"{step.id}.{_slug(operand.name)}"

    def title(self, step: Step, action: str) -> str:
        group = step.title.partition(": ")[0]
        return f"Backward, {group[:1].lower()}{group[1:]}: {action}"

    def grad(self, step: Step, operand: Sym, op: str, expr: str, operands: tuple[Sym, ...], why: str,
             action: str = "", **params) -> None:
        """Record the gradient `operand` receives from `step`: primitive `op` of `operands`
        (`params` its own), written `expr`; then add it to what the operand has received."""
        name, latex, formula = self.label(operand, expr)
        # the gradient of a step's only operand takes the step's id; of one of two, its name too
        id = step.id if len(step.operands) == 1 else self.id_for(step, operand)
        title = self.title(step, action or f"the gradient of {operand.latex}")
        self.give(step, operand, self.trace.record(op, id, title, formula, why, operands, name, latex, **params))

    def give(self, step: Step, operand: Sym, grad: Sym, passed: bool = False, why: str = "") -> None:
        """Add `grad` to the operand's gradient. `passed`: it is the result's gradient itself
        (through a +), not computed for this operand."""
        target = self.target(operand)
        prev = self.grads.get(id(target))
        if prev is None:
            if passed and (id(target) not in self.produced or id(operand) in self.same):
                grad = self.trace.copy(
                    self.id_for(step, operand), self.title(step, f"the gradient of {operand.latex}"),
                    f"{delta(operand.latex)} = {grad.latex}",
                    f"{operand.latex} is added as it is, so ∂({step.result.latex})/∂{operand.latex} = 1 "
                    f"and its gradient is the sum's gradient, unchanged.{why}",
                    grad, f"d{operand.name}", delta(operand.latex))
            self.grads[id(target)] = grad
            return
        total = delta(target.latex)
        if grad.name == prev.name:  # the API lists a step's operands by name: keep both
            grad = Sym(f"{grad.name} from {step.id}", grad.latex, grad.value)
        self.grads[id(target)] = self.trace.add(
            f"{self.id_for(step, operand)}.sum", self.title(step, f"add to the gradient of {target.latex}"),
            f"{total} = {prev.latex} + {grad.latex}",
            f"{target.latex} is used in more than one place; its gradient is the sum of the "
            f"gradients from each use.{why}",
            prev, grad, f"d{target.name}", total)
