"""The backward pass: ∂L/∂(every quantity), by walking the recorded forward steps in reverse —
backpropagation, and through time for a sequence, since the steps of t = T were recorded last.

Each forward primitive's local derivative sits here next to its forward formula (as in
micrograd's engine.py), and every gradient computed is recorded as a Step with the same
primitives as the forward pass, so the page, the API and LaTeX show it like the forward one.
δX means ∂L/∂X, a number per entry of X:

    forward            backward (the local derivative applied to δr, the result's gradient)
    r = W · v          δW = δr vᵀ (an outer product),  δv = Wᵀ δr
    r = a + b          δa = δr,  δb = δr               (passed on unchanged: ∂r/∂a = 1)
    r = a ∘ b          δa = δr ∘ b,  δb = δr ∘ a       (C_t = f_t ∘ C_{t-1} + …: ∂C_t/∂C_{t-1} = f_t)
    s = σ(z)           δz = δs ∘ s ∘ (1 − s)           (σ' = σ(1 − σ) ≤ 0.25)
    a = tanh(z)        δz = δa ∘ (1 − a²)              (tanh' = 1 − tanh² ≤ 1)
    r = 1 − a          δa = −δr
    v = [a, b]         δa, δb = the two parts of δv
    r = a[s:e]         δa = δr in entries (columns) s..e−1, zeros elsewhere

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

from .trace import Step, Sym, Trace, span_text


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
    w = _Walker(forward, same)
    for sym, grad in seeds:
        w.grads[id(sym)] = grad
    for step in reversed(forward):
        g = w.grads.get(id(step.result))
        if g is not None:
            _RULES[step.op](w, step, g)
    return Gradients(w.grads, w.trace.steps)


def delta(latex: str) -> str:
    """δ of a symbol: δC_t; δ(f_t ∘ C_{t-1}) for an expression."""
    simple = " " not in latex or (latex.startswith("(") and latex.endswith(")"))
    return rf"\delta {latex}" if simple else rf"\delta({latex})"


def _slug(name: str) -> str:
    """An operand's name as part of a step id: f*C_prev → f_C_prev, tanh(C) → tanhC."""
    return re.sub(r"[^A-Za-z0-9_]", "", name.replace("*", "_"))


class _Walker:
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

    def title(self, step: Step, action: str) -> str:
        group = step.title.partition(": ")[0]
        return f"Backward, {group[:1].lower()}{group[1:]}: {action}"

    def give(self, step: Step, operand: Sym, grad: Sym, passed: bool = False, why: str = "") -> None:
        """Add `grad` to the operand's gradient. `passed`: it is the result's gradient itself
        (through a +), not computed for this operand."""
        target = self.target(operand)
        prev = self.grads.get(id(target))
        slug = _slug(operand.name)
        if prev is None:
            if passed and (id(target) not in self.produced or id(operand) in self.same):
                grad = self.trace.copy(
                    f"{step.id}.{slug}", self.title(step, f"the gradient of {operand.latex}"),
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
            f"{step.id}.{slug}.sum", self.title(step, f"add to the gradient of {target.latex}"),
            f"{total} = {prev.latex} + {grad.latex}",
            f"{target.latex} is used in more than one place; its gradient is the sum of the "
            f"gradients from each use.{why}",
            prev, grad, f"d{target.name}", total)


# ------------------------------------------------------------------------------ the rules

def _matvec(w: _Walker, step: Step, g: Sym) -> None:
    # forward: r = W · v   (n, n+m) @ (n+m,);  ∂r_j/∂W_jk = v_k,  ∂r_j/∂v_k = W_jk
    W, v = step.operands
    name, latex, formula = w.label(W, rf"{g.latex} \, {v.latex}^\top")
    dW = w.trace.outer(f"{step.id}.{_slug(W.name)}", w.title(step, f"the gradient of {W.latex}"), formula,
                       f"Entry (j, k) of {W.latex} multiplies entry k of {v.latex} into entry j of "
                       f"{W.latex} \\cdot {v.latex}, so its gradient is {g.latex}[j] times {v.latex}[k]: "
                       f"the outer product of {g.latex} and {v.latex}.",
                       g, v, name, latex)
    w.give(step, W, dW)
    name, latex, formula = w.label(v, rf"{W.latex}^\top {g.latex}")
    dv = w.trace.matvec_t(f"{step.id}.{_slug(v.name)}", w.title(step, f"the gradient of {v.latex}"), formula,
                          f"Entry k of {v.latex} meets column k of {W.latex} in every row, so its "
                          f"gradient is column k times {g.latex}, summed over the rows: "
                          f"{W.latex}^\\top {g.latex}, the transpose sending the gradient back.",
                          W, g, name, latex)
    w.give(step, v, dv)


