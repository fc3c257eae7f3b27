"""The Minimal Gated Unit (Zhou, Wu, Zhang & Zhou 2016, "Minimal Gated Unit for Recurrent
Neural Networks"): one gate, no cell state. With v = [h_{t-1}, x_t] (or [x_t, h_{t-1}]) as in
`lstm.py`:

    f_t   = σ(W_f · v + b_f)
    h̃_t   = tanh(W_h · [f_t ∘ h_{t-1}, x_t] + b_h)      (the concat order of v)
    h_t   = (1 − f_t) ∘ h_{t-1} + f_t ∘ h̃_t

Shapes: W_f and W_h are (n, n+m), b_f and b_h (n,), as for the LSTM's gates. The one gate does
the GRU's two jobs: like the GRU's reset gate it decides how much of h_{t-1} the candidate reads,
and like its update gate how much of h_{t-1} is replaced (f = 1 takes the candidate whole).
`mgu_cell` repeats these lines in this order and with these names.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..pictures.svg import (BH, BW, EDGE, PAD, R, Diagram, Dot, Label, coord, full_vector, layer, node, pill,
                            runs, short_vector, text_width, wire)
from ..pictures.values import Shown
from ..trace import Sym, Trace
from .lstm import GATE_FORMS, concat_step, gate_steps
from .spec import CellSpec, FormGroup

MGU_PARAMS = ("W_f", "b_f", "W_h", "b_h")

# (API name, LaTeX symbol, activation, title, purpose): the table gate_steps reads.
GATE_TEXT = ("f", "f_t", "sigmoid", "Forget gate",
             "how much of each entry of h_{t-1} to forget and replace by the candidate "
             "(0 = keep it, 1 = take the candidate), and how much of it the candidate reads")


def mgu_cell(t: Trace, x: Sym, h_prev: Sym, params: dict[str, Sym], concat: str) -> dict[str, Sym]:
    """The equations of the module docstring, recorded into `t`. Returns the step's named
    results (v, z_f, f, z_h, h_tilde, h)."""
    n, m = h_prev.shape[0], x.shape[0]
    v = concat_step(t, x, h_prev, concat, n, m)
    # f_t = σ(W_f · v + b_f)
    z_f, f = gate_steps(t, "f", v, params, text=GATE_TEXT, unit="hidden unit")

    # h̃_t = tanh(W_h · [f_t ∘ h_{t-1}, x_t] + b_h)
    fh = t.hadamard("h_tilde.forget", "Candidate: forget part of the old state", r"f_t \circ h_{t-1}",
                    "The gate scales h_{t-1} entry by entry before the candidate reads it: f = 0 "
                    "makes the candidate ignore that entry of the old state.",
                    f, h_prev, "f*h_prev", r"f_t \circ h_{t-1}")
    first, second = (fh, x) if concat == "hx" else (x, fh)
    v_f = t.concat("h_tilde.concat", f"Candidate: stack {first.latex} and {second.latex}",
                   rf"v_f = [{first.latex}, {second.latex}]",
                   "The candidate reads the gated old state with the input, in the concat order of "
                   "v, so W_h has the same n+m columns as W_f.",
                   first, second, "v_f", "v_f")
    # (n, n+m) @ (n+m,) -> (n,)
    Wv = t.matvec("h_tilde.matmul", "Candidate: multiply W_h by v_f", r"W_h \cdot v_f",
                  "Row k of W_h times v_f gives entry k: one row per hidden unit.",
                  params["W_h"], v_f, "W_hv_f", r"W_h \cdot v_f")
    z_h = t.add("h_tilde.bias", "Candidate: add the bias b_h", r"z_h = W_h \cdot v_f + b_h",
                "The bias is added entry by entry; z_h is the candidate's pre-activation.",
                Wv, params["b_h"], "z_h", "z_h")
    h_tilde = t.tanh("h_tilde.tanh", "Candidate: apply tanh", r"\tilde{h}_t = \tanh(z_h)",
                     "tanh squashes each entry into (-1, 1): the new hidden state the cell "
                     "proposes.", z_h, "h_tilde", r"\tilde{h}_t")

    # h_t = (1 − f_t) ∘ h_{t-1} + f_t ∘ h̃_t
    keep = t.one_minus("h.oneminus", "Hidden state: how much of the old state to keep",
                       r"1 - f_t", "What the gate does not forget is kept: 1 − f.", f,
                       "1-f", r"(1 - f_t)")
    old = t.hadamard("h.old", "Hidden state: keep from the old state", r"(1 - f_t) \circ h_{t-1}",
                     "1 − f scales the old hidden state entry by entry.", keep, h_prev,
                     "(1-f)*h_prev", r"(1 - f_t) \circ h_{t-1}")
    new = t.hadamard("h.new", "Hidden state: take from the candidate", r"f_t \circ \tilde{h}_t",
                     "f scales the candidate entry by entry.", f, h_tilde,
                     "f*h_tilde", r"f_t \circ \tilde{h}_t")
    h = t.add("h.update", "Hidden state: the new h_t", r"h_t = (1 - f_t) \circ h_{t-1} + f_t \circ \tilde{h}_t",
              "A mix, entry by entry, of the old state and the candidate: the weights 1 − f and f "
              "add up to 1.", old, new, "h", "h_t")
    return {"v": v, "z_f": z_f, "f": f, "z_h": z_h, "h_tilde": h_tilde, "h": h}


def step(t, x, h_prev, C_prev, params, inp):
    return mgu_cell(t, x, h_prev, params, inp.concat)


# ------------------------------------------------------------------------- the picture
#
# Laid out like the GRU's (pictures/gru.py), with its one gate doing both jobs:
#
#     h_{t-1} ──┬─────┬─────────⊗──────────────⊕──── h_t
#               │     │       (1 −)            │
#               │     │         ├──────────────⊗ f∘h̃
#               │     ⊗─────────┼────┐         │
#               │  f  │         │    │   h̃     │
#               │    [σ]────────┘ [tanh]───────┘
#               └─ v ──┘               │
#         x_t ─────────────────────────┘

_Y = dict(top=64, pill=97, one=130, mid=176, box=234, bus=300, xline=326)
_CS, _TOP, _BUS = _Y["top"], _Y["box"], _Y["bus"]
_BOXC, _BOTTOM = _TOP + BH / 2, _TOP + BH
_FORK = _TOP - 20  # where f's wire leaves for the 1 − node and f∘h̃
_HEIGHT = _Y["xline"] + 50

# Symbols as text runs (pictures/svg.py): each label's name, and how it reads on hover.
_SYMBOLS = {
    "h_prev": ((("h", "nm"), ("t−1", "sub")), "hₜ₋₁"), "x": ((("x", "nm"), ("t", "sub")), "xₜ"),
    "v": ((("v", "nm"),), "v"), "f": ((("f", "nm"),), "f"), "fh": ((("f∘h", "nm"), ("t−1", "sub")), "f∘hₜ₋₁"),
    "omf": ((("1 − f", "nm"),), "1 − f"), "keep": ((("(1 − f)∘h", "nm"), ("t−1", "sub")), "(1 − f)∘hₜ₋₁"),
    "h_tilde": ((("h\u0303", "nm"),), "h̃"), "new": ((("f∘h\u0303", "nm"),), "f∘h̃"),
    "h": ((("h", "nm"), ("t", "sub")), "hₜ"),
}


def _label(key: str, values, x: float, y: float, steps: str, cls: str = "") -> Label:
    symbol, spoken = _SYMBOLS[key]
    return Label(coord(x), coord(y), runs(*symbol, (" = " + short_vector(values), "val")), steps,
                 f"{spoken} = {full_vector(values)}", cls)


def _width(key: str, values) -> float:
    return text_width(runs(*_SYMBOLS[key][0], (" = " + short_vector(values), "val")))


@dataclass(frozen=True)
class _Columns:
    """The x of each column: the cell's edges, h_{t-1} down into v, x_t up into v, the σ layer
    (and f∘h_{t-1} above it), the 1 − node and what it keeps, the tanh layer, the ⊗ and ⊕ that
    make h_t, the picture's width."""

    cell_l: float
    x_a: float
    x_join: float
    xf: float
    xk: float
    xh: float
    x_plus: float
    cell_r: float
    width: float


