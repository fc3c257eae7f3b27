"""The LSTM with coupled input and forget gates (Greff et al. 2017's "CIFG"). No W_i, b_i; with
v as in `lstm.py`:

    f_t = σ(W_f · v + b_f)
    i_t = 1 − f_t
    C̃_t = tanh(W_C · v + b_C)
    o_t = σ(W_o · v + b_o)
    C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t
    h_t = o_t ∘ tanh(C_t)
"""
from __future__ import annotations

from .. import pictures
from ..trace import Sym, Trace
from .lstm import GATE_FORMS, cell_update, concat_step, gate_steps, hidden_update
from .spec import CellSpec


def coupled_cell(t: Trace, x: Sym, h_prev: Sym, C_prev: Sym, params: dict[str, Sym],
                 concat: str) -> dict[str, Sym]:
    n, m = h_prev.shape[0], x.shape[0]
    v = concat_step(t, x, h_prev, concat, n, m)
    out = {"v": v}
    out["z_f"], out["f"] = gate_steps(t, "f", v, params)
    # i_t = 1 − f_t: what is forgotten is exactly what may be written
    out["i"] = t.one_minus("i.coupled", "Input gate: coupled to the forget gate", r"i_t = 1 - f_t",
                           "Coupled gates: the cell writes new content exactly where it forgets "
                           "old content, so there is no W_i or b_i.", out["f"], "i", "i_t")
    out["z_C"], out["C_tilde"] = gate_steps(t, "C", v, params)
    out["z_o"], out["o"] = gate_steps(t, "o", v, params)
    out["C"] = cell_update(t, out["f"], C_prev, out["i"], out["C_tilde"])
    out["h"] = hidden_update(t, out["o"], out["C"])
    return out


def step(t, x, h_prev, C_prev, params, inp):
    return coupled_cell(t, x, h_prev, C_prev, params, inp.concat)


_COUPLED = "its input gate is i_t = 1 − f_t, with no weights of its own."
SPEC = CellSpec(
    name="coupled", title="LSTM with coupled input and forget gates", short="coupled LSTM",
    choice='"coupled" (i = 1 − f)',
    step=step, params=("W_f", "b_f", "W_C", "b_C", "W_o", "b_o"),
    outputs=("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_C", "z_o"),
    gates=(GATE_FORMS["f"], GATE_FORMS["C"], GATE_FORMS["o"]),
    gate_symbols=r"f_t, i_t = 1 - f_t, \tilde{C}_t, o_t",
    absent={"W_i": _COUPLED, "b_i": _COUPLED},
    diagram=lambda shown, inp: pictures.lstm.diagram(shown, SPEC.picture_name, coupled=True),
    picture_name="coupled-gate LSTM", carousel={"words": "this LSTM with coupled gates", "coupled": True},
    preset=("Coupled gates", "i_t = 1 − f_t: write exactly where you forget.", 4),
)
