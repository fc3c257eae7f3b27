"""Practice mode (issue 12), as the page and the worksheet show it: which steps are asked, an
asked step's article (its operands, and an empty input per result entry), the marks of a
check, and the worksheet's LaTeX. What counts as right, and why not, is the checker's
(`practice.py`): this module only lays out what it answers.

View settings, not the example: `mode=practice` and `fade=k` ride beside the permalink's query
(`/?<permalink>&mode=practice&fade=2`, `/e/<id>?mode=practice`), so the example's link, its
canonical address and every answer of the API stay exactly as they were.

- `fade=k`: the first k steps (in the page's order) are shown worked; every askable step after
  them is asked. Without `fade`, every step is asked.
- An asked step shows nothing of its result: no numbers, row sums, notes, LaTeX, curve, colour
  range or hover title. An operand that is an earlier asked step's result is shown as the
  learner's own answer (what they typed there) or blank, never as its value.
- Revealed steps (the learner pressed Reveal) are shown worked, like the steps before the fade.
  A worked step shows its operands, so Reveal also reveals the asked steps the step reads (at
  any depth), and the page says which: nothing still asked is shown by a revealed step.

Research behind it: predicting before seeing (Crouch et al. 2004) and backward fading, where a
worked example's last steps are removed first (Renkl & Atkinson 2003): "Next example" asks for
one more step than this page did.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from types import SimpleNamespace as View

from markupsafe import Markup

from . import latex, practice
from .markup import esc
from .primitives import PRIMITIVES, Marked
from .render_html import Matrices, latex_to_html, step_heading, step_view
from .trace import Step, Sym

MAX_FADE = 10_000  # more than any example has steps (20 time steps × ~20 steps)
BLANK = r"\underline{\hspace{3em}}"  # one blank of the worksheet, per result entry


@dataclass(frozen=True)
class Settings:
    """How the page shows its example: worked (the default) or as practice, and from which step
    on it asks."""

    practice: bool = False
    fade: int | None = None

    @property
    def query(self) -> str:
        """The settings as they ride after a link's query ("&mode=practice&fade=2"; "" when worked)."""
        if not self.practice:
            return ""
        return "&mode=practice" + (f"&fade={self.fade}" if self.fade is not None else "")


def settings(args) -> tuple[Settings, str | None]:
    """`mode` and `fade` from a query (or a form), and what was wrong with them, if anything
    (the page then says so and asks every step; /random answers 400)."""
    mode_text = args.get("mode", "").strip()
    mode = mode_text.lower() or "worked"  # a teacher's "Practice" or "PRACTICE" means practice
    fade_text = args.get("fade", "").strip()
    problems = []
    if mode not in ("worked", "practice"):
        # Asked for a mode we do not know: practice hides the answers, and its bar says what went
        # wrong (a worked page would show every answer, and has no place for the message).
        problems.append(f"mode must be practice or worked; got {mode_text[:20]!r}.")
        mode = "practice"
    fade = None
    if fade_text:
        # the length first: int() of more than 4,300 digits (leading zeros too) raises ValueError
        if fade_text.isascii() and fade_text.isdigit() and len(fade_text) <= 9 and int(fade_text) <= MAX_FADE:
            fade = int(fade_text)
        else:
            problems.append(f"fade must be a whole number of steps from 0 to {MAX_FADE:,} (the first "
                            f"fade steps are shown worked); got {fade_text[:20]!r}, so every step is asked.")
    return Settings(mode == "practice", fade), " ".join(problems) or None


def asked_steps(steps: list[Step], fade: int | None) -> list[str]:
    """The ids of the steps the learner fills in: the checker's askable steps after the first
    `fade` (all of them without fade), in the page's order."""
    askable = set(practice.askable_steps(steps))
    return [s.id for s in steps[fade or 0:] if s.id in askable]


# ------------------------------------------------------------------ the learner's answers

