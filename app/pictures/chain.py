"""A sequence unrolled in time, as in Colah's picture: one small cell per time step, in a row,
the hidden state (and the cell state, for a cell that has one) flowing from each to the next,
x_t coming in from below and h_t going out above.

Every cell is tagged with the ids of all the steps of its time step (`data-steps`), so the
page's script lights the cell of the step being read, and each cell links to its time step's
first step (or its page, for a sequence shown one time step at a time). The values are on hover:
each arrow's title has its vector in full.
"""
from __future__ import annotations

from dataclasses import dataclass

from .svg import Part, coord, full_vector, runs

_W, _H = 64, 48  # a cell's box
_GAP = 46  # between two cells: room for the arrow and its label
_X0, _TOP = 70, 44  # the first cell's left edge (room for h_0, C_0); the cells' top
_HEIGHT = _TOP + _H + 62


@dataclass(frozen=True)
class ChainCell:
    t: int
    x: str  # the box
    y: str
    w: str
    h: str
    cx: str  # its centre (the labels)
    cy: str
    steps: str  # every step id of this time step
    first: str  # the id of its first step (the link)
    title: str  # what it takes and gives, in full


@dataclass(frozen=True)
class ChainArrow:
    d: str
    head: str
    steps: str
    title: str
    cls: str = ""  # "cs": the cell state


@dataclass(frozen=True)
class ChainLabel:
    x: str
    y: str
    parts: tuple[Part, ...]
    cls: str = ""


@dataclass(frozen=True)
class Chain:
    width: str
    height: str
    cells: tuple[ChainCell, ...]
    arrows: tuple[ChainArrow, ...]
    labels: tuple[ChainLabel, ...]
    title: str
    desc: str


def _arrow(x1: float, y1: float, x2: float, y2: float, steps: str, title: str, cls: str = "") -> ChainArrow:
    """A straight arrow with its head at (x2, y2) (horizontal or vertical only)."""
    dx, dy = (x2 > x1) - (x2 < x1), (y2 > y1) - (y2 < y1)
    back = (x2 - 6 * dx, y2 - 6 * dy)
    side = (3.2 * dy, 3.2 * dx)
    head = " ".join(f"{coord(a)},{coord(b)}" for a, b in
                    ((x2, y2), (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])))
    return ChainArrow(f"M{coord(x1)} {coord(y1)} L{coord(back[0])} {coord(back[1])}", head, steps, title, cls)


def chain(name: str, timesteps: list[dict], ids: dict[int, list[str]], has_cell_state: bool) -> Chain:
    """The sequence's cells in a row. `timesteps`: each time step's outputs (`Unrolled.timesteps`,
    with h, and C for a cell that has one); `ids`: each time step's step ids, in order."""
    T = len(timesteps)
    cells, arrows, labels = [], [], []
    mid = _TOP + _H / 2
    cs_y, h_y = _TOP + 14, _TOP + _H - 14  # C along the upper part, h along the lower
    for k, entry in enumerate(timesteps):
        t = int(entry["t"])
        x = _X0 + k * (_W + _GAP)
        steps = " ".join(ids.get(t, []))
        took = f"x_{t}, h_{t - 1}" + (f", C_{t - 1}" if has_cell_state else "")
        gave = f"h_{t} = {full_vector(entry['h'])}" + (f"; C_{t} = {full_vector(entry['C'])}" if has_cell_state else "")
        cells.append(ChainCell(t, coord(x), coord(_TOP), coord(_W), coord(_H), coord(x + _W / 2), coord(mid),
                               steps, (ids.get(t) or [""])[0], f"t = {t}: the {name} reads {took}; {gave}"))
        # x_t comes in from below; h_t goes out above
        arrows.append(_arrow(x + _W / 2, _TOP + _H + 30, x + _W / 2, _TOP + _H, steps, f"x_{t}, the input at t = {t}"))
        labels.append(ChainLabel(coord(x + _W / 2), coord(_TOP + _H + 44), runs(("x", "nm"), (str(t), "sub")), "mid"))
        arrows.append(_arrow(x + _W / 2, _TOP, x + _W / 2, _TOP - 22, steps, f"h_{t} = {full_vector(entry['h'])}"))
        labels.append(ChainLabel(coord(x + _W / 2), coord(_TOP - 28), runs(("h", "nm"), (str(t), "sub")), "mid"))
        # what flows on to the next time step (or leaves the sequence, after the last)
        nxt = " ".join(ids.get(t + 1, []))
        end = x + _W + (_GAP if k < T - 1 else 30)
        arrows.append(_arrow(x + _W, h_y, end, h_y, f"{steps} {nxt}".strip(), f"h_{t} = {full_vector(entry['h'])}"))
        if has_cell_state:
            arrows.append(_arrow(x + _W, cs_y, end, cs_y, f"{steps} {nxt}".strip(),
                                 f"C_{t} = {full_vector(entry['C'])}", "cs"))
    # the initial state comes in from the left
    first = " ".join(ids.get(1, []))
    arrows.append(_arrow(_X0 - 36, h_y, _X0, h_y, first, "h_0, the initial hidden state"))
    labels.append(ChainLabel(coord(_X0 - 40), coord(h_y + 4), runs(("h", "nm"), ("0", "sub")), "end"))
    if has_cell_state:
        arrows.append(_arrow(_X0 - 36, cs_y, _X0, cs_y, first, "C_0, the initial cell state", "cs"))
        labels.append(ChainLabel(coord(_X0 - 40), coord(cs_y + 4), runs(("C", "nm"), ("0", "sub")), "end"))
    width = _X0 + T * (_W + _GAP) - _GAP + 40
    state = "h and C flow" if has_cell_state else "h flows"
    return Chain(
        width=coord(width), height=coord(_HEIGHT), cells=tuple(cells), arrows=tuple(arrows), labels=tuple(labels),
        title=f"The {name} unrolled over T = {T} time steps",
        desc=(f"One {name} cell per time step, t = 1 to {T}, left to right: each reads its input x_t from "
              f"below and the state the previous one handed on; {state} along the row, and each "
              f"h_t also goes out above. The cell of the step being read is highlighted."),
    )
