"""How much one answer shows, so that every request within the caps costs bounded time and bytes.

A page, or the API's `steps` and `grad_steps`, writes out every number of every step it lists:
its size and the time it takes grow with the entries of those steps' operands and results.
Within the caps (n, m, k <= 32) one time step has at most about 46,000 (a GRU's backward step
at n = m = k = 32: ~4 MB of page), but a sequence of T = 20 has twenty times as many — an 86 MB
page from a 541-character link. So an answer shows at most ENTRIES of them: a sequence that
needs more is shown one time step at a time (`time` = 1…T in the link, the form and the API),
and the answer says so and links to the others. One time step always fits, so the rule never
hides a step of a single-step example, and nothing is ever rounded or cut inside a step.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .trace import Step

ENTRIES = 61_000  # numbers one answer writes out at most: one time step of the largest example
_TIME = re.compile(r"^(?:grad\.)?t(\d+)\.")  # the time step in a sequence's step ids (trace.py)


def time_of(step_id: str) -> int | None:
    """The time step of a sequence's step (t3.f.matmul, grad.t3.f.matmul → 3); None for one step."""
    mt = _TIME.match(step_id)
    return int(mt.group(1)) if mt else None


def entries(steps: list[Step]) -> int:
    """How many numbers the steps write out: every entry of every operand and result."""
    return sum(s.result.value.size + sum(o.value.size for o in s.operands) for s in steps)


def at_time(steps: list[Step], t: int) -> list[Step]:
    return [s for s in steps if time_of(s.id) == t]


@dataclass(frozen=True)
class Paging:
    """A sequence shown one time step at a time: `time` is the one shown, of `T`."""

    time: int
    T: int
    note: str  # why, and how to see the others ("" when nothing to say beyond the timeline)


def paging(steps: list[Step], T: int, asked: str | int | None, default: int,
           budget: int = ENTRIES) -> Paging | None:
    """None when every step fits (or there is one time step); else which time step to show: the
    one asked for (`time`, as text from a link or an int from JSON) or `default`. A `time` that
    is not a time step of the example shows `default`, and the note says so."""
    if T < 2 or entries(steps) <= budget:
        return None
    note = ""
    t = _time(asked, T)
    if t is None:
        t = default
        if asked not in (None, ""):
            note = (f"time = {str(asked)[:12]!r} is not a time step of this example (1 to {T}); "
                    f"showing t = {t}. ")
    return Paging(t, T, note + f"This sequence is large ({entries(steps):,} numbers in its steps), so "
                              f"its steps are shown one time step at a time: t = {t} of {T}.")


def _time(asked, T: int) -> int | None:
    if isinstance(asked, bool):
        return None
    if isinstance(asked, int):
        return asked if 1 <= asked <= T else None
    if isinstance(asked, str) and asked.isascii() and asked.isdigit() and len(asked) <= 3:
        return int(asked) if 1 <= int(asked) <= T else None
    return None
