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

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from . import backward, replay
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
    within the parser's caps, but is never silent).

    The first example of a shape is computed step by step (the cells, the backward walk) and its
    steps kept as a tape (`replay.py`); later examples of that shape are computed from the tape:
    the same primitives on their numbers, the words of the steps written once."""
    key = _shape(inp, with_grads)
    tape = _remembered_tape(key)
    inputs = sources(inp)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        if tape is not None:
            steps, grad_steps, timesteps, grads, loss, formula = replay.replay(tape, inputs, loss_value)
            return Unrolled(steps=steps, timesteps=timesteps, grads=grads, grad_steps=grad_steps,
                            loss=loss, loss_formula=formula)
        result, made = _unroll(inp, with_grads, inputs)
    try:
        _remember_tape(key, replay.record(result.steps, result.grad_steps, inputs, result.timesteps,
                                          result.grads, result.loss_formula, **made))
    except replay.NotReplayable:
        pass  # computed from scratch every time: correct, only slower
    return result


def unroll_traced(inp: Inputs, with_grads: bool = True) -> Unrolled:
    """`unroll` without the tapes: every step computed by its cell and the backward walk (what
    a tape must agree with, bit for bit; tests/test_replay.py)."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        return _unroll(inp, with_grads, sources(inp))[0]


# Bounded by the steps they hold (their words: a few hundred bytes a step): at most a few MB.
# Least recently used first out, so a burst of new shapes never drops the ones in use. A lock,
# because the development server (and the browser tests' server) answers in threads.
_TAPES: OrderedDict[tuple, replay.Tape] = OrderedDict()
_TAPE_STEPS = 20_000
_TAPES_LOCK = threading.Lock()


def _remembered_tape(key: tuple) -> replay.Tape | None:
    with _TAPES_LOCK:
        tape = _TAPES.get(key)
        if tape is not None:
            _TAPES.move_to_end(key)
        return tape


def _remember_tape(key: tuple, tape: replay.Tape) -> None:
    with _TAPES_LOCK:
        _TAPES[key] = tape
        _TAPES.move_to_end(key)
        held = sum(len(t.steps) for t in _TAPES.values())
        while held > _TAPE_STEPS and len(_TAPES) > 1:
            held -= len(_TAPES.popitem(last=False)[1].steps)


def _shape(inp: Inputs, with_grads: bool) -> tuple:
    """Everything the words of the steps depend on (`replay.py`): not the numbers."""
    spec = VARIANTS[inp.variant]
    return (inp.variant, inp.concat, tuple(inp.option(name) for name in spec.options), inp.is_sequence, inp.T,
            tuple(sorted((name, a.shape) for name, a in inp.arrays.items())), with_grads)


def sources(inp: Inputs) -> dict[str, np.ndarray]:
    """The arrays the steps start from: the example's fields, x_t of each time step (x1, x2, …)
    and dh (ones when not given)."""
    out = dict(inp.arrays)
    xs = inp["x"].reshape(inp.T, inp.m)  # (T, m): one row per time step
    for k in range(inp.T):
        out[f"x{k + 1}"] = xs[k] if inp.is_sequence else inp["x"]
    if "dh" not in out:
        out["dh"] = np.ones(inp.n)
    return out


def loss_value(terms: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """L = Σ a ∘ b over the terms (dh and h_T, …), added in order."""
    loss = float(np.dot(*terms[0]))
    for a, b in terms[1:]:
        loss += float(np.dot(a, b))
    return loss


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


def _unroll(inp: Inputs, with_grads: bool, inputs: dict[str, np.ndarray]) -> tuple[Unrolled, dict]:
    """The example computed step by step, and what a tape needs to know besides its steps
    (`replay.record`): the loss's terms, the gradient of each x_t of a sequence (stacked into
    ∂L/∂x) and the zeros made for gradients that nothing reaches."""
    variant = VARIANTS[inp.variant]
    trace = Trace()
    # W_f, b_f, p_o, W_r…: the field name is the symbol. One Sym per weight, shared by every
    # time step, so the backward pass adds up each weight's gradient over time.
    has_y = "W_y" in inp
    names = (*variant.params, *(name for name in variant.optional if name in inp), *(("W_y", "b_y") if has_y else ()))
    params = {name: Sym(name, BY_NAME[name].symbol, inp[name]) for name in names}

    first = trace.at(1) if inp.is_sequence else trace  # writes h_{t-1} as h_{0} in a sequence
    h_prev = first.sym("h_prev", "h_{t-1}", inp["h_prev"])
    C_prev = first.sym("C_prev", "C_{t-1}", inp["C_prev"]) if variant.has_cell_state else None
    leaves = {"h_prev": h_prev, "C_prev": C_prev, **params}
    same: dict[int, Sym] = {}  # a step's h_{t-1}, C_{t-1} → the previous step's h, C
    x_syms, outs = [], []
    h, C = h_prev, C_prev
    for k in range(1, inp.T + 1):
        t = trace.at(k) if inp.is_sequence else trace
        x = t.sym("x", "x_t", inputs[f"x{k}"])
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
    dh = inputs["dh"]
    seeds = [(last["h"], Sym("dh", T_tex(r"\delta h_t"), dh))]
    loss_terms = [(dh, last["h"].value)]
    formula = [r"\sum dh \circ h_T"]
    if variant.has_cell_state:
        formula.append(r"\sum dC \circ C_T")
        if "dC" in inp:
            seeds.append((last["C"], Sym("dC", T_tex(r"\delta C_t"), inp["dC"])))
            loss_terms.append((inp["dC"], last["C"].value))
    if "dy" in inp:
        seeds.append((last["y"], Sym("dy", T_tex(r"\delta y_t"), inp["dy"])))
        loss_terms.append((inp["dy"], last["y"].value))
        formula.append(r"\sum dy \circ y_T")

    grads = backward.backward(trace.steps, seeds, same) if with_grads else None
    zeros: list[np.ndarray] = []
    x_rows: list[np.ndarray] | None = None
    timesteps = []
    for k, out in enumerate(outs, start=1):
        entry = {"t": k, **{name: out[name].value for name in variant.outputs}, "v": out["v"].value}
        if has_y:
            entry.update(y=out["y"].value, z_y=out["z_y"].value)
        if grads is not None:
            entry["dh"] = _grad(grads, out["h"], zeros)
            if variant.has_cell_state:
                entry["dC"] = _grad(grads, out["C"], zeros)
        timesteps.append(entry)

    grad_values: dict[str, np.ndarray] = {}
    if grads is not None:
        if inp.is_sequence:
            x_rows = [_grad(grads, x, zeros) for x in x_syms]
            grad_values["x"] = np.stack(x_rows)
        else:
            grad_values["x"] = _grad(grads, x_syms[0], zeros)
        for name, sym in leaves.items():
            if sym is not None:
                grad_values[name] = _grad(grads, sym, zeros)
    return Unrolled(steps=trace.steps, timesteps=timesteps, grads=grad_values,
                    grad_steps=grads.steps if grads is not None else [],
                    loss=loss_value(loss_terms), loss_formula="L = " + " + ".join(formula)), \
        {"loss_terms": loss_terms, "x_rows": x_rows, "zeros": zeros}


def _grad(grads: backward.Gradients, sym: Sym, zeros: list[np.ndarray]) -> np.ndarray:
    g = grads.of(sym)
    if g is not None:
        return g.value
    # No gradient reached it: L does not depend on it (W_y without dy), so ∂L/∂it = 0.
    zeros.append(np.zeros_like(sym.value))
    return zeros[-1]
