"""The trace, shaped for the page: every number formatted once, here, in Python.

The templates only loop: over groups of steps, over a step's terms (a matrix, or an operator
between matrices), and over a matrix's rows and cells through the one macro in
`templates/macros/matrix.html`. A cell is a tuple (text, title, css class): the text as the
whiteboard shows it, the exact value on hover when the text is rounded.
"""
from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

from . import fmt
from .cell import LSTMInput, LSTMResult
from .trace import Step, Sym, sigmoid_gap, tanh_gap

# Above this many products in one matrix-vector step (n·(n+m)), its written-out sums start
# folded behind a <details> toggle: the seed's 3×6 shows them, a 16×32 does not flood the page.
FOLD_ABOVE = 64

_LATEX_SYMBOLS = (
    (r"\tilde{C}", "C\u0303"), (r"\cdot", "·"), (r"\circ", "∘"), (r"\sigma", "σ"),
    (r"\tanh", "tanh"), (r"\left", ""), (r"\right", ""),
)
_SUB_BRACED = re.compile(r"_\{([^{}]*)\}")
_SUB_CHAR = re.compile(r"_([A-Za-z0-9])")


@lru_cache(maxsize=4096)  # the same symbols, titles and formulas recur on every page
def latex_to_html(latex: str) -> Markup:
    """Our small LaTeX subset (subscripts, \\cdot, \\circ, σ, tanh, C̃) as HTML."""
    s = str(escape(latex))
    for tex, text in _LATEX_SYMBOLS:
        s = s.replace(tex, text)
    s = _SUB_BRACED.sub(lambda mt: f"<sub>{mt.group(1).replace('-', '−')}</sub>", s)
    s = _SUB_CHAR.sub(r"<sub>\1</sub>", s)
    return Markup(s)


def _cell(x: float, cls: str = "", title: str = "") -> tuple[Markup, Markup]:
    """(text, the <td>'s attributes). Built here once, so the macro only prints two strings.
    Formatted numbers hold no HTML-special characters, so they are Markup as they are."""
    if not title and fmt.is_rounded(x):
        title = fmt.exact(x)
    attrs = (f' class="{cls}"' if cls else "") + (f' title="{escape(title)}"' if title else "")
    return Markup(fmt.show(x)), Markup(attrs)


def matrix_view(sym: Sym, cells=None) -> dict:
    """A vector (shown as a column) or a matrix, captioned with its symbol and shape."""
    value = sym.value
    if value.ndim == 1:
        cells = cells or [_cell(x) for x in value.tolist()]
        rows, shape, aria = [[c] for c in cells], f"{value.shape[0]}×1", f"column vector of {value.shape[0]}"
    else:
        rows = [[_cell(x) for x in row] for row in value.tolist()]
        shape = f"{value.shape[0]}×{value.shape[1]}"
        aria = f"{value.shape[0]} by {value.shape[1]} matrix"
    return {"label": latex_to_html(sym.latex), "shape": shape, "rows": rows,
            "aria": f"{_plain(sym.latex)}, {aria}"}


def _plain(latex: str) -> str:
    return re.sub(r"<[^>]+>", "", str(latex_to_html(latex)))


# ------------------------------------------------------------------ one view per primitive

def _saturated_cells(step: Step) -> tuple[list, list[str]]:
    """Result cells of an activation, with saturated entries marked, and the worked lines."""
    z = step.operands[0].value.tolist()
    out = step.result.value.tolist()
    cells, lines = [], []
    for zk, rk, sat in zip(z, out, step.saturated):
        zs = fmt.show(zk)
        if step.op == "sigmoid":
            head = f"σ({zs}) = 1 / (1 + exp({fmt.show(-zk)}))"
            gap = sigmoid_gap(zk)
        else:
            head = f"tanh({zs})"
            gap = tanh_gap(zk)
        if sat:
            if rk == 0.0:
                why = "is below the smallest float64, so it is stored as 0 (saturated)"
            else:
                sign = "1 − " if rk > 0 else "−1 + "
                amount = fmt.show(gap) if gap > 0 else "less than 10⁻³⁰⁸"
                why = f"= {sign}{amount}, which float64 stores as exactly {fmt.show(rk)} (saturated)"
            lines.append(f"{head} {why}")
            cells.append(_cell(rk, "sat", f"saturated: {head} {why}"))
        else:
            lines.append(f"{head} = {fmt.show(rk)}")
            cells.append(_cell(rk))
    return cells, lines


def _terms_and_lines(step: Step):
    a = step.operands[0]
    r = step.result
    M = matrix_view
    if step.op == "concat":
        b = step.operands[1]
        return [("op", "["), ("mat", M(a)), ("op", ","), ("mat", M(b)), ("op", "]"),
                ("op", "="), ("mat", M(r))], []
    if step.op == "matvec":
        v = step.operands[1]
        v_shown = [fmt.signed(fmt.show(x)) for x in v.value.tolist()]
        lines = [f"row {k + 1}: " + " + ".join(f"{fmt.signed(fmt.show(w))}·{vs}" for w, vs in zip(row, v_shown))
                 + f" = {fmt.show(rk)}"
                 for k, (row, rk) in enumerate(zip(a.value.tolist(), r.value.tolist()))]
        return [("mat", M(a)), ("op", "·"), ("mat", M(v)), ("op", "="), ("mat", M(r))], lines
    if step.op in ("add", "hadamard"):
        b = step.operands[1]
        sign = "+" if step.op == "add" else "·"
        lines = [f"{fmt.show(x)} {sign} {fmt.signed(fmt.show(y))} = {fmt.show(s)}" if sign == "+"
                 else f"{fmt.signed(fmt.show(x))}·{fmt.signed(fmt.show(y))} = {fmt.show(s)}"
                 for x, y, s in zip(a.value.tolist(), b.value.tolist(), r.value.tolist())]
        return [("mat", M(a)), ("op", "+" if step.op == "add" else "∘"), ("mat", M(b)),
                ("op", "="), ("mat", M(r))], lines
    if step.op in ("sigmoid", "tanh"):
        cells, lines = _saturated_cells(step)
        name = "σ" if step.op == "sigmoid" else "tanh"
        return [("op", f"{name}("), ("mat", M(a)), ("op", ")"), ("op", "="),
                ("mat", M(r, cells))], lines
    raise ValueError(f"no view for step op {step.op!r}")  # a new primitive needs a view here


