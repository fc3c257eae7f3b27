"""The JSON API, `/api/v1/lstm` (contract: shared/DESIGN.md, "Public contracts").

POST a JSON object, or GET with a permalink's query: the same example gives the same answer,
every number at full float64 precision.

The answer, v1's fields first and unchanged, then issue 4's additions:
- the cell's outputs at the last time step (`CellSpec.outputs`; the LSTM's: f, i, C_tilde, o,
  C, h, z_f, z_i, z_C, z_o), and y, z_y with an output layer; n, m, concat, v, permalink, steps
  (the forward trace);
- variant, T, the cell's options (`gru_reset` for the GRU), k (with an output layer);
- timesteps: one object per time step t = 1…T with t, that step's outputs, v, y, z_y, and dh, dC
  (∂L/∂h_t, ∂L/∂C_t: the gradient that reaches that step's state);
- loss (L's value) and loss_formula (LaTeX); grads: ∂L/∂ each input field, by its name, shaped
  like it (x as T rows for a sequence); grad_steps: the backward trace, like steps.
"""
from __future__ import annotations

import json

from flask import Blueprint, jsonify, request, url_for

from . import encodable, example, latex
from .cache import remembered
from .cells import VARIANTS
from .fields import ALL_FIELDS
from .permalink import LINK_LIMIT

bp = Blueprint("api", __name__, url_prefix="/api/v1")

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
    # A message may quote the client's text, which JSON lets contain lone UTF-16 surrogates
    # ("\\ud800" in any string or key): shown as U+FFFD, never a 500 from the UTF-8 encoder.
    return jsonify(errors=[{key: encodable(value) if isinstance(value, str) else value
                            for key, value in e.items()} for e in errors]), status


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
    spec = VARIANTS[inp.variant]
    last = res.last
    out = {name: last[name].tolist() for name in spec.outputs}
    if inp.k is not None:
        out.update(y=last["y"].tolist(), z_y=last["z_y"].tolist())
    written: dict[int, str] = {}  # each value's LaTeX, written once for both traces (latex.step_latex)
    out.update(
        n=inp.n, m=inp.m, concat=inp.concat, v=last["v"].tolist(),
        permalink=f"{url_for('page.index')}?{ex.query}" if ex.query else None,
        steps=[_step_json(step, written) for step in res.steps],
    )
    if ex.query is None:
        out["permalink_note"] = (f"This example is too large for a link (more than {LINK_LIMIT:,} "
                                 f"characters even compressed); short links for large examples come later.")
    out.update(variant=inp.variant, T=inp.T)
    for option in spec.options:  # gru_reset
        out[option] = inp.option(option)
    if inp.k is not None:
        out["k"] = inp.k
    out["timesteps"] = [{key: value if isinstance(value, int) else value.tolist() for key, value in entry.items()}
                        for entry in res.timesteps]
    out.update(loss=res.loss, loss_formula=res.loss_formula,
               grads={name: g.tolist() for name, g in res.grads.items()},
               grad_steps=[_step_json(step, written) for step in res.grad_steps])
    return jsonify(out)


def _step_json(step, written: dict[int, str] | None = None) -> dict:
    """`written`: the LaTeX of the values already written, shared by the steps of one answer
    (`latex.step_latex`'s memo)."""
    out = {
        "id": step.id, "title": step.title, "latex": latex.step_latex(step, written), "op": step.op,
        "formula": step.formula, "why": step.why,
        "operands": {s.name: s.value.tolist() for s in step.operands},
        "result": {"name": step.result.name, "value": step.result.value.tolist()},
    }
    if step.saturated:
        out["saturated"] = list(step.saturated)
    if step.span:  # slice, embed: the entries (or columns) start..stop-1, counted from 0
        out["span"] = list(step.span)
    return out


def _reason(e: ValueError) -> str:
    if isinstance(e, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(e, json.JSONDecodeError):
        return f"{e.msg} at line {e.lineno}, column {e.colno}"
    return str(e)[:80]
