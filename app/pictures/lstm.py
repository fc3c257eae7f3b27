"""Colah's picture of the LSTM cell, and its variants drawn the same way by options.

Left to right and top to bottom:

                                              h_t ↑
    C_{t-1} ──────⊗───────────⊕────────────┬──────┼──── C_t
                  │ f         │ i∘C̃       tanh    │
                  │     i ┌───⊗            │      │
                  │       │   │ C̃          │      │
                 [σ]     [σ] [tanh]  [σ]─o─⊗      │
                  │       │   │       │    └──────┴──── h_t
    h_{t-1} ──┬───┴───────┴───┴───────┘
              x_t

The options: `forget=False` takes the forget layer out (the 1997 LSTM: C_{t-1} runs straight
into the ⊕); `peephole=True` adds the wires from the cell line into the f, i and o layers;
`coupled=True` replaces the input layer by a 1 − node on f's wire (i = 1 − f).

Labels carry this example's values (`f = [1, 1, 1]`). The columns are spaced so that each
label fits between the wires around it: the positions follow the label widths, which are
estimated from character counts (values are set in a monospace font, so the estimate is close).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .svg import (BH, BW, EDGE, PAD, SPOKEN, SYMBOLS, R, Box, Diagram, Dot, Label, coord, full_vector, label,
                  label_width, layer, name_label, node, pill, runs, short_vector, text_width, wire)
from .values import Shown

_Y = dict(
    h_label=17,  # h_t's value, above the cell, by the arrow that leaves upwards
    cell_top=28,
    cs=64,  # the cell-state line
    upper=114,  # labels of f and i∘C̃
    pill=142,  # tanh on C_t
    mid=168,  # the i ⊗ C̃ node
    tanh_label=194,  # tanh(C_t), right of its wire
    lower=214,  # labels of i and C̃
    box=234,  # top of the layers
    bus=324,  # v
)
_Y["boxc"] = _Y["box"] + BH / 2
_Y["o_label"] = _Y["boxc"] - 6
_Y["v_label"] = _Y["bus"] + 18
_Y["cell_bottom"] = _Y["bus"] + 30
_Y["x_label"] = _Y["bus"] + 52
_HEIGHT = _Y["bus"] + 66
_CS, _BUS, _BOXC, _TOP, _BOTTOM = _Y["cs"], _Y["bus"], _Y["boxc"], _Y["box"], _Y["box"] + BH
_RAIL = _Y["mid"] + 28  # the peephole from C_{t-1} to the i layer
_Y_ONE = _Y["lower"]  # coupled: the 1 − node, where 1 − f leaves f's wire


def diagram(ex: Shown, name: str, *, forget: bool = True, peephole: bool = False,
            coupled: bool = False) -> Diagram:
    """The LSTM cell with `ex`'s values; `name` is how the captions call it ("peephole LSTM")."""
    if not forget and (peephole or coupled) or (peephole and coupled):
        raise ValueError("the LSTM layout draws peephole or coupled only with a forget gate, and not both")
    values = _values(ex, forget, peephole)
    at = _columns({key: label_width(key, v) for key, v in values.items()}, forget, peephole, coupled)
    return Diagram(
        width=coord(at.width), height=coord(_HEIGHT),
        cell=(coord(at.cell_l), coord(_Y["cell_top"]), coord(at.cell_r - at.cell_l),
              coord(_Y["cell_bottom"] - _Y["cell_top"])),
        wires=_wires(at), boxes=_boxes(at, values, ex.last), nodes=_nodes(at, values, ex.last), dots=_dots(at),
        labels=_labels(at, values, ex), **_words(ex, values, name, forget, peephole, coupled),
    )


def _values(ex: Shown, forget: bool, peephole: bool) -> dict:
    """What the labels show, by symbol key (svg.SYMBOLS)."""
    by_id, last = ex.result, ex.last
    values = {
        "C_prev": ex.C_prev, "h_prev": ex.h_prev, "x": ex.x, "v": last["v"],
        "i": last["i"], "C_tilde": last["C_tilde"], "o": last["o"],
        "written": by_id["C.input"], "C": last["C"], "tanh_C": by_id["h.tanh"], "h": last["h"],
    }
    if forget:
        values.update(f=last["f"], kept=by_id["C.forget"])
    if peephole:
        values.update(pf=by_id["f.peephole"], pi=by_id["i.peephole"], po=by_id["o.peephole"])
    return values


