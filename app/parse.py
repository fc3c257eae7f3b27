"""From what a person types (or a JSON client sends) to a validated `LSTMInput`, or to one
clear message per bad field.

Text fields accept what learners paste: `1, 2, 3`, `1 2 3`, `[1, 2, 3]`, rows split by newlines
or `;`, JSON/numpy nested lists `[[1, 2], [3, 4]]`, and LaTeX `\\begin{bmatrix} 1 & 2 \\\\ 3 & 4
\\end{bmatrix}`. JSON requests carry numbers and lists of numbers. Both end in the same shape
check, which names the expected shape *and why* (n rows: one per cell state; n+m columns: one
per entry of the concatenated [h_{t-1}, x_t]).

Only ASCII decimal numbers are accepted: no NaN, inf, `1_000`, Unicode digits, booleans or
nulls. Values are capped at |x| <= MAX_ABS and sizes at MAX_DIM; the caps are stated in the
message when hit. The validation is a flat ladder of checks (Flask tutorial style): each field
gets at most one message, the first problem found.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

import numpy as np

from .cell import CONCAT_ORDERS, GATES, LSTMInput

MAX_DIM = 32  # m, n <= 32: a 32×64 matrix is already more than a page can show usefully
MAX_ABS = 1e6  # |value| <= 1e6 keeps every W·v + b far from float64 overflow

VECTOR_FIELDS = ("x", "h_prev", "C_prev", *(f"b_{g}" for g in GATES))
MATRIX_FIELDS = tuple(f"W_{g}" for g in GATES)
# The order of the form, the permalink and the error list.
FIELDS = ("x", "h_prev", "C_prev", *(name for g in GATES for name in (f"W_{g}", f"b_{g}")))
OPTIONAL_FIELDS = ("h_prev", "C_prev")  # default to zeros
ALL_FIELDS = (*FIELDS, "concat")

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_GROUP = re.compile(r"\[([^\[\]]*)\]")  # an innermost [...]: a row (or rows split by ;)
_BETWEEN_GROUPS = re.compile(r"[\s,;\[\]]*")  # what may stand between/around [..] groups
_LATEX_WRAPPERS = re.compile(
    r"\\begin\{[a-zA-Z]*matrix\*?\}|\\end\{[a-zA-Z]*matrix\*?\}|\\left[\[(]?|\\right[\])]?|"
    r"\\[\[\]()]|\$")
# What the app's own LaTeX export writes, so it pastes back in: 2.79 \times 10^{-10} is 2.79e-10,
# and a saturated entry's mark 1^{\ast} is 1.
_LATEX_POWER = re.compile(r"\s*\\(?:times|cdot)\s*10\^\{?([+-]?\d+)\}?", re.ASCII)
_LATEX_MARK = re.compile(r"\^\{\\ast\}")
_ROW_SEPARATOR = re.compile(r"\\\\|;|\n")
_ENTRY_SEPARATOR = re.compile(r"\s*[,&]\s*|\s+")


class FieldError(ValueError):
    """A message about one field, already a whole sentence."""


# ---------------------------------------------------------------------------- numbers

def parse_number(token: str, where: str) -> float:
    """One ASCII decimal number, finite and within the cap. `where` names it in messages
    ("x entry 2")."""
    if not _NUMBER.fullmatch(token):
        raise FieldError(f"{where} is '{_clip(token)}', which is not a number. {_hint(token)}")
    value = float(token)
    if not math.isfinite(value):
        raise FieldError(f"{where} is {_clip(token)}, too large even for float64; "
                         f"values must be between -1e6 and 1e6.")
    return _check_cap(value, where, token)


def _check_cap(value: float, where: str, shown: str) -> float:
    # `shown` is the number as given: {value:g} would write 1000001 as 1e+06, inside the cap.
    if abs(value) > MAX_ABS:
        raise FieldError(f"{where} is {_clip(shown)}, over the cap: values must be between "
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


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------- text

def split_text(text: str) -> list[list[str]]:
    """Split a pasted vector or matrix into rows of number tokens (not yet converted).

    Blank input gives []. Raises FieldError (without the field name: the caller adds it)."""
    s = _LATEX_WRAPPERS.sub(" ", text.strip())
    if "\\" in s:
        s = _LATEX_MARK.sub("", _LATEX_POWER.sub(r"e\1", s))
    if "[" in s or "]" in s:
        groups = _GROUP.findall(s)
        if not groups or not _BETWEEN_GROUPS.fullmatch(_GROUP.sub(" ", s)):
            raise FieldError("has unbalanced brackets: write [1, 2, 3] for a vector, "
                             "[[1, 2], [3, 4]] for a matrix, or leave the brackets out.")
        lines = [line for group in groups for line in _ROW_SEPARATOR.split(group)]
    else:
        lines = _ROW_SEPARATOR.split(s)
    rows = []
    for line in lines:
        line = line.strip()
        if not line:
            continue  # blank lines and trailing row separators
        tokens = _ENTRY_SEPARATOR.split(line)
        if "" in tokens:
            raise FieldError(f"row {len(rows) + 1} has an empty entry: two separators with no "
                             f"number between them ('{_clip(line)}').")
        rows.append(tokens)
    return rows


# ------------------------------------------------------------------------------- JSON

def _json_rows(value, field: str) -> list[list]:
    """A JSON value as rows of numbers: [1, 2] is one row, [[1], [2]] two rows."""
    if not isinstance(value, list):
        raise FieldError(f"{field} must be a JSON array of numbers, not {_json_type(value)}.")
    if value and all(isinstance(row, list) for row in value):
        for row in value:
            for item in row:
                if isinstance(item, list):
                    raise FieldError(f"{field} has arrays nested three deep; expected a list of "
                                     f"numbers or a list of rows of numbers.")
        return value
    if any(isinstance(item, list) for item in value):
        k, other = next((k, item) for k, item in enumerate(value) if not isinstance(item, list))
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            raise FieldError(f"{field} row {k + 1} is {_json_type(other)}, not an array of numbers.")
        raise FieldError(f"{field} mixes numbers and arrays; expected a list of numbers or a "
                         f"list of rows of numbers.")
    return [value] if value else []


def _json_number(item, where: str) -> float:
    # bool is a subclass of int in Python: exclude it first.
    if isinstance(item, bool) or not isinstance(item, (int, float)):
        raise FieldError(f"{where} is {_json_type(item)}, not a number.")
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
    return _check_cap(value, where, repr(item))


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean (true/false)"
    if isinstance(value, str):
        return f"a string ('{_clip(value)}'; numbers go without quotes)"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a number"


# ------------------------------------------------------------------------------ shapes

def _to_array(field: str, rows: list[list], number) -> np.ndarray:
    """Rows of tokens → float64 array: (k,) for a vector field, (r, c) for a matrix field.
    Checks size caps and raggedness *before* converting, so a huge paste costs little."""
    if field in VECTOR_FIELDS and sum(len(row) for row in rows) > 2 * MAX_DIM:
        raise FieldError(f"{field} has {sum(len(row) for row in rows)} numbers, too many: m and n "
                         f"are at most {MAX_DIM}, so a vector has at most {MAX_DIM} numbers.")
    if len(rows) > 2 * MAX_DIM or any(len(row) > 2 * MAX_DIM for row in rows):
        raise FieldError(f"{field} is too large: m and n are at most {MAX_DIM}, so a matrix has "
                         f"at most {MAX_DIM} rows of {2 * MAX_DIM} numbers.")
    if not any(rows):
        raise FieldError(f"{field} is empty; expected " +
                         ("a list of numbers." if field in VECTOR_FIELDS else "rows of numbers."))
    widths = [len(row) for row in rows]
    if field in VECTOR_FIELDS:
        if len(rows) > 1 and max(widths) > 1:
            raise FieldError(f"{field} must be a single list of numbers; it has "
                             f"{len(rows)} rows of {_widths(widths)}.")
        flat = [item for row in rows for item in row]  # a row, or a column of 1-entry rows
        where = (lambda k: f"{field} entry {k + 1}") if len(flat) > 1 else (lambda k: field)
        return np.array([number(item, where(k)) for k, item in enumerate(flat)], dtype=np.float64)
    if len(set(widths)) > 1:
        bad = next(r for r, w in enumerate(widths) if w != widths[0])
        raise FieldError(f"{field} is ragged: row {bad + 1} has {widths[bad]} numbers but row 1 "
                         f"has {widths[0]}. Every row of a matrix has the same length.")
    return np.array([[number(item, f"{field} row {r + 1}, entry {c + 1}") for c, item in enumerate(row)]
                     for r, row in enumerate(rows)], dtype=np.float64)


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _widths(widths: list[int]) -> str:
    return str(widths[0]) if len(set(widths)) == 1 else "different lengths"


def _infer_n(arrays: dict[str, np.ndarray]) -> int | None:
    """n (the number of cell states) as most fields say it is: h_prev, C_prev and the b's by
    their length, the W's by their rows. On a tie, the earlier field in FIELDS wins."""
    votes = Counter()
    for name in FIELDS:
        if name != "x" and name in arrays:
            votes[arrays[name].shape[0]] += 1
    if not votes:
        return None
    best = max(votes.values())
    return next(arrays[name].shape[0] for name in FIELDS
                if name != "x" and name in arrays and votes[arrays[name].shape[0]] == best)


