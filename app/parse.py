"""From what a person types (or a JSON client sends) to a validated `fields.Inputs`, or to one
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

Which fields there are, their shapes and defaults: the table in `fields.py`. Beyond v1, all
optional:
- `variant`: one of `cells.VARIANTS` ("lstm", the default). Each cell requires its own weights
  (`CellSpec.params`); a field it does not use is an error that says so ("W_f is not used by
  the no_forget variant: …"), as are C_prev and dC for a cell without a cell state, and an
  option (`gru_reset`) for a cell that does not have it. Nothing is silently ignored. "Not
  given" is an empty text field, or a missing key (or null) in JSON.
- Sequences: x may hold T <= 20 time steps, one row each. The rule, the same for text and JSON:
  one row is one vector (as in v1); several rows of one number each are one vector written as a
  column (as in v1); several rows of more than one number are a sequence, one x_t per row. A
  sequence of single numbers (m = 1) needs the field `T` (the number of time steps): with T
  given, x must have T rows (or be one row of T numbers, each a time step's only input).
- The output layer `W_y` (k×n, k <= 32) and `b_y` (k): both or neither.
- The loss's gradients `dh`, `dC` (n numbers) and `dy` (k numbers, only with W_y).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import numpy as np

from . import parse_fast
from .cells import VARIANTS, CellSpec
from .fields import (ALL_FIELDS, ARRAY_FIELDS, BY_NAME, FIELDS, N_FIELDS, V1_FIELDS, VECTOR_FIELDS,
                     Inputs, uses)
# The number reader and the caps (number.py); the other parsers (parse_framework.py, yours.py)
# read FieldError, parse_number, json_number and json_type from here too, openapi.py the caps.
from .number import MAX_ABS, MAX_DIM, MAX_K, MAX_T, FieldError, clip, json_number, json_type, parse_number

_GROUP = re.compile(r"\[([^\[\]]*)\]")  # an innermost [...]: a row (or rows split by ;)
_BETWEEN_GROUPS = re.compile(r"[\s,;\[\]]*")  # what may stand between/around [..] groups
_LATEX_WRAPPERS = re.compile(
    r"\\begin\{[a-zA-Z]*matrix\*?\}|\\end\{[a-zA-Z]*matrix\*?\}|\\left[\[(]?|\\right[\])]?|"
    r"\\[\[\]()]|\$")
# What the app's own LaTeX export writes, so it pastes back in: 2.79 \times 10^{-10} is 2.79e-10,
# and a saturated entry's mark 1^{\ast} is 1.
# (?<!\s): tried only from the first space of a run, not from each (O(W²) on W spaces).
_LATEX_POWER = re.compile(r"(?<!\s)\s*\\(?:times|cdot)\s*10\^\{?([+-]?\d+)\}?", re.ASCII)
_LATEX_MARK = re.compile(r"\^\{\\ast\}")
_ROW_SEPARATOR = re.compile(r"\\\\|;|\n")
_ENTRY_SEPARATOR = re.compile(r"\s*[,&]\s*|\s+")


# ------------------------------------------------------------------------------- text

def split_text(text: str) -> list[list[str]]:
    """Split a pasted vector or matrix into rows of number tokens (not yet converted).

    Blank input gives []. Raises FieldError (without the field name: the caller adds it)."""
    s = text.strip()
    if "\\" in s or "$" in s:  # every LaTeX wrapper starts with one of them: most text has neither
        s = _LATEX_WRAPPERS.sub(" ", s)
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
                             f"number between them ('{clip(line)}').")
        rows.append(tokens)
    return rows


# ------------------------------------------------------------------------------- JSON

def _json_rows(value, field: str) -> list[list]:
    """A JSON value as rows of numbers: [1, 2] is one row, [[1], [2]] two rows."""
    if not isinstance(value, list):
        raise FieldError(f"{field} must be a JSON array of numbers, not {json_type(value)}.")
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
            raise FieldError(f"{field} row {k + 1} is {json_type(other)}, not an array of numbers.")
        raise FieldError(f"{field} mixes numbers and arrays; expected a list of numbers or a "
                         f"list of rows of numbers.")
    return [value] if value else []



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
        return _numbers(lambda place: [number(item, place(k)) for k, item in enumerate(flat)], where)
    if len(set(widths)) > 1:
        bad = next(r for r, w in enumerate(widths) if w != widths[0])
        raise FieldError(f"{field} is ragged: row {bad + 1} has {widths[bad]} numbers but row 1 "
                         f"has {widths[0]}. Every row of a matrix has the same length.")
    return _numbers(lambda place: [[number(item, place(r, c)) for c, item in enumerate(row)] for r, row in enumerate(rows)],
                    lambda r, c: f"{field} row {r + 1}, entry {c + 1}")


def _nowhere(*_) -> str:
    return ""


def _numbers(convert, place) -> np.ndarray:
    """`convert(place)`: the entries as floats, `place(...)` naming an entry in a message. Most
    text is all numbers: converted first without naming each entry (a string per number was a
    good part of parsing an example), and again with the names only to say what is wrong."""
    try:
        return np.array(convert(_nowhere), dtype=np.float64)
    except FieldError:
        return np.array(convert(place), dtype=np.float64)  # raises again, naming the entry


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}" if k == 1 else f"{k} {noun}s"


def _widths(widths: list[int]) -> str:
    return str(widths[0]) if len(set(widths)) == 1 else "different lengths"


def _x_array(rows: list[list], number, T: int | None) -> np.ndarray:
    """x as (m,) for one vector, or (T, m) for a sequence (T >= 2): the rule in the module
    docstring. Checks the caps before converting, so a huge paste costs little."""
    widths = [len(row) for row in rows]
    if T is None:
        sequence = len(rows) > 1 and max(widths) > 1  # several rows, not a column: time steps
    elif T == 1:
        sequence = False
        if len(rows) > 1 and max(widths) > 1:
            raise FieldError(f"x must be one vector when T = 1 (one row or one column of m numbers); "
                             f"it has {len(rows)} rows of {_widths(widths)}.")
    else:
        sequence = True
        if len(rows) == 1 and widths[0] == T:  # T numbers in a row: one input per time step (m = 1)
            rows = [[item] for item in rows[0]]
        elif len(rows) != T:
            raise FieldError(f"x must have T = {T} rows, one per time step (each row is one x_t of "
                             f"m numbers); it has {_count(len(rows), 'row')}.")
        widths = [len(row) for row in rows]
    if not sequence:
        return _to_array("x", rows, number)  # one vector: as in v1
    if len(rows) > MAX_T:
        raise FieldError(f"x has {len(rows)} rows (time steps); at most {MAX_T} time steps are "
                         f"allowed (T <= {MAX_T}).")
    if len(set(widths)) > 1:
        bad = next(r for r, w in enumerate(widths) if w != widths[0])
        raise FieldError(f"x is ragged: row {bad + 1} (time step {bad + 1}) has {widths[bad]} numbers "
                         f"but row 1 has {widths[0]}. Each row is one x_t, and every x_t has the same "
                         f"m numbers.")
    if widths[0] > MAX_DIM:
        raise FieldError(f"x has {widths[0]} numbers per time step; at most {MAX_DIM} inputs are "
                         f"allowed (m <= {MAX_DIM}).")
    return _numbers(lambda place: [[number(item, place(r, c)) for c, item in enumerate(row)] for r, row in enumerate(rows)],
                    lambda r, c: f"x row {r + 1} (t = {r + 1}), entry {c + 1}")


def _infer_n(arrays: dict[str, np.ndarray]) -> int | None:
    """n (the number of cell states) as most fields say it is: h_prev, C_prev and the b's by
    their length, the W's by their rows. On a tie, the earlier field in N_FIELDS wins."""
    sizes = [arrays[name].shape[0] for name in N_FIELDS if name in arrays]
    if not sizes:
        return None
    if sizes.count(sizes[0]) == len(sizes):  # all agree, as in every valid example: no vote
        return sizes[0]
    votes = Counter(sizes)
    best = max(votes.values())
    return next(arrays[name].shape[0] for name in N_FIELDS
                if name in arrays and votes[arrays[name].shape[0]] == best)


