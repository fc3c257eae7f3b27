"""One number, as text or as a JSON value: checked, converted to float64, or a message that
says what was expected. And the caps every parser states: on values, on a number's length, and
on the sizes of an example (`parse.py` checks those).

Only ASCII decimal numbers are accepted: no NaN, inf, `1_000`, Unicode digits, booleans or
nulls. Values are capped at |x| <= MAX_ABS; the cap is stated in the message when hit.
"""
from __future__ import annotations

import math
import re

MAX_DIM = 32  # m, n <= 32: a 32×64 matrix is already more than a page can show usefully
MAX_ABS = 1e6  # |value| <= 1e6 keeps every W·v + b far from float64 overflow
MAX_NUMBER_CHARS = 100  # a number within the cap, even at full float64 precision, needs ~25

MAX_T = 20  # time steps: every step of every one is on the page
MAX_K = 32  # outputs of the output layer, like n and m

# \d+(?:\.\d*)?, not \d+\.?\d*: that one can split a digit run between its two quantifiers in as
# many ways as it has digits, O(L²) steps on a long token that is not a number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class FieldError(ValueError):
    """A message about one field, already a whole sentence."""


# ---------------------------------------------------------------------------- numbers

def parse_number(token: str, where: str) -> float:
    """One ASCII decimal number, finite and within the cap. `where` names it in messages
    ("x entry 2")."""
    if len(token) > MAX_NUMBER_CHARS:
        raise FieldError(f"{where} is '{clip(token)}', {len(token):,} characters long; write numbers in at "
                         f"most {MAX_NUMBER_CHARS} characters (values are between -1e6 and 1e6).")
    if not _NUMBER.fullmatch(token):
        raise FieldError(f"{where} is '{clip(token)}', which is not a number. {_hint(token)}")
    value = float(token)
    if not math.isfinite(value):
        raise FieldError(f"{where} is {clip(token)}, too large even for float64; "
                         f"values must be between -1e6 and 1e6.")
    return check_cap(value, where, token)


def check_cap(value: float, where: str, shown: str) -> float:
    # `shown` is the number as given: {value:g} would write 1000001 as 1e+06, inside the cap.
    if abs(value) > MAX_ABS:
        raise FieldError(f"{where} is {clip(shown)}, over the cap: values must be between "
                         f"-1e6 and 1e6.")
    return value


def _hint(token: str) -> str:
    low = token.strip().lower().lstrip("+-")
    if low in ("nan", "inf", "infinity"):
        return "NaN and infinity cannot be used; expected a finite decimal number like 0.5."
    if "_" in token:
        return "Write the digits without underscores (1000, not 1_000)."
    if any(ch.isdigit() and not ch.isascii() for ch in token):
        return "Use the ASCII digits 0-9."
    if token.startswith("0x") or token.startswith("0X"):
        return "Write numbers in decimal."
    return "Expected a decimal number like 3, -0.5 or 1e-3."


def clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------- JSON

def json_number(item, where: str) -> float:
    # bool is a subclass of int in Python: exclude it first.
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise FieldError(f"{where} is {json_type(item)}, not a number.")
    try:
        value = float(item)
    except OverflowError:  # a JSON integer with 400 digits
        raise FieldError(f"{where} is too large; values must be between -1e6 and 1e6.") from None
    if math.isnan(value):  # NaN in the JSON text (which strict JSON does not allow either)
        raise FieldError(f"{where} is NaN, which is not a number; values must be finite numbers "
                         f"between -1e6 and 1e6.")
    if not math.isfinite(value):  # Infinity, or a literal like 1e309 that float64 cannot hold
        raise FieldError(f"{where} is infinite (or too large even for float64); values must be "
                         f"between -1e6 and 1e6.")
    if abs(value) <= MAX_ABS:  # (repr, slow, only for the message: the number as it was sent)
        return value
    return check_cap(value, where, repr(item))


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean (true/false)"
    if isinstance(value, str):
        return f"a string ('{clip(value)}'; numbers go without quotes)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a number"
