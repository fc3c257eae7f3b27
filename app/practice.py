"""Practice: check a learner's answer to one step of an example (issue 12, part 1).

The learner types a step's result (`answer`: one number, a vector, or a matrix, each leaf the
number TEXT as typed, "0.73" or "-1.0000", so that the precision written is known). `check`
compares it with the step's float64 result and answers, entry by entry, right or wrong, with
hints and one diagnosis sentence (`diagnose.py`). The math part: numpy only, no Flask; the API
route is `api.check_post`.

When an entry counts as right (one rule for every step; the hints state it):
- it equals the float64 result, up to a relative 1e-12 (so 0.3 is right for 0.1 + 0.2, and 43
  for 43, exactly as typed); or
- it is written to at least MIN_DECIMALS = 2 decimals AND at least MIN_SIGNIFICANT = 2
  significant digits, and it is the result rounded to the decimals written: |typed − exact| ≤
  half a unit in the last typed place (0.73 for 0.7311, 1.0000 for 0.99999; both sides of an
  exact tie count). A truncated value is not rounded: 0.73 for 0.7389 is wrong, and a hint says
  it looks cut off. Decimals are counted as written: "1.0000" has 4, "1.5e-3" has 4, "43" none.
  Why 2 decimals and 2 significant digits for every step, σ and tanh outputs included: 0.7 for
  a gate of 0.7311 hides a 4 % error that the next steps multiply; 0.00 for σ(−6) = 0.0025 says
  nothing about it. Integers written for integer results are exact, so W·v of small integers is
  typed as the integers it is.
An entry right to the digits written but written too coarsely (0.7 for 0.7311) is wrong, and
the hint says it is too coarse and what is asked.

Expected values never appear in the answer unless `reveal` is true; the one exception is the
row-slip hint, which writes the slipped row's terms and sum (`diagnose.py`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import diagnose
from .diagnose import plain
from .fields import Inputs
from .sequence import unroll
from .trace import Step

MIN_DECIMALS = 2
MIN_SIGNIFICANT = 2
FLOAT_RTOL = 1e-12  # "equals the float64 result": float noise such as 0.1 + 0.2 = 0.30000000000000004
MAX_TEXT = 40  # characters of one typed number
MAX_ENTRIES = 4096  # more leaves than any step's result has (a 32×64 gradient is 2,048)
# Steps whose result is a re-labelling, not arithmetic: nothing to compute, so not asked.
NOT_ASKED = {
    "slice": "it cuts a block of columns out of a weight the learner already has (W_h's columns)",
    "copy": "it writes the same numbers under a new name (δb = δz)",
    "embed": "it puts a gradient into a block of zeros",
}
PRECISION_RULE = (f"at least {MIN_DECIMALS} decimals and {MIN_SIGNIFICANT} significant digits, "
                  f"rounded (not cut off), or the exact value")

_NUMBER = re.compile(r"([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d{1,6}))?", re.ASCII)


class CheckError(ValueError):
    """A request the checker cannot answer: a 400. `field` is "step" or "answer"; `kind` says
    which problem ("unknown_step", "not_a_number", "shape", "row_vector", "columns", "matrix")."""

    def __init__(self, message: str, field: str = "answer", kind: str = "shape"):
        super().__init__(message)
        self.message, self.field, self.kind = message, field, kind


@dataclass(frozen=True)
class Typed:
    """One typed number: its text, its value, and the precision written."""

    text: str
    value: float
    decimals: int  # digits after the point, minus the exponent: "1.0000" 4, "1.5e-3" 4, "43" 0
    significant: int  # digits from the first non-zero one to the last written: "0.0120" 3, "0.00" 0

    @property
    def half_unit(self) -> float:
        return 0.5 * 10.0 ** -max(-300, min(self.decimals, 300))

    @property
    def precise_enough(self) -> bool:
        return self.decimals >= MIN_DECIMALS and self.significant >= MIN_SIGNIFICANT

    def close(self, x: float) -> bool:
        return abs(self.value - x) <= FLOAT_RTOL * max(1.0, abs(x))

    def within(self, x: float) -> bool:
        """x rounded to the decimals written is this number (or x is within half a unit)."""
        return abs(self.value - x) <= self.half_unit * (1 + 1e-9) + FLOAT_RTOL * max(1.0, abs(x))

    def matches(self, x: float) -> bool:
        """The rule of the module docstring: equal, or right to enough decimals."""
        return self.close(x) or (self.precise_enough and self.within(x))

    def truncated(self, x: float) -> bool:
        """x cut off (not rounded) after the decimals written: 0.73 for 0.7389."""
        unit = 2 * self.half_unit
        return (self.value == 0 or (self.value > 0) == (x > 0)) and abs(self.value) <= abs(x) < abs(self.value) + unit


def typed_number(leaf, where: str) -> Typed:
    """A leaf of an answer → Typed, or CheckError naming the entry (`where`: "entry 2")."""
    if isinstance(leaf, bool) or leaf is None or not isinstance(leaf, (str, int, float)):
        got = "true/false" if isinstance(leaf, bool) else "null" if leaf is None else type(leaf).__name__
        raise CheckError(f"The answer's {where} is not a number (got {got}): write a decimal number "
                         f"such as 0.25 or -1.5.", kind="not_a_number")
    if isinstance(leaf, float):
        text = repr(leaf) if math.isfinite(leaf) else "nan"
    else:
        text = str(leaf)
    text = text.strip().replace("\u2212", "-")  # the page writes a true minus; a pasted one is fine
    if not text:
        raise CheckError(f"The answer's {where} is empty: write a number in every entry.", kind="not_a_number")
    if len(text) > MAX_TEXT:
        raise CheckError(f"The answer's {where} is {len(text)} characters long; write it in at most "
                         f"{MAX_TEXT}.", kind="not_a_number")
    mt = _NUMBER.fullmatch(text)
    if mt is None:
        hint = " (use a point, not a comma, for decimals)" if re.fullmatch(r"[+-]?\d+,\d+", text) else ""
        raise CheckError(f"The answer's {where} is not a number (got {text[:20]!r}){hint}: write a decimal "
                         f"number such as 0.25 or -1.5.", kind="not_a_number")
    sign, whole, frac, only_frac, exponent = mt.groups()
    frac = frac if frac is not None else (only_frac or "")
    whole = whole or ""
    value = float(text)
    if not math.isfinite(value):
        raise CheckError(f"The answer's {where} is too large for a float64 (got {text[:20]!r}).",
                         kind="not_a_number")
    significant = len((whole + frac).lstrip("0"))
    return Typed(text, value, len(frac) - int(exponent or 0), significant)


# ----------------------------------------------------------------------------- the shape

def _words(count: int) -> str:
    return "one number" if count == 1 else f"{count} numbers"


def _expect(step: Step) -> str:
    """What the answer must be, in words, from what the step does: the 400's first half."""
    shape, ops = step.result.value.shape, step.operands
    if len(shape) == 2:
        return f"{plain(step.result.latex)} is a {shape[0]}×{shape[1]} matrix: expect {shape[0]} rows of {_words(shape[1])}"
    n = shape[0]
    if step.op == "matvec":
        W, v = ops
        return (f"{plain(W.latex)}·{plain(v.latex)} has one entry per row of {plain(W.latex)}, each row "
                f"times {plain(v.latex)} summed: expect {_words(n)}")
    if step.op == "hadamard":
        return f"∘ multiplies entry by entry: expect {_words(n)}"
    if step.op == "add":
        return f"+ adds entry by entry: expect {_words(n)}"
    if step.op in ("sigmoid", "tanh"):
        name = "σ" if step.op == "sigmoid" else "tanh"
        return f"{name} applies to each entry of {plain(ops[0].latex)}: expect {_words(n)}"
    if step.op == "one_minus":
        return f"1 − {plain(ops[0].latex)} is taken entry by entry: expect {_words(n)}"
    if step.op == "concat":
        a, b = ops
        return (f"{plain(step.result.latex)} stacks {plain(a.latex)} ({_words(a.shape[0])}) and "
                f"{plain(b.latex)} ({_words(b.shape[0])}): expect {_words(n)}")
    return f"{plain(step.result.latex)} has {_words(n)}: expect {_words(n)}"


