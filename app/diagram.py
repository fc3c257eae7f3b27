"""The pictures, as data: the cell diagram (Colah's layout) and the σ / tanh curves.

Pure functions of the example (`LSTMInput` and its `sequence.Unrolled`) or of one activation `Step`. They
return plain frozen dataclasses: SVG coordinates already written as text, label strings, and
for every part of the diagram the ids of the steps it belongs to (`data-steps`, which the
page's script lights up). The markup is in `templates/_diagram.html` and `templates/_curve.html`,
the look in `static/diagram.css` (classes only: the CSP allows no style attributes).

The diagram, left to right and top to bottom:

                                              h_t ↑
    C_{t-1} ──────⊗───────────⊕────────────┬──────┼──── C_t
                  │ f         │ i∘C̃       tanh    │
                  │     i ┌───⊗            │      │
                  │       │   │ C̃          │      │
                 [σ]     [σ] [tanh]  [σ]─o─⊗      │
                  │       │   │       │    └──────┴──── h_t
    h_{t-1} ──┬───┴───────┴───┴───────┘
              x_t

Labels carry this example's values (`f = [1, 1, 1]`). The columns are spaced so that each
label fits between the wires around it: the positions follow the label widths, which are
estimated from character counts (values are set in a monospace font, so the estimate is close).
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from . import fmt
from .cell import LSTMInput
from .trace import Step, sigmoid_gap, stable_sigmoid, tanh_gap

SHOWN_ENTRIES = 4  # a label shows a vector in full up to this size, else its first 3 and "… n"


def _n(x: float) -> str:
    """A coordinate as SVG text: at most 2 decimals, no trailing zeros, never "-0"."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def short_vector(values) -> str:
    """[1, 1, 1]; longer than 4 entries: [0.52, -0.1, 0.9, … 16] (the first 3, then the size)."""
    xs = [float(x) for x in np.ravel(values)]
    if len(xs) <= SHOWN_ENTRIES:
        return "[" + ", ".join(fmt.show(x) for x in xs) + "]"
    return "[" + ", ".join(fmt.show(x) for x in xs[:3]) + f", … {len(xs)}]"


def full_vector(values) -> str:
    return "[" + ", ".join(fmt.show(float(x)) for x in np.ravel(values)) + "]"


# ------------------------------------------------------------------------------ text

@dataclass(frozen=True)
class Part:
    """One run of a label (an SVG <tspan>): `cls` "nm" (a symbol, italic), "sub" (its subscript)
    or "val" (numbers, monospace); `dy` shifts the baseline (into and out of a subscript)."""

    text: str
    cls: str
    dy: str = ""


_SUB_DY = 3.5
# Estimated advance per character at the sizes in diagram.css (13px italic serif symbols,
# 0.75 of that for subscripts, 12px monospace numbers).
_ADVANCE = {"nm": 7.6, "sub": 5.6, "val": 7.3}


def _parts(*runs: tuple[str, str]) -> tuple[Part, ...]:
    """Runs (text, cls) as tspans, with the baseline shifts a subscript needs."""
    out, low = [], False
    for text, cls in runs:
        sub = cls == "sub"
        dy = _n(_SUB_DY) if sub and not low else _n(-_SUB_DY) if low and not sub else ""
        out.append(Part(text, cls, dy))
        low = sub
    return tuple(out)


def text_width(parts: tuple[Part, ...]) -> float:
    """Estimated width of a label in px (combining marks such as C̃'s tilde take no room)."""
    return sum(_ADVANCE[p.cls] * sum(1 for ch in p.text if not unicodedata.combining(ch)) for p in parts)


def plain(parts: tuple[Part, ...]) -> str:
    return "".join(p.text for p in parts)


