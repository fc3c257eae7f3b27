"""What every picture is made of: coordinates as SVG text, text runs, and the cell diagrams' parts.

Everything is plain data for the renderers: numbers already written as SVG text (`coord`),
labels as runs of `Part`s (a symbol, its subscript, its value: one `<tspan>` each, written by
`render_svg.text_runs`, or by the `svg_text` macro in `templates/macros/svg.html` for the
unrolled chain), and the shapes of a cell diagram (`Wire`, `Box`, `Node`, `Dot`, `Label`, gathered in
a `Diagram`), each naming the steps it belongs to.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .. import fmt

SHOWN_ENTRIES = 4  # a label shows a vector in full up to this size, else its first 3 and "… n"


@lru_cache(maxsize=4096)  # a picture writes a few hundred coordinates, most of them the same each time
def coord(x: float) -> str:
    """A coordinate as SVG text: at most 2 decimals, no trailing zeros, never "-0"."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def short_vector(values) -> str:
    """[1, 1, 1]; longer than 4 entries: [0.52, -0.1, 0.9, … 16] (the first 3, then the size)."""
    return _short_vector(_entries(values))


def full_vector(values) -> str:
    return _full_vector(_entries(values))


def _entries(values) -> tuple[float, ...]:
    if isinstance(values, np.ndarray):
        return tuple(values.tolist() if values.ndim == 1 else values.ravel().tolist())
    return tuple(np.asarray(values).ravel().tolist())


# A diagram writes each of its values three times (to measure its label, in the label, in the
# description) and its hover text twice: remembered by content.
@lru_cache(maxsize=1024)
def _short_vector(xs: tuple[float, ...]) -> str:
    if len(xs) <= SHOWN_ENTRIES:
        return "[" + ", ".join([_show(x) for x in xs]) + "]"
    return "[" + ", ".join([_show(x) for x in xs[:3]]) + f", … {len(xs)}]"


@lru_cache(maxsize=1024)
def _full_vector(xs: tuple[float, ...]) -> str:
    return "[" + ", ".join([_show(x) for x in xs]) + "]"


def _show(x: float) -> str:
    """A value as the picture writes it; "?" for one the learner is asked for (practice mode
    hides it as NaN, `values.masked`: no computed value is ever NaN)."""
    return "?" if x != x else fmt.show(x)


# ------------------------------------------------------------------------------ text

@dataclass(frozen=True)
class Part:
    """One run of a label (an SVG <tspan>): `cls` "nm" (a symbol, italic), "sub" (its subscript),
    "sup" (a superscript), "val" (numbers, monospace) or "txt"; `dy` shifts the baseline (into
    and out of a subscript)."""

    text: str
    cls: str
    dy: str = ""


_SUB_DY = 3.5
_SUP_DY = 5.0  # a superscript (W_h^h) is raised this much
# Estimated advance per character at the sizes in diagram.css (13px italic serif symbols,
# 0.75 of that for subscripts, 12px monospace numbers).
_ADVANCE = {"nm": 7.6, "sub": 5.6, "sup": 5.6, "val": 7.3}


@lru_cache(maxsize=1024)  # the same symbols and values, picture after picture
def runs(*texts: tuple[str, str]) -> tuple[Part, ...]:
    """Runs (text, cls) as tspans, with the baseline shifts a subscript needs."""
    out, at = [], 0.0
    for text, cls in texts:
        to = _SUB_DY if cls == "sub" else -_SUP_DY if cls == "sup" else 0.0
        out.append(Part(text, cls, coord(to - at) if to != at else ""))
        at = to
    return tuple(out)


def text_width(parts: tuple[Part, ...]) -> float:
    """Estimated width of a label in px (combining marks such as C̃'s tilde take no room)."""
    return sum(_ADVANCE[p.cls] * _chars(p.text) for p in parts)


def plain(parts: tuple[Part, ...]) -> str:
    return "".join(p.text for p in parts)


