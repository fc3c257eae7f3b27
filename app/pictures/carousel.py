"""The constant error carousel, as a picture for the backward page: how much of the gradient at
C_T reaches C_{T−k}, k steps back, along the cell state alone.

    C_t = f_t ∘ C_{t-1} + i_t ∘ C̃_t          ∂C_t/∂C_{t-1} = f_t (entry by entry)
    ∂C_T/∂C_{T−k} (the cell-state path) = f_T ∘ f_{T−1} ∘ … ∘ f_{T−k+1}

— the product of the last k forget gates (peephole and coupled cells have an f too; C also
reaches later steps through h_t and the gates, paths this product leaves out). Without a forget
gate (the 1997 LSTM, `no_forget`) C_t = C_{t-1} + i_t ∘ C̃_t and the product is exactly 1 for
every k: the constant error carousel. Beside it, for comparison, what a plain tanh RNN with
recurrent weight 1 would multiply by at each step, tanh′ = 1 − h_t²:
(1 − h_T²) ∘ … ∘ (1 − h_{T−k+1}²), with this example's h_t standing in for its state.

For one time step (T = 1) the picture repeats that step's f and h for REPEAT steps ("if every
step had this step's f"): f^k and (1 − h²)^k.

`products` is the data (numpy, float64, multiplied in the backward pass's order: from T
backwards, so it equals the backward pass's numbers bit for bit); `carousel_plot` is the picture
as plain immutable data — SVG coordinates as text, labels, each point's exact value — for
`render_svg.carousel_svg` and `templates/_carousel.html`, styled by classes in
`static/diagram.css` (the CSP allows no style attributes). A cell without a cell state (the
GRU): None.

The caller says what the cell is: `words` names it in the legend ("this peephole LSTM"), and the
options are the LSTM layout's (`lstm.diagram`): `forget=False` draws the carousel itself as the
example's line, `peephole` and `coupled` add a note on the paths the product leaves out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from markupsafe import Markup

from .. import fmt
from .svg import Part, coord, runs

REPEAT = 10  # a single step is drawn as if it repeated this many times
ENTRY_LINES = 6  # up to this many entries of C: one line each; more: their mean and range
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Products:
    n: int
    T: int  # the example's time steps
    K: int  # k = 0 … K steps back: T, or REPEAT for a single step
    repeated: bool  # T = 1, drawn as if every step had this step's f and h
    f: np.ndarray  # (K+1, n): row k is f_T ∘ … ∘ f_{T−k+1} (row 0: ones); ones for no_forget
    rnn: np.ndarray  # (K+1, n): row k is (1 − h_T²) ∘ … ∘ (1 − h_{T−k+1}²)


def products(inp, res) -> Products | None:
    """The two products for k = 0 … K, from `res.timesteps` (a `sequence.Unrolled` of the
    `fields.Inputs` inp); None for a cell without a cell state (the GRU)."""
    if "C" not in res.last:
        return None
    n = inp.n
    fs = [np.asarray(ts["f"], dtype=np.float64) if "f" in ts else np.ones(n) for ts in res.timesteps]
    hs = [np.asarray(ts["h"], dtype=np.float64) for ts in res.timesteps]
    repeated = len(fs) == 1
    if repeated:
        fs, hs = fs * REPEAT, hs * REPEAT
    K = len(fs)
    f = np.ones((K + 1, n))
    rnn = np.ones((K + 1, n))
    for k in range(1, K + 1):  # step T−k+1 is fs[-k]: walking back from T, as backprop does
        f[k] = f[k - 1] * fs[-k]
        rnn[k] = rnn[k - 1] * (1.0 - hs[-k] * hs[-k])
    return Products(n, len(res.timesteps), K, repeated, f, rnn)


# ------------------------------------------------------------------------------ the picture

# Texts and points are NamedTuples, not frozen dataclasses: as immutable, and built several
# times faster (a frozen dataclass sets each field through object.__setattr__); a backward page
# draws 66 points for one step, more for a sequence.
class Text(NamedTuple):
    x: str
    y: str
    text: str
    cls: str = ""


class Point(NamedTuple):
    cx: str
    cy: str
    k: int
    j: int  # entry, 1-based; 0 for a mean (and the no-forget line)
    title: str


@dataclass(frozen=True)
class Line:
    """One series: a polyline, its points, and for a mean its range as a band."""

    series: str  # "f" (this cell's product), "rnn" (the tanh RNN's), "cec" (no forget gate: 1)
    cls: str  # classes: the series and the entry's colour (e1 … e6) or "mean"
    points: str
    marks: tuple[Point, ...]
    band: str = ""  # polygon points of min … max (mean mode)
    title: str = ""


@dataclass(frozen=True)
class LegendItem:
    cls: str  # the swatch's line classes
    text: str


@dataclass(frozen=True)
class Carousel:
    width: str
    height: str
    grid: tuple[tuple[str, str, str, str], ...]
    axes: str
    ticks: tuple[Text, ...]
    x_name: tuple[Part, ...]
    x_name_at: tuple[str, str]
    y_name: tuple[Part, ...]
    y_name_at: tuple[str, str]
    cec: Line  # the flat line at exactly 1
    cec_label: Text
    lines: tuple[Line, ...]  # tanh RNN first (under), then this cell's f
    labels: tuple[Text, ...]  # entry numbers at the lines' right ends
    legend: tuple[LegendItem, ...]
    title: str
    desc: str
    caption: str
    notes: tuple[str, ...]
    data: Products


_W, _H = 396.0, 246.0
_X0, _X1, _TOP, _BOTTOM = 42.0, 352.0, 42.0, 196.0
_LABEL_GAP = 12.5  # between the entry numbers at the right


def _x(k: int, K: int) -> float:
    return _X0 + k / K * (_X1 - _X0)


def _y(v: float) -> float:
    return _BOTTOM - v * (_BOTTOM - _TOP)


def _pts(values, K: int) -> str:
    return " ".join(f"{coord(_x(k, K))},{coord(_y(float(v)))}" for k, v in enumerate(values))


def _sub(t: int) -> str:
    return str(t).translate(_SUBSCRIPT)


def _factors(kind: str, k: int, T: int, repeated: bool) -> str:
    """f₃·f₂ (a sequence) or f³ (one step, repeated); the tanh RNN's (1 − h₃²)·(1 − h₂²)."""
    one = "f" if kind == "f" else "(1 − h²)"
    if repeated:
        return one if k == 1 else f"{one}{str(k).translate(_SUPERSCRIPT)}"
    factor = (lambda t: f"f{_sub(t)}") if kind == "f" else (lambda t: f"(1 − h{_sub(t)}²)")
    ts = list(range(T, T - k, -1))
    if len(ts) <= 3:
        return "·".join(factor(t) for t in ts)
    return f"{factor(ts[0])}·{factor(ts[1])}·…·{factor(ts[-1])} ({k} factors)"


