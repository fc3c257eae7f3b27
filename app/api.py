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

import orjson
from flask import Blueprint, current_app, jsonify, request

from . import budget, encodable, example, latex, links, match, parse, parse_framework, practice, yours_view
from .cache import remembered, url_of
from .cells import VARIANTS
from .fields import ALL_FIELDS
from .openapi import document_json
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
    body, problem = read_json_body()
    if problem is not None:
        return problem
    options = {key: body.pop(key) for key in (*ANSWER_OPTIONS, "compare") if key in body} if isinstance(body, dict) else {}
    return _respond(example.from_json(body), options, text=False)


def read_json_body():
    """The request's JSON body decoded, and None; or None and the 400 answer that says what is
    wrong with it (also read by POST /api/v1/links, which takes the same body)."""
    raw = request.get_data()  # over MAX_CONTENT_LENGTH: 413, handled in create_app
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates, parse_constant=_constant), None
    except _DuplicateKey as e:
        field = e.key if e.key in ALL_FIELDS else "body"  # a nested or unknown key: the body
        return None, _errors([{"field": field, "message": f"{e.key[:40]} is given twice in the JSON "
                                                           f"object; give each field once."}])
    except RecursionError:
        return None, _errors([{"field": "body", "message": "The JSON is nested too deeply; a field is "
                                                           "a list of numbers or a list of rows."}])
    except ValueError as e:  # includes UnicodeDecodeError and json.JSONDecodeError
        return None, _errors([{"field": "body", "message": f"The request body is not valid JSON ({_reason(e)}). "
                                                           f"Send an object like {{\"x\": [1, 2], …}}."}])


# POST /api/v1/check: beside the example's fields (or "link"), what the learner answers.
CHECK_KEYS = ("step", "answer", "reveal")


@bp.post("/check")
def check_post():
    """Practice (practice.py): the learner's answer to one step, right or wrong entry by entry,
    with hints and a diagnosis. The body is read twice: once as numbers for the example, once
    keeping each number's text for the answer, so "1.0000" keeps its four decimals."""
    body, problem = read_json_body()
    if problem is not None:
        return problem
    if not isinstance(body, dict):
        return _errors([{"field": "body", "message": "The request body must be a JSON object with the example's "
                                                     "fields (or \"link\"), \"step\" and \"answer\"."}])
    texts = json.loads(request.get_data(), parse_float=str, parse_int=str, parse_constant=str)
    errors = []
    for key, words in (("step", "the id of the step you answer, such as \"f.matmul\""),
                       ("answer", "the step's result as you computed it: a number, a list of numbers or a list of rows")):
        if key not in body:
            errors.append({"field": key, "message": f"{key} is required: {words}."})
    reveal = body.get("reveal", False)
    if not isinstance(reveal, bool):
        errors.append({"field": "reveal", "message": "reveal must be true or false (true adds the expected values)."})
    fields = {key: value for key, value in body.items() if key not in (*CHECK_KEYS, "link")}
    if "link" in body:
        if fields:
            errors.append({"field": "link", "message": "Give either a short link (\"link\") or an example's "
                                                       "fields, not both."})
        elif not isinstance(body["link"], str):
            errors.append({"field": "link", "message": "link must be a short link's id, a string of 16 letters, "
                                                       "digits, - or _."})
        if errors:
            return _errors(errors)
        inp = links.resolve(body["link"])  # 404 when there is no such link
    elif "framework" in fields:  # a framework's tensors: one clear way, not "W_f is required" ×8
        return _errors([{"field": "framework", "message": "/api/v1/check reads an example in our fields (W_f, "
                         "b_f, …) or a short link: POST your framework's body to /api/v1/links first, and "
                         "send the id it answers as \"link\"."}] + errors)
    else:
        inp, field_errors = parse.parse_json_fields(fields)
        if field_errors or errors:
            return _errors(field_errors + errors)
    try:
        return jsonify(practice.check(inp, body["step"], texts["answer"], reveal))
    except practice.CheckError as e:
        return _errors([{"field": e.field, "message": e.message}])
    except FloatingPointError as e:  # unreachable within the caps; never a 500 if it happens
        return _errors([{"field": "body", "message": f"The arithmetic failed in float64 ({e}); try smaller numbers."}])


@bp.get("/lstm")
@remembered
def lstm_get():
    options = {key: request.args[key] for key in ANSWER_OPTIONS if key in request.args}
    if "link" in request.args:  # a short link's example (/e/<id>): 404 when there is no such link
        if any(key in request.args for key in (*ALL_FIELDS, "z")):
            return _errors([{"field": "link", "message": "Give either a short link (link=…) or an "
                                                         "example's fields, not both."}])
        return _respond(example.from_input(links.resolve(request.args["link"])), options, text=True)
    return _respond(example.from_pairs(request.args.items(multi=True)), options, text=True)


@bp.get("/openapi.json")
def openapi_document():
    """This API's OpenAPI 3.1 document (`openapi.py`), generated from the field table and the cells."""
    return document_json(), 200, {"Content-Type": "application/json"}


# What the answer holds, not what the example is: these keys sit beside the example's fields in a
# POST body or a GET query. include_steps / include_grad_steps: false leaves out `steps` /
# `grad_steps` (an empty list, and `omitted` names them); time: a sequence's steps of that time
# step only. Without `time`, an answer whose steps would write out more than budget.ENTRIES
# numbers shows its last time step's, and says so in `paged`.
ANSWER_OPTIONS = ("time", "include_steps", "include_grad_steps")


