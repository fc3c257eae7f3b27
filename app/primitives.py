r"""The primitives every cell is built from, micrograd style: one class each, where the forward
rule, the local derivative, the LaTeX and the whiteboard of the operation sit side by side.

    forward            backward: the local derivative applied to δr, the result's gradient
    r = W · v          δW = δr vᵀ (outer),  δv = Wᵀ δr (matvec_t)
    r = a + b          δa = δr,  δb = δr   (passed on unchanged, as a copy where it ends)
    r = a ∘ b          δa = δr ∘ b,  δb = δr ∘ a
    s = σ(z)           δz = δs ∘ s ∘ (1 − s)  (dsigmoid: σ' = σ(1 − σ) ≤ 0.25)
    a = tanh(z)        δz = δa ∘ (1 − a²)     (dtanh: tanh' = 1 − tanh² ≤ 1)
    r = 1 − a          δa = −δr               (neg)
    v = [a, b]         δa, δb = the two parts of δv (slice)
    r = a[s:e]         δa = δr in entries (columns) s..e−1, zeros elsewhere (embed)

A primitive's `forward(*values, **params)` computes its result with numpy (`Trace` records
through it). A forward primitive's `backward(w, step, g)` records the gradient of each operand,
given the result's gradient g, through the walk `w` (`backward.Walker`), with the backward
primitives of the table. `tex` writes the step's numbers in LaTeX (`latex.step_latex`);
`whiteboard(step)` gives the page's terms (operator text, a Sym, or an activation's `Marked`
result) and the arithmetic written out (`render_html`). A new primitive is one new class in
`PRIMITIVES`. Imports numpy and `fmt` only: trace.py imports this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import fmt

if TYPE_CHECKING:  # annotations only: trace.py and backward.py import this module
    from .backward import Walker
    from .trace import Step, Sym

# Entry-by-entry lines of a matrix result (a weight's gradient δz vᵀ, or its sum over time) are
# written out only up to this many entries: past that they are thousands of one-product lines,
# the matrix already shows every number, and a 20-step 32×32 example's page would be tens of MB.
# The page also folds a step's lines behind a toggle above this many products (render_html).
FOLD_ABOVE = 64


def stable_sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1+e^(−z)) without overflow: for z < 0 use e^z/(1+e^z) instead."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    d = 1.0 + e
    return np.where(z >= 0, 1.0 / d, e / d)


def sigmoid_gap(z: float) -> float:
    """The distance of σ(z) from the limit it saturates to: 1 − σ(z) = σ(−z) for z > 0,
    σ(z) itself for z < 0. Representable even when σ(z) rounds to exactly 1.0."""
    # σ(−|z|) as stable_sigmoid computes it for a negative input, e/(1 + e) with e = exp(−|z|),
    # the same float64 operations on one number (a one-entry array costs ten times as much)
    e = float(np.exp(-abs(z)))
    return e / (1.0 + e)


def tanh_gap(z: float) -> float:
    """1 − |tanh(z)| = 2σ(−2|z|), representable when tanh(z) rounds to exactly ±1."""
    return 2.0 * sigmoid_gap(2.0 * abs(z))


def span_text(start: int, stop: int, ndim: int) -> str:
    """Entries (or columns) start..stop-1 as a reader counts them: "entries 1–3", "column 4"."""
    where = "column" if ndim == 2 else "entry"
    if stop - start == 1:
        return f"{where} {start + 1}"
    return f"{'columns' if ndim == 2 else 'entries'} {start + 1}–{stop}"


def power(base: str, exponent: str) -> str:
    r"""base^exponent in LaTeX, the base braced when it has a superscript already: {W_h^h}^\top,
    not W_h^h^\top, a double superscript that KaTeX, MathJax and LaTeX reject."""
    return f"{{{base}}}^{exponent}" if "^" in base else f"{base}^{exponent}"


@dataclass(frozen=True)
class Marked:
    """An activation's result on the whiteboard: per entry why it is saturated ("" if it is
    not), drawn on the function's fixed colour scale (`scale`: "sigmoid" or "tanh")."""

    sym: Sym
    saturated: list[str]
    scale: str