# ------------------------------------------------------------------------ the columns

@dataclass(frozen=True)
class _Columns:
    """The options, and the x of each column: the cell's edges, where x_t joins h_{t-1}, the
    f, i, C̃ and o layers, the tanh and ⊗ of the output, h_t's way up, the picture's width."""

    forget: bool
    peephole: bool
    coupled: bool
    cell_l: float
    x_join: float
    xf: float  # (0 without a forget gate)
    xi: float  # the i layer, or coupled's 1 − node
    xc: float
    xo: float
    x_out: float
    x_h: float
    cell_r: float
    width: float

    @property
    def gates(self) -> list[str]:
        """The gates with a layer that reads v."""
        return [g for g, on in (("f", self.forget), ("i", not self.coupled), ("C_tilde", True), ("o", True)) if on]

    def matmuls(self, gates=None) -> str:
        """The matmul steps of these gates (every gate's by default) that this cell has."""
        return " ".join(f"{g}.matmul" for g in (self.gates if gates is None else gates) if g in self.gates)

    @property
    def peepholes(self) -> tuple[float, float, float]:
        """Where the peepholes drop from the cell line: into f's layer from its left side, into
        i's and o's from above."""
        return (self.xf - 46 if self.forget else 0), self.xi - 16, self.xo - 16


def _columns(w: dict[str, float], forget: bool, peephole: bool, coupled: bool) -> _Columns:
    """Columns, left to right, each as far as the labels before it need (`w`: their widths)."""
    left = max(w["C_prev"], w["h_prev"])
    cell_l = EDGE + left + 12
    x_join = cell_l + 34  # where x_t meets h_{t-1}
    xf = 0.0
    if forget:
        xf = x_join + 72
        if peephole:  # p_f∘C_{t-1}'s label, left of the peephole into f
            xf = max(xf, cell_l + 6 + w["pf"] + PAD + 46)
        xi = xf + BW + 44
        if peephole:  # p_i∘C_{t-1}'s label, on its rail between f's wire and the i layer
            xi = max(xi, xf + 6 + w["pi"] + PAD + 16)
        xc = max(xi + BW + 44,
                 xf + PAD + w["f"] + PAD,  # f's label, right of its wire
                 xf + R + 6 + w["kept"] + 10 + R,  # f∘C_{t-1}, on the cell line between ⊗ and ⊕
                 xi + PAD + w["i"] + PAD)  # i's label, right of its wire
    else:
        xi = x_join + 72
        xc = max(xi + BW + 44, xi + PAD + w["i"] + PAD)
    xo = xc + BW + 28
    if peephole:  # the labels right of the C̃ and i∘C̃ wires end before o's peephole
        xo = max(xo, xc + PAD + max(w["C_tilde"], w["written"]) + PAD + 16)
    x_out = max(xo + BW / 2 + 6 + w["o"] + 10 + R,  # o's label, on its wire to ⊗
                xc + PAD + max(w["C_tilde"], w["written"]) + PAD,  # right of the C̃ and i∘C̃ wires
                xo + BW / 2 + 70)
    if peephole:  # p_o∘C_t's label, between o's peephole and the tanh wire
        x_out = max(x_out, xo - 16 + PAD + w["po"] + PAD)
    x_h = max(x_out + 56, x_out + PAD + w["tanh_C"] + PAD)  # h_t leaving upwards; tanh(C_t) before it
    x_h = max(x_h, xc + R + 6 + w["C"] + PAD)  # C_t's label, on the cell line after ⊕
    cell_r = max(x_h + 26, x_join + PAD + w["v"] + PAD)  # v's label inside the cell's box
    right = max(text_width(runs(*SYMBOLS[k])) for k in ("C", "h"))  # C_t and h_t, leaving
    width = cell_r + 8 + right + EDGE + 4
    return _Columns(forget, peephole, coupled, cell_l, x_join, xf, xi, xc, xo, x_out, x_h, cell_r, width)


