"""A tape (app/replay.py) computes an example of a known shape exactly as its cell and the
backward walk do: every step's words, every float64 bit (the sign of zero too), the same Sym
wherever one value is read, the time steps, the gradients and the loss."""
from __future__ import annotations

import numpy as np
import pytest

from app import parse, sequence
from tests import golden


def _same_array(a, b) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _assert_same_steps(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert (g.id, g.op, g.title, g.formula, g.why, g.saturated, g.span) == \
               (w.id, w.op, w.title, w.formula, w.why, w.saturated, w.span)
        for gs, ws in zip((*g.operands, g.result), (*w.operands, w.result)):
            assert (gs.name, gs.latex) == (ws.name, ws.latex), g.id
            assert _same_array(gs.value, ws.value), (g.id, gs.name)


def _identity_pattern(steps):
    """Which operands are the same Sym (the renderers write a value once per Sym)."""
    seen: dict[int, int] = {}
    return [seen.setdefault(id(s), len(seen)) for step in steps for s in (*step.operands, step.result)]


def _assert_same(got, want):
    _assert_same_steps(got.steps, want.steps)
    _assert_same_steps(got.grad_steps, want.grad_steps)
    assert _identity_pattern(got.steps + got.grad_steps) == _identity_pattern(want.steps + want.grad_steps)
    assert len(got.timesteps) == len(want.timesteps)
    for g, w in zip(got.timesteps, want.timesteps):
        assert list(g) == list(w)
        assert all(g[k] == w[k] if k == "t" else _same_array(g[k], w[k]) for k in w)
    assert list(got.grads) == list(want.grads)
    assert all(_same_array(got.grads[k], want.grads[k]) for k in want.grads)
    assert np.float64(got.loss).tobytes() == np.float64(want.loss).tobytes()
    assert got.loss_formula == want.loss_formula


def _scaled(inp, factor):
    """The same shape, other numbers (and every zero's sign flipped where the factor is < 0)."""
    return inp.replace(**{name: a * factor for name, a in inp.arrays.items()})


@pytest.mark.parametrize("with_grads", [True, False])
def test_a_tape_computes_every_example_as_its_cell_does(with_grads, monkeypatch):
    traced = sequence._unroll
    calls = []
    monkeypatch.setattr(sequence, "_unroll", lambda *args: calls.append(args) or traced(*args))
    for body in golden.random_bodies(count=120, seed=8):  # every variant, sequences, output layers
        inp, errors = parse.parse_json_fields(body)
        assert errors == []
        sequence.unroll(inp, with_grads)  # the first of its shape: computed, and its tape kept
        for factor in (1.0, -0.5, 3.0):
            other = _scaled(inp, factor)
            before = len(calls)
            got = sequence.unroll(other, with_grads)
            assert len(calls) == before  # from the tape
            _assert_same(got, traced(other, with_grads, sequence.sources(other))[0])


def test_a_shape_seen_before_is_replayed_not_recomputed(monkeypatch):
    inp, _ = parse.parse_json_fields(golden.random_bodies(count=1, seed=9)[0])
    sequence.unroll(inp)  # records its shape's tape
    other = _scaled(inp, 2.0)
    want = sequence.unroll_traced(other)
    traced = sequence._unroll
    calls = []
    monkeypatch.setattr(sequence, "_unroll", lambda *args: calls.append(args) or traced(*args))
    _assert_same(sequence.unroll(other), want)
    assert calls == []


def test_two_fields_that_are_one_array_are_never_taped_as_one():
    """h_prev and C_prev made from one array: a tape would read the first for both, for every
    later example of the shape; such an example is computed from scratch and taped by none."""
    from app import presets
    base = presets.variant_example("lstm", n=2, m=2, seed=11)
    shared = np.array([0.3, -0.7])
    sequence._TAPES.clear()
    sequence.unroll(base.replace(h_prev=shared, C_prev=shared))
    other = base.replace(h_prev=np.array([0.3, -0.7]), C_prev=np.array([5.0, 5.0]))
    _assert_same(sequence.unroll(other), sequence.unroll_traced(other))


def test_the_tapes_are_bounded_and_the_least_recently_used_goes_first(monkeypatch):
    """Over the bound, the shape used longest ago is dropped, never the one just recorded or just
    used (a burst of new shapes, from another thread too, cannot empty the store)."""
    from collections import OrderedDict
    monkeypatch.setattr(sequence, "_TAPES", OrderedDict())
    bodies = golden.random_bodies(count=40, seed=10)
    inps = []
    for body in bodies:
        inp, _ = parse.parse_json_fields(body)
        if sequence._shape(inp, True) not in {sequence._shape(i, True) for i in inps}:
            inps.append(inp)
    first, second, third = inps[:3]
    for inp in (first, second):
        sequence.unroll(inp)
    sizes = {key: len(t.steps) for key, t in sequence._TAPES.items()}
    assert len(sizes) == 2
    sequence.unroll(_scaled(first, 2.0))  # a use: first is now the most recent
    monkeypatch.setattr(sequence, "_TAPE_STEPS", sum(sizes.values()) - 1)
    sequence.unroll(third)  # over the bound: the least recently used (second) goes
    kept = list(sequence._TAPES)
    assert kept[-1] == sequence._shape(third, True)
    assert sequence._shape(second, True) not in kept
    assert sum(len(t.steps) for t in sequence._TAPES.values()) <= sequence._TAPE_STEPS or len(kept) == 1
