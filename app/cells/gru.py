"""One GRU step (Cho et al. 2014, "Learning Phrase Representations using RNN Encoder-Decoder")
in float64, recorded step by step like the LSTM's (`cell.py`). There is no cell state: the
hidden state h carries everything.

    v     = [h_{t-1}, x_t]               (concat="hx"; "xh" puts x_t first, as for the LSTM)
    r_t   = σ(W_r · v + b_r)             reset gate
    z_t   = σ(W_z · v + b_z)             update gate
    h̃_t   = tanh(W_h^x · x_t + b_h + r_t ∘ (W_h^h · h_{t-1} + b_hn))  gru_reset="after" (default)
    h̃_t   = tanh(W_h · [r_t ∘ h_{t-1}, x_t] + b_h)                 gru_reset="before"
    h_t   = (1 − z_t) ∘ h̃_t + z_t ∘ h_{t-1}

Shapes: W_r, W_z, W_h are (n, n+m) and b_r, b_z, b_h (n,), as for the LSTM's gates.
W_h^x and W_h^h are W_h's column blocks that meet x_t and h_{t-1} in v (in the concat order).

Which reset: "after" is what PyTorch (`nn.GRU`, `nn.GRUCell`), Keras (`reset_after=True`, its
default since TF 2) and cuDNN compute: r scales W_h^h·h_{t-1}, after the product. PyTorch has a
second candidate bias inside, r ∘ (W_hn·h + b_hn): our optional b_hn (zeros when left out, and
then no step is recorded for it), with b_h = PyTorch's b_in. It cannot be folded into b_h: r
scales it. "before" is Cho et al.'s paper (and d2l.ai): r scales h_{t-1}
before the product. The two differ whenever r is not all ones.

z_t weighs the *old* state (z = 1 keeps h_{t-1}), as in Cho et al. and PyTorch. Colah's
"Understanding LSTM Networks" writes h_t = (1 − z_t) ∘ h_{t-1} + z_t ∘ h̃_t: the roles of z and
1 − z are swapped there (the same model, with z read as "how much to update").
"""
from __future__ import annotations

from .. import pictures
from ..trace import Sym, Trace
from .lstm import concat_step, gate_steps
from .spec import CellSpec, FormGroup

GRU_PARAMS = ("W_r", "b_r", "W_z", "b_z", "W_h", "b_h")

# (API name, LaTeX symbol, activation, title, purpose): the table gate_steps reads.
GATE_TEXT = {
    "r": ("r", "r_t", "sigmoid", "Reset gate",
          "how much of the old hidden state h_{t-1} the candidate may use (0 = ignore it)"),
    "z": ("z", "z_t", "sigmoid", "Update gate",
          "how much of each entry of h_{t-1} to keep (1 = keep it, 0 = take the candidate)"),
}


def gru_cell(t: Trace, x: Sym, h_prev: Sym, params: dict[str, Sym], concat: str,
             gru_reset: str = "after") -> dict[str, Sym]:
    """The equations of the module docstring, recorded into `t`. Returns the step's named
    results (v, z_r, r, z_z, z, z_h, h_tilde, h).

    With gru_reset="after", W_h's two column blocks are cut once (at the first time step) and
    kept in `params` as W_hh and W_hx, so every time step reads the same blocks."""
    n, m = h_prev.shape[0], x.shape[0]
    v = concat_step(t, x, h_prev, concat, n, m)
    out = {"v": v}
    for g in ("r", "z"):
        z, a = gate_steps(t, g, v, params, text=GATE_TEXT[g], unit="hidden unit")
        out[f"z_{g}"], out[g] = z, a
    r, z = out["r"], out["z"]

    if gru_reset == "after":
        z_h = _candidate_reset_after(t, x, h_prev, r, params, concat, n, m)
    else:
        z_h = _candidate_reset_before(t, x, h_prev, r, params, concat)
    # h̃_t = tanh(z_h)
    h_tilde = t.tanh("h_tilde.tanh", "Candidate: apply tanh", r"\tilde{h}_t = \tanh(z_h)",
                     "tanh squashes each entry into (-1, 1): the new hidden state the cell "
                     "proposes.", z_h, "h_tilde", r"\tilde{h}_t")
    out["z_h"], out["h_tilde"] = z_h, h_tilde

    # h_t = (1 − z_t) ∘ h̃_t + z_t ∘ h_{t-1}
    take = t.one_minus("h.oneminus", "Hidden state: how much to take from the candidate",
                       r"1 - z_t", "Where the update gate keeps the old entry (z near 1), the "
                       "candidate gets the rest, 1 − z.", z, "1-z", r"(1 - z_t)")
    new = t.hadamard("h.new", "Hidden state: take from the candidate", r"(1 - z_t) \circ \tilde{h}_t",
                     "1 − z scales the candidate entry by entry.", take, h_tilde,
                     "(1-z)*h_tilde", r"(1 - z_t) \circ \tilde{h}_t")
    old = t.hadamard("h.old", "Hidden state: keep from the old state", r"z_t \circ h_{t-1}",
                     "z scales the old hidden state entry by entry.", z, h_prev,
                     "z*h_prev", r"z_t \circ h_{t-1}")
    out["h"] = t.add("h.update", "Hidden state: the new h_t",
                     r"h_t = (1 - z_t) \circ \tilde{h}_t + z_t \circ h_{t-1}",
                     "A mix, entry by entry, of the candidate and the old state: the weights "
                     "1 − z and z add up to 1.", new, old, "h", "h_t")
    return out