# ------------------------------------------------------------------------ the wires

@lru_cache(maxsize=64)  # the wires depend on the columns alone, which often repeat (same label widths)
def _wires(at: _Columns) -> tuple:
    return (*_cell_state_wires(at), *_input_wires(at), *_gate_wires(at), *_peephole_wires(at),
            *_output_wires(at))


def _cell_state_wires(at: _Columns) -> list:
    """C_{t-1} to C_t along the top: through f's ⊗ (if there is a forget gate) and the ⊕; with
    peepholes, split where they drop off."""
    xf, xc, x_out = at.xf, at.xc, at.x_out
    x_pf, _, x_po = at.peepholes
    wires = []
    if at.peephole:
        wires += [wire([[(0, _CS), (x_pf, _CS)]], "C.forget f.peephole i.peephole", arrow=False, cls=" cs"),
                  wire([[(x_pf, _CS), (xf - R, _CS)]], "C.forget", cls=" cs")]
    else:
        wires.append(wire([[(0, _CS), ((xf if at.forget else xc) - R, _CS)]],
                          "C.forget" if at.forget else "C.update", cls=" cs"))
    if at.forget:
        wires.append(wire([[(xf + R, _CS), (xc - R, _CS)]], "C.forget C.update", cls=" cs"))
    if at.peephole:
        wires += [wire([[(xc + R, _CS), (x_po, _CS)]], "C.update h.tanh o.peephole", arrow=False, cls=" cs"),
                  wire([[(x_po, _CS), (x_out, _CS)]], "C.update h.tanh", arrow=False, cls=" cs")]
    else:
        wires.append(wire([[(xc + R, _CS), (x_out, _CS)]], "C.update h.tanh", arrow=False, cls=" cs"))
    wires.append(wire([[(x_out, _CS), (at.width - 1, _CS)]], "C.update", cls=" cs"))
    return wires


def _input_wires(at: _Columns) -> list:
    """h_{t-1} and x_t, joined into v, and v along the bus and up into each layer."""
    x_join, xf, xi, xc = at.x_join, at.xf, at.xi, at.xc
    wires = [
        wire([[(0, _BUS), (x_join, _BUS)]], "v.concat", arrow=False),
        wire([[(x_join, _HEIGHT), (x_join, _BUS)]], "v.concat", arrow=False),
    ]
    # the bus, from one layer's column to the next: (from, to, the gates that read v further on)
    if at.coupled:
        bus = [(x_join, xf, at.gates), (xf, xc, ["C_tilde", "o"])]
    elif at.forget:
        bus = [(x_join, xf, at.gates), (xf, xi, ["i", "C_tilde", "o"]), (xi, xc, ["C_tilde", "o"])]
    else:
        bus = [(x_join, xi, at.gates), (xi, xc, ["C_tilde", "o"])]
    wires += [wire([[(a, _BUS), (b, _BUS)]], f"v.concat {at.matmuls(gates)}", arrow=False) for a, b, gates in bus]
    wires.append(wire([[(xc, _BUS), (at.xo, _BUS), (at.xo, _BOTTOM)]], "v.concat o.matmul"))
    if at.forget:
        wires.append(wire([[(xf, _BUS), (xf, _BOTTOM)]], "v.concat f.matmul"))
    if not at.coupled:
        wires.append(wire([[(xi, _BUS), (xi, _BOTTOM)]], "v.concat i.matmul"))
    wires.append(wire([[(xc, _BUS), (xc, _BOTTOM)]], "v.concat C_tilde.matmul"))
    return wires