def _spread(wanted: list[tuple[float, int]], low: float, high: float) -> dict[int, float]:
    """Label positions near their wanted y, at least _LABEL_GAP apart, within [low, high]."""
    order = sorted(wanted)
    ys = []
    for y, _ in order:
        ys.append(max(y, low, ys[-1] + _LABEL_GAP) if ys else max(y, low))
    if ys and ys[-1] > high:  # pushed out at the bottom: shift the tail back up
        ys[-1] = high
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - _LABEL_GAP)
    return {key: y for (_, key), y in zip(order, ys)}


def _entries(js: list[int]) -> str:
    """Entry numbers, 1-based, runs of three or more as a range: [0, 1, 2, 4] → "1–3,5"."""
    spans: list[list[int]] = []
    for j in js:
        if spans and j == spans[-1][-1] + 1:
            spans[-1].append(j)
        else:
            spans.append([j])
    return ",".join(f"{r[0] + 1}–{r[-1] + 1}" if len(r) >= 3 else ",".join(str(j + 1) for j in r) for r in spans)


def carousel_plot(inp, res, words: str, *, forget: bool = True, peephole: bool = False,
                  coupled: bool = False) -> Carousel | None:
    """The plot for the backward page of `inp` (a `fields.Inputs`), from `res` (its
    `sequence.Unrolled`); `words` name the cell in the legend ("this peephole LSTM"). None for a
    cell without a cell state (the GRU)."""
    p = products(inp, res)
    if p is None:
        return None
    K, n, T = p.K, p.n, p.T
    no_forget = not forget
    per_entry = n <= ENTRY_LINES
    ex = fmt.exact

    step = 1 if K <= 10 else 2
    ticks = [Text(coord(_x(k, K)), coord(_BOTTOM + 16), str(k), "mid") for k in range(0, K + 1, step)]
    gridlines = (0.0, 0.25, 0.5, 0.75, 1.0)
    ticks += [Text(coord(_X0 - 6), coord(_y(g) + 4), fmt.show(g), "end") for g in gridlines]
    grid = tuple((coord(_X0), coord(_y(g)), coord(_X1), coord(_y(g))) for g in gridlines[:-1])
    axes = f"M{coord(_X0)} {coord(_TOP - 4)} L{coord(_X0)} {coord(_BOTTOM)} L{coord(_X1)} {coord(_BOTTOM)}"

    def ratio(k: int, of: str = "C") -> str:
        """∂C₃/∂C₁ in a sequence; ∂Cₜ/∂Cₜ₋₃ for one step repeated (∂h… for the tanh RNN)."""
        if p.repeated:
            return f"∂{of}ₜ/∂{of}ₜ" if k == 0 else f"∂{of}ₜ/∂{of}ₜ₋{_sub(k)}"
        return f"∂{of}{_sub(T)}/∂{of}{_sub(T - k)}"

    # The flat line at exactly 1: no forget gate. For no_forget it is this example's own line.
    cec_marks = ()
    if no_forget:
        cec_marks = tuple(
            Point(coord(_x(k, K)), coord(_y(1.0)), k, 0,
                  f"no forget gate, k = {k}: {ratio(k)} = 1 exactly, every entry (Cₜ = Cₜ₋₁ + i∘C̃: "
                  f"the gradient passes back unchanged)" if k else f"no forget gate, k = 0: {ratio(0)} = 1")
            for k in range(K + 1))
    cec = Line("cec", "cec", f"{coord(_X0)},{coord(_y(1.0))} {coord(_X1)},{coord(_y(1.0))}", cec_marks,
               title="no forget gate: ∂Cₜ/∂Cₜ₋₁ = 1, so the gradient k steps back is exactly 1 for every k")
    cec_label = Text(coord(_X1), coord(_TOP - 7), "no forget gate: constant error carousel (= 1)", "end")

    def series(kind: str, values: np.ndarray) -> list[Line]:
        what, of = ("LSTM, product of f", "C") if kind == "f" else ("tanh RNN, product of 1 − h²", "h")
        lines = []
        if per_entry:
            for j in range(n):
                marks = []
                for k in range(K + 1):
                    v = float(values[k, j])
                    body = "1" if k == 0 else f"{_factors(kind, k, T, p.repeated)} = {ex(v)}"
                    marks.append(Point(coord(_x(k, K)), coord(_y(v)), k, j + 1,
                                       f"{what}; entry {j + 1}, k = {k}: {ratio(k, of)} = {body}"))
                lines.append(Line(kind, f"{kind} e{j % ENTRY_LINES + 1}", _pts(values[:, j], K), tuple(marks)))
            return lines
        mean, lo, hi = values.mean(axis=1), values.min(axis=1), values.max(axis=1)
        argmin, argmax = values.argmin(axis=1), values.argmax(axis=1)
        marks = []
        for k in range(K + 1):
            if k == 0:
                body = f"{ratio(0, of)} = 1 for every entry"
            else:
                body = (f"{ratio(k, of)} = {_factors(kind, k, T, p.repeated)}: mean over the {n} entries "
                        f"{ex(mean[k])}; "
                        f"smallest {ex(lo[k])} (entry {argmin[k] + 1}), largest {ex(hi[k])} (entry {argmax[k] + 1})")
            marks.append(Point(coord(_x(k, K)), coord(_y(float(mean[k]))), k, 0, f"{what}; k = {k}: {body}"))
        band = " ".join([*(f"{coord(_x(k, K))},{coord(_y(float(hi[k])))}" for k in range(K + 1)),
                         *(f"{coord(_x(k, K))},{coord(_y(float(lo[k])))}" for k in range(K, -1, -1))])
        return [Line(kind, f"{kind} mean", _pts(mean, K), tuple(marks), band=band)]

    lines = series("rnn", p.rnn)
    if not no_forget:
        lines += series("f", p.f)

    labels: list[Text] = []
    if per_entry:
        # Entry numbers at the lines' right ends; lines that end at the same height share one
        # label ("1, 2, 3", in the ink colour), the rest pushed apart to stay legible.
        ends: dict[tuple[str, float], list[int]] = {}
        for kind, values in (("rnn", p.rnn), *((("f", p.f),) if not no_forget else ())):
            for j in range(n):
                ends.setdefault((kind, round(_y(float(values[K, j])), 1)), []).append(j)
        groups = list(ends.items())
        placed = _spread([(y, i) for i, ((_, y), _) in enumerate(groups)], _TOP - 2, _BOTTOM - 2)
        for i, y in placed.items():
            (kind, _), js = groups[i]
            colour = f"e{js[0] % ENTRY_LINES + 1}" if len(js) == 1 else "plain"
            labels.append(Text(coord(_X1 + 7), coord(y + 4), _entries(js), f"entry {kind} {colour}"))

    last = "t" if p.repeated else "T"  # one step's C_t, or a sequence's last C_T
    x_name = runs(("k", "nm"), (", steps back from ", "txt"), ("C", "nm"), (last, "sub"))
    y_name = runs(("∂C", "nm"), (last, "sub"), (" / ∂C", "nm"), (f"{last}−k", "sub"))

    # The legend and caption: HTML (under the picture, so they wrap on a phone).
    M = Markup
    if p.repeated:
        f_text = M("f<sup>k</sup> (this step's f, k times)")
        rnn_text = M("(1 − h<sup>2</sup>)<sup>k</sup>")
    else:
        f_text = M("f<sub>T</sub> ∘ f<sub>T−1</sub> ∘ … ∘ f<sub>T−k+1</sub>")
        rnn_text = M("(1 − h<sub>T</sub><sup>2</sup>) ∘ … ∘ (1 − h<sub>T−k+1</sub><sup>2</sup>)")
    legend = []
    if not no_forget:
        what = (M("one line per entry of C, numbered at the right") if per_entry
                else M("the mean over the {} entries of C, shaded from the smallest to the largest").format(n))
        legend.append(LegendItem("f plain" if per_entry else "f mean",
                                 M("{}: {}, the product of its forget gates ({})").format(words, f_text, what)))
    legend.append(LegendItem("cec", M("no forget gate (the 1997 LSTM{}): exactly 1, the constant error "
                                      "carousel").format(", as in this example" if no_forget else "")))
    legend.append(LegendItem(
        "rnn plain" if per_entry else "rnn mean",
        M("a plain tanh RNN, recurrent weight 1: {}, with this example's h ({})").format(
            rnn_text, "same colour and number per entry" if per_entry else "the mean, and its range dotted")))

    fK, rK = p.f[K], p.rnn[K]
    over = (f"this step's f and h repeated for {K} steps" if p.repeated
            else f"the {T} time steps of this example")

    def spread(values: np.ndarray) -> str:
        lo, hi = float(values.min()), float(values.max())
        return fmt.show(lo) if lo == hi else f"from {fmt.show(lo)} to {fmt.show(hi)}"

    desc = (f"A line chart, from 0 to 1, of the gradient that reaches the cell state k steps back along "
            f"the cell state alone, for k = 0 to {K}, over {over}. A flat line at exactly 1: the LSTM "
            f"without a forget gate, the constant error carousel. "
            + ("" if no_forget else
               f"Solid: {words}'s product of forget gates, "
               f"{'one line per entry' if per_entry else 'the mean over the entries, with its range'}; at "
               f"k = {K} it is {spread(fK)}. ")
            + f"Dashed: a plain tanh RNN's product of 1 − h², at k = {K} {spread(rK)}.")
    title = ("How much of the gradient reaches the cell state k steps back: "
             + ("exactly 1 without a forget gate" if no_forget else "the product of the forget gates")
             + ", beside the constant error carousel and a plain tanh RNN")

    if p.repeated:
        lead = M("One time step, so the plot repeats it: what if <em>every step had this step's f</em> (and h)? ")
    else:
        lead = M("This example's {} time steps, k back from the last (T = {}). ").format(T, T)
    caption = lead + M(
        "Each step back multiplies the gradient along the cell state by ∂C<sub>t</sub>/∂C<sub>t−1</sub> = "
        "f<sub>t</sub>, entry by entry. Without a forget gate that factor is exactly 1: the gradient is "
        "carried back unchanged however far, the constant error carousel. Dashed, for comparison: as if h "
        "were a plain tanh RNN's state with recurrent weight 1, each step multiplies by tanh′ = 1 − "
        "h<sub>t</sub><sup>2</sup> ≤ 1 (a real RNN also multiplies by its weights). Only the direct path "
        "along C is drawn; C<sub>{}−k</sub> also reaches the loss through h and the gates of later steps, "
        "which the backward steps below add in. Hover (or tap) a point for its exact value.").format(last)
    notes = []
    if not no_forget and bool(np.all(fK == 1.0)):
        notes.append(M("Here every f is exactly 1 in float64 (σ saturates), so this cell's lines lie on the "
                       "carousel's: nothing is forgotten, and the gradient along C is not scaled at all."))
    if peephole:
        notes.append(M("Peephole cell: f<sub>t</sub> also reads C<sub>t−1</sub> through p<sub>f</sub>, a "
                       "further path back from C<sub>t</sub> that this product leaves out (the backward steps "
                       "below include it)."))
    if coupled:
        notes.append(M("Coupled gates: i<sub>t</sub> = 1 − f<sub>t</sub>, so what is kept (f) and what is "
                       "written (1 − f) trade off; the path back along C is still the product of the f's."))

    return Carousel(
        width=coord(_W), height=coord(_H), grid=grid, axes=axes, ticks=tuple(ticks),
        x_name=x_name, x_name_at=(coord((_X0 + _X1) / 2), coord(_BOTTOM + 36)),
        y_name=y_name, y_name_at=(coord(4), coord(16)),
        cec=cec, cec_label=cec_label, lines=tuple(lines), labels=tuple(labels), legend=tuple(legend),
        title=title, desc=desc, caption=caption, notes=tuple(notes),
        data=p,
    )
