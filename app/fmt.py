"""How a float64 is written: on the page, in LaTeX, and exactly (links, forms, hover text).

- `exact(x)`: the shortest text that parses back to the same float64 (Python's repr), with
  integers written as integers (91, not 91.0) and −0.0 as "-0". Used in permalinks and the form.
- `show(x)`: what the whiteboard shows. Integers as integers; short exact values as they are
  (0.5, -1.25, 123456.7); anything else at 4 decimals (0.9526), with up to 10 when 4 would
  make a non-integer look like an integer (σ(22) shows 0.9999999997, not 1.0000); very small
  or large values as 2.790×10⁻¹⁰. Never "-0": zero is "0".
- `latex(x)`: the same, in LaTeX (2.790 \\times 10^{-10}).
- `saturation(value, gap)`: why a σ or tanh entry shows as exactly its limit (1, -1 or 0).

Formatting happens once, in Python, not inside template loops; results are cached because the
same numbers (v, the W entries) appear many times on one page.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_INT_LIMIT = 1e15  # below this every integer-valued float64 prints exactly as an integer
_SHORT_DIGITS = 6  # an exact value with at most this many significant digits prints as is
_DECIMALS = 4  # the usual precision; so does an exact value with at most this many decimals
_MAX_DECIMALS = 10


def exact(x: float) -> str:
    x = float(x)
    if x == 0:  # not from the cache below, where 0.0 and -0.0 are the same key
        return "-0" if math.copysign(1.0, x) < 0 else "0"  # -0 reads back as -0.0: every bit kept
    return _exact(x)


@lru_cache(maxsize=16384)  # a page writes each input twice (its link, its form field)
def _exact(x: float) -> str:
    if x.is_integer() and abs(x) < _INT_LIMIT:
        return str(int(x))
    return repr(x)


def _parts(x: float) -> tuple[str, int | None]:
    """(mantissa, power of ten or None) of the displayed form of x."""
    if x == 0:
        return "0", None
    if x.is_integer() and abs(x) < _INT_LIMIT:
        return str(int(x)), None
    r = repr(x)
    if "e" not in r and abs(x) < 1e6:
        whole, _, decimals = r.lstrip("-").partition(".")
        if len(decimals) <= _DECIMALS or len((whole + decimals).lstrip("0")) <= _SHORT_DIGITS:
            return r, None  # exact and short: 0.5, -1.25, 123456.7
    if 1e-4 <= abs(x) < 1e6:
        # More decimals only where 4 would pass a non-integer off as an integer: σ(22) reads
        # 0.9999999997. Up to 10: past that the difference is float64 noise (0.1+0.2+0.7 is
        # 1.0000000000000002), and "1.0000" with the exact value on hover says it better.
        for decimals in range(_DECIMALS, _MAX_DECIMALS + 1):
            s = f"{x:.{decimals}f}"
            if not float(s).is_integer():
                return s, None
        return f"{x:.{_DECIMALS}f}", None
    mantissa, power, _ = _scientific(x, r)
    return mantissa, power


def _scientific(x: float, r: str) -> tuple[str, int, int]:
    """(mantissa, power, digits): x as mantissa × 10^power with the fewest significant digits (up
    to 4) that read back as x: 1e-05, not 1.000e-05; the short forms first (rather than stripping
    zeros off 4 digits) keep subnormals as their exact text says them: 5e-324, not 4.941e-324
    (which also reads back as 5e-324). `r` is repr(x), the shortest text that reads back as x,
    and its count of significant digits (`digits`) says which form does: x rounded to that many
    digits reads back (a decimal of that length lies in x's rounding interval, so the nearest one
    does), to fewer it cannot. One format, not one try per length: numbers like
    2.6142184467454783e-217 fill a backward pass through a saturated gate."""
    digits = len(r.partition("e")[0].replace("-", "").replace(".", "").strip("0"))
    mantissa, power = f"{x:.{min(digits, 4) - 1}e}".split("e")
    return mantissa, int(power), digits


# One cache for the three ways a number is written: a page or an answer writes several thousand
# numbers, most of them more than once (v, the weights, a gate in each step that reads it), and
# a new number is worked out once for all three. (0.0 and -0.0 share an entry: both are written 0.)
@lru_cache(maxsize=16384)
def _written(x: float) -> tuple[str, str, bool]:
    """(show, latex, is_rounded) of x."""
    if x.is_integer():
        if abs(x) < _INT_LIMIT:  # 91, -3, 0 (also for -0.0): exact
            text = str(int(x))
            return text.replace("-", "\u2212", 1), text, False
    elif 1e-4 <= abs(x) < 1e6:
        # Most numbers, the same texts as _parts below, in fewer steps: each new number of a
        # page or an answer is written here once (the cold path, BENCHMARKS.md).
        r = repr(x)  # never in e-notation in this range
        whole, _, decimals = r.lstrip("-").partition(".")
        if len(decimals) <= _DECIMALS or len((whole + decimals).lstrip("0")) <= _SHORT_DIGITS:
            return r.replace("-", "\u2212", 1), r, False
        s = f"{x:.{_DECIMALS}f}"
        if not s.endswith("0000"):  # not an integer at 4 decimals (then more decimals: _parts)
            # rounded: were s exact, repr (the shortest exact text) would have <= 4 decimals
            return s.replace("-", "\u2212", 1), s, True
    else:
        # Very small or large: mantissa × 10^power, rounded exactly when the shortest exact text
        # has more than the 4 significant digits shown.
        mantissa, power, digits = _scientific(x, repr(x))
        shown = mantissa.replace("-", "\u2212", 1)
        return (f"{shown}×10{str(power).translate(_SUPERSCRIPT)}", rf"{mantissa} \times 10^{{{power}}}",
                digits > 4)
    mantissa, power = _parts(x)
    # The page writes a true minus (−0.5, as its ranges and formulas do); LaTeX keeps "-", which
    # it typesets as a minus itself.
    shown = mantissa.replace("-", "\u2212", 1)
    if power is None:
        return shown, mantissa, float(mantissa) != x
    return (f"{shown}×10{str(power).translate(_SUPERSCRIPT)}", rf"{mantissa} \times 10^{{{power}}}",
            float(f"{mantissa}e{power}") != x)


def show(x: float) -> str:
    return _written(float(x))[0]


def latex(x: float) -> str:
    return _written(float(x))[1]


def latex_each(xs: list[float]) -> list[str]:
    """`latex` of each float of a list (an array's `tolist()`), without a call per number."""
    return [_written(x)[1] for x in xs]


def is_rounded(x: float) -> bool:
    """True when `show(x)` is not the exact value (the page then offers it on hover)."""
    return _written(float(x))[2]


def signed(text: str) -> str:
    """Parenthesise a negative number inside a product: 2·(−3), not 2·−3."""
    return f"({text})" if text.startswith(("-", "\u2212")) else text


class Saturation(NamedTuple):
    """Why a saturated entry shows as exactly its limit, in the two places that say it."""

    worked: str  # after the worked line's head: "σ(92) = 1 / (1 + exp(-92)) <worked>"
    hover: str  # on its own, in a curve point's title


def saturation(value: float, gap: float) -> Saturation:
    """`value`: the float64 an activation stored (1, -1 or 0); `gap`: the true distance of the
    function from its limit there (`primitives.sigmoid_gap`, `primitives.tanh_gap`), representable when
    the value itself rounds to the limit: σ(92) = 1 − 1.1×10⁻⁴⁰ is stored as exactly 1."""
    if value == 0.0:
        return Saturation("is below the smallest float64, so it is stored as 0 (saturated)",
                          "the true value is below the smallest float64, so it is stored as exactly 0")
    true = ("1 − " if value > 0 else "−1 + ") + (show(gap) if gap > 0 else "less than 10⁻³⁰⁸")
    return Saturation(f"= {true}, which float64 stores as exactly {show(value)} (saturated)",
                      f"the true value {true} is stored as exactly {show(value)}")
