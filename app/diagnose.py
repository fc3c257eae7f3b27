"""Diagnoses: which mistake a wrong answer makes, named in one sentence with the fix (issue 12,
part 2). Numpy only, no Flask; `practice.py` calls `diagnose`.

How a mistake is recognised: from the wrong answer itself. Each mistake is a change to how one
step is computed (the bias left out, tanh for σ, v stacked the other way…). The checker replays
the asked step's own arithmetic (the step and the steps of its time step it is computed from,
`_chain`) with that change, and when every entry the learner typed matches the replayed result
(by the precision rule of `practice.py`) the mistake is named. A change upstream counts too:
z_f computed from v stacked the other way is diagnosed at the bias step, with the step named.

The mistakes (ids are `MISTAKES`' keys, in the order they are tried; the sentences below are
their wording, with the step's own symbols):
- concat_order: "You stacked v in the other order, [x_t, h_{t-1}]: this example's v is
  [h_{t-1}, x_t] (concat "hx"), so put h_{t-1} first." (v.concat, and every product that reads v)
- bias_forgotten / bias_twice: "The bias b_f is missing: add it to each entry (z_f = W_f · v +
  b_f)." / "The bias b_f is added twice: add it once (…)."
- sigma_skipped, tanh_for_sigma, sigma_for_tanh, tanh_skipped: "σ is not applied: …", "That is
  tanh where σ belongs: …", "That is σ where tanh belongs: …", "tanh is not applied: …".
- saturated_rounded: "Entry 1: σ(z) is not 0.999: for z this far from 0, σ(z) is within e^(−|z|)
  of its limit, much closer than 0.999; round the true value to the decimals you write." (z is
  not written: it may be a step practice still asks)
- new_state_for_old / old_state_for_new: "f_t ∘ C_{t-1} reads C_{t-1}, the state this step starts
  from; you used C_t, the one it computes." (C.forget, the peepholes p_f, p_i, the original
  LSTM's C_{t-1} + …, and the GRU's and MGU's products with h_{t-1}) / "… reads C_t, the cell
  state this step has just computed; you used C_{t-1}." (the peephole o gate, tanh(C_t))
- gate_swapped: "You swapped z_t and (1 − z_t): h_t = (1 − z_t) ∘ h̃_t + z_t ∘ h_{t-1}." (the GRU's
  z, the MGU's f, the coupled LSTM's f and i = 1 − f)
- transposed: "You multiplied by the columns of W_h^h (W_h^hᵀ·h_{t-1}): entry k of … is row k of
  W_h^h times h_{t-1}." (square products only: otherwise the shape says it, a 400)
- carried (check_many only): "Your numbers follow correctly from your own answer to “…”, which
  is wrong: the work in this step is right; fix that step and this one follows."
- row_slip: some rows of a product (or of a sum that contains one) are off while the others are
  right: "Row 2 slipped: the method is right, but that row's sum is off; redo it term by term."
  with one hint per slipped row that writes its terms and sum, "row 2: you wrote 42; 2·1 + 2·2 +
  … + 2·6 + 1 = 43": the one place an expected value appears in words. Only when at least one
  row is right and at most max(2, n/2) are off (otherwise it would write out the whole answer).
Only the forward steps are diagnosed; a gradient step gets right/wrong and the precision hints.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from . import fmt
from .primitives import PRIMITIVES, stable_sigmoid
from .trace import Step, Sym

MISTAKES = {
    "carried": "follows from the learner's own wrong answer to an earlier step",
    "concat_order": "v stacked in the other order",
    "bias_forgotten": "the bias left out",
    "bias_twice": "the bias added twice",
    "sigma_skipped": "σ not applied",
    "tanh_for_sigma": "tanh used where σ belongs",
    "sigma_for_tanh": "σ used where tanh belongs",
    "tanh_skipped": "tanh not applied",
    "saturated_rounded": "a saturated σ or tanh written as 0.999",
    "new_state_for_old": "the new state C_t (h_t) used where C_{t-1} (h_{t-1}) belongs",
    "old_state_for_new": "C_{t-1} used where the new C_t belongs",
    "gate_swapped": "a gate and 1 − the gate swapped",
    "transposed": "the product taken with the columns of W (Wᵀ·v)",
    "row_slip": "one row's sum slipped",
}
SATURATED = 0.9995  # |σ or tanh| past this (or σ below 1 − this) written as 0.999 is the mistake
_TIME = re.compile(r"t\d+\.")


@dataclass(frozen=True)
class Found:
    id: str
    sentence: str
    hints: list[str] = field(default_factory=list)


def plain(latex: str) -> str:
    """LaTeX as the messages write it: W_f·v, f_t ∘ C_{t-1}, C̃_t."""
    for old, new in ((r"\tilde{C}", "C\u0303"), (r"\tilde{h}", "h\u0303"), (r"\cdot", "·"), (r"\circ", "∘"),
                     (r"\sigma", "σ"), (r"\tanh", "tanh"), (r"\left", ""), (r"\right", ""), (r"\top", "ᵀ"),
                     (r"\,", " "), (" - ", " − "), ("(1 - ", "(1 − ")):
        latex = latex.replace(old, new)
    latex = re.sub(r"\\text\{([^{}]*)\}", r"\1", latex)
    return re.sub(r"\s+", " ", latex).strip()


def _time(step_id: str) -> str:
    mt = _TIME.match(step_id)
    return mt.group(0) if mt else ""


class StepIndex:
    """The example's forward steps, and which step made each value."""

    def __init__(self, steps: list[Step]):
        self.steps = [s for s in steps if not s.id.startswith("grad.")]
        self.index = {s.id: k for k, s in enumerate(self.steps)}
        self.by_id = {s.id: s for s in self.steps}
        self.maker = {id(s.result): s for s in self.steps}
        self.adds: dict[str, list[Step]] = {}  # each time step's sums (where a state may be mixed)
        for s in self.steps:
            if s.op == "add":
                self.adds.setdefault(_time(s.id), []).append(s)

    def chain(self, step: Step) -> list[Step]:
        """The step and the steps of its time step it is computed from, in trace order."""
        time, seen, todo = _time(step.id), {step.id: step}, [step]
        while todo:
            for operand in todo.pop().operands:
                p = self.maker.get(id(operand))
                if p is not None and p.id not in seen and _time(p.id) == time:
                    seen[p.id] = p
                    todo.append(p)
        return sorted(seen.values(), key=lambda s: self.index[s.id])


