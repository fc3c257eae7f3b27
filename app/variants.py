"""The LSTM's variants, each a cell function that records its own steps, and the registry that
the parser, the runner (`sequence.py`) and the renderers read.

With v = [h_{t-1}, x_t] (or [x_t, h_{t-1}]) as in `cell.py`:

no_forget — the original LSTM (Hochreiter & Schmidhuber 1997), before the forget gate of Gers,
Schmidhuber & Cummins 2000. No W_f, b_f:
    i_t = σ(W_i · v + b_i),  C̃_t = tanh(W_C · v + b_C),  o_t = σ(W_o · v + b_o)
    C_t = C_{t-1} + i_t ∘ C̃_t          (∂C_t/∂C_{t-1} = 1: the constant error carousel)
    h_t = o_t ∘ tanh(C_t)

peephole — Gers & Schmidhuber 2000: the gates also read the cell state, through diagonal
peephole weights p_f, p_i, p_o (n numbers each):
    f_t = σ(W_f · v + p_f ∘ C_{t-1} + b_f)
    i_t = σ(W_i · v + p_i ∘ C_{t-1} + b_i)
    C̃_t = tanh(W_C · v + b_C)
    C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t
    o_t = σ(W_o · v + p_o ∘ C_t + b_o)   (the output gate reads the *new* cell state)
    h_t = o_t ∘ tanh(C_t)

coupled — the input and forget gates coupled (Greff et al. 2017's "CIFG"). No W_i, b_i:
    f_t = σ(W_f · v + b_f),  i_t = 1 − f_t,  then as the LSTM.

gru — see `gru.py`. The standard LSTM is `cell.lstm_cell`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .cell import LSTM_PARAMS, cell_update, concat_step, gate_steps, hidden_update, lstm_cell
from .gru import GRU_PARAMS, gru_cell
from .trace import Sym, Trace


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


@dataclass(frozen=True)
class Variant:
    """A cell and what the rest of the app needs to know about it."""

    name: str
    title: str  # how the page and messages name it
    cell: Callable  # (trace, x, h_prev, C_prev, params, concat, gru_reset) -> {name: Sym}
    params: tuple[str, ...]  # its weight fields, in the order of the form and the link
    outputs: tuple[str, ...]  # its results in the API's top level and in each time step
    has_cell_state: bool = True  # False: no C_prev, C or dC (the GRU)


def _lstm_family(cell):
    return lambda t, x, h_prev, C_prev, params, concat, gru_reset: cell(t, x, h_prev, C_prev, params, concat)


def _gru(t, x, h_prev, C_prev, params, concat, gru_reset):
    return gru_cell(t, x, h_prev, params, concat, gru_reset)


_LSTM_OUTPUTS = ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o")
VARIANTS = {
    "lstm": Variant("lstm", "LSTM with a forget gate", _lstm_family(lstm_cell), LSTM_PARAMS, _LSTM_OUTPUTS),
    "no_forget": Variant("no_forget", "the original LSTM (no forget gate)", _lstm_family(no_forget_cell),
                         ("W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
                         ("i", "C_tilde", "o", "C", "h", "z_i", "z_C", "z_o")),
    "peephole": Variant("peephole", "peephole LSTM", _lstm_family(peephole_cell),
                        (*LSTM_PARAMS, "p_f", "p_i", "p_o"), _LSTM_OUTPUTS),
    "coupled": Variant("coupled", "LSTM with coupled input and forget gates", _lstm_family(coupled_cell),
                       ("W_f", "b_f", "W_C", "b_C", "W_o", "b_o"),
                       ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_C", "z_o")),
    "gru": Variant("gru", "GRU", _gru, GRU_PARAMS, ("r", "z", "h_tilde", "h", "z_r", "z_z", "z_h"),
                   has_cell_state=False),
}
