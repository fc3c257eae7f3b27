"""The JSON API's OpenAPI 3.1 document (`GET /api/v1/openapi.json`), generated, never hand-kept.

Built from what the app already knows, so a new field, cell or primitive appears in it without
an edit here:
- the request body and the GET query: every field of `fields.FIELDS` (its kind, its shape rule
  in n, m, k, its choices), the caps of `parse.py`, the variants of `cells.VARIANTS`;
- the request's examples: the presets (`presets.PRESETS`), one of every cell at least;
- the answer: each cell's `outputs` (optional properties: which one has which is said in their
  descriptions), the gradients by field name, the steps' `op` from `primitives.PRIMITIVES`.

Schemas are JSON Schema 2020-12, as OpenAPI 3.1 allows. The answer's objects do not forbid
extra properties: later issues add fields to it (never breaking v1), and a client validating
against this document must not break when they do. The tests check the other way round: every
field a real answer has is described here (tests/test_openapi.py).

Pure data, no Flask. `document()` builds a new dict each call; the route serves
`document_json()`, built once.
"""
from __future__ import annotations

import json
from functools import cache

from . import budget, frameworks, openapi_yours
from .cells import VARIANTS
from .fields import ARRAY_FIELDS, BY_NAME, FIELDS, Field, uses
from .parse import MAX_ABS, MAX_DIM, MAX_K, MAX_T
from .parse_framework import SHARED
from .permalink import field_text
from .practice import MIN_DECIMALS, MIN_SIGNIFICANT
from .presets import PRESETS
from .primitives import PRIMITIVES

PREFIX = "/api/v1"
OPENAPI_VERSION = "3.1.0"
_BOUNDS = {"n": MAX_DIM, "m": MAX_DIM, "k": MAX_K, "n+m": 2 * MAX_DIM}
_DEFAULTS = {
    "required": "Required by the cells that use it.",
    "zeros": "Left out (or null): zeros.",
    "ones": "Left out (or null): ones.",
    "absent": "Left out (or null): none.",
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _cells(predicate) -> list[str]:
    return [name for name, spec in VARIANTS.items() if predicate(spec)]


def _used_by(name: str) -> str:
    cells = _cells(lambda spec: uses(spec, name))
    return "every cell" if len(cells) == len(VARIANTS) else ", ".join(cells)


# --------------------------------------------------------------------------------- request

def _number_in() -> dict:
    return {"type": "number", "minimum": -MAX_ABS, "maximum": MAX_ABS}


def _numbers_in(most: int) -> dict:
    return {"type": "array", "items": _number_in(), "minItems": 1, "maxItems": most}


def _vector_in(f: Field) -> dict:
    column = {"type": "array", "items": _numbers_in(1), "minItems": 1, "maxItems": _BOUNDS[f.rows]}
    return {"anyOf": [_numbers_in(_BOUNDS[f.rows]), column]}  # [1, 2] or [[1], [2]]


def _matrix_in(f: Field) -> dict:
    row = _numbers_in(_BOUNDS[f.cols])
    rows = {"type": "array", "items": row, "minItems": 1, "maxItems": _BOUNDS[f.rows]}
    return {"anyOf": [rows, row]}  # a matrix of one row may be given flat


def _shape_words(f: Field) -> str:
    if f.kind == "matrix":
        return f"{f.rows} rows of {f.cols} numbers (one row may be given flat)"
    return f"{f.rows} numbers (or a column of one-number rows)"


def _body_property(f: Field) -> dict:
    used = f"Used by: {_used_by(f.name)}."
    if f.name == "x":
        one = _numbers_in(_BOUNDS[f.rows])
        return {"anyOf": [one, {"type": "array", "items": one, "minItems": 1, "maxItems": MAX_T}],
                "description": f"x_t: m numbers (one step), or T rows of m numbers, one per time "
                               f"step (T ≤ {MAX_T}); one row, or a column of single numbers, is "
                               f"one vector, so a sequence of single numbers needs T. {used}"}
    if f.kind == "setting":
        if f.name == "T":
            schema = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_T}
            text = f"The number of time steps, 1 to {MAX_T}; needed only when each x_t is one number."
        else:
            choices = list(VARIANTS) if f.name == "variant" else list(f.choices)
            schema = {"type": ["string", "null"], "enum": [*choices, None]}
            text = f"One of {', '.join(choices)}; left out (or null): {choices[0]}."
        return {**schema, "description": f"{text} {used}"}
    shape = _matrix_in(f) if f.kind == "matrix" else _vector_in(f)
    return {"anyOf": [shape, {"type": "null"}],
            "description": f"{f.symbol}: {_shape_words(f)}. {_DEFAULTS[f.default]} {used}"}


