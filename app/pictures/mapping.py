"""The mapping picture: a framework's stacked tensors cut into our per-gate W's and b's.

On the left, each of their tensors as a box split into its gate blocks (bands stacked the way the
framework stacks them: rows for PyTorch and ONNX, columns for Keras and TF1), each band coloured
by the gate it belongs to; on the right our W_f, W_i, W_C, W_o (or W_r, W_z, W_h), each split
into the columns that meet h_{t-1} and x_t, and the biases. A line runs from every band to the
block it becomes, marked ᵀ where the block is transposed on the way and + where two biases are
summed. The lines cross where the framework's gate order is not ours: that is the picture's point.

Schematic, not to scale: a band is the same size whatever n is (a 128-row tensor would not fit a
phone). The steps beside it (`mapping_view`'s "steps", from `frameworks.to_fields`' mapping)
write every slice out.

The SVG has classes only (the CSP allows no style attribute); its look is in static/diagram.css.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..frameworks import LAYOUTS
from ..markup import esc
from .svg import coord

BAND = 16  # a band's thickness (px)
LEFT_W = 150  # their tensors' boxes
RIGHT_X = 330  # our fields' boxes
RIGHT_W = 120
GAP = 28  # between boxes, room for a name above each
TOP = 24
OUR_GATES = {"lstm": ("f", "i", "C", "o"), "peephole": ("f", "i", "C", "o"), "gru": ("r", "z", "h")}


@dataclass
class _Band:
    tensor: str
    key: tuple  # (row of a 2-row bias or None, block index)
    x: float
    y: float
    w: float
    h: float
    gate: str  # our gate (f, i, C, o / r, z, h) or "" when unused


def mapping_view(framework: str, variant: str, tensors: dict, mapping: dict, n: int, m: int, concat: str,
                 options: dict) -> dict:
    """What the page shows: {"svg": Markup, "steps": [sentences], "title": …}."""
    base = "gru" if variant == "gru" else "lstm"
    gate_of = {entry["gate"]: field[2:] for field, entry in mapping.items() if field.startswith("W_")}
    ours_of = {letter: gate_of[letter] for letter in LAYOUTS[framework]["variants"][base]["order"]}  # their order
    bands, boxes, y = [], [], TOP
    for name, value in tensors.items():
        shape = value.shape[1:] if value.ndim == 3 or (name in ("B", "P") and value.ndim == 2) else value.shape
        made, height = _tensor_bands(framework, name, shape, n, y, ours_of)
        boxes.append((name, "×".join(map(str, value.shape)), y, height))
        bands += made
        y += height + GAP
    left_bottom = y
    targets, y = {}, TOP
    gates = OUR_GATES[base if variant != "peephole" else "peephole"]
    rows = [f"W_{g}" for g in gates] + [f"b_{g}" for g in gates] + [k for k in mapping if k.startswith("p_") or k == "b_hn"]
    right = []
    h_first = concat == "hx"
    for field in rows:
        if field not in mapping:
            continue
        entry = mapping[field]
        gate = field[2:] if field != "b_hn" else "h"
        if field.startswith("W_"):
            wh = RIGHT_W * n / (n + m)
            blocks = [("h", wh), ("x", RIGHT_W - wh)] if h_first else [("x", RIGHT_W - wh), ("h", wh)]
            x = RIGHT_X
            for which, w in blocks:
                targets[(field, which)] = (x, y, w, BAND)
                x += w
            right.append((field, gate, y, blocks, entry))
        else:
            targets[(field, "b")] = (RIGHT_X, y, RIGHT_W * 0.6, BAND * 0.6)
            right.append((field, gate, y, [("b", RIGHT_W * 0.6)], entry))
        y += BAND + GAP
    height = max(left_bottom, y) + 4
    lines = _lines(framework, mapping, bands, targets, n, m, concat)
    return {"svg": _svg(framework, variant, boxes, bands, right, lines, height),
            "steps": [entry["text"] for entry in mapping.values()],
            "title": f"{_title(framework)}'s tensors → our fields"}


def _title(framework: str) -> str:
    return {"pytorch": "PyTorch", "keras": "Keras", "tf1": "TF1", "onnx": "ONNX"}[framework]


def _tensor_bands(framework: str, name: str, shape: tuple, n: int, top: float, ours_of: dict):
    """A tensor's gate bands: rows stacked (PyTorch, ONNX) or columns (Keras, TF1; a 1-D bias as a strip)."""
    letters = list(ours_of)  # their gate letters in their order
    G = len(letters)
    if name == "P":  # ONNX's peepholes: i, o, f
        return [_Band(name, (None, k), 10 + k * LEFT_W / 3, top, LEFT_W / 3, BAND, ours_of.get(g, g))
                for k, g in enumerate("iof")], BAND
    if len(shape) == 1:
        count = shape[0] // n if n else 0
        w = LEFT_W / max(count, 1)
        return [_Band(name, (None, k), 10 + k * w, top, w, BAND, ours_of.get(letters[k % G], ""))
                for k in range(count)], BAND
    if framework in ("keras", "tf1") and name != "P":  # columns i, f, c, o (2 rows for Keras' GRU bias)
        if name == "bias":  # (2, 3n)
            w = LEFT_W / G
            return [_Band(name, (row, k), 10 + k * w, top + row * BAND, w, BAND, ours_of.get(letters[k], ""))
                    for row in range(shape[0]) for k in range(G)], 2 * BAND
        w = LEFT_W / G
        h = 2 * BAND if framework == "keras" else 3 * BAND
        return [_Band(name, (None, k), 10 + k * w, top, w, h, ours_of.get(letters[k], "")) for k in range(G)], h
    return [_Band(name, (None, k), 10, top + k * BAND, LEFT_W, BAND, ours_of.get(letters[k], ""))
            for k in range(shape[0] // n if n else 0)], BAND * (shape[0] // n if n else 0)


def _lines(framework, mapping, bands, targets, n, m, concat):
    """(x1, y1, x2, y2, mark, gate): from each band to the block it becomes."""
    h_into = [0, n] if concat == "hx" else [m, m + n]
    out = []
    for field, entry in mapping.items():
        for part in entry.get("parts", []):
            # the block: along the columns where the framework stacks them (Keras, TF1), else the rows
            block = (part["cols"][0] if part.get("transpose") else part["rows"][0]) // n
            row = part.get("row")
            if framework == "tf1" and field.startswith("W_"):
                row = None
            band = next((b for b in bands if b.tensor == part["tensor"] and b.key == (row, block)), None)
            if band is None:
                continue
            which = ("h" if part.get("into") == h_into else "x") if field.startswith("W_") else "b"
            target = targets.get((field, which))
            if target is None:
                continue
            mark = "ᵀ" if part.get("transpose") else "+" if entry.get("op") == "sum" else ""
            gate = field[2:] if field != "b_hn" else "h"
            start = band.x + (band.w if band.w >= LEFT_W else band.w / 2)  # a full-width band: from its right end
            out.append((start, band.y + band.h / 2, target[0], target[1] + target[3] / 2, mark, gate,
                        target[0] + target[2] / 2, target[1] - 2))
    return out


def _svg(framework, variant, boxes, bands, right, lines, height) -> Markup:
    width = RIGHT_X + RIGHT_W + 80
    title = f"{_title(framework)}'s stacked tensors cut into the explainer's per-gate weights"
    desc = ("Each of the framework's tensors on the left, split into its gate blocks; each block's line runs "
            "to the weight or bias it becomes on the right. ᵀ: transposed on the way; +: summed with the other bias.")
    out = [f'<svg class="mapping-picture" viewBox="0 0 {coord(width)} {coord(height)}" width="{coord(width)}" '
           f'height="{coord(height)}" role="img" aria-labelledby="mapping-title mapping-desc">',
           f'<title id="mapping-title">{esc(title)}</title><desc id="mapping-desc">{esc(desc)}</desc>']
    for name, shape, y, h in boxes:
        out.append(f'<text class="tname" x="10" y="{coord(y - 6)}">{esc(name)} <tspan class="shape">{esc(shape)}</tspan></text>')
    for b in bands:
        cls = f"band g-{b.gate}" if b.gate else "band unused"
        out.append(f'<rect class="{cls}" x="{coord(b.x)}" y="{coord(b.y)}" width="{coord(b.w)}" height="{coord(b.h)}"/>')
        if b.w >= 14 and b.gate:
            out.append(f'<text class="bl" x="{coord(b.x + b.w / 2)}" y="{coord(b.y + b.h / 2 + 4)}">{esc(_sym(b.gate))}</text>')
    for x1, y1, x2, y2, mark, gate, mx, my in lines:
        mid = (x1 + x2) / 2
        out.append(f'<path class="link g-{gate}" d="M{coord(x1)} {coord(y1)} C{coord(mid)} {coord(y1)} '
                   f'{coord(mid)} {coord(y2)} {coord(x2)} {coord(y2)}"/>')
        if mark:
            out.append(f'<text class="mark" x="{coord(mx)}" y="{coord(my)}">{esc(mark)}</text>')
    for field, gate, y, blocks, entry in right:
        x = RIGHT_X
        for which, w in blocks:
            cls = f"our g-{gate}" + (" part-x" if which == "x" else "")
            h = BAND if which != "b" else BAND * 0.6
            out.append(f'<rect class="{cls}" x="{coord(x)}" y="{coord(y)}" width="{coord(w)}" height="{coord(h)}">'
                       f'<title>{esc(entry["text"])}</title></rect>')
            if which != "b" and w >= 16:
                out.append(f'<text class="bl" x="{coord(x + w / 2)}" y="{coord(y + BAND / 2 + 4)}">{which}</text>')
            x += w
        out.append(f'<text class="fname" x="{coord(RIGHT_X + RIGHT_W + 8)}" y="{coord(y + 11)}">{_field_runs(field)}</text>')
    out.append("</svg>")
    return Markup("\n".join(out))


def _sym(gate: str) -> str:
    return {"C": "C̃", "h": "h̃"}.get(gate, gate)


def _field_runs(field: str) -> str:
    """W_f as W with a subscript f (tspans)."""
    if field == "b_hn":
        return '<tspan class="nm">b</tspan><tspan class="sub" dy="3.5">hn</tspan>'
    head, sub = field.split("_", 1)
    return f'<tspan class="nm">{esc(head)}</tspan><tspan class="sub" dy="3.5">{esc(sub)}</tspan>'
