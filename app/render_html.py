"""The trace, shaped for the page: every number formatted once, here, in Python.

The templates only loop: over groups of steps, over a step's terms (a matrix, or an operator
between matrices), and over the lines of worked arithmetic. The one macro in
`templates/macros/matrix.html` draws a matrix's brackets and caption around its rows, which
arrive as ready HTML: each number formatted once, with the exact value on hover when the text
is rounded (a Jinja loop per cell would cost more than everything else on the page).
"""
from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace as View  # attribute access: Jinja reads it fastest

from markupsafe import Markup, escape

from . import budget, fmt, pictures
from .cells import VARIANTS
from .fields import ARRAY_FIELDS, Inputs
from .latex import step_latex
from .primitives import FOLD_ABOVE, PRIMITIVES, Marked
from .trace import Step, Sym

_LATEX_SYMBOLS = (
    (r"\tilde{C}", "C\u0303"), (r"\tilde{h}", "h\u0303"), (r"\cdot", "·"), (r"\circ", "∘"),
    (r"\sigma", "σ"), (r"\tanh", "tanh"), (r"\left", ""), (r"\right", ""), (r"^\top", "ᵀ"),
    (r"\delta", "δ"), (r"\sum", "Σ"), (r"\,", " "),
)
_TEXT = re.compile(r"\\text\{([^{}]*)\}")
_SUB_BRACED = re.compile(r"_\{([^{}]*)\}")
_SUB_CHAR = re.compile(r"_([A-Za-z0-9])")
_SUP_BRACED = re.compile(r"\^\{([^{}]*)\}")
_SUP_CHAR = re.compile(r"\^([A-Za-z0-9])")
_GROUP = re.compile(r"\{([^{}]*)\}")


@lru_cache(maxsize=4096)  # the same symbols, titles and formulas recur on every page
def latex_to_html(latex: str) -> Markup:
    """Our small LaTeX subset (subscripts and superscripts, \\cdot, \\circ, σ, tanh, C̃, h̃, δ,
    ᵀ, \\text, {grouping}) as HTML."""
    s = str(escape(latex))
    for tex, text in _LATEX_SYMBOLS:
        s = s.replace(tex, text)
    s = _TEXT.sub(r"\1", s)
    s = _SUB_BRACED.sub(lambda mt: f"<sub>{mt.group(1).replace('-', '−')}</sub>", s)
    s = _SUB_CHAR.sub(r"<sub>\1</sub>", s)
    s = _SUP_BRACED.sub(r"<sup>\1</sup>", s)
    s = _SUP_CHAR.sub(r"<sup>\1</sup>", s)
    s = _GROUP.sub(r"\1", s)  # braces that only group, {W_h^h}^\top: LaTeX needs them, HTML not
    return Markup(s)


def _td(x: float, cls: str = "", title: str = "") -> str:
    """One entry as a table cell. Formatted numbers hold no HTML-special characters; a title
    (the exact value, or why an entry is saturated) is escaped."""
    if not title and fmt.is_rounded(x):
        title = fmt.exact(x)
    attrs = (f' class="{cls}"' if cls else "") + (f' title="{escape(title)}"' if title else "")
    return f"<td{attrs}>{fmt.show(x)}</td>"


# Colour by value, with classes (the CSP forbids style attributes): a diverging scale d-5…d5
# around 0 for most values, scaled to the matrix's own largest |entry|; σ outputs on the fixed
# sequential scale s0…s10 (0 to 1), tanh outputs on the diverging scale fixed at −1…1.
_RANGE_TEXT = {"sigmoid": "0 … 1", "tanh": "−1 … 1"}


def _toner(value, scale: str | None):
    """(function from an entry to its colour class, the range the legend states)."""
    if scale == "sigmoid":
        return (lambda x: f"s{round(10 * x)}"), _RANGE_TEXT["sigmoid"]
    if scale == "tanh":
        return (lambda x: f"d{round(5 * x)}"), _RANGE_TEXT["tanh"]
    top = float(abs(value).max()) if value.size else 0.0
    if top == 0:
        return (lambda x: "d0"), "all zero"
    return (lambda x: f"d{round(5 * x / top)}"), f"−{fmt.show(top)} … {fmt.show(top)}"


class Matrices:
    """The matrix views of one page, one per symbol: v, W_f·v or f_t appear in several steps
    and are formatted once. An activation's result is first drawn with its saturated entries
    marked and its fixed colour scale, and keeps both wherever it appears later (f_t in
    f_t ∘ C_{t-1})."""

    def __init__(self, fields: tuple[str, ...] = ()):
        self._views: dict[int, View] = {}
        self._fields = fields  # symbols that are form fields: their tables can be edited in place

    def view(self, sym: Sym, saturated: list[str] | None = None, scale: str | None = None) -> View:
        """`saturated`: per entry, why it is saturated (shown on hover), or "" if it is not."""
        key = id(sym)
        if key not in self._views:
            self._views[key] = _matrix_view(sym, saturated, scale, sym.name in self._fields)
        return self._views[key]


