"""The peephole LSTM (Gers & Schmidhuber 2000): the gates also read the cell state, through
diagonal peephole weights p_f, p_i, p_o (n numbers each). With v as in `lstm.py`:

    f_t = σ(W_f · v + p_f ∘ C_{t-1} + b_f)
    i_t = σ(W_i · v + p_i ∘ C_{t-1} + b_i)
    C̃_t = tanh(W_C · v + b_C)
    C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t
    o_t = σ(W_o · v + p_o ∘ C_t + b_o)   (the output gate reads the *new* cell state)
    h_t = o_t ∘ tanh(C_t)
"""
from __future__ import annotations

from .. import pictures
from ..trace import Sym, Trace
from .lstm import GATE_FORMS, GATES, LSTM_PARAMS, OUTPUTS, cell_update, concat_step, gate_steps, hidden_update
from .spec import CellSpec, FormGroup


def peephole_cell(t: Trace, x: Sym, h_prev: Sym, C_prev: Sym, params: dict[str, Sym],
                  concat: str) -> dict[str, Sym]:
    n, m = h_prev.shape[0], x.shape[0]
    v = concat_step(t, x, h_prev, concat, n, m)
    out = {"v": v}
    out["z_f"], out["f"] = gate_steps(t, "f", v, params, peephole=C_prev)
    out["z_i"], out["i"] = gate_steps(t, "i", v, params, peephole=C_prev)
    out["z_C"], out["C_tilde"] = gate_steps(t, "C", v, params)
    out["C"] = cell_update(t, out["f"], C_prev, out["i"], out["C_tilde"])
    # The output gate comes after the cell update: its peephole reads C_t, not C_{t-1}.
    out["z_o"], out["o"] = gate_steps(t, "o", v, params, peephole=out["C"])
    out["h"] = hidden_update(t, out["o"], out["C"])
    return out


def step(t, x, h_prev, C_prev, params, inp):
    return peephole_cell(t, x, h_prev, C_prev, params, inp.concat)


PEEPHOLES = ("p_f", "p_i", "p_o")
SPEC = CellSpec(
    name="peephole", title="peephole LSTM", short="peephole LSTM", choice='"peephole"',
    step=step, params=(*LSTM_PARAMS, *PEEPHOLES), outputs=OUTPUTS,
    gates=(*(GATE_FORMS[g] for g in GATES),
           FormGroup("Peepholes", "the gates also read the cell state", PEEPHOLES, kind="state")),
    gate_symbols=r"f_t, i_t, \tilde{C}_t, o_t",
    diagram=lambda shown, inp: pictures.lstm.diagram(shown, SPEC.picture_name, peephole=True),
    picture_name="peephole LSTM", carousel={"words": "this peephole LSTM", "peephole": True},
    preset=("Peephole connections", "Gers & Schmidhuber: the gates also read the cell state, p∘C.", 3),
)