def _candidate_reset_after(t, x, h_prev, r, params, concat, n, m) -> Sym:
    """z_h = W_h^x · x_t + b_h + r_t ∘ (W_h^h · h_{t-1} + b_hn)  (PyTorch, Keras, cuDNN); without
    b_hn, r_t ∘ (W_h^h · h_{t-1})."""
    if "W_hh" not in params:
        W_h = params["W_h"]
        # v = [h, x] puts h in columns 0..n-1; v = [x, h] puts it in columns m..m+n-1.
        h_cols, x_cols = ((0, n), (n, n + m)) if concat == "hx" else ((m, m + n), (0, m))
        params["W_hh"] = t.slice("h_tilde.hcols", "Candidate: the columns of W_h that meet h_{t-1}",
                                 r"W_h^h = \text{columns of } W_h \text{ for } h_{t-1}",
                                 f"Columns {h_cols[0] + 1} to {h_cols[1]} of W_h multiply h_{{t-1}} "
                                 f"in v; the reset gate will scale their product.",
                                 W_h, *h_cols, "W_hh", "W_h^h")
        params["W_hx"] = t.slice("h_tilde.xcols", "Candidate: the columns of W_h that meet x_t",
                                 r"W_h^x = \text{columns of } W_h \text{ for } x_t",
                                 f"Columns {x_cols[0] + 1} to {x_cols[1]} of W_h multiply x_t in v.",
                                 W_h, *x_cols, "W_hx", "W_h^x")
    W_hh, W_hx, b_h = params["W_hh"], params["W_hx"], params["b_h"]
    # (n, m) @ (m,) -> (n,) and (n, n) @ (n,) -> (n,)
    Wx = t.matvec("h_tilde.matmulx", "Candidate: multiply W_h^x by x_t", r"W_h^x \cdot x_t",
                  "The input's part of the candidate: one row per hidden unit.",
                  W_hx, x, "W_hx*x", r"W_h^x \cdot x_t")
    Wh = t.matvec("h_tilde.matmulh", "Candidate: multiply W_h^h by h_{t-1}", r"W_h^h \cdot h_{t-1}",
                  "The old state's part of the candidate, before the reset gate sees it.",
                  W_hh, h_prev, "W_hh*h_prev", r"W_h^h \cdot h_{t-1}")
    old = r"W_h^h \cdot h_{t-1}"
    if "b_hn" in params:  # PyTorch's b_hn: added before the reset gate scales the sum
        old = r"W_h^h \cdot h_{t-1} + b_{hn}"
        Wh = t.add("h_tilde.hbias", "Candidate: add the recurrent bias b_{hn}", old,
                   "PyTorch's second candidate bias b_{hn} is added to the old state's part before the "
                   "reset gate scales it, so r scales it too (it cannot be folded into b_h).",
                   Wh, params["b_hn"], "W_hh*h_prev+b_hn", rf"({old})")
    reset = t.hadamard("h_tilde.reset", "Candidate: reset the old state's part",
                       rf"r_t \circ ({old})",
                       "Reset after the product (PyTorch, Keras, cuDNN): r scales W_h^h·h_{t-1} "
                       "entry by entry; r = 0 makes the candidate ignore the old state.",
                       r, Wh, "r*(W_hh*h_prev)", rf"r_t \circ ({old})")
    Wxb = t.add("h_tilde.bias", "Candidate: add the bias b_h", r"W_h^x \cdot x_t + b_h",
                "The bias is added entry by entry.", Wx, b_h, "W_hx*x+b_h", r"W_h^x \cdot x_t + b_h")
    return t.add("h_tilde.sum", "Candidate: add the reset old-state part",
                 rf"z_h = W_h^x \cdot x_t + b_h + r_t \circ ({old})",
                 "The candidate's pre-activation: the input's part plus the reset old state's.",
                 Wxb, reset, "z_h", "z_h")


