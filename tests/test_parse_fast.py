"""The bulk path of the parser (`parse_fast.py`) gives exactly what the general path gives: the
same arrays (float64 bits, -0.0 included, shapes, dtype, field order) and the same messages, on
random valid and invalid text and JSON; and it is the path plain numbers take."""
import json
import math
import struct
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from app import fmt, parse_fast, permalink, presets
from app.example import as_json
from app.fields import ALL_FIELDS, ARRAY_FIELDS, MATRIX_FIELDS
from app.parse import json_field_arrays, parse_json_fields, parse_text_fields, text_field_arrays

CAP = 1e6


def bits(a: np.ndarray) -> tuple:
    return a.dtype.str, a.shape, a.tobytes()


def assert_same_arrays(fast: dict, general: dict):
    assert list(fast) == list(general)  # the same fields, in the same order
    for name in general:
        assert bits(fast[name]) == bits(general[name]), name


def assert_same_answer(one, other):
    (inp_a, errors_a), (inp_b, errors_b) = one, other
    assert errors_a == errors_b
    assert (inp_a is None) == (inp_b is None)
    if inp_a is not None:
        assert (inp_a.variant, inp_a.concat, dict(inp_a.options)) == (inp_b.variant, inp_b.concat, dict(inp_b.options))
        assert_same_arrays(inp_a.arrays, inp_b.arrays)


# ------------------------------------------------------------ text

plain_numbers = st.one_of(
    st.floats(-CAP, CAP).map(fmt.exact),
    st.floats(-CAP, CAP).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.sampled_from(["0", "-0", "+0", "-0.0", "1.", ".5", "-.5e-3", "+3", "1E6", "1e+6", "1000000",
                     "0.000001", "5e-324", "1e-400", "-1e-400", "2.5E-3"]),
)
unusual_numbers = st.sampled_from([
    "1000001", "-1000000.5", "1e7", "1e999", "-1e999", "1" * 101, "0." + "0" * 98 + "1", "0." + "0" * 97 + "1",
    "", " ", "nan", "NaN", "inf", "-Infinity", "1_000", "0x10", "\u0663", "1e", "e5", "+-1", ".", "--1",
    "1.2.3", "1 2", "[1]", "1&2", "\\infty", "$1$", "1\t", "\u00a01", "1,", ",", ";",
])
entry_separators = st.sampled_from([",", ",", ",", ", ", ", ", " ", " , ", ",,", "&", "\t", "\u00a0", ",\r"])
row_separators = st.sampled_from([";", ";", "; ", "\n", "\n", "\r\n", ";;", "\r", ";\n", "\\\\", "; \n"])


def sizes(draw, name: str, least: int) -> tuple[int, int]:
    """Rows and columns: mostly a hand-sized field of the field's kind (a vector in one row or a
    column, x also as time steps), sometimes one at or past a cap."""
    rows = draw(st.integers(1, 4)) if draw(st.integers(0, 19)) else draw(st.sampled_from([20, 21, 33, 64, 65]))
    cols = draw(st.integers(least, 7)) if draw(st.integers(0, 19)) else draw(st.sampled_from([32, 33, 64, 65]))
    if name not in MATRIX_FIELDS:
        kind = draw(st.sampled_from(["row"] * 6 + ["column", "any"] + (["any"] * 4 if name == "x" else [])))
        if kind == "row":
            rows = 1
        elif kind == "column":
            rows, cols = max(rows, cols), 1
    return rows, cols


@st.composite
def field_texts(draw, name: str, unusual: bool):
    """A field's text: plain numbers in a rectangle, joined as the link or the form joins them,
    sometimes ragged or too large; if `unusual`, maybe with an unusual number, separator or
    wrapper too."""
    rows, cols = sizes(draw, name, 1)
    number = st.one_of(plain_numbers, unusual_numbers) if unusual else plain_numbers
    ragged = draw(st.integers(0, 15)) == 0
    lines = []
    for _ in range(rows):
        width = draw(st.integers(0, cols + 1)) if ragged else cols
        entry = draw(entry_separators) if unusual else draw(st.sampled_from([",", ", "]))
        lines.append(entry.join(draw(st.lists(number, min_size=width, max_size=width))))
    row = draw(row_separators) if unusual else draw(st.sampled_from([";", "; ", "\n", "\r\n"]))
    text = row.join(lines)
    if unusual:
        text = draw(st.sampled_from(["{}", "{}", " {} ", "[{}]", "{}\n", "{};", "\\begin{{bmatrix}}{}\\end{{bmatrix}}"])).format(text)
    return text