def _used_fields(spec: CellSpec | None) -> tuple[str, ...]:
    """The array fields an example of this cell may have, in ARRAY_FIELDS order. An unknown
    variant (already an error) allows them all, so nothing else is blamed for it."""
    if spec is None:
        return ARRAY_FIELDS
    if VARIANTS.get(spec.name) is spec:  # asked three times per example: made once per cell, at import
        return _USED_FIELDS[spec.name]
    return tuple(name for name in ARRAY_FIELDS if uses(spec, name))


_USED_FIELDS = {spec.name: tuple(name for name in ARRAY_FIELDS if uses(spec, name)) for spec in VARIANTS.values()}


def _names(items: list[str], last: str = "and") -> str:
    """["W_f", "W_i", "W_C"] → "W_f, W_i and W_C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "AEFHILMNORSX" or word[:1] in "aeiou" else f"a {word}"


def _unused_message(name: str, spec: CellSpec) -> str:
    """Why a field the example's cell does not read is an error, and what to do instead."""
    head = f"{name} is not used by the {spec.name} variant: "
    if BY_NAME[name].scope == "cell_state":
        return (f"{head}{_article(spec.short)} has no cell state, only h. Remove {name}, or choose an "
                f"LSTM variant.")
    if name in spec.absent:  # a weight the cell drops on purpose
        return f"{head}{spec.absent[name]} Remove {name}, or choose variant \"lstm\"."
    users = [s.name for s in VARIANTS.values() if uses(s, name)]
    weights = [p for p in spec.params if not p.startswith("b_")]
    biases = [p for p in spec.params if p.startswith("b_")]
    return (f"{head}{_article(spec.short)}'s weights are {_names(weights)} (with {_names(biases)}); "
            f"{name} belongs to the {_names(users)} variant{'s' if len(users) > 1 else ''}. Remove "
            f"{name}, or choose variant {_names([f'{chr(34)}{u}{chr(34)}' for u in users], 'or')}.")