def _matrix_view(sym: Sym, saturated: list[str] | None, scale: str | None, editable: bool) -> View:
    """A vector (always a column) or a matrix, captioned with its symbol, shape and colour range."""
    value = sym.value
    tone, range_text = _toner(value, scale)
    if value.ndim == 1:
        xs = value.tolist()
        why = saturated or [""] * len(xs)
        body = "".join(f"<tr>{_td(x, f'sat {tone(x)}', w) if w else _td(x, tone(x))}</tr>"
                       for x, w in zip(xs, why))
        shape, kind = f"{value.shape[0]}×1", f"column vector of {value.shape[0]}"
    else:
        body = "".join("<tr>" + "".join(_td(x, tone(x)) for x in row) + "</tr>" for row in value.tolist())
        shape, kind = f"{value.shape[0]}×{value.shape[1]}", f"{value.shape[0]} by {value.shape[1]} matrix"
    return View(label=latex_to_html(sym.latex), shape=shape, body=Markup(body), range=range_text,
                aria=f"{_plain(sym.latex)}, {kind}", field=sym.name if editable else "")


def _plain(latex: str) -> str:
    return re.sub(r"<[^>]+>", "", str(latex_to_html(latex)))


# ------------------------------------------------------------------ one view per primitive

def _terms_and_lines(step: Step, mats: Matrices):
    """What the whiteboard shows for one step (its primitive's `whiteboard`, primitives.py):
    terms like [W, "·", v, "=", W·v], each an operator or a matrix view, and the arithmetic
    written out entry by entry."""
    terms, lines = PRIMITIVES[step.op].whiteboard(step)
    return [_term(term, mats) for term in terms], lines


def _term(term, mats: Matrices) -> tuple[str, object]:
    if isinstance(term, str):
        return ("op", term)
    if isinstance(term, Marked):  # an activation's result: saturated entries, fixed colour scale
        return ("mat", mats.view(term.sym, term.saturated, scale=term.scale))
    return ("mat", mats.view(term))


def step_view(step: Step, notes: list[str], mats: Matrices) -> View:
    group, _, action = step.title.partition(": ")
    action = action[:1].upper() + action[1:]
    terms, lines = _terms_and_lines(step, mats)
    # products: one per entry of the matrix; entry-by-entry lines of a matrix: one per entry
    size = max(s.value.size for s in step.operands) if PRIMITIVES[step.op].products else len(lines)
    return View(
        id=step.id, op=step.op, group=group, title=latex_to_html(action or group), full_title=step.title,
        formula=latex_to_html(step.formula), why=latex_to_html(step.why),
        terms=terms, lines=lines, fold=size > FOLD_ABOVE, latex=step_latex(step),
        saturated=any(step.saturated), notes=[latex_to_html(note) for note in notes],
        curve=pictures.curve(step),
    )


def groups_view(steps: list[Step], notes: dict[str, list[str]]) -> list[View]:
    """Steps grouped under headings ("Forget gate", "Cell state", …), in order."""
    mats = Matrices(fields=ARRAY_FIELDS)
    groups: list[View] = []
    for step in steps:
        view = step_view(step, notes.get(step.id, []), mats)
        if not groups or groups[-1].title != view.group:
            groups.append(View(title=view.group, steps=[]))
        groups[-1].steps.append(view)
    return groups


