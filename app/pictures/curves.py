"""The σ and tanh curves: an activation step's function over z in [-6, 6], with the step's
entries on it. Entries beyond ±6 sit at the edge with an arrow and their value; saturated ones
(exactly the limit in float64) are marked and say why. Drawn by `render_svg.curve_svg`.

What does not depend on the step's numbers (the grid, axes, ticks, axis names and the function's
polyline) is a `Frame`, computed once per function and symbol: only the entries' points are
computed for each step.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np

from .. import fmt
from ..primitives import sigmoid_gap, stable_sigmoid, tanh_gap
from ..trace import Step
from .svg import Part, coord, runs

Z_RANGE = 6.0  # the curves are drawn over z in [-6, 6]
_SAMPLES = 121  # every 0.1
_EDGE_LABELS = 5  # per edge; more out-of-range points are summed up in one line
_PLOT = dict(x0=58.0, x1=336.0, top=22.0, bottom=152.0, width=366, height=196)

_FN = {
    # op: (written, the function, its limits, the gridlines, the distance of f(z) from its limit)
    "sigmoid": ("σ", lambda z: stable_sigmoid(np.asarray(z, dtype=np.float64)), (0.0, 1.0), (0.0, 0.5, 1.0),
                sigmoid_gap),
    "tanh": ("tanh", lambda z: np.tanh(np.asarray(z, dtype=np.float64)), (-1.0, 1.0), (-1.0, 0.0, 1.0), tanh_gap),
}


def plot_x(z: float) -> float:
    p = _PLOT
    return p["x0"] + (z + Z_RANGE) / (2 * Z_RANGE) * (p["x1"] - p["x0"])


def plot_y(op: str, y: float) -> float:
    low, high = _FN[op][2]
    p = _PLOT
    return p["bottom"] - (y - low) / (high - low) * (p["bottom"] - p["top"])


@cache
def curve_samples(op: str) -> tuple[tuple[float, float], ...]:
    """(z, f(z)) at every 0.1 over [-6, 6], computed once per function."""
    z = np.linspace(-Z_RANGE, Z_RANGE, _SAMPLES)
    return tuple(zip(z.tolist(), _FN[op][1](z).tolist()))


@cache
def curve_points(op: str) -> str:
    """The function's polyline, in the plot's coordinates."""
    return " ".join(f"{coord(plot_x(z))},{coord(plot_y(op, y))}" for z, y in curve_samples(op))


# A curve's texts and points are NamedTuples, not frozen dataclasses: as immutable, and built
# several times faster (a frozen dataclass sets each field through object.__setattr__), which
# counts here: every activation of every new example makes a dozen of them.
class CurveText(NamedTuple):
    x: str
    y: str
    text: str
    cls: str = ""  # "end": anchored at its right end; "mid": centred


class CurvePoint(NamedTuple):
    z: float
    value: float
    cx: str  # where it is drawn: at (z, value), or at the plot's edge if |z| > 6
    cy: str
    edge: str  # "", "left" or "right"
    sat: bool
    mark: str  # path: an edge point's arrowhead pointing outwards, or an in-range point's tick on the z axis
    mark_cls: str  # "arrow" or "rug"
    r: str  # the dot's radius (smaller at an edge, where the arrow says it)
    label: CurveText | None  # an edge point's value, e.g. "92 →"
    title: str


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, cheaply (render_svg keeps
class Frame:                          # the SVG of each frame)
    """What a curve shows whatever the step's numbers: one per function and symbol (z_f, z_i, …),
    computed once (`frame`) and shared by every curve of that function and symbol."""

    op: str
    points: str  # the function's polyline
    grid: tuple[tuple[str, str, str, str], ...]  # lines: x1, y1, x2, y2
    axes: str  # path: the z axis and z = 0
    texts: tuple[CurveText, ...]  # tick labels
    x_name: tuple[Part, ...]
    y_name: tuple[Part, ...]
    x_name_at: tuple[str, str]
    y_name_at: tuple[str, str]


@dataclass(frozen=True)
class Curve:
    id: str  # prefix of the SVG's element ids
    op: str
    width: str
    height: str
    frame: Frame  # the grid, axes, ticks, axis names and the function itself
    marks: tuple[CurvePoint, ...]  # this step's entries, one per entry
    notes: tuple[CurveText, ...]  # "… 3 more →", the saturation key
    title: str
    desc: str


def _sym_runs(latex: str) -> tuple[tuple[str, str], ...]:
    """z_f → (z)(f as a subscript); C_t → (C)(t)."""
    base, _, sub = latex.partition("_")
    sub = sub.strip("{}")
    return ((base, "nm"), (sub, "sub")) if sub else ((base, "nm"),)


def _spoken(latex: str) -> str:
    return latex.replace("{", "").replace("}", "")


@lru_cache(maxsize=256)
def frame(op: str, arg_latex: str) -> Frame:
    """The part of a curve that does not depend on the numbers: the same on every page."""
    name, _, _, gridlines, _ = _FN[op]
    p = _PLOT
    x0, x1, top, bottom = p["x0"], p["x1"], p["top"], p["bottom"]
    grid = tuple((coord(x0), coord(plot_y(op, g)), coord(x1), coord(plot_y(op, g))) for g in gridlines)
    texts = [CurveText(coord(x0 - 15), coord(plot_y(op, g) + 4), fmt.show(g).replace("-", "−"), "end")
             for g in gridlines]
    texts += [CurveText(coord(plot_x(t)), coord(bottom + 16), fmt.show(t).replace("-", "−"), "mid")
              for t in (-6, -3, 0, 3, 6)]
    zero = coord(plot_x(0))
    axes = (f"M{coord(x0)} {coord(bottom)} L{coord(x1)} {coord(bottom)} "
            f"M{zero} {coord(top - 6)} L{zero} {coord(bottom)}")
    return Frame(
        op=op, points=curve_points(op), grid=grid, axes=axes, texts=tuple(texts),
        x_name=runs(*_sym_runs(arg_latex)), y_name=runs((f"{name}(", "nm"), *_sym_runs(arg_latex), (")", "nm")),
        x_name_at=(coord(x1 + 14), coord(bottom + 4)), y_name_at=(coord(plot_x(0) + 6), coord(top - 8)),
    )


def curve(step: Step) -> Curve | None:
    """An activation step's function over [-6, 6] with the step's entries on it; None for a
    step that is not an activation."""
    if step.op not in _FN:
        return None
    op = step.op
    name, _, (low, high), _, gap = _FN[op]
    p = _PLOT
    x0, x1, bottom = p["x0"], p["x1"], p["bottom"]
    arg = step.operands[0]
    arg_spoken = _spoken(arg.latex)
    rug_top, rug_bottom = coord(bottom - 5), coord(bottom + 1)  # a tick across the z axis

    zs, ys = arg.value.tolist(), step.result.value.tolist()
    sats = list(step.saturated) or [False] * len(zs)
    edge_count = {"left": 0, "right": 0}
    marks, notes = [], []
    for k, (z, y, sat) in enumerate(zip(zs, ys, sats)):
        title = f"entry {k + 1}: {arg_spoken} = {fmt.exact(z)}, {name}({arg_spoken}) = {fmt.exact(y)}"
        if sat:
            title += f"; saturated: {fmt.saturation(y, gap(z)).hover}"
        if abs(z) <= Z_RANGE:
            # the point on the curve, and a tick on the z axis below it (close points stay apart)
            cx = coord(plot_x(z))
            rug = f"M{cx} {rug_top} L{cx} {rug_bottom}"
            marks.append(CurvePoint(z, y, cx, coord(plot_y(op, y)), "", bool(sat), rug, "rug", "4", None, title))
            continue
        right = z > 0
        edge = "right" if right else "left"
        title += f" (beyond {'' if right else '−'}6: drawn at the {edge} edge)"
        x, out = (x1, 1) if right else (x0, -1)
        y_at = plot_y(op, y)
        # an arrowhead just outside the edge, pointing further out
        head = (f"M{coord(x + out * 3)} {coord(y_at - 5)} L{coord(x + out * 11)} {coord(y_at)} "
                f"L{coord(x + out * 3)} {coord(y_at + 5)} Z")
        count = edge_count[edge]
        edge_count[edge] += 1
        lbl = None
        if count < _EDGE_LABELS:
            # Labels stack inwards from the limit: down from the top at the right, up from the
            # bottom at the left.
            ly = y_at + 16 + 13 * count if right else y_at - 8 - 13 * count
            text = f"{fmt.show(z)} →" if right else f"← {fmt.show(z)}"
            if sat:  # and what float64 made of it, marked as the matrices mark it
                text = f"{text} {fmt.show(y)}*" if right else f"{fmt.show(y)}* {text}"
            lbl = CurveText(coord(x - 4) if right else coord(x + 4), coord(ly), text, "end" if right else "")
        marks.append(CurvePoint(z, y, coord(x), coord(y_at), edge, bool(sat), head, "arrow", "3", lbl, title))
    for edge, count in edge_count.items():
        if count > _EDGE_LABELS:
            right = edge == "right"
            y_at = plot_y(op, high if right else low)
            ly = y_at + 16 + 13 * _EDGE_LABELS if right else y_at - 8 - 13 * _EDGE_LABELS
            more = count - _EDGE_LABELS
            notes.append(CurveText(coord(x1 - 4) if right else coord(x0 + 4), coord(ly),
                                   f"… {more} more →" if right else f"← {more} more …", "end" if right else ""))
    n_sat = sum(bool(s) for s in sats)
    height = p["height"]
    if n_sat:
        limits = sorted({y for y, s in zip(ys, sats) if s})
        notes.append(CurveText(coord(x0 - 40), coord(height - 6),
                               f"* saturated: exactly {' or '.join(fmt.show(v) for v in limits)} in float64",
                               "is-sat"))
    else:
        height -= 18  # no key to show

    beyond = sum(edge_count.values())
    desc = (f"The curve {name}({arg_spoken}) for {arg_spoken} from −6 to 6, flat near {fmt.show(low)} and "
            f"{fmt.show(high)} in the tails, with this step's {len(zs)} entries on it: "
            + "; ".join(f"{name}({fmt.show(z)}) = {fmt.show(y)}" for z, y in zip(zs[:8], ys[:8]))
            + ("; …" if len(zs) > 8 else "") + ". "
            + (f"{beyond} of them lie beyond ±6 and are drawn at the edge. " if beyond else "")
            + (f"{n_sat} saturated: float64 stores them as exactly the limit." if n_sat else ""))
    return Curve(
        id=f"curve-{step.id}", op=op, width=coord(p["width"]), height=coord(height),
        frame=frame(op, arg.latex), marks=tuple(marks), notes=tuple(notes),
        title=f"{name} with this step's {len(zs)} entries of {arg_spoken}", desc=desc.strip(),
    )
