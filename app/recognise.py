"""Which framework's cell a paste holds: from its tensors' names, else their order and shapes.

`recognise(pasted, framework=None, variant=None, reset_after=None)` → `Recognised`: the
framework ("pytorch", "keras", "tf1", "onnx"), the variant ("lstm", "gru", "peephole"), the
tensors under the framework's own names (PyTorch's `_l0` and any module prefix dropped, ONNX's
leading axis of 1 kept as pasted), n, m, the options read from the shapes (Keras' `reset_after`
from its bias: (3n,) is False, (2, 3n) True), and notes for the reader. When the text cannot
tell (unnamed tensors whose shapes fit two frameworks, a Keras GRU without its bias), a
`PasteError` whose `field` names the choice to make.

The layouts (issue 10's table): PyTorch `weight_ih` (G·n×m), `weight_hh` (G·n×n), `bias_ih`,
`bias_hh` (G·n); Keras `kernel` (m×G·n), `recurrent_kernel` (n×G·n), `bias` (G·n, or 2×3n for a
GRU with reset_after); TF1 `kernel` ((m+n)×4n), `bias` (4n); ONNX `W` (1×G·n×m), `R` (1×G·n×n),
`B` (1×2G·n), `P` (1×3n). G = 4 for an LSTM, 3 for a GRU.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .layouts import FRAMEWORKS, TITLES
from .paste import PasteError, Pasted

# Each framework's tensors, in the order its list (parameters(), get_weights(), the node's inputs) has them.
ORDER = {
    "pytorch": ("weight_ih", "weight_hh", "bias_ih", "bias_hh"),
    "keras": ("kernel", "recurrent_kernel", "bias"),
    "tf1": ("kernel", "bias"),
    "onnx": ("W", "R", "B", "P"),
}
_PYTORCH = re.compile(r"(weight|bias)_(ih|hh)(?:_l(\d+))?(_reverse)?")
_GATES = {4: "lstm", 3: "gru"}


@dataclass
class Recognised:
    framework: str
    variant: str
    tensors: dict[str, np.ndarray]
    n: int
    m: int
    options: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def recognise(pasted: Pasted, framework: str | None = None, variant: str | None = None,
              reset_after: bool | None = None) -> Recognised:
    if framework is not None and framework not in FRAMEWORKS:
        raise PasteError(f"framework must be one of {', '.join(FRAMEWORKS)}; got {str(framework)[:20]!r}.",
                         "framework")
    if variant is not None and variant not in ("lstm", "gru", "peephole"):
        raise PasteError(f"variant must be \"lstm\" or \"gru\" (or \"peephole\" for ONNX with P); got "
                         f"{str(variant)[:20]!r}.", "variant")
    notes: list[str] = []
    if pasted.named:
        framework, tensors = _by_name(pasted, framework, notes)
    else:
        framework, tensors = _by_order(pasted, framework)
    if "tensor" in pasted.wrappers and max(t.decimals for t in pasted.tensors) <= 4:
        notes.append("PyTorch prints 4 decimals by default, so these numbers are rounded as printed; for the "
                     "exact weights run torch.set_printoptions(precision=10) (float32) or 17 (float64) "
                     "before printing.")
    out = _SHAPES[framework](tensors, variant, reset_after)
    out.notes = notes + out.notes
    return out


# ------------------------------------------------------------------------------ names

def _base(name: str) -> tuple[str, str]:
    """('lstm.', 'weight_ih_l0') from 'lstm.weight_ih_l0'; TF's 'rnn/lstm_cell/kernel:0' → ('rnn/lstm_cell/', 'kernel')."""
    name = re.sub(r":\d+$", "", name.strip())
    cut = max(name.rfind("."), name.rfind("/"))
    return name[:cut + 1], name[cut + 1:]


def _kind(base: str) -> tuple[str, str] | None:
    """(framework family, canonical name) of a tensor's own name, or None for another layer's."""
    m = _PYTORCH.fullmatch(base)
    if m:
        return "pytorch", f"{m.group(1)}_{m.group(2)}"
    if base in ("kernel", "recurrent_kernel", "bias"):
        return "keras", base
    if base in ("W", "R", "B", "P"):
        return "onnx", base
    return None