# A change: (the step, its operands' values as replayed, the values replayed so far) → its result.
Change = Callable[[Step, list, dict], np.ndarray]


def _replay(chain: list[Step], changes: Mapping[str, Change]) -> np.ndarray | None:
    values: dict[int, np.ndarray] = {}
    with np.errstate(all="ignore"):
        for s in chain:
            args = [values.get(id(o), o.value) for o in s.operands]
            if s.id in changes:
                value = changes[s.id](s, args, values)
            else:
                value = PRIMITIVES[s.op].forward(*args, **({"span": s.span} if s.span else {}))
            values[id(s.result)] = np.asarray(value, dtype=np.float64)
    out = values[id(chain[-1].result)]
    return out if np.all(np.isfinite(out)) else None


def _substitute(replace: Mapping[int, Callable[[dict], np.ndarray]]) -> Change:
    """A change that computes the step as usual with some operands replaced (by a Sym's id)."""
    def change(s, args, values):
        args = [replace[id(o)](values) if id(o) in replace else a for o, a in zip(s.operands, args)]
        return PRIMITIVES[s.op].forward(*args)
    return change


def _now(values: dict, sym: Sym) -> np.ndarray:
    return values.get(id(sym), sym.value)


def _candidates(tr: StepIndex, chain: list[Step], inputs, typed: list):
    """(mistake id, {step id: change}, sentence, the step changed) for every mistake that could
    have been made in `chain`, the asked step's own first, then upward."""
    for p in reversed(chain):
        ops, res = p.operands, p.result
        if p.op == "concat":
            a, b = (plain(o.latex) for o in ops)
            yield ("concat_order", {p.id: lambda s, x, _: np.concatenate([x[1], x[0]])},
                   f"You stacked {plain(res.latex)} in the other order, [{b}, {a}]: this example's "
                   f"{plain(res.latex)} is [{a}, {b}] (concat \"{inputs.concat}\"), so put {a} first.", p)
        if p.op == "add" and ops[1].name.startswith("b_"):
            b, formula = plain(ops[1].latex), plain(p.formula)
            yield ("bias_forgotten", {p.id: lambda s, x, _: x[0]},
                   f"The bias {b} is missing: add it to each entry ({formula}).", p)
            yield ("bias_twice", {p.id: lambda s, x, _: x[0] + 2 * x[1]},
                   f"The bias {b} is added twice: add it once ({formula}).", p)
        if p.op == "sigmoid":
            formula = plain(p.formula)
            yield ("sigma_skipped", {p.id: lambda s, x, _: x[0]},
                   f"σ is not applied: {formula}, so put each entry z through σ(z) = 1/(1 + e^(−z)), "
                   f"which lies between 0 and 1.", p)
            yield ("tanh_for_sigma", {p.id: lambda s, x, _: np.tanh(x[0])},
                   f"That is tanh where σ belongs: {formula}, with σ(z) = 1/(1 + e^(−z)) between 0 and 1 "
                   f"(tanh, between −1 and 1, is for the candidate).", p)
        if p.op == "tanh":
            formula = plain(p.formula)
            yield ("sigma_for_tanh", {p.id: lambda s, x, _: stable_sigmoid(x[0])},
                   f"That is σ where tanh belongs: {formula}, with tanh(z) between −1 and 1 (σ, between "
                   f"0 and 1, is for the gates).", p)
            yield ("tanh_skipped", {p.id: lambda s, x, _: x[0]},
                   f"tanh is not applied: {formula} squashes each entry into (−1, 1).", p)
        if p.op in ("sigmoid", "tanh"):
            yield from _saturated(p, typed if p is chain[-1] else None)
        yield from _states(tr, p)
        if p.op == "matvec" and ops[0].shape[0] == ops[0].shape[1] and not np.array_equal(ops[0].value, ops[0].value.T):
            W, v = plain(ops[0].latex), plain(ops[1].latex)
            yield ("transposed", {p.id: lambda s, x, _: x[0].T @ x[1]},
                   f"You multiplied by the columns of {W} ({W}ᵀ·{v}): entry k of {W}·{v} is row k of "
                   f"{W} times {v}.", p)
    for p in tr.adds.get(_time(chain[-1].id), []):  # the add that mixes a state with g and 1 − g
        yield from _swapped(tr, p, chain, inputs)


