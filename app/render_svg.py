"""The pictures' SVG markup, written in Python: the σ / tanh curve of an activation step, the
cell diagram and the backward page's carousel plot (their data: `app/pictures/`).

These were Jinja templates; as strings they cost a tenth. A picture is a few hundred elements,
and on a page that is not remembered (every live edit, every new link) the template's
per-element machinery (a context lookup and an escape per value, a macro call per text run, an
include per curve) cost more than computing the example. Each value is written once here; the
parts that do not depend on the numbers (a curve's grid, axes, ticks and the function itself)
are written once per function and symbol and remembered.

Escaping: text (titles, descriptions, labels, step ids) goes through `markup.esc`; coordinates are
`svg.coord` output and class names are our own constants, so they are written as they are.
Whitespace between elements is a single newline wherever the templates had any (SVG, like HTML,
collapses it), and none where they had none.
"""
from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from .markup import esc
from .pictures import Carousel, Curve, Diagram
from .pictures.curves import Frame
from .pictures.svg import Part


def text_runs(parts: tuple[Part, ...], cls: str, x: str, y: str, steps: str | None = None,
              title: str | None = None) -> str:
    """One <text> whose runs are <tspan>s (a symbol, its subscript, a value: `svg.Part`, with
    its class and baseline shift); `steps` (data-steps, which may be empty) and `title` (its
    hover text) only where given."""
    out = [f'<text class="{cls}" x="{x}" y="{y}"']
    if steps is not None:
        out.append(f' data-steps="{esc(steps)}"')
    out.append(">")
    if title is not None:
        out.append(f"<title>{esc(title)}</title>")
    for p in parts:
        dy = f' dy="{p.dy}"' if p.dy else ""
        out.append(f'<tspan class="{p.cls}"{dy}>{esc(p.text)}</tspan>')
    out.append("</text>")
    return "".join(out)


# ------------------------------------------------------------------------------ curves

def curve_svg(c: Curve) -> str:
    """An activation step's function over z in [-6, 6], with the step's entries on it. Entries
    beyond ±6 sit at the edge with an arrow and their value; saturated ones are marked. (A str:
    it becomes part of its step's <article>, marked safe once with its group.)"""
    marks = []
    for p in c.marks:
        cls = "pt" + (" edge" if p.edge else "") + (" is-sat" if p.sat else "")
        label = ""
        if p.label:
            label = f'<text class="{p.label.cls}" x="{p.label.x}" y="{p.label.y}">{esc(p.label.text)}</text>'
        marks.append(f'\n<g class="{cls}"><title>{esc(p.title)}</title><path class="{p.mark_cls}" '
                     f'd="{p.mark}"/><circle cx="{p.cx}" cy="{p.cy}" r="{p.r}"/>{label}</g>')
    notes = "".join([f'<text class="note{" " + t.cls if t.cls else ""}" x="{t.x}" y="{t.y}">{esc(t.text)}</text>'
                     for t in c.notes])
    cid = esc(c.id)
    return (
        f'\n<figure class="curve curve-{c.op}">\n'
        f'<svg viewBox="0 0 {c.width} {c.height}" width="{c.width}" height="{c.height}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc">\n'
        f'<title id="{cid}-title">{esc(c.title)}</title>\n'
        f'<desc id="{cid}-desc">{esc(c.desc)}</desc>\n'
        f'{_frame_svg(c.frame)}{"".join(marks)}\n{notes}\n</svg>\n</figure>')


@lru_cache(maxsize=256)  # a Frame is shared by every curve of its function and symbol
def _frame_svg(f: Frame) -> str:
    """What does not depend on the step's numbers: the grid, the axes and their ticks and
    names, the function's polyline."""
    grid = "".join([f'<line class="grid" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>' for x1, y1, x2, y2 in f.grid])
    ticks = "".join([f'<text class="tick{" " + t.cls if t.cls else ""}" x="{t.x}" y="{t.y}">{esc(t.text)}</text>'
                     for t in f.texts])
    return (f'{grid}\n<path class="axes" d="{f.axes}"/>\n{ticks}\n'
            f'{text_runs(f.x_name, "axis-name", *f.x_name_at)}\n{text_runs(f.y_name, "axis-name", *f.y_name_at)}\n'
            f'<polyline class="fn" points="{f.points}"/>\n')


# ----------------------------------------------------------------------- the cell diagram

