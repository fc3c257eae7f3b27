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
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from . import fmt
from .fields import Inputs as LSTMInput
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
_SUP_DY = 5.0  # a superscript (W_h^h) is raised this much
# Estimated advance per character at the sizes in diagram.css (13px italic serif symbols,
# 0.75 of that for subscripts, 12px monospace numbers).
_ADVANCE = {"nm": 7.6, "sub": 5.6, "sup": 5.6, "val": 7.3}


def _parts(*runs: tuple[str, str]) -> tuple[Part, ...]:
    """Runs (text, cls) as tspans, with the baseline shifts a subscript needs."""
    out, at = [], 0.0
    for text, cls in runs:
        to = _SUB_DY if cls == "sub" else -_SUP_DY if cls == "sup" else 0.0
        out.append(Part(text, cls, _n(to - at) if to != at else ""))
        at = to
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
    # the peepholes
    "pf": (("p", "nm"), ("f", "sub"), ("∘C", "nm"), ("t−1", "sub")),
    "pi": (("p", "nm"), ("i", "sub"), ("∘C", "nm"), ("t−1", "sub")),
    "po": (("p", "nm"), ("o", "sub"), ("∘C", "nm"), ("t", "sub")),
    # the GRU
    "r": (("r", "nm"),),
    "z": (("z", "nm"),),
    "h_tilde": (("h\u0303", "nm"),),
    "Whh": (("W", "nm"), ("h", "sub"), ("h", "sup"), ("·h", "nm"), ("t−1", "sub")),
    "rWh": (("r∘(W", "nm"), ("h", "sub"), ("h", "sup"), ("·h", "nm"), ("t−1", "sub"), (")", "nm")),
    "rh": (("r∘h", "nm"), ("t−1", "sub")),
    "zh": (("z∘h", "nm"), ("t−1", "sub")),
    "omz": (("1 − z", "nm"),),
    "new": (("(1 − z)∘h\u0303", "nm"),),
}
# The same, read aloud or hovered (Unicode subscripts, as the form's concat menu writes them).
_SPOKEN = {"C_prev": "Cₜ₋₁", "h_prev": "hₜ₋₁", "x": "xₜ", "v": "v", "f": "f", "i": "i",
           "C_tilde": "C̃", "o": "o", "kept": "f∘Cₜ₋₁", "written": "i∘C̃", "C": "Cₜ",
           "tanh_C": "tanh(Cₜ)", "h": "hₜ", "pf": "p_f∘Cₜ₋₁", "pi": "p_i∘Cₜ₋₁", "po": "p_o∘Cₜ",
           "r": "r", "z": "z", "h_tilde": "h̃", "Whh": "W_h^h·hₜ₋₁", "rWh": "r∘(W_h^h·hₜ₋₁)",
           "rh": "r∘hₜ₋₁", "zh": "z∘hₜ₋₁", "omz": "1 − z", "new": "(1 − z)∘h̃"}

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
    caption: str = ""  # the figure's caption; "" for the standard LSTM's (in the template)

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


_VARIANT_NAMES = {"lstm": "LSTM", "no_forget": "original LSTM (no forget gate)", "peephole": "peephole LSTM",
                  "coupled": "coupled-gate LSTM", "gru": "GRU"}


@dataclass(frozen=True)
class _Example:
    """The values the picture shows: one time step's (the last one's, in a sequence)."""

    x: np.ndarray
    h_prev: np.ndarray
    C_prev: np.ndarray | None
    last: dict
    result: dict  # base step id (no "tT." prefix) -> the step's result value
    T: int


def _example(inp: LSTMInput, res) -> _Example:
    T = len(res.timesteps)
    if not inp.is_sequence:
        return _Example(inp["x"], inp["h_prev"], inp.get("C_prev"), res.last, {s.id: s.result.value for s in res.steps}, 1)
    prefix = f"t{T}."
    prev = res.timesteps[-2] if T > 1 else None
    return _Example(
        x=inp["x"].reshape(inp.T, inp.m)[-1],
        h_prev=prev["h"] if prev else inp["h_prev"],
        C_prev=(prev.get("C") if prev else inp.get("C_prev")),
        last=res.last,
        result={s.id[len(prefix):]: s.result.value for s in res.steps if s.id.startswith(prefix)},
        T=T,
    )


def cell_diagram(inp: LSTMInput, res) -> Diagram | None:
    """The cell of the example's variant (Colah's picture of the LSTM, its variants drawn the
    same way, the GRU in its own layout), with this example's values on its wires. `res` is a
    `sequence.Unrolled`. For a sequence the values are the last time step's and every part lists
    its step ids at *every* time step (t1.f.matmul t2.f.matmul …): stepping through any time
    step lights the same parts, since every step runs the same cell."""
    ex = _example(inp, res)
    if inp.variant == "gru":
        d = _gru_diagram(inp, ex)
    elif inp.variant in ("lstm", "no_forget", "peephole", "coupled"):
        d = _lstm_diagram(inp, ex, inp.variant)
    else:
        return None
    return _tagged(d, inp, res, ex)