def _given(answer) -> str:
    if not isinstance(answer, list):
        return "one number"
    if not answer:
        return "an empty list"
    if all(isinstance(row, list) for row in answer):
        widths = {len(row) for row in answer}
        if len(widths) == 1:
            return f"a {len(answer)}×{widths.pop()} matrix"
        return "rows of different lengths"
    if any(isinstance(row, list) for row in answer):
        return "a mix of numbers and lists"
    return _words(len(answer))


def shaped(step: Step, answer) -> list[list]:
    """The answer as rows of leaves, the result's shape (a vector as one row), or CheckError that
    says what was expected, in words. A vector may also be written as a column ([[1], [2]]); a
    vector of one number may be written as that number."""
    shape = step.result.value.shape
    expect = _expect(step)
    if len(shape) == 1:
        n = shape[0]
        if not isinstance(answer, list):
            if n == 1:
                return [[answer]]
            raise CheckError(f"{expect}; you wrote one number.")
        if len(answer) == n and not any(isinstance(a, list) for a in answer):
            return [answer]
        if len(answer) == n and all(isinstance(a, list) and len(a) == 1 and not isinstance(a[0], list)
                                    for a in answer):
            return [[a[0] for a in answer]]  # a column
        if len(answer) == 1 and isinstance(answer[0], list) and len(answer[0]) == n and step.op == "matvec":
            W, v = step.operands
            raise CheckError(f"{plain(W.latex)}·{plain(v.latex)} is a column of {_words(n)}, one per row of "
                             f"{plain(W.latex)}: send them as one list of {_words(n)}, not as a 1×{n} row "
                             f"(a row would be {plain(v.latex)}ᵀ·{plain(W.latex)}ᵀ).", kind="row_vector")
        if step.op == "matvec" and not any(isinstance(a, list) for a in answer) \
                and len(answer) == step.operands[0].shape[1] != n:
            W, v = step.operands
            raise CheckError(f"{expect}; you wrote {len(answer)}, one per column of {plain(W.latex)}: row k of "
                             f"{plain(W.latex)} times {plain(v.latex)}, added up, is entry k.", kind="columns")
        cols = step.operands[0].shape[1] if step.op == "matvec" else None
        if cols is not None and len(answer) == n and all(isinstance(r, list) and len(r) == cols for r in answer):
            raise CheckError(f"{expect}; you wrote a {n}×{cols} matrix: add up each row's "
                             f"products into one number.", kind="matrix")
        raise CheckError(f"{expect}; you wrote {_given(answer)}.")
    rows, cols = shape
    if rows == 1 and isinstance(answer, list) and len(answer) == cols and not any(isinstance(a, list) for a in answer):
        return [answer]  # a matrix of one row, given flat (as the API takes W_y of one row)
    if (isinstance(answer, list) and len(answer) == rows
            and all(isinstance(r, list) and len(r) == cols and not any(isinstance(a, list) for a in r)
                    for r in answer)):
        return answer
    raise CheckError(f"{expect}; you wrote {_given(answer)}.")


