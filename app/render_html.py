"""The trace, shaped for the page: every number formatted once, here, in Python.

The templates only loop over groups of steps and lay out each step (its title, formula, note,
LaTeX). What a step shows of its numbers arrives as ready HTML, built here as strings: its
matrices and operators (`matrix_html`, one string per symbol however many steps show it), its
lines of arithmetic, and its σ / tanh curve (`render_svg`). A Jinja loop per entry, or a macro
call per matrix, cost more than everything else on the page: on a page that is not remembered
(every live edit, every new link) that was most of the answer's time.
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
from .markup import esc
from .primitives import FOLD_ABOVE, PRIMITIVES, Marked
from .render_svg import carousel_svg, curve_svg, diagram_svg
from .trace import Step, Sym


class ViewDict(dict):
    """A dict the templates read by attribute (`view.groups`, `view.dims.n`): Jinja tries
    getattr before the key, and on a plain dict each of those is an AttributeError raised and
    caught (about forty on a page). Still a dict for Python callers."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


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


@lru_cache(maxsize=16384)  # the same number in the same colour recurs (W's entries, v, 0 and 1)
def _td(x: float, cls: str) -> str:
    """One entry as a table cell, the exact value on hover when the text is rounded.
    Formatted numbers hold no HTML-special characters."""
    title = f' title="{fmt.exact(x)}"' if fmt.is_rounded(x) else ""
    return f'<td class="{cls}"{title}>{fmt.show(x)}</td>'


def _td_saturated(x: float, cls: str, why: str) -> str:
    """A saturated entry: marked, and why on hover (escaped)."""
    return f'<td class="sat {cls}" title="{esc(why)}">{fmt.show(x)}</td>'


# Colour by value, with classes (the CSP forbids style attributes): a diverging scale d-5…d5
# around 0 for most values, scaled to the matrix's own largest |entry|; σ outputs on the fixed
# sequential scale s0…s10 (0 to 1), tanh outputs on the diverging scale fixed at −1…1.
_RANGE_TEXT = {"sigmoid": "0 … 1", "tanh": "−1 … 1"}
_DIVERGING = {k: f"d{k}" for k in range(-5, 6)}  # the class names, written once
_SEQUENTIAL = {k: f"s{k}" for k in range(11)}


def _tones(xs: list[float], scale: str | None) -> tuple[list[str], str]:
    """Each entry's colour class, and the range the legend states."""
    if scale == "sigmoid":
        return [_SEQUENTIAL[round(10 * x)] for x in xs], _RANGE_TEXT["sigmoid"]
    if scale == "tanh":
        return [_DIVERGING[round(5 * x)] for x in xs], _RANGE_TEXT["tanh"]
    top = max(map(abs, xs), default=0.0)
    if top == 0:
        return ["d0"] * len(xs), "all zero"
    shown = fmt.show(top)
    return [_DIVERGING[round(5 * x / top)] for x in xs], f"−{shown} … {shown}"


class Matrices:
    """The matrices of one page, one per symbol: v, W_f·v or f_t appear in several steps and
    are formatted once. An activation's result is first drawn with its saturated entries
    marked and its fixed colour scale, and keeps both wherever it appears later (f_t in
    f_t ∘ C_{t-1}). Also each value's LaTeX, written once for the steps' LaTeX
    (`latex.step_latex`'s memo): the page keeps the steps alive while it renders."""

    def __init__(self, fields: tuple[str, ...] = ()):
        self._html: dict[int, str] = {}
        self._fields = fields  # symbols that are form fields: their tables can be edited in place
        self.latex: dict[int, str] = {}

    def html(self, sym: Sym, saturated: list[str] | None = None, scale: str | None = None) -> str:
        """`saturated`: per entry, why it is saturated (shown on hover), or "" if it is not."""
        html = self._html.get(id(sym))
        if html is None:
            html = self._html[id(sym)] = matrix_html(sym, saturated, scale, sym.name in self._fields)
        return html


def matrix_html(sym: Sym, saturated: list[str] | None = None, scale: str | None = None,
                editable: bool = False) -> str:
    """A vector (always a column) or a matrix like the seed's bmatrix: brackets (CSS), aligned
    numbers, a caption with its symbol, shape and colour range. Written here as one string,
    each number formatted once (`_td`): a Jinja macro with a loop per cell cost more than the
    rest of the page. An input field's table names it (data-field), so the page's script can
    let you edit it in place. (A str: the page marks its sections safe once they are whole.)"""
    value = sym.value
    write = _remembered_matrix_html if editable and value.size <= _REMEMBERED_ENTRIES else _matrix_html
    return write(tuple(value.tolist() if value.ndim == 1 else value.ravel().tolist()), value.shape,
                 sym.latex, sym.name if editable else "", scale, tuple(saturated) if saturated else ())


