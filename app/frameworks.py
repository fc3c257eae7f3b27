"""A framework's stacked tensors ↔ our per-gate fields: PyTorch, Keras 3, TF1 and ONNX.

Every framework stores the gates of one cell stacked in one tensor, in its own order and
orientation, with its own bias conventions. `LAYOUTS` writes each down as data (the page draws
it); `to_fields` cuts a framework's tensors into our fields (W_f, b_f, …, or W_r, …, b_hn) and
says how each was made (`mapping`); `from_fields` stacks our fields back into the framework's
tensors (the export, and the round-trip tests). Math only: numpy, no Flask.

The conventions (each framework's documentation; checked against the libraries in
tests/test_frameworks.py):

- PyTorch `nn.LSTM`/`nn.LSTMCell`: weight_ih (4n×m), weight_hh (4n×n), bias_ih, bias_hh (4n),
  rows stacked i, f, g, o (g is our C̃); it computes W·x + b_ih + W·h + b_hh, so our b_g is
  bias_ih + bias_hh. `nn.LSTM` names them weight_ih_l0, …
  `nn.GRU`/`nn.GRUCell`: the same with 3n rows r, z, n (n is our h̃):
  n_t = tanh(W_in·x + b_in + r ∘ (W_hn·h + b_hn)), so our b_h = b_in, and b_hn stays inside
  the reset (our optional b_hn); b_r, b_z are the sums.
- Keras 3 `LSTM`: kernel (m×4n), recurrent_kernel (n×4n), bias (4n); it computes x·kernel
  (the transpose of ours), columns i, f, c, o. `GRU`: columns z, r, h; reset_after=True (the
  default): bias (2×3n), row 0 the input bias and row 1 the recurrent one, which for h sits
  inside the reset (our b_hn); reset_after=False: bias (3n), the reset before the product.
- TF1 `LSTMCell`/`BasicLSTMCell`: one kernel ((m+n)×4n) on [x_t, h_{t-1}], bias (4n), columns
  i, j, f, o (j is the candidate); forget_bias (default 1.0) is added to f's pre-activation at
  run time and is not stored, so our b_f = bias_f + forget_bias.
- ONNX `LSTM`: W (4n×m), R (4n×n), rows i, o, f, c; B (8n) = Wb then Rb, our b = Wb + Rb;
  optional P (3n) = peepholes p_i, p_o, p_f (our peephole cell: o reads C_t). `GRU`: W, R (3n
  rows z, r, h), B (6n); linear_before_reset=0 (the default) is our gru_reset "before" with
  b_h = Wb_h + Rb_h; =1 is "after" with b_h = Wb_h and b_hn = Rb_h. Each tensor has a leading
  num_directions axis (1 here); it may be left out.

Our W_g is (n, n+m) on v = [h_{t-1}, x_t] (concat "hx", the default) or [x_t, h_{t-1}] ("xh",
the default for TF1, whose kernel already reads [x, h]).
"""
from __future__ import annotations

import numpy as np

from .layouts import FRAMEWORKS, GRU_OURS, LAYOUTS, LSTM_OURS, OPTIONS, OWN, TITLES

__all__ = ["FRAMEWORKS", "GRU_OURS", "LAYOUTS", "LSTM_OURS", "OPTIONS", "OWN", "TITLES", "FrameworkError", "check_variant", "dims",
           "from_fields", "tensor_names", "to_fields"]