def _saturated(p: Step, typed: list | None):
    """σ(22) written as 0.999 (or σ(−22) as 0.001, tanh(9) as 0.999, tanh(−9) as −0.999). At the
    asked step (`typed`: its answer) only the entries written so are changed: a learner may round
    one saturated entry and not the next."""
    # z is not written: it is the result of the step before, which practice may still ask
    r = p.result.value
    if p.op == "sigmoid":
        rounded = np.where(r >= SATURATED, 0.999, np.where(r <= 1 - SATURATED, 0.001, r))
    else:
        rounded = np.where(r >= SATURATED, 0.999, np.where(r <= -SATURATED, -0.999, r))
    if typed is not None:
        rounded = np.array([c if t.close(c) else e for t, c, e in zip(typed, rounded, r)])
    hit = np.flatnonzero(rounded != r)
    if hit.size == 0:
        return
    k = hit[0]
    name = "σ" if p.op == "sigmoid" else "tanh"
    wrote = fmt.show(rounded[k]).replace("\u2212", "−")
    yield ("saturated_rounded", {p.id: lambda s, x, _: rounded},
           f"Entry {k + 1}: {name}(z) is not {wrote}: for z this far from 0, {name}(z) is within e^(−|z|) "
           f"of its limit, much closer than {wrote}; round the true value to the decimals you write.", p)


def _states(tr: StepIndex, p: Step):
    """C_t used for C_{t-1} (h_t for h_{t-1}), and C_{t-1} for C_t, in the step that reads them."""
    if p.op == "concat":
        return
    time = _time(p.id)
    for o in p.operands:
        new = tr.by_id.get(f"{time}{'C' if o.name == 'C_prev' else 'h'}.update")
        if o.name in ("C_prev", "h_prev") and new is not None:
            yield ("new_state_for_old", {p.id: _substitute({id(o): lambda values, new=new: new.result.value})},
                   f"{plain(p.result.latex)} reads {plain(o.latex)}, the state this step starts from; you "
                   f"used {plain(new.result.latex)}, the one it computes.", p)
        if o.name == "C" and tr.maker.get(id(o)) is not None:
            old = _operand_named(tr, tr.maker[id(o)], "C_prev")
            if old is not None:
                yield ("old_state_for_new", {p.id: _substitute({id(o): lambda values, old=old: old.value})},
                       f"{plain(p.result.latex)} reads {plain(o.latex)}, the cell state this step has just "
                       f"computed; you used {plain(old.latex)}, the previous one.", p)