@lru_cache(maxsize=16384)  # every product of a line writes two entries: each the same, page after page
def _S(x: float) -> str:
    """A number as shown, parenthesised when negative inside a product: 2·(-3)."""
    return fmt.signed(fmt.show(x))


def _written_out(r: Sym) -> bool:
    return r.value.ndim == 1 or r.value.size <= FOLD_ABOVE


def _each(step: Step, line) -> list[str]:
    """line(each operand's entry…, the result's entry) for every entry, a matrix's row by row."""
    values = (s.value.ravel().tolist() for s in (*step.operands, step.result))
    return [line(*entries) for entries in zip(*values)] if _written_out(step.result) else []


def _part(step: Step) -> str:
    """Which entries (or columns) a slice or embed step takes or fills: "entries 1–3"."""
    return span_text(*step.span, step.result.value.ndim)


class Primitive:
    op = ""
    tex = ""  # the numbers in LaTeX: {0}, {1} each operand's bmatrix, {part} a slice's entries
    products = False  # its lines are sums of products: the page folds them by their number

    def latex(self, step: Step, ops: list[str]) -> str:
        return self.tex.format(*ops, part=_part(step) if step.span else "")

    def saturated(self, r: np.ndarray) -> list[bool]:
        return []  # only an activation can round to its limit

    def backward(self, w: Walker, step: Step, g: Sym) -> None:
        raise TypeError(f"{self.op} is a step of the backward pass; it is not differentiated")

    def __repr__(self) -> str:
        return f"<primitive {self.op}>"


# ---- r = W · v, and the two primitives of its derivative
class Matvec(Primitive):
    op = "matvec"
    tex = r"{0} \cdot {1}"
    products = True

    def forward(self, W, v):
        return W @ v  # (n, n+m) @ (n+m,) -> (n,)

    def backward(self, w, step, g):
        # ∂r_j/∂W_jk = v_k, so δW = δr vᵀ;  ∂r_j/∂v_k = W_jk, so δv = Wᵀ δr
        W, v = step.operands
        v_T, W_T = power(v.latex, r"\top"), power(W.latex, r"\top")
        w.grad(step, W, "outer", rf"{g.latex} \, {v_T}", (g, v),
               f"Entry (j, k) of {W.latex} multiplies entry k of {v.latex} into entry j of "
               f"{W.latex} \\cdot {v.latex}, so its gradient is {g.latex}[j] times {v.latex}[k]: "
               f"the outer product of {g.latex} and {v.latex}.")
        w.grad(step, v, "matvec_t", f"{W_T} {g.latex}", (W, g),
               f"Entry k of {v.latex} meets column k of {W.latex} in every row, so its gradient is "
               f"column k times {g.latex}, summed over the rows: {W_T} {g.latex}, the transpose "
               f"sending the gradient back.")

    def whiteboard(self, step):
        W, v, r = *step.operands, step.result
        v_shown = [_S(x) for x in v.value.tolist()]
        lines = [f"row {k + 1}: " + " + ".join(f"{_S(w)}·{vs}" for w, vs in zip(row, v_shown))
                 + f" = {fmt.show(rk)}" for k, (row, rk) in enumerate(zip(W.value.tolist(), r.value.tolist()))]
        return [W, "·", v, "=", r], lines