def _tagged(d: Diagram, inp: LSTMInput, res, ex: _Example) -> Diagram:
    """Each part's base step ids as the trace names them: kept if the step exists (a single
    step), or as every time step's ids (a sequence)."""
    existing = {s.id for s in res.steps}
    if inp.is_sequence:
        def ids(steps: str) -> str:
            return " ".join(f"t{k}.{s}" for s in steps.split() for k in range(1, ex.T + 1)
                            if f"t{k}.{s}" in existing)
    else:
        def ids(steps: str) -> str:
            return " ".join(s for s in steps.split() if s in existing)

    def retag(parts):
        return tuple(replace(p, steps=ids(p.steps)) for p in parts)

    d = replace(d, wires=retag(d.wires), boxes=retag(d.boxes), nodes=retag(d.nodes), dots=retag(d.dots),
                labels=retag(d.labels))
    if not inp.is_sequence:
        return d
    T = ex.T
    note = Label(_n(float(d.cell[0]) + 10), _n(float(d.cell[1]) + 18),
                 _parts(("t", "nm"), (f" = {T} of {T}", "val")), "",
                 f"The values are those of the last time step, t = {T}", "note")
    return replace(
        d, labels=(*d.labels, note),
        title=f"{d.title}, at the last time step t = {T} of {T}",
        desc=(f"{d.desc} This is a sequence of {T} time steps; every step runs this same cell. The "
              f"values shown are those of the last time step, t = {T} (xₜ = x_{T}, hₜ₋₁ = h_{T - 1}); "
              f"stepping through any time step lights the parts that step belongs to."),
        caption=(f"The {_VARIANT_NAMES[inp.variant]} cell of every time step, with the values of the last one, "
                 f"t = {T} of {T}. Each of the {T} time steps runs this same cell: when you step through "
                 f"the timeline, the current step's parts light up whatever its t; hover a wire for all "
                 f"of its entries at t = {T}."),
    )


def _node(x, y, kind, steps, title) -> Node:
    a = _R * (0.48 if kind == "times" else 0.62)
    strokes = (((-a, -a), (a, a)), ((-a, a), (a, -a))) if kind == "times" else (((-a, 0), (a, 0)), ((0, -a), (0, a)))
    sign = " ".join(f"M{_n(x + x0)} {_n(y + y0)} L{_n(x + x1)} {_n(y + y1)}" for (x0, y0), (x1, y1) in strokes)
    return Node(_n(x), _n(y), _n(_R), sign, steps, title, kind)


def _pill(x: float, y: float, text: str, steps: str, title: str) -> Box:
    return Box(_n(x - 23), _n(y - 11), "46", "22", _n(x), _n(y), text, steps, title, "pill", "11")


def _width(key: str, values) -> float:
    return text_width(_parts(*_SYMBOLS[key], (" = " + short_vector(values), "val")))