class FrameworkError(ValueError):
    """One message per bad tensor (or option): `errors` is [(their name, sentence), …]."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(message for _, message in errors))
        self.errors = errors


def tensor_names(framework: str, variant: str) -> tuple[str, ...]:
    return tuple(LAYOUTS[framework]["variants"][_base(variant)]["tensors"])


def _base(variant: str) -> str:
    return "lstm" if variant == "peephole" else variant


def dims(expr: str, n: int, m: int) -> int:
    """A shape expression of LAYOUTS ("4n", "m+n", "2") for these n and m."""
    total = 0
    for term in expr.split("+"):
        if term == "m":
            total += m
        elif term.endswith("n"):
            total += int(term[:-1] or 1) * n
        else:
            total += int(term)
    return total


def check_variant(framework: str, variant: str) -> None:
    """A cell the framework has, or FrameworkError("PyTorch's LSTM has no peepholes")."""
    title = TITLES[framework]
    if variant == "peephole" and framework != "onnx":
        raise FrameworkError([("variant", f"{OWN[framework]} LSTM has no peepholes; of these frameworks only "
                                          f"ONNX's LSTM has them (its P).")])
    cells = LAYOUTS[framework]["variants"]
    if _base(variant) not in cells:
        have = " and ".join(f'"{v}"' for v in cells) + (' (and "peephole" with P)' if framework == "onnx" else "")
        what = "GRU" if variant == "gru" else f"{variant} cell"
        raise FrameworkError([("variant", f"{title} has no {what} here: its cells are {have}.")])


# ----------------------------------------------------------------------------- to our fields

def to_fields(framework: str, variant: str, tensors: dict, options: dict | None = None):
    """Their tensors → (fields, mapping).

    `tensors`: their names (PyTorch's `_l0` names, ONNX's leading axis of 1 accepted) → nested
    lists or arrays; a missing bias (or ONNX's P) is zeros. `options`: forget_bias (tf1),
    reset_after (keras), linear_before_reset (onnx), concat ("hx"/"xh"), and n, m when they are
    known from h_prev and x (then a tensor that disagrees is the one blamed).

    `fields`: our array fields (W_f, b_f, …; W_r, …, b_hn only when it is not all zeros) as
    float64 arrays, and the settings "variant", "concat" (and "gru_reset" for the GRU) as
    strings. `mapping`: our field name → {"text": a sentence, "gate": their block's letter,
    "parts": [{"tensor", "expr", "rows": [a, b], "cols": [a, b], "transpose": bool,
    "into": [a, b]}, …], "op": "concat" | "sum" | "copy", "add": forget_bias (TF1's b_f only)}.
    Raises FrameworkError with one message per bad tensor, in the framework's own terms."""
    options = dict(options or {})
    check_variant(framework, variant)
    layout = LAYOUTS[framework]
    base = _base(variant)
    spec = layout["variants"][base]
    got, errors = _rename(framework, base, tensors)
    opts = {**OPTIONS[framework], **{k: v for k, v in options.items() if k in OPTIONS[framework]}}
    concat = options.get("concat") or ("xh" if framework == "tf1" else "hx")
    if framework == "onnx" and variant == "peephole" and "P" not in got:
        errors.append(("P", "P is required by the peephole LSTM: 3n numbers, the peepholes p_i, p_o, "
                            "p_f stacked (ONNX's order)."))
    for name, info in spec["tensors"].items():
        if name not in got and not info.get("optional"):
            errors.append((name, f"{name} is required: {_describe(framework, base, name, opts)}."))
    if errors:
        raise FrameworkError(errors)
    n, m = _sizes(framework, base, got, options)
    given = _given_names(framework, tensors)
    errors = [(given.get(name, name), msg) for name in got
              if (msg := _shape_problem(framework, base, name, got[name], n, m, opts, given.get(name, name)))]
    if not errors and (n < 1 or m < 1):  # the tensor n or m is read from has too few rows or columns
        which = _sizing_tensor(framework, "n" if n < 1 else "m")
        errors = [(given.get(which, which), f"{given.get(which, which)} must be "
                                            f"{_describe(framework, base, which, opts)[:-1]}); it is "
                                            f"{'×'.join(str(d) for d in got[which].shape)}, which leaves no "
                                            f"{'hidden unit' if n < 1 else 'input'}.")]
    if errors:
        raise FrameworkError(errors)
    arrays = {name: _squeeze(framework, name, got[name], base, opts) for name in got}
    names = {name: given.get(name, name) for name in spec["tensors"]}
    if base == "gru":
        fields, mapping = _gru_fields(framework, arrays, n, m, concat, opts, names)
    else:
        fields, mapping = _lstm_fields(framework, arrays, n, m, concat, opts, names)
        fields["variant"] = "peephole" if "P" in arrays else "lstm"
    fields["concat"] = concat
    return fields, mapping


def _given_names(framework: str, tensors: dict) -> dict[str, str]:
    """Our canonical tensor name → the name as given (weight_ih → weight_ih_l0)."""
    suffix = LAYOUTS[framework].get("suffix", "")
    return {(k[: -len(suffix)] if suffix and k.endswith(suffix) else k): k for k in tensors}


def _rename(framework: str, base: str, tensors: dict) -> tuple[dict, list]:
    """Their tensors under the layout's names (`_l0` dropped), and the errors: unknown names, a
    name given both ways."""
    known = LAYOUTS[framework]["variants"][base]["tensors"]
    suffix = LAYOUTS[framework].get("suffix", "")
    got, errors = {}, []
    for key, value in tensors.items():
        name = key[: -len(suffix)] if suffix and key.endswith(suffix) else key
        if name not in known:
            listed = ", ".join(known)
            errors.append((key, f"{key} is not a tensor of {OWN[framework]} {base.upper()}: its tensors "
                                f"are {listed}" + (f" (or with {suffix}, as nn.{base.upper()} names them)"
                                                   if suffix else "") + "."))
        elif name in got:
            errors.append((key, f"{name} is given twice ({name} and {name}{suffix}); give it once."))
        else:
            got[name] = np.asarray(value, dtype=np.float64)
    return got, errors


def _describe(framework: str, base: str, name: str, opts: dict, n: int | None = None,
              m: int | None = None) -> str:
    """What a tensor is, in the framework's terms: "12×3 (4·n rows: i, f, g, o stacked; m columns)"."""
    spec = LAYOUTS[framework]["variants"][base]
    info = spec["tensors"][name]
    shape = _expected_shape(framework, base, name, opts)
    order = ", ".join(info.get("order", spec["order"]))
    k = len(spec["order"])
    parts = []
    for axis, expr in enumerate(shape):
        stacked = (info["stacked"] == "rows") == (axis == 0) or len(shape) == 1
        if expr.endswith("n") and expr[:-1].isdigit() and stacked:
            many = int(expr[:-1])
            # ONNX's B: the input biases, then the recurrent ones
            what = f"Wb then Rb, each {k}·n: {order}" if name == "B" else f"{order} stacked"
            parts.append(f"{many}·n {'numbers' if len(shape) == 1 else 'rows' if axis == 0 else 'columns'}: {what}")
        elif expr == "2":
            parts.append("2 rows: the input bias, then the recurrent bias")
        else:
            unit = "rows" if axis == 0 else "columns"
            parts.append(f"{expr} {unit}" + (
                " for [x_t, h_{t-1}]" if expr == "m+n" else ""))
    text = "; ".join(parts)
    if n is None or m is None:
        size = "×".join(e.replace("n", "·n") if e[:-1].isdigit() and e.endswith("n") else
                        f"({e})" if "+" in e else e for e in shape)
        return f"{size} ({text})"
    size = "×".join(str(dims(e, n, m)) for e in shape)
    return f"{size} ({text})" if len(shape) > 1 else f"{size} numbers ({text})"


def _expected_shape(framework: str, base: str, name: str, opts: dict) -> tuple[str, ...]:
    info = LAYOUTS[framework]["variants"][base]["tensors"][name]
    if framework == "keras" and base == "gru" and name == "bias" and not opts.get("reset_after", True):
        return info["reset_after=false"]
    return info["shape"]


def _sizes(framework: str, base: str, got: dict, options: dict) -> tuple[int, int]:
    """n and m: from options (h_prev, x) when given, else from the recurrent and input tensors."""
    n, m = options.get("n"), options.get("m")
    if framework == "tf1":
        kernel = got["kernel"]
        if n is None:
            n = kernel.shape[-1] // 4 if kernel.ndim == 2 else 0
        if m is None:
            m = kernel.shape[0] - n if kernel.ndim == 2 else 0
        return n, m
    rec, inp = ("recurrent_kernel", "kernel") if framework == "keras" else \
               ("weight_hh", "weight_ih") if framework == "pytorch" else ("R", "W")
    if n is None:
        a = got[rec]
        # a flat recurrent tensor cannot tell n (k·n² numbers are not k·n): left unknown, so that
        # only its rank is blamed, not the input tensor's width read against a guessed n
        n = (a.shape[0] if framework == "keras" else a.shape[-1]) if a.ndim >= 2 else 0
    if m is None:
        a = got[inp]
        m = (a.shape[0] if framework == "keras" else a.shape[-1]) if a.ndim >= 2 else 0
    return n, m


def _sizing_tensor(framework: str, size: str) -> str:
    """The tensor n (or m) is read from when h_prev (or x) does not say it."""
    if framework == "tf1":
        return "kernel"
    recurrent, inputs = {"keras": ("recurrent_kernel", "kernel"), "pytorch": ("weight_hh", "weight_ih"),
                         "onnx": ("R", "W")}[framework]
    return recurrent if size == "n" else inputs


def _squeeze(framework: str, name: str, a: np.ndarray, base: str, opts: dict) -> np.ndarray:
    """ONNX's leading num_directions axis of 1 dropped."""
    want = len(_expected_shape(framework, base, name, opts))
    return a.reshape(a.shape[1:]) if a.ndim == want + 1 and a.shape[0] == 1 else a


def _shape_problem(framework: str, base: str, name: str, a: np.ndarray, n: int, m: int,
                   opts: dict, shown: str) -> str | None:
    shape = tuple(dims(e, n, m) for e in _expected_shape(framework, base, name, opts))
    squeezed = _squeeze(framework, name, a, base, opts)
    if squeezed.shape == shape and n > 0 and m > 0:
        return None
    given = "×".join(str(d) for d in a.shape) if a.ndim > 1 else f"{a.size} numbers"
    lead = ", after a leading num_directions axis of 1 that may be left out" if framework == "onnx" else ""
    if n < 1 or m < 1:  # n or m unknown (the tensor that tells it cannot): only a wrong rank is sure
        if squeezed.ndim == len(shape):
            return None
        return f"{shown} must be {_describe(framework, base, name, opts)[:-1]}{lead}); it is {given}."
    return (f"{shown} must be {_describe(framework, base, name, opts, n, m)[:-1]}{lead}); it is {given}"
            f" (n = {n}, m = {m}).")


def _span(a: int, b: int) -> str:
    return f"{a}:{b}"


def _W_parts(framework, base, block, n, m, concat, names) -> tuple[list[dict], str]:
    """The parts of one gate's W (n, n+m): which tensor's block goes into which columns of W."""
    h_into, x_into = ((0, n), (n, n + m)) if concat == "hx" else ((m, m + n), (0, m))
    lo, hi = block * n, (block + 1) * n
    if framework == "tf1":
        kernel = names["kernel"]
        parts = [{"tensor": kernel, "expr": f"{kernel}[0:{m}, {lo}:{hi}]ᵀ", "rows": [0, m], "cols": [lo, hi],
                  "transpose": True, "into": list(x_into)},
                 {"tensor": kernel, "expr": f"{kernel}[{m}:{m + n}, {lo}:{hi}]ᵀ", "rows": [m, m + n],
                  "cols": [lo, hi], "transpose": True, "into": list(h_into)}]
    elif framework == "keras":
        k, r = names["kernel"], names["recurrent_kernel"]
        parts = [{"tensor": k, "expr": f"{k}[:, {lo}:{hi}]ᵀ", "rows": [0, m], "cols": [lo, hi],
                  "transpose": True, "into": list(x_into)},
                 {"tensor": r, "expr": f"{r}[:, {lo}:{hi}]ᵀ", "rows": [0, n], "cols": [lo, hi],
                  "transpose": True, "into": list(h_into)}]
    else:
        wi, wh = (names["weight_ih"], names["weight_hh"]) if framework == "pytorch" else (names["W"], names["R"])
        parts = [{"tensor": wi, "expr": f"{wi}[{lo}:{hi}, :]", "rows": [lo, hi], "cols": [0, m],
                  "transpose": False, "into": list(x_into)},
                 {"tensor": wh, "expr": f"{wh}[{lo}:{hi}, :]", "rows": [lo, hi], "cols": [0, n],
                  "transpose": False, "into": list(h_into)}]
    parts.sort(key=lambda p: p["into"][0])
    order = "[h_{t-1}, x_t]" if concat == "hx" else "[x_t, h_{t-1}]"
    text = " | ".join(p["expr"] for p in parts) + f" (columns side by side in the order of v = {order})"
    return parts, text


def _W_value(framework, arrays, block, n, m, concat) -> np.ndarray:
    lo, hi = block * n, (block + 1) * n
    if framework == "tf1":
        Wx, Wh = arrays["kernel"][:m, lo:hi].T, arrays["kernel"][m:, lo:hi].T
    elif framework == "keras":
        Wx, Wh = arrays["kernel"][:, lo:hi].T, arrays["recurrent_kernel"][:, lo:hi].T
    elif framework == "pytorch":
        Wx, Wh = arrays["weight_ih"][lo:hi], arrays["weight_hh"][lo:hi]
    else:
        Wx, Wh = arrays["W"][lo:hi], arrays["R"][lo:hi]
    return np.ascontiguousarray(np.hstack([Wh, Wx] if concat == "hx" else [Wx, Wh]), dtype=np.float64)


def _bias_parts(framework, arrays, names, base, block, n, which=("input", "recurrent")):
    """The bias blocks of one gate, as (value, part) pairs; `which` picks the input and/or the
    recurrent bias where the framework has two."""
    k = len(LAYOUTS[framework]["variants"][base]["order"])
    lo, hi = block * n, (block + 1) * n
    out = []

    def part(key, a, lo, hi, row=None):
        shown = names[key]
        expr = f"{shown}[{row}, {lo}:{hi}]" if row is not None else f"{shown}[{lo}:{hi}]"
        return (a[lo:hi], {"tensor": shown, "expr": expr, "rows": [lo, hi], "row": row})

    if framework == "pytorch":
        for key, kind in (("bias_ih", "input"), ("bias_hh", "recurrent")):
            if key in arrays and kind in which:
                out.append(part(key, arrays[key], lo, hi))
    elif framework == "onnx":
        if "B" in arrays:
            if "input" in which:
                out.append(part("B", arrays["B"], lo, hi))
            if "recurrent" in which:
                out.append(part("B", arrays["B"], k * n + lo, k * n + hi))
    elif "bias" in arrays:
        b = arrays["bias"]
        if b.ndim == 2:  # Keras' GRU with reset_after: row 0 input, row 1 recurrent
            for row, kind in ((0, "input"), (1, "recurrent")):
                if kind in which:
                    value, p = part("bias", b[row], lo, hi, row)
                    out.append((value, p))
        elif "input" in which:
            out.append(part("bias", b, lo, hi))
    return out


def _sum(parts, n) -> np.ndarray:
    total = np.zeros(n, dtype=np.float64)
    for value, _ in parts:
        total = total + value
    return total


def _bias_entry(parts, ours: str, letter: str, extra: str = "") -> dict:
    if not parts:
        return {"text": f"{ours} = zeros (no bias given){extra}", "gate": letter, "parts": [], "op": "zeros"}
    text = " + ".join(p["expr"] for _, p in parts)
    return {"text": f"{ours} = {text}{extra}", "gate": letter, "parts": [p for _, p in parts],
            "op": "sum" if len(parts) > 1 else "copy"}


def _weight(framework, base, arrays, block, letter, n, m, concat, names) -> tuple[np.ndarray, dict]:
    """Our W for their gate block `block` (letter: theirs), and its mapping entry."""
    g = (GRU_OURS if base == "gru" else LSTM_OURS)[letter]
    parts, text = _W_parts(framework, base, block, n, m, concat, names)
    return (_W_value(framework, arrays, block, n, m, concat),
            {"text": f"W_{g} = {text}", "gate": letter, "parts": parts, "op": "concat"})


def _lstm_fields(framework, arrays, n, m, concat, opts, names):
    order = LAYOUTS[framework]["variants"]["lstm"]["order"]
    fields, mapping = {}, {}
    for block, letter in enumerate(order):
        g = LSTM_OURS[letter]
        fields[f"W_{g}"], mapping[f"W_{g}"] = _weight(framework, "lstm", arrays, block, letter, n, m, concat, names)
        bias = _bias_parts(framework, arrays, names, "lstm", block, n)
        fields[f"b_{g}"] = _sum(bias, n)
        forget_bias = float(opts.get("forget_bias", 1.0)) if framework == "tf1" and g == "f" else None
        if forget_bias is None:
            mapping[f"b_{g}"] = _bias_entry(bias, f"b_{g}", letter)
        else:  # TF1 adds it at run time; it is not in the stored bias
            fields["b_f"] = fields["b_f"] + forget_bias
            mapping["b_f"] = _bias_entry(bias, "b_f", letter, f" + forget_bias ({forget_bias!r}, added at run time)")
            mapping["b_f"]["add"] = forget_bias
    if "P" in arrays:
        for block, letter in enumerate(("i", "o", "f")):
            lo, hi = block * n, (block + 1) * n
            fields[f"p_{letter}"] = arrays["P"][lo:hi].copy()
            shown = names["P"]
            mapping[f"p_{letter}"] = {"text": f"p_{letter} = {shown}[{lo}:{hi}]", "gate": letter, "op": "copy",
                                      "parts": [{"tensor": shown, "expr": f"{shown}[{lo}:{hi}]", "rows": [lo, hi]}]}
    return _ordered(fields, ("f", "i", "C", "o")), _ordered(mapping, ("f", "i", "C", "o"))


def _ordered(d: dict, gates) -> dict:
    keys = [f"{p}_{g}" for g in gates for p in "Wb"] + [k for k in d if k.startswith("p_") or k == "b_hn"]
    return {k: d[k] for k in keys if k in d} | {k: v for k, v in d.items() if k not in keys}


def _reset_after(framework: str, opts: dict) -> bool:
    if framework == "keras":
        return bool(opts.get("reset_after", True))
    if framework == "onnx":
        return bool(opts.get("linear_before_reset", 0))
    return True


def _gru_fields(framework, arrays, n, m, concat, opts, names):
    order = LAYOUTS[framework]["variants"]["gru"]["order"]
    after = _reset_after(framework, opts)
    fields, mapping = {}, {}
    for block, letter in enumerate(order):
        g = GRU_OURS[letter]
        fields[f"W_{g}"], mapping[f"W_{g}"] = _weight(framework, "gru", arrays, block, letter, n, m, concat, names)
        if g == "h" and after:
            bias = _bias_parts(framework, arrays, names, "gru", block, n, which=("input",))
            inside = _bias_parts(framework, arrays, names, "gru", block, n, which=("recurrent",))
            fields["b_h"] = _sum(bias, n)
            mapping["b_h"] = _bias_entry(bias, "b_h", letter, " (the input bias only: the recurrent one "
                                                              "is b_hn, inside the reset)")
            b_hn = _sum(inside, n)
            if inside:
                entry = _bias_entry(inside, "b_hn", letter, " (inside the reset: r ∘ (W_h^h·h + b_hn))")
                if not b_hn.any():
                    entry["text"] += "; all zeros, so it is left out (the same thing)"
                    entry["omitted"] = True
                mapping["b_hn"] = entry
            if b_hn.any():
                fields["b_hn"] = b_hn
        else:
            bias = _bias_parts(framework, arrays, names, "gru", block, n)
            fields[f"b_{g}"] = _sum(bias, n)
            mapping[f"b_{g}"] = _bias_entry(bias, f"b_{g}", letter)
    fields["variant"] = "gru"
    fields["gru_reset"] = "after" if after else "before"
    return _ordered(fields, ("r", "z", "h")), _ordered(mapping, ("r", "z", "h"))


# ---------------------------------------------------------------------------- from our fields

def from_fields(framework: str, variant: str, fields: dict, options: dict | None = None) -> dict:
    """Our fields → their tensors (the inverse of `to_fields`): float64 arrays in the shapes the
    framework's own cell takes (ONNX with its num_directions axis of 1; PyTorch's single-cell
    names, without `_l0`). Where the framework has two biases only their sum is fixed: the whole
    bias goes into the input one (bias_ih, Wb, Keras' row 0), except what must stay recurrent
    (b_hn). TF1's bias is b_f − forget_bias. `fields` may carry "concat" and "gru_reset"
    (else `options`, else the defaults); a GRU with gru_reset "before" needs Keras'
    reset_after=False or ONNX's linear_before_reset=0 (PyTorch has no such GRU)."""
    options = dict(options or {})
    check_variant(framework, variant)
    base = _base(variant)
    opts = {**OPTIONS[framework], **{k: v for k, v in options.items() if k in OPTIONS[framework]}}
    concat = fields.get("concat") or options.get("concat") or ("xh" if framework == "tf1" else "hx")
    order = LAYOUTS[framework]["variants"][base]["order"]
    ours = LSTM_OURS if base == "lstm" else GRU_OURS
    first = np.asarray(fields[f"W_{ours[order[0]]}"], dtype=np.float64)
    n = first.shape[0]
    m = first.shape[1] - n
    h_cols, x_cols = (slice(0, n), slice(n, n + m)) if concat == "hx" else (slice(m, m + n), slice(0, m))
    Ws = [np.asarray(fields[f"W_{ours[g]}"], dtype=np.float64) for g in order]
    Wx = np.vstack([W[:, x_cols] for W in Ws])  # (k·n, m)
    Wh = np.vstack([W[:, h_cols] for W in Ws])  # (k·n, n)
    b = np.concatenate([np.asarray(fields[f"b_{ours[g]}"], dtype=np.float64) for g in order])
    zeros = np.zeros_like(b)
    after = base == "gru" and (fields.get("gru_reset") or options.get("gru_reset") or "after") == "after"
    b_rec = zeros.copy()
    if base == "gru" and "b_hn" in fields:
        if not after:
            raise FrameworkError([("b_hn", "b_hn has no meaning with gru_reset \"before\".")])
        h_block = order.index(next(g for g in order if GRU_OURS[g] == "h"))
        b_rec[h_block * n:(h_block + 1) * n] = np.asarray(fields["b_hn"], dtype=np.float64)
    if base == "gru":
        _check_reset(framework, after, opts)
    if framework == "pytorch":
        return {"weight_ih": Wx, "weight_hh": Wh, "bias_ih": b, "bias_hh": b_rec}
    if framework == "keras":
        bias = np.stack([b, b_rec]) if base == "gru" and after else b
        return {"kernel": Wx.T.copy(), "recurrent_kernel": Wh.T.copy(), "bias": bias}
    if framework == "tf1":
        b = b.copy()
        f = order.index("f")
        b[f * n:(f + 1) * n] -= float(opts.get("forget_bias", 1.0))
        return {"kernel": np.vstack([Wx.T, Wh.T]), "bias": b}
    out = {"W": Wx[None], "R": Wh[None], "B": np.concatenate([b, b_rec])[None]}
    if variant == "peephole":
        out["P"] = np.concatenate([np.asarray(fields[f"p_{g}"], dtype=np.float64) for g in ("i", "o", "f")])[None]
    return out


def _check_reset(framework: str, after: bool, opts: dict) -> None:
    if framework == "pytorch" and not after:
        raise FrameworkError([("gru_reset", "PyTorch's GRU resets after the product (gru_reset \"after\"); "
                                            "it has no GRU with the reset before.")])
    if _reset_after(framework, opts) != after:
        setting = {"keras": "reset_after", "onnx": "linear_before_reset"}[framework]
        want = {"keras": {True: "true", False: "false"}, "onnx": {True: "1", False: "0"}}[framework][after]
        raise FrameworkError([(setting, f"This GRU resets {'after' if after else 'before'} the product: "
                                        f"{OWN[framework]} {setting} must be {want} for it.")])