def _check_variant(arrays: dict[str, np.ndarray], errors: dict[str, str], spec: CellSpec | None,
                   options: dict[str, str]) -> None:
    """Fields the cell does not use are errors (and leave `arrays`, so they say nothing about
    n); so are an option it does not have, and an output layer's parts without W_y."""
    if spec is None:
        return
    used = _used_fields(spec)
    for name in list(arrays):
        if name not in used:
            errors.setdefault(name, _unused_message(name, spec))
            del arrays[name]
    for name in options:
        if not uses(spec, name):
            users = [s.name for s in VARIANTS.values() if uses(s, name)]
            errors.setdefault(name, f"{name} is only used by the {_names(users)} variant; this example is "
                                    f"variant \"{spec.name}\". Remove {name}, or choose variant "
                                    f"{_names([f'{chr(34)}{u}{chr(34)}' for u in users], 'or')}.")
    for name in list(arrays):
        if BY_NAME[name].only_with:
            option, value = BY_NAME[name].only_with
            if options.get(option, BY_NAME[option].choices[0]) != value:
                errors.setdefault(name, _only_with_message(name, option, options.get(option)))
                del arrays[name]
    if "W_y" not in arrays and "W_y" not in errors:
        if "b_y" in arrays:
            errors.setdefault("b_y", "b_y is the output layer's bias: give W_y too (k rows of n "
                                     "numbers), or leave b_y out.")
        if "dy" in arrays:
            errors.setdefault("dy", "dy is the gradient of the output y_T: give the output layer "
                                    "(W_y and b_y) too, or leave dy out.")