def _operand_named(tr: StepIndex, step: Step, name: str) -> Sym | None:
    """The input `name` that `step` reads, itself or through the steps it is made from."""
    todo = [step]
    while todo:
        s = todo.pop()
        for o in s.operands:
            if o.name == name:
                return o
            if id(o) in tr.maker and _time(tr.maker[id(o)].id) == _time(step.id):
                todo.append(tr.maker[id(o)])
    return None


def _swapped(tr: StepIndex, add: Step, chain: list[Step], inputs):
    """g and 1 − g swapped where a state is mixed: h_t = (1 − z_t) ∘ h̃_t + z_t ∘ h_{t-1} (the GRU),
    (1 − f_t) ∘ h_{t-1} + f_t ∘ h̃_t (the MGU), f_t ∘ C_{t-1} + (1 − f_t) ∘ C̃_t (the coupled LSTM)."""
    parts = [tr.maker.get(id(o)) for o in add.operands]
    if any(part is None or part.op != "hadamard" for part in parts):
        return
    for one_minus in (tr.maker.get(id(o)) for part in parts for o in part.operands):
        if one_minus is None or one_minus.op != "one_minus":
            continue
        g, omg = one_minus.operands[0], one_minus.result
        changes = {}
        for part in parts:
            if any(o is omg for o in part.operands):
                changes[part.id] = _substitute({id(omg): lambda values, g=g: _now(values, g)})
            elif any(o is g for o in part.operands):
                changes[part.id] = _substitute({id(g): lambda values, g=g: 1.0 - _now(values, g)})
        if len(changes) == 2 and any(s.id in changes for s in chain):
            named = plain(omg.latex) if "1" in omg.latex else f"{plain(omg.latex)} = 1 − {plain(g.latex)}"
            note = " (Colah's post writes it the other way round; here z_t keeps the old state, as in " \
                   "Cho et al. and PyTorch)" if inputs.variant == "gru" else ""
            yield ("gate_swapped", changes,
                   f"You swapped {plain(g.latex)} and {named}: {plain(add.formula)}{note}.", add)
        return


def _fits(typed: list, candidate: np.ndarray | None, truth: np.ndarray) -> bool:
    if candidate is None or candidate.shape != truth.shape or np.array_equal(candidate, truth):
        return False
    return all(t.matches(c) for t, c in zip(typed, candidate.ravel()))


# ----------------------------------------------------------------------------- row slip

def _show(x: float) -> str:
    return fmt.show(x).replace("\u2212", "−")


def _terms(tr: StepIndex, sym: Sym, k: int, time: str) -> tuple[list[str], bool]:
    """Entry k of `sym` written as the terms it adds up, and whether a product of rows is among them."""
    p = tr.maker.get(id(sym))
    if p is not None and _time(p.id) == time:
        if p.op == "matvec":
            W, v = p.operands
            products = [f"{fmt.signed(_show(w))}·{fmt.signed(_show(x))}" for w, x in zip(W.value[k], v.value)]
            if len(products) > 4:
                products = [*products[:2], "…", products[-1]]
            return products, True
        if p.op == "add":
            (a, row_a), (b, row_b) = (_terms(tr, o, k, time) for o in p.operands)
            return [*a, *b], row_a or row_b
        if p.op == "hadamard":
            a, b = p.operands
            return [f"{fmt.signed(_show(a.value[k]))}·{fmt.signed(_show(b.value[k]))}"], False
    return [fmt.signed(_show(sym.value[k]))], False


