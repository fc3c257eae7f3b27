"""The LSTM: one step in float64, recorded step by step.

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
state, one column per entry of v. Every b_g is (n,). `lstm_cell` below repeats these lines in
this order and with these names, and it is what the app runs (through `SPEC.step`). The steps
it is made of (`concat_step`, `gate_steps`, `cell_update`, `hidden_update`) are the other
cells' building blocks too. No Flask and no formatting here: trace.py computes each number.
"""
from __future__ import annotations

from .. import pictures
from ..trace import Sym, Trace
from .spec import CellSpec, FormGroup

GATES = ("f", "i", "C", "o")  # the suffixes of W_g and b_g, in the order of the equations
LSTM_PARAMS = tuple(f"{p}_{g}" for g in GATES for p in "Wb")  # W_f, b_f, W_i, …: the form's order
OUTPUTS = ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o")

# How each gate is named on the whiteboard: (API name, LaTeX symbol, activation, title, why).
GATE_TEXT = {
    "f": ("f", "f_t", "sigmoid", "Forget gate",
          "how much of each entry of the old cell state C_{t-1} to keep (0 = forget, 1 = keep)"),
    "i": ("i", "i_t", "sigmoid", "Input gate",
          "how much of each candidate entry to write into the cell state"),
    "C": ("C_tilde", r"\tilde{C}_t", "tanh", "Candidate",
          "the new values that could be written into the cell state, each in (-1, 1)"),
    "o": ("o", "o_t", "sigmoid", "Output gate",
          "how much of each entry of tanh(C_t) to let out as the new hidden state"),
}
# The form's fieldset for each gate's weights (the variants reuse them).
GATE_FORMS = {
    "f": FormGroup("Forget gate", "f_t = σ(W_f·v + b_f)", ("W_f", "b_f")),
    "i": FormGroup("Input gate", "i_t = σ(W_i·v + b_i)", ("W_i", "b_i")),
    "C": FormGroup("Candidate", "C\u0303_t = tanh(W_C·v + b_C)", ("W_C", "b_C")),
    "o": FormGroup("Output gate", "o_t = σ(W_o·v + b_o)", ("W_o", "b_o")),
}


def concat_step(t: Trace, x: Sym, h_prev: Sym, concat: str, n: int, m: int) -> Sym:
    """v = [h_{t-1}, x_t] (or [x_t, h_{t-1}]): the vector every gate reads."""
    # v = [h_{t-1}, x_t]  (n+m,)  — or [x_t, h_{t-1}] with concat="xh"
    first, second = (h_prev, x) if concat == "hx" else (x, h_prev)
    v_latex = f"[{first.latex}, {second.latex}]"
    return t.concat("v.concat", f"Input: stack {first.latex} and {second.latex} into v", f"v = {v_latex}",
                    f"Every gate reads the same vector v of n+m = {n}+{m} = {n + m} "
                    f"numbers, so every W has n+m columns.",
                    first, second, "v", "v")


