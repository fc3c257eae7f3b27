"""An example as runnable scripts: NumPy (every cell), PyTorch and Keras (the cells they have),
and its tensors in each framework's layout (JSON).

Each script sets exactly the example's weights (in float64, every value written in full: Python's
repr of a float64 reads back to the same bits), builds the framework's own cell
(`nn.LSTMCell`/`nn.GRUCell`, `keras.layers.LSTM`/`GRU` with `set_weights`), runs the step (or
the sequence, one x_t per row), and prints h and C at full precision (`.tolist()`), so that
its numbers can be compared with the page's. The framework's tensors come from
`frameworks.from_fields` (the inverse of reading them in).

Which frameworks have which cell: PyTorch and Keras have the LSTM and the GRU (PyTorch's GRU
only resets after the product; Keras' with reset_after=False resets before). The peephole LSTM
is ONNX's (its P) but no layer of PyTorch's or Keras'; the LSTM without a forget gate, the
coupled-gate LSTM and the MGU are no framework's layer. Those get the NumPy script only, and
`unavailable(kind, inp)` says why.

No Flask here: strings in, strings out.
"""
from __future__ import annotations

import json

import numpy as np

from . import frameworks
from .fields import Inputs

KINDS = ("numpy", "pytorch", "keras", "tensors")
TITLES = {"numpy": "NumPy", "pytorch": "PyTorch", "keras": "Keras", "tensors": "tensors (JSON)"}

_NO_LAYER = {
    "peephole": "PyTorch's and Keras' LSTMs have no peepholes (of the frameworks here only ONNX's LSTM has "
                "them, its P: see the tensors).",
    "no_forget": "no framework's LSTM layer leaves out the forget gate (the 1997 LSTM).",
    "coupled": "no framework has the coupled-gate LSTM (CIFG, i = 1 − f) as a layer.",
    "mgu": "no framework has the Minimal Gated Unit as a layer.",
}


def _base(inp: Inputs) -> str:
    return "gru" if inp.variant == "gru" else "lstm"


def options(framework: str, inp: Inputs) -> dict:
    """The framework's settings that give this example's cell: Keras' reset_after, ONNX's
    linear_before_reset (a GRU's reset), TF1's forget_bias (1.0, its default: from_fields takes
    it out of the stored bias)."""
    if inp.variant != "gru":
        return {"forget_bias": 1.0} if framework == "tf1" else {}
    after = inp.option("gru_reset") == "after"
    return {"keras": {"reset_after": after}, "onnx": {"linear_before_reset": int(after)}}.get(framework, {})


def unavailable(kind: str, inp: Inputs) -> str | None:
    """Why there is no `kind` script (or tensors) for this example, in one sentence; None if there is."""
    if kind in ("numpy", "tensors"):
        return None
    title = TITLES[kind]
    if inp.variant in _NO_LAYER:
        return f"No {title} script for the {inp.variant} cell: {_NO_LAYER[inp.variant]} The NumPy script computes it."
    if inp.variant == "gru" and kind == "pytorch" and inp.option("gru_reset") == "before":
        return ("No PyTorch script for this GRU: PyTorch's GRU applies the reset after the product (gru_reset "
                "\"after\"); Keras' GRU with reset_after=False is this cell, and the NumPy script computes it.")
    return None


def framework_tensors(framework: str, inp: Inputs) -> dict[str, np.ndarray]:
    """The example's weights in the framework's layout (raises frameworks.FrameworkError when it has no such cell)."""
    variant = "peephole" if inp.variant == "peephole" else _base(inp) if inp.variant in ("lstm", "gru") else inp.variant
    fields = {name: inp[name] for name in inp if name.startswith(("W_", "b_", "p_")) and name not in ("W_y", "b_y")}
    fields.update(concat=inp.concat, gru_reset=inp.option("gru_reset") if inp.variant == "gru" else None)
    return frameworks.from_fields(framework, variant, {k: v for k, v in fields.items() if v is not None},
                                  options(framework, inp))


def tensors_json(inp: Inputs, permalink: str | None) -> str:
    """Every framework's tensors for this example (or why it has none), as JSON."""
    out = {"example": permalink, "variant": inp.variant, "n": inp.n, "m": inp.m, "frameworks": {}}
    for framework in frameworks.FRAMEWORKS:
        if inp.variant not in ("lstm", "gru") and not (inp.variant == "peephole" and framework == "onnx"):
            out["frameworks"][framework] = {"unavailable": f"{frameworks.TITLES[framework]} has no {inp.variant} cell."}
            continue
        try:
            tensors = framework_tensors(framework, inp)
        except frameworks.FrameworkError as e:
            out["frameworks"][framework] = {"unavailable": str(e)}
            continue
        out["frameworks"][framework] = {"options": options(framework, inp),
                                        "tensors": {k: v.tolist() for k, v in tensors.items()}}
    return json.dumps(out, indent=1) + "\n"