@dataclass
class Attempt:
    """What the learner sent with the no-JavaScript form: each step's typed entries (row order),
    the steps revealed, and the checker's answer (or its message) for each step checked."""

    answers: dict[str, list[str]] = field(default_factory=dict)
    revealed: set[str] = field(default_factory=set)
    also: list[str] = field(default_factory=list)  # revealed because a revealed step reads them
    results: dict[str, dict] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def attempt_from_form(form, inp, steps: list[Step], asked: list[str]) -> Attempt:
    """The form's `a.<step id>` entries (one per result entry, row order), `revealed` (ids split
    by spaces) and `reveal` (the step whose Reveal was pressed). Every asked step with any entry
    typed is checked (`practice.check_many`, which also sees the learner's own earlier answers),
    so its marks survive the round trip; the others are left as they are."""
    by_id = {s.id: s for s in steps}
    out = Attempt()
    wanted = set(asked)
    asked_for = {w for w in (form.get("revealed", "") + " " + form.get("reveal", "")).split() if w in wanted}
    out.revealed = reads_closure(steps, asked, asked_for)
    out.also = [a for a in asked if a in out.revealed - asked_for]
    for step_id in asked:
        texts = [t.strip()[:100] for t in form.getlist(f"a.{step_id}")]
        size = by_id[step_id].result.value.size
        if any(texts):
            out.answers[step_id] = (texts + [""] * size)[:size]  # a damaged form: as many as the result has
    to_check = {k: in_rows(v, by_id[k].result.value.shape) for k, v in out.answers.items() if k not in out.revealed}
    for step_id, result in practice.check_many(inp, to_check).items():
        if "error" in result:
            out.problems[step_id] = result["error"]["message"]
        else:
            out.results[step_id] = result
    return out


def reads_closure(steps: list[Step], asked: list[str], revealed: set[str]) -> set[str]:
    """The revealed steps and every asked step they read, at any depth. A worked step shows
    its operands' values: revealing σ(z_f) while z_f is still asked would show z_f, so
    revealing a step reveals the asked steps it reads too (and the page says so)."""
    by_id = {s.id: s for s in steps}
    maker = {id(s.result.value): s.id for s in steps if s.id in set(asked)}
    out, todo = set(revealed), list(revealed)
    while todo:
        for o in by_id[todo.pop()].operands:
            m = maker.get(id(o.value))
            if m is not None and m not in out:
                out.add(m)
                todo.append(m)
    return out


def revealed_note(steps: list[Step], attempt: Attempt) -> str | None:
    """What Reveal did beyond the step asked for, in words (static/app.js shows the same line)."""
    if not attempt.also:
        return None
    number = {s.id: k + 1 for k, s in enumerate(steps)}
    nums = [str(number[a]) for a in attempt.also]
    which = f"step {nums[0]}" if len(nums) == 1 else f"steps {', '.join(nums[:-1])} and {nums[-1]}"
    return (f"Also revealed {which}: the step you revealed reads {'its result' if len(nums) == 1 else 'their results'}, "
            f"and a worked step shows its operands.")


def in_rows(texts: list[str], shape: tuple[int, ...]):
    """Row-order texts as the checker takes an answer: a list, or a list of rows (not
    practice.shaped, which checks an answer against a step's result)."""
    if len(shape) == 1:
        return list(texts)
    cols = shape[1]
    return [list(texts[i:i + cols]) for i in range(0, len(texts), cols)]


# ------------------------------------------------------------------ an asked step's article