def gate_steps(t: Trace, g: str, v: Sym, params: dict[str, Sym], peephole: Sym | None = None,
               text: tuple | None = None, unit: str = "cell state") -> tuple[Sym, Sym]:
    """z_g = W_g · v (+ p_g ∘ C) + b_g, then σ or tanh: one gate's steps. Returns (z_g, gate).
    `text` is the gate's entry of a table like GATE_TEXT (the GRU has its own)."""
    name, sym, act, gate_title, purpose = text or GATE_TEXT[g]
    W, b = params[f"W_{g}"], params[f"b_{g}"]
    # W_g · v  (n, n+m) @ (n+m,) -> (n,)
    Wv = t.matvec(f"{name}.matmul", f"{gate_title}: multiply W_{g} by v", rf"W_{g} \cdot v",
                  f"Row k of W_{g} times v gives entry k: one row per {unit}.",
                  W, v, f"W_{g}v", rf"W_{g} \cdot v")
    z_formula = rf"z_{g} = W_{g} \cdot v + b_{g}"
    if peephole is not None:
        # Gers & Schmidhuber's peephole: the gate also looks at the cell state, one weight per
        # entry (a diagonal matrix, so p_g ∘ C rather than a full P_g · C).
        p = params[f"p_{g}"]
        pC = t.hadamard(f"{name}.peephole", f"{gate_title}: look at the cell state through p_{g}",
                        rf"p_{g} \circ {peephole.latex}",
                        "A peephole lets the gate see the cell state itself: one weight per entry, "
                        "multiplied entry by entry.",
                        p, peephole, f"p_{g}*{peephole.name}", rf"p_{g} \circ {peephole.latex}")
        Wv = t.add(f"{name}.peepsum", f"{gate_title}: add the peephole term",
                   rf"W_{g} \cdot v + p_{g} \circ {peephole.latex}",
                   "The peephole term is added to the weighted input entry by entry.",
                   Wv, pC, f"W_{g}v+p_{g}*{peephole.name}", rf"W_{g} \cdot v + p_{g} \circ {peephole.latex}")
        z_formula = rf"z_{g} = W_{g} \cdot v + p_{g} \circ {peephole.latex} + b_{g}"
    # z_g = W_g · v + b_g
    z = t.add(f"{name}.bias", f"{gate_title}: add the bias b_{g}", z_formula,
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
    return z, a


def cell_update(t: Trace, f: Sym | None, C_prev: Sym, i: Sym, C_tilde: Sym) -> Sym:
    """C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t, or C_t = C_{t-1} + i_t ∘ C̃_t without a forget gate."""
    # C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t   (∘ is the entry-by-entry (Hadamard) product)
    if f is not None:
        kept = t.hadamard("C.forget", "Cell state: forget", r"f_t \circ C_{t-1}",
                          "The forget gate scales the old cell state entry by entry.",
                          f, C_prev, "f*C_prev", r"f_t \circ C_{t-1}")
    else:
        kept = C_prev  # no forget gate: the old cell state is kept whole (weight 1)
    written = t.hadamard("C.input", "Cell state: write", r"i_t \circ \tilde{C}_t",
                         "The input gate scales the candidate entry by entry.",
                         i, C_tilde, "i*C_tilde", r"i_t \circ \tilde{C}_t")
    if f is not None:
        return t.add("C.update", "Cell state: the new C_t", r"C_t = f_t \circ C_{t-1} + i_t \circ \tilde{C}_t",
                     "What is kept plus what is written. The cell state has n entries, like h_t.",
                     kept, written, "C", "C_t")
    return t.add("C.update", "Cell state: the new C_t", r"C_t = C_{t-1} + i_t \circ \tilde{C}_t",
                 "No forget gate (the original LSTM of 1997): the old cell state is carried over "
                 "whole and the new write is added, so ∂C_t/∂C_{t-1} = 1 (the constant error carousel).",
                 kept, written, "C", "C_t")


def hidden_update(t: Trace, o: Sym, C: Sym) -> Sym:
    """h_t = o_t ∘ tanh(C_t)."""
    tanh_C = t.tanh("h.tanh", "Hidden state: squash the cell state", r"\tanh(C_t)",
                    "tanh brings each entry of C_t into (-1, 1).", C, "tanh(C)", r"\tanh(C_t)")
    return t.hadamard("h.update", "Hidden state: the new h_t", r"h_t = o_t \circ \tanh(C_t)",
                      "The output gate decides how much of each entry leaves the cell as h_t.",
                      o, tanh_C, "h", "h_t")


def lstm_cell(t: Trace, x: Sym, h_prev: Sym, C_prev: Sym, params: dict[str, Sym], concat: str) -> dict[str, Sym]:
    """The equations of the module docstring, recorded into `t`. Returns the step's named
    results (v, z_f, f, z_i, i, z_C, C_tilde, z_o, o, C, h)."""
    n, m = h_prev.shape[0], x.shape[0]
    v = concat_step(t, x, h_prev, concat, n, m)
    out = {"v": v}
    for g in GATES:
        z, a = gate_steps(t, g, v, params)
        out[f"z_{g}"], out[GATE_TEXT[g][0]] = z, a
    out["C"] = cell_update(t, out["f"], C_prev, out["i"], out["C_tilde"])
    out["h"] = hidden_update(t, out["o"], out["C"])
    return out


def step(t: Trace, x: Sym, h_prev: Sym, C_prev: Sym, params: dict[str, Sym], inp) -> dict[str, Sym]:
    return lstm_cell(t, x, h_prev, C_prev, params, inp.concat)


SPEC = CellSpec(
    name="lstm", title="LSTM with a forget gate", short="LSTM",
    choice='"lstm" (with a forget gate, the default)',
    step=step, params=LSTM_PARAMS, outputs=OUTPUTS,
    gates=tuple(GATE_FORMS[g] for g in GATES), gate_symbols=r"f_t, i_t, \tilde{C}_t, o_t",
    diagram=lambda shown, inp: pictures.lstm.diagram(shown, "LSTM"), picture_name="LSTM",
    carousel={"words": "this LSTM"},
)
