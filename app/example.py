"""Glue shared by the page and the API: text or JSON in, a computed example (or errors) out.

parse → compute → link, in one place, so the page and the API cannot disagree.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import parse, parse_framework, permalink
from .cells import VARIANTS
from .fields import ARRAY_FIELDS, Inputs
from .sequence import Unrolled, unroll


@dataclass
class Example:
    typed: dict[str, str] | None = None  # the user's own text, when it is to be shown as typed
    inp: Inputs | None = None
    result: Unrolled | None = None  # every time step, the loss and its gradients
    errors: list[dict] = field(default_factory=list)
    query: str | None = None  # the permalink's query; None if too large for a link
    framework: dict | None = None  # {"framework", "mapping"} when the body spoke a framework's layout

    @property
    def ok(self) -> bool:
        return self.result is not None

    @property
    def fields(self) -> dict[str, str]:
        """Each field's text as the form shows it: as typed, or the example's exact values
        (only the page needs these: the API never pays for them)."""
        if self.typed is not None:
            return self.typed
        return permalink.field_text(self.inp) if self.inp is not None else {}


def from_input(inp: Inputs, grads: bool = True) -> Example:
    """`grads=False` skips the backward pass (the forward page does not show it)."""
    ex = Example(inp=inp)
    try:
        ex.result = unroll(inp, with_grads=grads)
    except FloatingPointError as e:  # unreachable within the caps; never a 500 if it happens
        ex.errors = [{"field": "body", "message": f"The arithmetic failed in float64 ({e}); "
                                                  f"try smaller numbers."}]
        return ex
    ex.query = permalink.to_query(inp)
    return ex


def from_pairs(pairs: Iterable[tuple[str, str]], grads: bool = True) -> Example:
    """Query-string or form pairs (text in any accepted format)."""
    fields, inp, errors = parse_pairs(pairs)
    if errors:
        return Example(typed=fields, errors=errors)
    return from_input(inp, grads=grads)


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], Inputs | None, list[dict]]:
    """Query-string or form pairs → (each field's text, the example or None, errors), without
    computing it (a short link stores the example; its page computes it)."""
    fields, errors = permalink.from_pairs(pairs)
    if any(e["field"] == "z" for e in errors):
        # A damaged compact link: its fields are unknown, so "x is required" and the like
        # would blame the learner for what the link lost. Say only what is wrong with the link.
        return fields, None, errors
    inp, parse_errors = parse.parse_text_fields(fields)
    errors = errors + parse_errors
    return fields, (None if errors else inp), errors


def from_json(body) -> Example:
    """A JSON body in our fields, or (with "framework") in a framework's tensors."""
    framework = None
    if isinstance(body, dict) and "framework" in body:
        inp, framework, errors = parse_framework.parse_framework_json(body)
    else:
        inp, errors = parse.parse_json_fields(body)
    if errors:
        return Example(typed={}, errors=errors)
    ex = from_input(inp)
    ex.framework = framework
    return ex


def as_json(inp: Inputs) -> dict:
    """The example's input as the API takes it: each field the example has, settings included
    (a field left out would be at its default)."""
    out = {"variant": inp.variant, "concat": inp.concat}
    for option in VARIANTS[inp.variant].options:  # gru_reset
        out[option] = inp.option(option)
    if inp.is_sequence:
        out["T"] = inp.T  # a sequence of single numbers reads as one vector without it
    out.update({name: inp[name].tolist() for name in ARRAY_FIELDS if name in inp})
    return out