def dimensions_view(inp: Inputs) -> dict:
    """The table of sizes: what each symbol is and how big, and the count of parameters. The
    weights, biases and peepholes come from the cell's fields, its gates from its spec."""
    n, m = inp.n, inp.m
    h = Markup
    spec = VARIANTS[inp.variant]
    kinds = {kind: [p for p in spec.params if p.startswith(kind)] for kind in ("W_", "b_", "p_")}
    L = latex_to_html
    rows = [(h("x<sub>t</sub>"), "input" + (" at each time step" if inp.is_sequence else ""), f"m = {m}")]
    if inp.is_sequence:
        rows.append((h("T"), h("time steps: the rows of x, one x<sub>t</sub> each"), f"T = {inp.T}"))
    rows.append((h("h<sub>t−1</sub>"), "previous hidden state", f"n = {n}"))
    if spec.has_cell_state:
        rows.append((h("C<sub>t−1</sub>"), "previous cell state", f"n = {n}"))
    rows += [
        (h("v"), L("the concatenation " + ("[h_{t-1}, x_t]" if inp.concat == "hx" else "[x_t, h_{t-1}]")),
         f"n+m = {n + m}"),
        (L(", ".join(kinds["W_"])), "weights: one row per cell state, one column per entry of v",
         f"n×(n+m) = {n}×{n + m}"),
        (L(", ".join(kinds["b_"])), "biases", f"n = {n}"),
    ]
    if kinds["p_"]:
        rows.append((L(", ".join(kinds["p_"])), "peephole weights: one per cell state", f"n = {n}"))
    rows.append((L(spec.gate_symbols), "gates and candidate", f"n = {n}"))
    if spec.has_cell_state:
        rows.append((h("C<sub>t</sub>, h<sub>t</sub>"), "new cell and hidden state (the same size)", f"n = {n}"))
    else:
        rows.append((h("h<sub>t</sub>"), "new hidden state", f"n = {n}"))
    gate_count = len(kinds["W_"])
    terms = [(f"{gate_count}n(n+m)", f"{gate_count}·{n}·{n + m}", gate_count * n * (n + m)),
             (f"{gate_count}n", f"{gate_count}·{n}", gate_count * n)]
    if kinds["p_"]:
        count = len(kinds["p_"])
        terms.append((f"{count}n", f"{count}·{n}", count * n))
    if inp.k is not None:
        k = inp.k
        rows += [(h("W<sub>y</sub>"), h("output layer: one row per output, one column per entry of "
                                        "h<sub>t</sub>"), f"k×n = {k}×{n}"),
                 (h("b<sub>y</sub>, y<sub>t</sub>"), "output bias and output", f"k = {k}")]
        terms += [("kn", f"{k}·{n}", k * n), ("k", f"{k}", k)]
    params = (" + ".join(t[0] for t in terms) + " = " + " + ".join(t[1] for t in terms)
              + f" = {sum(t[2] for t in terms)}")
    return {"rows": rows, "n": n, "m": m, "params": params}


def page_view(inp: Inputs, res, notes: dict[str, list[str]], part: str = "forward",
              time: int | None = None) -> dict:
    """`res` is a `sequence.Unrolled`; `part` is "forward" (its steps, with Colah's picture of
    the variant's cell) or "backward" (its gradient steps, and the plot of what
    reaches C_{T-k}). `time`: show only that time step's steps (a large sequence, `budget.py`)."""
    steps = res.grad_steps if part == "backward" else res.steps
    shown = steps if time is None else budget.at_time(steps, time)
    view = {"dims": dimensions_view(inp), "groups": groups_view(shown, notes),
            "timeline": timeline_view(steps, res.timesteps, time), "diagram": None, "carousel": None,
            "chain": None}
    spec = VARIANTS[inp.variant]
    if inp.is_sequence:  # Colah's unrolled picture: which time step each step belongs to
        ids: dict[int, list[str]] = {}
        for step in steps:
            ids.setdefault(budget.time_of(step.id), []).append(step.id)
        view["chain"] = pictures.chain(spec.picture_name, res.timesteps, ids, spec.has_cell_state)
    if part == "backward":
        return {**view, "loss": latex_to_html(res.loss_formula), "loss_value": fmt.show(res.loss),
                "carousel": pictures.carousel_plot(inp, res, **spec.carousel) if spec.carousel else None}
    if spec.diagram is not None:  # a sequence: the cell of every time step
        view["diagram"] = pictures.cell_diagram(inp, res, spec.diagram, spec.picture_name)
    return view


def timeline_view(steps: list[Step], timesteps: list[dict], time: int | None = None) -> list[View]:
    """For a sequence: each time step, the id of its first step (and of all its steps, so its
    link lights up with any of them), and the h_t (and C_t) it hands on to the next step. With
    `time` (one time step per page), only that time step's steps are on this page: the others
    are links to their own pages (`here` is False). Empty for a single step."""
    ids: dict[int, list[str]] = {}
    for step in steps:
        t = budget.time_of(step.id)
        if t is not None:
            ids.setdefault(t, []).append(step.id)
    out = []
    for entry in timesteps:
        t = int(entry["t"])
        if t in ids:
            carried = [f"h{_sub(t)} = {_short(entry['h'])}"]
            if "C" in entry:
                carried.append(f"C{_sub(t)} = {_short(entry['C'])}")
            here = time is None or t == time
            out.append(View(t=t, step=ids[t][0], steps=" ".join(ids[t]) if here else "", here=here,
                            carried=", ".join(carried)))
    return out


def _sub(t: int) -> str:
    return str(t).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _short(vector) -> str:
    return "[" + ", ".join(fmt.show(x) for x in list(vector)[:4]) + (", …]" if len(vector) > 4 else "]")