def _request_body() -> dict:
    return {
        "type": "object",
        "description": "One example: every number finite and within ±1e6 "
                       f"(n, m ≤ {MAX_DIM}, k ≤ {MAX_K}, T ≤ {MAX_T}). Shapes must agree "
                       "(each W has n rows and n+m columns, …); a field the variant does not "
                       "use, an unknown key or a key given twice is an error (400).",
        "properties": {**{f.name: _body_property(f) for f in FIELDS}, **_answer_options(text=False),
                       "compare": _ref("Compare")},
        "required": ["x"],
        "additionalProperties": False,
    }


def _check_request() -> dict:
    """POST /api/v1/check: an example (its fields, or a short link) and one step's answer."""
    example = {key: value for key, value in _request_body()["properties"].items() if key in BY_NAME}
    leaf = {"type": ["number", "string"], "description": "A number; as a JSON string it keeps the "
                                                        "precision typed (\"1.0000\")."}
    return {
        "type": "object",
        "description": "An example, by its fields (as for /api/v1/lstm) or by a short link's id, and the "
                       "learner's answer to one of its steps. An entry is right when it equals the float64 "
                       f"result or, written to at least {MIN_DECIMALS} decimals and {MIN_SIGNIFICANT} "
                       "significant digits, is that result rounded to the decimals written (counted as "
                       "written in the JSON text: 1.0000 has four).",
        "properties": {
            **example,
            "link": {"type": "string", "pattern": "^[A-Za-z0-9_-]{16}$",
                     "description": "A short link's id (/e/<id>): its example, instead of the fields."},
            "step": {"type": "string", "maxLength": 200,
                     "description": "The step's id in the answer's `steps` (f.matmul; t2.f.matmul in a "
                                    "sequence; grad.… for the backward pass)."},
            "answer": {"anyOf": [leaf, {"type": "array", "items": leaf},
                                 {"type": "array", "items": {"type": "array", "items": leaf}}],
                       "description": "The step's result as computed by hand: a number, a list (a vector; "
                                      "a column of one-number rows too), or a list of rows (a matrix)."},
            "reveal": {"type": "boolean", "description": "true: the answer includes `expected`."},
        },
        "required": ["step", "answer"],
        "anyOf": [{"required": ["x"]}, {"required": ["link"]}],
        "additionalProperties": False,
    }


def _tensor_in() -> dict:
    """A framework's tensor: numbers, rows of numbers, or (ONNX's leading axis, Keras' GRU bias)
    one more axis."""
    numbers = {"type": "array", "items": _number_in(), "minItems": 1, "maxItems": 4 * MAX_DIM}
    rows = {"type": "array", "items": numbers, "minItems": 1, "maxItems": 4 * MAX_DIM}
    return {"anyOf": [numbers, rows, {"type": "array", "items": rows, "minItems": 1, "maxItems": 2},
                      {"type": "null"}]}


def _framework_request() -> dict:
    """A body in a framework's own tensors (`frameworks.LAYOUTS`, `parse_framework.py`)."""
    tensors = {}
    for framework, layout in frameworks.LAYOUTS.items():
        for variant, spec in layout["variants"].items():
            for name, info in spec["tensors"].items():
                shape = "×".join(info["shape"])
                names = [name, f"{name}{layout['suffix']}"] if layout.get("suffix") else [name]
                for key in names:
                    entry = tensors.setdefault(key, {**_tensor_in(), "description": ""})
                    entry["description"] += (f"{frameworks.TITLES[framework]} {variant}: {shape}, "
                                             f"{', '.join(info.get('order', spec['order']))} stacked"
                                             f"{'; left out: zeros' if info.get('optional') else ''}. ")
    shared = {name: _body_property(BY_NAME[name]) for name in SHARED}
    shared["variant"] = {"type": ["string", "null"], "enum": ["lstm", "gru", "peephole", None],
                         "description": "lstm (the default) or gru; peephole: ONNX's LSTM with P."}
    return {
        "type": "object",
        "description": "One example in a framework's own layout: its tensors instead of W_f…b_o "
                       "(a tensor of another framework, or one of our weights, is an error). The "
                       "answer is the equivalent example's, plus framework and mapping.",
        "properties": {
            "framework": {"type": "string", "enum": list(frameworks.FRAMEWORKS)},
            **shared, **tensors,
            "forget_bias": {**_number_in(), "description": "tf1 only: added to the forget gate at run "
                                                           "time (default 1.0)."},
            "reset_after": {"type": "boolean", "description": "keras GRU only (default true)."},
            "linear_before_reset": {"type": "integer", "enum": [0, 1],
                                    "description": "onnx GRU only (default 0)."},
            **_answer_options(text=False),
            "compare": _ref("Compare"),
        },
        "required": ["framework", "x"],
        "additionalProperties": False,
    }