class Asking:
    """Renders the steps of one practice page: asked ones as inputs, the others worked."""

    def __init__(self, steps: list[Step], asked: list[str], attempt: Attempt, action: str = ""):
        """`action`: where the form posts; each step's buttons post to it with the step's
        fragment, so that the page comes back scrolled to the step just checked."""
        self.attempt, self.action = attempt, action
        self.open = [a for a in asked if a not in attempt.revealed]  # asked and not revealed
        open_ids = set(self.open)
        # Which step made each value: an operand is the very array an earlier step returned
        # (a sequence's h_{t-1} is a new symbol around the same array as h_t of the step before).
        self.owner = {id(s.result.value): s.id for s in steps if s.id in open_ids}
        self.number = {s.id: k + 1 for k, s in enumerate(steps)}

    def render(self, step: Step, notes: list[str], mats: Matrices) -> View:
        if step.id not in self.open:
            return step_view(step, notes, mats)
        group, _, plain_title = step_heading(step.title)
        return View(id=step.id, op=step.op, group=group, plain_title=plain_title, curve=None,
                    html=self.asked_html(step, mats))

    def asked_html(self, step: Step, mats: Matrices) -> Markup:
        terms, _ = PRIMITIVES[step.op].whiteboard(step)  # the lines are the result: never shown
        expr = []
        for term in terms:
            sym = term.sym if isinstance(term, Marked) else term
            if isinstance(term, str):
                expr.append(f'<span class="op">{esc(term)}</span>')
            elif sym is step.result:
                expr.append(self._inputs(step))
            elif self.owner.get(id(sym.value), step.id) != step.id:
                expr.append(self._mirror(sym, self.owner[id(sym.value)]))
            else:
                expr.append(mats.html(sym))
        sid = esc(step.id)
        to_step = esc(f"{self.action}#{step.id}")
        title = step_heading(step.title)[1]
        return Markup(
            f'<article class="step asked" id="{sid}" data-step="{sid}" data-op="{step.op}">\n'
            f'<h4>{title} <span class="formula">{latex_to_html(step.formula)}</span></h4>\n'
            f'<p class="why">{latex_to_html(step.why)}</p>\n'
            f'<div class="expr">{"".join(expr)}</div>\n'
            f'<p class="practice-controls"><button type="submit" form="practice" formaction="{to_step}" '
            f'class="check" name="check" value="{sid}">Check</button> <button type="submit" form="practice" '
            f'formaction="{to_step}" class="reveal" name="reveal" value="{sid}">Reveal</button></p>\n'
            f'<div class="verdict" id="verdict-{sid}" role="status" aria-live="polite">{self._verdict(step)}</div>\n'
            f'</article>')

    def _inputs(self, step: Step) -> str:
        """One <input> per result entry, in row order (Tab goes down a column vector), each
        labelled with the symbol and its place, marked right or wrong after a check."""
        value = step.result.value
        typed = self.attempt.answers.get(step.id, [])
        result = self.attempt.results.get(step.id)
        marks = {k: e["correct"] for k, e in enumerate(result["entries"])} if result else {}
        plain = _plain(step.result.latex)
        rows, cols = (value.shape[0], 1) if value.ndim == 1 else value.shape
        sid, label = esc(step.id), esc(plain)  # the same in every entry's input: escaped once
        cells = []
        for k in range(value.size):
            i, j = divmod(k, cols)
            where = f"entry {i + 1} of {rows}" if value.ndim == 1 else f"row {i + 1}, column {j + 1}"
            mark = ""
            if k in marks:
                mark = f' aria-invalid="{"false" if marks[k] else "true"}" class="{"right" if marks[k] else "wrong"}"'
            text = esc(typed[k]) if k < len(typed) else ""
            cells.append(f'<td><input form="practice" name="a.{sid}" value="{text}" size="7" '
                         f'autocomplete="off" spellcheck="false" aria-label="{label}, {where}" '
                         f'aria-describedby="verdict-{sid}"{mark}></td>')
        body = "".join(f"<tr>{''.join(cells[r * cols:(r + 1) * cols])}</tr>" for r in range(rows))
        shape = f"{rows}×{cols}"
        return (f'<figure class="mat answer"><span class="bk"><table aria-label="{esc(plain)}: your answer, '
                f'{shape}"><tbody>{body}</tbody></table></span>\n<figcaption>{latex_to_html(step.result.latex)} '
                f'<span class="shape">{shape}</span> <span class="range">yours</span></figcaption></figure>')

    def _mirror(self, sym: Sym, owner: str) -> str:
        """An operand that is an earlier asked step's result: what the learner typed there, or
        blanks (the page's script keeps it in step with their typing)."""
        typed = self.attempt.answers.get(owner, [])
        value = sym.value
        cols = 1 if value.ndim == 1 else value.shape[1]
        cells = [f'<td class="mirror" data-index="{k}">{esc(typed[k]) if k < len(typed) else ""}</td>'
                 for k in range(value.size)]
        body = "".join(f"<tr>{''.join(cells[r:r + cols])}</tr>" for r in range(0, len(cells), cols))
        plain = _plain(sym.latex)
        shape = f"{value.shape[0]}×{cols}"
        return (f'<figure class="mat mirror" data-mirror="{esc(owner)}"><span class="bk"><table aria-label="'
                f'{esc(plain)}: your answer to step {self.number[owner]}, {shape}"><tbody>{body}</tbody></table></span>\n'
                f'<figcaption>{latex_to_html(sym.latex)} <span class="shape">{shape}</span> '
                f'<span class="range">your step {self.number[owner]}</span></figcaption></figure>')

    def _verdict(self, step: Step) -> str:
        problem = self.attempt.problems.get(step.id)
        if problem:
            return f'<p class="wrong-words">{esc(problem)}</p>'
        result = self.attempt.results.get(step.id)
        return verdict_html(result) if result else ""


