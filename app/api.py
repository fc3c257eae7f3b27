"""The JSON API, `/api/v1/lstm` (contract: shared/DESIGN.md, "Public contracts").

POST a JSON object, or GET with a permalink's query: the same example gives the same answer,
every number at full float64 precision.
"""
from __future__ import annotations

import json

from flask import Blueprint, jsonify, request, url_for

from . import example, latex
from .cache import remembered
from .parse import ALL_FIELDS
from .permalink import LINK_LIMIT

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OUTPUTS = ("f", "i", "C_tilde", "o", "C", "h", "z_f", "z_i", "z_C", "z_o")


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _constant(name: str) -> float:
    # NaN, Infinity, -Infinity: strict JSON has none of them, but rejecting the whole body would
    # hide *which* number is bad. Decode them, and let the field check name the field and entry.
    return float(name)


def _errors(errors: list[dict], status: int = 400):
    return jsonify(errors=errors), status


@bp.post("/lstm")
@remembered
def lstm_post():
    raw = request.get_data()  # over MAX_CONTENT_LENGTH: 413, handled in create_app
    try:
        body = json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_constant)
    except _DuplicateKey as e:
        field = e.key if e.key in ALL_FIELDS else "body"  # a nested or unknown key: the body
        return _errors([{"field": field, "message": f"{e.key[:40]} is given twice in the JSON "
                                                     f"object; give each field once."}])
    except RecursionError:
        return _errors([{"field": "body", "message": "The JSON is nested too deeply; a field is "
                                                     "a list of numbers or a list of rows."}])
    except ValueError as e:  # includes UnicodeDecodeError and json.JSONDecodeError
        return _errors([{"field": "body", "message": f"The request body is not valid JSON ({_reason(e)}). "
                                                     f"Send an object like {{\"x\": [1, 2], …}}."}])
    return _respond(example.from_json(body))


@bp.get("/lstm")
@remembered
def lstm_get():
    return _respond(example.from_pairs(request.args.items(multi=True)))


def _respond(ex: example.Example):
    if not ex.ok:
        return _errors(ex.errors)
    res, inp = ex.result, ex.inp
    out = {name: getattr(res, name).tolist() for name in OUTPUTS}
    out.update(
        n=inp.n, m=inp.m, concat=inp.concat, v=res.v.tolist(),
        permalink=f"{url_for('page.index')}?{ex.query}" if ex.query else None,
        steps=[_step_json(step) for step in res.steps],
    )
    if ex.query is None:
        out["permalink_note"] = (f"This example is too large for a link (more than {LINK_LIMIT:,} "
                                 f"characters even compressed); short links for large examples come later.")
    return jsonify(out)


def _step_json(step) -> dict:
    out = {
        "id": step.id, "title": step.title, "latex": latex.step_latex(step), "op": step.op,
        "formula": step.formula, "why": step.why,
        "operands": {s.name: s.value.tolist() for s in step.operands},
        "result": {"name": step.result.name, "value": step.result.value.tolist()},
    }
    if step.saturated:
        out["saturated"] = list(step.saturated)
    return out


def _reason(e: ValueError) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(e, json.JSONDecodeError):
        return f"{e.msg} at line {e.lineno}, column {e.colno}"
    return str(e)[:80]