def _answer_options(options: dict, T: int, text: bool) -> tuple[dict, list[dict]]:
    """The options' values ({"time": int | None, "include_steps": bool, …}) or their errors."""
    values, errors = {"time": None, "include_steps": True, "include_grad_steps": True}, []
    for key in ("include_steps", "include_grad_steps"):
        if key not in options:
            continue
        value = options[key]
        if text and isinstance(value, str) and value.lower() in ("0", "false", "1", "true"):
            values[key] = value.lower() in ("1", "true")
        elif not text and isinstance(value, bool):
            values[key] = value
        else:
            errors.append({"field": key, "message": f"{key} must be true or false (in a link: 1 or 0); "
                                                    f"got {str(value)[:20]!r}."})
    if "time" in options:
        value = options["time"]
        if text and isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 3:
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= T:
            values["time"] = value
        else:
            errors.append({"field": "time", "message": f"time must be a whole number from 1 to T = {T}, "
                                                       f"the time step whose steps to show; got {str(value)[:20]!r}."})
    return values, errors


def _respond(ex: example.Example, options: dict | None = None, text: bool = False):
    if not ex.ok:
        return _errors(ex.errors)
    res, inp = ex.result, ex.inp
    shown, option_errors = _answer_options(options or {}, inp.T, text)
    theirs = None
    if options and "compare" in options:
        theirs, compare_errors = parse_framework.parse_compare(options["compare"], inp)
        option_errors += compare_errors
    if option_errors:
        return _errors(option_errors)
    listed = (res.steps if shown["include_steps"] else []) + (res.grad_steps if shown["include_grad_steps"] else [])
    pages = budget.paging(listed, inp.T, shown["time"], default=inp.T)
    time = shown["time"] or (pages.time if pages else None)

    def steps_json(steps, included):
        if not included:
            return []
        return [_step_json(step, written) for step in (steps if time is None else budget.at_time(steps, time))]

    spec = VARIANTS[inp.variant]
    last = res.last
    # numpy arrays as they are: the encoder writes them (answer_json)
    out = {name: last[name] for name in spec.outputs}
    if inp.k is not None:
        out.update(y=last["y"], z_y=last["z_y"])
    written: dict[int, str] = {}  # each value's LaTeX, written once for both traces (latex.step_latex)
    out.update(
        n=inp.n, m=inp.m, concat=inp.concat, v=last["v"],
        permalink=f"{url_of('page.index')}?{ex.query}" if ex.query else None,
        steps=steps_json(res.steps, shown["include_steps"]),
    )
    if ex.query is None:
        out["permalink_note"] = (f"This example is too large for a link (more than {LINK_LIMIT:,} "
                                 f"characters even compressed); POST it to /api/v1/links for a short link, /e/<id>.")
    out.update(variant=inp.variant, T=inp.T)
    for option in spec.options:  # gru_reset
        out[option] = inp.option(option)
    if inp.k is not None:
        out["k"] = inp.k
    out["timesteps"] = res.timesteps
    out.update(loss=res.loss, loss_formula=res.loss_formula, grads=res.grads,
               grad_steps=steps_json(res.grad_steps, shown["include_grad_steps"]))
    if time is not None:
        note = pages.note if pages and not shown["time"] else f"The steps of time step t = {time} of {inp.T}, as asked."
        out["paged"] = {"time": time, "T": inp.T, "note": note + (
            " Ask for another with \"time\": 1 … T (in a link: &time=…), or leave out one part with "
            "\"include_steps\": false or \"include_grad_steps\": false." if pages else "")}
    omitted = [key for key in ("steps", "grad_steps") if not shown[f"include_{key}"]]
    if omitted:
        out["omitted"] = omitted
    if ex.framework is not None:  # the body spoke a framework's layout: say how it became ours
        out.update(ex.framework)
    # scripts that rebuild the example in each framework (null when it has no link); added after
    # v1's keys, so an older client reads the same answer with one more key at its end
    out["export"] = yours_view.export_urls(ex.query)
    if theirs is not None:
        # TF1's forget_bias, for the "missing forget_bias" cause (1.0, its default, otherwise)
        forget_bias = ex.framework["mapping"].get("b_f", {}).get("add", 1.0) if ex.framework else 1.0
        out["match"] = match.compare(dict(inp.arrays), inp.variant, inp.concat, theirs,
                                     gru_reset=inp.option("gru_reset") if "gru_reset" in spec.options else "after",
                                     answer={"h": last["h"], "C": last.get("C")}, forget_bias=forget_bias)
    return answer_json(out)


# The answer's JSON is written by orjson: the same keys, values and order as json.dumps, every
# float64 as its shortest text that reads back bit for bit (-0.0 kept), but without spaces and
# with a few floats written differently (0.00001 for 1e-05): about a tenth of the time of
# Flask's jsonify, which was a quarter of a new example's answer (BENCHMARKS.md, the cold path).
_ORJSON = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE


def _array(value):
    return value.tolist()  # an array orjson does not take as it is (not C-contiguous)


def answer_json(out: dict):
    """A 200 answer: `out` (numpy arrays allowed) as JSON."""
    return current_app.response_class(orjson.dumps(out, default=_array, option=_ORJSON),
                                      mimetype="application/json")


def _step_json(step, written: dict[int, str] | None = None) -> dict:
    """`written`: the LaTeX of the values already written, shared by the steps of one answer
    (`latex.step_latex`'s memo)."""
    out = {
        "id": step.id, "title": step.title, "latex": latex.step_latex(step, written), "op": step.op,
        "formula": step.formula, "why": step.why,
        "operands": {s.name: s.value for s in step.operands},
        "result": {"name": step.result.name, "value": step.result.value},
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
    if "integer string conversion" in str(e):  # Python's cap on int(), hit while decoding the JSON
        return "a number in it has more than 4,300 digits; values must be between -1e6 and 1e6"
    return str(e)[:80]
