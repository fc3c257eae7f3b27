"""The GRU (Cho et al. 2014), laid out like Colah's GRU figure, with no cell-state line:

    h_{t-1} ──┬─────┬──────────⊗──────────────⊕──── h_t
              │  [W_h^h]   z   ├──(1 −)──────⊗ │
              │     ⊗─────────┼────┐         │
              │  r  │         │    │   h̃     │
              │    [σ]       [σ] [tanh]───────┘
              └─ v ──┴─────────┘     │
        x_t ───────────────────────────┘

r is applied where the option says: `reset_after=True` (gru_reset "after") multiplies r by
W_h^h·h_{t-1} (the small linear box); `reset_after=False` ("before") multiplies h_{t-1} by r
before the tanh layer reads [r∘h_{t-1}, x_t].
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .svg import (BH, BW, EDGE, PAD, SYMBOLS, R, Box, Diagram, Dot, Label, coord, full_vector, label, label_width,
                  layer, name_label, node, pill, runs, short_vector, text_width, wire)
from .values import Shown

# The rows: h along the top, the 1 − z row, the reset product, the layers, v, x_t's own line.
_Y = dict(top=64, one=118, wh=112, mid=168, box=234, bus=300, xline=326)
_Y["boxc"] = _Y["box"] + BH / 2
_Y["bottom"] = _Y["box"] + BH
_Y["cell_bottom"] = _Y["xline"] + 14
_Y["x_label"] = _Y["xline"] + 36
_HEIGHT = _Y["xline"] + 50
_CS, _BUS, _TOP, _BOTTOM, _BOXC = _Y["top"], _Y["bus"], _Y["box"], _Y["bottom"], _Y["boxc"]
_Y_NEW = (_CS + _Y["one"]) / 2 + 4  # (1 − z)∘h̃'s label


def diagram(ex: Shown, name: str, *, reset_after: bool) -> Diagram:
    """The GRU cell with `ex`'s values; `name` is how the title calls it ("GRU")."""
    values = _values(ex, reset_after)
    at = _columns({key: label_width(key, v) for key, v in values.items()}, reset_after)
    return Diagram(
        width=coord(at.width), height=coord(_HEIGHT),
        cell=(coord(at.cell_l), "28", coord(at.cell_r - at.cell_l), coord(_Y["cell_bottom"] - 28)),
        wires=_wires(at),
        boxes=_boxes(at, values, ex), nodes=_nodes(at, values, ex.last), dots=_dots(at),
        labels=_labels(at, values, ex), **_words(ex, values, name, reset_after),
    )


def _values(ex: Shown, after: bool) -> dict:
    """What the labels show, by symbol key (svg.SYMBOLS)."""
    by_id, last = ex.result, ex.last
    values = {"h_prev": ex.h_prev, "x": ex.x, "v": last["v"], "r": last["r"], "z": last["z"],
              "h_tilde": last["h_tilde"], "zh": by_id["h.old"], "omz": by_id["h.oneminus"],
              "new": by_id["h.new"], "h": last["h"], "rWh" if after else "rh": by_id["h_tilde.reset"]}
    if after:
        values["Whh"] = by_id["h_tilde.matmulh"]
    return values


@dataclass(frozen=True)
class _Columns:
    """Where r applies, and the x of each column: the cell's edges, h_{t-1} down into v, x_t up
    into v, the r, z and h̃ layers, the ⊗ and ⊕ that make h_t, the picture's width."""

    after: bool
    cell_l: float
    x_a: float
    x_join: float
    xr: float
    xz: float
    xh: float
    x_plus: float
    cell_r: float
    width: float

    @property
    def cand(self) -> str:
        """The first step that reads h_{t-1} for h̃."""
        return "h_tilde.matmulh" if self.after else "h_tilde.reset"

    @property
    def xread(self) -> str:
        """The step that reads x_t for h̃."""
        return "h_tilde.matmulx" if self.after else "h_tilde.concat"

    @property
    def reset_read(self) -> str:
        """The reset product and the step that reads it."""
        return "h_tilde.reset h_tilde.sum" if self.after else "h_tilde.reset h_tilde.concat"


