"""The pictures, as data: the cell diagram, the σ / tanh curves and the backward page's carousel.

Pure functions of the example (`fields.Inputs` and its `sequence.Unrolled`) or of one activation
`Step`. They return plain immutable data (frozen dataclasses; NamedTuples for the many small
parts): SVG coordinates already written as text, label strings, and for every part of the cell
diagram the ids of the steps it belongs to (`data-steps`, which the page's script lights up). The markup of the diagram, the curves and
the carousel's plot is written by `render_svg` (as strings: they are on every page, and that is
the cold path's hot loop), the unrolled chain's by `templates/_chain.html` (its text runs through
the `svg_text` macro of `templates/macros/svg.html`); the look is in `static/diagram.css`
(classes only: the CSP allows no style attributes).

The entry points:

    cell_diagram(inp, res, layout, name) -> Diagram
        `layout(shown, inp)` draws the cell from the `values.Shown` record of the values it
        shows: a cell's spec (`app/cells/`) names its own, such as `lstm.diagram(shown, name,
        forget=False)` (Colah's picture; options forget=True, peephole=False, coupled=False) or
        `gru.diagram(shown, name, reset_after=…)` (Colah's GRU figure). `name` is the cell's, as
        the captions write it ("peephole LSTM").
    curve(step) -> Curve | None
        an activation step's function with its entries on it; None for any other step.
    chain(name, timesteps, ids, has_cell_state) -> Chain
        a sequence unrolled in time: a small cell per time step, the states flowing between.
    carousel_plot(inp, res, words, *, forget=True, peephole=False, coupled=False) -> Carousel | None
        how much of the gradient reaches C_{T−k}; `words` name the cell in the legend
        ("this peephole LSTM"); None without a cell state.

The modules: `svg` (coordinates, text runs, the diagram's shapes), `values` (what a cell diagram
shows, and its parts' step ids in a sequence), `lstm` and `gru` (the layouts), `curves`,
`carousel`.
"""
from __future__ import annotations

from collections.abc import Callable

from . import gru, lstm, svg
from .carousel import Carousel, carousel_plot
from .chain import Chain, chain
from .curves import Curve, curve
from .svg import Diagram
from .values import Shown, masked, shown, tagged

__all__ = ["Carousel", "Chain", "Curve", "Diagram", "Shown", "carousel_plot", "cell_diagram", "chain", "curve",
           "gru", "lstm", "svg"]


def cell_diagram(inp, res, layout: Callable, name: str, t: int | None = None,
                 hidden: frozenset[int] = frozenset()) -> Diagram:
    """The cell of `inp` (a `fields.Inputs`) drawn by `layout`, with this example's values on its wires.
    `res` is a `sequence.Unrolled`. For a sequence the values are time step `t`'s (by default
    the last's) and every part lists its step ids at *every* time step (t1.f.matmul t2.f.matmul …): stepping through
    any time step lights the same parts, since every step runs the same cell. `hidden`: the ids
    of result arrays written "?" instead (practice mode's asked steps, `values.masked`)."""
    ex = shown(inp, res, t)
    if hidden:
        ex = masked(ex, hidden)
    return tagged(layout(ex, inp), ex, name)
