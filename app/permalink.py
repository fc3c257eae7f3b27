"""An example as a URL query, and back: the link *is* the example (no server state).

Readable form, for small examples (hand-editable; every value exact, the shortest text that
parses back to the same float64):

    v=1&concat=xh&x=1,2,3&h_prev=4,5,6&C_prev=0,0,0&W_f=1,2,3,4,5,6;5,6,7,8,9,10;3,4,5,6,7,8&b_f=1,2,3&…

Compact form, when the readable query would pass READABLE_LIMIT characters: `v=1&z=<data>`,
where data is the readable query, zlib-compressed and base64url-encoded without padding.
Decoding is bounded (input length and inflated size). An example whose compact form still
passes LINK_LIMIT has no link (`to_query` returns None): the page says so; nothing is ever
truncated or rounded to make it fit.

`v` is the schema version: v=1 links keep their meaning when later versions arrive. Fields added
since are additions within v=1: a link without `variant` is an LSTM step exactly as before, and
an LSTM example writes exactly the link it wrote before. Other examples add, only when they
apply: `variant` (when not "lstm"), the cell's options (`gru_reset`, always for the GRU), `T`
(for a sequence, so that x's rows read back as time steps even when m = 1), and the fields they
have (p_*, the GRU's weights, W_y, b_y, dh, dC, dy) in the order of `fields.ARRAY_FIELDS`. A
sequence's x is written as rows split by `;`, one per time step.
"""
from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, quote

import numpy as np

from .cells import VARIANTS
from .fields import ALL_FIELDS, ARRAY_FIELDS, OPTIONS, Inputs
from .fmt import exact

SCHEMA_VERSION = "1"
READABLE_LIMIT = 2000
# gunicorn's request line is at most 4,094 bytes: "GET /api/v1/lstm?" + query + " HTTP/1.1".
LINK_LIMIT = 4000
MAX_INFLATED = 256 * 1024  # same as the request body cap
_SAFE = ",;-."  # kept readable in the query; everything else (e.g. the + of 1e+16) is escaped


def field_text(inp: Inputs, sep: str = ", ", row_sep: str = "\n") -> dict[str, str]:
    """Each field's exact value as text: what the form shows and what the link carries. Only
    the fields the example has (an LSTM step has exactly v1's)."""
    out = {"concat": inp.concat}
    if inp.variant != "lstm":
        out["variant"] = inp.variant
    for option in VARIANTS[inp.variant].options:  # gru_reset
        out[option] = inp.option(option)
    if inp.is_sequence:
        out["T"] = str(inp.T)
    # x is a one-line field in the form, so its time steps are split by ; there too
    x_row_sep = row_sep if row_sep == ";" else "; "
    arrays = inp.arrays
    for name in ARRAY_FIELDS:
        value = arrays.get(name)
        if value is None:
            continue
        text = _remembered_text if value.size <= _REMEMBERED_ENTRIES else _array_text
        out[name] = text(value.tobytes(), value.shape, sep, x_row_sep if name == "x" else row_sep)
    return out


# By content, across requests: an edit changes one field, and the others (the weights, mostly)
# are written again as they were, in the link and in the form. Only hand-sized arrays: 1024 of
# them at most 256 entries (2 KiB of key, ~6 KiB of text) keep the memo near 8 MiB a worker,
# where 32×64 weights would make it ~100 MiB; a big example's cost is elsewhere anyway.
_REMEMBERED_ENTRIES = 256
_REMEMBERED_TEXT = 8 * 1024


def _array_text(data: bytes, shape: tuple[int, ...], sep: str, row_sep: str) -> str:
    # tolist(): Python floats, the same float64 values; iterating the array itself would make a
    # numpy scalar of each entry, several times slower
    value = np.frombuffer(data, dtype=np.float64).reshape(shape).tolist()
    if len(shape) == 2:
        return row_sep.join(sep.join([exact(a) for a in row]) for row in value)
    return sep.join([exact(a) for a in value])