def _columns(w: dict[str, float]) -> _Columns:
    """Columns, left to right, each as far as the labels before it need (`w`: their widths)."""
    cell_l = EDGE + w["h_prev"] + 12
    x_a = cell_l + 22
    x_join = x_a + 30
    xf = max(x_join + 80, x_join + PAD + w["v"] + PAD + BW / 2)
    xk = max(xf + BW + 44, xf + PAD + w["f"] + PAD, xf + R + 6 + 10)
    xh = max(xk + BW + 44, xk + 8 + w["fh"] + PAD + 16, xk + 23 + 6 + w["omf"] + PAD)
    x_plus = max(xh + BW / 2 + 60, xk + R + 6 + w["keep"] + 6 + R, xh + BW / 2 + 6 + w["h_tilde"] + PAD)
    x_end = max(x_plus + R + 6 + w["h"] + PAD, x_plus + PAD + w["new"] + PAD)
    cell_r = x_end + 10
    width = cell_r + 8 + text_width(runs(*_SYMBOLS["h"][0])) + EDGE + 4
    return _Columns(cell_l, x_a, x_join, xf, xk, xh, x_plus, cell_r, width)


def _wires(at: _Columns) -> list:
    xf, xk, xh, x_plus, mid, one = at.xf, at.xk, at.xh, at.x_plus, _Y["mid"], _Y["one"]
    x_in = xh - 16  # where f∘h_{t-1} enters the tanh layer
    read = "h_tilde.concat"  # the step that reads x_t and f∘h_{t-1} for h̃
    return [
        # h_{t-1} along the top: into v, into f∘h_{t-1}, kept by 1 − f; then h_t
        wire([[(0, _CS), (at.x_a, _CS)]], "v.concat h_tilde.forget h.old", arrow=False),
        wire([[(at.x_a, _CS), (xf, _CS)]], "h_tilde.forget h.old", arrow=False),
        wire([[(xf, _CS), (xk - R, _CS)]], "h.old"),
        wire([[(xk + R, _CS), (x_plus - R, _CS)]], "h.old h.update"),
        wire([[(x_plus + R, _CS), (at.width - 1, _CS)]], "h.update"),
        wire([[(xf, _CS), (xf, mid - R)]], "h_tilde.forget"),
        # v = [h_{t-1}, x_t] into the σ layer; x_t along its own line into the tanh layer
        wire([[(at.x_a, _CS), (at.x_a, _BUS), (at.x_join, _BUS)]], "v.concat", arrow=False),
        wire([[(at.x_join, _HEIGHT), (at.x_join, _Y["xline"])]], f"v.concat {read}", arrow=False),
        wire([[(at.x_join, _Y["xline"]), (at.x_join, _BUS)]], "v.concat", arrow=False),
        wire([[(at.x_join, _BUS), (xf, _BUS), (xf, _BOTTOM)]], "v.concat f.matmul"),
        wire([[(at.x_join, _Y["xline"]), (xh, _Y["xline"]), (xh, _BOTTOM)]], read),
        # f: up into f∘h_{t-1}; across to the 1 − node (keep) and to f∘h̃ (take)
        wire([[(xf, _TOP), (xf, mid + R)]], "f.sigmoid h_tilde.forget"),
        wire([[(xf, _FORK), (xk, _FORK), (xk, one)]], "f.sigmoid h.oneminus h.new", arrow=False),
        wire([[(xk, one), (xk, _Y["pill"] + 11)]], "f.sigmoid h.oneminus"),
        wire([[(xk, _Y["pill"] - 11), (xk, _CS + R)]], "h.oneminus h.old"),
        wire([[(xk, one), (x_plus - R, one)]], "f.sigmoid h.new"),
        # f∘h_{t-1} into the tanh layer, passing over f's wire
        wire([[(xf + R, mid), (xk - 6, mid)], [(xk + 6, mid), (x_in, mid), (x_in, _TOP)]],
             "h_tilde.forget h_tilde.concat"),
        # h̃ to f∘h̃, and f∘h̃ up into ⊕
        wire([[(xh + BW / 2, _BOXC), (x_plus, _BOXC), (x_plus, one + R)]], "h_tilde.tanh h.new"),
        wire([[(x_plus, one - R), (x_plus, _CS + R)]], "h.new h.update"),
    ]


