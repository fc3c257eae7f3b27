"""Every input field of an example, declared once, and the validated example itself.

`FIELDS` is the table: each field's name (the API's key, the form's `name`, the link's key), its
symbol on screen, the form's hint, its shape rule in n, m, k (and T for x), what it is when
left out, and which cells use it. The parser, the permalink, the form, the API's echo and the
"not used by this variant" messages loop over it; none of them lists fields of its own.

Which cells use a field (`scope`):
- "all": every cell (x, h_prev, the output layer W_y, b_y, the loss's dh and dy; the settings
  concat, variant, T);
- "cell_state": cells with a cell state (C_prev, dC): every LSTM, not the GRU or the MGU;
- "weight": the cells whose spec lists it among its `params` (W_f, b_f, p_o, W_r, …) or its
  `optional` weights (the GRU's b_hn: zeros when left out);
- "option": the cells whose spec lists it among its `options` (gru_reset).

`Inputs` is a validated example: its arrays keyed by field name, and its settings.

This module imports numpy only: the table is data, the cells (`app/cells/`) say which weights
they read.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Field:
    name: str
    symbol: str  # as the form labels it, in the LaTeX subset render_html writes as HTML
    hint: str  # the form's hint, same subset
    kind: str  # "vector", "matrix" or "setting"
    rows: str = ""  # a vector's length or a matrix's rows: "n", "k" or "m"
    cols: str = ""  # a matrix's columns: "n+m" (it multiplies v) or "n" (it multiplies h_t)
    default: str = "required"  # when left out: "required", "zeros", "ones" or "absent"
    scope: str = "weight"  # which cells use it: "all", "cell_state", "weight" or "option"
    group: str = "gate"  # where the form puts it: "state", "gate" (the cell's own) or "more"
    why: str = ""  # what one entry is, for "required" messages ("one peephole weight per cell state")
    choices: tuple[str, ...] = ()  # a setting's values, the default first
    choice_titles: tuple[str, ...] = ()  # how the form's select names each value
    expects: str = ""  # a setting's values explained, for its message: '"hx" (…) or "xh" (…)'
    only_with: tuple[str, str] = ()  # (option, value) it needs: b_hn only means something with gru_reset "after"

    @property
    def is_array(self) -> bool:
        return self.kind != "setting"


_W_HINT = "n rows of n+m numbers, one row per line"


def _gate(g: str) -> tuple[Field, Field]:
    return (Field(f"W_{g}", f"W_{g}", _W_HINT, "matrix", "n", "n+m"),
            Field(f"b_{g}", f"b_{g}", "n numbers", "vector", "n"))


# The order is the order of the error list; the arrays' order is the link's (v1's fields first).
FIELDS: tuple[Field, ...] = (
    Field("x", "x_t", "input: m numbers, e.g. 1, 2, 3; for a sequence, one row per time step",
          "vector", "m", scope="all", group="state"),
    Field("h_prev", "h_{t-1}", "previous hidden state: n numbers (empty = zeros)", "vector", "n",
          default="zeros", scope="all", group="state"),
    Field("C_prev", "C_{t-1}", "previous cell state: n numbers (empty = zeros)", "vector", "n",
          default="zeros", scope="cell_state", group="state"),
    *_gate("f"), *_gate("i"), *_gate("C"), *_gate("o"),
    # The settings' symbol is the label of their select in the form.
    Field("concat", "Concatenation order v =", "", "setting", scope="all", group="setting",
          choices=("hx", "xh"), choice_titles=("[hₜ₋₁, xₜ] (Colah's order)", "[xₜ, hₜ₋₁] (the forum question's)"),
          expects='"hx" (v = [h_{t-1}, x_t], Colah\'s order) or "xh" (v = [x_t, h_{t-1}])'),
    Field("variant", "Cell", "", "setting", scope="all", group="setting"),  # choices: cells.VARIANTS
    Field("gru_reset", "GRU reset", "", "setting", scope="option", group="setting",
          choices=("after", "before"), choice_titles=("after (PyTorch, Keras, cuDNN)", "before (Cho et al. 2014)"),
          expects='"after" (the reset gate scales W_h^h·h_{t-1}: PyTorch, Keras and cuDNN; the default) '
                  'or "before" (it scales h_{t-1} before W_h: Cho et al. 2014)'),
    Field("T", "T", "time steps, only needed when each x_t is one number", "setting", scope="all",
          group="more"),
    *(Field(f"p_{g}", f"p_{g}", "n numbers", "vector", "n", why="one peephole weight per cell state")
      for g in "fio"),
    *_gate("r"), *_gate("z"), *_gate("h"),
    # PyTorch's (and Keras', ONNX's linear_before_reset=1) second candidate bias, inside the reset:
    # r ∘ (W_h^h·h_{t-1} + b_hn). Optional: left out, it is zeros and no step is recorded.
    Field("b_hn", "b_{hn}", "n numbers (empty = zeros): the bias inside the reset, r∘(W_h^h·h_{t-1} + b_{hn})",
          "vector", "n", default="absent", why="one per hidden unit", only_with=("gru_reset", "after")),
    Field("W_y", "W_y", "output layer y_t = σ(W_y·h_t + b_y): k rows of n numbers", "matrix", "k", "n",
          default="absent", scope="all", group="more"),
    Field("b_y", "b_y", "k numbers", "vector", "k", default="absent", scope="all", group="more",
          why="one per output (one per row of W_y)"),
    Field("dh", "∂L/∂h_T", "n numbers (empty = ones)", "vector", "n", default="ones", scope="all",
          group="more"),
    Field("dC", "∂L/∂C_T", "n numbers (empty = zeros)", "vector", "n", default="zeros",
          scope="cell_state", group="more"),
    Field("dy", "∂L/∂y_T", "k numbers (empty: the loss does not use y)", "vector", "k",
          default="absent", scope="all", group="more"),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
ALL_FIELDS = tuple(f.name for f in FIELDS)
ARRAY_FIELDS = tuple(f.name for f in FIELDS if f.is_array)
SETTINGS = tuple(f.name for f in FIELDS if not f.is_array)
MATRIX_FIELDS = tuple(f.name for f in FIELDS if f.kind == "matrix")
VECTOR_FIELDS = tuple(f.name for f in FIELDS if f.kind == "vector")
# Sized by n (a matrix by its rows): these say what n is. W_y, b_y and dy are sized by k, x by m.
N_FIELDS = tuple(f.name for f in FIELDS if f.rows == "n")
V1_FIELDS = ARRAY_FIELDS[:11]  # x, h_prev, C_prev and the LSTM's W's and b's: the v1 API
OPTIONS = tuple(f.name for f in FIELDS if f.scope == "option")  # settings only some cells read


def uses(spec, name: str) -> bool:
    """Whether a cell (a `cells.CellSpec`) reads the field."""
    scope = BY_NAME[name].scope
    if scope == "all":
        return True
    if scope == "cell_state":
        return spec.has_cell_state
    if scope == "option":
        return name in spec.options
    return name in spec.params or name in spec.optional


@dataclass(frozen=True, eq=False)  # eq: arrays do not compare to one bool
class Inputs(Mapping):
    """A validated example: float64 arrays of consistent shapes keyed by field name (only the
    fields it has: a GRU has no C_prev, an example without an output layer no W_y), and its
    settings. `x` is (m,) for one step, or (T, m) for a sequence of T >= 2 steps.

    Built by the parser (`parse.py`), or by `Inputs.of(x=…, W_f=…, variant=…)`."""

    arrays: Mapping[str, np.ndarray]
    variant: str = "lstm"
    concat: str = "hx"  # "hx": v = [h_{t-1}, x_t] (Colah's); "xh": v = [x_t, h_{t-1}]
    options: Mapping[str, str] = field(default_factory=dict)  # the cell's options, when given

    @classmethod
    def of(cls, variant: str = "lstm", concat: str = "hx", **values) -> Inputs:
        """Keyword arrays and options (None means not given) → Inputs: how presets and tests
        write an example (`Inputs.of(x=[1, 2], …, variant="gru", gru_reset="before")`)."""
        options = {k: v for k, v in values.items() if k in OPTIONS and v is not None}
        arrays = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()
                  if k not in OPTIONS and v is not None}
        return cls(arrays, variant=variant, concat=concat, options=options)

    def replace(self, **changes) -> Inputs:
        """A copy with some arrays or settings changed (an array set to None is removed)."""
        return Inputs.of(**{"variant": self.variant, "concat": self.concat, **self.options,
                            **self.arrays, **changes})

    def option(self, name: str) -> str:
        """An option's value: as given, or its default (the first of its choices)."""
        return self.options.get(name, BY_NAME[name].choices[0])

    def __getitem__(self, name: str) -> np.ndarray:
        return self.arrays[name]

    def __contains__(self, name) -> bool:
        # Mapping's own asks self[name] and catches the KeyError: an exception for each field an
        # example does not have, and the renderers ask about every field of the table.
        return name in self.arrays

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrays)

    def __len__(self) -> int:
        return len(self.arrays)

    @property
    def m(self) -> int:
        return self.arrays["x"].shape[-1]

    @property
    def n(self) -> int:
        return self.arrays["h_prev"].shape[0]

    @property
    def k(self) -> int | None:
        """The output layer's size, or None without one."""
        W_y = self.arrays.get("W_y")
        return None if W_y is None else W_y.shape[0]

    @property
    def T(self) -> int:
        """The number of time steps: 1 for a single vector x."""
        x = self.arrays["x"]
        return 1 if x.ndim == 1 else x.shape[0]

    @property
    def is_sequence(self) -> bool:
        return self.arrays["x"].ndim == 2

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}{list(v.shape)}" for k, v in self.arrays.items())
        options = "".join(f", {k}={v}" for k, v in self.options.items())
        return f"Inputs({self.variant}, concat={self.concat}{options}: {shapes})"