def _only_with_message(name: str, option: str, value: str | None) -> str:
    # Only b_hn has a condition today: say what it is and why it has no meaning here.
    return (f"{name} has no meaning with {option} \"{value}\": it is the bias inside the reset after "
            f"the product, r ∘ (W_h^h·h_{{t-1}} + b_hn) (PyTorch, Keras' reset_after=True, ONNX's "
            f"linear_before_reset=1); with the reset before, r scales h_{{t-1}} and there is no such sum. "
            f"Remove {name}, or use {option} \"after\".")


def _check_shapes(arrays: dict[str, np.ndarray], errors: dict[str, str], concat: str,
                  spec: CellSpec | None) -> None:
    x = arrays.get("x")
    m = x.shape[-1] if x is not None else None
    if m == 0:
        errors["x"] = "x must have at least one number."
        m = None
    elif m is not None and m > MAX_DIM:
        errors["x"] = f"x has {m} numbers; at most {MAX_DIM} inputs are allowed (m <= {MAX_DIM})."
        m = None
    n = _infer_n(arrays)
    if n is not None and n > MAX_DIM:
        for name in N_FIELDS:
            a = arrays.get(name)
            if a is not None and a.shape[0] == n:
                errors.setdefault(name, f"{name} has {n} {'rows' if a.ndim == 2 else 'numbers'}; "
                                        f"at most {MAX_DIM} cell states are allowed (n <= {MAX_DIM}).")
        return
    order = "[h_{t-1}, x_t]" if concat == "hx" else "[x_t, h_{t-1}]"
    unit = spec.unit if spec is not None else "cell state"
    like = "h_prev, C_prev and every b" if spec is None or spec.has_cell_state else "h_prev and every b"
    required = set(spec.params if spec is not None else ())  # not spec.optional (b_hn)
    if "W_y" in arrays:
        required.add("b_y")
    k = None
    for name in _used_fields(spec):
        if name == "x" or name in errors:
            continue
        a = arrays.get(name)
        if a is None:
            if name in required:
                errors[name] = _required_message(name, n, m, order, unit, spec)
            continue
        if name == "W_y":
            k = _check_W_y(a, n, errors)
            continue
        if name in ("b_y", "dy"):
            if k is not None and a.shape[0] != k:
                what = "the output layer's bias" if name == "b_y" else "dL/dy_T"
                errors[name] = (f"{name} must have k = {k} numbers ({what}: one per output, one per "
                                f"row of W_y); it has {a.shape[0]}.")
            continue
        if n is None:
            continue
        if a.ndim == 1 and a.shape[0] != n:
            errors[name] = (f"{name} must have n = {n} numbers (one per {unit}, like {like}); "
                            f"it has {a.shape[0]}.")
        elif a.ndim == 2 and m is not None and a.shape != (n, n + m):
            errors[name] = (f"{name} must be {n}×{n + m} (n = {n} rows, one per {unit}; "
                            f"n+m = {n}+{m} = {n + m} columns, one per entry of {order}); "
                            f"it has {_count(a.shape[0], 'row')} of {a.shape[1]}.")
        elif a.ndim == 2 and m is None and a.shape[0] != n:
            errors[name] = (f"{name} must have n = {n} rows, one per {unit}; "
                            f"it has {_count(a.shape[0], 'row')}.")


def _check_W_y(W_y: np.ndarray, n: int | None, errors: dict[str, str]) -> int | None:
    """W_y is k×n: one row per output, one column per entry of h_t. Returns k if it is usable."""
    k = W_y.shape[0]
    if k > MAX_K:
        errors["W_y"] = (f"W_y has {k} rows; at most {MAX_K} outputs are allowed (k <= {MAX_K}), "
                         f"one row each.")
        return None
    if n is not None and W_y.shape[1] != n:
        errors["W_y"] = (f"W_y must be k×n = {k}×{n} (one row per output; n = {n} columns, one per "
                         f"entry of h_t, which it multiplies); it has {_count(k, 'row')} of {W_y.shape[1]}.")
        return None
    return k