def diagram(ex: Shown, inp) -> Diagram:
    """The MGU cell with `ex`'s values (the layout its spec names)."""
    last, by_id = ex.last, ex.result
    values = {"h_prev": ex.h_prev, "x": ex.x, "v": last["v"], "f": last["f"], "fh": by_id["h_tilde.forget"],
              "omf": by_id["h.oneminus"], "keep": by_id["h.old"], "h_tilde": last["h_tilde"],
              "new": by_id["h.new"], "h": last["h"]}
    at = _columns({key: _width(key, v) for key, v in values.items()})
    xf, xk, xh, x_plus, mid, one = at.xf, at.xk, at.xh, at.x_plus, _Y["mid"], _Y["one"]
    order = "[f∘hₜ₋₁, xₜ]" if ex.concat == "hx" else "[xₜ, f∘hₜ₋₁]"
    boxes = (
        layer(xf, _TOP, "σ", "f.matmul f.bias f.sigmoid",
              f"σ layer (the gate): f = σ(W_f·v + b_f); z_f = W_f·v + b_f = {full_vector(last['z_f'])}", "forget"),
        layer(xh, _TOP, "tanh", "h_tilde.concat h_tilde.matmul h_tilde.bias h_tilde.tanh",
              f"tanh layer (candidate): h̃ = tanh(W_h·{order} + b_h); z_h = {full_vector(last['z_h'])}",
              "candidate"),
        pill(xk, _Y["pill"], "1 −", "h.oneminus", f"1 − f = {full_vector(values['omf'])}"),
    )
    nodes = (
        node(xf, mid, "times", "h_tilde.forget", f"forget: f∘hₜ₋₁ = {full_vector(values['fh'])}"),
        node(xk, _CS, "times", "h.old", f"keep: (1 − f)∘hₜ₋₁ = {full_vector(values['keep'])}"),
        node(x_plus, one, "times", "h.new", f"take: f∘h̃ = {full_vector(values['new'])}"),
        node(x_plus, _CS, "plus", "h.update", f"hₜ = (1 − f)∘hₜ₋₁ + f∘h̃ = {full_vector(last['h'])}"),
    )
    dots = (Dot(coord(at.x_a), coord(_CS), "v.concat h_tilde.forget h.old"),
            Dot(coord(xf), coord(_CS), "h_tilde.forget h.old"),
            Dot(coord(at.x_join), coord(_BUS), "v.concat"),
            Dot(coord(at.x_join), coord(_Y["xline"]), "v.concat h_tilde.concat"),
            Dot(coord(xf), coord(_FORK), "f.sigmoid h_tilde.forget h.oneminus h.new"),
            Dot(coord(xk), coord(one), "f.sigmoid h.oneminus h.new"))
    labels = (
        _label("h_prev", values["h_prev"], EDGE, _CS - 8, "v.concat h_tilde.forget h.old", "out"),
        _label("x", values["x"], at.x_join + PAD, _Y["xline"] + 36, "v.concat h_tilde.concat", "out"),
        Label(coord(at.x_join + PAD), coord(_BUS - 8), runs(("v", "nm"), (" = " + short_vector(last["v"]), "val")),
              "v.concat f.matmul", f"v = {ex.order} = {full_vector(last['v'])}"),
        _label("f", values["f"], xf + PAD, _FORK + 16, "f.sigmoid h_tilde.forget h.oneminus h.new"),
        _label("fh", values["fh"], xk + 10, mid - 8, "h_tilde.forget h_tilde.concat"),
        _label("omf", values["omf"], xk + 23 + 6, _Y["pill"] + 4, "h.oneminus h.old"),
        _label("keep", values["keep"], xk + R + 6, _CS - 8, "h.old h.update"),
        _label("h_tilde", values["h_tilde"], xh + BW / 2 + 6, _BOXC - 6, "h_tilde.tanh h.new"),
        _label("new", values["new"], x_plus + PAD, (_CS + one) / 2 + 4, "h.new h.update"),
        _label("h", values["h"], x_plus + R + 6, _CS - 8, "h.update"),
        Label(coord(at.cell_r + 8), coord(_CS - 8), runs(*_SYMBOLS["h"][0]), "h.update",
              f"hₜ = {full_vector(last['h'])}", "out"),
    )
    s = {k: short_vector(v) for k, v in values.items()}
    return Diagram(
        width=coord(at.width), height=coord(_HEIGHT),
        cell=(coord(at.cell_l), "28", coord(at.cell_r - at.cell_l), coord(_Y["xline"] + 14 - 28)),
        wires=tuple(_wires(at)), boxes=boxes, nodes=nodes, dots=dots, labels=labels,
        title=f"The MGU cell with this example's values: hₜ = {s['h']}",
        desc=(f"One MGU step, n = {ex.n}, m = {ex.m}. There is no cell state: the hidden state runs along "
              f"the top. hₜ₋₁ = {s['h_prev']} enters on the left; with xₜ = {s['x']} it is joined into "
              f"v = {ex.order} = {s['v']}, which the one σ layer reads: the gate f = {s['f']}. f scales "
              f"hₜ₋₁ into f∘hₜ₋₁ = {s['fh']}, which the tanh layer reads with xₜ: the candidate is "
              f"h̃ = {s['h_tilde']}. The 1 − node gives 1 − f = {s['omf']}, which keeps "
              f"(1 − f)∘hₜ₋₁ = {s['keep']} on the top line; f takes f∘h̃ = {s['new']} from the candidate; "
              f"the ⊕ adds them: hₜ = {s['h']}, which leaves on the right."),
        caption=("One MGU step (Zhou et al. 2016), drawn like the GRU: there is no cell state, the hidden "
                 "state runs along the top, and one gate f does the GRU's two jobs — it scales hₜ₋₁ before "
                 "the tanh candidate h̃ reads it, and it mixes: hₜ = (1 − f)∘hₜ₋₁ + f∘h̃. The wires carry "
                 "this example's values (hover one for all of its entries); when you step through, the "
                 "current step's parts light up."),
    )


SPEC = CellSpec(
    name="mgu", title="MGU (minimal gated unit)", short="MGU", choice='"mgu" (one gate)',
    step=step, params=MGU_PARAMS, outputs=("f", "h_tilde", "h", "z_f", "z_h"),
    gates=(GATE_FORMS["f"],
           FormGroup("Candidate", "h\u0303_t = tanh(W_h·[f_t∘h_{t-1}, x_t] + b_h)", ("W_h", "b_h"))),
    gate_symbols=r"f_t, \tilde{h}_t",
    has_cell_state=False, unit="hidden unit",
    diagram=diagram, picture_name="MGU",
    preset=("Minimal gated unit", "One gate does it all: h_t = (1 − f_t)∘h_{t-1} + f_t∘h̃_t, with "
            "h̃_t reading f_t∘h_{t-1}.", 6),
)