@st.composite
def text_examples(draw):
    names = draw(st.lists(st.sampled_from(ARRAY_FIELDS), unique=True, max_size=8))
    unusual = draw(st.booleans())  # else every field is plain numbers (of any shape)
    fields = {name: draw(field_texts(name, unusual and draw(st.integers(0, 2)) == 0)) for name in names}
    blank = draw(st.lists(st.sampled_from(ARRAY_FIELDS), unique=True, max_size=4))
    fields.update({name: draw(st.sampled_from(["", "", " ", "\n", "\u00a0"])) for name in blank if name not in fields})
    for key, choices in (("T", ["", "1", "2", "3", "4", "x", "21"]), ("variant", ["lstm", "gru", "peephole", "bad"]),
                         ("concat", ["hx", "xh"]), ("gru_reset", ["after", "before"])):
        if draw(st.booleans()):
            fields[key] = draw(st.sampled_from(choices))
    return fields


@settings(max_examples=600, deadline=None)
@given(text_examples())
@example({"x": "1,2,-0", "h_prev": "-0,0,-0.0"})
@example({"x": "1,2;3,4;5,6", "T": "3"})
@example({"x": "1,2,3", "T": "3"})
@example({"x": "1;2;3"})
@example({"b_f": "1\n2\n3"})
@example({"x": "1,2,3\n"})
@example({"x": "1,,2"})
@example({"x": "1e999,2"})
@example({"W_f": "1,2;3"})
def test_text_bulk_path_gives_the_general_paths_arrays_and_messages(fields):
    T = fields.get("T")
    T = int(T) if T in ("1", "2", "3", "4") else None
    fast = parse_fast.text_arrays(fields, T)
    general = text_field_arrays(fields, T, bulk=False)
    event(f"bulk path: {'taken' if fast is not None else 'not taken'}; general path: "
          f"{'errors' if general[1] else 'no errors'}")
    if fast is not None:
        assert general[1] == {}, "the bulk path accepted what the general path refuses"
        assert_same_arrays(fast, general[0])
    assert_same_arrays(text_field_arrays(fields, T)[0], general[0])
    assert text_field_arrays(fields, T)[1] == general[1]
    assert_same_answer(parse_text_fields(fields), parse_text_fields(fields, bulk=False))


# ------------------------------------------------------------ JSON

plain_json_numbers = st.one_of(st.floats(-CAP, CAP), st.integers(-10**6, 10**6), st.sampled_from([-0.0, 0, 5e-324]))
unusual_json_numbers = st.sampled_from([
    1000001, -1000001, 1e7, 10**400, -(10**400), 2**64, math.inf, -math.inf, math.nan, True, False, None,
    "1", "", [], [1], {}, {"a": 1},
])


@st.composite
def json_values(draw, name: str, unusual: bool):
    number = st.one_of(plain_json_numbers, unusual_json_numbers) if unusual else plain_json_numbers
    rows, cols = sizes(draw, name, 0)
    ragged = draw(st.integers(0, 15)) == 0
    value = [draw(st.lists(number, min_size=w, max_size=w))
             for w in ([draw(st.integers(0, cols + 1)) for _ in range(rows)] if ragged else [cols] * rows)]
    shape = draw(st.sampled_from(["rows", "rows", "flat", "flat", "column"]))
    if shape == "flat":
        value = [item for row in value for item in row]
    elif shape == "column":
        value = [[item] for row in value for item in row]
    if unusual and draw(st.booleans()):
        value = draw(st.sampled_from([None, "1,2,3", 3, {}, [], [[]], [[[1]]], value + [[1]], [1] + value]))
    return value


@st.composite
def json_bodies(draw):
    names = draw(st.lists(st.sampled_from(ARRAY_FIELDS), unique=True, max_size=8))
    unusual = draw(st.booleans())  # else every field is plain numbers (of any shape)
    body = {name: draw(json_values(name, unusual and draw(st.integers(0, 2)) == 0)) for name in names}
    for key, choices in (("T", [None, 1, 2, 3, 4, "3", 21, True]), ("variant", ["lstm", "gru", "mgu", "bad"]),
                         ("concat", ["hx", "xh"])):
        if draw(st.booleans()):
            body[key] = draw(st.sampled_from(choices))
    return body


@settings(max_examples=600, deadline=None)
@given(json_bodies())
@example({"x": [1.0, 2, -0.0], "h_prev": [-0.0, 0, 0.0]})
@example({"x": [[1, 2], [3, 4], [5, 6]], "T": 3})
@example({"x": [1, 2, 3], "T": 3})
@example({"x": [[1], [2], [3]]})
@example({"x": [1, True]})
@example({"x": [1, math.nan]})
@example({"x": [1, 10**400]})
@example({"x": [1, "2"]})
@example({"W_f": [[1, 2], [3]]})
@example({"W_f": [[1, 2], 3]})
@example({"W_f": [1, [2]]})
@example({"W_f": None, "x": None, "b_y": None})
def test_json_bulk_path_gives_the_general_paths_arrays_and_messages(body):
    T = body.get("T") if body.get("T") in (1, 2, 3, 4) and body.get("T") is not True else None
    names = [name for name in ARRAY_FIELDS if name in body]
    if any(body[name] is None for name in names):
        names = [name for name in names if name == "x" or body[name] is not None]
    fast = parse_fast.json_arrays(body, names, T)
    general = json_field_arrays(body, names, T, bulk=False)
    event(f"bulk path: {'taken' if fast is not None else 'not taken'}; general path: "
          f"{'errors' if general[1] else 'no errors'}")
    if fast is not None:
        assert general[1] == {}, "the bulk path accepted what the general path refuses"
        assert_same_arrays(fast, general[0])
    assert_same_arrays(json_field_arrays(body, names, T)[0], general[0])
    assert json_field_arrays(body, names, T)[1] == general[1]
    assert_same_answer(parse_json_fields(body), parse_json_fields(body, bulk=False))
    # as the API reads it: through JSON text (NaN and Infinity as the API decodes them)
    again = json.loads(json.dumps(body))
    assert_same_answer(parse_json_fields(again), parse_json_fields(again, bulk=False))