def _columns(w: dict[str, float], after: bool) -> _Columns:
    """Columns, left to right, each as far as the labels before it need (`w`: the labels' widths)."""
    w_rh = w["rWh" if after else "rh"]
    cell_l = EDGE + w["h_prev"] + 12
    x_a = cell_l + 22  # h_{t-1} down to v
    x_join = x_a + 30  # x_t up into v
    xr = max(x_join + 80, x_join + PAD + w["v"] + PAD + BW / 2)
    xz = max(xr + BW + 44, xr + PAD + w["r"] + PAD, xr + R + 6 + 10)
    if after:
        xz = max(xz, xr + PAD + w["Whh"] + PAD)
    xh = max(xz + BW + 44,
             xz + PAD + w["z"] + PAD + 16,  # z's label, left of the reset wire into the tanh layer
             xz + 8 + w_rh + PAD + 16)  # r∘…'s label, after it passes over z's wire
    x_plus = max(xh + BW / 2 + 60,
                 xh + 23 + 6 + w["omz"] + 6 + R,  # 1 − z's label, between the 1 − node and ⊗
                 xz + R + 6 + w["zh"] + 6 + R,  # z∘h_{t-1}'s label, on the top line
                 xh + BW / 2 + 6 + w["h_tilde"] + PAD)  # h̃'s label, on its wire to ⊗
    x_end = max(x_plus + R + 6 + w["h"] + PAD, x_plus + PAD + w["new"] + PAD)
    cell_r = x_end + 10
    width = cell_r + 8 + text_width(runs(*SYMBOLS["h"])) + EDGE + 4
    return _Columns(after, cell_l, x_a, x_join, xr, xz, xh, x_plus, cell_r, width)


# ------------------------------------------------------------------------ the wires

@lru_cache(maxsize=64)  # the wires depend on the columns alone, which often repeat (same label widths)
def _wires(at: _Columns) -> tuple:
    return (*_hidden_wires(at), *_input_wires(at), *_gate_wires(at), *_reset_wires(at))


def _hidden_wires(at: _Columns) -> list:
    """h_{t-1}, along the top: into v, into the candidate, kept by z, then h_t."""
    return [
        wire([[(0, _CS), (at.x_a, _CS)]], f"v.concat {at.cand} h.old", arrow=False),
        wire([[(at.x_a, _CS), (at.xr, _CS)]], f"{at.cand} h.old", arrow=False),
        wire([[(at.xr, _CS), (at.xz - R, _CS)]], "h.old"),
        wire([[(at.xz + R, _CS), (at.x_plus - R, _CS)]], "h.old h.update"),
        wire([[(at.x_plus + R, _CS), (at.width - 1, _CS)]], "h.update"),
    ]


def _input_wires(at: _Columns) -> list:
    """v = [h_{t-1}, x_t] into the r and z layers; x_t along its own line into the tanh layer."""
    x_a, x_join, xr, xz, xline = at.x_a, at.x_join, at.xr, at.xz, _Y["xline"]
    return [
        wire([[(x_a, _CS), (x_a, _BUS), (x_join, _BUS)]], "v.concat", arrow=False),
        wire([[(x_join, _HEIGHT), (x_join, xline)]], f"v.concat {at.xread}", arrow=False),
        wire([[(x_join, xline), (x_join, _BUS)]], "v.concat", arrow=False),
        wire([[(x_join, _BUS), (xr, _BUS)]], "v.concat r.matmul z.matmul", arrow=False),
        wire([[(xr, _BUS), (xz, _BUS), (xz, _BOTTOM)]], "v.concat z.matmul"),
        wire([[(xr, _BUS), (xr, _BOTTOM)]], "v.concat r.matmul"),
        wire([[(x_join, xline), (at.xh, xline), (at.xh, _BOTTOM)]], at.xread),
    ]


