"""The common case of parsing in bulk: an example whose every array field is plain numbers, laid
out in a shape that the general parser (`parse.py`) takes as it is.

Converting one number at a time, each through its own checks, was most of the time it took to
parse an example (the seed example has 93 numbers). Here all the numbers of an example are
converted together (one `float` map or one `np.array` call), checked against the cap together
(one numpy reduction), and each field's array is a slice of the result.

This module never decides that anything is an error and never writes a message. Each function
returns exactly the arrays the general path would return (the same float64 bits, -0.0
included, the same shapes, the fields in the same order), or None as soon as anything is
unusual: a string, a boolean or a null among the numbers, NaN or a number over the cap, a
number longer than MAX_NUMBER_CHARS, brackets, LaTeX, Unicode spaces, a blank or ragged row, a
field too large, x's rows that do not fit T. Then the caller parses the whole example the
general way, which finds the problem and words the message. `tests/test_parse_fast.py` checks
that the two agree, bit for bit, on random valid and invalid input.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import chain

import numpy as np

from .fields import ARRAY_FIELDS, VECTOR_FIELDS
from .number import MAX_ABS, MAX_DIM, MAX_NUMBER_CHARS, MAX_T

# A row of a matrix, or a vector, is at most this many numbers (as in parse.py: m and n are at
# most MAX_DIM, and a W has n+m columns). Larger fields are errors the general path words.
_WIDEST = 2 * MAX_DIM

# Exact types: a bool is an int to Python, but never a number in an example.
_NUMBER_TYPES = frozenset((float, int))

# Text as the app itself writes it (the link: "1,2;3,4"; the form: "1, 2\n3, 4", x's time steps
# split by "; "): numbers split by "," within a row, rows split by ";" or a newline. A text with
# any other character (brackets, LaTeX, "&", tabs, letters but e, Unicode) takes the general
# path; so does one split otherwise, e.g. "1 2 3" (its token "1 2 3" is not a number).
_UNUSUAL = re.compile(r"[^0-9.eE+\-,; \r\n]")


def json_arrays(body: Mapping, names: Iterable[str], T: int | None) -> dict[str, np.ndarray] | None:
    """The arrays of the fields `names` of a decoded JSON body (each a list of numbers, or a
    list of rows of numbers), or None: then parse them the general way."""
    rows_of = {}
    for name in names:
        value = body[name]
        if type(value) is not list or not value:
            return None
        if type(value[0]) is list:  # rows (a matrix, a sequence's x, a vector as a column)
            if not set(map(type, value)) == {list}:
                return None
            rows_of[name] = value
        else:  # one row; what it holds is checked with all the other numbers, below
            rows_of[name] = (value,)
    return _assemble(rows_of, T, _json_values)


def _json_values(items: list) -> np.ndarray | None:
    if not set(map(type, items)) <= _NUMBER_TYPES:
        return None
    try:
        return np.array(items, dtype=np.float64)  # a float as it is; an int within the cap exactly
    except OverflowError:  # an integer past float64's range
        return None


def text_arrays(fields: Mapping[str, str], T: int | None) -> dict[str, np.ndarray] | None:
    """The arrays of the text fields (a form's or a link's) that are not empty, or None: then
    parse them the general way."""
    rows_of = {}
    for name in ARRAY_FIELDS:
        text = fields.get(name, "")
        if type(text) is not str:
            return None
        if not text:
            continue  # not given
        if _UNUSUAL.search(text):
            return None
        lines = text.replace(";", "\n").split("\n") if "\n" in text else text.split(";")
        rows = [line.split(",") for line in lines]
        if len(text) > MAX_NUMBER_CHARS and max(map(len, chain.from_iterable(rows))) > MAX_NUMBER_CHARS:
            return None
        rows_of[name] = rows
    return _assemble(rows_of, T, _text_values)


def _text_values(tokens: list[str]) -> np.ndarray | None:
    """float() of each token, as `number.parse_number` does (numpy's own reading of text is not
    promised to round the same way). With only the characters _UNUSUAL lets through, float()
    reads exactly parse_number's decimal numbers, allowing spaces (and the "\r" of "\r\n") at
    either end, as the general path's split does. Anything else, an empty entry (a blank row,
    "1,,2", "1,2;"), "1 2" or "1e" included, is a ValueError: the general path."""
    try:
        return np.array(list(map(float, tokens)), dtype=np.float64)
    except ValueError:
        return None


def _assemble(rows_of: dict[str, list], T: int | None, convert) -> dict[str, np.ndarray] | None:
    """Each field's rows → its array, all converted by one call of `convert` (items → a 1-D
    float64 array, or None), or None when a field's shape or a value is one the general path
    would refuse or lay out differently."""
    flat, spans = [], []
    for name, rows in rows_of.items():
        shape = _shape(name, rows, T)
        if shape is None:
            return None
        start = len(flat)
        flat.extend(chain.from_iterable(rows))
        spans.append((name, start, len(flat), shape))
    if not flat:
        return {}
    values = convert(flat)
    # One check of every value: NaN compares false, so it fails here too, as infinity does.
    if values is None or not np.abs(values).max() <= MAX_ABS:
        return None
    # Each field's array is a view of its own slice (no two overlap): a copy each would cost
    # more than the rest of this module.
    return {name: values[start:end] if len(shape) == 1 else values[start:end].reshape(shape)
            for name, start, end, shape in spans}


def _shape(name: str, rows: list, T: int | None) -> tuple[int, ...] | None:
    """The shape the general path (`parse._to_array`, `parse._x_array`) gives these rows, when
    it gives one without an error and from the rows in order; else None."""
    r, c = len(rows), len(rows[0])
    if c == 0 or (r > 1 and len(set(map(len, rows))) != 1):
        return None  # ragged (or a column with blank rows): the general path
    if name == "x":
        return _x_shape(r, c, T)
    if name in VECTOR_FIELDS:
        return _vector_shape(r, c)
    return (r, c) if r <= _WIDEST and c <= _WIDEST else None


def _vector_shape(r: int, c: int) -> tuple[int] | None:
    # One row of numbers, or a column of them (rows of one number each).
    if r == 1 and c <= _WIDEST:
        return (c,)
    if c == 1 and r <= _WIDEST:
        return (r,)
    return None


def _x_shape(r: int, c: int, T: int | None) -> tuple[int, ...] | None:
    """x's rule (parse.py's docstring): one vector, or one row per time step."""
    if T is None or T == 1:
        if r == 1 or c == 1:
            return _vector_shape(r, c)
        if T is None and r <= MAX_T and c <= MAX_DIM:  # several rows of several numbers
            return (r, c)
        return None
    if r == 1 and c == T:  # T numbers in a row: a sequence of single numbers (m = 1)
        return (T, 1)
    if r == T and c <= MAX_DIM:
        return (r, c)
    return None