# ------------------------------------------------------------------------------ scripts

def _array(value: np.ndarray) -> str:
    return f"np.array({value.tolist()!r})"


def _head(inp: Inputs, title: str, permalink: str | None, needs: str) -> str:
    where = f"\nThe example: {permalink}\n" if permalink else "\n"
    seq = (f"a sequence of T = {inp.T} steps (one x_t per row of x)" if inp.is_sequence else "one step")
    return (f'"""{title}: {seq} of the {inp.variant} cell, with the explainer\'s weights, in float64.\n'
            f"{where}Needs {needs}. It prints h (and C) at full precision, to compare with the page's numbers.\n"
            f'"""\n')


def _state_lines(inp: Inputs, lib: str) -> list[str]:
    wrap = {"np": _array, "torch": lambda v: f"torch.tensor([{v.tolist()!r}])"}[lib]
    x = inp["x"] if inp.is_sequence else inp["x"][None]
    lines = [f"x = {_array(x) if lib == 'np' else f'torch.tensor({x.tolist()!r})'}  # (T, m): one x_t per row",
             f"h = {wrap(inp['h_prev'])}  # h_(t-1)"]
    if "C_prev" in inp:
        lines.append(f"C = {wrap(inp['C_prev'])}  # C_(t-1)")
    return lines


_NUMPY_CELLS = {
    "lstm": ["f = sigmoid(W_f @ v + b_f)", "i = sigmoid(W_i @ v + b_i)", "C_tilde = np.tanh(W_C @ v + b_C)",
             "o = sigmoid(W_o @ v + b_o)", "C = f * C + i * C_tilde", "h = o * np.tanh(C)"],
    "no_forget": ["i = sigmoid(W_i @ v + b_i)", "C_tilde = np.tanh(W_C @ v + b_C)", "o = sigmoid(W_o @ v + b_o)",
                  "C = C + i * C_tilde", "h = o * np.tanh(C)"],
    "peephole": ["f = sigmoid(W_f @ v + p_f * C + b_f)", "i = sigmoid(W_i @ v + p_i * C + b_i)",
                 "C_tilde = np.tanh(W_C @ v + b_C)", "C = f * C + i * C_tilde",
                 "o = sigmoid(W_o @ v + p_o * C + b_o)  # the output gate reads the new C_t", "h = o * np.tanh(C)"],
    "coupled": ["f = sigmoid(W_f @ v + b_f)", "i = 1 - f", "C_tilde = np.tanh(W_C @ v + b_C)",
                "o = sigmoid(W_o @ v + b_o)", "C = f * C + i * C_tilde", "h = o * np.tanh(C)"],
    "gru_after": ["r = sigmoid(W_r @ v + b_r)", "z = sigmoid(W_z @ v + b_z)",
                  "h_tilde = np.tanh(W_hx @ x_t + b_h + r * (W_hh @ h + b_hn))  # the reset after the product",
                  "h = (1 - z) * h_tilde + z * h"],
    "gru_before": ["r = sigmoid(W_r @ v + b_r)", "z = sigmoid(W_z @ v + b_z)",
                   "h_tilde = np.tanh(W_h @ join(r * h, x_t) + b_h)  # the reset before the product",
                   "h = (1 - z) * h_tilde + z * h"],
    "mgu": ["f = sigmoid(W_f @ v + b_f)", "h_tilde = np.tanh(W_h @ join(f * h, x_t) + b_h)",
            "h = (1 - f) * h + f * h_tilde"],
}


def numpy_script(inp: Inputs, permalink: str | None) -> str:
    n, m = inp.n, inp.m
    cell = inp.variant if inp.variant != "gru" else f"gru_{inp.option('gru_reset')}"
    order = "[h_(t-1), x_t]" if inp.concat == "hx" else "[x_t, h_(t-1)]"
    lines = [_head(inp, "NumPy", permalink, "numpy"), "import numpy as np", "",
             *_state_lines(inp, "np"), f"# the weights: (n, n+m) = ({n}, {n + m}) on v = {order}; biases (n,) = ({n},)"]
    for name in inp:
        if name.startswith(("W_", "b_", "p_")) and name not in ("W_y", "b_y"):
            lines.append(f"{name} = {_array(inp[name])}")
    if cell == "gru_after":
        lines.append(f"b_hn = {_array(inp['b_hn'])}" if "b_hn" in inp else "b_hn = np.zeros(" + str(n) + ")")
        h_cols, x_cols = ("[:, :n]", "[:, n:]") if inp.concat == "hx" else ("[:, m:]", "[:, :m]")
        lines += [f"n, m = {n}, {m}", f"W_hh, W_hx = W_h{h_cols}, W_h{x_cols}  # the blocks that meet h_(t-1) and x_t"]
    join = "np.concatenate([h, x])" if inp.concat == "hx" else "np.concatenate([x, h])"
    has_C = "C_prev" in inp
    lines += ["", "", "def sigmoid(z):", "    e = np.exp(-np.abs(z))  # never overflows", "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
              "", "", "def join(h, x):", f"    return {join}  # v = {order}", "", ""]
    lines.append("def step(x_t, h, C):" if has_C else "def step(x_t, h):")
    lines.append("    v = join(h, x_t)")
    lines += ["    " + line for line in _NUMPY_CELLS[cell]]
    lines += ["    return h, C" if has_C else "    return h", "", ""]
    lines.append("for x_t in x:")
    lines.append("    h, C = step(x_t, h, C)" if has_C else "    h = step(x_t, h)")
    lines.append('print("h =", h.tolist())')
    if has_C:
        lines.append('print("C =", C.tolist())')
    if inp.k is not None:
        lines += [f"W_y = {_array(inp['W_y'])}", f"b_y = {_array(inp['b_y'])}", 'print("y =", sigmoid(W_y @ h + b_y).tolist())']
    return "\n".join(lines) + "\n"