def _check_answer() -> dict:
    entry = {"type": "object", "required": ["index", "correct"], "additionalProperties": False,
             "properties": {"index": {"type": "array", "items": {"type": "integer", "minimum": 0},
                                      "minItems": 1, "maxItems": 2,
                                      "description": "[i] in a vector, [i, j] in a matrix, counted from 0."},
                            "correct": {"type": "boolean"}}}
    return {
        "type": "object",
        "required": ["step", "correct", "entries", "hints", "diagnosis"],
        "properties": {
            "step": {"type": "string"},
            "correct": {"type": "boolean", "description": "Every entry is right."},
            "entries": {"type": "array", "items": entry, "description": "Each entry, in row order."},
            "hints": {"type": "array", "items": {"type": "string"},
                      "description": "Sentences: precision, and a slipped row's terms and sum."},
            "diagnosis": {"type": ["string", "null"],
                          "description": "The mistake the answer makes, in one sentence with the fix."},
            "expected": {**_ref("Value"), "description": "The step's result (only with reveal: true)."},
        },
    }


def _compare_in() -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["h"],
            "description": "Your framework's last h (and C, for an LSTM): the answer's `match` "
                           "compares them with ours.",
            "properties": {"h": _numbers_in(MAX_DIM), "C": _numbers_in(MAX_DIM)}}


def _examples() -> dict:
    """The presets, as bodies: one ready example of every cell."""
    out = {}
    for preset in PRESETS:
        inp = preset.example
        body = {name: inp[name].tolist() for name in inp}
        body.update(variant=inp.variant, concat=inp.concat, **inp.options)
        out[preset.key] = {"summary": preset.title, "value": body}
    return out


def _check_examples() -> dict:
    """The seed's example (the default page) with the seed answer's slip at the input gate's bias."""
    body = _examples()[PRESETS[0].key]["value"]
    return {"slip": {"summary": "The seed answer's W_i·v + b_i = [22, 42, 62]",
                     "value": {**body, "step": "i.bias", "answer": [22, 42, 62]}},
            "precision": {"summary": "σ to four decimals, as text",
                          "value": {**body, "step": "f.sigmoid", "answer": ["1.0000", "1.0000", "1.0000"]}}}


def _query_parameter(f: Field) -> dict:
    if f.kind == "setting":
        if f.name == "T":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_T}
        else:
            schema = {"type": "string", "enum": list(VARIANTS) if f.name == "variant" else list(f.choices)}
        text = f"As in the JSON body. Used by: {_used_by(f.name)}."
    else:
        schema = {"type": "string"}
        rows = "; rows split by ;" if f.kind == "matrix" or f.name == "x" else ""
        text = (f"{f.symbol}: {_shape_words(f)}, as text: numbers split by commas{rows} "
                f"(e.g. 1,2,3;4,5,6). Used by: {_used_by(f.name)}.")
    return {"name": f.name, "in": "query", "required": False, "schema": schema, "description": text}


def _query_parameters() -> list[dict]:
    version = {"name": "v", "in": "query", "required": False,
               "schema": {"type": "string", "enum": ["1"]},
               "description": "The permalink's schema version."}
    compact = {"name": "z", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "A compact permalink: the readable query, zlib-compressed and "
                              "base64url-encoded without padding."}
    options = [{"name": name, "in": "query", "required": False, "schema": schema,
                "description": schema.pop("description")} for name, schema in _answer_options(text=True).items()]
    parameters = [version, compact, *(_query_parameter(f) for f in FIELDS), *options]
    # The first preset's link, one value per parameter: together they are one example.
    example = {"v": "1", **field_text(PRESETS[0].example, sep=",", row_sep=";")}
    for parameter in parameters:
        if parameter["name"] in example:
            parameter["example"] = example[parameter["name"]]
    return parameters