def verdict_html(result: dict) -> str:
    """The checker's answer in words (static/app.js writes the same): right or wrong, which
    entries, the hints and the diagnosis."""
    entries = result["entries"]
    wrong = [k + 1 for k, e in enumerate(entries) if not e["correct"]]
    if result["correct"]:
        out = [f'<p class="right-words">Right: all {len(entries)} entries are correct.</p>']
    else:
        which = f"entry {wrong[0]}" if len(wrong) == 1 else \
            f"entries {', '.join(map(str, wrong[:-1]))} and {wrong[-1]}"
        out = [f'<p class="wrong-words">Not yet: {len(wrong)} of {len(entries)} entries '
               f'{"is" if len(wrong) == 1 else "are"} wrong ({which}).</p>']
    if result.get("hints"):
        out.append('<ul class="hints">' + "".join(f"<li>{esc(h)}</li>" for h in result["hints"]) + "</ul>")
    if result.get("diagnosis"):
        out.append(f'<p class="diagnosis">{esc(result["diagnosis"])}</p>')
    return "".join(out)


def _plain(tex: str) -> str:
    return re.sub(r"<[^>]+>", "", str(latex_to_html(tex)))


def next_seed(query: str) -> int:
    """The seed of "Next example": a pure function of this example (the page stays a function
    of its URL, so it can be remembered and cached)."""
    return int.from_bytes(hashlib.blake2b(query.encode(), digest_size=4).digest(), "big")


# ------------------------------------------------------------------ the worksheet

_TEX_WORD = re.compile(r"(?:\\[A-Za-z]+|[A-Za-z]+)(?:[_^](?:\{[^{}]*\}|[A-Za-z0-9]))+|\\[A-Za-z]+|σ")


def _tex_title(title: str) -> str:
    """A step's title in LaTeX text: its symbols in math mode (W_f, h_{t-1}, \\circ, σ)."""
    def math(mt):
        word = mt.group(0)
        return r"$\sigma$" if word == "σ" else f"${word}$"
    return _TEX_WORD.sub(math, title.replace("&", r"\&").replace("%", r"\%").replace("#", r"\#"))


def worksheet(steps: list[Step], asked: list[str], key: bool, heading: str, source: str,
              shown: list[Step] | None = None, note: str = "") -> str:
    """A LaTeX document: every step numbered in order; the worked ones written out (as GET
    /latex does), each asked one with its operands and an empty bmatrix result, one blank per
    entry (`key`: the result filled in, as the LaTeX export rounds it). An operand that is an
    earlier asked step's result is written as a reference to that step, never its value.
    `shown`: only these of the steps (a large sequence's time step, `budget.py`), numbered and
    referred to as among all of them; `note` says so."""
    asked_ids = set(asked)
    number = {s.id: k + 1 for k, s in enumerate(steps)}
    owner = {id(s.result.value): s.id for s in steps if s.id in asked_ids}
    memo: dict[int, str] = {}
    body = []
    for step in steps if shown is None else shown:
        k = number[step.id]
        title = _tex_title(step.title)
        if step.id not in asked_ids:
            body.append(f"\\paragraph{{Step {k}.}} {title} (worked)\n\\[ {latex.step_latex(step, memo)} \\]\n")
            continue
        ops = []
        for sym in step.operands:
            source_id = owner.get(id(sym.value))
            if source_id is not None and source_id != step.id:
                ops.append(f"\\left( \\text{{your answer to step {number[source_id]}}} \\right)")
            else:
                ops.append(memo.setdefault(id(sym.value), latex.bmatrix(sym.value)))
        numbers = PRIMITIVES[step.op].latex(step, ops)
        if key:
            result = latex.bmatrix(step.result.value, step.saturated)
            sat_note = latex.SATURATED_NOTE if any(step.saturated) else ""
        else:
            result, sat_note = _blank_bmatrix(step.result.value.shape), ""
        body.append(f"\\paragraph{{Step {k}.}} {title}\n\\[ {step.formula} = {numbers} = {result}{sat_note} \\]\n")
    kind = "answer key" if key else "worksheet"
    intro = (f"Fill in each blank: {len(asked)} of the {len(steps)} steps are yours. "
             if not key else f"The answers to the {len(asked)} steps of the worksheet. ")
    return (f"% {heading}: {kind}.\n% The example: {source}\n" + (f"% {note}\n" if note else "") +
            "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
            "\\setcounter{MaxMatrixCols}{64}\n\\setlength{\\parindent}{0pt}\n"
            "\\begin{document}\n"
            f"\\section*{{{_tex_title(heading)}: {kind}}}\n"
            f"{intro}Numbers as the explainer shows them (four decimals where not exact).\n\n"
            + "\n".join(body) + "\\end{document}\n")


def _blank_bmatrix(shape: tuple[int, ...]) -> str:
    if len(shape) == 1:
        body = r" \\ ".join([BLANK] * shape[0])
    else:
        body = r" \\ ".join(" & ".join([BLANK] * shape[1]) for _ in range(shape[0]))
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"