def _gate_wires(at: _Columns) -> list:
    """r to its product and the product into the tanh layer; z keeps z∘h_{t-1}, 1 − z takes
    (1 − z)∘h̃ from the candidate; the two meet in the ⊕."""
    xr, xz, xh, x_plus, mid, one = at.xr, at.xz, at.xh, at.x_plus, _Y["mid"], _Y["one"]
    x_r_in = xh - 16  # where r∘… enters the tanh layer
    return [
        wire([[(xr, _TOP), (xr, mid + R)]], "r.sigmoid h_tilde.reset"),
        # passing over z's wire
        wire([[(xr + R, mid), (xz - 6, mid)], [(xz + 6, mid), (x_r_in, mid), (x_r_in, _TOP)]], at.reset_read),
        wire([[(xz, _TOP), (xz, one)]], "z.sigmoid h.old h.oneminus", arrow=False),
        wire([[(xz, one), (xz, _CS + R)]], "z.sigmoid h.old"),
        wire([[(xz, one), (xh - 23, one)]], "z.sigmoid h.oneminus"),
        wire([[(xh + 23, one), (x_plus - R, one)]], "h.oneminus h.new"),
        # h̃ to its product, and the product up into ⊕
        wire([[(xh + BW / 2, _BOXC), (x_plus, _BOXC), (x_plus, one + R)]], "h_tilde.tanh h.new"),
        wire([[(x_plus, one - R), (x_plus, _CS + R)]], "h.new h.update"),
    ]


def _reset_wires(at: _Columns) -> list:
    """h_{t-1} down to r's product: through Wₕʰ's box (after) or as it is (before)."""
    xr = at.xr
    if at.after:
        return [wire([[(xr, _CS), (xr, _Y["wh"] - 12)]], "h_tilde.matmulh"),
                wire([[(xr, _Y["wh"] + 12), (xr, _Y["mid"] - R)]], "h_tilde.matmulh h_tilde.reset")]
    return [wire([[(xr, _CS), (xr, _Y["mid"] - R)]], "h_tilde.reset")]


# ---------------------------------------------------------- layers, nodes, dots, labels

def _boxes(at: _Columns, values: dict, ex: Shown) -> tuple[Box, ...]:
    last = ex.last
    if at.after:
        cand_ids = "h_tilde.xcols h_tilde.matmulx h_tilde.bias h_tilde.sum h_tilde.tanh"
        cand_pre = "Wₕˣ·xₜ + b_h + r∘(Wₕʰ·hₜ₋₁)"
    else:
        cand_ids = "h_tilde.concat h_tilde.matmul h_tilde.bias h_tilde.tanh"
        cand_pre = ("W_h·[r∘hₜ₋₁, xₜ] + b_h" if ex.concat == "hx" else "W_h·[xₜ, r∘hₜ₋₁] + b_h")
    boxes = [
        layer(at.xr, _TOP, "σ", "r.matmul r.bias r.sigmoid",
              f"σ layer (reset gate): r = σ(W_r·v + b_r); z_r = W_r·v + b_r = {full_vector(last['z_r'])}",
              "reset"),
        layer(at.xz, _TOP, "σ", "z.matmul z.bias z.sigmoid",
              f"σ layer (update gate): z = σ(W_z·v + b_z); z_z = W_z·v + b_z = {full_vector(last['z_z'])}",
              "update"),
        layer(at.xh, _TOP, "tanh", cand_ids,
              f"tanh layer (candidate): h̃ = tanh({cand_pre}); z_h = {full_vector(last['z_h'])}", "candidate"),
        pill(at.xh, _Y["one"], "1 −", "h.oneminus", f"1 − z = {full_vector(values['omz'])}"),
    ]
    if at.after:
        xr, wh = at.xr, _Y["wh"]
        boxes.append(Box(coord(xr - 22), coord(wh - 12), "44", "24", coord(xr), coord(wh), "Wₕʰ",
                         "h_tilde.hcols h_tilde.matmulh",
                         f"Wₕʰ, the columns of W_h that meet hₜ₋₁ (no activation): Wₕʰ·hₜ₋₁ = "
                         f"{full_vector(values['Whh'])}", "lin", "3"))
    return tuple(boxes)


def _nodes(at: _Columns, values: dict, last: dict) -> tuple:
    rh = values["rWh" if at.after else "rh"]
    return (
        node(at.xr, _Y["mid"], "times", "h_tilde.reset",
             f"reset: {'r∘(Wₕʰ·hₜ₋₁)' if at.after else 'r∘hₜ₋₁'} = {full_vector(rh)}"),
        node(at.xz, _CS, "times", "h.old", f"keep: z∘hₜ₋₁ = {full_vector(values['zh'])}"),
        node(at.x_plus, _Y["one"], "times", "h.new", f"take: (1 − z)∘h̃ = {full_vector(values['new'])}"),
        node(at.x_plus, _CS, "plus", "h.update", f"hₜ = (1 − z)∘h̃ + z∘hₜ₋₁ = {full_vector(last['h'])}"),
    )


