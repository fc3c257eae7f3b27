"""What a cell diagram shows and lights up: one time step's values (the last one's, in a
sequence), and for each part the ids of the steps it belongs to at every time step.

`shown` is the one place the cell diagrams read the example (`fields.Inputs`) and its result (a
`sequence.Unrolled`); the layouts (`lstm.py`, `gru.py`) read only the `Shown` record.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from .svg import Diagram, Label, coord, runs


@dataclass(frozen=True)
class Shown:
    """The values the picture shows: one time step's (the last one's, in a sequence)."""

    x: np.ndarray
    h_prev: np.ndarray
    C_prev: np.ndarray | None
    last: dict  # the last time step's outputs (res.timesteps[-1])
    result: dict  # base step id (no "tT." prefix) -> the step's result value
    T: int  # time steps; 1 for a single step
    n: int
    m: int
    concat: str  # "hx" or "xh"
    sequence: bool
    ids: frozenset[str]  # every step id of the trace, prefixed ones included
    t: int = 1  # the time step whose values these are (T: the last)

    @property
    def order(self) -> str:
        """v's concatenation, as the captions write it."""
        return "[hₜ₋₁, xₜ]" if self.concat == "hx" else "[xₜ, hₜ₋₁]"


def shown(inp, res, t: int | None = None) -> Shown:
    """The last time step's values of `inp` (a `fields.Inputs`), from `res` (its `sequence.Unrolled`)."""
    T = len(res.timesteps)
    t = T if t is None else t
    ids = frozenset(s.id for s in res.steps)
    common = dict(last=res.last, n=inp.n, m=inp.m, concat=inp.concat, sequence=inp.is_sequence, ids=ids)
    if not inp.is_sequence:
        return Shown(x=inp["x"], h_prev=inp["h_prev"], C_prev=inp.get("C_prev"),
                     result={s.id: s.result.value for s in res.steps}, T=1, **common)
    prefix = f"t{t}."
    prev = res.timesteps[t - 2] if t > 1 else None
    return Shown(
        x=inp["x"].reshape(inp.T, inp.m)[t - 1],
        h_prev=prev["h"] if prev else inp["h_prev"],
        C_prev=(prev.get("C") if prev else inp.get("C_prev")),
        result={s.id[len(prefix):]: s.result.value for s in res.steps if s.id.startswith(prefix)},
        T=T, t=t, **{**common, "last": res.timesteps[t - 1]},
    )


def masked(ex: Shown, hidden: frozenset[int]) -> Shown:
    """`ex` with the values whose arrays are in `hidden` (by id: a step's result, wherever it is
    shown) replaced by NaN, which the picture writes "?": practice mode's asked results."""
    def mask(value):
        return np.full(np.shape(value), np.nan) if value is not None and id(value) in hidden else value

    return replace(ex, h_prev=mask(ex.h_prev), C_prev=mask(ex.C_prev),
                   last={k: mask(v) for k, v in ex.last.items()},
                   result={k: mask(v) for k, v in ex.result.items()})


@lru_cache(maxsize=64)  # per trace's set of step ids: the same for every example of a cell and shape
def _retagged(existing: frozenset[str], sequence: bool, T: int) -> dict[str, str]:
    """A memo, filled as parts ask (a few dozen distinct strings per layout): a part's base
    step ids → the ids `tagged` gives it in a trace with these step ids. Shared by every request
    of that shape, from any thread: safe, as each entry depends only on its key and the key of
    this memo, so two threads that fill one entry at once write the same string."""
    return {}


def _ids(steps: str, existing: frozenset[str], sequence: bool, T: int) -> str:
    """A part's base step ids as the trace names them: every time step's (t1.f.matmul …) in a
    sequence, and only those the trace has."""
    if sequence:
        return " ".join(f"t{k}.{s}" for s in steps.split() for k in range(1, T + 1) if f"t{k}.{s}" in existing)
    return " ".join(s for s in steps.split() if s in existing)


def tagged(d: Diagram, ex: Shown, name: str) -> Diagram:
    """Each part's base step ids as the trace names them: kept if the step exists (a single
    step), or as every time step's ids (a sequence); a sequence's picture also says which time
    step its values are from. `name` is the cell's, for the caption ("peephole LSTM")."""
    retagged = _retagged(ex.ids, ex.sequence, ex.T)

    def retag(parts):
        # a part keeps itself when its ids stand as they are (most do, in a single step): a
        # dataclass copy costs more than the rest of the picture's per-part work
        out, changed = [], False
        for part in parts:
            steps = retagged.get(part.steps)
            if steps is None:
                steps = retagged[part.steps] = _ids(part.steps, ex.ids, ex.sequence, ex.T)
            if steps == part.steps:
                out.append(part)
            else:
                out.append(part._replace(steps=steps))
                changed = True
        return parts if not changed and isinstance(parts, tuple) else tuple(out)

    parts = dict(wires=retag(d.wires), boxes=retag(d.boxes), nodes=retag(d.nodes), dots=retag(d.dots),
                 labels=retag(d.labels))
    if any(parts[k] is not getattr(d, k) for k in parts):
        d = replace(d, **parts)
    if not ex.sequence:
        return d
    T, t = ex.T, ex.t
    which = "the last one" if t == T else f"time step {t}"
    note = Label(coord(float(d.cell[0]) + 10), coord(float(d.cell[1]) + 18),
                 runs(("t", "nm"), (f" = {t} of {T}", "val")), "",
                 f"The values are those of time step t = {t}", "note")
    return replace(
        d, labels=(*d.labels, note),
        title=f"{d.title}, at time step t = {t} of {T}",
        desc=(f"{d.desc} This is a sequence of {T} time steps; every step runs this same cell. The "
              f"values shown are those of time step t = {t} (xₜ = x_{t}, hₜ₋₁ = h_{t - 1}); "
              f"stepping through any time step lights the parts that step belongs to."),
        caption=(f"The {name} cell of every time step, with the values of {which}, "
                 f"t = {t} of {T}. Each of the {T} time steps runs this same cell: when you step through "
                 f"the timeline, the picture shows that time step's values and the current step's parts "
                 f"light up; hover a wire for all of its entries."),
    )