def _answer_options(text: bool) -> dict[str, dict]:
    """What the answer holds (api.ANSWER_OPTIONS): beside the example's fields, not part of it."""
    flag = {"type": "string", "enum": ["0", "1", "false", "true"]} if text else {"type": "boolean"}
    time = {"type": "string", "pattern": "^[0-9]{1,3}$"} if text else {"type": "integer", "minimum": 1,
                                                                       "maximum": MAX_T}
    return {
        "time": {**time, "description": "A sequence's steps and grad_steps of this time step only "
                                        "(1 … T). Without it, a sequence whose steps would write out "
                                        f"more than {budget.ENTRIES:,} numbers answers with its last "
                                        "time step's steps and says so in `paged`."},
        "include_steps": {**flag, "description": "false: leave out `steps` (an empty list; `omitted` says so)."},
        "include_grad_steps": {**flag, "description": "false: leave out `grad_steps`."},
    }


# ---------------------------------------------------------------------------------- answer

def _outputs() -> dict[str, dict]:
    names = list(dict.fromkeys(name for spec in VARIANTS.values() for name in spec.outputs))
    return {name: {**_ref("Vector"),
                   "description": f"{name} (n numbers). Cells that have it: "
                                  f"{', '.join(_cells(lambda spec, name=name: name in spec.outputs))}."}
            for name in names}


def _every_cell_has() -> list[str]:
    return [name for name in next(iter(VARIANTS.values())).outputs
            if all(name in spec.outputs for spec in VARIANTS.values())]


def _output_layer() -> dict[str, dict]:
    return {
        "y": {**_ref("Vector"), "description": "y = σ(W_y·h + b_y), k numbers: with an output layer (W_y)."},
        "z_y": {**_ref("Vector"), "description": "W_y·h + b_y, k numbers: with an output layer (W_y)."},
    }


def _grad_schema(f: Field) -> dict:
    if f.name == "x":
        return {"anyOf": [_ref("Vector"), _ref("Matrix")], "description": "∂L/∂x: shaped like x."}
    return {**_ref("Matrix" if f.kind == "matrix" else "Vector"), "description": f"∂L/∂{f.name}."}


def _answer() -> dict:
    options = {name: {"type": "string", "enum": list(BY_NAME[name].choices),
                      "description": f"The option as used (given or default): "
                                     f"{', '.join(_cells(lambda spec, name=name: name in spec.options))}."}
               for name in dict.fromkeys(o for spec in VARIANTS.values() for o in spec.options)}
    grads = [f for f in FIELDS if f.is_array]
    properties = {
        **_outputs(),
        **_output_layer(),
        "n": {"type": "integer", "minimum": 1, "description": "Hidden size."},
        "m": {"type": "integer", "minimum": 1, "description": "Input size."},
        "concat": {"type": "string", "enum": list(BY_NAME["concat"].choices)},
        "v": {**_ref("Vector"), "description": "The concatenation at the last time step."},
        "permalink": {"type": ["string", "null"],
                      "description": "A path with query that opens this example's page; null "
                                     "when the example is too large for a link."},
        "permalink_note": {"type": "string", "description": "Why there is no permalink (only then)."},
        "steps": {"type": "array", "items": _ref("Step"), "description": "The forward trace."},
        "variant": {"type": "string", "enum": list(VARIANTS)},
        "T": {"type": "integer", "minimum": 1, "maximum": MAX_T, "description": "Time steps."},
        **options,
        "k": {"type": "integer", "minimum": 1, "description": "Output size: with an output layer."},
        "timesteps": {"type": "array", "items": _ref("TimeStep"), "minItems": 1},
        "loss": {"type": "number", "description": "L = Σ dh∘h_T + Σ dC∘C_T (+ Σ dy∘y_T)."},
        "loss_formula": {"type": "string", "description": "L as LaTeX."},
        "grads": {"type": "object", "description": "∂L/∂ each input field the example has, by its name.",
                  "properties": {f.name: _grad_schema(f) for f in grads}},
        "grad_steps": {"type": "array", "items": _ref("Step"), "description": "The backward trace."},
        "paged": {"type": "object", "required": ["time", "T", "note"], "additionalProperties": False,
                  "description": "Only when steps and grad_steps hold one time step's: which, and why.",
                  "properties": {"time": {"type": "integer", "minimum": 1, "maximum": MAX_T},
                                 "T": {"type": "integer", "minimum": 1, "maximum": MAX_T},
                                 "note": {"type": "string"}}},
        "omitted": {"type": "array", "items": {"type": "string", "enum": ["steps", "grad_steps"]},
                    "description": "The parts left out, as asked (include_steps, include_grad_steps)."},
        "framework": {"type": "string", "enum": list(frameworks.FRAMEWORKS),
                      "description": "Only when the body gave a framework's tensors."},
        "mapping": {"type": "object", "additionalProperties": _ref("MappingEntry"),
                    "description": "With framework: each of our fields (W_f, b_f, …) and how it was "
                                   "made from the framework's tensors."},
        "match": {
            "type": "object", "required": ["max_abs_diff", "tolerance", "first", "cause", "note"],
            "additionalProperties": False,
            "description": "Only with compare: the framework's h (and C) beside ours.",
            "properties": {
                "max_abs_diff": {"type": "number", "minimum": 0},
                "tolerance": {"type": "number", "minimum": 0,
                              "description": "Float32 rounding: 16·eps₃₂ times the largest pre-activation sum."},
                "first": {"anyOf": [{"type": "null"}, {
                    "type": "object", "required": ["field", "index"], "additionalProperties": False,
                    "properties": {"field": {"type": "string", "enum": ["C", "h"]},
                                   "index": {"type": "integer", "minimum": 0}}}],
                          "description": "The first entry over the tolerance (C before h); null: they match."},
                "cause": {"type": ["string", "null"],
                          "description": "null when they match; else the mistake that reproduces their numbers, "
                                         "or a sentence saying it is a layout or convention mistake."},
                "note": {"type": "string"},
            },
        },
    }
    required = [*_every_cell_has(), "n", "m", "concat", "v", "permalink", "steps", "variant", "T",
                "timesteps", "loss", "loss_formula", "grads", "grad_steps"]
    return {"type": "object", "properties": properties, "required": required,
            "description": "Top-level outputs are the last time step's; every number is float64 "
                           "at full precision."}