def _matrix_html(xs: tuple[float, ...], shape: tuple[int, ...], latex: str, field: str, scale: str | None,
                 saturated: tuple[str, ...]) -> str:
    tones, range_text = _tones(xs, scale)
    if len(shape) == 1:
        if saturated:
            cells = [_td_saturated(x, tone, why) if why else _td(x, tone) for x, tone, why in zip(xs, tones, saturated)]
        else:
            cells = list(map(_td, xs, tones))  # no Python loop per entry: _td is the C lru_cache
        body = "<tr>" + "</tr><tr>".join(cells) + "</tr>" if cells else ""
    else:
        cells = list(map(_td, xs, tones))
        cols = shape[1]
        body = "".join(["<tr>" + "".join(cells[i:i + cols]) + "</tr>" for i in range(0, len(cells), cols)])
    head, caption = _matrix_words(latex, shape, field)
    return f'{head}{body}{caption}{esc(range_text)}</span></figcaption></figure>'


# An input's table by content (the entries, the symbol and how it is drawn), across requests: an
# edit changes one field, and the other inputs' tables (the weights, mostly) come back
# unchanged. Only inputs: a result (W·v, a gate) is new with every new example, and would only
# push the inputs out. Only small ones (a hand-sized example's), so that the memo holds at most
# about 1024 × 256 entries × ~100 bytes of HTML ≈ 26 MB a worker, whatever is sent (a 32×64 W's
# table alone is ~300 KB).
_REMEMBERED_ENTRIES = 256
_remembered_matrix_html = lru_cache(maxsize=1024)(_matrix_html)


@lru_cache(maxsize=1024)  # by symbol and shape: the same on every page of a cell and shape
def _matrix_words(latex: str, shape: tuple[int, ...], field: str) -> tuple[str, str]:
    """A matrix's markup up to its first row, and from after its last row up to its range."""
    if len(shape) == 1:
        shape_text, kind = f"{shape[0]}×1", f"column vector of {shape[0]}"
    else:
        shape_text, kind = f"{shape[0]}×{shape[1]}", f"{shape[0]} by {shape[1]} matrix"
    field_attr = f' data-field="{esc(field)}"' if field else ""
    return (f'<figure class="mat"><span class="bk"><table aria-label="{esc(f"{_plain(latex)}, {kind}")}"'
            f'{field_attr}><tbody>',
            f'</tbody></table></span>\n<figcaption>{latex_to_html(latex)} <span class="shape">{shape_text}</span> '
            f'<span class="range" title="colour scale of this matrix">')


@lru_cache(maxsize=4096)
def _plain(latex: str) -> str:
    return re.sub(r"<[^>]+>", "", str(latex_to_html(latex)))


# ------------------------------------------------------------------ one view per primitive

def _expr_and_lines(step: Step, mats: Matrices) -> tuple[str, list[str]]:
    """What the whiteboard shows for one step (its primitive's `whiteboard`, primitives.py):
    terms like [W, "·", v, "=", W·v], each an operator or a matrix, as one piece of HTML; and
    the arithmetic written out entry by entry."""
    terms, lines = PRIMITIVES[step.op].whiteboard(step)
    return "".join([_term(term, mats) for term in terms]), lines


def _term(term, mats: Matrices) -> str:
    if isinstance(term, str):
        return _op_html(term)
    if isinstance(term, Marked):  # an activation's result: saturated entries, fixed colour scale
        return mats.html(term.sym, term.saturated, scale=term.scale)
    return mats.html(term)


@lru_cache(maxsize=256)  # a few dozen operators ("·", "=", "σ(", "into entries 1–3, 0 elsewhere")
def _op_html(term: str) -> str:
    return f'<span class="op">{esc(term)}</span>'


def _items(lines: list[str]) -> str:
    """The lines as <li>s, escaped in one call (a line never holds a newline)."""
    return "<li>" + esc("\n".join(lines)).replace("\n", "</li><li>") + "</li>" if lines else ""