def _gate_wires(at: _Columns) -> list:
    """The gates up to their products: f to the cell line (coupled: and through 1 − to i's
    product), i and C̃ to the ⊗ that writes, the written content up into the ⊕."""
    xf, xi, xc, mid = at.xf, at.xi, at.xc, _Y["mid"]
    wires = []
    if at.coupled:
        wires += [wire([[(xf, _TOP), (xf, _Y_ONE)]], "f.sigmoid C.forget i.coupled", arrow=False),
                  wire([[(xf, _Y_ONE), (xf, _CS + R)]], "f.sigmoid C.forget"),
                  wire([[(xf, _Y_ONE), (xi - 23, _Y_ONE)]], "f.sigmoid i.coupled"),
                  wire([[(xi, _Y_ONE - 11), (xi, mid), (xc - R, mid)]], "i.coupled C.input")]
    else:
        if at.forget:
            wires.append(wire([[(xf, _TOP), (xf, _CS + R)]], "f.sigmoid C.forget"))
        wires.append(wire([[(xi, _TOP), (xi, mid), (xc - R, mid)]], "i.sigmoid C.input"))
    return wires + [
        wire([[(xc, _TOP), (xc, mid + R)]], "C_tilde.tanh C.input"),
        wire([[(xc, mid - R), (xc, _CS + R)]], "C.input C.update"),
    ]


def _peephole_wires(at: _Columns) -> list:
    """C_{t-1} into the f and i layers, C_t into the o layer; the rail to i passes under f's wire."""
    if not at.peephole:
        return []
    x_pf, x_pi, x_po = at.peepholes
    return [
        wire([[(x_pf, _CS), (x_pf, _RAIL)]], "f.peephole i.peephole", arrow=False),
        wire([[(x_pf, _RAIL), (x_pf, _BOXC), (at.xf - BW / 2, _BOXC)]], "f.peephole"),
        wire([[(x_pf, _RAIL), (at.xf - 6, _RAIL)], [(at.xf + 6, _RAIL), (x_pi, _RAIL), (x_pi, _TOP)]],
             "i.peephole"),
        wire([[(x_po, _CS), (x_po, _TOP)]], "o.peephole"),
    ]


def _output_wires(at: _Columns) -> list:
    """C_t through tanh, times o, is h_t: out to the right and upwards."""
    x_out, x_h = at.x_out, at.x_h
    return [
        wire([[(x_out, _CS), (x_out, _Y["pill"] - 11)]], "h.tanh"),
        wire([[(x_out, _Y["pill"] + 11), (x_out, _BOXC - R)]], "h.tanh h.update"),
        wire([[(at.xo + BW / 2, _BOXC), (x_out - R, _BOXC)]], "o.sigmoid h.update"),
        wire([[(x_out, _BOXC + R), (x_out, _BUS), (at.width - 1, _BUS)]], "h.update"),
        # upwards, with a gap where it passes under the cell-state line
        wire([[(x_h, _BUS), (x_h, _CS + 6)], [(x_h, _CS - 6), (x_h, 2)]], "h.update"),
    ]


# ---------------------------------------------------------- layers, nodes, dots, labels

def _layer(at: _Columns, x, text, gate, fn, g, name, z) -> Box:
    """A σ or tanh layer, its title the gate's formula (with its peephole) and pre-activation."""
    pc = {"f": "Cₜ₋₁", "i": "Cₜ₋₁", "o": "Cₜ"}.get(g) if at.peephole else None
    ids = f"{gate}.matmul {gate}.peephole {gate}.peepsum {gate}.bias {gate}.{fn}" if pc else \
        f"{gate}.matmul {gate}.bias {gate}.{fn}"
    pre = f"W_{g}·v + p_{g}∘{pc} + b_{g}" if pc else f"W_{g}·v + b_{g}"
    title = f"{text} layer ({name}): {SPOKEN[gate]} = {text}({pre}); z_{g} = {pre} = {full_vector(z)}"
    return layer(x, _TOP, text, ids, title, name.split()[0])