def _leaves(answer, depth: int = 0):
    if isinstance(answer, list):
        if depth >= 2:
            raise CheckError("The answer is nested too deeply: a number, a list of numbers, or a list of rows.")
        for item in answer:
            yield from _leaves(item, depth + 1)
    else:
        yield answer


def read_answer(step: Step, answer) -> list[list[Typed]]:
    """The answer parsed and shaped like the step's result (a vector as one row), or CheckError.
    Numbers first: "abc" is not a number whatever its shape."""
    if isinstance(answer, list) and len(answer) > MAX_ENTRIES:
        raise CheckError(f"{_expect(step)}; you wrote {len(answer)} numbers.")
    leaves = list(_leaves(answer))
    if len(leaves) > MAX_ENTRIES:
        raise CheckError(f"{_expect(step)}; you wrote {len(leaves)} numbers.")
    typed = iter([typed_number(leaf, f"entry {k + 1}" if len(leaves) > 1 else "value")
                  for k, leaf in enumerate(leaves)])
    return shaped(step, _rebuilt(answer, typed))


def _rebuilt(answer, typed):
    """The answer's nesting with each leaf replaced by the next of `typed`."""
    return [_rebuilt(item, typed) for item in answer] if isinstance(answer, list) else next(typed)


# ----------------------------------------------------------------------------- the check