def _row_slip(tr: StepIndex, step: Step, typed: list, wrong: np.ndarray) -> Found | None:
    if step.result.value.ndim != 1:
        return None
    n, slipped = wrong.size, np.flatnonzero(wrong)
    if slipped.size == 0 or slipped.size == n or slipped.size > max(2, n // 2):
        return None
    hints = []
    for k in slipped:
        terms, has_rows = _terms(tr, step.result, k, _time(step.id))
        if not has_rows:
            return None
        hints.append(f"row {k + 1}: you wrote {typed[k].text}; {' + '.join(terms)} = {_show(step.result.value[k])}")
    rows = [str(k + 1) for k in slipped]
    if len(rows) == 1:
        sentence = f"Row {rows[0]} slipped: the method is right, but that row's sum is off; redo it term by term."
    else:
        sentence = (f"Rows {', '.join(rows[:-1])} and {rows[-1]} slipped: the method is right, but those rows' "
                    f"sums are off; redo them term by term.")
    return Found("row_slip", sentence, hints)


# ----------------------------------------------------------------------------- carried

def _lipschitz(step: Step, k: int) -> float:
    """How much step's result can move per unit of operand k's entries (a bound, per entry)."""
    ops = step.operands
    if step.op == "hadamard":
        return float(np.max(np.abs(ops[1 - k].value), initial=0.0))
    if step.op == "matvec":
        W, v = (o.value for o in ops)
        return float(np.max(np.abs(W).sum(axis=1))) if k == 1 else float(np.abs(v).sum())
    return {"sigmoid": 0.25}.get(step.op, 1.0)  # add, concat, one_minus, tanh: 1


def _carried(tr: StepIndex, step: Step, typed: list, own: Mapping[str, tuple[np.ndarray, float]]) -> Found | None:
    """The step done right on the learner's own (wrong) answers to the steps it reads. `own`: by
    step id, the values typed and half a unit of their last typed place, which bounds (through
    this step's `_lipschitz`) how far the learner's rounding of them moves this step's result."""
    replace, used, slack = {}, [], 0.0
    for k, o in enumerate(step.operands):
        p = tr.maker.get(id(o))
        if p is None or p.id not in own:
            continue
        value, half_unit = own[p.id]
        if value.shape == o.value.shape and not np.allclose(value, o.value, rtol=1e-12, atol=0):
            replace[id(o)] = (lambda values, value=value: value)
            used.append(p)
            slack += half_unit * _lipschitz(step, k)
    if not used or step.span:
        return None
    candidate = _replay([step], {step.id: _substitute(replace)})
    if candidate is None or np.array_equal(candidate, step.result.value):
        return None
    if not all(t.matches(c) or abs(t.value - c) <= t.half_unit + slack * (1 + 1e-9)
               for t, c in zip(typed, candidate.ravel())):
        return None
    names = " and ".join(f"“{plain(p.title)}”" for p in used)
    return Found("carried", f"Your numbers follow correctly from your own answer to {names}, which is wrong: the "
                            f"work in this step is right; fix that step and this one follows.")


def diagnose(steps: list[Step], step: Step, typed_rows: list, wrong: np.ndarray, inputs,
             own: Mapping[str, tuple[np.ndarray, float]], index: StepIndex | None = None,
             cut: np.ndarray | None = None) -> Found | None:
    """The mistake the answer makes (module docstring), or None. `typed_rows`: the answer as rows
    of practice.Typed; `wrong`: which entries are wrong (not merely too coarse); `own`: the
    learner's answers to other steps, by step id: (the values, half a unit of their last typed place);
    `index`: StepIndex(steps), when one is at hand (check_many checks many steps of one trace);
    `cut`: which wrong entries look cut off rather than rounded (the checker's hint says so): not
    a slipped row, whose hint would write out the value the learner only had to round."""
    if step.id.startswith("grad."):
        return None
    tr = index or StepIndex(steps)
    typed = [t for row in typed_rows for t in row]
    truth = step.result.value
    if not wrong.any():  # only too coarse: nothing to diagnose
        return None
    found = _carried(tr, step, typed, own) if own else None
    if found is not None:
        return found
    chain = tr.chain(step)
    for mistake, changes, sentence, where in _candidates(tr, chain, inputs, typed):
        if _fits(typed, _replay(chain, changes), truth):
            if where is not step and mistake not in ("gate_swapped", "concat_order"):
                sentence = f"{sentence[:-1]} (in the step “{plain(where.title)}”)."
            return Found(mistake, sentence)
    return _row_slip(tr, step, typed, wrong if cut is None else wrong & ~cut)
