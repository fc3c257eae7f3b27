"""The original LSTM (Hochreiter & Schmidhuber 1997), before the forget gate of Gers, Schmidhuber
& Cummins 2000. No W_f, b_f; with v = [h_{t-1}, x_t] (or [x_t, h_{t-1}]) as in `lstm.py`:

    i_t = σ(W_i · v + b_i)
    C̃_t = tanh(W_C · v + b_C)
    o_t = σ(W_o · v + b_o)
    C_t = C_{t-1} + i_t ∘ C̃_t          (∂C_t/∂C_{t-1} = 1: the constant error carousel)
    h_t = o_t ∘ tanh(C_t)
"""
from __future__ import annotations

from .. import pictures
from ..trace import Sym, Trace
from .lstm import GATE_FORMS, cell_update, concat_step, gate_steps, hidden_update
from .spec import CellSpec


def no_forget_cell(t: Trace, x: Sym, h_prev: Sym, C_prev: Sym, params: dict[str, Sym],
                   concat: str) -> dict[str, Sym]:
    n, m = h_prev.shape[0], x.shape[0]
    v = concat_step(t, x, h_prev, concat, n, m)
    out = {"v": v}
    for g, name in (("i", "i"), ("C", "C_tilde"), ("o", "o")):
        out[f"z_{g}"], out[name] = gate_steps(t, g, v, params)
    # C_t = C_{t-1} + i_t ∘ C̃_t: no forget step, C_{t-1} is added as it is
    out["C"] = cell_update(t, None, C_prev, out["i"], out["C_tilde"])
    out["h"] = hidden_update(t, out["o"], out["C"])
    return out


def step(t, x, h_prev, C_prev, params, inp):
    return no_forget_cell(t, x, h_prev, C_prev, params, inp.concat)


_NO_FORGET_GATE = ("the original 1997 LSTM has no forget gate (C_t = C_{t-1} + i_t∘C̃_t).")
SPEC = CellSpec(
    name="no_forget", title="the original LSTM (no forget gate)", short="original LSTM",
    choice='"no_forget" (the original 1997 LSTM)',
    step=step, params=("W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
    outputs=("i", "C_tilde", "o", "C", "h", "z_i", "z_C", "z_o"),
    gates=(GATE_FORMS["i"], GATE_FORMS["C"], GATE_FORMS["o"]), gate_symbols=r"i_t, \tilde{C}_t, o_t",
    absent={"W_f": _NO_FORGET_GATE, "b_f": _NO_FORGET_GATE},
    diagram=lambda shown, inp: pictures.lstm.diagram(shown, SPEC.picture_name, forget=False),
    picture_name="original LSTM (no forget gate)",
    carousel={"words": "this LSTM without a forget gate", "forget": False},
    preset=("No forget gate (1997)",
            "The original LSTM: C_t = C_{t-1} + i_t ∘ C̃_t, so the gradient along C is exactly 1.", 2),
)