def _check_shapes(arrays: dict[str, np.ndarray], errors: dict[str, str], concat: str) -> None:
    x = arrays.get("x")
    m = x.shape[0] if x is not None else None
    if m == 0:
        errors["x"] = "x must have at least one number."
        m = None
    elif m is not None and m > MAX_DIM:
        errors["x"] = f"x has {m} numbers; at most {MAX_DIM} inputs are allowed (m <= {MAX_DIM})."
        m = None
    n = _infer_n(arrays)
    if n is not None and n > MAX_DIM:
        for name, a in arrays.items():
            if name != "x" and a.shape[0] == n:
                errors.setdefault(name, f"{name} has {n} {'rows' if a.ndim == 2 else 'numbers'}; "
                                        f"at most {MAX_DIM} cell states are allowed (n <= {MAX_DIM}).")
        return
    order = "[h_{t-1}, x_t]" if concat == "hx" else "[x_t, h_{t-1}]"
    for name in FIELDS:
        if name == "x" or name in errors:
            continue
        a = arrays.get(name)
        if a is None:
            if name not in OPTIONAL_FIELDS:
                errors[name] = _required_message(name, n, m, order)
            continue
        if n is None:
            continue
        if a.ndim == 1 and a.shape[0] != n:
            errors[name] = (f"{name} must have n = {n} numbers (one per cell state, like h_prev, "
                            f"C_prev and every b); it has {a.shape[0]}.")
        elif a.ndim == 2 and m is not None and a.shape != (n, n + m):
            errors[name] = (f"{name} must be {n}×{n + m} (n = {n} rows, one per cell state; "
                            f"n+m = {n}+{m} = {n + m} columns, one per entry of {order}); "
                            f"it has {_count(a.shape[0], 'row')} of {a.shape[1]}.")
        elif a.ndim == 2 and m is None and a.shape[0] != n:
            errors[name] = (f"{name} must have n = {n} rows, one per cell state; "
                            f"it has {_count(a.shape[0], 'row')}.")