def _required_message(name: str, n: int | None, m: int | None, order: str, unit: str = "cell state",
                      spec: CellSpec | None = None) -> str:
    field = BY_NAME[name]
    if name == "x":
        return "x is required: the input x_t, a list of m numbers."
    if field.kind == "matrix":
        shape = f"a {n}×{n + m} matrix" if n and m else "a matrix"
        return f"{name} is required: {shape} (n rows, n+m columns: it multiplies {order})."
    if field.rows == "k":
        return f"{name} is required with W_y: a list of k numbers, {field.why}."
    size = f"{n} numbers" if n else "n numbers"
    if field.why:  # a weight only some cells have: say which
        return f"{name} is required by the {spec.name} variant: a list of {size}, {field.why}."
    return f"{name} is required: a list of {size}, one per {unit}."


def _finish(arrays: dict[str, np.ndarray], errors: dict[str, str], concat: str,
            variant: str | None = "lstm", options: dict[str, str] | None = None):
    if "x" not in arrays and "x" not in errors:
        errors["x"] = _required_message("x", None, None, "")
    spec = VARIANTS.get(variant) if variant is not None else None
    _check_variant(arrays, errors, spec, options or {})
    _check_shapes(arrays, errors, concat, spec)
    if errors:
        return None, [{"field": name, "message": errors[name]}
                      for name in ALL_FIELDS + ("body",) if name in errors]
    n = _infer_n(arrays)
    values = dict(arrays)
    for name in _used_fields(spec):  # h_prev and C_prev: zeros when not given
        if BY_NAME[name].group == "state" and BY_NAME[name].default == "zeros":
            values.setdefault(name, np.zeros(n, dtype=np.float64))
    return Inputs(values, variant=spec.name, concat=concat, options=options or {}), []


def _setting(name: str, value, errors: dict[str, str]) -> str | None:
    """A setting with fixed choices (concat, gru_reset): its value, None when not given, or the
    default after an error."""
    field = BY_NAME[name]
    if value is None or value == "":
        return None
    if isinstance(value, str) and value in field.choices:
        return value
    got = f"got {clip(value)!r}" if isinstance(value, str) else f"not {json_type(value)}"
    errors[name] = f"{name} must be {field.expects}; {got}."
    return None


def _options(values: Mapping, errors: dict[str, str]) -> dict[str, str]:
    """The options given (settings only some cells read: gru_reset), checked against their
    choices."""
    options = {}
    for field in FIELDS:
        if field.scope == "option":
            value = _setting(field.name, values.get(field.name), errors)
            if value is not None:
                options[field.name] = value
    return options


def _variant(value, errors: dict[str, str]) -> str | None:
    """The variant's name, or None when it is not one (then only that is reported)."""
    if value is None or value == "":
        return "lstm"
    if isinstance(value, str) and value in VARIANTS:
        return value
    got = clip(value) if isinstance(value, str) else None
    choices = [spec.choice for spec in VARIANTS.values()]
    errors["variant"] = (f"variant must be {_names(choices, 'or')}; "
                         + (f"got {got!r}." if got is not None else f"not {json_type(value)}."))
    return None


def _T(value, errors: dict[str, str], json: bool = False) -> int | None:
    """The number of time steps, when given: a whole number from 1 to MAX_T (in JSON, a
    number: "3" is a string there, as for every other number)."""
    if value is None or (value == "" and not json):
        return None
    if isinstance(value, str) and not json:
        text = value.strip()
        # len first: int() of thousands of digits is slow, and past 4,300 an error
        if text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= MAX_T:
            return int(text)
        got = f"got {clip(value)!r}"
    elif isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_T:
        return value
    elif isinstance(value, int) and not isinstance(value, bool):
        got = f"got {clip(str(value))}"
    else:
        got = f"not {json_type(value)}"
    errors["T"] = (f"T must be a whole number from 1 to {MAX_T}: the number of time steps, one row of "
                   f"x each (at most {MAX_T}); {got}.")
    return None


# ----------------------------------------------------------------------------- entry points

