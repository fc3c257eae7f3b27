"""Bad input (shared/DESIGN.md, "Limits and bad input"): every case gets its status code, an
error that names the right field, and a message a learner understands. Never a 500.

The base example is the seed's question (n = 3, m = 3, concat "xh", so every W is 3×6); each
case breaks one thing in it, so exactly one field is to blame unless the case says otherwise."""
from __future__ import annotations

import base64
import json
import re
import zlib
from html import unescape
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app.permalink import field_text
from app.presets import QUESTION

API = "/api/v1/lstm"
INPUT_FIELDS = ("x", "h_prev", "C_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")
FORM_FIELDS = (*INPUT_FIELDS, "concat")
N_FIELDS = ("h_prev", "C_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")
DROP = object()
SEED_W_f = [[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]]


def base() -> dict:
    body = {name: QUESTION[name].tolist() for name in INPUT_FIELDS}
    body["concat"] = "xh"
    return body


def body(**changes) -> dict:
    out = base()
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def raw(**changes) -> bytes:
    """The base as JSON text, with some fields replaced by raw JSON text (NaN, 1e309, …)."""
    b = base()
    parts = [f'"{k}": {changes.pop(k) if k in changes else json.dumps(v)}' for k, v in b.items()]
    parts += [f'"{k}": {v}' for k, v in changes.items()]
    return ("{" + ", ".join(parts) + "}").encode()


def dims(n: int, m: int) -> dict:
    return {"x": [0.5] * m, "h_prev": [0.5] * n, "C_prev": [0.5] * n,
            **{f"W_{g}": [[0.25] * (n + m)] * n for g in "fiCo"},
            **{f"b_{g}": [0.5] * n for g in "fiCo"}}


_OVERSIZED = b'{"x": [' + b"0.123456789012345, " * 15_000 + b'1]}'  # ~285 KB


def case(id, request, status, fields, phrase, *more):
    """request: a dict (sent as JSON) or bytes (the raw body). fields: the one field to blame,
    or a tuple when several are. phrase (and more): in the message for the first field."""
    return pytest.param(request, status, fields, (phrase, *more), id=id)