def _candidate_reset_before(t, x, h_prev, r, params, concat) -> Sym:
    """z_h = W_h · [r_t ∘ h_{t-1}, x_t] + b_h  (Cho et al. 2014, d2l.ai)."""
    W_h, b_h = params["W_h"], params["b_h"]
    rh = t.hadamard("h_tilde.reset", "Candidate: reset the old state", r"r_t \circ h_{t-1}",
                    "Reset before the product (Cho et al. 2014): r scales h_{t-1} entry by entry; "
                    "r = 0 makes the candidate ignore the old state.",
                    r, h_prev, "r*h_prev", r"r_t \circ h_{t-1}")
    first, second = (rh, x) if concat == "hx" else (x, rh)
    v_r = t.concat("h_tilde.concat", f"Candidate: stack {first.latex} and {second.latex}",
                   rf"v_r = [{first.latex}, {second.latex}]",
                   "The candidate reads the reset old state with the input, in the concat order "
                   "of v, so W_h has the same n+m columns as W_r and W_z.",
                   first, second, "v_r", "v_r")
    Wv = t.matvec("h_tilde.matmul", "Candidate: multiply W_h by v_r", r"W_h \cdot v_r",
                  "Row k of W_h times v_r gives entry k: one row per hidden unit.",
                  W_h, v_r, "W_hv_r", r"W_h \cdot v_r")
    return t.add("h_tilde.bias", "Candidate: add the bias b_h", r"z_h = W_h \cdot v_r + b_h",
                 "The bias is added entry by entry; z_h is the candidate's pre-activation.",
                 Wv, b_h, "z_h", "z_h")


def step(t, x, h_prev, C_prev, params, inp):
    return gru_cell(t, x, h_prev, params, inp.concat, inp.option("gru_reset"))


def notes(inp, res) -> dict[str, list[str]]:
    """Colah's post swaps z and 1 − z: say so where h_t is made."""
    update = next(s.id for s in res.steps if s.id.endswith("h.update"))
    return {update: ["Colah's post writes h_t = (1 − z_t) ∘ h_{t-1} + z_t ∘ h̃_t: the roles of z and "
                     "1 − z are swapped there. This follows Cho et al. (2014) and PyTorch: z_t is how "
                     "much of the old state to keep."]}


SPEC = CellSpec(
    name="gru", title="GRU", short="GRU", choice='"gru"',
    step=step, params=GRU_PARAMS, outputs=("r", "z", "h_tilde", "h", "z_r", "z_z", "z_h"),
    gates=(FormGroup("Reset gate", "r_t = σ(W_r·v + b_r)", ("W_r", "b_r")),
           FormGroup("Update gate", "z_t = σ(W_z·v + b_z)", ("W_z", "b_z")),
           FormGroup("Candidate", "h\u0303_t = tanh(W_h·…)", ("W_h", "b_h", "b_hn"))),
    gate_symbols=r"r_t, z_t, \tilde{h}_t",
    has_cell_state=False, options=("gru_reset",), optional=("b_hn",), unit="hidden unit",
    diagram=lambda shown, inp: pictures.gru.diagram(shown, "GRU", reset_after=inp.option("gru_reset") == "after"),
    picture_name="GRU", notes=notes,
    preset=("GRU", "Reset and update gates, no cell state: h_t = (1 − z_t)∘h̃_t + z_t∘h_{t-1}.", 5),
)