class Outer(Primitive):
    op = "outer"  # δW = g vᵀ, the gradient of W in r = W·v
    tex = r"{0} \, {1}^\top"
    products = True

    def forward(self, g, v):
        # (n,) ⊗ (n+m,) -> (n, n+m): np.outer's own product (multiply of the two broadcast), the
        # same float64s without its Python wrapper, a third of its time on vectors this small
        return g[:, np.newaxis] * v[np.newaxis, :]

    def whiteboard(self, step):
        g, v, r = *step.operands, step.result
        lines = [f"({j + 1}, {k + 1}): {_S(gj)}·{_S(vk)} = {fmt.show(rjk)}"
                 for j, (gj, row) in enumerate(zip(g.value.tolist(), r.value.tolist()))
                 for k, (vk, rjk) in enumerate(zip(v.value.tolist(), row))] if _written_out(r) else []
        return [g, v, "ᵀ", "=", r], lines


class MatvecT(Primitive):
    op = "matvec_t"  # δv = Wᵀ g, the gradient of v in r = W·v
    tex = r"{0}^\top {1}"
    products = True

    def forward(self, W, g):
        return W.T @ g  # (n+m, n) @ (n,) -> (n+m,)

    def whiteboard(self, step):
        W, g, r = *step.operands, step.result
        g_shown = [_S(x) for x in g.value.tolist()]
        lines = [f"column {k + 1}: " + " + ".join(f"{_S(w)}·{gs}" for w, gs in zip(col, g_shown))
                 + f" = {fmt.show(rk)}" for k, (col, rk) in enumerate(zip(W.value.T.tolist(), r.value.tolist()))]
        return [W, "ᵀ·", g, "=", r], lines


# ---- r = a + b, whose derivative passes δr on unchanged (a copy where it reaches an input)
class Add(Primitive):
    op = "add"
    tex = r"{0} + {1}"

    def forward(self, a, b):
        return a + b

    def backward(self, w, step, g):
        # ∂r/∂a = ∂r/∂b = 1: both receive δr unchanged
        for operand in step.operands:
            why = ""
            if step.id.endswith("C.update") and operand.name == "C_prev":
                why = (" Along the cell state ∂C_t/∂C_{t-1} = 1 at every step: the constant error "
                       "carousel of the original LSTM, where the gradient neither shrinks nor grows.")
            w.give(step, operand, g, passed=True, why=why)

    def whiteboard(self, step):
        a, b = step.operands
        return [a, "+", b, "=", step.result], _each(step, lambda x, y, s: f"{fmt.show(x)} + {_S(y)} = {fmt.show(s)}")


class Copy(Primitive):
    op = "copy"  # the same numbers under a new name: δb_f = δz_f, since ∂(a + b)/∂b = 1
    tex = "{0}"

    def forward(self, g):
        return g

    def whiteboard(self, step):
        return [step.operands[0], "=", step.result], []


# ---- r = a ∘ b, whose derivative is another ∘
class Hadamard(Primitive):
    op = "hadamard"
    tex = r"{0} \circ {1}"

    def forward(self, a, b):
        return a * b

    def backward(self, w, step, g):
        # ∂r/∂a = b and ∂r/∂b = a, entry by entry
        a, b = step.operands
        for operand, other in ((a, b), (b, a)):
            why = (f"∂({step.result.latex})/∂{operand.latex} = {other.latex}, entry by entry: the gradient "
                   f"is multiplied by {other.latex}.")
            if step.id.endswith("C.forget") and operand.name == "C_prev":
                why += (" This is the cell state's path back in time: ∂C_t/∂C_{t-1} = f_t, so over k "
                        "steps the gradient is scaled by the product of k forget gates.")
            w.grad(step, operand, "hadamard", rf"{g.latex} \circ {other.latex}", (g, other), why)

    def whiteboard(self, step):
        a, b = step.operands
        return [a, "∘", b, "=", step.result], _each(step, lambda x, y, p: f"{_S(x)}·{_S(y)} = {fmt.show(p)}")


