"""What the API computes for an example: its variant's cell at each time step of x, the optional
output layer after each step, the loss, and the backward pass through time.

    for t = 1 … T:  h_t (and C_t) = cell(x_t, h_{t-1}, C_{t-1})     the variant's module in cells/
                    y_t = σ(W_y · h_t + b_y)                          only if W_y is given
    L = Σ dh ∘ h_T + Σ dC ∘ C_T + Σ dy ∘ y_T

The loss is the issue's: dh (dL/dh_T) defaults to ones, dC (dL/dC_T) to zeros, and the GRU has
no C_T term. The y term is there only when dy (dL/dy_T) is given: without it L does not depend
on the output layer, and ∂L/∂W_y, ∂L/∂b_y are reported as the zeros they are. `grads` holds
∂L/∂(x, h_prev, C_prev and every weight of the example), by `backward.py`.

A single vector x is one step, recorded with v1's ids, symbols and titles; a sequence's steps
carry their time step (see `trace.py`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import backward
from .cells import VARIANTS
from .fields import BY_NAME, Inputs
from .trace import Step, Sym, Trace, at_time


@dataclass(frozen=True)
class Unrolled:
    steps: list[Step]  # the forward trace, every time step
    timesteps: list[dict[str, np.ndarray | int]]  # per t: t, the variant's outputs, v, y, dh, dC
    grads: dict[str, np.ndarray]  # ∂L/∂(each input field), shaped like the field
    grad_steps: list[Step]  # the backward trace
    loss: float
    loss_formula: str  # LaTeX

    @property
    def last(self) -> dict:
        return self.timesteps[-1]


def unroll(inp: Inputs, with_grads: bool = True) -> Unrolled:
    """Raises FloatingPointError if numpy overflows or meets an invalid operation (cannot happen
    within the parser's caps, but is never silent)."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        return _unroll(inp, with_grads)


def output_layer(t: Trace, h: Sym, W_y: Sym, b_y: Sym) -> tuple[Sym, Sym]:
    """y_t = σ(W_y · h_t + b_y): the seed answer's EDIT, the hidden state read out. Returns (z_y, y)."""
    # (k, n) @ (n,) -> (k,)
    Wh = t.matvec("y.matmul", "Output layer: multiply W_y by h_t", r"W_y \cdot h_t",
                  "The output layer reads the hidden state: one row of W_y per output, one column "
                  "per entry of h_t.", W_y, h, "W_yh", r"W_y \cdot h_t")
    z = t.add("y.bias", "Output layer: add the bias b_y", r"z_y = W_y \cdot h_t + b_y",
              "The bias is added entry by entry.", Wh, b_y, "z_y", "z_y")
    y = t.sigmoid("y.sigmoid", "Output layer: apply σ", r"y_t = \sigma(z_y)",
                  "σ squashes each output into (0, 1). h_t goes two ways: to the next step and, "
                  "through this layer, out.", z, "y", "y_t")
    return z, y


def _unroll(inp: Inputs, with_grads: bool) -> Unrolled:
    variant = VARIANTS[inp.variant]
    trace = Trace()
    # W_f, b_f, p_o, W_r…: the field name is the symbol. One Sym per weight, shared by every
    # time step, so the backward pass adds up each weight's gradient over time.
    has_y = "W_y" in inp
    names = (*variant.params, *(name for name in variant.optional if name in inp), *(("W_y", "b_y") if has_y else ()))
    params = {name: Sym(name, BY_NAME[name].symbol, inp[name]) for name in names}
    xs = inp["x"].reshape(inp.T, inp.m)  # (T, m): one row per time step

    first = trace.at(1) if inp.is_sequence else trace  # writes h_{t-1} as h_{0} in a sequence
    h_prev = first.sym("h_prev", "h_{t-1}", inp["h_prev"])
    C_prev = first.sym("C_prev", "C_{t-1}", inp["C_prev"]) if variant.has_cell_state else None
    leaves = {"h_prev": h_prev, "C_prev": C_prev, **params}
    same: dict[int, Sym] = {}  # a step's h_{t-1}, C_{t-1} → the previous step's h, C
    x_syms, outs = [], []
    h, C = h_prev, C_prev
    for k in range(1, inp.T + 1):
        t = trace.at(k) if inp.is_sequence else trace
        x = t.sym("x", "x_t", xs[k - 1] if inp.is_sequence else inp["x"])
        if k > 1:  # the previous step's h and C, under the names a step's inputs have
            h_in = t.sym("h_prev", "h_{t-1}", h.value)
            same[id(h_in)] = h
            C_in = None
            if C is not None:
                C_in = t.sym("C_prev", "C_{t-1}", C.value)
                same[id(C_in)] = C
        else:
            h_in, C_in = h, C
        out = variant.step(t, x, h_in, C_in, params, inp)
        if has_y:
            out["z_y"], out["y"] = output_layer(t, out["h"], params["W_y"], params["b_y"])
        x_syms.append(x)
        outs.append(out)
        h, C = out["h"], out.get("C")

    # L = Σ dh ∘ h_T + Σ dC ∘ C_T + Σ dy ∘ y_T
    last = outs[-1]
    T_tex = (lambda s: s) if not inp.is_sequence else (lambda s: at_time(s, inp.T))
    dh = inp["dh"] if "dh" in inp else np.ones(inp.n)
    seeds = [(last["h"], Sym("dh", T_tex(r"\delta h_t"), dh))]
    loss = float(np.dot(dh, last["h"].value))
    formula = [r"\sum dh \circ h_T"]
    if variant.has_cell_state:
        formula.append(r"\sum dC \circ C_T")
        if "dC" in inp:
            seeds.append((last["C"], Sym("dC", T_tex(r"\delta C_t"), inp["dC"])))
            loss += float(np.dot(inp["dC"], last["C"].value))
    if "dy" in inp:
        seeds.append((last["y"], Sym("dy", T_tex(r"\delta y_t"), inp["dy"])))
        loss += float(np.dot(inp["dy"], last["y"].value))
        formula.append(r"\sum dy \circ y_T")

    grads = backward.backward(trace.steps, seeds, same) if with_grads else None
    timesteps = []
    for k, out in enumerate(outs, start=1):
        entry = {"t": k, **{name: out[name].value for name in variant.outputs}, "v": out["v"].value}
        if has_y:
            entry.update(y=out["y"].value, z_y=out["z_y"].value)
        if grads is not None:
            entry["dh"] = _grad(grads, out["h"])
            if variant.has_cell_state:
                entry["dC"] = _grad(grads, out["C"])
        timesteps.append(entry)

    grad_values: dict[str, np.ndarray] = {}
    if grads is not None:
        grad_values["x"] = np.stack([_grad(grads, x) for x in x_syms]) if inp.is_sequence else _grad(grads, x_syms[0])
        for name, sym in leaves.items():
            if sym is not None:
                grad_values[name] = _grad(grads, sym)
    return Unrolled(steps=trace.steps, timesteps=timesteps, grads=grad_values,
                    grad_steps=grads.steps if grads is not None else [],
                    loss=loss, loss_formula="L = " + " + ".join(formula))


def _grad(grads: backward.Gradients, sym: Sym) -> np.ndarray:
    g = grads.of(sym)
    # No gradient reached it: L does not depend on it (W_y without dy), so ∂L/∂it = 0.
    return g.value if g is not None else np.zeros_like(sym.value)