def diagram_svg(d: Diagram, key: str = "") -> Markup:
    """The cell in Colah's layout (the variants drawn the same way, the GRU in its own), carrying
    this example's values. Every part names the steps it belongs to in data-steps, and the page's
    script lights the current step's parts up (class "lit", static/diagram.css)."""
    out = [
        f'<svg class="cell-diagram" viewBox="0 0 {d.width} {d.height}" width="{d.width}" height="{d.height}" '
        f'role="img" aria-labelledby="diagram-title{key} diagram-desc{key}">\n'
        f'<title id="diagram-title{key}">{esc(d.title)}</title>\n'
        f'<desc id="diagram-desc{key}">{esc(d.desc)}</desc>\n'
        f'<rect class="cell" x="{d.cell[0]}" y="{d.cell[1]}" width="{d.cell[2]}" height="{d.cell[3]}" rx="14"/>\n'
    ]
    out.append(_wires_svg(d.wires, d.dots))
    for b in d.boxes:
        name = f'<text class="gate" x="{b.nx}" y="{b.ny}">{esc(b.name)}</text>' if b.name else ""
        out.append(f'<g class="{b.cls}" data-steps="{esc(b.steps)}"><title>{esc(b.title)}</title>'
                   f'<rect x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}" rx="{b.rx}"/>'
                   f'<text x="{b.tx}" y="{b.ty}">{esc(b.text)}</text>{name}</g>\n')
    for n in d.nodes:
        out.append(f'<g class="node {n.kind}" data-steps="{esc(n.steps)}"><title>{esc(n.title)}</title>'
                   f'<circle cx="{n.cx}" cy="{n.cy}" r="{n.r}"/><path d="{n.sign}"/></g>\n')
    for label in d.labels:
        cls = f"label {label.cls}" if label.cls else "label"
        out.append(text_runs(label.parts, cls, label.x, label.y, label.steps, label.title) + "\n")
    out.append("</svg>")
    return Markup("".join(out))


@lru_cache(maxsize=256)  # by content: the same wires and dots for every example whose labels fit the same columns
def _wires_svg(wires: tuple, dots: tuple) -> str:
    """The wires and the dots where they branch: no numbers, only the columns."""
    out = []
    for w in wires:
        head = f'<polygon points="{w.head}"/>' if w.head else ""
        out.append(f'<g class="wire{w.cls}" data-steps="{esc(w.steps)}"><path d="{w.d}"/>{head}</g>\n')
    for t in dots:
        out.append(f'<circle class="dot" cx="{t.cx}" cy="{t.cy}" r="3" data-steps="{esc(t.steps)}"/>\n')
    return "".join(out)


# ------------------------------------------------------------------------- the carousel

def carousel_svg(c: Carousel) -> Markup:
    """The backward page's plot of how far back the gradient reaches (`templates/_carousel.html`
    frames it with its legend and caption): written here as the template wrote it, whitespace
    included, since its points (66 for one step, more for a sequence), each a hover title and a
    circle, were most of the backward page's template time."""
    out = [f'<svg class="carousel-plot" viewBox="0 0 {c.width} {c.height}" width="{c.width}" height="{c.height}" '
           f'role="img" aria-labelledby="carousel-title carousel-desc">\n'
           f'      <title id="carousel-title">{esc(c.title)}</title>\n'
           f'      <desc id="carousel-desc">{esc(c.desc)}</desc>\n      ']
    out += [f'<line class="grid" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>' for x1, y1, x2, y2 in c.grid]
    out.append(f'\n      <path class="axes" d="{c.axes}"/>\n      ')
    out += [f'<text class="tick {t.cls}" x="{t.x}" y="{t.y}">{esc(t.text)}</text>' for t in c.ticks]
    out.append(f'\n      {text_runs(c.x_name, "axis-name mid", *c.x_name_at)}'
               f'\n      {text_runs(c.y_name, "axis-name", *c.y_name_at)}\n'
               f'      <g class="series cec" data-series="cec"><title>{esc(c.cec.title)}</title>'
               f'<polyline points="{c.cec.points}"/>\n      ')
    out += [_carousel_point(m, "2.4") for m in c.cec.marks]
    label = c.cec_label
    out.append(f'\n      </g>\n      <text class="cec-label {label.cls}" x="{label.x}" y="{label.y}">{esc(label.text)}'
               f'</text>\n      ')
    for line in c.lines:
        band = f'<polygon class="band" points="{line.band}"/>' if line.band else ""
        out.append(f'\n      <g class="series {line.cls}" data-series="{line.series}">{band}'
                   f'<polyline points="{line.points}"/>\n      ')
        out += [_carousel_point(m, "2.6") for m in line.marks]
        out.append("\n      </g>\n      ")
    out.append("\n      ")
    out += [f'<text class="{t.cls}" x="{t.x}" y="{t.y}">{esc(t.text)}</text>' for t in c.labels]
    out.append("\n    </svg>")
    return Markup("".join(out))


def _carousel_point(m, r: str) -> str:
    return (f'<g class="pt" data-k="{m.k}" data-j="{m.j}"><title>{esc(m.title)}</title>'
            f'<circle cx="{m.cx}" cy="{m.cy}" r="{r}"/></g>')
