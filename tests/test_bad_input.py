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
    body = {name: getattr(QUESTION, name).tolist() for name in INPUT_FIELDS}
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
    assert inp or area, name
    shown = unescape(inp.group(1) if inp else area.group(1))
    assert shown.strip("\n") == text.strip("\n"), (name, shown, text)


def assert_message_at_field(html: str, field: str, phrase: str):
    """The message sits in the field's own part of the form, between its neighbours' inputs."""
    names = [mt.start() for mt in re.finditer(r'<(?:input|textarea|select)\b[^>]*\bname="', html)]
    own = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{re.escape(field)}"', html)
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