def _lstm_diagram(inp: LSTMInput, ex: _Example, variant: str) -> Diagram:
    """Colah's picture of the LSTM cell; `variant` takes the forget layer out ("no_forget"),
    adds the peepholes ("peephole") or replaces the input layer by 1 − f ("coupled")."""
    forget, peep, coupled = variant != "no_forget", variant == "peephole", variant == "coupled"
    by_id, last = ex.result, ex.last
    values = {
        "C_prev": ex.C_prev, "h_prev": ex.h_prev, "x": ex.x, "v": last["v"],
        "i": last["i"], "C_tilde": last["C_tilde"], "o": last["o"],
        "written": by_id["C.input"], "C": last["C"], "tanh_C": by_id["h.tanh"], "h": last["h"],
    }
    if forget:
        values.update(f=last["f"], kept=by_id["C.forget"])
    if peep:
        values.update(pf=by_id["f.peephole"], pi=by_id["i.peephole"], po=by_id["o.peephole"])
    if forget:  # (the LSTM's order of keys, so its picture stays as it was)
        values = {k: values[k] for k in ("C_prev", "h_prev", "x", "v", "f", "i", "C_tilde", "o", "kept",
                                         "written", "C", "tanh_C", "h", "pf", "pi", "po") if k in values}
    w = {key: _width(key, v) for key, v in values.items()}
    Y = _Y
    gates = [g for g, on in (("f", forget), ("i", not coupled), ("C_tilde", True), ("o", True)) if on]
    all_matmuls = " ".join(f"{g}.matmul" for g in gates)

    # Columns, left to right, each as far as the labels before it need.
    left = max(w["C_prev"], w["h_prev"])
    cell_l = _EDGE + left + 12
    x_join = cell_l + 34  # where x_t meets h_{t-1}
    if forget:
        xf = x_join + 72
        if peep:  # p_f∘C_{t-1}'s label, left of the peephole into f
            xf = max(xf, cell_l + 6 + w["pf"] + _PAD + 46)
        xi = xf + _BW + 44
        if peep:  # p_i∘C_{t-1}'s label, on its rail between f's wire and the i layer
            xi = max(xi, xf + 6 + w["pi"] + _PAD + 16)
        xc = max(xi + _BW + 44,
                 xf + _PAD + w["f"] + _PAD,  # f's label, right of its wire
                 xf + _R + 6 + w["kept"] + 10 + _R,  # f∘C_{t-1}, on the cell line between ⊗ and ⊕
                 xi + _PAD + w["i"] + _PAD)  # i's label, right of its wire
    else:
        xi = x_join + 72
        xc = max(xi + _BW + 44, xi + _PAD + w["i"] + _PAD)
    xo = xc + _BW + 28
    if peep:  # the labels right of the C̃ and i∘C̃ wires end before o's peephole
        xo = max(xo, xc + _PAD + max(w["C_tilde"], w["written"]) + _PAD + 16)
    x_out = max(xo + _BW / 2 + 6 + w["o"] + 10 + _R,  # o's label, on its wire to ⊗
                xc + _PAD + max(w["C_tilde"], w["written"]) + _PAD,  # right of the C̃ and i∘C̃ wires
                xc + _PAD + w["tanh_C"] + _PAD,  # tanh(C_t), left of its wire
                xo + _BW / 2 + 70)
    if peep:  # p_o∘C_t's label and tanh(C_t)'s, between o's peephole and the tanh wire
        x_out = max(x_out, xo - 16 + _PAD + max(w["po"], w["tanh_C"]) + _PAD)
    x_h = x_out + 56  # h_t leaving upwards
    x_h = max(x_h, xc + _R + 6 + w["C"] + _PAD)  # C_t's label, on the cell line after ⊕
    cell_r = max(x_h + 26, x_join + _PAD + w["v"] + _PAD)  # v's label inside the cell's box
    right = max(text_width(_parts(*_SYMBOLS[k])) for k in ("C", "h"))  # C_t and h_t, leaving
    width = cell_r + 8 + right + _EDGE + 4

    cs, bus, boxc, top, bottom = Y["cs"], Y["bus"], Y["boxc"], Y["box"], Y["box"] + _BH
    matmuls = lambda gs: " ".join(f"{g}.matmul" for g in gs if g in gates)  # noqa: E731
    rail = Y["mid"] + 28  # the peephole from C_{t-1} to the i layer
    # the peepholes: into f's layer from its left side, into i's and o's from above
    x_pf, x_pi, x_po = xf - 46 if forget else 0, xi - 16, xo - 16
    wires = []
    # the cell state, along the top
    first = "C.forget" if forget else "C.update"
    if peep:
        wires += [_wire([[(0, cs), (x_pf, cs)]], "C.forget f.peephole i.peephole", arrow=False, cls=" cs"),
                  _wire([[(x_pf, cs), (xf - _R, cs)]], "C.forget", cls=" cs")]
    else:
        wires.append(_wire([[(0, cs), ((xf if forget else xc) - _R, cs)]], first, cls=" cs"))
    if forget:
        wires.append(_wire([[(xf + _R, cs), (xc - _R, cs)]], "C.forget C.update", cls=" cs"))
    if peep:
        wires += [_wire([[(xc + _R, cs), (x_po, cs)]], "C.update h.tanh o.peephole", arrow=False, cls=" cs"),
                  _wire([[(x_po, cs), (x_out, cs)]], "C.update h.tanh", arrow=False, cls=" cs")]
    else:
        wires.append(_wire([[(xc + _R, cs), (x_out, cs)]], "C.update h.tanh", arrow=False, cls=" cs"))
    wires += [
        _wire([[(x_out, cs), (width - 1, cs)]], "C.update", cls=" cs"),
        # h_{t-1} and x_t, joined into v, and v into the layers
        _wire([[(0, bus), (x_join, bus)]], "v.concat", arrow=False),
        _wire([[(x_join, _HEIGHT), (x_join, bus)]], "v.concat", arrow=False),
    ]
    if forget and not coupled:
        wires += [
            _wire([[(x_join, bus), (xf, bus)]], f"v.concat {all_matmuls}", arrow=False),
            _wire([[(xf, bus), (xi, bus)]], f"v.concat {matmuls(['i', 'C_tilde', 'o'])}", arrow=False),
            _wire([[(xi, bus), (xc, bus)]], f"v.concat {matmuls(['C_tilde', 'o'])}", arrow=False),
        ]
    elif coupled:
        wires += [
            _wire([[(x_join, bus), (xf, bus)]], f"v.concat {all_matmuls}", arrow=False),
            _wire([[(xf, bus), (xc, bus)]], f"v.concat {matmuls(['C_tilde', 'o'])}", arrow=False),
        ]
    else:
        wires += [
            _wire([[(x_join, bus), (xi, bus)]], f"v.concat {all_matmuls}", arrow=False),
            _wire([[(xi, bus), (xc, bus)]], f"v.concat {matmuls(['C_tilde', 'o'])}", arrow=False),
        ]
    wires.append(_wire([[(xc, bus), (xo, bus), (xo, bottom)]], "v.concat o.matmul"))
    if forget:
        wires.append(_wire([[(xf, bus), (xf, bottom)]], "v.concat f.matmul"))
    if not coupled:
        wires.append(_wire([[(xi, bus), (xi, bottom)]], "v.concat i.matmul"))
    wires.append(_wire([[(xc, bus), (xc, bottom)]], "v.concat C_tilde.matmul"))
    # the gates to their products
    y_branch = Y["lower"]  # coupled: where 1 − f leaves f's wire
    y_one = y_branch  # the 1 − node
    if coupled:
        wires += [_wire([[(xf, top), (xf, y_branch)]], "f.sigmoid C.forget i.coupled", arrow=False),
                  _wire([[(xf, y_branch), (xf, cs + _R)]], "f.sigmoid C.forget"),
                  _wire([[(xf, y_branch), (xi - 23, y_one)]], "f.sigmoid i.coupled"),
                  _wire([[(xi, y_one - 11), (xi, Y["mid"]), (xc - _R, Y["mid"])]], "i.coupled C.input")]
    else:
        if forget:
            wires.append(_wire([[(xf, top), (xf, cs + _R)]], "f.sigmoid C.forget"))
        wires.append(_wire([[(xi, top), (xi, Y["mid"]), (xc - _R, Y["mid"])]], "i.sigmoid C.input"))
    wires += [
        _wire([[(xc, top), (xc, Y["mid"] + _R)]], "C_tilde.tanh C.input"),
        _wire([[(xc, Y["mid"] - _R), (xc, cs + _R)]], "C.input C.update"),
    ]
    if peep:
        # C_{t-1} into the f and i layers, C_t into the o layer; the rail to i passes under f's wire
        wires += [
            _wire([[(x_pf, cs), (x_pf, rail)]], "f.peephole i.peephole", arrow=False),
            _wire([[(x_pf, rail), (x_pf, boxc), (xf - _BW / 2, boxc)]], "f.peephole"),
            _wire([[(x_pf, rail), (xf - 6, rail)], [(xf + 6, rail), (x_pi, rail), (x_pi, top)]], "i.peephole"),
            _wire([[(x_po, cs), (x_po, top)]], "o.peephole"),
        ]
    wires += [
        # C_t through tanh, times o, is h_t: out to the right and upwards
        _wire([[(x_out, cs), (x_out, Y["pill"] - 11)]], "h.tanh"),
        _wire([[(x_out, Y["pill"] + 11), (x_out, boxc - _R)]], "h.tanh h.update"),
        _wire([[(xo + _BW / 2, boxc), (x_out - _R, boxc)]], "o.sigmoid h.update"),
        _wire([[(x_out, boxc + _R), (x_out, bus), (width - 1, bus)]], "h.update"),
        # upwards, with a gap where it passes under the cell-state line
        _wire([[(x_h, bus), (x_h, cs + 6)], [(x_h, cs - 6), (x_h, 2)]], "h.update"),
    ]

    def layer(x, text, gate, fn, g, name, z):
        pc = {"f": "Cₜ₋₁", "i": "Cₜ₋₁", "o": "Cₜ"}.get(g) if peep else None
        ids = f"{gate}.matmul {gate}.peephole {gate}.peepsum {gate}.bias {gate}.{fn}" if pc else \
            f"{gate}.matmul {gate}.bias {gate}.{fn}"
        pre = f"W_{g}·v + p_{g}∘{pc} + b_{g}" if pc else f"W_{g}·v + b_{g}"
        title = (f"{text} layer ({name}): {_SPOKEN[gate]} = {text}({pre}); "
                 f"z_{g} = {pre} = {full_vector(z)}")
        return Box(_n(x - _BW / 2), _n(top), _n(_BW), _n(_BH), _n(x), _n(boxc), text, ids, title,
                   name=name.split()[0], nx=_n(x + 6), ny=_n(bottom + 16))

    boxes = []
    if forget:
        boxes.append(layer(xf, "σ", "f", "sigmoid", "f", "forget gate", last["z_f"]))
    if coupled:
        boxes.append(_pill(xi, y_one, "1 −", "i.coupled",
                           f"coupled input gate, no layer of its own: i = 1 − f = {full_vector(last['i'])}"))
    else:
        boxes.append(layer(xi, "σ", "i", "sigmoid", "i", "input gate", last["z_i"]))
    boxes += [
        layer(xc, "tanh", "C_tilde", "tanh", "C", "candidate", last["z_C"]),
        layer(xo, "σ", "o", "sigmoid", "o", "output gate", last["z_o"]),
        Box(_n(x_out - 23), _n(Y["pill"] - 11), "46", "22", _n(x_out), _n(Y["pill"]), "tanh", "h.tanh",
            f"tanh, entry by entry: tanh(Cₜ) = {full_vector(values['tanh_C'])}", "pill", "11"),
    ]

    nodes = []
    if forget:
        nodes.append(_node(xf, cs, "times", "C.forget", f"forget: f∘Cₜ₋₁ = {full_vector(values['kept'])}"))
    nodes += [
        _node(xc, Y["mid"], "times", "C.input", f"write: i∘C̃ = {full_vector(values['written'])}"),
        _node(xc, cs, "plus", "C.update",
              f"Cₜ = {'f∘' if forget else ''}Cₜ₋₁ + i∘C̃ = {full_vector(last['C'])}"),
        _node(x_out, boxc, "times", "h.update", f"hₜ = o∘tanh(Cₜ) = {full_vector(last['h'])}"),
    ]
    dots = [Dot(_n(x_join), _n(bus), "v.concat"),
            *(Dot(_n(x), _n(bus), f"v.concat {all_matmuls}")
              for x in ((xf, xi, xc) if forget and not coupled else (xf, xc) if coupled else (xi, xc))),
            Dot(_n(x_out), _n(cs), "C.update h.tanh"), Dot(_n(x_h), _n(bus), "h.update")]
    if coupled:
        dots.append(Dot(_n(xf), _n(y_branch), "f.sigmoid C.forget i.coupled"))
    if peep:
        dots += [Dot(_n(x_pf), _n(cs), "C.forget f.peephole i.peephole"),
                 Dot(_n(x_pf), _n(rail), "f.peephole i.peephole"),
                 Dot(_n(x_po), _n(cs), "C.update h.tanh o.peephole")]

    labels = [
        _label("C_prev", values["C_prev"], _EDGE, cs - 8,
               "C.forget f.peephole i.peephole" if forget else "C.update", "out"),
        _label("h_prev", values["h_prev"], _EDGE, bus - 8, "v.concat", "out"),
        _label("x", values["x"], x_join + _PAD, Y["x_label"], "v.concat", "out"),
        Label(_n(x_join + _PAD), _n(Y["v_label"]), _parts(("v", "nm"), (" = " + short_vector(last["v"]), "val")),
              f"v.concat {all_matmuls}",
              f"v = {'[hₜ₋₁, xₜ]' if inp.concat == 'hx' else '[xₜ, hₜ₋₁]'} = {full_vector(last['v'])}"),
    ]
    if forget:
        labels += [_label("kept", values["kept"], xf + _R + 6, cs - 8, "C.forget C.update"),
                   _label("f", values["f"], xf + _PAD, Y["upper"],
                          "f.sigmoid C.forget i.coupled" if coupled else "f.sigmoid C.forget")]
    labels += [
        _label("i", values["i"], xi + _PAD, y_one - 20 if coupled else Y["lower"],
               "i.coupled C.input" if coupled else "i.sigmoid C.input"),
        _label("C_tilde", values["C_tilde"], xc + _PAD, Y["lower"], "C_tilde.tanh C.input"),
        _label("written", values["written"], xc + _PAD, Y["upper"], "C.input C.update"),
        _label("C", values["C"], xc + _R + 6, cs - 8, "C.update h.tanh o.peephole"),
        _label("tanh_C", values["tanh_C"], x_out - _PAD, Y["tanh_label"], "h.tanh h.update", "end"),
        _label("o", values["o"], xo + _BW / 2 + 6, Y["o_label"], "o.sigmoid h.update"),
        _label("h", values["h"], x_h - _PAD, Y["h_label"], "h.update", "end out"),
        _name("C", cell_r + 8, cs - 8, "C.update", f"Cₜ = {full_vector(last['C'])}", "out"),
        _name("h", cell_r + 8, bus - 8, "h.update", f"hₜ = {full_vector(last['h'])}", "out"),
    ]
    if peep:
        labels += [_label("pf", values["pf"], x_pf - _PAD, Y["upper"], "f.peephole f.peepsum", "end"),
                   _label("pi", values["pi"], xf + 6 + 4, rail - 7, "i.peephole i.peepsum"),
                   _label("po", values["po"], x_po + _PAD, Y["upper"] + 4, "o.peephole o.peepsum")]

    s = {k: short_vector(v) for k, v in values.items()}
    order = "[hₜ₋₁, xₜ]" if inp.concat == "hx" else "[xₜ, hₜ₋₁]"
    if variant == "lstm":
        desc = (f"One LSTM step drawn as in Colah's diagram, n = {inp.n}, m = {inp.m}. Along the top runs the "
                f"cell state: Cₜ₋₁ = {s['C_prev']} enters on the left and is multiplied entry by entry by the "
                f"forget gate f = {s['f']}, giving f∘Cₜ₋₁ = {s['kept']}; then i∘C̃ = {s['written']} is added, "
                f"giving Cₜ = {s['C']}, which leaves on the right. Below, hₜ₋₁ = {s['h_prev']} and "
                f"xₜ = {s['x']} enter at the bottom left and are joined into v = {order} = {s['v']}, which four "
                f"layers read: σ for the forget gate f, σ for the input gate i = {s['i']}, tanh for the "
                f"candidate C̃ = {s['C_tilde']} and σ for the output gate o = {s['o']}. tanh(Cₜ) = {s['tanh_C']} "
                f"times o is the new hidden state hₜ = {s['h']}, which leaves at the bottom right and upwards.")
        title = f"The LSTM cell with this example's values: hₜ = {s['h']}, Cₜ = {s['C']}"
    else:
        name = _VARIANT_NAMES[variant]
        if variant == "no_forget":
            top_text = (f"Cₜ₋₁ = {s['C_prev']} enters on the left and, with no forget gate, goes straight into "
                        f"the ⊕, where i∘C̃ = {s['written']} is added")
            layers = (f"three layers read: σ for the input gate i = {s['i']}, tanh for the candidate "
                      f"C̃ = {s['C_tilde']} and σ for the output gate o = {s['o']}")
        else:
            top_text = (f"Cₜ₋₁ = {s['C_prev']} enters on the left and is multiplied entry by entry by the "
                        f"forget gate f = {s['f']}, giving f∘Cₜ₋₁ = {s['kept']}; then i∘C̃ = {s['written']} "
                        f"is added")
            if coupled:
                layers = (f"three layers read: σ for the forget gate f, tanh for the candidate C̃ = "
                          f"{s['C_tilde']} and σ for the output gate o = {s['o']}; the input gate has no layer "
                          f"of its own: a 1 − node on f's wire gives i = 1 − f = {s['i']}")
            else:
                layers = (f"four layers read: σ for the forget gate f, σ for the input gate i = {s['i']}, tanh "
                          f"for the candidate C̃ = {s['C_tilde']} and σ for the output gate o = {s['o']}")
        peep_text = ""
        if peep:
            peep_text = (f" Peephole wires let the gates see the cell state: Cₜ₋₁ drops from the cell line into "
                         f"the f and i layers (p_f∘Cₜ₋₁ = {s['pf']}, p_i∘Cₜ₋₁ = {s['pi']}), and the new Cₜ "
                         f"into the o layer (p_o∘Cₜ = {s['po']}), which therefore comes after the cell update.")
        desc = (f"One step of the {name}, drawn as in Colah's diagram, n = {inp.n}, m = {inp.m}. Along the top "
                f"runs the cell state: {top_text}, giving Cₜ = {s['C']}, which leaves on the right. Below, "
                f"hₜ₋₁ = {s['h_prev']} and xₜ = {s['x']} enter at the bottom left and are joined into "
                f"v = {order} = {s['v']}, which {layers}.{peep_text} tanh(Cₜ) = {s['tanh_C']} times o is the "
                f"new hidden state hₜ = {s['h']}, which leaves at the bottom right and upwards.")
        title = f"The {name} cell with this example's values: hₜ = {s['h']}, Cₜ = {s['C']}"
    caption = {
        "lstm": "",
        "no_forget": "One step of the original LSTM (1997), drawn as in Colah's “Understanding LSTM Networks”: "
                     "there is no forget layer, so the old cell state runs straight into the ⊕ and is kept "
                     "whole (∂Cₜ/∂Cₜ₋₁ = 1, the constant error carousel); three layers (σ, tanh, σ) read v.",
        "peephole": "One step of the peephole LSTM (Gers & Schmidhuber), drawn as in Colah's post: the "
                    "extra wires from the cell line are the peepholes, Cₜ₋₁ into the f and i layers and the "
                    "new Cₜ into the o layer, each weighted entry by entry (p∘C).",
        "coupled": "One step of the LSTM with coupled gates, drawn as in Colah's post: there is no input "
                   "layer; the 1 − node on the forget gate's wire gives i = 1 − f, so the cell writes "
                   "exactly where it forgets.",
    }[variant]
    if caption:
        caption += (" The wires carry this example's values (hover one for all of its entries); when you "
                    "step through, the current step's parts light up.")
    return Diagram(
        width=_n(width), height=_n(_HEIGHT),
        cell=(_n(cell_l), _n(Y["cell_top"]), _n(cell_r - cell_l), _n(Y["cell_bottom"] - Y["cell_top"])),
        wires=tuple(wires), boxes=tuple(boxes), nodes=tuple(nodes), dots=tuple(dots), labels=tuple(labels),
        title=title, desc=desc, caption=caption,
    )