_remembered_text = lru_cache(maxsize=1024)(_array_text)
_remembered_quote = lru_cache(maxsize=1024)(lambda text: quote(text, safe=_SAFE))


def _quoted(text: str) -> str:
    return _remembered_quote(text) if len(text) <= _REMEMBERED_TEXT else quote(text, safe=_SAFE)


def readable_query(inp: Inputs) -> str:
    text = field_text(inp, sep=",", row_sep=";")
    settings = [(key, text[key]) for key in ("variant", *OPTIONS, "concat", "T") if key in text]
    pairs = [("v", SCHEMA_VERSION), *settings] + [(name, text[name]) for name in ARRAY_FIELDS if name in text]
    return "&".join(f"{key}={_quoted(value)}" for key, value in pairs)


def to_query(inp: Inputs) -> str | None:
    """The link's query string (without '?'), or None when even the compact form is too long."""
    query = readable_query(inp)
    if len(query) <= READABLE_LIMIT:
        return query
    data = base64.urlsafe_b64encode(zlib.compress(query.encode("ascii"), 9)).rstrip(b"=")
    compact = f"v={SCHEMA_VERSION}&z={data.decode('ascii')}"
    return compact if len(compact) <= LINK_LIMIT else None


def from_pairs(pairs: Iterable[tuple[str, str]], compact_ok: bool = True) -> tuple[dict[str, str], list[dict]]:
    """Query (or form) pairs → (text of each field, errors). Expands a compact `z`, checks
    the schema version, and rejects a field given twice. Unknown keys are ignored, so a link
    that picked up tracking parameters still opens.

    A compact `z` holds the whole example, so it stands alone: one z, and no example field
    beside it (whatever the order of the pairs), or the link is an error that says so."""
    pairs = list(pairs)
    fields: dict[str, str] = {}
    errors: dict[str, str] = {}
    version = None
    for key, value in pairs:
        if key == "v":
            version = value
        elif key in ALL_FIELDS:
            if key in fields:
                errors[key] = f"{key} is given twice in the link; give it once."
            fields[key] = value
    compact = [value for key, value in pairs if key == "z"]
    if compact:
        problem = _compact_problem(len(compact), list(fields), compact_ok)
        if problem:
            errors["z"] = problem
        else:
            inner_fields, inner_errors = _expand(compact[0])
            fields.update(inner_fields)
            errors.update({e["field"]: e["message"] for e in inner_errors})
    if version not in (None, SCHEMA_VERSION):
        errors["v"] = (f"This link has schema version v={version[:12]!r}; this server reads "
                       f"v={SCHEMA_VERSION} links.")
    return fields, [{"field": k, "message": m} for k, m in errors.items()]


def _compact_problem(count: int, beside: list[str], compact_ok: bool) -> str | None:
    if not compact_ok:
        return "z cannot hold another z."
    if count > 1:
        return "z is given twice in the link; a compact link has one z, which holds the whole example."
    if beside:
        names = ", ".join(beside[:4]) + (", …" if len(beside) > 4 else "")
        return (f"The link has the compact data z and also {names}: z holds the whole example, so "
                f"nothing else may be given beside it. Remove {names}, or write the link without z.")
    return None


def _expand(data: str) -> tuple[dict[str, str], list[dict]]:
    """The fields inside a compact `z`, and their errors."""
    inner, problem = _inflate(data)
    if problem:
        return {}, [{"field": "z", "message": problem}]
    try:
        inner_pairs = parse_qsl(inner, keep_blank_values=True, max_num_fields=len(ALL_FIELDS) + 1)
    except ValueError:
        return {}, [{"field": "z", "message": "The compact link data (z) holds more fields than an example has."}]
    return from_pairs(inner_pairs, compact_ok=False)


def _inflate(data: str) -> tuple[str, str | None]:
    bad = "The compact link data (z) is damaged: was the link cut short or edited?"
    if len(data) > 2 * LINK_LIMIT:
        return "", bad
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, MAX_INFLATED)
        if inflater.unconsumed_tail or not inflater.eof:
            return "", bad
        return text.decode("ascii"), None
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return "", bad