def pytorch_script(inp: Inputs, permalink: str | None) -> str:
    tensors = framework_tensors("pytorch", inp)
    n, m = inp.n, inp.m
    cls = "GRUCell" if inp.variant == "gru" else "LSTMCell"
    lines = [_head(inp, f"PyTorch (torch.nn.{cls})", permalink, "torch"), "import torch", "",
             "torch.set_default_dtype(torch.float64)  # the explainer computes in float64",
             f"cell = torch.nn.{cls}(input_size={m}, hidden_size={n})",
             f"# The example's gates stacked in PyTorch's layout: {_layout_words('pytorch', inp)}"]
    lines.append("weights = {")
    lines += [f"    {name!r}: {value.tolist()!r}," for name, value in tensors.items()]
    lines += ["}", "with torch.no_grad():", "    for name, value in weights.items():",
              "        getattr(cell, name).copy_(torch.tensor(value))", "", *_state_lines(inp, "torch"),
              "with torch.no_grad():", "    for x_t in x:"]
    if inp.variant == "gru":
        lines += ["        h = cell(x_t[None], h)  # a batch of one", 'print("h =", h[0].tolist())']
    else:
        lines += ["        h, C = cell(x_t[None], (h, C))  # a batch of one", 'print("h =", h[0].tolist())',
                  'print("C =", C[0].tolist())']
    return "\n".join(lines) + "\n"


def keras_script(inp: Inputs, permalink: str | None) -> str:
    tensors = framework_tensors("keras", inp)
    n = inp.n
    gru = inp.variant == "gru"
    x = inp["x"] if inp.is_sequence else inp["x"][None]
    layer = (f"keras.layers.GRU({n}, reset_after={options('keras', inp)['reset_after']}, return_state=True, dtype=\"float64\")"
             if gru else f"keras.layers.LSTM({n}, return_state=True, dtype=\"float64\")")
    lines = [_head(inp, "Keras 3", permalink, "keras 3 and one backend (torch, tensorflow or jax)"),
             "import os", "", 'os.environ.setdefault("KERAS_BACKEND", "torch")  # or "tensorflow", "jax"',
             "import keras  # noqa: E402", "import numpy as np  # noqa: E402", "",
             'keras.config.set_floatx("float64")  # the explainer computes in float64',
             f"layer = {layer}",
             f"x = np.array([{x.tolist()!r}])  # (batch 1, T, m): one x_t per row",
             "layer.build(x.shape)",
             f"# The example's gates in Keras' layout: {_layout_words('keras', inp)}",
             "layer.set_weights([" + ", ".join(f"np.array({v.tolist()!r})" for v in tensors.values()) + "])",
             f"h0 = np.array([{inp['h_prev'].tolist()!r}])"]
    if gru:
        lines += ["out, h = layer(x, initial_state=[h0])", 'print("h =", keras.ops.convert_to_numpy(h)[0].tolist())']
    else:
        lines += [f"C0 = np.array([{inp['C_prev'].tolist()!r}])", "out, h, C = layer(x, initial_state=[h0, C0])",
                  'print("h =", keras.ops.convert_to_numpy(h)[0].tolist())',
                  'print("C =", keras.ops.convert_to_numpy(C)[0].tolist())']
    return "\n".join(lines) + "\n"


def _layout_words(framework: str, inp: Inputs) -> str:
    spec = frameworks.LAYOUTS[framework]["variants"][_base(inp)]
    shapes = ", ".join(f"{name} {'×'.join(spec['tensors'][name]['shape'])}" for name in spec["tensors"]
                       if not (framework == "keras" and name == "bias" and _base(inp) == "gru"))
    return f"{shapes}; gates in the order {', '.join(spec['order'])}. {spec['bias']}."


SCRIPTS = {"numpy": numpy_script, "pytorch": pytorch_script, "keras": keras_script}