# The GRU's rows: h along the top, the 1 − z row, the reset product, the layers, v, x_t's own line.
_GY = dict(top=64, one=118, wh=112, mid=168, box=234, bus=300, xline=326)
_GY["boxc"] = _GY["box"] + _BH / 2
_GY["bottom"] = _GY["box"] + _BH
_GY["cell_bottom"] = _GY["xline"] + 14
_GY["x_label"] = _GY["xline"] + 36
_GHEIGHT = _GY["xline"] + 50


def _gru_diagram(inp: LSTMInput, ex: _Example) -> Diagram:
    """The GRU (Cho et al. 2014), laid out like Colah's GRU figure, with no cell-state line:

        h_{t-1} ──┬─────┬──────────⊗──────────────⊕──── h_t
                  │  [W_h^h]   z   ├──(1 −)──────⊗ │
                  │     ⊗─────────┼────┐         │
                  │  r  │         │    │   h̃     │
                  │    [σ]       [σ] [tanh]───────┘
                  └─ v ──┴─────────┘     │
            x_t ───────────────────────────┘

    r is applied as `gru_reset` says: "after" multiplies r by W_h^h·h_{t-1} (the small linear
    box), "before" multiplies h_{t-1} by r before the tanh layer reads [r∘h_{t-1}, x_t]."""
    after = inp.option("gru_reset") == "after"
    by_id, last = ex.result, ex.last
    rh = by_id["h_tilde.reset"]
    values = {"h_prev": ex.h_prev, "x": ex.x, "v": last["v"], "r": last["r"], "z": last["z"],
              "h_tilde": last["h_tilde"], "zh": by_id["h.old"], "omz": by_id["h.oneminus"],
              "new": by_id["h.new"], "h": last["h"], "rWh" if after else "rh": rh}
    if after:
        values["Whh"] = by_id["h_tilde.matmulh"]
    w = {key: _width(key, v) for key, v in values.items()}
    w_rh = w["rWh" if after else "rh"]
    Y = _GY
    cs, bus, top, bottom, boxc = Y["top"], Y["bus"], Y["box"], Y["bottom"], Y["boxc"]
    cand = "h_tilde.matmulh" if after else "h_tilde.reset"  # the first step that reads h_{t-1} for h̃
    xread = "h_tilde.matmulx" if after else "h_tilde.concat"  # the step that reads x_t for h̃

    left = w["h_prev"]
    cell_l = _EDGE + left + 12
    x_a = cell_l + 22  # h_{t-1} down to v
    x_join = x_a + 30  # x_t up into v
    xr = max(x_join + 80, x_join + _PAD + w["v"] + _PAD + _BW / 2)
    xz = max(xr + _BW + 44, xr + _PAD + w["r"] + _PAD, xr + _R + 6 + 10)
    if after:
        xz = max(xz, xr + _PAD + w["Whh"] + _PAD)
    xh = max(xz + _BW + 44,
             xz + _PAD + w["z"] + _PAD + 16,  # z's label, left of the reset wire into the tanh layer
             xz + 8 + w_rh + _PAD + 16)  # r∘…'s label, after it passes over z's wire
    x_plus = max(xh + _BW / 2 + 60,
                 xh + 23 + 6 + w["omz"] + 6 + _R,  # 1 − z's label, between the 1 − node and ⊗
                 xz + _R + 6 + w["zh"] + 6 + _R,  # z∘h_{t-1}'s label, on the top line
                 xh + _BW / 2 + 6 + w["h_tilde"] + _PAD)  # h̃'s label, on its wire to ⊗
    x_end = max(x_plus + _R + 6 + w["h"] + _PAD, x_plus + _PAD + w["new"] + _PAD)
    cell_r = x_end + 10
    right = text_width(_parts(*_SYMBOLS["h"]))
    width = cell_r + 8 + right + _EDGE + 4
    x_r_in = xh - 16  # where r∘… enters the tanh layer
    y_new = (cs + Y["one"]) / 2 + 4  # (1 − z)∘h̃'s label

    reads_h = f"v.concat {cand} h.old"
    wires = [
        # h_{t-1}, along the top: into v, into the candidate, kept by z, then h_t
        _wire([[(0, cs), (x_a, cs)]], reads_h, arrow=False),
        _wire([[(x_a, cs), (xr, cs)]], f"{cand} h.old", arrow=False),
        _wire([[(xr, cs), (xz - _R, cs)]], "h.old"),
        _wire([[(xz + _R, cs), (x_plus - _R, cs)]], "h.old h.update"),
        _wire([[(x_plus + _R, cs), (width - 1, cs)]], "h.update"),
        # v = [h_{t-1}, x_t] into the r and z layers
        _wire([[(x_a, cs), (x_a, bus), (x_join, bus)]], "v.concat", arrow=False),
        _wire([[(x_join, _GHEIGHT), (x_join, Y["xline"])]], f"v.concat {xread}", arrow=False),
        _wire([[(x_join, Y["xline"]), (x_join, bus)]], "v.concat", arrow=False),
        _wire([[(x_join, bus), (xr, bus)]], "v.concat r.matmul z.matmul", arrow=False),
        _wire([[(xr, bus), (xz, bus), (xz, bottom)]], "v.concat z.matmul"),
        _wire([[(xr, bus), (xr, bottom)]], "v.concat r.matmul"),
        # x_t along its own line into the tanh layer
        _wire([[(x_join, Y["xline"]), (xh, Y["xline"]), (xh, bottom)]], xread),
        # r, applied to h_{t-1}'s part of the candidate
        _wire([[(xr, top), (xr, Y["mid"] + _R)]], "r.sigmoid h_tilde.reset"),
        # the reset product into the tanh layer, passing over z's wire
        _wire([[(xr + _R, Y["mid"]), (xz - 6, Y["mid"])],
               [(xz + 6, Y["mid"]), (x_r_in, Y["mid"]), (x_r_in, top)]],
              "h_tilde.reset h_tilde.sum" if after else "h_tilde.reset h_tilde.concat"),
        # z: keeps z∘h_{t-1}; 1 − z takes from the candidate
        _wire([[(xz, top), (xz, Y["one"])]], "z.sigmoid h.old h.oneminus", arrow=False),
        _wire([[(xz, Y["one"]), (xz, cs + _R)]], "z.sigmoid h.old"),
        _wire([[(xz, Y["one"]), (xh - 23, Y["one"])]], "z.sigmoid h.oneminus"),
        _wire([[(xh + 23, Y["one"]), (x_plus - _R, Y["one"])]], "h.oneminus h.new"),
        # h̃ to its product, and the product up into ⊕
        _wire([[(xh + _BW / 2, boxc), (x_plus, boxc), (x_plus, Y["one"] + _R)]], "h_tilde.tanh h.new"),
        _wire([[(x_plus, Y["one"] - _R), (x_plus, cs + _R)]], "h.new h.update"),
    ]
    if after:
        wires += [_wire([[(xr, cs), (xr, Y["wh"] - 12)]], "h_tilde.matmulh"),
                  _wire([[(xr, Y["wh"] + 12), (xr, Y["mid"] - _R)]], "h_tilde.matmulh h_tilde.reset")]
    else:
        wires.append(_wire([[(xr, cs), (xr, Y["mid"] - _R)]], "h_tilde.reset"))

    def layer(x, text, ids, name, title):
        return Box(_n(x - _BW / 2), _n(top), _n(_BW), _n(_BH), _n(x), _n(boxc), text, ids, title,
                   name=name, nx=_n(x + 6), ny=_n(bottom + 16))

    if after:
        cand_ids = "h_tilde.xcols h_tilde.matmulx h_tilde.bias h_tilde.sum h_tilde.tanh"
        cand_pre = "Wₕˣ·xₜ + b_h + r∘(Wₕʰ·hₜ₋₁)"
    else:
        cand_ids = "h_tilde.concat h_tilde.matmul h_tilde.bias h_tilde.tanh"
        cand_pre = ("W_h·[r∘hₜ₋₁, xₜ] + b_h" if inp.concat == "hx" else "W_h·[xₜ, r∘hₜ₋₁] + b_h")
    boxes = [
        layer(xr, "σ", "r.matmul r.bias r.sigmoid", "reset",
              f"σ layer (reset gate): r = σ(W_r·v + b_r); z_r = W_r·v + b_r = {full_vector(last['z_r'])}"),
        layer(xz, "σ", "z.matmul z.bias z.sigmoid", "update",
              f"σ layer (update gate): z = σ(W_z·v + b_z); z_z = W_z·v + b_z = {full_vector(last['z_z'])}"),
        layer(xh, "tanh", cand_ids, "candidate",
              f"tanh layer (candidate): h̃ = tanh({cand_pre}); z_h = {full_vector(last['z_h'])}"),
        _pill(xh, Y["one"], "1 −", "h.oneminus", f"1 − z = {full_vector(values['omz'])}"),
    ]
    if after:
        boxes.append(Box(_n(xr - 22), _n(Y["wh"] - 12), "44", "24", _n(xr), _n(Y["wh"]), "Wₕʰ",
                         "h_tilde.hcols h_tilde.matmulh",
                         f"Wₕʰ, the columns of W_h that meet hₜ₋₁ (no activation): Wₕʰ·hₜ₋₁ = "
                         f"{full_vector(values['Whh'])}", "lin", "3"))
    nodes = [
        _node(xr, Y["mid"], "times", "h_tilde.reset",
              f"reset: {'r∘(Wₕʰ·hₜ₋₁)' if after else 'r∘hₜ₋₁'} = {full_vector(rh)}"),
        _node(xz, cs, "times", "h.old", f"keep: z∘hₜ₋₁ = {full_vector(values['zh'])}"),
        _node(x_plus, Y["one"], "times", "h.new", f"take: (1 − z)∘h̃ = {full_vector(values['new'])}"),
        _node(x_plus, cs, "plus", "h.update", f"hₜ = (1 − z)∘h̃ + z∘hₜ₋₁ = {full_vector(last['h'])}"),
    ]
    dots = [Dot(_n(x_a), _n(cs), reads_h), Dot(_n(xr), _n(cs), f"{cand} h.old"),
            Dot(_n(x_join), _n(bus), "v.concat"), Dot(_n(xr), _n(bus), "v.concat r.matmul z.matmul"),
            Dot(_n(x_join), _n(Y["xline"]), f"v.concat {xread}"),
            Dot(_n(xz), _n(Y["one"]), "z.sigmoid h.old h.oneminus")]
    order = "[hₜ₋₁, xₜ]" if inp.concat == "hx" else "[xₜ, hₜ₋₁]"
    labels = [
        _label("h_prev", values["h_prev"], _EDGE, cs - 8, reads_h, "out"),
        _label("x", values["x"], x_join + _PAD, Y["x_label"], f"v.concat {xread}", "out"),
        Label(_n(x_join + _PAD), _n(bus - 8), _parts(("v", "nm"), (" = " + short_vector(last["v"]), "val")),
              "v.concat r.matmul z.matmul", f"v = {order} = {full_vector(last['v'])}"),
        _label("r", values["r"], xr + _PAD, Y["mid"] + 46, "r.sigmoid h_tilde.reset"),
        _label("z", values["z"], xz + _PAD, Y["mid"] + 46, "z.sigmoid h.old h.oneminus"),
        _label("rWh" if after else "rh", rh, xz + 10, Y["mid"] - 8,
               "h_tilde.reset h_tilde.sum" if after else "h_tilde.reset h_tilde.concat"),
        _label("zh", values["zh"], xz + _R + 6, cs - 8, "h.old h.update"),
        _label("omz", values["omz"], xh + 23 + 6, Y["one"] - 8, "h.oneminus h.new"),
        _label("h_tilde", values["h_tilde"], xh + _BW / 2 + 6, boxc - 6, "h_tilde.tanh h.new"),
        _label("new", values["new"], x_plus + _PAD, y_new, "h.new h.update"),
        _label("h", values["h"], x_plus + _R + 6, cs - 8, "h.update"),
        _name("h", cell_r + 8, cs - 8, "h.update", f"hₜ = {full_vector(last['h'])}", "out"),
    ]
    if after:
        labels.append(_label("Whh", values["Whh"], xr + _PAD, Y["mid"] - 24, "h_tilde.matmulh h_tilde.reset"))

    s = {k: short_vector(v) for k, v in values.items()}
    reset = (f"r multiplies Wₕʰ·hₜ₋₁ (the columns of W_h that meet hₜ₋₁), giving r∘(Wₕʰ·hₜ₋₁) = "
             f"{s['rWh']}, which the tanh layer adds to Wₕˣ·xₜ + b_h (reset after the product, as PyTorch "
             f"and Keras do)" if after else
             f"r multiplies hₜ₋₁, giving r∘hₜ₋₁ = {s['rh']}, which the tanh layer reads with xₜ (reset "
             f"before the product, as in Cho et al. 2014)")
    desc = (f"One GRU step, n = {inp.n}, m = {inp.m}. There is no cell state: the hidden state runs along "
            f"the top. hₜ₋₁ = {s['h_prev']} enters on the left; with xₜ = {s['x']} it is joined into "
            f"v = {order} = {s['v']}, which two σ layers read: the reset gate r = {s['r']} and the update "
            f"gate z = {s['z']}. {reset[0].upper() + reset[1:]}; the candidate is h̃ = {s['h_tilde']}. On the "
            f"top line z keeps z∘hₜ₋₁ = {s['zh']}; the 1 − node gives 1 − z = {s['omz']}, which takes "
            f"(1 − z)∘h̃ = {s['new']} from the candidate; the ⊕ adds them: hₜ = {s['h']}, which leaves on "
            f"the right.")
    caption = ("One GRU step (Cho et al. 2014), laid out like Colah's GRU figure: there is no cell state, "
               "the hidden state runs along the top; the reset gate r shapes the tanh candidate h̃ "
               + ("after Wₕʰ multiplies hₜ₋₁ (gru_reset = “after”, as PyTorch and Keras)"
                  if after else "by scaling hₜ₋₁ before W_h reads it (gru_reset = “before”, as Cho et al.)")
               + ", and the update gate z mixes: hₜ = (1 − z)∘h̃ + z∘hₜ₋₁ (Colah's post swaps z and 1 − z). "
               "The wires carry this example's values (hover one for all of its entries); when you step "
               "through, the current step's parts light up.")
    return Diagram(
        width=_n(width), height=_n(_GHEIGHT),
        cell=(_n(cell_l), "28", _n(cell_r - cell_l), _n(Y["cell_bottom"] - 28)),
        wires=tuple(wires), boxes=tuple(boxes), nodes=tuple(nodes), dots=tuple(dots), labels=tuple(labels),
        title=f"The GRU cell with this example's values: hₜ = {s['h']}", desc=desc, caption=caption,
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