def parse_text_fields(fields: Mapping[str, str], bulk: bool = True):
    """Form or query-string fields (text) → (Inputs, []) or (None, [{field, message}, …]).
    An empty field is a field not given (h_prev, C_prev: zeros). Keys that are not fields are
    ignored. `bulk=False` takes the general path even for plain numbers (the tests compare)."""
    errors: dict[str, str] = {}
    concat = _setting("concat", fields.get("concat"), errors) or "hx"
    variant = _variant(fields.get("variant"), errors)
    options = _options(fields, errors)
    T = _T(fields.get("T"), errors)
    arrays, field_errors = text_field_arrays(fields, T, bulk)
    return _finish(arrays, {**errors, **field_errors}, concat, variant, options)


def text_field_arrays(fields: Mapping[str, str], T: int | None, bulk: bool = True):
    """Each array field's text → ({name: array}, {name: message}); a field not given (empty) is
    in neither. Plain numbers in every field (a link, the form as the app wrote it) are all
    converted at once (parse_fast.py); otherwise each field the general way, which words the
    errors."""
    arrays = parse_fast.text_arrays(fields, T) if bulk else None
    if arrays is not None:
        return arrays, {}
    arrays, errors = {}, {}
    for name in ARRAY_FIELDS:
        text = fields.get(name, "")
        try:
            rows = split_text(text)
            if rows:
                arrays[name] = _x_array(rows, parse_number, T) if name == "x" else _to_array(name, rows, parse_number)
        except FieldError as e:
            msg = str(e)
            errors[name] = msg if msg.startswith(name) else f"{name} {msg}"
    return arrays, errors


def parse_json_fields(body, bulk: bool = True) -> tuple[Inputs | None, list[dict]]:
    """A decoded JSON body → (Inputs, []) or (None, errors). Unknown keys are errors, so a
    typo like "Wf" is reported instead of silently ignored. null means "not given", except for
    x and v1's LSTM weights where the variant needs them (as in v1: "W_f must be a JSON array …").
    `bulk=False` takes the general path even for plain numbers (the tests compare)."""
    if not isinstance(body, dict):
        return None, [{"field": "body", "message": f"The request body must be a JSON object with "
                                                    f"the fields x, W_f, b_f, …; got {json_type(body)}."}]
    errors: dict[str, str] = {}
    for key in body:
        if key not in ALL_FIELDS:
            errors.setdefault("body", f"Unknown field {clip(key)!r}; the fields are "
                                      f"{', '.join(ALL_FIELDS)}.")
    concat_value = body.get("concat")
    if concat_value is not None and not isinstance(concat_value, str):
        errors["concat"] = f"concat must be the string \"hx\" or \"xh\", not {json_type(concat_value)}."
        concat = "hx"
    else:
        concat = _setting("concat", concat_value, errors) or "hx"
    variant = _variant(body.get("variant"), errors)
    options = _options(body, errors)
    T = _T(body.get("T"), errors, json=True)
    # x and v1's LSTM weights stay "must be an array, not null" where the variant needs them
    needed = {"x"} | set(VARIANTS[variant if variant is not None else "lstm"].params) & set(V1_FIELDS)
    given = [name for name in ARRAY_FIELDS
             if name in body and (name in needed or body[name] is not None)]
    arrays, field_errors = json_field_arrays(body, given, T, bulk)
    return _finish(arrays, {**errors, **field_errors}, concat, variant, options)


def json_field_arrays(body: Mapping, names: list[str], T: int | None, bulk: bool = True):
    """The array fields `names` of a decoded JSON body → ({name: array}, {name: message}).
    Lists of plain numbers (what a client sends) are all converted at once (parse_fast.py);
    otherwise each field the general way, which words the errors."""
    arrays = parse_fast.json_arrays(body, names, T) if bulk else None
    if arrays is not None:
        return arrays, {}
    arrays, errors = {}, {}
    for name in names:
        try:
            rows = _json_rows(body[name], name)
            arrays[name] = _x_array(rows, json_number, T) if name == "x" else _to_array(name, rows, json_number)
        except FieldError as e:
            errors[name] = str(e)
    return arrays, errors
