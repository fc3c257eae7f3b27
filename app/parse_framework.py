"""A JSON body in a framework's own terms → our example, or one message per bad tensor.

`{"framework": "pytorch" | "keras" | "tf1" | "onnx", "variant": "lstm" | "gru" (or
"peephole", ONNX's LSTM with P), their tensors (weight_ih, …; kernel, …; W, R, B, P), x, h_prev,
C_prev as always, and their settings: forget_bias (tf1, default 1.0), reset_after (keras,
default true), linear_before_reset (onnx, 0 or 1, default 0)}`. The tensors become our fields
(`frameworks.to_fields`), which then go through the usual parser (`parse.parse_json_fields`)
with x, h_prev, C_prev and the other fields that are not a cell's weights (concat, T, W_y, b_y,
dh, dC, dy): the same caps, the same messages. A message about one of our weights made from their
tensors is given to the tensor it came from. Our weight names beside a framework's are refused:
one body speaks one layout.

`compare` (any body, with or without a framework): {"h": n numbers, "C": n numbers (LSTMs)}.
"""
from __future__ import annotations

import math

import numpy as np

from . import frameworks, parse
from .cells import VARIANTS
from .fields import ALL_FIELDS

# Our fields that a framework's body may carry: not a cell's weights or options.
SHARED = ("x", "h_prev", "C_prev", "concat", "T", "W_y", "b_y", "dh", "dC", "dy")
MAX_ENTRIES = 4 * parse.MAX_DIM * 2 * parse.MAX_DIM  # TF1's (m+n)×4n kernel at m = n = 32
_SETTING_TEXT = {
    "forget_bias": ("tf1", "a number (default 1.0): what TF1's LSTMCell adds to the forget gate at run time"),
    "reset_after": ("keras", "true (the default: the reset after the recurrent product) or false"),
    "linear_before_reset": ("onnx", "0 (the default: the reset before the recurrent product) or 1"),
}
_GRU_SETTINGS = ("reset_after", "linear_before_reset")


def parse_framework_json(body: dict):
    """(Inputs, {"framework", "mapping"}, []) or (None, None, errors)."""
    errors: list[dict] = []

    def error(field, message):
        errors.append({"field": field, "message": message})

    framework = body.get("framework")
    if framework not in frameworks.FRAMEWORKS:
        got = repr(framework[:24]) if isinstance(framework, str) else parse.json_type(framework)
        error("framework", f"framework must be \"pytorch\", \"keras\", \"tf1\" or \"onnx\"; got {got}.")
        return None, None, errors
    title = frameworks.TITLES[framework]
    variant = body.get("variant", "lstm")
    if variant is None:
        variant = "lstm"
    if not isinstance(variant, str) or variant not in VARIANTS:
        error("variant", f"variant must be \"lstm\" or \"gru\" with a framework's tensors; got "
                         f"{repr(variant[:24]) if isinstance(variant, str) else parse.json_type(variant)}.")
        return None, None, errors
    try:
        frameworks.check_variant(framework, variant)
    except frameworks.FrameworkError as e:
        return None, None, [{"field": f, "message": m} for f, m in e.errors]

    base = "lstm" if variant == "peephole" else variant
    names = frameworks.tensor_names(framework, base)
    suffix = frameworks.LAYOUTS[framework].get("suffix", "")
    theirs = set(names) | {f"{name}{suffix}" for name in names if suffix}
    tensors, options, ours = {}, {}, {}
    for key, value in body.items():
        if key in ("framework", "variant"):
            continue
        if key in theirs:
            tensors[key] = value
        elif key in SHARED:
            ours[key] = value
        elif key in _SETTING_TEXT:
            owner, expects = _SETTING_TEXT[key]
            if owner != framework:
                error(key, f"{key} is {frameworks.OWN[owner]} setting; {title} has no such setting. "
                           f"Remove {key}.")
            elif key in _GRU_SETTINGS and base != "gru":  # it says where the GRU's reset goes
                error(key, f"{key} is a setting of {frameworks.OWN[framework]} GRU (where its reset goes); "
                           f"an LSTM has no reset. Remove {key}, or give \"variant\": \"gru\".")
            else:
                options[key] = value
        elif key in ALL_FIELDS:
            error(key, f"{key} is one of our own field names: with \"framework\": \"{framework}\" give "
                       f"{frameworks.OWN[framework]} tensors ({', '.join(names)}), or leave out framework and give ours. "
                       f"One body speaks one layout.")
        else:
            error("body", f"Unknown field {str(key)[:40]!r}; with \"framework\": \"{framework}\" and "
                          f"variant \"{base}\" the fields are {', '.join(names)}, "
                          f"{', '.join(SHARED)}" + (f" and {key_list(framework)}" if key_list(framework) else "") + ".")
    settings = _settings(framework, options, error)
    arrays = {}
    for key, value in tensors.items():
        array, problem = _tensor(key, value)
        if problem:
            error(key, problem)
        elif array is not None:  # null: not given (a bias is then zeros)
            arrays[key] = array
    if errors:
        return None, None, errors
    hints = _sizes(ours)
    try:
        fields, mapping = frameworks.to_fields(framework, variant, arrays, {**settings, **hints, "concat": ours.get("concat")})
    except frameworks.FrameworkError as e:
        return None, None, [{"field": f, "message": m} for f, m in e.errors]
    body2 = {**ours, **{k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in fields.items()}}
    inp, parse_errors = parse.parse_json_fields(body2)
    if parse_errors:
        mapped, seen = [], set()
        for e in (_theirs(e, mapping) for e in parse_errors):
            if e["field"] not in seen:  # one message per field, as for our own fields
                seen.add(e["field"])
                mapped.append(e)
        return None, None, mapped
    return inp, {"framework": framework, "mapping": mapping}, []