def _timestep() -> dict:
    return {
        "type": "object",
        "properties": {
            "t": {"type": "integer", "minimum": 1},
            **_outputs(),
            "v": _ref("Vector"),
            **_output_layer(),
            "dh": {**_ref("Vector"), "description": "∂L/∂h_t: the gradient that reaches h_t."},
            "dC": {**_ref("Vector"), "description": "∂L/∂C_t: cells with a cell state ("
                                                    f"{', '.join(_cells(lambda s: s.has_cell_state))})."},
        },
        "required": ["t", *_every_cell_has(), "v", "dh"],
    }


def _step() -> dict:
    text = {"type": "string"}
    return {
        "type": "object",
        "properties": {
            "id": {**text, "description": "f.matmul; t2.f.matmul in a sequence; grad.… backward."},
            "title": text,
            "latex": text,
            "op": {"type": "string", "enum": list(PRIMITIVES)},
            "formula": {**text, "description": "The symbolic LaTeX."},
            "why": text,
            "operands": {"type": "object", "additionalProperties": _ref("Value")},
            "result": {"type": "object",
                       "properties": {"name": text, "value": _ref("Value")},
                       "required": ["name", "value"]},
            "saturated": {"type": "array",
                          "items": {"anyOf": [{"type": "boolean"},
                                              {"type": "array", "items": {"type": "boolean"}}]},
                          "description": "Per result entry: σ or tanh at its limit only because "
                                         "float64 rounds it there (activations only)."},
            "span": {"type": "array", "items": {"type": "integer", "minimum": 0},
                     "minItems": 2, "maxItems": 2,
                     "description": "slice and embed: the entries (or columns) start, stop."},
        },
        "required": ["id", "title", "latex", "op", "formula", "why", "operands", "result"],
    }


def _errors() -> dict:
    error = {"type": "object",
             "properties": {"field": {"type": "string", "description": "A field name, or body, v, z."},
                            "message": {"type": "string"}},
             "required": ["field", "message"], "additionalProperties": False}
    return {"type": "object", "required": ["errors"], "additionalProperties": False,
            "properties": {"errors": {"type": "array", "items": error, "minItems": 1}}}


def _schemas() -> dict:
    vector = {"type": "array", "items": {"type": "number"}}
    answer = _answer()
    answer["properties"]["export"] = {"anyOf": [openapi_yours.export(), {"type": "null"}]}
    return {
        "ImportRequest": openapi_yours.import_request(),
        "ImportAnswer": openapi_yours.import_answer(),
        "Request": _request_body(),
        "Answer": answer,
        "TimeStep": _timestep(),
        "Step": _step(),
        "Vector": vector,
        "Matrix": {"type": "array", "items": _ref("Vector")},
        "Value": {"anyOf": [{"type": "number"}, _ref("Vector"), _ref("Matrix")]},
        "Errors": _errors(),
        "CheckRequest": _check_request(),
        "Check": _check_answer(),
        "FrameworkRequest": _framework_request(),
        "Compare": _compare_in(),
        "MappingEntry": _mapping_entry(),
    }