def _boxes(at: _Columns, values: dict, last: dict) -> tuple[Box, ...]:
    boxes = []
    if at.forget:
        boxes.append(_layer(at, at.xf, "σ", "f", "sigmoid", "f", "forget gate", last["z_f"]))
    if at.coupled:
        boxes.append(pill(at.xi, _Y_ONE, "1 −", "i.coupled",
                          f"coupled input gate, no layer of its own: i = 1 − f = {full_vector(last['i'])}"))
    else:
        boxes.append(_layer(at, at.xi, "σ", "i", "sigmoid", "i", "input gate", last["z_i"]))
    return (*boxes,
            _layer(at, at.xc, "tanh", "C_tilde", "tanh", "C", "candidate", last["z_C"]),
            _layer(at, at.xo, "σ", "o", "sigmoid", "o", "output gate", last["z_o"]),
            pill(at.x_out, _Y["pill"], "tanh", "h.tanh",
                 f"tanh, entry by entry: tanh(Cₜ) = {full_vector(values['tanh_C'])}"))


def _nodes(at: _Columns, values: dict, last: dict) -> tuple:
    nodes = []
    if at.forget:
        nodes.append(node(at.xf, _CS, "times", "C.forget", f"forget: f∘Cₜ₋₁ = {full_vector(values['kept'])}"))
    return (*nodes,
            node(at.xc, _Y["mid"], "times", "C.input", f"write: i∘C̃ = {full_vector(values['written'])}"),
            node(at.xc, _CS, "plus", "C.update",
                 f"Cₜ = {'f∘' if at.forget else ''}Cₜ₋₁ + i∘C̃ = {full_vector(last['C'])}"),
            node(at.x_out, _BOXC, "times", "h.update", f"hₜ = o∘tanh(Cₜ) = {full_vector(last['h'])}"))


@lru_cache(maxsize=64)
def _dots(at: _Columns) -> tuple[Dot, ...]:
    """Where a wire branches."""
    xf, xi, xc = at.xf, at.xi, at.xc
    reads = (xf, xi, xc) if at.forget and not at.coupled else (xf, xc) if at.coupled else (xi, xc)
    dots = [Dot(coord(at.x_join), coord(_BUS), "v.concat"),
            *(Dot(coord(x), coord(_BUS), f"v.concat {at.matmuls()}") for x in reads),
            Dot(coord(at.x_out), coord(_CS), "C.update h.tanh"), Dot(coord(at.x_h), coord(_BUS), "h.update")]
    if at.coupled:
        dots.append(Dot(coord(xf), coord(_Y_ONE), "f.sigmoid C.forget i.coupled"))
    if at.peephole:
        x_pf, _, x_po = at.peepholes
        dots += [Dot(coord(x_pf), coord(_CS), "C.forget f.peephole i.peephole"),
                 Dot(coord(x_pf), coord(_RAIL), "f.peephole i.peephole"),
                 Dot(coord(x_po), coord(_CS), "C.update h.tanh o.peephole")]
    return tuple(dots)


def _labels(at: _Columns, values: dict, ex: Shown) -> tuple[Label, ...]:
    """Each wire's value, beside it; C_t and h_t named where they leave."""
    last, xf, xi, xc = ex.last, at.xf, at.xi, at.xc
    labels = [
        label("C_prev", values["C_prev"], EDGE, _CS - 8,
              "C.forget f.peephole i.peephole" if at.forget else "C.update", "out"),
        label("h_prev", values["h_prev"], EDGE, _BUS - 8, "v.concat", "out"),
        label("x", values["x"], at.x_join + PAD, _Y["x_label"], "v.concat", "out"),
        Label(coord(at.x_join + PAD), coord(_Y["v_label"]),
              runs(("v", "nm"), (" = " + short_vector(last["v"]), "val")),
              f"v.concat {at.matmuls()}", f"v = {ex.order} = {full_vector(last['v'])}"),
    ]
    if at.forget:
        labels += [label("kept", values["kept"], xf + R + 6, _CS - 8, "C.forget C.update"),
                   label("f", values["f"], xf + PAD, _Y["upper"],
                         "f.sigmoid C.forget i.coupled" if at.coupled else "f.sigmoid C.forget")]
    labels += [
        label("i", values["i"], xi + PAD, _Y_ONE - 20 if at.coupled else _Y["lower"],
              "i.coupled C.input" if at.coupled else "i.sigmoid C.input"),
        label("C_tilde", values["C_tilde"], xc + PAD, _Y["lower"], "C_tilde.tanh C.input"),
        label("written", values["written"], xc + PAD, _Y["upper"], "C.input C.update"),
        label("C", values["C"], xc + R + 6, _CS - 8, "C.update h.tanh o.peephole"),
        label("tanh_C", values["tanh_C"], at.x_out + PAD, _Y["tanh_label"], "h.tanh h.update"),
        label("o", values["o"], at.xo + BW / 2 + 6, _Y["o_label"], "o.sigmoid h.update"),
        label("h", values["h"], at.x_h - PAD, _Y["h_label"], "h.update", "end out"),
        name_label("C", at.cell_r + 8, _CS - 8, "C.update", f"Cₜ = {full_vector(last['C'])}", "out"),
        name_label("h", at.cell_r + 8, _BUS - 8, "h.update", f"hₜ = {full_vector(last['h'])}", "out"),
    ]
    if at.peephole:
        x_pf, _, x_po = at.peepholes
        labels += [label("pf", values["pf"], x_pf - PAD, _Y["upper"], "f.peephole f.peepsum", "end"),
                   label("pi", values["pi"], xf + 6 + 4, _RAIL - 7, "i.peephole i.peepsum"),
                   label("po", values["po"], x_po + PAD, _Y["upper"] + 4, "o.peephole o.peepsum")]
    return tuple(labels)