def _by_name(pasted: Pasted, framework: str | None, notes: list[str]) -> tuple[str, dict[str, np.ndarray]]:
    groups: dict[str, dict[str, np.ndarray]] = {}
    families: dict[str, set[str]] = {}
    ignored = []
    for name, tensor in pasted.named:
        prefix, base = _base(name)
        kind = _kind(base)
        if kind is None:
            ignored.append(name)
            continue
        m = _PYTORCH.fullmatch(base)
        group = prefix + (f" layer {m.group(3) or 0}{' reverse' if m.group(4) else ''}" if m else "")
        if kind[1] in groups.setdefault(group, {}):
            raise PasteError(f"{kind[1]} is given twice ({name}); paste one cell's tensors.")
        groups[group][kind[1]] = tensor.value
        families.setdefault(group, set()).add(kind[0])
    for group in [g for g, found in groups.items() if set(found) == {"bias"}]:  # a Linear's bias
        ignored += [name for name, _ in pasted.named if _base(name)[0] == group]
        del groups[group]
    if not groups:
        raise PasteError(f"None of the names ({', '.join(n for n, _ in pasted.named[:6])}) is a cell's tensor. "
                         f"Expected PyTorch's weight_ih, weight_hh, bias_ih, bias_hh; Keras' kernel, "
                         f"recurrent_kernel, bias; TF1's kernel, bias; or ONNX's W, R, B, P.")
    if len(groups) > 1:
        shown = ", ".join(_group_name(g) for g in groups)
        raise PasteError(f"The printout holds several cells ({shown}): a stacked or bidirectional RNN, or "
                         f"several layers. Paste one cell's tensors (for nn.LSTM's first layer, the _l0 ones).")
    group, tensors = next(iter(groups.items()))
    family = families[group]
    if len(family) > 1:
        raise PasteError("The names mix frameworks' layouts (" + ", ".join(sorted(tensors)) + "); paste one cell's.")
    found = family.pop()
    if found == "keras" and "recurrent_kernel" not in tensors:
        found = "tf1"  # one kernel on [x, h]: TF1's LSTMCell
    if framework is not None and framework != found and {framework, found} != {"keras", "tf1"}:
        raise PasteError(f"The names ({', '.join(tensors)}) are {TITLES[found]}'s, not {TITLES[framework]}'s. "
                         f"Choose framework {found}, or paste {TITLES[framework]}'s tensors.", "framework")
    if framework == "tf1" and "recurrent_kernel" in tensors:
        raise PasteError("TF1's LSTMCell has one kernel on [x, h] and no recurrent_kernel: these are Keras' "
                         "tensors. Choose framework keras.", "framework")
    if ignored:
        notes.append(f"Not a tensor of the cell, left out: {', '.join(ignored[:6])}{' …' if len(ignored) > 6 else ''}.")
    return framework or found, tensors


def _group_name(group: str) -> str:
    return group.replace(". layer", " layer").strip("./ ") or "the cell"


def _by_order(pasted: Pasted, framework: str | None) -> tuple[str, dict[str, np.ndarray]]:
    """Unnamed tensors: a Keras get_weights() list, list(cell.parameters()), or ONNX's W, R, B."""
    values = [t.value for t in pasted.unnamed]
    dims = [v.ndim for v in values]
    if framework is None:
        framework = _guess(values, dims, "tensor" in pasted.wrappers)
    names = ORDER[framework]
    if len(values) > len(names) or len(values) < 2 - (framework == "tf1"):
        raise PasteError(f"{len(values)} unnamed tensors: {TITLES[framework]}'s cell has "
                         f"{', '.join(names)}, in that order.", "framework" if len(values) <= 4 else "text")
    return framework, dict(zip(names, values))


def _guess(values: list[np.ndarray], dims: list[int], torch_printout: bool) -> str:
    shapes = " ".join("×".join(map(str, v.shape)) for v in values)
    if len(values) == 1:
        raise PasteError(f"The text holds one tensor ({shapes}); a cell has several (its input and recurrent "
                         f"weights, its biases). Paste all of them: state_dict() or get_weights().")
    if dims[0] == 3:
        return "onnx"
    if len(values) == 4 and dims == [2, 2, 1, 1]:
        return "pytorch"
    if len(values) == 3 and dims[:2] == [2, 2]:
        return "keras"
    if len(values) == 2 and dims == [2, 1]:
        return "tf1"
    if len(values) == 2 and dims == [2, 2]:  # weights without biases: which way is the recurrent one stacked?
        rows, cols = values[1].shape
        if cols in (3 * rows, 4 * rows) and not torch_printout:
            return "keras"
        if rows in (3 * cols, 4 * cols):
            return "pytorch"
    raise PasteError(f"The tensors have no names and their shapes ({shapes}) do not say which framework they "
                     f"come from. Choose the framework (pytorch, keras, tf1 or onnx), or paste a printout with "
                     f"names (state_dict()).", "framework")


# ------------------------------------------------------------------------------ shapes