def _required_message(name: str, n: int | None, m: int | None, order: str) -> str:
    if name == "x":
        return "x is required: the input x_t, a list of m numbers."
    if name.startswith("W_"):
        shape = f"a {n}×{n + m} matrix" if n and m else "a matrix"
        return f"{name} is required: {shape} (n rows, n+m columns: it multiplies {order})."
    size = f"{n} numbers" if n else "n numbers"
    return f"{name} is required: a list of {size}, one per cell state."


def _finish(arrays: dict[str, np.ndarray], errors: dict[str, str], concat: str):
    if "x" not in arrays and "x" not in errors:
        errors["x"] = _required_message("x", None, None, "")
    _check_shapes(arrays, errors, concat)
    if errors:
        return None, [{"field": name, "message": errors[name]}
                      for name in ALL_FIELDS + ("body",) if name in errors]
    n = _infer_n(arrays)
    zeros = np.zeros(n, dtype=np.float64)
    return LSTMInput(concat=concat, **{name: arrays.get(name, zeros) for name in FIELDS}), []


def _concat(value, errors: dict[str, str]) -> str:
    if value is None or value == "":
        return "hx"
    if value in CONCAT_ORDERS:
        return value
    errors["concat"] = (f"concat must be \"hx\" (v = [h_{{t-1}}, x_t], Colah's order) or \"xh\" "
                        f"(v = [x_t, h_{{t-1}}]); got {_clip(str(value))!r}.")
    return "hx"


# ----------------------------------------------------------------------------- entry points

def parse_text_fields(fields: Mapping[str, str]):
    """Form or query-string fields (text) → (LSTMInput, []) or (None, [{field, message}, …]).
    An empty h_prev or C_prev means zeros. Keys that are not fields are ignored."""
    errors: dict[str, str] = {}
    concat = _concat(fields.get("concat"), errors)
    arrays = {}
    for name in FIELDS:
        text = fields.get(name, "")
        try:
            rows = split_text(text)
            if rows:
                arrays[name] = _to_array(name, rows, parse_number)
        except FieldError as e:
            msg = str(e)
            errors[name] = msg if msg.startswith(name) else f"{name} {msg}"
    return _finish(arrays, errors, concat)


def parse_json_fields(body) -> tuple[LSTMInput | None, list[dict]]:
    """A decoded JSON body → (LSTMInput, []) or (None, errors). Unknown keys are errors, so a
    typo like "Wf" is reported instead of silently ignored."""
    if not isinstance(body, dict):
        return None, [{"field": "body", "message": f"The request body must be a JSON object with "
                                                    f"the fields x, W_f, b_f, …; got {_json_type(body)}."}]
    errors: dict[str, str] = {}
    for key in body:
        if key not in ALL_FIELDS:
            errors.setdefault("body", f"Unknown field {_clip(key)!r}; the fields are "
                                      f"{', '.join(ALL_FIELDS)}.")
    concat_value = body.get("concat")
    if concat_value is not None and not isinstance(concat_value, str):
        errors["concat"] = f"concat must be the string \"hx\" or \"xh\", not {_json_type(concat_value)}."
        concat = "hx"
    else:
        concat = _concat(concat_value, errors)
    arrays = {}
    for name in FIELDS:
        if name not in body or (name in OPTIONAL_FIELDS and body[name] is None):
            continue
        try:
            arrays[name] = _to_array(name, _json_rows(body[name], name), _json_number)
        except FieldError as e:
            errors[name] = str(e)
    return _finish(arrays, errors, concat)