def _mapping_entry() -> dict:
    span = {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}
    part = {"type": "object", "required": ["tensor", "expr"],
            "properties": {"tensor": {"type": "string"}, "expr": {"type": "string"}, "rows": span,
                           "cols": span, "row": {"type": ["integer", "null"]}, "transpose": {"type": "boolean"},
                           "into": span}}
    return {"type": "object", "required": ["text", "gate", "parts", "op"],
            "properties": {"text": {"type": "string"}, "gate": {"type": "string"},
                           "parts": {"type": "array", "items": part},
                           "op": {"type": "string", "enum": ["concat", "sum", "copy", "zeros"]},
                           "add": {"type": "number"}, "omitted": {"type": "boolean"}}}


# ------------------------------------------------------------------------------- document

def _json(schema_name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _responses() -> dict:
    return {
        "Answer": _json("Answer", "The example computed, step by step."),
        "BadRequest": _json("Errors", "Bad input: one message per bad field."),
        "TooLarge": _json("Errors", "The body is over 256 KiB."),
        "MethodNotAllowed": _json("Errors", "Any method but GET and POST."),
        "Check": _json("Check", "The answer checked entry by entry, with hints and a diagnosis."),
        "NotFound": _json("Errors", "There is no short link with this id."),
    }


def _response_refs(*codes: tuple[str, str]) -> dict:
    return {code: {"$ref": f"#/components/responses/{name}"} for code, name in codes}


def document() -> dict:
    """The OpenAPI 3.1 document, as a new dict."""
    lstm = {
        "summary": "One cell step (or a sequence), every intermediate written out",
        "description": "Other methods answer 405 with the errors object "
                       "(components/responses/MethodNotAllowed).",
        "post": {
            "operationId": "postLstm",
            "summary": "Compute an example given as a JSON object",
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": {"anyOf": [_ref("Request"),
                                                                                   _ref("FrameworkRequest")]},
                                                             "examples": _examples()}}},
            "responses": _response_refs(("200", "Answer"), ("400", "BadRequest"), ("413", "TooLarge")),
        },
        "get": {
            "operationId": "getLstm",
            "summary": "Compute a permalink's example (its query: readable, or v and z)",
            "description": "Keys that are not fields are ignored, so a link that picked up "
                           "tracking parameters still opens; a field given twice is an error.",
            "parameters": _query_parameters(),
            "responses": _response_refs(("200", "Answer"), ("400", "BadRequest")),
        },
    }
    check = {
        "summary": "Practice: check a learner's answer to one step",
        "post": {
            "operationId": "postCheck",
            "summary": "Check one step's answer against the float64 result",
            "description": "A wrong shape, an unknown step or a non-number is a 400 that says what was "
                           "expected. The expected values are in the answer only with reveal: true (and a "
                           "slipped row's sum, in words, in its hint).",
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("CheckRequest"),
                                                             "examples": _check_examples()}}},
            "responses": _response_refs(("200", "Check"), ("400", "BadRequest"), ("404", "NotFound"),
                                        ("413", "TooLarge")),
        },
    }
    this = {
        "get": {
            "operationId": "getOpenapi",
            "summary": "This document",
            "responses": {"200": {"description": "The OpenAPI 3.1 document.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}},
        },
    }
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "LSTM explainer",
            "version": "1",
            "description": "One LSTM step (or a variant's, or a sequence), every intermediate "
                           "written out, with gradients. Generated from the app's field table "
                           f"({len(ARRAY_FIELDS)} arrays and {len(FIELDS) - len(ARRAY_FIELDS)} "
                           f"settings) and its {len(VARIANTS)} cells.",
        },
        "paths": {f"{PREFIX}/lstm": lstm, f"{PREFIX}/check": check, f"{PREFIX}/import": openapi_yours.import_path(),
                  f"{PREFIX}/openapi.json": this},
        "components": {"schemas": _schemas(), "responses": _responses()},
    }


@cache
def document_json() -> str:
    """The document as JSON text, built once per process (it depends on no request)."""
    return json.dumps(document(), ensure_ascii=False)