# ---- s = σ(z) and a = tanh(z), entry by entry, and their derivatives
class Activation(Primitive):
    """σ or tanh, entry by entry: `head(z)` starts the line of entry z ("tanh(2)"), `gap(z)` is
    how far its true value is from the limit, for the entries float64 rounds onto the limit."""

    def whiteboard(self, step):
        lines, saturated = [], []  # saturated: per entry why ("" if it is not)
        for zk, rk, sat in zip(step.operands[0].value.tolist(), step.result.value.tolist(), step.saturated):
            head = self.head(zk)
            if not sat:
                lines.append(f"{head} = {fmt.show(rk)}")
                saturated.append("")
                continue
            why = fmt.saturation(rk, self.gap(zk)).worked
            lines.append(f"{head} {why}")
            saturated.append(f"saturated: {head} {why}")
        name = "σ(" if self.op == "sigmoid" else "tanh("
        return [name, step.operands[0], ")", "=", Marked(step.result, saturated, self.op)], lines


class Sigmoid(Activation):
    op = "sigmoid"
    tex = r"\sigma\left( {0} \right)"

    def forward(self, z):
        return stable_sigmoid(z)

    def saturated(self, s):
        return ((s == 0.0) | (s == 1.0)).tolist()  # only where float64 rounds the true value there

    def backward(self, w, step, g):
        # σ'(z) = σ(z)(1 − σ(z)) = s(1 − s) ≤ 0.25
        (z,), s = step.operands, step.result
        w.grad(step, z, "dsigmoid", rf"{g.latex} \circ {s.latex} \circ (1 - {s.latex})", (g, s),
               "σ'(z) = σ(z)(1 − σ(z)) ≤ 0.25: through a sigmoid the gradient shrinks at least "
               "fourfold, and vanishes where σ saturates at 0 or 1.", action=f"back through σ to {z.latex}")

    def head(self, z):
        return f"σ({fmt.show(z)}) = 1 / (1 + exp({fmt.show(-z)}))"

    def gap(self, z):
        return sigmoid_gap(z)


class Dsigmoid(Primitive):
    op = "dsigmoid"  # δz = g ∘ s ∘ (1 − s), as σ'(z) = σ(z)(1 − σ(z))
    tex = r"{0} \circ {1} \circ \left( 1 - {1} \right)"

    def forward(self, g, s):
        return g * s * (1.0 - s)

    def whiteboard(self, step):
        g, s = step.operands
        return [g, "∘", s, "∘ (1 −", s, ")", "=", step.result], \
            _each(step, lambda g, s, d: f"{_S(g)}·{_S(s)}·(1 − {fmt.show(s)}) = {fmt.show(d)}")


class Tanh(Activation):
    op = "tanh"
    tex = r"\tanh\left( {0} \right)"

    def forward(self, z):
        return np.tanh(z)

    def saturated(self, a):
        return (np.abs(a) == 1.0).tolist()

    def backward(self, w, step, g):
        # tanh'(z) = 1 − tanh²(z) = 1 − a² ≤ 1
        (z,), a = step.operands, step.result
        w.grad(step, z, "dtanh", rf"{g.latex} \circ (1 - {power(a.latex, '2')})", (g, a),
               "tanh'(z) = 1 − tanh²(z) ≤ 1: the gradient passes almost whole where tanh is near 0, "
               "and vanishes where it saturates at ±1.", action=f"back through tanh to {z.latex}")

    def head(self, z):
        return f"tanh({fmt.show(z)})"

    def gap(self, z):
        return tanh_gap(z)


class Dtanh(Primitive):
    op = "dtanh"  # δz = g ∘ (1 − a²), as tanh'(z) = 1 − tanh²(z)
    tex = r"{0} \circ \left( 1 - {1}^{{\circ 2}} \right)"

    def forward(self, g, a):
        return g * (1.0 - a * a)

    def whiteboard(self, step):
        g, a = step.operands
        return [g, "∘ (1 −", a, "²)", "=", step.result], \
            _each(step, lambda g, a, d: f"{_S(g)}·(1 − {_S(a)}²) = {fmt.show(d)}")