# ------------------------------------------------------------------------ the words

_CAPTIONS = {  # what each option changes in Colah's picture; the standard LSTM's is in the template
    "no_forget": "One step of the original LSTM (1997), drawn as in Colah's “Understanding LSTM Networks”: "
                 "there is no forget layer, so the old cell state runs straight into the ⊕ and is kept "
                 "whole (∂Cₜ/∂Cₜ₋₁ = 1, the constant error carousel); three layers (σ, tanh, σ) read v.",
    "peephole": "One step of the peephole LSTM (Gers & Schmidhuber), drawn as in Colah's post: the "
                "extra wires from the cell line are the peepholes, Cₜ₋₁ into the f and i layers and the "
                "new Cₜ into the o layer, each weighted entry by entry (p∘C).",
    "coupled": "One step of the LSTM with coupled gates, drawn as in Colah's post: there is no input "
               "layer; the 1 − node on the forget gate's wire gives i = 1 − f, so the cell writes "
               "exactly where it forgets.",
}


def _words(ex: Shown, values: dict, name: str, forget: bool, peephole: bool, coupled: bool) -> dict:
    """The picture's title, its description (every value in a sentence) and its caption."""
    s = {k: short_vector(v) for k, v in values.items()}
    if not forget:
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
    if peephole:
        peep_text = (f" Peephole wires let the gates see the cell state: Cₜ₋₁ drops from the cell line into "
                     f"the f and i layers (p_f∘Cₜ₋₁ = {s['pf']}, p_i∘Cₜ₋₁ = {s['pi']}), and the new Cₜ "
                     f"into the o layer (p_o∘Cₜ = {s['po']}), which therefore comes after the cell update.")
    option = "no_forget" if not forget else "peephole" if peephole else "coupled" if coupled else ""
    # (the standard picture keeps the first description's opening)
    opening = f"One {name} step drawn as" if not option else f"One step of the {name}, drawn as"
    desc = (f"{opening} in Colah's diagram, n = {ex.n}, m = {ex.m}. Along the top "
            f"runs the cell state: {top_text}, giving Cₜ = {s['C']}, which leaves on the right. Below, "
            f"hₜ₋₁ = {s['h_prev']} and xₜ = {s['x']} enter at the bottom left and are joined into "
            f"v = {ex.order} = {s['v']}, which {layers}.{peep_text} tanh(Cₜ) = {s['tanh_C']} times o is the "
            f"new hidden state hₜ = {s['h']}, which leaves at the bottom right and upwards.")
    caption = _CAPTIONS.get(option, "")
    if caption:
        caption += (" The wires carry this example's values (hover one for all of its entries); when you "
                    "step through, the current step's parts light up.")
    return dict(title=f"The {name} cell with this example's values: hₜ = {s['h']}, Cₜ = {s['C']}",
                desc=desc, caption=caption)