@lru_cache(maxsize=1024)  # a step's title is the same on every page of its cell
def step_heading(title: str) -> tuple[str, Markup, str]:
    """(group, the step's own title as HTML, as plain text): "Forget gate: apply σ" is the step
    "Apply σ" under the heading "Forget gate" (practice_view draws asked steps with it too)."""
    group, _, action = title.partition(": ")
    text = action[:1].upper() + action[1:] or group
    return group, latex_to_html(text), plain_text(text)


_SUBSCRIPT = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUPERSCRIPT = dict(zip("0123456789hxT", "⁰¹²³⁴⁵⁶⁷⁸⁹ʰˣᵀ"))


def _sub_text(sub: str) -> str:
    """A subscript in plain text: Unicode subscripts where all its characters have one (hₜ₋₁),
    else written _f, as LaTeX does (b_f: there is no subscript f)."""
    if all(ch in _SUBSCRIPT for ch in sub):
        return "".join(_SUBSCRIPT[ch] for ch in sub)
    return f"_{sub}" if len(sub) == 1 else f"_({sub})"


@lru_cache(maxsize=4096)
def plain_text(latex: str) -> str:
    """Our LaTeX subset as plain text, for places that cannot hold HTML (a <select>'s options):
    subscripts stay visible (b_f, hₜ₋₁), not flattened into "bf"."""
    s = latex
    for tex, text in _LATEX_SYMBOLS:
        s = s.replace(tex, text)
    s = _TEXT.sub(r"\1", s)
    s = _SUB_BRACED.sub(lambda mt: _sub_text(mt.group(1)), s)
    s = _SUB_CHAR.sub(lambda mt: _sub_text(mt.group(1)), s)
    s = _SUP_BRACED.sub(lambda mt: "".join(_SUPERSCRIPT.get(ch, ch) for ch in mt.group(1)), s)
    s = _SUP_CHAR.sub(lambda mt: _SUPERSCRIPT.get(mt.group(1), "^" + mt.group(1)), s)
    return s.replace("{", "").replace("}", "")  # what is left of them only grouped


def step_view(step: Step, notes: list[str], mats: Matrices) -> View:
    """A step as the page shows it: its id and titles (for the step list), its curve, and its
    <article> as ready HTML (`html`, a str: `groups_view` joins the articles and marks the
    group's section safe once, instead of a Markup object per piece)."""
    head, tail, group, plain_title = _article_words(step.id, step.op, step.title, step.formula, step.why)
    expr, lines = _expr_and_lines(step, mats)
    curve = pictures.curve(step)
    html = step_html(step, head, expr, lines, curve_svg(curve) if curve is not None else "",
                     step_latex(step, mats.latex), notes, tail)
    return View(id=step.id, op=step.op, group=group, plain_title=plain_title, curve=curve, html=html)


# A step's words (id, title, formula, why) depend on its cell and shape, never on a number: the
# same on every page of that cell (a new example, a live edit), so the start and the end of its
# <article> are written once and remembered (a few hundred distinct steps across every variant).
@lru_cache(maxsize=2048)
def _article_words(step_id: str, op: str, title: str, formula: str, why: str) -> tuple[str, str, str, str]:
    """(the <article>'s opening up to its expression, the opening of its LaTeX block, the
    step's group, its title as plain text)."""
    group, title_html, plain_title = step_heading(title)
    sid = esc(step_id)
    head = (f'<article class="step" id="{sid}" data-step="{sid}" data-op="{op}">\n'
            f'<h4>{title_html} <span class="formula">{latex_to_html(formula)}</span></h4>\n'
            f'<p class="why">{latex_to_html(why)}</p>\n<div class="expr">')
    tail = f'\n<details class="latex"><summary>LaTeX</summary><pre data-title="{esc(title)}">'
    return head, tail, group, plain_title


_SATURATED_LEGEND = ('<p class="legend"><span class="sat">1</span> marks a saturated entry: float64 rounds '
                     'the true value to exactly the limit. Hover it for the true distance.</p>\n')


