"""One LSTM step in float64, recorded step by step.

The equations (Colah, "Understanding LSTM Networks", 2015; Hochreiter & Schmidhuber 1997 with
the forget gate of Gers et al. 2000), with v the concatenation of h_{t-1} and x_t:

    v       = [h_{t-1}, x_t]          (concat="hx", Colah's order; "xh" puts x_t first)
    f_t     = σ(W_f · v + b_f)
    i_t     = σ(W_i · v + b_i)
    C̃_t     = tanh(W_C · v + b_C)
    o_t     = σ(W_o · v + b_o)
    C_t     = f_t ∘ C_{t-1} + i_t ∘ C̃_t
    h_t     = o_t ∘ tanh(C_t)

Shapes: x_t is (m,), h_{t-1} and C_{t-1} are (n,), every W_g is (n, n+m): one row per cell
state, one column per entry of v. Every b_g is (n,). `lstm_step` below repeats these lines in
this order and with these names. This module imports numpy only: no Flask, no formatting.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .trace import Sym, Trace

GATES = ("f", "i", "C", "o")  # the suffixes of W_g and b_g, in the order of the equations
CONCAT_ORDERS = ("hx", "xh")


@dataclass(frozen=True)
class LSTMInput:
    """A validated example: float64 arrays of consistent shapes (see `parse.py`)."""

    x: np.ndarray  # (m,)
    h_prev: np.ndarray  # (n,)
    C_prev: np.ndarray  # (n,)
    W_f: np.ndarray  # (n, n+m)
    W_i: np.ndarray
    W_C: np.ndarray
    W_o: np.ndarray
    b_f: np.ndarray  # (n,)
    b_i: np.ndarray
    b_C: np.ndarray
    b_o: np.ndarray
    concat: str = "hx"

    @property
    def m(self) -> int:
        return self.x.shape[0]

    @property
    def n(self) -> int:
        return self.h_prev.shape[0]


@dataclass(frozen=True)
class LSTMResult:
    v: np.ndarray
    z_f: np.ndarray
    z_i: np.ndarray
    z_C: np.ndarray
    z_o: np.ndarray
    f: np.ndarray
    i: np.ndarray
    C_tilde: np.ndarray
    o: np.ndarray
    C: np.ndarray
    h: np.ndarray
    steps: list


# How each gate is named on the whiteboard: (API name, LaTeX symbol, activation, title, why).
_GATE_TEXT = {
    "f": ("f", "f_t", "sigmoid", "Forget gate",
          "how much of each entry of the old cell state C_{t-1} to keep (0 = forget, 1 = keep)"),
    "i": ("i", "i_t", "sigmoid", "Input gate",
          "how much of each candidate entry to write into the cell state"),
    "C": ("C_tilde", r"\tilde{C}_t", "tanh", "Candidate",
          "the new values that could be written into the cell state, each in (-1, 1)"),
    "o": ("o", "o_t", "sigmoid", "Output gate",
          "how much of each entry of tanh(C_t) to let out as the new hidden state"),
}


def lstm_step(inp: LSTMInput) -> LSTMResult:
    """Compute one LSTM step and record every intermediate as a Step.

    Raises FloatingPointError if numpy overflows or meets an invalid operation (cannot happen
    within the parser's caps, but is never silent)."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        return _lstm_step(inp)


def _lstm_step(inp: LSTMInput) -> LSTMResult:
    t = Trace()
    x = Sym("x", "x_t", inp.x)
    h_prev = Sym("h_prev", "h_{t-1}", inp.h_prev)
    C_prev = Sym("C_prev", "C_{t-1}", inp.C_prev)

    # v = [h_{t-1}, x_t]  (n+m,)  — or [x_t, h_{t-1}] with concat="xh"
    first, second = (h_prev, x) if inp.concat == "hx" else (x, h_prev)
    v_latex = f"[{first.latex}, {second.latex}]"
    v = t.concat("v.concat", f"Input: stack {first.latex} and {second.latex} into v", f"v = {v_latex}",
                 f"Every gate reads the same vector v of n+m = {inp.n}+{inp.m} = {inp.n + inp.m} "
                 f"numbers, so every W has n+m columns.",
                 first, second, "v", "v")

    out = {}
    for g in GATES:
        name, sym, act, gate_title, purpose = _GATE_TEXT[g]
        W = Sym(f"W_{g}", f"W_{g}", getattr(inp, f"W_{g}"))
        b = Sym(f"b_{g}", f"b_{g}", getattr(inp, f"b_{g}"))
        # W_g · v  (n, n+m) @ (n+m,) -> (n,)
        Wv = t.matvec(f"{name}.matmul", f"{gate_title}: multiply W_{g} by v", rf"W_{g} \cdot v",
                      f"Row k of W_{g} times v gives entry k: one row per cell state.",
                      W, v, f"W_{g}v", rf"W_{g} \cdot v")
        # z_g = W_g · v + b_g
        z = t.add(f"{name}.bias", f"{gate_title}: add the bias b_{g}", rf"z_{g} = W_{g} \cdot v + b_{g}",
                  "The bias is added entry by entry; z is called the pre-activation.",
                  Wv, b, f"z_{g}", f"z_{g}")
        if act == "sigmoid":
            a = t.sigmoid(f"{name}.sigmoid", f"{gate_title}: apply σ", rf"{sym} = \sigma(z_{g})",
                          f"σ(z) = 1/(1+e^(-z)) squashes each entry into (0, 1): {purpose}. "
                          "It is deterministic: the same numbers always give the same gate.",
                          z, name, sym)
        else:
            a = t.tanh(f"{name}.tanh", f"{gate_title}: apply tanh", rf"{sym} = \tanh(z_{g})",
                       f"tanh squashes each entry into (-1, 1): {purpose}.", z, name, sym)
        out[f"z_{g}"], out[name] = z.value, a
    f, i, C_tilde, o = out["f"], out["i"], out["C_tilde"], out["o"]

    # C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t   (∘ is the entry-by-entry (Hadamard) product)
    kept = t.hadamard("C.forget", "Cell state: forget", r"f_t \circ C_{t-1}",
                      "The forget gate scales the old cell state entry by entry.",
                      f, C_prev, "f*C_prev", r"f_t \circ C_{t-1}")
    written = t.hadamard("C.input", "Cell state: write", r"i_t \circ \tilde{C}_t",
                         "The input gate scales the candidate entry by entry.",
                         i, C_tilde, "i*C_tilde", r"i_t \circ \tilde{C}_t")
    C = t.add("C.update", "Cell state: the new C_t", r"C_t = f_t \circ C_{t-1} + i_t \circ \tilde{C}_t",
              "What is kept plus what is written. The cell state has n entries, like h_t.",
              kept, written, "C", "C_t")

    # h_t = o_t ∘ tanh(C_t)
    tanh_C = t.tanh("h.tanh", "Hidden state: squash the cell state", r"\tanh(C_t)",
                    "tanh brings each entry of C_t into (-1, 1).", C, "tanh(C)", r"\tanh(C_t)")
    h = t.hadamard("h.update", "Hidden state: the new h_t", r"h_t = o_t \circ \tanh(C_t)",
                   "The output gate decides how much of each entry leaves the cell as h_t.",
                   o, tanh_C, "h", "h_t")

    return LSTMResult(v=v.value, z_f=out["z_f"], z_i=out["z_i"], z_C=out["z_C"], z_o=out["z_o"],
                      f=f.value, i=i.value, C_tilde=C_tilde.value, o=o.value, C=C.value, h=h.value,
                      steps=t.steps)