@lru_cache(maxsize=64)
def _dots(at: _Columns) -> tuple[Dot, ...]:
    """Where a wire branches."""
    x_join, xr = at.x_join, at.xr
    return (Dot(coord(at.x_a), coord(_CS), f"v.concat {at.cand} h.old"),
            Dot(coord(xr), coord(_CS), f"{at.cand} h.old"),
            Dot(coord(x_join), coord(_BUS), "v.concat"), Dot(coord(xr), coord(_BUS), "v.concat r.matmul z.matmul"),
            Dot(coord(x_join), coord(_Y["xline"]), f"v.concat {at.xread}"),
            Dot(coord(at.xz), coord(_Y["one"]), "z.sigmoid h.old h.oneminus"))


def _labels(at: _Columns, values: dict, ex: Shown) -> tuple[Label, ...]:
    """Each wire's value, beside it; h_t named where it leaves."""
    last, x_join, xr, xz, xh, x_plus, mid = ex.last, at.x_join, at.xr, at.xz, at.xh, at.x_plus, _Y["mid"]
    key = "rWh" if at.after else "rh"
    labels = [
        label("h_prev", values["h_prev"], EDGE, _CS - 8, f"v.concat {at.cand} h.old", "out"),
        label("x", values["x"], x_join + PAD, _Y["x_label"], f"v.concat {at.xread}", "out"),
        Label(coord(x_join + PAD), coord(_BUS - 8), runs(("v", "nm"), (" = " + short_vector(last["v"]), "val")),
              "v.concat r.matmul z.matmul", f"v = {ex.order} = {full_vector(last['v'])}"),
        label("r", values["r"], xr + PAD, mid + 46, "r.sigmoid h_tilde.reset"),
        label("z", values["z"], xz + PAD, mid + 46, "z.sigmoid h.old h.oneminus"),
        label(key, values[key], xz + 10, mid - 8, at.reset_read),
        label("zh", values["zh"], xz + R + 6, _CS - 8, "h.old h.update"),
        label("omz", values["omz"], xh + 23 + 6, _Y["one"] - 8, "h.oneminus h.new"),
        label("h_tilde", values["h_tilde"], xh + BW / 2 + 6, _BOXC - 6, "h_tilde.tanh h.new"),
        label("new", values["new"], x_plus + PAD, _Y_NEW, "h.new h.update"),
        label("h", values["h"], x_plus + R + 6, _CS - 8, "h.update"),
        name_label("h", at.cell_r + 8, _CS - 8, "h.update", f"hₜ = {full_vector(last['h'])}", "out"),
    ]
    if at.after:
        labels.append(label("Whh", values["Whh"], xr + PAD, mid - 24, "h_tilde.matmulh h_tilde.reset"))
    return tuple(labels)


# ------------------------------------------------------------------------ the words

def _words(ex: Shown, values: dict, name: str, after: bool) -> dict:
    """The picture's title, its description (every value in a sentence) and its caption."""
    s = {k: short_vector(v) for k, v in values.items()}
    reset = (f"r multiplies Wₕʰ·hₜ₋₁ (the columns of W_h that meet hₜ₋₁), giving r∘(Wₕʰ·hₜ₋₁) = "
             f"{s['rWh']}, which the tanh layer adds to Wₕˣ·xₜ + b_h (reset after the product, as PyTorch "
             f"and Keras do)" if after else
             f"r multiplies hₜ₋₁, giving r∘hₜ₋₁ = {s['rh']}, which the tanh layer reads with xₜ (reset "
             f"before the product, as in Cho et al. 2014)")
    desc = (f"One {name} step, n = {ex.n}, m = {ex.m}. There is no cell state: the hidden state runs along "
            f"the top. hₜ₋₁ = {s['h_prev']} enters on the left; with xₜ = {s['x']} it is joined into "
            f"v = {ex.order} = {s['v']}, which two σ layers read: the reset gate r = {s['r']} and the update "
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
    return dict(title=f"The {name} cell with this example's values: hₜ = {s['h']}", desc=desc, caption=caption)