# Symbols as runs. Subscripts are real subscripts; the gates are written without the t
# (f, i, C̃, o), as the worked steps' results are named.
SYMBOLS = {
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
SPOKEN = {"C_prev": "Cₜ₋₁", "h_prev": "hₜ₋₁", "x": "xₜ", "v": "v", "f": "f", "i": "i",
          "C_tilde": "C̃", "o": "o", "kept": "f∘Cₜ₋₁", "written": "i∘C̃", "C": "Cₜ",
          "tanh_C": "tanh(Cₜ)", "h": "hₜ", "pf": "p_f∘Cₜ₋₁", "pi": "p_i∘Cₜ₋₁", "po": "p_o∘Cₜ",
          "r": "r", "z": "z", "h_tilde": "h̃", "Whh": "W_h^h·hₜ₋₁", "rWh": "r∘(W_h^h·hₜ₋₁)",
          "rh": "r∘hₜ₋₁", "zh": "z∘hₜ₋₁", "omz": "1 − z", "new": "(1 − z)∘h̃"}


# ------------------------------------------------------------------------ the shapes

# The parts of a diagram are NamedTuples, not frozen dataclasses: as immutable, and built several
# times faster (a frozen dataclass sets each field through object.__setattr__); every new
# example's picture makes a few dozen. (`values.tagged` copies one with `_replace`.)

class Label(NamedTuple):
    x: str
    y: str
    parts: tuple[Part, ...]
    steps: str
    title: str
    cls: str = ""  # "end" (anchored at its right end), "out" (outside the cell's box)

    @property
    def text(self) -> str:
        return plain(self.parts)


class Wire(NamedTuple):
    d: str  # the path
    head: str  # the arrowhead's polygon points ("" for none)
    steps: str
    cls: str = ""  # "cs": the cell-state line


class Box(NamedTuple):
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


class Node(NamedTuple):
    """A pointwise ⊗ or ⊕: a circle and the strokes of its sign."""

    cx: str
    cy: str
    r: str
    sign: str  # path of the × or +
    steps: str
    title: str
    kind: str  # "times" or "plus"


class Dot(NamedTuple):
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


# Sizes shared by the cell diagrams (px in the SVG's own units; CSS scales the whole picture
# down on small screens).
R = 12  # ⊗ and ⊕
BW, BH = 56, 34  # a layer's box
PAD = 8  # between a wire and its label
EDGE = 6  # the picture's outer margin
_HEAD_LEN, _HEAD_HALF = 7.0, 3.6


def _head(tip: tuple[float, float], towards: tuple[float, float]) -> tuple[str, tuple[float, float]]:
    """An arrowhead with its tip at `tip`, pointing away from `towards`; and where the line
    should stop (at the head's base, so the stroke does not poke through the tip)."""
    (x, y), (px, py) = tip, towards
    length = math.hypot(x - px, y - py) or 1.0
    ux, uy = (x - px) / length, (y - py) / length
    bx, by = x - ux * _HEAD_LEN, y - uy * _HEAD_LEN
    pts = [(x, y), (bx - uy * _HEAD_HALF, by + ux * _HEAD_HALF), (bx + uy * _HEAD_HALF, by - ux * _HEAD_HALF)]
    return " ".join(f"{coord(a)},{coord(b)}" for a, b in pts), (x - ux * (_HEAD_LEN - 1), y - uy * (_HEAD_LEN - 1))


def wire(polylines, steps: str, arrow: bool = True, cls: str = "") -> Wire:
    """Straight segments through the given points (several polylines for a wire with a gap);
    an arrowhead at the very end."""
    polylines = [list(p) for p in polylines]
    head = ""
    if arrow:
        last = polylines[-1]
        head, last[-1] = _head(last[-1], last[-2])
    d = " ".join("M" + " L".join(f"{coord(x)} {coord(y)}" for x, y in line) for line in polylines)
    return Wire(d, head, steps, cls)


def node(x, y, kind, steps, title) -> Node:
    a = R * (0.48 if kind == "times" else 0.62)
    strokes = (((-a, -a), (a, a)), ((-a, a), (a, -a))) if kind == "times" else (((-a, 0), (a, 0)), ((0, -a), (0, a)))
    sign = " ".join(f"M{coord(x + x0)} {coord(y + y0)} L{coord(x + x1)} {coord(y + y1)}"
                    for (x0, y0), (x1, y1) in strokes)
    return Node(coord(x), coord(y), coord(R), sign, steps, title, kind)


def pill(x: float, y: float, text: str, steps: str, title: str) -> Box:
    """A small rounded box on a wire: a pointwise function (tanh) or 1 −."""
    return Box(coord(x - 23), coord(y - 11), "46", "22", coord(x), coord(y), text, steps, title, "pill", "11")


def layer(x: float, top: float, text: str, steps: str, title: str, name: str) -> Box:
    """A layer's box centred on column x, its top at `top`, the gate's name under it."""
    return Box(coord(x - BW / 2), coord(top), coord(BW), coord(BH), coord(x), coord(top + BH / 2), text, steps,
               title, name=name, nx=coord(x + 6), ny=coord(top + BH + 16))


def label(key: str, values, x: float, y: float, steps: str, cls: str = "") -> Label:
    """A symbol and its value: "f = [1, 1, 1]" (all entries on hover)."""
    parts = runs(*SYMBOLS[key], (" = " + short_vector(values), "val"))
    return Label(coord(x), coord(y), parts, steps, f"{SPOKEN[key]} = {full_vector(values)}", cls)


def name_label(key: str, x: float, y: float, steps: str, title: str, cls: str = "") -> Label:
    """A symbol alone: "hₜ" where it leaves the picture."""
    return Label(coord(x), coord(y), runs(*SYMBOLS[key]), steps, title, cls)


def label_width(key: str, values) -> float:
    """The width of `label(key, values)`'s text: its symbol's (the same every time, remembered)
    and its value's (`text_width` of its one run)."""
    return _symbol_width(key) + _ADVANCE["val"] * _chars(" = " + short_vector(values))


@lru_cache(maxsize=1024)
def _chars(text: str) -> int:
    """Characters that take room (a combining mark, like C̃'s tilde, takes none). Counted in C
    (map), not a Python loop per character: every new label's text is measured once."""
    return len(text) - sum(map(bool, map(unicodedata.combining, text)))


@lru_cache(maxsize=None)
def _symbol_width(key: str) -> float:
    return text_width(runs(*SYMBOLS[key]))