def key_list(framework: str) -> str:
    return ", ".join(k for k, (owner, _) in _SETTING_TEXT.items() if owner == framework)


def _theirs(error: dict, mapping: dict) -> dict:
    """An error about our W_f made from their tensors belongs to their tensor."""
    entry = mapping.get(error["field"])
    if entry is None or not entry.get("parts"):
        return error
    tensor = entry["parts"][0]["tensor"]
    return {"field": tensor, "message": f"{error['message']} Here {entry['text']}."}


def _settings(framework: str, options: dict, error) -> dict:
    out = {}
    for key, value in options.items():
        if value is None:
            continue
        _, expects = _SETTING_TEXT[key]
        if key == "forget_bias":
            try:
                out[key] = parse.json_number(value, "forget_bias")
            except parse.FieldError as e:
                error(key, f"{e} forget_bias must be {expects}.")
        elif key == "reset_after":
            if isinstance(value, bool):
                out[key] = value
            else:
                error(key, f"reset_after must be {expects}; not {parse.json_type(value)}.")
        elif isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
            out[key] = value
        else:  # said as JSON writes it: true, not Python's True; a string as a string
            got = (str(value).lower() if isinstance(value, bool) else str(value)[:20]
                   if isinstance(value, (int, float)) else parse.json_type(value))
            error(key, f"linear_before_reset must be {expects}; got {got}.")
    return out


def _tensor(name: str, value):
    """A nested JSON list of numbers (up to 3 axes) → (float64 array, None), or (None, message).
    Bounded: the entries are counted before any is converted."""
    if value is None:
        return None, None
    if not isinstance(value, list):
        return None, f"{name} must be a JSON array of numbers (or rows of numbers), not {parse.json_type(value)}."
    dims, level = [], [value]  # level: the lists at the current depth
    for depth in range(3):
        widths = {len(item) for item in level}
        if len(widths) > 1:
            return None, f"{name} is ragged: its rows have different lengths ({', '.join(map(str, sorted(widths)[:4]))})."
        width = widths.pop()
        if width == 0:
            return None, f"{name} is empty; expected numbers."
        dims.append(width)
        if math.prod(dims) > MAX_ENTRIES:
            return None, (f"{name} has more than {MAX_ENTRIES} numbers: n and m are at most {parse.MAX_DIM}, "
                          f"so no tensor of one cell is larger.")
        children = [child for item in level for child in item]
        kinds = {isinstance(child, list) for child in children}
        if kinds == {False}:
            level = children
            break
        if len(kinds) > 1:
            return None, f"{name} mixes numbers and arrays; every row must have the same shape."
        if depth == 2:
            return None, f"{name} has arrays nested four deep; a tensor here has at most 3 axes."
        level = children
    try:
        flat = [parse.json_number(item, f"{name} entry {k + 1}") for k, item in enumerate(level)]
    except parse.FieldError as e:
        return None, str(e)
    return np.array(flat, dtype=np.float64).reshape(dims), None


def _sizes(ours: dict) -> dict:
    """n and m from h_prev and x, when they are plain lists of numbers: the sizes the tensors
    are checked against (x or h_prev themselves are checked by the usual parser)."""
    hints = {}
    x = ours.get("x")
    if isinstance(x, list) and x:
        row = x[0] if isinstance(x[0], list) else x
        if isinstance(row, list) and 0 < len(row) <= parse.MAX_DIM and (isinstance(x[0], list) or len(x) <= parse.MAX_DIM):
            hints["m"] = len(row)
    h = ours.get("h_prev")
    if isinstance(h, list) and 0 < len(h) <= parse.MAX_DIM and not any(isinstance(v, list) for v in h):
        hints["n"] = len(h)
    return hints


def parse_compare(value, inp) -> tuple[dict | None, list[dict]]:
    """`compare`: {"h": n numbers, "C": n numbers (only a cell with a cell state)} → arrays."""
    def bad(message):
        return None, [{"field": "compare", "message": message}]

    if not isinstance(value, dict):
        return bad(f"compare must be an object {{\"h\": [n numbers], \"C\": [n numbers]}}, not {parse.json_type(value)}.")
    spec = VARIANTS[inp.variant]
    allowed = ("h", "C") if spec.has_cell_state else ("h",)
    for key in value:
        if key not in allowed:
            why = f" {spec.short} has no cell state." if key == "C" else ""
            return bad(f"compare has {str(key)[:20]!r}; it takes {' and '.join(allowed)} (your framework's "
                       f"last hidden{' and cell' if spec.has_cell_state else ''} state).{why}")
    if value.get("h") is None:
        return bad("compare needs h: your framework's h_t, n numbers.")
    out = {}
    for key in allowed:
        item = value.get(key)
        if item is None:
            continue
        if not isinstance(item, list) or any(isinstance(v, list) for v in item) or len(item) != inp.n:
            return bad(f"compare's {key} must be a list of n = {inp.n} numbers (this example's "
                       f"{'hidden' if key == 'h' else 'cell'} state at the last time step).")
        try:
            out[key] = [parse.json_number(v, f"compare's {key} entry {k + 1}") for k, v in enumerate(item)]
        except parse.FieldError as e:
            return bad(str(e))
    return out, []
