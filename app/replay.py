"""The steps of an example of a known shape, computed again for new numbers without writing
their words again.

What a step says (its id, title, formula, why, which values it reads) depends only on the
example's shape: the cell, its options, n, m, T, which inputs are given (dh, dC, an output
layer) and the concat order. Nothing a cell or the backward walk writes depends on a number. So
the first example of a shape is computed as usual (`sequence.py`, the cells, `backward.py`) and
kept as a `Tape`: each step's words, its primitive, where its operands come from (an input, or
an earlier step's result) and its primitive's own parameters. The next example of that shape
(every live edit, every new link of the same cell and size) is computed from the tape: the same
primitives on the new numbers, in the same order, so every float64 is the same as computing it
from scratch, and new `Step`s and `Sym`s that reuse the words.

The same Sym object stands for the same value wherever it appears (v read by four gates): the
renderers write a value once by the identity of its Sym, and the tape keeps that identity.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .primitives import PRIMITIVES, Primitive
from .trace import Step, Sym


class NotReplayable(Exception):
    """A value of the trace whose origin the tape cannot tell: the shape is then always computed
    from scratch (never wrong, only slower)."""


@dataclass(frozen=True)
class Tape:
    # Per step: the Syms it is the first to read (index, name, LaTeX, source), its forward
    # function, the indices of its operands' and result's Syms, its primitive's parameters, its
    # words (`_words`: strings only, no arrays, so a tape keeps no numbers alive), and its
    # primitive's saturation rule.
    steps: tuple[tuple, ...]
    forward_count: int  # the first steps are the forward trace, the rest the backward one
    sym_count: int
    timesteps: tuple[dict, ...]  # per time step: key → an int, or the source of its array
    grads: tuple[tuple[str, tuple], ...]  # (field, source)
    loss_terms: tuple[tuple[tuple, tuple], ...]  # (source, source): loss = Σ dot(a, b), in order
    loss_formula: str


# A source is ("in", key) for an input array (`sequence.sources`' key), ("step", j) for the
# result of step j, ("zeros", shape) for a gradient that nothing reaches, or ("stack", sources)
# for a sequence's ∂L/∂x, one row per time step.


def record(steps: list[Step], grad_steps: list[Step], inputs: dict[str, np.ndarray],
           timesteps: list[dict], grads: dict[str, np.ndarray], loss_formula: str, *,
           loss_terms: list[tuple], x_rows: list[np.ndarray] | None, zeros: list[np.ndarray]) -> Tape:
    """The tape of a computed example: `inputs` are the arrays its leaves were made from,
    `x_rows` the gradients stacked into a sequence's ∂L/∂x, `zeros` the zeros made for the
    gradients nothing reaches."""
    by_array: dict[int, tuple] = {}
    for key, array in inputs.items():
        # Two fields that are one array (h_prev and C_prev made from one np.zeros) would be told
        # apart by nothing but their name: the tape would read the first for both, for every later
        # example of the shape. Only a single step's x and x1 are one array by design.
        seen = by_array.setdefault(id(array), ("in", key))
        if seen[1] != key and {seen[1], key} != {"x", "x1"}:
            raise NotReplayable(f"{seen[1]} and {key} are one array")
    sym_index: dict[int, int] = {}
    rows = []
    for j, step in enumerate([*steps, *grad_steps]):
        new = []
        for sym in step.operands:
            if id(sym) not in sym_index:
                source = by_array.get(id(sym.value))
                if source is None:
                    raise NotReplayable(f"operand {sym.name} of {step.id}")
                sym_index[id(sym)] = len(sym_index)
                new.append((sym_index[id(sym)], sym.name, sym.latex, source))
        if id(step.result) in sym_index:
            raise NotReplayable(f"result of {step.id} seen before")
        result = sym_index[id(step.result)] = len(sym_index)
        by_array[id(step.result.value)] = ("step", j)  # a later step reading it reads this step's
        params = {"span": step.span} if step.span else {}
        if step.op == "embed":
            params["shape"] = step.result.value.shape
        primitive = PRIMITIVES[step.op]
        # a primitive that never saturates (all but σ and tanh) has no rule to call per example
        saturated = primitive.saturated if type(primitive).saturated is not Primitive.saturated else None
        rows.append((tuple(new), primitive.forward, tuple(sym_index[id(s)] for s in step.operands), result,
                     params, _words(step), saturated))

    for array in zeros:
        by_array[id(array)] = ("zeros", array.shape)

    def source(array) -> tuple:
        found = by_array.get(id(array))
        if found is None:
            raise NotReplayable("an array of the answer")
        return found

    if x_rows is not None:
        by_array[id(grads["x"])] = ("stack", tuple(source(row) for row in x_rows))

    return Tape(
        steps=tuple(rows), forward_count=len(steps), sym_count=len(sym_index),
        timesteps=tuple({key: value if isinstance(value, int) else source(value) for key, value in entry.items()}
                        for entry in timesteps),
        grads=tuple((name, source(g)) for name, g in grads.items()),
        loss_terms=tuple((source(a), source(b)) for a, b in loss_terms),
        loss_formula=loss_formula,
    )


def _words(step: Step) -> tuple:
    return (step.id, step.op, step.title, step.formula, step.why, step.span, step.result.name, step.result.latex)


def replay(tape: Tape, inputs: dict[str, np.ndarray], loss: Callable):
    """(steps, grad_steps, timesteps, grads, loss, loss_formula) of new inputs of the tape's
    shape; `loss` sums the loss terms as `sequence.py` does."""
    syms: list[Sym | None] = [None] * tape.sym_count
    results: list[np.ndarray] = []
    out: list[Step] = []
    for new, forward, operands, result, params, words, saturated in tape.steps:
        for index, name, latex, (kind, key) in new:
            syms[index] = Sym(name, latex, inputs[key] if kind == "in" else results[key])
        args = tuple([syms[i] for i in operands])
        value = forward(*[s.value for s in args], **params) if params else forward(*[s.value for s in args])
        results.append(value)
        step_id, op, title, formula, why, span, name, latex = words
        sym = syms[result] = Sym(name, latex, value)
        out.append(Step(step_id, op, title, formula, why, args, sym,
                        tuple(saturated(value)) if saturated is not None else (), span))

    def value(source: tuple) -> np.ndarray:
        kind, key = source
        if kind == "in":
            return inputs[key]
        if kind == "step":
            return results[key]
        if kind == "stack":
            return np.stack([value(row) for row in key])
        return np.zeros(key)

    timesteps = [{key: v if isinstance(v, int) else value(v) for key, v in entry.items()} for entry in tape.timesteps]
    grads = {name: value(source) for name, source in tape.grads}
    total = loss([(value(a), value(b)) for a, b in tape.loss_terms])
    return (out[:tape.forward_count], out[tape.forward_count:], timesteps, grads, total, tape.loss_formula)