# ------------------------------------------------------------ plain numbers take the bulk path

EXAMPLES = [preset.example for preset in presets.PRESETS] + [
    presets.random_example(4, 3, 1), presets.random_example(32, 32, 2),
    presets.variant_example("gru", T=4, output=2), presets.variant_example("peephole", m=1, T=3)]


@pytest.mark.parametrize("inp", EXAMPLES, ids=repr)
def test_the_apps_own_link_form_and_json_take_the_bulk_path_and_read_back_exactly(inp):
    link_text = permalink.field_text(inp, sep=",", row_sep=";")
    form_text = permalink.field_text(inp)
    body = as_json(inp)
    T = inp.T if inp.is_sequence else None
    for arrays in (parse_fast.text_arrays(link_text, T), parse_fast.text_arrays(form_text, T),
                   parse_fast.json_arrays(body, [n for n in ARRAY_FIELDS if n in body], T)):
        assert arrays is not None
        assert list(arrays) == [name for name in ARRAY_FIELDS if name in inp]  # the parser's order
        for name, a in inp.arrays.items():  # against the example itself, not the other path
            assert bits(arrays[name]) == bits(np.ascontiguousarray(a, dtype=np.float64)), name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-CAP, CAP), min_size=18, max_size=18), st.sampled_from([",", ", "]),
       st.sampled_from([";", "\n", "\r\n"]))
def test_bulk_text_reads_every_float_exactly(values, sep, row_sep):
    text = row_sep.join(sep.join(repr(v) for v in values[r * 6:(r + 1) * 6]) for r in range(3))
    arrays = parse_fast.text_arrays({"W_f": text}, None)
    assert arrays is not None
    assert arrays["W_f"].shape == (3, 6)
    # struct: each float's own 8 bytes, independent of numpy
    assert arrays["W_f"].tobytes() == b"".join(struct.pack("<d", v) for v in values)


@pytest.mark.parametrize("fields", [
    {"x": "1 2 3"}, {"x": "[1, 2, 3]"}, {"x": "1,2,3\n"}, {"x": "1,2,1e7"}, {"x": "1,nan"},
    {"x": "1,2", "W_f": "1,2;3"}, {"x": "\u00a0"}, {"x": "1,2", "b_f": "1&2"},
])
def test_unusual_text_takes_the_general_path(fields):
    assert parse_fast.text_arrays(fields, None) is None


@pytest.mark.parametrize("body", [
    {"x": [1, True]}, {"x": [1, None]}, {"x": [1, math.nan]}, {"x": [1, math.inf]}, {"x": [1, 1e7]},
    {"x": [1, "2"]}, {"x": [[1, 2], [3]]}, {"x": [1, 10**400]}, {"x": []}, {"x": [[]]}, {"x": None},
])
def test_unusual_json_takes_the_general_path(body):
    assert parse_fast.json_arrays(body, ["x"], None) is None


def test_a_long_text_with_one_unusual_character_takes_the_general_path():
    """250 KB of digits ending in a letter: refused (by one regex search, which cannot backtrack)."""
    text = ",".join(["1" * 99] * 2500) + "x"
    assert parse_fast.text_arrays({"x": text}, None) is None


def test_each_fields_array_has_its_own_memory():
    """The arrays are slices of one conversion: no two overlap, so no field can change another."""
    inp = presets.random_example(3, 2, 5)
    arrays = parse_fast.text_arrays(permalink.field_text(inp), None)
    for name, a in arrays.items():
        for other, b in arrays.items():
            assert name == other or not np.shares_memory(a, b)
    arrays["W_f"][:] = 7.0
    assert bits(arrays["b_f"]) == bits(inp["b_f"]) and bits(arrays["W_i"]) == bits(inp["W_i"])


@pytest.mark.parametrize("inp", [presets.QUESTION, presets.variant_example("gru", T=2, output=1)], ids=repr)
def test_name_in_inputs_answers_as_a_mapping_does(inp):
    for name in (*ALL_FIELDS, "nope", "", 3, None):
        assert (name in inp) == Mapping.__contains__(inp, name) == (name in inp.arrays)
    with pytest.raises(TypeError):
        [] in inp  # unhashable: as for a dict