def step_view(step: Step, notes: list[str]) -> dict:
    group, _, action = step.title.partition(": ")
    action = action[:1].upper() + action[1:]
    terms, lines = _terms_and_lines(step)
    size = step.operands[0].value.size if step.op == "matvec" else 0
    return {
        "id": step.id, "group": group, "title": latex_to_html(action or group),
        "formula": latex_to_html(step.formula), "why": latex_to_html(step.why),
        "terms": terms, "lines": lines, "fold": size > FOLD_ABOVE,
        "saturated": any(step.saturated), "notes": [latex_to_html(note) for note in notes],
    }


def groups_view(steps: list[Step], notes: dict[str, list[str]]) -> list[dict]:
    """Steps grouped under headings ("Forget gate", "Cell state", …), in order."""
    groups: list[dict] = []
    for step in steps:
        view = step_view(step, notes.get(step.id, []))
        if not groups or groups[-1]["title"] != view["group"]:
            groups.append({"title": view["group"], "steps": []})
        groups[-1]["steps"].append(view)
    return groups


def dimensions_view(inp: LSTMInput) -> dict:
    n, m = inp.n, inp.m
    h = Markup
    rows = [
        (h("x<sub>t</sub>"), "input", f"m = {m}"),
        (h("h<sub>t−1</sub>"), "previous hidden state", f"n = {n}"),
        (h("C<sub>t−1</sub>"), "previous cell state", f"n = {n}"),
        (h("v"), latex_to_html("the concatenation " + ("[h_{t-1}, x_t]" if inp.concat == "hx" else "[x_t, h_{t-1}]")),
         f"n+m = {n + m}"),
        (h("W<sub>f</sub>, W<sub>i</sub>, W<sub>C</sub>, W<sub>o</sub>"),
         "weights: one row per cell state, one column per entry of v", f"n×(n+m) = {n}×{n + m}"),
        (h("b<sub>f</sub>, b<sub>i</sub>, b<sub>C</sub>, b<sub>o</sub>"), "biases", f"n = {n}"),
        (h("f<sub>t</sub>, i<sub>t</sub>, C\u0303<sub>t</sub>, o<sub>t</sub>"), "gates and candidate",
         f"n = {n}"),
        (h("C<sub>t</sub>, h<sub>t</sub>"), "new cell and hidden state (the same size)", f"n = {n}"),
    ]
    params = 4 * n * (n + m) + 4 * n
    return {"rows": rows, "n": n, "m": m,
            "params": f"4n(n+m) + 4n = 4·{n}·{n + m} + 4·{n} = {params}"}


def page_view(inp: LSTMInput, res: LSTMResult, notes: dict[str, list[str]]) -> dict:
    return {"dims": dimensions_view(inp), "groups": groups_view(res.steps, notes)}


# ------------------------------------------------------------------------------ the form

_FORM_GROUPS = (
    (("Input and previous state", ""), (
        ("x", "x<sub>t</sub>", "input: m numbers, e.g. 1, 2, 3"),
        ("h_prev", "h<sub>t−1</sub>", "previous hidden state: n numbers (empty = zeros)"),
        ("C_prev", "C<sub>t−1</sub>", "previous cell state: n numbers (empty = zeros)"),
    )),
    *((title, ((f"W_{g}", f"W<sub>{g}</sub>", "n rows of n+m numbers, one row per line"),
               (f"b_{g}", f"b<sub>{g}</sub>", "n numbers")))
      for g, title in (("f", ("Forget gate", "f<sub>t</sub> = σ(W<sub>f</sub>·v + b<sub>f</sub>)")),
                       ("i", ("Input gate", "i<sub>t</sub> = σ(W<sub>i</sub>·v + b<sub>i</sub>)")),
                       ("C", ("Candidate", "C\u0303<sub>t</sub> = tanh(W<sub>C</sub>·v + b<sub>C</sub>)")),
                       ("o", ("Output gate", "o<sub>t</sub> = σ(W<sub>o</sub>·v + b<sub>o</sub>)")))),
)


def form_view(fields: dict[str, str], errors: dict[str, str]) -> list[dict]:
    """The form's fieldsets: each input with its label, hint, the user's text and its error."""
    groups = []
    for title, specs in _FORM_GROUPS:
        inputs = []
        for name, label, hint in specs:
            text = fields.get(name, "")
            inputs.append({
                "name": name, "label": Markup(label), "hint": hint, "value": text,
                "error": errors.get(name), "matrix": name.startswith("W_"),
                "rows": max(2, min(12, text.count("\n") + 2)),
            })
        groups.append({"title": title[0], "equation": Markup(title[1]), "inputs": inputs,
                       "kind": "gate" if inputs[0]["matrix"] else "state"})
    return groups
