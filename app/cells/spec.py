"""What the rest of the app knows about a cell: one `CellSpec` per variant, in its own module.

The parser, the runner (`sequence.py`), the API, the permalink, the form, the dimensions table,
the notes and the pictures read a cell only through its spec; none of them names a variant.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FormGroup:
    """One fieldset of the form: a title, its equation (in the LaTeX subset the page writes as
    HTML), and the fields it holds."""

    title: str
    equation: str
    fields: tuple[str, ...]
    kind: str = "gate"  # the fieldset's class: "gate", or "state" for state-like weights


@dataclass(frozen=True)
class CellSpec:
    name: str  # the API's `variant` value
    title: str  # the form's select and the page's heading: "peephole LSTM"
    short: str  # in sentences: "a GRU has no cell state", "an LSTM's weights are …"
    choice: str  # how the variant message lists it: '"coupled" (i = 1 − f)'
    # The cell: (trace, x, h_prev, C_prev, params, inputs) -> {name: Sym}, recording its steps.
    step: Callable
    params: tuple[str, ...]  # its weight fields, in the order of the form and the link
    outputs: tuple[str, ...]  # its results in the API's top level and in each time step
    gates: tuple[FormGroup, ...]  # the form's fieldsets for its weights
    gate_symbols: str  # the dimensions table's row of gates, as LaTeX: r"f_t, i_t, \tilde{C}_t, o_t"
    has_cell_state: bool = True  # False: no C_prev, C or dC
    # Weights it reads only when given (the GRU's b_hn): no step, and the same answer as before, without
    optional: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # settings only this cell reads ("gru_reset")
    unit: str = "cell state"  # what a row of its W's is for: "one row per cell state"
    absent: Mapping[str, str] = field(default_factory=dict)  # LSTM weights it drops, and why
    # Pictures (app/pictures/): the cell diagram's layout, (shown, inputs) -> Diagram, where shown
    # is the `pictures.values.Shown` record of the values it draws; its name in the captions ("the
    # peephole LSTM cell of every time step"); and the arguments of the backward page's carousel
    # plot (`pictures.carousel_plot`: its words, "this peephole LSTM", and the LSTM layout's
    # options), None for a cell without a cell state (no plot).
    diagram: Callable | None = None
    picture_name: str = ""
    carousel: Mapping | None = None
    notes: Callable | None = None  # (inputs, result) -> {step id: [sentences]} it adds
    preset: tuple[str, str, int] | None = None  # (title, description, seed) of its example