def step_html(step: Step, head: str, expr: str, lines: list[str], curve: str, latex: str,
              notes: list[str], tail: str) -> str:
    """One step's <article>: its title and formula, why (`head`), the expression with its
    matrices, its curve, the arithmetic entry by entry (folded when long), the saturation
    legend, the notes and the LaTeX (`tail` opens its block). Written as one string (whitespace
    between elements a newline): as a Jinja loop body this markup cost more per step than
    computing the step."""
    out = [head, expr, "</div>\n", curve, "\n"]
    if lines:
        # products: one per entry of the matrix; entry-by-entry lines of a matrix: one per entry
        size = max(s.value.size for s in step.operands) if PRIMITIVES[step.op].products else len(lines)
        out.append(f'<details class="sums"{"" if size > FOLD_ABOVE else " open"}>\n'
                   f'<summary>Entry by entry ({len(lines)})</summary>\n<ol>{_items(lines)}</ol>\n</details>\n')
    if any(step.saturated):
        out.append(_SATURATED_LEGEND)
    for note in notes:
        out.append(f'<p class="note">{latex_to_html(note)}</p>')
    out.append(tail)
    out.append(esc(latex))
    out.append("</pre></details>\n</article>")
    return "".join(out)


def groups_view(steps: list[Step], notes: dict[str, list[str]], render=None) -> list[View]:
    """Steps grouped under headings ("Forget gate", "Cell state", …), in order; each group with
    its entries of the stepper's "Jump to" list (`jump`) and its section of the page (`html`),
    as ready HTML. `render(step, notes, mats)` draws a step instead of `step_view` (practice
    mode: `practice_view.Asking.render`)."""
    mats = Matrices(fields=ARRAY_FIELDS)
    render = render or step_view
    groups: list[View] = []
    for step in steps:
        view = render(step, notes.get(step.id, []), mats)
        if not groups or groups[-1].title != view.group:
            groups.append(View(title=view.group, steps=[]))
        groups[-1].steps.append(view)
    for group in groups:
        title = esc(group.title)
        options = "".join([f'<option value="{esc(s.id)}">{esc(s.plain_title)}</option>' for s in group.steps])
        group.jump = f'<optgroup label="{title}">{options}</optgroup>'
        articles = "\n".join([s.html for s in group.steps])
        group.html = f'<section class="group">\n<h3>{title}</h3>\n{articles}\n</section>'
    return groups


def groups_html(groups: list[View]) -> tuple[Markup, Markup]:
    """The step list's options and the steps' sections, each joined into one piece of HTML
    (with the whitespace the template's loops wrote around each group): the template writes
    two pieces instead of two per group, and each is marked safe once."""
    return (Markup("".join([g.jump for g in groups])),
            Markup("".join([f"\n  {g.html}\n  " for g in groups])))


def dimensions_view(inp: Inputs) -> dict:
    """The table of sizes: what each symbol is and how big, and the count of parameters. The
    weights, biases and peepholes come from the cell's fields, its gates from its spec.
    The same for every example of a cell and shape: made once per cell and shape."""
    return _dimensions(inp.variant, inp.concat, inp.n, inp.m, inp.T if inp.is_sequence else None, inp.k)