def _add(w: _Walker, step: Step, g: Sym) -> None:
    # forward: r = a + b;  ∂r/∂a = ∂r/∂b = 1: both receive δr unchanged
    for operand in step.operands:
        why = ""
        if step.id.endswith("C.update") and operand.name == "C_prev":
            why = (" Along the cell state ∂C_t/∂C_{t-1} = 1 at every step: the constant error "
                   "carousel of the original LSTM, where the gradient neither shrinks nor grows.")
        w.give(step, operand, g, passed=True, why=why)


def _hadamard(w: _Walker, step: Step, g: Sym) -> None:
    # forward: r = a ∘ b;  ∂r/∂a = b and ∂r/∂b = a, entry by entry
    a, b = step.operands
    for operand, other in ((a, b), (b, a)):
        name, latex, formula = w.label(operand, rf"{g.latex} \circ {other.latex}")
        why = (f"∂({step.result.latex})/∂{operand.latex} = {other.latex}, entry by entry: the gradient "
               f"is multiplied by {other.latex}.")
        if step.id.endswith("C.forget") and operand.name == "C_prev":
            why += (" This is the cell state's path back in time: ∂C_t/∂C_{t-1} = f_t, so over k "
                    "steps the gradient is scaled by the product of k forget gates.")
        d = w.trace.hadamard(f"{step.id}.{_slug(operand.name)}",
                             w.title(step, f"the gradient of {operand.latex}"), formula, why,
                             g, other, name, latex)
        w.give(step, operand, d)


def _sigmoid(w: _Walker, step: Step, g: Sym) -> None:
    # forward: s = σ(z);  σ'(z) = σ(z)(1 − σ(z)) = s(1 − s) ≤ 0.25
    (z,), s = step.operands, step.result
    name, latex, formula = w.label(z, rf"{g.latex} \circ {s.latex} \circ (1 - {s.latex})")
    d = w.trace.dsigmoid(step.id, w.title(step, f"back through σ to {z.latex}"), formula,
                         "σ'(z) = σ(z)(1 − σ(z)) ≤ 0.25: through a sigmoid the gradient shrinks at "
                         "least fourfold, and vanishes where σ saturates at 0 or 1.",
                         g, s, name, latex)
    w.give(step, z, d)


def _tanh(w: _Walker, step: Step, g: Sym) -> None:
    # forward: a = tanh(z);  tanh'(z) = 1 − tanh²(z) = 1 − a² ≤ 1
    (z,), a = step.operands, step.result
    name, latex, formula = w.label(z, rf"{g.latex} \circ (1 - {a.latex}^2)")
    d = w.trace.dtanh(step.id, w.title(step, f"back through tanh to {z.latex}"), formula,
                      "tanh'(z) = 1 − tanh²(z) ≤ 1: the gradient passes almost whole where tanh is "
                      "near 0, and vanishes where it saturates at ±1.",
                      g, a, name, latex)
    w.give(step, z, d)


def _one_minus(w: _Walker, step: Step, g: Sym) -> None:
    # forward: r = 1 − a;  ∂r/∂a = −1
    (a,) = step.operands
    name, latex, formula = w.label(a, rf"-{g.latex}")
    d = w.trace.neg(step.id, w.title(step, f"the gradient of {a.latex}"), formula,
                    f"∂(1 − {a.latex})/∂{a.latex} = −1: the gradient changes sign.", g, name, latex)
    w.give(step, a, d)


def _concat(w: _Walker, step: Step, g: Sym) -> None:
    # forward: v = [a, b];  a is entries 0..len(a)-1 of v, b the rest
    a, b = step.operands
    size_a = a.shape[-1]
    for operand, (start, stop) in ((a, (0, size_a)), (b, (size_a, size_a + b.shape[-1]))):
        part = span_text(start, stop, 1)
        index = f"{start + 1}" if stop - start == 1 else f"{start + 1}..{stop}"
        name, latex, formula = w.label(operand, rf"({g.latex})_{{{index}}}")
        d = w.trace.slice(f"{step.id}.{_slug(operand.name)}", w.title(step, f"the gradient of {operand.latex}"),
                          formula,
                          f"{operand.latex} is {part} of {step.result.latex}, so its gradient is {part} "
                          f"of {g.latex}.",
                          g, start, stop, name, latex)
        w.give(step, operand, d)


def _slice(w: _Walker, step: Step, g: Sym) -> None:
    # forward: r = a[..., s:e];  the gradient goes back into those entries (columns), 0 elsewhere
    (a,), (start, stop) = step.operands, step.span
    part = span_text(start, stop, a.value.ndim)
    name, latex, formula = w.label(a, rf"{g.latex} \text{{ in {part}}}")
    d = w.trace.embed(step.id, w.title(step, f"the gradient of {a.latex}"), formula,
                      f"{step.result.latex} is {part} of {a.latex}: its gradient goes back there, "
                      f"and the rest of {a.latex} gets 0 from this use.",
                      g, start, stop, a.shape, name, latex)
    w.give(step, a, d)


_RULES = {"matvec": _matvec, "add": _add, "hadamard": _hadamard, "sigmoid": _sigmoid, "tanh": _tanh,
          "one_minus": _one_minus, "concat": _concat, "slice": _slice}