def _gates(count: int, other: int, what: str, framework: str, name: str) -> tuple[str, int]:
    """G·n stacked against n: the variant and n, or a message in the framework's terms."""
    if other > 0 and count % other == 0 and count // other in _GATES:
        return _GATES[count // other], other
    raise PasteError(f"{name} is {what}: {TITLES[framework]}'s {name} stacks the gates, 4n for an LSTM "
                     f"or 3n for a GRU against n, so one side must be 3 or 4 times the other.")


def _check_variant(found: str, asked: str | None, framework: str, name: str, shape) -> None:
    if asked is not None and asked != found and not (asked == "peephole" and found == "lstm"):
        raise PasteError(f"variant is {asked}, but {name} ({'×'.join(map(str, shape))}) is "
                         f"{TITLES[framework]}'s {found.upper()} layout.", "variant")


def _need(tensors: dict, name: str, framework: str, why: str) -> np.ndarray:
    if name not in tensors:
        raise PasteError(f"{TITLES[framework]}'s {name} is missing: {why}")
    return tensors[name]


def _matrix(value: np.ndarray, name: str, framework: str) -> np.ndarray:
    if value.ndim != 2:
        raise PasteError(f"{TITLES[framework]}'s {name} must be a matrix; it is "
                         f"{'×'.join(map(str, value.shape))}.")
    return value


def _pytorch(t: dict, variant, reset_after) -> Recognised:
    hh = _matrix(_need(t, "weight_hh", "pytorch", "it gives n (its columns) and the cell (4n rows: LSTM, 3n: GRU)."),
                 "weight_hh", "pytorch")
    found, n = _gates(hh.shape[0], hh.shape[1], f"{hh.shape[0]}×{hh.shape[1]}", "pytorch", "weight_hh")
    _check_variant(found, variant, "pytorch", "weight_hh", hh.shape)
    if variant == "peephole":
        raise PasteError("PyTorch's LSTM has no peepholes: choose variant lstm.", "variant")
    ih = _matrix(_need(t, "weight_ih", "pytorch", "it gives m (its columns)."), "weight_ih", "pytorch")
    return Recognised("pytorch", found, t, n, ih.shape[1])


def _keras(t: dict, variant, reset_after) -> Recognised:
    rk = _matrix(_need(t, "recurrent_kernel", "keras", "it gives n (its rows) and the cell (4n columns: LSTM, 3n: GRU)."),
                 "recurrent_kernel", "keras")
    found, n = _gates(rk.shape[1], rk.shape[0], f"{rk.shape[0]}×{rk.shape[1]}", "keras", "recurrent_kernel")
    _check_variant(found, variant, "keras", "recurrent_kernel", rk.shape)
    if variant == "peephole":
        raise PasteError("Keras' LSTM has no peepholes: choose variant lstm.", "variant")
    kernel = _matrix(_need(t, "kernel", "keras", "it gives m (its rows)."), "kernel", "keras")
    out = Recognised("keras", found, t, n, kernel.shape[0])
    bias = t.get("bias")
    if found == "gru":
        if bias is not None:
            shown = bias.ndim == 2
            if reset_after is not None and reset_after != shown:
                raise PasteError(f"reset_after is {str(reset_after).lower()}, but the bias is "
                                 f"{'×'.join(map(str, bias.shape))}: Keras keeps one bias of 3n with "
                                 f"reset_after=False and two rows (2×3n) with reset_after=True.", "reset_after")
            reset_after = shown
        elif reset_after is None:
            raise PasteError("A Keras GRU without its bias: was it built with reset_after=True (the default: "
                             "r scales the recurrent product) or False? Choose reset_after.", "reset_after")
        out.options["reset_after"] = reset_after
    return out


def _tf1(t: dict, variant, reset_after) -> Recognised:
    kernel = _matrix(_need(t, "kernel", "tf1", "one kernel on [x, h] ((m+n)×4n)."), "kernel", "tf1")
    rows, cols = kernel.shape
    if cols % 4 or rows <= cols // 4:
        raise PasteError(f"kernel is {rows}×{cols}: TF1's LSTMCell kernel is (m+n)×4n (rows: x's m entries "
                         f"then h's n; columns: i, j, f, o), so its columns are a multiple of 4 and its rows "
                         f"more than n = columns/4.")
    if variant not in (None, "lstm"):
        raise PasteError(f"TF1's LSTMCell is an LSTM; it has no {variant} layout here.", "variant")
    n = cols // 4
    return Recognised("tf1", "lstm", t, n, rows - n,
                      notes=["TF1 adds forget_bias (1.0 by default) to the forget gate at run time; it is not in "
                             "the tensors. The default 1.0 is used: set forget_bias if your cell had another."])


def _onnx(t: dict, variant, reset_after) -> Recognised:
    r = _need(t, "R", "onnx", "it gives n and the cell (4n rows: LSTM, 3n: GRU).")
    r2 = r[0] if r.ndim == 3 and r.shape[0] == 1 else r
    r2 = _matrix(r2, "R", "onnx")
    found, n = _gates(r2.shape[0], r2.shape[1], "×".join(map(str, r.shape)), "onnx", "R")
    if "P" in t:
        if found != "lstm":
            raise PasteError("P (peepholes) belongs to ONNX's LSTM; R says this is a GRU.")
        found = "peephole"
    if variant is not None and variant != found:
        raise PasteError(f"variant is {variant}, but the tensors are ONNX's {found} layout"
                         + (" (P, the peepholes, is given)." if found == "peephole" else "."), "variant")
    w = _need(t, "W", "onnx", "it gives m (its last axis).")
    out = Recognised("onnx", found, t, n, w.shape[-1])
    if found == "gru":
        out.notes.append("ONNX's GRU has linear_before_reset as an attribute, not a tensor: the default 0 "
                         "(reset before the product) is used unless you set linear_before_reset.")
    return out


_SHAPES = {"pytorch": _pytorch, "keras": _keras, "tf1": _tf1, "onnx": _onnx}