@lru_cache(maxsize=256)  # shared by every page of that cell and shape: read only
def _dimensions(variant: str, concat: str, n: int, m: int, T: int | None, k: int | None) -> dict:
    h = Markup
    spec = VARIANTS[variant]
    kinds = {kind: [p for p in spec.params if p.startswith(kind)] for kind in ("W_", "b_", "p_")}
    L = latex_to_html
    rows = [(h("x<sub>t</sub>"), "input" + (" at each time step" if T is not None else ""), f"m = {m}")]
    if T is not None:
        rows.append((h("T"), h("time steps: the rows of x, one x<sub>t</sub> each"), f"T = {T}"))
    rows.append((h("h<sub>t−1</sub>"), "previous hidden state", f"n = {n}"))
    if spec.has_cell_state:
        rows.append((h("C<sub>t−1</sub>"), "previous cell state", f"n = {n}"))
    rows += [
        (h("v"), L("the concatenation " + ("[h_{t-1}, x_t]" if concat == "hx" else "[x_t, h_{t-1}]")),
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
    if k is not None:
        rows += [(h("W<sub>y</sub>"), h("output layer: one row per output, one column per entry of "
                                        "h<sub>t</sub>"), f"k×n = {k}×{n}"),
                 (h("b<sub>y</sub>, y<sub>t</sub>"), "output bias and output", f"k = {k}")]
        terms += [("kn", f"{k}·{n}", k * n), ("k", f"{k}", k)]
    params = (" + ".join(t[0] for t in terms) + " = " + " + ".join(t[1] for t in terms)
              + f" = {sum(t[2] for t in terms)}")
    # Laid on its side, one column per symbol: the whole table fits one line of the screen, first
    # thing of the worked example; what each symbol is shows on hover and in its own row.
    symbols = "".join(f'<th scope="col" title="{escape(_plain_html(meaning))}">{escape(symbol)}</th>'
                      for symbol, meaning, _ in rows)
    shapes = "".join(f"<td>{escape(shape)}</td>" for _, _, shape in rows)
    meanings = "".join(f"<td>{escape(meaning)}</td>" for _, meaning, _ in rows)
    columns_html = Markup(f'<thead><tr><th scope="row">Symbol</th>{symbols}</tr></thead>\n<tbody>'
                          f'<tr><th scope="row">Shape</th>{shapes}</tr>\n'
                          f'<tr class="what"><th scope="row">What it is</th>{meanings}</tr></tbody>')
    return ViewDict(rows=rows, columns_html=columns_html, n=n, m=m, params=params,
                    order="[h_{t-1}, x_t]" if concat == "hx" else "[x_t, h_{t-1}]")


_BRACED_SUB = re.compile(r"_\{([^{}]*)\}")


def message_html(message: str) -> Markup:
    """A message as the page shows it: escaped, with its braced subscripts as subscripts
    (h_{t-1} → h<sub>t−1</sub>). Single-letter ones stay as written: a message also names
    fields, and h_prev or b_f there is the field's name, not h with a subscript."""
    return Markup(_BRACED_SUB.sub(lambda mt: f"<sub>{mt.group(1).replace('-', '−')}</sub>", str(escape(message))))


def _plain_html(html) -> str:
    return re.sub(r"<[^>]+>", "", str(html))


def page_view(inp: Inputs, res, notes: dict[str, list[str]], part: str = "forward",
              time: int | None = None, only: set[str] | None = None, asking=None) -> dict:
    """`res` is a `sequence.Unrolled`; `part` is "forward" (its steps, with Colah's picture of
    the variant's cell) or "backward" (its gradient steps, and the plot of what
    reaches C_{T-k}). `time`: show only that time step's steps (a large sequence, `budget.py`);
    `only`: only the steps with these ids (a teacher's short link, `?steps=`). The pictures
    always draw the whole cell. `asking` (practice mode, `practice_view.Asking`): its asked
    steps are drawn as inputs, the cell diagram writes their values "?", and the timeline and
    the unrolled chain (which carry every h_t and C_t) are left out."""
    steps = res.grad_steps if part == "backward" else res.steps
    shown = steps if time is None else budget.at_time(steps, time)
    if only is not None:
        shown = [s for s in shown if s.id in only]
    groups = groups_view(shown, notes, asking and asking.render)
    jump_html, steps_html = groups_html(groups)
    view = ViewDict({"dims": dimensions_view(inp), "groups": groups, "jump_html": jump_html, "steps_html": steps_html,
            "timeline": timeline_view(steps, res.timesteps, time), "diagram": None, "carousel": None,
            "chain": None})
    hidden = frozenset(asking.owner) if asking is not None else frozenset()
    if hidden:  # practice: the timeline and the unrolled chain carry every h_t and C_t
        view["timeline"] = []
    spec = VARIANTS[inp.variant]
    if inp.is_sequence and not hidden:  # Colah's unrolled picture: which time step each step belongs to
        ids: dict[int, list[str]] = {}
        for step in steps:
            ids.setdefault(budget.time_of(step.id), []).append(step.id)
        view["chain"] = pictures.chain(spec.picture_name, res.timesteps, ids, spec.has_cell_state)
    if part == "backward":
        carousel = pictures.carousel_plot(inp, res, **spec.carousel) if spec.carousel else None
        return ViewDict({**view, "loss": latex_to_html(res.loss_formula), "loss_value": fmt.show(res.loss),
                         "carousel": carousel, "carousel_svg": carousel_svg(carousel) if carousel else None})
    if spec.diagram is not None:
        # A sequence: the cell with each time step's values (those on this page), the one of the
        # step being read shown (static/app.js); without a script, the first.
        times = [None] if not inp.is_sequence else [time] if time else range(1, inp.T + 1)
        view["figures"] = []
        for k, t in enumerate(times):
            d = pictures.cell_diagram(inp, res, spec.diagram, spec.picture_name, t, hidden)
            view["figures"].append(View(t=t or 0, svg=diagram_svg(d, f"-t{t}" if t else ""), caption=d.caption,
                                        hidden=k > 0))
        view["diagram"] = d
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