API_CASES = [
    # ---- not a number
    case("x-string-entry", body(x=["1", 2, 3]), 400, "x", "x entry 1 is a string", "numbers go without quotes"),
    case("h_prev-word", body(h_prev=[4, "five", 6]), 400, "h_prev", "h_prev entry 2 is a string ('five'"),
    case("W_f-banana", body(W_f=[[1, 2, 3, 4, 5, 6], [5, 6, "banana", 8, 9, 10], [3, 4, 5, 6, 7, 8]]),
         400, "W_f", "W_f row 2, entry 3 is a string ('banana'"),
    case("b_C-object-entry", body(b_C=[0, {}, 0]), 400, "b_C", "b_C entry 2 is an object, not a number"),
    # ---- NaN, infinity, 1e309, huge integers, the magnitude cap
    case("x-NaN", raw(x="[NaN, 2, 3]"), 400, "x", "x entry 1 is NaN"),
    case("W_i-NaN", raw(W_i="[[NaN, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3]]"),
         400, "W_i", "W_i row 1, entry 1 is NaN"),
    case("b_o-Infinity", raw(b_o="[Infinity, 0, 0]"), 400, "b_o", "b_o entry 1 is infinite", "-1e6 and 1e6"),
    case("C_prev-minus-Infinity", raw(C_prev="[0, -Infinity, 0]"), 400, "C_prev", "C_prev entry 2 is infinite"),
    case("x-1e309", raw(x="[1e309, 2, 3]"), 400, "x", "x entry 1 is infinite", "too large even for float64"),
    case("W_C-minus-1e309", raw(W_C="[[-1e309, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]"),
         400, "W_C", "W_C row 1, entry 1 is infinite"),
    case("x-400-digit-integer", raw(x="[" + "9" * 400 + ", 2, 3]"), 400, "x", "x entry 1 is too large",
         "between -1e6 and 1e6"),
    # past Python's 4,300-digit cap on int() the JSON decoder itself refuses: the body is to blame,
    # in words (not "Exceeds the limit (4300 digits) for integer string conversion: value has 10000 d")
    case("x-10000-digit-integer", raw(x="[" + "9" * 10_000 + ", 2, 3]"), 400, "body",
         "a number in it has more than 4,300 digits; values must be between -1e6 and 1e6"),
    case("x-over-cap", body(x=[1000001, 2, 3]), 400, "x", "x entry 1 is 1000001, over the cap",
         "between -1e6 and 1e6"),
    case("W_o-over-cap", body(W_o=[[0] * 6, [0, 0, 0, -2.5e6, 0, 0], [0] * 6]), 400, "W_o",
         "W_o row 2, entry 4 is -2500000.0, over the cap", "-1e6 and 1e6"),
    case("b_f-1e7", body(b_f=[1e7, 2, 3]), 400, "b_f", "over the cap: values must be between -1e6 and 1e6"),
    # ---- empty, ragged, wrong shape
    case("x-empty", body(x=[]), 400, "x", "x is empty"),
    case("W_f-empty", body(W_f=[]), 400, "W_f", "W_f is empty"),
    case("W_C-empty-rows", body(W_C=[[], [], []]), 400, "W_C", "W_C is empty"),
    case("b_i-empty", body(b_i=[]), 400, "b_i", "b_i is empty"),
    case("W_f-ragged", body(W_f=[[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9], [3, 4, 5, 6, 7, 8]]), 400, "W_f",
         "W_f is ragged: row 2 has 5 numbers but row 1 has 6"),
    case("b_f-ragged", body(b_f=[[1], [2, 3]]), 400, "b_f", "b_f must be a single list of numbers"),
    case("W_f-3x3-seed-mistake", body(W_f=[[1, 2, 3], [5, 6, 7], [3, 4, 5]]), 400, "W_f",
         "W_f must be 3×6", "it has 3 rows of 3", "n+m = 3+3 = 6 columns"),
    case("W_i-transposed", body(W_i=[[1, 2, 3]] * 6), 400, "W_i", "W_i must be 3×6", "it has 6 rows of 3"),
    case("W_o-flat", body(W_o=list(range(18))), 400, "W_o", "W_o must be 3×6", "it has 1 row of 18"),
    case("b_f-too-short", body(b_f=[1, 2]), 400, "b_f", "b_f must have n = 3 numbers", "it has 2"),
    case("h_prev-too-long", body(h_prev=[4, 5, 6, 7]), 400, "h_prev", "h_prev must have n = 3 numbers", "it has 4"),
    case("b_C-matrix", body(b_C=[[0, 0.1, -0.1], [0, 0, 0]]), 400, "b_C", "b_C must be a single list",
         "2 rows of 3"),
    # ---- wrong JSON types, booleans, nulls, nesting
    case("x-json-string", body(x="1, 2, 3"), 400, "x", "x must be a JSON array of numbers",
         "not a string ('1, 2, 3'; numbers go without quotes)"),
    case("W_f-object", body(W_f={"rows": SEED_W_f}), 400, "W_f", "W_f must be a JSON array", "not an object"),
    case("b_f-number", body(b_f=5), 400, "b_f", "b_f must be a JSON array of numbers, not a number"),
    case("x-unicode-digit-string", body(x=["١", 2, 3]), 400, "x", "x entry 1 is a string ('١'"),
    case("x-fullwidth-digit-string", body(x=["１", 2, 3]), 400, "x", "x entry 1 is a string ('１'"),
    case("x-underscore-string", body(x=["1_000", 2, 3]), 400, "x", "x entry 1 is a string ('1_000'"),
    case("x-true", body(x=[True, 2, 3]), 400, "x", "x entry 1 is a boolean (true/false), not a number"),
    case("W_f-true", body(W_f=True), 400, "W_f", "W_f must be a JSON array of numbers, not a boolean"),
    case("x-null", body(x=None), 400, "x", "x must be a JSON array of numbers, not null"),
    case("b_o-null", body(b_o=None), 400, "b_o", "not null"),
    case("W_f-null-entry", body(W_f=[[None, 2, 3, 4, 5, 6], *SEED_W_f[1:]]), 400, "W_f",
         "W_f row 1, entry 1 is null, not a number"),
    case("W_f-null-row", body(W_f=[*SEED_W_f[:2], None]), 400, "W_f", "W_f row 3 is null, not an array of numbers"),
    case("W_f-mixed", body(W_f=[SEED_W_f[0], 1, 2]), 400, "W_f", "W_f mixes numbers and arrays"),
    case("W_f-three-deep", body(W_f=[[[1, 2, 3, 4, 5, 6]], *SEED_W_f[1:]]), 400, "W_f", "nested three deep"),
    case("body-nested-too-deep", b"[" * 100_000 + b"]" * 100_000, 400, "body", "nested too deeply"),
    # ---- not a JSON object
    case("body-not-json", b"x=1,2,3&W_f=1,2", 400, "body", "not valid JSON"),
    case("body-empty", b"", 400, "body", "not valid JSON"),
    case("body-invalid-utf8", b'{"x": [1, 2, 3], "concat": "\xff\xfe"}', 400, "body", "not UTF-8"),
    case("body-array", json.dumps([1, 2, 3]).encode(), 400, "body", "must be a JSON object", "got an array"),
    case("body-null", b"null", 400, "body", "must be a JSON object", "got null"),
    case("body-string", b'"x=1"', 400, "body", "must be a JSON object", "got a string"),
    case("body-raw-unicode-digit", raw(x="[١, 2, 3]"), 400, "body", "not valid JSON"),
    case("body-raw-underscore", raw(x="[1_000, 2, 3]"), 400, "body", "not valid JSON"),
    case("duplicate-x", raw(x="[1, 2, 3]") [:-1] + b', "x": [7, 8, 9]}', 400, "x",
         "x is given twice in the JSON object"),
    case("duplicate-concat", raw(concat='"xh", "concat": "hx"'), 400, "concat", "concat is given twice"),
    case("duplicate-nested-key", raw(W_f='{"a": 1, "a": 2}'), 400, "body", "is given twice"),
    case("unknown-field", body(Wf=SEED_W_f), 400, "body", "Unknown field 'Wf'", "W_f"),
    case("unknown-field-h", body(h=[1, 2, 3]), 400, "body", "Unknown field 'h'"),
    case("oversized-body", _OVERSIZED, 413, "body", "256 KiB"),
    # ---- dimensions and missing fields
    case("n-33", dims(33, 2), 400, N_FIELDS, "at most 32 cell states", "n <= 32"),
    case("m-33", dims(2, 33), 400, "x", "x has 33 numbers", "at most 32 inputs", "m <= 32"),
    case("x-100", body(x=[1] * 100), 400, "x", "x has 100 numbers", "at most 32"),
    case("W_f-100-rows", body(W_f=[[0] * 6] * 100), 400, "W_f", "W_f is too large", "at most 32"),
    case("missing-x", body(x=DROP), 400, "x", "x is required"),
    case("missing-W_f", body(W_f=DROP), 400, "W_f", "W_f is required: a 3×6 matrix"),
    case("missing-b_o", body(b_o=DROP), 400, "b_o", "b_o is required: a list of 3 numbers"),
    case("missing-all", {}, 400, ("x", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"), "x is required"),
    # ---- concat
    case("concat-yx", body(concat="yx"), 400, "concat", 'concat must be "hx"', "got 'yx'"),
    case("concat-upper", body(concat="XH"), 400, "concat", "got 'XH'"),
    case("concat-number", body(concat=1), 400, "concat", 'must be the string "hx" or "xh", not a number'),
    case("concat-true", body(concat=True), 400, "concat", "not a boolean"),
    # ---- several bad fields: one entry each, in the order of the form
    case("two-bad-fields", body(b_f=[1, 2], x="1"), 400, ("x", "b_f"), "x must be a JSON array"),
]


def _send_api(client, request):
    if isinstance(request, bytes):
        return client.post(API, data=request, content_type="application/json")
    return client.post(API, json=request)


def assert_errors(r, status, fields, phrases):
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/json"
    errors = r.get_json()["errors"]
    got = [e["field"] for e in errors]
    want = [fields] if isinstance(fields, str) else list(fields)
    assert sorted(got) == sorted(want), errors  # exactly the fields to blame, once each
    first = next(e["message"] for e in errors if e["field"] == want[0])
    for phrase in phrases:
        assert phrase in first, (phrase, first)
    for e in errors:
        assert_sentence(e["message"])
    return errors


def assert_sentence(message: str):
    """A message a learner can read: a whole sentence, no Python leaking through."""
    assert message[:1].isalpha() and message.rstrip()[-1] in ".?", message
    # What the learner typed comes back quoted ('None' if they typed None): that is not Python
    # leaking through, so only the rest of the message is searched.
    unquoted = re.sub(r"'[^']*'", "''", message)
    assert not re.search(r"Traceback|Exception|Error\b|\bNone\b|np\.float64|File \"", unquoted), message
    assert len(message) < 400, message


@pytest.mark.parametrize("request_, status, fields, phrases", API_CASES)
def test_api_rejects_bad_input(client, request_, status, fields, phrases):
    assert_errors(_send_api(client, request_), status, fields, phrases)


def test_api_table_is_large_enough():
    assert len(API_CASES) >= 40
    assert len({p.id for p in API_CASES}) == len(API_CASES)


def test_the_base_example_is_valid(client):
    """Each case above breaks one thing; the unbroken base must compute, or they prove nothing."""
    for request in (body(), raw(), dims(32, 2), dims(2, 32), body(concat="hx")):
        r = _send_api(client, request)
        assert r.status_code == 200, r.get_json()
        assert len(r.get_json()["h"]) in (2, 3, 32)


def test_errors_list_fields_in_form_order(client):
    r = client.post(API, json=body(b_o="no", x="no", W_f="no", concat="no"))
    assert r.status_code == 400
    assert [e["field"] for e in r.get_json()["errors"]] == ["x", "W_f", "b_o", "concat"]


# ------------------------------------------------------------------------- text: query and form

def seed_text(**changes) -> dict:
    fields = field_text(QUESTION)
    for key, value in changes.items():
        if value is DROP:
            fields.pop(key, None)
        else:
            fields[key] = value
    return fields


def _compact(query: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(query.encode(), 9)).rstrip(b"=").decode()


def text_dims(n: int, m: int) -> dict:
    row = ", ".join(["0.25"] * (n + m))
    return {"x": ", ".join(["0.5"] * m), "h_prev": ", ".join(["0.5"] * n),
            **{f"W_{g}": "\n".join([row] * n) for g in "fiCo"},
            **{f"b_{g}": ", ".join(["0.5"] * n) for g in "fiCo"}}


TEXT_CASES = [
    case("banana", seed_text(x="1, 2, banana"), 400, "x", "x entry 3 is 'banana', which is not a number"),
    case("arabic-indic-digit", seed_text(x="١, 2, 3"), 400, "x", "'١', which is not a number", "ASCII digits 0-9"),
    case("fullwidth-digit", seed_text(h_prev="4, ５, 6"), 400, "h_prev", "'５'", "ASCII digits 0-9"),
    case("underscore", seed_text(b_f="1_000, 2, 3"), 400, "b_f", "'1_000'", "without underscores"),
    case("nan", seed_text(h_prev="nan, 5, 6"), 400, "h_prev", "'nan', which is not a number", "NaN and infinity"),
    case("NaN-in-matrix", seed_text(W_i="NaN, 1, 1, 1, 1, 1\n2, 2, 2, 2, 2, 2\n3, 3, 3, 3, 3, 3"),
         400, "W_i", "W_i row 1, entry 1 is 'NaN'", "NaN and infinity"),
    case("inf", seed_text(C_prev="-inf, 1, 2"), 400, "C_prev", "'-inf'", "NaN and infinity"),
    case("1e309", seed_text(b_o="1e309, 0, 0"), 400, "b_o", "1e309, too large even for float64", "-1e6 and 1e6"),
    case("over-cap", seed_text(x="1000001, 2, 3"), 400, "x", "1000001, over the cap", "-1e6 and 1e6"),
    case("hex", seed_text(x="0x10, 2, 3"), 400, "x", "Write numbers in decimal"),
    case("true", seed_text(x="true, 2, 3"), 400, "x", "'true', which is not a number"),
    case("x-empty", seed_text(x=""), 400, "x", "x is required"),
    case("W_i-empty", seed_text(W_i="   "), 400, "W_i", "W_i is required: a 3×6 matrix"),
    case("seed-mistake-3x3", seed_text(W_f="1, 2, 3\n5, 6, 7\n3, 4, 5"), 400, "W_f", "W_f must be 3×6",
         "it has 3 rows of 3"),
    case("ragged", seed_text(W_f="1, 2, 3, 4, 5, 6\n5, 6, 7\n3, 4, 5, 6, 7, 8"), 400, "W_f",
         "W_f is ragged: row 2 has 3 numbers but row 1 has 6"),
    case("b-short", seed_text(b_i="1, 1"), 400, "b_i", "b_i must have n = 3 numbers"),
    case("unbalanced", seed_text(x="[1, 2, 3"), 400, "x", "unbalanced brackets"),
    case("empty-entry", seed_text(x="1,, 2, 3"), 400, "x", "empty entry"),
    case("m-33", seed_text(x=", ".join(["1"] * 33)), 400, "x", "x has 33 numbers", "at most 32"),
    case("n-33", text_dims(33, 2), 400, ("h_prev", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
         "at most 32 cell states"),
    case("concat", seed_text(concat="yx"), 400, "concat", 'concat must be "hx"', "got 'yx'"),
]

LINK_CASES = [  # only in a link (query): the schema version and the compact form
    case("v2", {**seed_text(), "v": "2"}, 400, "v", "schema version v='2'", "v=1"),
    case("z-damaged", {"v": "1", "z": "eJzLAAAAbQBu-damaged"}, 400, "z", "compact link data (z) is damaged"),
    case("z-truncated", {"v": "1", "z": _compact(urlencode(seed_text()))[:40]}, 400, "z", "damaged"),
    case("z-bomb", {"v": "1", "z": _compact("x=" + "1," * 400_000)}, 400, "z", "damaged"),
    case("z-in-z", {"v": "1", "z": _compact("z=" + _compact(urlencode(seed_text())))}, 400, "z",
         "z cannot hold another z"),
    case("z-bad-field", {"v": "1", "z": _compact(urlencode(seed_text(x="1, 2, banana")))}, 400, "x",
         "'banana', which is not a number"),
]


@pytest.mark.parametrize("fields_, status, fields, phrases", TEXT_CASES + LINK_CASES)
def test_api_get_rejects_bad_query(client, fields_, status, fields, phrases):
    r = client.get(API, query_string=fields_)
    assert_errors(r, status, fields, phrases)


def test_api_get_rejects_a_field_given_twice(client):
    query = urlencode(seed_text()) + "&x=7,8,9"
    r = client.get(f"{API}?{query}")
    assert_errors(r, 400, "x", ("x is given twice in the link",))


@pytest.mark.parametrize("order", ["x-first", "z-first", "z-twice"])
def test_a_compact_link_stands_alone_whatever_the_order(client, order):
    """z holds the whole example: a field beside it, before or after, or a second z is the same error."""
    z = _compact(urlencode(seed_text()))
    query = {"x-first": f"x=9,9,9&v=1&z={z}", "z-first": f"v=1&z={z}&x=9,9,9", "z-twice": f"v=1&z={z}&z={z}"}[order]
    for url in (f"{API}?{query}", f"/?{query}", f"/backward?{query}"):
        r = client.get(url)
        assert r.status_code == 400, url
    r = client.get(f"{API}?{query}")
    phrase = "z is given twice" if order == "z-twice" else "z holds the whole example"
    assert_errors(r, 400, "z", (phrase,))


def test_api_get_ignores_unknown_parameters(client):
    r = client.get(API, query_string={**seed_text(), "utm_source": "slides", "v": "1"})
    assert r.status_code == 200
    assert r.get_json()["z_f"] == [92.0, 177.0, 136.0]


def _page_messages(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def assert_page_error(r, fields, phrases, sent: dict):
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    assert r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "Traceback" not in html
    assert '<link rel="canonical"' not in html  # no link to an example that does not exist
    first = fields if isinstance(fields, str) else fields[0]
    for phrase in phrases:
        assert str(escape(phrase)) in html, phrase  # escaped once, not twice, not raw
        if first in FORM_FIELDS and first != "concat":
            assert_message_at_field(html, first, phrase)
        else:
            assert phrase in _page_messages(html)
    # the user's text comes back intact in every form field
    for name in INPUT_FIELDS:
        if name in sent and "z" not in sent:
            assert_field_value(html, name, sent[name])


def assert_field_value(html: str, name: str, text: str):
    inp = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', html)
    if inp is None:
        inp = re.search(rf'<input\b[^>]*\bvalue="([^"]*)"[^>]*\bname="{name}"', html)
    area = re.search(rf'<textarea\b[^>]*\bname="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    select = re.search(rf'<select\b[^>]*\bname="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:  # a select keeps the typed value as its selected option
        area = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    assert inp or area, name
    shown = unescape(inp.group(1) if inp else area.group(1))
    assert shown.strip("\n") == text.strip("\n"), (name, shown, text)


def assert_message_at_field(html: str, field: str, phrase: str):
    """The message sits in the field's own part of the form, between its neighbours' inputs."""
    names = [mt.start() for mt in re.finditer(r'<(?:input|textarea|select)\b[^>]*\bname="', html)]
    own = re.search(rf'<(?:input|textarea|select)\b[^>]*\bname="{re.escape(field)}"', html)
    assert own is not None, field
    before = max([p for p in names if p < own.start()], default=0)
    after = min([p for p in names if p > own.start()], default=len(html))
    assert phrase in _page_messages(html[before:after]), (field, phrase)


@pytest.mark.parametrize("fields_, status, fields, phrases", TEXT_CASES + LINK_CASES)
def test_page_get_rejects_bad_query(client, fields_, status, fields, phrases):
    r = client.get("/", query_string=fields_)
    assert_page_error(r, fields, phrases, fields_)


@pytest.mark.parametrize("fields_, status, fields, phrases", TEXT_CASES)
def test_page_form_rejects_bad_text(client, fields_, status, fields, phrases):
    r = client.post("/", data=fields_)
    assert_page_error(r, fields, phrases, fields_)


def test_page_form_oversized_is_413_not_500(client):
    r = client.post("/", data={"W_f": "0.123456789, " * 25_000})
    assert r.status_code == 413
    assert r.mimetype == "text/html"
    assert "413" in r.get_data(as_text=True)


# ------------------------------------------------------------------------------ escaping

XSS = "<script>alert(1)</script>"
ATTR = '" autofocus onfocus="alert(1)'


@pytest.mark.parametrize("name", FORM_FIELDS)
def test_script_in_any_form_field_comes_back_escaped(client, name):
    sent = seed_text(**{name: XSS})
    r = client.post("/", data=sent)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "alert(1)</script>" not in html
    errors_part = _page_messages(html)
    assert "is '<script>alert(1)</scrip" in errors_part or "got '<script>alert(1)</scrip" in errors_part
    if name != "concat":
        assert_field_value(html, name, XSS)  # the text intact, as text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("name", ["x", "W_f"])
def test_quote_in_a_field_cannot_break_out_of_the_attribute(client, name):
    for send in (lambda f: client.post("/", data=f), lambda f: client.get("/", query_string=f)):
        r = send(seed_text(**{name: ATTR}))
        assert r.status_code == 400
        html = r.get_data(as_text=True)
        assert ATTR not in html and 'onfocus="alert' not in html
        assert_field_value(html, name, ATTR)


def test_script_in_a_query_comes_back_escaped(client):
    r = client.get("/", query_string=seed_text(b_f=XSS, concat=XSS))
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert_field_value(html, "b_f", XSS)


def test_api_errors_are_json_not_html(client):
    r = client.post(API, json=body(x=[XSS]))
    assert r.status_code == 400 and r.mimetype == "application/json"
    assert r.get_json()["errors"][0]["field"] == "x"
    assert "is a string ('<script>alert(1)</scri" in r.get_json()["errors"][0]["message"]


# ------------------------------------------------------------------------------ never a 500

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=20)


@FUZZ
@given(name=st.sampled_from(FORM_FIELDS), text=st.text(max_size=60))
def test_any_text_in_a_field_is_200_or_400(client, name, text):
    r = client.get(API, query_string=seed_text(**{name: text}))
    assert r.status_code in (200, 400)
    if r.status_code == 400:
        for e in r.get_json()["errors"]:
            assert e["field"] in (*FORM_FIELDS, "body", "v", "z")
            assert_sentence(e["message"])


@FUZZ
@given(name=st.sampled_from((*FORM_FIELDS, "extra")), value=json_values)
def test_any_json_value_in_a_field_is_200_or_400(client, name, value):
    r = client.post(API, data=json.dumps(body(**{name: value})), content_type="application/json")
    assert r.status_code in (200, 400)
    if r.status_code == 400:
        for e in r.get_json()["errors"]:
            assert e["field"] in (*FORM_FIELDS, "body")
            assert_sentence(e["message"])


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_bytes_as_body_is_400(client, data):
    r = client.post(API, data=data, content_type="application/json")
    assert r.status_code == 400
    assert r.get_json()["errors"][0]["field"] in (*FORM_FIELDS, "body")


@FUZZ
@given(z=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=200))
def test_any_z_is_400(client, z):
    r = client.get(API, query_string={"v": "1", "z": z})
    assert r.status_code == 400
    assert "z" in [e["field"] for e in r.get_json()["errors"]]


# ------------------------------------------------------------------ every field, every kind

def _where(name: str) -> str:
    return f"{name} row 1, entry 1" if name.startswith("W_") else f"{name} entry 1"


def _with_first(name: str, token: str) -> str:
    """The seed's value of `name` as JSON text, its first number replaced by `token`."""
    value = base()[name]
    if name.startswith("W_"):
        rows = [", ".join(json.dumps(a) for a in row) for row in value]
        rows[0] = ", ".join([token, *rows[0].split(", ")[1:]])
        return "[" + ", ".join(f"[{row}]" for row in rows) + "]"
    return "[" + ", ".join([token, *(json.dumps(a) for a in value[1:])]) + "]"


JSON_KINDS = {  # kind: (first entry as raw JSON, phrase after "<where> is")
    "string": ('"0.5"', "a string ('0.5'; numbers go without quotes), not a number"),
    "NaN": ("NaN", "NaN, which is not a number"),
    "Infinity": ("-Infinity", "infinite"),
    "1e309": ("1e309", "infinite (or too large even for float64)"),
    "over-cap": ("1e6000000", "infinite"),
    "cap": ("1000000.5", "1000000.5, over the cap"),
    "boolean": ("false", "a boolean (true/false), not a number"),
    "null": ("null", "null, not a number"),
}


@pytest.mark.parametrize("kind", JSON_KINDS)
@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_every_json_field_rejects_every_kind_of_non_number(client, name, kind):
    token, phrase = JSON_KINDS[kind]
    r = client.post(API, data=raw(**{name: _with_first(name, token)}), content_type="application/json")
    assert_errors(r, 400, name, (f"{_where(name)} is {phrase}",))


@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_every_json_field_rejects_empty_and_wrong_types(client, name):
    for value, phrase in (([], f"{name} is empty"), ("1, 2", "not a string ('1, 2'"),
                          ({"a": 1}, "not an object"), (7, "not a number")):
        assert_errors(client.post(API, json=body(**{name: value})), 400, name, (phrase,))


TEXT_KINDS = {  # kind: (first entry as typed, phrase after "<where> is")
    "word": ("banana", "'banana', which is not a number"),
    "nan": ("nan", "'nan', which is not a number. NaN and infinity cannot be used"),
    "inf": ("+Infinity", "'+Infinity', which is not a number. NaN and infinity"),
    "1e309": ("1e309", "1e309, too large even for float64"),
    "cap": ("-1000000.5", "-1000000.5, over the cap"),
    "arabic-indic": ("٣", "'٣', which is not a number. Use the ASCII digits 0-9."),
    "fullwidth": ("３", "'３', which is not a number. Use the ASCII digits 0-9."),
    "underscore": ("1_0", "'1_0', which is not a number. Write the digits without underscores"),
}


@pytest.mark.parametrize("kind", TEXT_KINDS)
@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_every_text_field_rejects_every_kind_of_non_number(client, name, kind):
    token, phrase = TEXT_KINDS[kind]
    text = seed_text()[name]
    rest = text.split(", ", 1)[1]  # the first number of the first row is replaced
    r = client.get(API, query_string=seed_text(**{name: f"{token}, {rest}"}))
    assert_errors(r, 400, name, (f"{_where(name)} is {phrase}",))


@pytest.mark.parametrize("name", INPUT_FIELDS)
def test_every_text_field_empty(client, name):
    r = client.get(API, query_string=seed_text(**{name: ""}))
    if name in ("h_prev", "C_prev"):  # empty means zeros
        assert r.status_code == 200
        steps = {s["id"]: s for s in r.get_json()["steps"]}
        where = "v.concat" if name == "h_prev" else "C.forget"
        assert steps[where]["operands"][name] == [0.0, 0.0, 0.0]
    else:
        assert_errors(r, 400, name, (f"{name} is required",))


def test_invalid_utf8_in_a_query_is_a_field_error(client):
    r = client.get(API + "?" + urlencode(seed_text(x=DROP)) + "&x=%ff,2,3")
    assert_errors(r, 400, "x", ("x entry 1 is '", "which is not a number"))
    r = client.get("/?" + urlencode(seed_text(x=DROP)) + "&x=%ff,2,3")
    assert r.status_code == 400 and "which is not a number" in _page_messages(r.get_data(as_text=True))


# ================================================================== issue 4: the new fields
# Each base is a valid example of one kind (a sequence, a peephole LSTM, a GRU, an output layer
# with the loss's gradients); each case breaks one thing in it, as above.

SEQ_X = [[1, 2, 3], [4, 5, 6]]  # T = 2 time steps of m = 3


def peephole(**changes) -> dict:
    return body(**{"variant": "peephole", "p_f": [0.1, 0.2, 0.3], "p_i": [-0.1, 0, 0.1], "p_o": [0.5, 0.5, 0.5],
                   **changes})


def gru(**changes) -> dict:
    out = {"variant": "gru", "gru_reset": "after", "x": [1, 2, 3], "h_prev": [4, 5, 6], "concat": "xh",
           "W_r": SEED_W_f, "b_r": [1, 2, 3], "W_z": [[1] * 6, [2] * 6, [3] * 6], "b_z": [1, 1, 1],
           "W_h": [[0.1, -0.2, 0.1, 0, 0.05, -0.1]] * 3, "b_h": [0, 0.1, -0.1], "dh": [1, 0, -1]}
    for key, value in changes.items():
        if value is DROP:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def output(**changes) -> dict:
    return body(**{"W_y": [[1, 0, -1], [0.5, 0.5, 0.5]], "b_y": [0, 1], "dy": [1, -1], "dh": [0, 1, 0],
                   "dC": [1, 1, 1], **changes})


def raw_of(base: dict, **replaced) -> bytes:
    """A base as JSON text with some fields replaced by raw JSON text."""
    parts = [f'"{k}": {replaced.pop(k) if k in replaced else json.dumps(v)}' for k, v in base.items()]
    parts += [f'"{k}": {v}' for k, v in replaced.items()]
    return ("{" + ", ".join(parts) + "}").encode()


NEW_API_CASES = [
    # ---- variant, gru_reset, T
    case("variant-upper", body(variant="GRU"), 400, "variant", 'variant must be "lstm"', "got 'GRU'"),
    case("variant-number", body(variant=2), 400, "variant", "variant must be", "not a number"),
    case("variant-list", body(variant=["gru"]), 400, "variant", "not an array"),
    case("gru_reset-sideways", gru(gru_reset="sideways"), 400, "gru_reset", 'gru_reset must be "after"',
         "Cho et al. 2014", "got 'sideways'"),
    case("gru_reset-true", gru(gru_reset=True), 400, "gru_reset", "not a boolean"),
    case("gru_reset-with-lstm", body(gru_reset="before"), 400, "gru_reset",
         "gru_reset is only used by the gru variant", 'variant "lstm"'),
    case("T-0", body(x=SEQ_X, T=0), 400, "T", "T must be a whole number from 1 to 20", "got 0"),
    case("T-21", body(x=SEQ_X, T=21), 400, "T", "at most 20", "got 21"),
    case("T-string", body(x=SEQ_X, T="2"), 400, "T", "not a string ('2'; numbers go without quotes)"),
    case("T-empty-string", body(x=SEQ_X, T=""), 400, "T", "not a string"),
    case("T-huge", raw_of(body(x=SEQ_X), T="9" * 400), 400, "T", "got 99999", "…"),
    case("T-float", body(x=SEQ_X, T=2.0), 400, "T", "not a number"),
    case("T-true", body(x=SEQ_X, T=True), 400, "T", "not a boolean"),
    case("T-mismatch", body(x=SEQ_X, T=3), 400, "x", "x must have T = 3 rows, one per time step", "it has 2 rows"),
    case("T-1-with-rows", body(x=SEQ_X, T=1), 400, "x", "x must be one vector when T = 1", "2 rows of 3"),
    # ---- x as a sequence
    case("x-21-steps", body(x=[[1, 2, 3]] * 21), 400, "x", "x has 21 rows (time steps)",
         "at most 20 time steps are allowed (T <= 20)"),
    case("x-ragged-steps", body(x=[[1, 2, 3], [4, 5]]), 400, "x",
         "x is ragged: row 2 (time step 2) has 2 numbers but row 1 has 3", "same m numbers"),
    case("x-step-string", body(x=[[1, 2, 3], [4, "five", 6]]), 400, "x", "x row 2 (t = 2), entry 2 is a string"),
    case("x-step-NaN", raw(x="[[NaN, 2, 3], [4, 5, 6]]"), 400, "x", "x row 1 (t = 1), entry 1 is NaN"),
    case("x-step-over-cap", body(x=[[1, 2, 3], [4, 5, 2e6]]), 400, "x", "x row 2 (t = 2), entry 3", "over the cap"),
    case("x-33-per-step", body(x=[[1] * 33, [1] * 33]), 400, "x", "x has 33 numbers per time step",
         "at most 32 inputs", "m <= 32"),
    case("x-steps-of-2-vs-W", body(x=[[1, 2], [3, 4]]), 400, ("W_f", "W_i", "W_C", "W_o"), "W_f must be 3×5",
         "it has 3 rows of 6"),
    # ---- peepholes
    case("p_o-missing", peephole(p_o=DROP), 400, "p_o", "p_o is required by the peephole variant",
         "a list of 3 numbers"),
    case("p_f-short", peephole(p_f=[1, 2]), 400, "p_f", "p_f must have n = 3 numbers", "it has 2"),
    case("p_f-matrix", peephole(p_f=[[1, 2, 3], [1, 2, 3]]), 400, "p_f", "p_f must be a single list"),
    case("p_i-string", peephole(p_i="0.1, 0.2, 0.3"), 400, "p_i", "p_i must be a JSON array of numbers",
         "not a string"),
    case("p_o-NaN", raw_of(peephole(), p_o="[NaN, 0, 0]"), 400, "p_o", "p_o entry 1 is NaN"),
    case("p_i-with-lstm", body(p_i=[1, 2, 3]), 400, "p_i", "p_i is not used by the lstm variant",
         "p_i belongs to the peephole variant", 'choose variant "peephole"'),
    # ---- the GRU
    case("gru-W_h-missing", gru(W_h=DROP), 400, "W_h", "W_h is required: a 3×6 matrix"),
    case("gru-b_z-missing", gru(b_z=DROP), 400, "b_z", "b_z is required: a list of 3 numbers, one per hidden unit"),
    case("gru-W_z-3x5", gru(W_z=[[1] * 5] * 3), 400, "W_z", "W_z must be 3×6", "one per hidden unit",
         "it has 3 rows of 5"),
    case("gru-b_r-short", gru(b_r=[1, 2]), 400, "b_r", "b_r must have n = 3 numbers (one per hidden unit, "
                                                       "like h_prev and every b)"),
    case("gru-W_f", gru(W_f=SEED_W_f), 400, "W_f", "W_f is not used by the gru variant",
         "a GRU's weights are W_r, W_z and W_h"),
    case("gru-C_prev", gru(C_prev=[0, 0, 0]), 400, "C_prev", "C_prev is not used by the gru variant",
         "a GRU has no cell state"),
    case("gru-dC", gru(dC=[1, 1, 1]), 400, "dC", "dC is not used by the gru variant"),
    case("gru-W_r-null-is-missing", gru(W_r=None), 400, "W_r", "W_r is required"),
    case("no_forget-W_i-null", body(variant="no_forget", W_f=None, b_f=None, W_i=None), 400, "W_i",
         "W_i must be a JSON array of numbers, not null"),
    case("lstm-W_r", body(W_r=SEED_W_f), 400, "W_r", "W_r is not used by the lstm variant",
         "an LSTM's weights are W_f, W_i, W_C and W_o", "W_r belongs to the gru variant",
         'choose variant "gru"'),
    case("no_forget-W_f", body(variant="no_forget"), 400, ("W_f", "b_f"), "W_f is not used by the no_forget "
         "variant", "the original 1997 LSTM has no forget gate", 'choose variant "lstm"'),
    case("coupled-W_i", body(variant="coupled"), 400, ("W_i", "b_i"), "W_i is not used by the coupled variant",
         "i_t = 1 − f_t"),
    # ---- the output layer and the loss's gradients
    case("W_y-columns", output(W_y=[[1, 2, 3, 4], [1, 2, 3, 4]]), 400, "W_y", "W_y must be k×n = 2×3",
         "n = 3 columns, one per entry of h_t", "it has 2 rows of 4"),
    case("W_y-33-rows", output(W_y=[[1, 2, 3]] * 33, b_y=[0] * 33, dy=[0] * 33), 400, "W_y",
         "W_y has 33 rows", "at most 32 outputs are allowed (k <= 32)"),
    case("W_y-ragged", output(W_y=[[1, 2, 3], [1, 2]]), 400, "W_y", "W_y is ragged"),
    case("W_y-NaN", raw_of(output(), W_y="[[NaN, 0, 0], [0, 0, 0]]"), 400, "W_y", "W_y row 1, entry 1 is NaN"),
    case("b_y-missing", output(b_y=DROP), 400, "b_y", "b_y is required with W_y", "one per output"),
    case("b_y-long", output(b_y=[0, 1, 2]), 400, "b_y", "b_y must have k = 2 numbers", "it has 3"),
    case("b_y-without-W_y", output(W_y=DROP, dy=DROP), 400, "b_y", "b_y is the output layer's bias",
         "give W_y too"),
    case("dy-without-W_y", output(W_y=DROP, b_y=DROP), 400, "dy", "dy is the gradient of the output y_T",
         "give the output layer"),
    case("dy-short", output(dy=[1]), 400, "dy", "dy must have k = 2 numbers", "dL/dy_T"),
    case("dh-long", output(dh=[1, 2, 3, 4]), 400, "dh", "dh must have n = 3 numbers", "it has 4"),
    case("dC-short", output(dC=[1]), 400, "dC", "dC must have n = 3 numbers"),
    case("dh-string", output(dh="1, 1, 1"), 400, "dh", "dh must be a JSON array of numbers", "not a string"),
    case("dC-Infinity", raw_of(output(), dC="[1, Infinity, 1]"), 400, "dC", "dC entry 2 is infinite"),
    case("duplicate-W_y", raw_of(output())[:-1] + b', "W_y": [[1, 2, 3]]}', 400, "W_y", "W_y is given twice"),
    case("unknown-field-W_x", body(W_x=[[1]]), 400, "body", "Unknown field 'W_x'", "W_y"),
    # ---- several at once, in the order of ALL_FIELDS
    case("gru-three-bad", gru(W_f=SEED_W_f, T=0, p_f=[1, 2, 3]), 400, ("W_f", "T", "p_f"),
         "W_f is not used by the gru variant"),
]

NEW_BASES = (body(x=SEQ_X), peephole(), gru(), gru(gru_reset="before", x=SEQ_X), output(),
             body(variant="no_forget", W_f=DROP, b_f=DROP), body(variant="coupled", W_i=DROP, b_i=DROP),
             body(variant=None, gru_reset=None, T=None, W_y=None, dh=None),
             gru(W_f=None, C_prev=None, dC=None, p_f=None))  # null: not given


@pytest.mark.parametrize("request_, status, fields, phrases", NEW_API_CASES)
def test_api_rejects_bad_new_fields(client, request_, status, fields, phrases):
    assert_errors(_send_api(client, request_), status, fields, phrases)


def test_new_api_cases_are_many_and_their_bases_are_valid(client):
    assert len(NEW_API_CASES) >= 50 and len({p.id for p in NEW_API_CASES}) == len(NEW_API_CASES)
    for request in NEW_BASES:  # unbroken, each base computes, or the cases prove nothing
        r = _send_api(client, request)
        assert r.status_code == 200, r.get_json()


def text_of(example: dict, **changes) -> dict:
    """A valid JSON example as the text fields of its permalink, then some fields replaced."""
    from app.parse import parse_json_fields
    from app.permalink import field_text
    inp, errors = parse_json_fields(example)
    assert errors == []
    fields = field_text(inp)
    for key, value in changes.items():
        if value is DROP:
            fields.pop(key, None)
        else:
            fields[key] = value
    return fields


NEW_TEXT_CASES = [
    case("text-variant", text_of(body(), variant="Gru"), 400, "variant", "got 'Gru'"),
    case("text-T-word", text_of(body(x=SEQ_X), T="two"), 400, "T", "T must be a whole number from 1 to 20",
         "got 'two'"),
    case("text-T-0", text_of(body(x=SEQ_X), T="0"), 400, "T", "got '0'"),
    case("text-T-21", text_of(body(x=SEQ_X), T="21"), 400, "T", "at most 20", "got '21'"),
    case("text-T-5000-digits", text_of(body(x=SEQ_X), T="9" * 5000), 400, "T", "got '99999"),
    case("text-T-decimal", text_of(body(x=SEQ_X), T="2.0"), 400, "T", "got '2.0'"),
    case("text-T-arabic-indic", text_of(body(x=SEQ_X), T="٢"), 400, "T", "got '٢'"),
    case("text-T-mismatch", text_of(body(x=SEQ_X), T="3"), 400, "x", "x must have T = 3 rows"),
    case("text-gru_reset", text_of(gru(), gru_reset="middle"), 400, "gru_reset", "got 'middle'"),
    case("text-gru_reset-lstm", text_of(body(), gru_reset="after"), 400, "gru_reset", "only used by the gru variant"),
    case("text-x-ragged-steps", text_of(body(x=SEQ_X), x="1, 2, 3; 4, 5"), 400, "x",
         "x is ragged: row 2 (time step 2) has 2 numbers but row 1 has 3"),
    case("text-x-step-banana", text_of(body(x=SEQ_X), x="1, 2, 3; 4, banana, 6"), 400, "x",
         "x row 2 (t = 2), entry 2 is 'banana', which is not a number"),
    case("text-x-21-steps", text_of(body(x=SEQ_X), x="; ".join(["1, 2, 3"] * 21), T=DROP), 400, "x",
         "x has 21 rows (time steps)", "T <= 20"),
    case("text-p_f-nan", text_of(peephole(), p_f="nan, 1, 2"), 400, "p_f", "p_f entry 1 is 'nan'", "NaN and infinity"),
    case("text-p_i-missing", text_of(peephole(), p_i=""), 400, "p_i", "p_i is required by the peephole variant"),
    case("text-W_y-columns", text_of(output(), W_y="1, 2\n3, 4"), 400, "W_y", "W_y must be k×n = 2×3"),
    case("text-b_y-without-W_y", text_of(output(), W_y="", dy=""), 400, "b_y", "give W_y too"),
    case("text-dy-without-W_y", text_of(output(), W_y="", b_y=""), 400, "dy", "dy is the gradient of the output"),
    case("text-dh-underscore", text_of(output(), dh="1_0, 1, 1"), 400, "dh", "dh entry 1 is '1_0'", "underscores"),
    case("text-gru-W_f", text_of(gru(), W_f="1 2 3 4 5 6\n1 2 3 4 5 6\n1 2 3 4 5 6"), 400, "W_f",
         "W_f is not used by the gru variant"),
    case("text-gru-C_prev", text_of(gru(), C_prev="0, 0, 0"), 400, "C_prev", "a GRU has no cell state"),
    case("text-W_h-ragged", text_of(gru(), W_h="1 2 3 4 5 6\n1 2 3\n1 2 3 4 5 6"), 400, "W_h",
         "W_h is ragged: row 2 has 3 numbers"),
]


@pytest.mark.parametrize("fields_, status, fields, phrases", NEW_TEXT_CASES)
def test_api_get_rejects_bad_new_text(client, fields_, status, fields, phrases):
    assert_errors(client.get(API, query_string=fields_), status, fields, phrases)


@pytest.mark.parametrize("fields_, status, fields, phrases", NEW_TEXT_CASES)
def test_page_shows_each_new_fields_message_at_the_field(client, fields_, status, fields, phrases):
    for r in (client.get("/", query_string=fields_), client.post("/", data=fields_)):
        assert r.status_code == 400 and r.mimetype == "text/html"
        html = r.get_data(as_text=True)
        assert '<link rel="canonical"' not in html and "Traceback" not in html
        first = fields if isinstance(fields, str) else fields[0]
        for phrase in phrases:
            assert_message_at_field(html, first, phrase)  # the field is on the form, with its message
        assert_field_value(html, first, fields_[first])  # and the learner's text, intact


NEW_ARRAY_FIELDS = {  # field: the base that has it
    "x": body(x=SEQ_X), "p_f": peephole(), "p_i": peephole(), "p_o": peephole(),
    **{name: gru() for name in ("W_r", "b_r", "W_z", "b_z", "W_h", "b_h")},
    **{name: output() for name in ("W_y", "b_y", "dh", "dC", "dy")},
}


def _with_first_of(base: dict, name: str, token: str) -> str:
    """A base's value of `name` as JSON text, its first number replaced by `token`."""
    value = base[name]
    if isinstance(value[0], list):
        rows = [", ".join(json.dumps(a) for a in row) for row in value]
        rows[0] = ", ".join([token, *rows[0].split(", ")[1:]])
        return "[" + ", ".join(f"[{row}]" for row in rows) + "]"
    return "[" + ", ".join([token, *(json.dumps(a) for a in value[1:])]) + "]"


def _where_of(base: dict, name: str) -> str:
    if name == "x":
        return "x row 1 (t = 1), entry 1"
    return f"{name} row 1, entry 1" if isinstance(base[name][0], list) else f"{name} entry 1"


@pytest.mark.parametrize("kind", JSON_KINDS)
@pytest.mark.parametrize("name", NEW_ARRAY_FIELDS)
def test_every_new_json_field_rejects_every_kind_of_non_number(client, name, kind):
    token, phrase = JSON_KINDS[kind]
    base = NEW_ARRAY_FIELDS[name]
    r = client.post(API, data=raw_of(base, **{name: _with_first_of(base, name, token)}),
                    content_type="application/json")
    assert_errors(r, 400, name, (f"{_where_of(base, name)} is {phrase}",))


@pytest.mark.parametrize("kind", TEXT_KINDS)
@pytest.mark.parametrize("name", NEW_ARRAY_FIELDS)
def test_every_new_text_field_rejects_every_kind_of_non_number(client, name, kind):
    token, phrase = TEXT_KINDS[kind]
    base = NEW_ARRAY_FIELDS[name]
    text = text_of(base)[name]
    rest = text.split(",", 1)[1]  # the first number of the first row is replaced
    r = client.get(API, query_string=text_of(base, **{name: f"{token},{rest}"}))
    assert_errors(r, 400, name, (f"{_where_of(base, name)} is {phrase}",))


@FUZZ
@given(name=st.sampled_from((*NEW_ARRAY_FIELDS, "variant", "gru_reset", "T")), value=json_values,
       base=st.sampled_from(NEW_BASES[:5]))
def test_any_json_value_in_a_new_field_is_200_or_400(client, name, value, base):
    r = client.post(API, data=json.dumps({**base, name: value}), content_type="application/json")
    assert r.status_code in (200, 400)
    if r.status_code == 400:
        for e in r.get_json()["errors"]:
            assert_sentence(e["message"])


@FUZZ
@given(name=st.sampled_from((*NEW_ARRAY_FIELDS, "variant", "gru_reset", "T")), text=st.text(max_size=60),
       base=st.sampled_from(NEW_BASES[:5]))
def test_any_text_in_a_new_field_is_200_or_400(client, name, text, base):
    r = client.get(API, query_string=text_of(base, **{name: text}))
    assert r.status_code in (200, 400)
    if r.status_code == 400:
        for e in r.get_json()["errors"]:
            assert_sentence(e["message"])