# Symbols as runs. Subscripts are real subscripts; the gates are written without the t
# (f, i, C̃, o), as the worked steps' results are named.
_SYMBOLS = {
    "C_prev": (("C", "nm"), ("t−1", "sub")),
    "h_prev": (("h", "nm"), ("t−1", "sub")),
    "x": (("x", "nm"), ("t", "sub")),
    "v": (("v", "nm"),),
    "f": (("f", "nm"),),
    "i": (("i", "nm"),),
    "C_tilde": (("C\u0303", "nm"),),
    "o": (("o", "nm"),),
    "kept": (("f∘C", "nm"), ("t−1", "sub")),
    "written": (("i∘C\u0303", "nm"),),
    "C": (("C", "nm"), ("t", "sub")),
    "tanh_C": (("tanh(C", "nm"), ("t", "sub"), (")", "nm")),
    "h": (("h", "nm"), ("t", "sub")),
}
# The same, read aloud or hovered (Unicode subscripts, as the form's concat menu writes them).
_SPOKEN = {"C_prev": "Cₜ₋₁", "h_prev": "hₜ₋₁", "x": "xₜ", "v": "v", "f": "f", "i": "i",
           "C_tilde": "C̃", "o": "o", "kept": "f∘Cₜ₋₁", "written": "i∘C̃", "C": "Cₜ",
           "tanh_C": "tanh(Cₜ)", "h": "hₜ"}

# ------------------------------------------------------------------------ the diagram

ALL_MATMULS = "f.matmul i.matmul C_tilde.matmul o.matmul"


@dataclass(frozen=True)
class Label:
    x: str
    y: str
    parts: tuple[Part, ...]
    steps: str
    title: str
    cls: str = ""  # "end" (anchored at its right end), "out" (outside the cell's box)

    @property
    def text(self) -> str:
        return plain(self.parts)


@dataclass(frozen=True)
class Wire:
    d: str  # the path
    head: str  # the arrowhead's polygon points ("" for none)
    steps: str
    cls: str = ""  # "cs": the cell-state line


@dataclass(frozen=True)
class Box:
    """A layer (σ or tanh, reading v) or the pointwise tanh on C_t (cls "pill")."""

    x: str
    y: str
    w: str
    h: str
    tx: str  # the text's centre
    ty: str
    text: str
    steps: str
    title: str
    cls: str = "layer"
    rx: str = "4"  # corner radius
    name: str = ""  # the gate, in words, under a layer ("forget")
    nx: str = ""
    ny: str = ""


@dataclass(frozen=True)
class Node:
    """A pointwise ⊗ or ⊕: a circle and the strokes of its sign."""

    cx: str
    cy: str
    r: str
    sign: str  # path of the × or +
    steps: str
    title: str
    kind: str  # "times" or "plus"


@dataclass(frozen=True)
class Dot:
    cx: str
    cy: str
    steps: str


@dataclass(frozen=True)
class Diagram:
    width: str
    height: str
    cell: tuple[str, str, str, str]  # the cell's box: x, y, width, height
    wires: tuple[Wire, ...]
    boxes: tuple[Box, ...]
    nodes: tuple[Node, ...]
    dots: tuple[Dot, ...]
    labels: tuple[Label, ...]
    title: str
    desc: str

    def parts(self):
        """Every part that carries data-steps."""
        return (*self.wires, *self.boxes, *self.nodes, *self.dots, *self.labels)


_HEAD_LEN, _HEAD_HALF = 7.0, 3.6


def _head(tip: tuple[float, float], towards: tuple[float, float]) -> tuple[str, tuple[float, float]]:
    """An arrowhead with its tip at `tip`, pointing away from `towards`; and where the line
    should stop (at the head's base, so the stroke does not poke through the tip)."""
    (x, y), (px, py) = tip, towards
    length = math.hypot(x - px, y - py) or 1.0
    ux, uy = (x - px) / length, (y - py) / length
    bx, by = x - ux * _HEAD_LEN, y - uy * _HEAD_LEN
    pts = [(x, y), (bx - uy * _HEAD_HALF, by + ux * _HEAD_HALF), (bx + uy * _HEAD_HALF, by - ux * _HEAD_HALF)]
    return " ".join(f"{_n(a)},{_n(b)}" for a, b in pts), (x - ux * (_HEAD_LEN - 1), y - uy * (_HEAD_LEN - 1))