@dataclass
class Checked:
    """One step checked: what the API answers (`as_json`), and the mistake's id for tests and pages."""

    step: Step
    typed: list[list[Typed]]
    right: np.ndarray  # bool, shaped like the result
    hints: list[str] = field(default_factory=list)
    mistake: str | None = None  # a diagnose.MISTAKES id
    diagnosis: str | None = None

    @property
    def correct(self) -> bool:
        return bool(self.right.all())

    def as_json(self, reveal: bool = False) -> dict:
        vector = self.step.result.value.ndim == 1
        entries = [{"index": [j] if vector else [i, j], "correct": bool(ok)}
                   for i, row in enumerate(np.atleast_2d(self.right)) for j, ok in enumerate(row)]
        out = {"step": self.step.id, "correct": self.correct, "entries": entries, "hints": self.hints,
               "diagnosis": self.diagnosis}
        if reveal:
            out["expected"] = self.step.result.value.tolist()
        return out


def askable_steps(trace_steps) -> list[str]:
    """The ids, in order, of the steps a learner is asked to compute: every step with a result,
    except those whose op is in NOT_ASKED (a slice of W_h's columns, the backward pass's copy and
    embed): their result is a re-labelling of numbers the learner already has, not arithmetic."""
    return [s.id for s in trace_steps if s.op not in NOT_ASKED]


def find_step(steps: list[Step], step_id) -> Step:
    if isinstance(step_id, str):
        for s in steps:
            if s.id == step_id:
                return s
    ids = askable_steps(steps)
    listed = ", ".join(ids[:12]) + (f", … ({len(ids)} in all)" if len(ids) > 12 else "")
    if not isinstance(step_id, str):
        raise CheckError(f"step must be a step id, a string such as \"f.matmul\"; this example's steps are "
                         f"{listed}.", field="step", kind="unknown_step")
    raise CheckError(f"There is no step {step_id[:40]!r} in this example; give one of its step ids: {listed}.",
                     field="step", kind="unknown_step")


def _steps(inputs: Inputs, grads: bool) -> list[Step]:
    res = unroll(inputs, with_grads=grads)
    return res.steps + res.grad_steps


def check(inputs: Inputs, step_id: str, answer, reveal: bool = False) -> dict:
    """The API's answer object for one step (module docstring), or CheckError (a 400)."""
    wants_grads = isinstance(step_id, str) and step_id.startswith("grad.")
    steps = _steps(inputs, wants_grads)
    return check_step(steps, find_step(steps, step_id), answer, inputs).as_json(reveal)