# ---- r = 1 − a (the coupled input gate 1 − f_t; the GRU's 1 − z_t), and its derivative
class OneMinus(Primitive):
    op = "one_minus"
    tex = "1 - {0}"

    def forward(self, a):
        return 1.0 - a

    def backward(self, w, step, g):
        # ∂(1 − a)/∂a = −1
        (a,) = step.operands
        w.grad(step, a, "neg", rf"-{g.latex}", (g,),
               f"∂(1 − {a.latex})/∂{a.latex} = −1: the gradient changes sign.")

    def whiteboard(self, step):
        return ["1 −", step.operands[0], "=", step.result], _each(step, lambda a, r: f"1 − {_S(a)} = {fmt.show(r)}")


class Neg(Primitive):
    op = "neg"  # δa = −g, the gradient of a in r = 1 − a
    tex = "-{0}"

    def forward(self, g):
        return -g

    def whiteboard(self, step):
        return ["−", step.operands[0], "=", step.result], _each(step, lambda g, d: f"−{_S(g)} = {fmt.show(d)}")


# ---- v = [a, b] and r = a[s:e]: the derivative of a concat slices, that of a slice embeds
class Concat(Primitive):
    op = "concat"
    tex = r"\left[ {0}, {1} \right]"

    def forward(self, a, b):
        return np.concatenate([a, b])  # (n+m,) = (n,) ++ (m,), or (m,) ++ (n,)

    def backward(self, w, step, g):
        # a is entries 0..len(a)-1 of v, b the rest: each gets its part of δv
        a, b = step.operands
        size_a = a.shape[-1]
        for operand, (start, stop) in ((a, (0, size_a)), (b, (size_a, size_a + b.shape[-1]))):
            part = span_text(start, stop, 1)
            index = f"{start + 1}" if stop - start == 1 else f"{start + 1}..{stop}"
            w.grad(step, operand, "slice", rf"({g.latex})_{{{index}}}", (g,),
                   f"{operand.latex} is {part} of {step.result.latex}, so its gradient is {part} "
                   f"of {g.latex}.", span=(start, stop))

    def whiteboard(self, step):
        a, b = step.operands
        return ["[", a, ",", b, "]", "=", step.result], []


class Slice(Primitive):
    op = "slice"  # entries start..stop-1 of a vector, or columns start..stop-1 of a matrix
    tex = r"\text{{{part}}} \text{{ of }} {0}"

    def forward(self, a, *, span):
        start, stop = span
        return a[..., start:stop].copy()

    def backward(self, w, step, g):
        # the gradient goes back into those entries (columns), 0 elsewhere
        (a,) = step.operands
        part = span_text(*step.span, a.value.ndim)
        w.grad(step, a, "embed", rf"{g.latex} \text{{ in {part}}}", (g,),
               f"{step.result.latex} is {part} of {a.latex}: its gradient goes back there, and the "
               f"rest of {a.latex} gets 0 from this use.", span=step.span, shape=a.shape)

    def whiteboard(self, step):
        return [f"{_part(step)} of", step.operands[0], "=", step.result], []


class Embed(Primitive):
    op = "embed"  # the gradient of a slice: zeros of the sliced shape, g in its entries (columns)
    tex = r"{0} \text{{ in }} \text{{{part}}}\text{{, 0 elsewhere}}"

    def forward(self, g, *, span, shape):
        start, stop = span
        out = np.zeros(shape, dtype=np.float64)
        out[..., start:stop] = g
        return out

    def whiteboard(self, step):
        return [step.operands[0], f"into {_part(step)}, 0 elsewhere", "=", step.result], []


PRIMITIVES: dict[str, Primitive] = {p.op: p for p in (
    Concat(), Matvec(), Add(), Hadamard(), Sigmoid(), Tanh(), OneMinus(), Slice(),
    Outer(), MatvecT(), Dsigmoid(), Dtanh(), Neg(), Embed(), Copy(),
)}