def _wire(polylines, steps: str, arrow: bool = True, cls: str = "") -> Wire:
    """Straight segments through the given points (several polylines for a wire with a gap);
    an arrowhead at the very end."""
    polylines = [list(p) for p in polylines]
    head = ""
    if arrow:
        last = polylines[-1]
        head, last[-1] = _head(last[-1], last[-2])
    d = " ".join("M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in line) for line in polylines)
    return Wire(d, head, steps, cls)


# Geometry (px in the SVG's own units; CSS scales the whole picture down on small screens).
_R = 12  # ⊗ and ⊕
_BW, _BH = 56, 34  # a layer's box
_PAD = 8  # between a wire and its label
_EDGE = 6  # the picture's outer margin
_Y = dict(
    h_label=17,  # h_t's value, above the cell, by the arrow that leaves upwards
    cell_top=28,
    cs=64,  # the cell-state line
    upper=114,  # labels of f and i∘C̃
    pill=142,  # tanh on C_t
    mid=168,  # the i ⊗ C̃ node
    tanh_label=194,  # tanh(C_t), left of its wire
    lower=214,  # labels of i and C̃
    box=234,  # top of the layers
    bus=324,  # v
)
_Y["boxc"] = _Y["box"] + _BH / 2
_Y["o_label"] = _Y["boxc"] - 6
_Y["v_label"] = _Y["bus"] + 18
_Y["cell_bottom"] = _Y["bus"] + 30
_Y["x_label"] = _Y["bus"] + 52
_HEIGHT = _Y["bus"] + 66


def _label(key: str, values, x: float, y: float, steps: str, cls: str = "") -> Label:
    parts = _parts(*_SYMBOLS[key], (" = " + short_vector(values), "val"))
    return Label(_n(x), _n(y), parts, steps, f"{_SPOKEN[key]} = {full_vector(values)}", cls)


def _name(key: str, x: float, y: float, steps: str, title: str, cls: str = "") -> Label:
    return Label(_n(x), _n(y), _parts(*_SYMBOLS[key]), steps, title, cls)


def cell_diagram(inp: LSTMInput, res) -> Diagram:
    """Colah's picture of the cell, with this example's values on its wires. `res` is one
    step of the standard LSTM (a `sequence.Unrolled` with one time step)."""
    by_id = {s.id: s for s in res.steps}
    last = res.last
    values = {
        "C_prev": inp.C_prev, "h_prev": inp.h_prev, "x": inp.x, "v": last["v"],
        "f": last["f"], "i": last["i"], "C_tilde": last["C_tilde"], "o": last["o"],
        "kept": by_id["C.forget"].result.value, "written": by_id["C.input"].result.value,
        "C": last["C"], "tanh_C": by_id["h.tanh"].result.value, "h": last["h"],
    }
    w = {key: text_width(_parts(*_SYMBOLS[key], (" = " + short_vector(v), "val"))) for key, v in values.items()}
    Y = _Y

    # Columns, left to right, each as far as the labels before it need.
    left = max(w["C_prev"], w["h_prev"])
    cell_l = _EDGE + left + 12
    x_join = cell_l + 34  # where x_t meets h_{t-1}
    xf = x_join + 72
    xi = xf + _BW + 44
    xc = max(xi + _BW + 44,
             xf + _PAD + w["f"] + _PAD,  # f's label, right of its wire
             xf + _R + 6 + w["kept"] + 10 + _R,  # f∘C_{t-1}, on the cell line between ⊗ and ⊕
             xi + _PAD + w["i"] + _PAD)  # i's label, right of its wire
    xo = xc + _BW + 28
    x_out = max(xo + _BW / 2 + 6 + w["o"] + 10 + _R,  # o's label, on its wire to ⊗
                xc + _PAD + max(w["C_tilde"], w["written"]) + _PAD,  # right of the C̃ and i∘C̃ wires
                xc + _PAD + w["tanh_C"] + _PAD,  # tanh(C_t), left of its wire
                xo + _BW / 2 + 70)
    x_h = x_out + 56  # h_t leaving upwards
    x_h = max(x_h, xc + _R + 6 + w["C"] + _PAD)  # C_t's label, on the cell line after ⊕
    cell_r = max(x_h + 26, x_join + _PAD + w["v"] + _PAD)  # v's label inside the cell's box
    right = max(text_width(_parts(*_SYMBOLS[k])) for k in ("C", "h"))  # C_t and h_t, leaving
    width = cell_r + 8 + right + _EDGE + 4

    cs, bus, boxc, top, bottom = Y["cs"], Y["bus"], Y["boxc"], Y["box"], Y["box"] + _BH
    matmuls = lambda gates: " ".join(f"{g}.matmul" for g in gates)  # noqa: E731
    wires = [
        # the cell state, along the top
        _wire([[(0, cs), (xf - _R, cs)]], "C.forget", cls=" cs"),
        _wire([[(xf + _R, cs), (xc - _R, cs)]], "C.forget C.update", cls=" cs"),
        _wire([[(xc + _R, cs), (x_out, cs)]], "C.update h.tanh", arrow=False, cls=" cs"),
        _wire([[(x_out, cs), (width - 1, cs)]], "C.update", cls=" cs"),
        # h_{t-1} and x_t, joined into v, and v into the four layers
        _wire([[(0, bus), (x_join, bus)]], "v.concat", arrow=False),
        _wire([[(x_join, _HEIGHT), (x_join, bus)]], "v.concat", arrow=False),
        _wire([[(x_join, bus), (xf, bus)]], f"v.concat {ALL_MATMULS}", arrow=False),
        _wire([[(xf, bus), (xi, bus)]], f"v.concat {matmuls(['i', 'C_tilde', 'o'])}", arrow=False),
        _wire([[(xi, bus), (xc, bus)]], f"v.concat {matmuls(['C_tilde', 'o'])}", arrow=False),
        _wire([[(xc, bus), (xo, bus), (xo, bottom)]], "v.concat o.matmul"),
        _wire([[(xf, bus), (xf, bottom)]], "v.concat f.matmul"),
        _wire([[(xi, bus), (xi, bottom)]], "v.concat i.matmul"),
        _wire([[(xc, bus), (xc, bottom)]], "v.concat C_tilde.matmul"),
        # the gates to their products
        _wire([[(xf, top), (xf, cs + _R)]], "f.sigmoid C.forget"),
        _wire([[(xi, top), (xi, Y["mid"]), (xc - _R, Y["mid"])]], "i.sigmoid C.input"),
        _wire([[(xc, top), (xc, Y["mid"] + _R)]], "C_tilde.tanh C.input"),
        _wire([[(xc, Y["mid"] - _R), (xc, cs + _R)]], "C.input C.update"),
        # C_t through tanh, times o, is h_t: out to the right and upwards
        _wire([[(x_out, cs), (x_out, Y["pill"] - 11)]], "h.tanh"),
        _wire([[(x_out, Y["pill"] + 11), (x_out, boxc - _R)]], "h.tanh h.update"),
        _wire([[(xo + _BW / 2, boxc), (x_out - _R, boxc)]], "o.sigmoid h.update"),
        _wire([[(x_out, boxc + _R), (x_out, bus), (width - 1, bus)]], "h.update"),
        # upwards, with a gap where it passes under the cell-state line
        _wire([[(x_h, bus), (x_h, cs + 6)], [(x_h, cs - 6), (x_h, 2)]], "h.update"),
    ]

    def layer(x, text, gate, fn, g, name, z):
        ids = f"{gate}.matmul {gate}.bias {gate}.{fn}"
        title = (f"{text} layer ({name}): {_SPOKEN[gate]} = {text}(W_{g}·v + b_{g}); "
                 f"z_{g} = W_{g}·v + b_{g} = {full_vector(z)}")
        return Box(_n(x - _BW / 2), _n(top), _n(_BW), _n(_BH), _n(x), _n(boxc), text, ids, title,
                   name=name.split()[0], nx=_n(x + 6), ny=_n(bottom + 16))

    boxes = [
        layer(xf, "σ", "f", "sigmoid", "f", "forget gate", last["z_f"]),
        layer(xi, "σ", "i", "sigmoid", "i", "input gate", last["z_i"]),
        layer(xc, "tanh", "C_tilde", "tanh", "C", "candidate", last["z_C"]),
        layer(xo, "σ", "o", "sigmoid", "o", "output gate", last["z_o"]),
        Box(_n(x_out - 23), _n(Y["pill"] - 11), "46", "22", _n(x_out), _n(Y["pill"]), "tanh", "h.tanh",
            f"tanh, entry by entry: tanh(Cₜ) = {full_vector(values['tanh_C'])}", "pill", "11"),
    ]

    def node(x, y, kind, steps, title):
        a = _R * (0.48 if kind == "times" else 0.62)
        strokes = (((-a, -a), (a, a)), ((-a, a), (a, -a))) if kind == "times" else (((-a, 0), (a, 0)), ((0, -a), (0, a)))
        sign = " ".join(f"M{_n(x + x0)} {_n(y + y0)} L{_n(x + x1)} {_n(y + y1)}" for (x0, y0), (x1, y1) in strokes)
        return Node(_n(x), _n(y), _n(_R), sign, steps, title, kind)

    nodes = [
        node(xf, cs, "times", "C.forget", f"forget: f∘Cₜ₋₁ = {full_vector(values['kept'])}"),
        node(xc, Y["mid"], "times", "C.input", f"write: i∘C̃ = {full_vector(values['written'])}"),
        node(xc, cs, "plus", "C.update", f"Cₜ = f∘Cₜ₋₁ + i∘C̃ = {full_vector(last['C'])}"),
        node(x_out, boxc, "times", "h.update", f"hₜ = o∘tanh(Cₜ) = {full_vector(last['h'])}"),
    ]
    dots = [Dot(_n(x_join), _n(bus), "v.concat"),
            *(Dot(_n(x), _n(bus), f"v.concat {ALL_MATMULS}") for x in (xf, xi, xc)),
            Dot(_n(x_out), _n(cs), "C.update h.tanh"), Dot(_n(x_h), _n(bus), "h.update")]

    labels = [
        _label("C_prev", values["C_prev"], _EDGE, cs - 8, "C.forget", "out"),
        _label("h_prev", values["h_prev"], _EDGE, bus - 8, "v.concat", "out"),
        _label("x", values["x"], x_join + _PAD, Y["x_label"], "v.concat", "out"),
        Label(_n(x_join + _PAD), _n(Y["v_label"]), _parts(("v", "nm"), (" = " + short_vector(last["v"]), "val")),
              f"v.concat {ALL_MATMULS}",
              f"v = {'[hₜ₋₁, xₜ]' if inp.concat == 'hx' else '[xₜ, hₜ₋₁]'} = {full_vector(last['v'])}"),
        _label("kept", values["kept"], xf + _R + 6, cs - 8, "C.forget C.update"),
        _label("f", values["f"], xf + _PAD, Y["upper"], "f.sigmoid C.forget"),
        _label("i", values["i"], xi + _PAD, Y["lower"], "i.sigmoid C.input"),
        _label("C_tilde", values["C_tilde"], xc + _PAD, Y["lower"], "C_tilde.tanh C.input"),
        _label("written", values["written"], xc + _PAD, Y["upper"], "C.input C.update"),
        _label("C", values["C"], xc + _R + 6, cs - 8, "C.update h.tanh"),
        _label("tanh_C", values["tanh_C"], x_out - _PAD, Y["tanh_label"], "h.tanh h.update", "end"),
        _label("o", values["o"], xo + _BW / 2 + 6, Y["o_label"], "o.sigmoid h.update"),
        _label("h", values["h"], x_h - _PAD, Y["h_label"], "h.update", "end out"),
        _name("C", cell_r + 8, cs - 8, "C.update", f"Cₜ = {full_vector(last['C'])}", "out"),
        _name("h", cell_r + 8, bus - 8, "h.update", f"hₜ = {full_vector(last['h'])}", "out"),
    ]

    s = {k: short_vector(v) for k, v in values.items()}
    order = "[hₜ₋₁, xₜ]" if inp.concat == "hx" else "[xₜ, hₜ₋₁]"
    desc = (f"One LSTM step drawn as in Colah's diagram, n = {inp.n}, m = {inp.m}. Along the top runs the "
            f"cell state: Cₜ₋₁ = {s['C_prev']} enters on the left and is multiplied entry by entry by the "
            f"forget gate f = {s['f']}, giving f∘Cₜ₋₁ = {s['kept']}; then i∘C̃ = {s['written']} is added, "
            f"giving Cₜ = {s['C']}, which leaves on the right. Below, hₜ₋₁ = {s['h_prev']} and "
            f"xₜ = {s['x']} enter at the bottom left and are joined into v = {order} = {s['v']}, which four "
            f"layers read: σ for the forget gate f, σ for the input gate i = {s['i']}, tanh for the "
            f"candidate C̃ = {s['C_tilde']} and σ for the output gate o = {s['o']}. tanh(Cₜ) = {s['tanh_C']} "
            f"times o is the new hidden state hₜ = {s['h']}, which leaves at the bottom right and upwards.")
    return Diagram(
        width=_n(width), height=_n(_HEIGHT),
        cell=(_n(cell_l), _n(Y["cell_top"]), _n(cell_r - cell_l), _n(Y["cell_bottom"] - Y["cell_top"])),
        wires=tuple(wires), boxes=tuple(boxes), nodes=tuple(nodes), dots=tuple(dots), labels=tuple(labels),
        title=f"The LSTM cell with this example's values: hₜ = {s['h']}, Cₜ = {s['C']}", desc=desc,
    )


# ------------------------------------------------------------------------ the curves

Z_RANGE = 6.0  # the curves are drawn over z in [-6, 6]
_SAMPLES = 121  # every 0.1
_EDGE_LABELS = 5  # per edge; more out-of-range points are summed up in one line
_PLOT = dict(x0=58.0, x1=336.0, top=22.0, bottom=152.0, width=366, height=196)

_FN = {
    # op: (written, the function, its limits, the gridlines)
    "sigmoid": ("σ", lambda z: stable_sigmoid(np.asarray(z, dtype=np.float64)), (0.0, 1.0), (0.0, 0.5, 1.0)),
    "tanh": ("tanh", lambda z: np.tanh(np.asarray(z, dtype=np.float64)), (-1.0, 1.0), (-1.0, 0.0, 1.0)),
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
    return " ".join(f"{_n(plot_x(z))},{_n(plot_y(op, y))}" for z, y in curve_samples(op))


@dataclass(frozen=True)
class CurveText:
    x: str
    y: str
    text: str
    cls: str = ""  # "end": anchored at its right end; "mid": centred


@dataclass(frozen=True)
class CurvePoint:
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


@dataclass(frozen=True)
class Curve:
    id: str  # prefix of the SVG's element ids
    op: str
    width: str
    height: str
    points: str  # the function's polyline
    grid: tuple[tuple[str, str, str, str], ...]  # lines: x1, y1, x2, y2
    axes: str  # path: the z axis and z = 0
    texts: tuple[CurveText, ...]  # tick labels, axis names
    marks: tuple[CurvePoint, ...]  # this step's entries, one per entry
    notes: tuple[CurveText, ...]  # "… 3 more →", the saturation key
    x_name: tuple[Part, ...]
    y_name: tuple[Part, ...]
    x_name_at: tuple[str, str]
    y_name_at: tuple[str, str]
    title: str
    desc: str


def _sym_runs(latex: str) -> tuple[tuple[str, str], ...]:
    """z_f → (z)(f as a subscript); C_t → (C)(t)."""
    base, _, sub = latex.partition("_")
    sub = sub.strip("{}")
    return ((base, "nm"), (sub, "sub")) if sub else ((base, "nm"),)


def _spoken(latex: str) -> str:
    return latex.replace("{", "").replace("}", "")


def _sat_text(op: str, z: float, value: float) -> str:
    """Why a saturated entry shows as exactly its limit."""
    gap = sigmoid_gap(z) if op == "sigmoid" else tanh_gap(z)
    if value == 0.0:
        return "the true value is below the smallest float64, so it is stored as exactly 0"
    sign = "1 − " if value > 0 else "−1 + "
    amount = fmt.show(gap) if gap > 0 else "less than 10⁻³⁰⁸"
    return f"the true value {sign}{amount} is stored as exactly {fmt.show(value)}"


def curve(step: Step) -> Curve | None:
    """An activation step's function over [-6, 6] with the step's entries on it; None for a
    step that is not an activation."""
    if step.op not in _FN:
        return None
    op = step.op
    name, _, (low, high), gridlines = _FN[op]
    p = _PLOT
    x0, x1, top, bottom = p["x0"], p["x1"], p["top"], p["bottom"]
    arg = step.operands[0]
    arg_spoken = _spoken(arg.latex)

    grid = tuple((_n(x0), _n(plot_y(op, g)), _n(x1), _n(plot_y(op, g))) for g in gridlines)
    texts = [CurveText(_n(x0 - 15), _n(plot_y(op, g) + 4), fmt.show(g).replace("-", "−"), "end")
             for g in gridlines]
    texts += [CurveText(_n(plot_x(t)), _n(bottom + 16), fmt.show(t).replace("-", "−"), "mid")
              for t in (-6, -3, 0, 3, 6)]
    zero = _n(plot_x(0))
    axes = f"M{_n(x0)} {_n(bottom)} L{_n(x1)} {_n(bottom)} M{zero} {_n(top - 6)} L{zero} {_n(bottom)}"

    zs, ys = arg.value.tolist(), step.result.value.tolist()
    sats = list(step.saturated) or [False] * len(zs)
    edge_count = {"left": 0, "right": 0}
    marks, notes = [], []
    for k, (z, y, sat) in enumerate(zip(zs, ys, sats)):
        title = f"entry {k + 1}: {arg_spoken} = {fmt.exact(z)}, {name}({arg_spoken}) = {fmt.exact(y)}"
        if sat:
            title += f"; saturated: {_sat_text(op, z, y)}"
        if abs(z) <= Z_RANGE:
            # the point on the curve, and a tick on the z axis below it (close points stay apart)
            x = plot_x(z)
            rug = f"M{_n(x)} {_n(bottom - 5)} L{_n(x)} {_n(bottom + 1)}"
            marks.append(CurvePoint(z, y, _n(x), _n(plot_y(op, y)), "", bool(sat), rug, "rug", "4", None, title))
            continue
        right = z > 0
        edge = "right" if right else "left"
        title += f" (beyond {'' if right else '−'}6: drawn at the {edge} edge)"
        x, out = (x1, 1) if right else (x0, -1)
        y_at = plot_y(op, y)
        # an arrowhead just outside the edge, pointing further out
        head = (f"M{_n(x + out * 3)} {_n(y_at - 5)} L{_n(x + out * 11)} {_n(y_at)} "
                f"L{_n(x + out * 3)} {_n(y_at + 5)} Z")
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
            lbl = CurveText(_n(x - 4) if right else _n(x + 4), _n(ly), text, "end" if right else "")
        marks.append(CurvePoint(z, y, _n(x), _n(y_at), edge, bool(sat), head, "arrow", "3", lbl, title))
    for edge, count in edge_count.items():
        if count > _EDGE_LABELS:
            right = edge == "right"
            y_at = plot_y(op, high if right else low)
            ly = y_at + 16 + 13 * _EDGE_LABELS if right else y_at - 8 - 13 * _EDGE_LABELS
            more = count - _EDGE_LABELS
            notes.append(CurveText(_n(x1 - 4) if right else _n(x0 + 4), _n(ly),
                                   f"… {more} more →" if right else f"← {more} more …", "end" if right else ""))
    n_sat = sum(bool(s) for s in sats)
    height = p["height"]
    if n_sat:
        limits = sorted({y for y, s in zip(ys, sats) if s})
        notes.append(CurveText(_n(x0 - 40), _n(height - 6),
                               f"* saturated: exactly {' or '.join(fmt.show(v) for v in limits)} in float64",
                               "is-sat"))
    else:
        height -= 18  # no key to show

    x_name = _parts(*_sym_runs(arg.latex))
    y_name = _parts((f"{name}(", "nm"), *_sym_runs(arg.latex), (")", "nm"))
    beyond = sum(edge_count.values())
    desc = (f"The curve {name}({arg_spoken}) for {arg_spoken} from −6 to 6, flat near {fmt.show(low)} and "
            f"{fmt.show(high)} in the tails, with this step's {len(zs)} entries on it: "
            + "; ".join(f"{name}({fmt.show(z)}) = {fmt.show(y)}" for z, y in zip(zs[:8], ys[:8]))
            + ("; …" if len(zs) > 8 else "") + ". "
            + (f"{beyond} of them lie beyond ±6 and are drawn at the edge. " if beyond else "")
            + (f"{n_sat} saturated: float64 stores them as exactly the limit." if n_sat else ""))
    return Curve(
        id=f"curve-{step.id}", op=op, width=_n(p["width"]), height=_n(height),
        points=curve_points(op), grid=grid, axes=axes, texts=tuple(texts), marks=tuple(marks),
        notes=tuple(notes), x_name=x_name, y_name=y_name,
        x_name_at=(_n(x1 + 14), _n(bottom + 4)), y_name_at=(_n(plot_x(0) + 6), _n(top - 8)),
        title=f"{name} with this step's {len(zs)} entries of {arg_spoken}", desc=desc.strip(),
    )