def check_step(steps: list[Step], step: Step, answer, inputs: Inputs,
               own: Mapping[str, tuple[np.ndarray, float]] | None = None,
               index: diagnose.StepIndex | None = None) -> Checked:
    """Check one step of `steps` (the example's trace); `own`: the learner's answers to other
    steps, by id (check_many), which the "carried" diagnosis reads."""
    typed = read_answer(step, answer)
    expected = np.atleast_2d(step.result.value)
    right = np.array([[t.matches(e) for t, e in zip(trow, erow)] for trow, erow in zip(typed, expected)])
    out = Checked(step, typed, right.reshape(step.result.value.shape))
    if out.correct:
        return out
    flat = [(k, t, e) for k, (t, e) in enumerate(zip((t for r in typed for t in r), expected.ravel()))]
    coarse = [k for k, t, e in flat if not t.matches(e) and not t.precise_enough and t.within(e)]
    cut = [k for k, t, e in flat if not t.matches(e) and t.precise_enough and t.truncated(e)]
    names = _entry_names(step)
    if coarse:
        out.hints.append(f"{_listed([names(k) for k in coarse])} {'is' if len(coarse) == 1 else 'are'} right "
                         f"to the digits you wrote, but too coarse: practice asks for {PRECISION_RULE}.")
    wrong = np.array([not t.matches(e) and not (k in coarse) for k, t, e in flat]).reshape(step.result.value.shape)
    cut_off = np.isin(np.arange(wrong.size), cut).reshape(wrong.shape)
    found = diagnose.diagnose(steps, step, typed, wrong, inputs, own or {}, index, cut=cut_off)
    if cut and (found is None or found.id != "saturated_rounded"):  # 0.999 for σ(22) is that, not a cut
        out.hints.append(f"{_listed([names(k) for k in cut])} {'looks' if len(cut) == 1 else 'look'} cut off "
                         f"rather than rounded: round the last digit you write to the nearest.")
    if found is not None:
        out.mistake, out.diagnosis = found.id, found.sentence
        out.hints.extend(found.hints)
    elif not coarse and (wrong & ~cut_off).any():  # a cut-off entry has its hint already
        out.hints.append(f"Check the entries marked wrong; practice asks for {PRECISION_RULE}.")
    return out


def _entry_names(step: Step):
    cols = step.result.value.shape[1] if step.result.value.ndim == 2 else None
    if cols is None:
        return lambda k: f"entry {k + 1}"
    return lambda k: f"entry ({k // cols + 1}, {k % cols + 1})"


def _listed(words: list[str]) -> str:
    if len(words) == 1:
        return words[0][0].upper() + words[0][1:]
    text = ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


def _blank(answer) -> bool:
    """Every entry left empty (a step the learner did not answer); a too-deep answer is not blank:
    checking it says what is wrong with it."""
    try:
        return all(isinstance(leaf, str) and not leaf.strip() for leaf in _leaves(answer))
    except CheckError:
        return False


def check_many(inputs: Inputs, answers: Mapping[str, object], reveal: bool = False) -> dict[str, dict]:
    """The page's form POST: every answered step checked, {step id: the API's answer object}.

    Each step is checked against the true float64 values. A step whose entries are all blank is
    not answered and left out; a step with a problem (a wrong shape, a non-number, an unknown
    id) gets {"step", "error": {"field", "message", "kind"}} instead of raising. The learner's
    own earlier answers are read by one diagnosis: a wrong step that follows correctly from the
    learner's wrong answer to a step it reads is named "carried" (fix that step first)."""
    wants_grads = any(isinstance(k, str) and k.startswith("grad.") for k in answers)
    steps = _steps(inputs, wants_grads)
    order = {s.id: k for k, s in enumerate(steps)}
    index = diagnose.StepIndex(steps)
    own: dict[str, tuple[np.ndarray, float]] = {}
    out: dict[str, dict] = {}
    for step_id in sorted(answers, key=lambda k: order.get(k, len(order))):
        answer = answers[step_id]
        if _blank(answer):
            continue
        try:
            step = find_step(steps, step_id)
            checked = check_step(steps, step, answer, inputs, own, index)
        except CheckError as e:
            out[step_id] = {"step": step_id, "error": {"field": e.field, "message": e.message, "kind": e.kind}}
            continue
        values = np.array([[t.value for t in row] for row in checked.typed]).reshape(step.result.value.shape)
        own[step.id] = (values, max(t.half_unit for row in checked.typed for t in row))
        out[step_id] = checked.as_json(reveal)
    return out
