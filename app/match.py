"""Does it match? A framework's h (and C) beside ours, and why they differ.

`compare` finds the largest difference and the first entry where it passes the tolerance, and,
when it does, names the cause if it can: it recomputes the example under each of the usual
layout and convention mistakes (the gate blocks stacked in one framework's order and read in
another's, a kernel read
transposed, forget_bias missing or added twice, the GRU's reset before instead of after, b_hn
dropped or added outside the reset, z and 1 − z swapped, the other concatenation order) and
says which one reproduces their numbers.

The tolerance is float32 rounding, scaled by the size of what was summed. A framework in
float32 rounds every product and sum: each pre-activation W·v + b is off by up to about
(n+m)·eps·Σ|W_kj·v_j| in the worst case, and in practice a few eps times that sum (eps =
2⁻²³ ≈ 1.2e-7); σ and tanh do not enlarge an error (their slopes are at most 1), and C adds an
error of a few eps relative to its own size. So

    tolerance = 16 · eps₃₂ · S,   S = max(1, the largest Σ_j |W_kj·v_j| + |b_k| over every gate
                                     and step, the largest |C_{t-1}|, |C_t|)

about 2e-6 for pre-activations of size 1. A float64 framework (PyTorch in double) differs from
us by ~1e-16, far inside it; a layout mistake moves h by a good fraction of its size, far
outside it. A mistake "reproduces" their numbers when its h (and C) is within the same
tolerance of theirs.

The recomputation is plain numpy (not the recorded trace: dozens of candidates must stay cheap),
for the cells the frameworks have: the LSTM, the peephole LSTM and the GRU. For the others only
the size of the difference is reported.
"""
from __future__ import annotations

from itertools import permutations

import numpy as np

from .primitives import stable_sigmoid

EPS32 = float(np.finfo(np.float32).eps)  # 2^-23
TOLERANCE_FACTOR = 16

# Each framework's gate order, in our letters (PyTorch's g, Keras' c, TF1's j, ONNX's c are C;
# the GRU's n and h are h).
# The frameworks' orders, and the page's own (W_f, W_i, W_C, W_o, as Colah writes them): blocks
# stacked in the order the gates are written by hand are the commonest mistake of all.
LSTM_ORDERS = {"PyTorch and Keras": ("i", "f", "C", "o"), "TF1": ("i", "C", "f", "o"),
               "ONNX": ("i", "o", "f", "C"), "page": ("f", "i", "C", "o")}
GRU_ORDERS = {"PyTorch": ("r", "z", "h"), "Keras and ONNX": ("z", "r", "h")}
_OWN = {"PyTorch and Keras": "PyTorch's and Keras'", "TF1": "TF1's", "ONNX": "ONNX's", "PyTorch": "PyTorch's",
        "Keras and ONNX": "Keras' and ONNX's", "page": "this page's"}
_LETTERS = {"PyTorch and Keras": "i, f, g, o", "TF1": "i, j, f, o", "ONNX": "i, o, f, c",
            "PyTorch": "r, z, n", "Keras and ONNX": "z, r, h", "page": "f, i, C, o"}


def run(f: dict, variant: str, concat: str, gru_reset: str = "after", colah_z: bool = False,
        scaled: bool = True):
    """h_T, C_T (None for the GRU) and the scale S of the module docstring (1 unless `scaled`),
    for fields `f` (x as (m,) or (T, m), h_prev, C_prev, the weights)."""
    xs = np.atleast_2d(f["x"])
    h = np.asarray(f["h_prev"], dtype=np.float64)
    C = np.asarray(f.get("C_prev", np.zeros_like(h)), dtype=np.float64)
    scale = max(1.0, float(np.max(np.abs(C), initial=0)))

    def pre(g, v, extra=0.0):
        nonlocal scale
        W, b = f[f"W_{g}"], f[f"b_{g}"]
        if scaled:
            scale = max(scale, float(np.max(np.abs(W) @ np.abs(v) + np.abs(b) + np.abs(extra))))
        return W @ v + b + extra

    for x in xs:
        v = np.concatenate([h, x] if concat == "hx" else [x, h])
        if variant == "gru":
            r, z = stable_sigmoid(pre("r", v)), stable_sigmoid(pre("z", v))
            n = h.shape[0]
            W_h = f["W_h"]
            h_cols, x_cols = (slice(0, n), slice(n, None)) if concat == "hx" else (slice(-n, None), slice(0, -n))
            if gru_reset == "after":
                b_hn = f.get("b_hn", 0.0)
                inner = W_h[:, h_cols] @ h + b_hn
                z_h = W_h[:, x_cols] @ x + f["b_h"] + r * inner
                if scaled:
                    scale = max(scale, float(np.max(np.abs(W_h) @ np.abs(v) + np.abs(f["b_h"]) + np.abs(b_hn))))
            else:
                vr = np.concatenate([r * h, x] if concat == "hx" else [x, r * h])
                z_h = pre("h", vr)
            h_tilde = np.tanh(z_h)
            h = (z * h_tilde + (1 - z) * h) if colah_z else ((1 - z) * h_tilde + z * h)
            C = None
        else:
            peep = variant == "peephole"
            fg = stable_sigmoid(pre("f", v, f["p_f"] * C if peep else 0.0))
            ig = stable_sigmoid(pre("i", v, f["p_i"] * C if peep else 0.0))
            Ct = np.tanh(pre("C", v))
            C = fg * C + ig * Ct
            og = stable_sigmoid(pre("o", v, f["p_o"] * C if peep else 0.0))
            h = og * np.tanh(C)
            scale = max(scale, float(np.max(np.abs(C))))
    return h, C, scale


def tolerance(scale: float) -> float:
    return TOLERANCE_FACTOR * EPS32 * scale


def compare(fields: dict, variant: str, concat: str, theirs: dict, gru_reset: str = "after",
            answer: dict | None = None, forget_bias: float = 1.0) -> dict:
    """Their {"h": [...], "C": [...]} (C optional; none for a GRU) beside ours → {"max_abs_diff",
    "tolerance", "first": {"field", "index"} or None, "cause": None or a sentence, "note"}.
    `fields`: the example's arrays by our names; `answer`: our h and C when already computed
    (else recomputed here)."""
    recomputable = variant in ("lstm", "peephole", "gru")
    if recomputable:
        h, C, scale = run(fields, variant, concat, gru_reset)
    else:
        scale = 1.0
    if answer is not None:
        h, C = np.asarray(answer["h"]), (None if answer.get("C") is None else np.asarray(answer["C"]))
        if not recomputable:  # the MGU has no C: its "C" is None
            scale = max(1.0, float(np.max(np.abs(C), initial=0))) if C is not None else 1.0
    tol = tolerance(scale)
    ours = {"C": C, "h": h}
    diffs = {k: np.abs(np.asarray(theirs[k], dtype=np.float64) - ours[k]) for k in ("C", "h")
             if theirs.get(k) is not None and ours[k] is not None}
    biggest = max(float(np.max(d)) for d in diffs.values())
    first = next(({"field": k, "index": int(np.argmax(d > tol))} for k, d in diffs.items() if np.any(d > tol)), None)
    out = {"max_abs_diff": biggest, "tolerance": tol, "first": first, "cause": None}
    if first is None:
        out["note"] = (f"They match: the largest difference, {biggest:.3g}, is within float32 rounding "
                       f"(16·eps₃₂ times the size of the largest pre-activation sum, {tol:.3g}).")
        return out
    cause = _cause(fields, variant, concat, gru_reset, theirs, tol, forget_bias) if recomputable else None
    size = max(float(np.max(np.abs(ours[k]))) for k in diffs)
    relative = f", {biggest / size:.2g} of the values' size" if size > 0 else ""  # ours all 0: no ratio
    tried = ("none of the usual mistakes (gate order, a transposed kernel, forget_bias, the GRU's reset, b_hn, "
             "the concatenation order) reproduces it" if recomputable else
             "the usual mistakes are recognised only for the frameworks' cells (the LSTM, the peephole LSTM "
             "and the GRU), so none was tried")
    out["cause"] = cause or (f"A layout or convention mistake: the difference ({biggest:.3g}{relative}) is far "
                             f"larger than float32 rounding ({tol:.3g}), and {tried}. Check each tensor's "
                             f"layout against the mapping.")
    out["note"] = (f"Float32 rounding would differ by at most about {tol:.3g} here; {biggest:.3g} is a "
                   f"different computation, not rounding.")
    return out


def _reproduces(candidate, theirs: dict, tol: float) -> bool:
    h, C = candidate
    if np.max(np.abs(np.asarray(theirs["h"]) - h)) > tol:
        return False
    return theirs.get("C") is None or C is None or bool(np.max(np.abs(np.asarray(theirs["C"]) - C)) <= tol)


def _cause(fields, variant, concat, gru_reset, theirs, tol, forget_bias) -> str | None:
    for sentence, f, kw in _mistakes(fields, variant, concat, gru_reset, forget_bias):
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                h, C, _ = run(f, variant=kw.get("variant", variant), concat=kw.get("concat", concat),
                              gru_reset=kw.get("gru_reset", gru_reset), colah_z=kw.get("colah_z", False),
                              scaled=False)
        except FloatingPointError:
            continue
        if _reproduces((h, C), theirs, tol):
            return sentence
    return None


def _mistakes(f, variant, concat, gru_reset, forget_bias):
    """(sentence, changed fields, changed settings) for each recognisable mistake, the most
    common first."""
    gru = variant == "gru"
    gates = ("r", "z", "h") if gru else ("f", "i", "C", "o")
    orders = GRU_ORDERS if gru else LSTM_ORDERS
    tried = set()
    for (a_name, a), (b_name, b) in permutations(orders.items(), 2):
        # Stacked in a's order, read in b's: block k holds gate a[k] and is used as gate b[k].
        perm = {b[k]: a[k] for k in range(len(a))}
        key = tuple(perm[g] for g in gates)
        if key in tried:
            continue
        tried.add(key)
        if all(perm[perm[g]] == g for g in gates):  # a swap: either way round gives the same numbers
            how = (f"{_OWN[a_name]} order ({_LETTERS[a_name]}) and {_OWN[b_name]} ({_LETTERS[b_name]}) "
                   f"mixed up: the gate blocks stacked in one and read in the other")
        else:
            how = (f"the gate blocks stacked in {_OWN[a_name]} order ({_LETTERS[a_name]}) but read in "
                   f"{_OWN[b_name]} ({_LETTERS[b_name]})")
        yield (f"Gate order: your numbers are what this example gives with {how}: {_moves(perm)}.",
               _permuted(f, perm), {})
    n = f["h_prev"].shape[0]
    m = np.atleast_2d(f["x"]).shape[1]
    yield ("A transposed kernel: your numbers are what this example gives with each gate's n×n "
           "recurrent block (the columns that meet h_{t-1}) transposed: Keras and TF1 store the "
           "kernel as x·W, the transpose of PyTorch's and ONNX's W·x.",
           _transposed(f, gates, n, m, concat, "h"), {})
    if m == n:
        yield ("A transposed kernel: your numbers are what this example gives with each gate's "
               "weights transposed (both the input and the recurrent blocks): Keras and TF1 store "
               "the kernel as x·W, the transpose of PyTorch's and ONNX's W·x.",
               _transposed(f, gates, n, m, concat, "both"), {})
    if not gru:
        yield (f"A missing forget_bias: your numbers are this example's with b_f smaller by {forget_bias:g}. "
               f"TF1's LSTMCell adds forget_bias (default 1.0) to the forget gate at run time; it is "
               f"not in its stored bias, so a copy of the bias alone is {forget_bias:g} short.",
               {**f, "b_f": f["b_f"] - forget_bias}, {})
        yield (f"forget_bias added twice: your numbers are this example's with b_f larger by "
               f"{forget_bias:g}: the forget_bias TF1 adds at run time was already in b_f.",
               {**f, "b_f": f["b_f"] + forget_bias}, {})
    if gru:
        if gru_reset == "after" and "b_hn" in f:
            yield ("A dropped b_hn: your numbers are this example's without b_hn, PyTorch's second "
                   "candidate bias (bias_hh's last n entries), which sits inside the reset.",
                   {k: v for k, v in f.items() if k != "b_hn"}, {})
            yield ("b_hn added outside the reset: your numbers are this example's with b_hn added "
                   "to b_h, but PyTorch (and Keras' reset_after=True, ONNX's linear_before_reset=1) "
                   "adds it inside: r ∘ (W_h^h·h + b_hn).",
                   {**{k: v for k, v in f.items() if k != "b_hn"}, "b_h": f["b_h"] + f["b_hn"]}, {})
        other = "before" if gru_reset == "after" else "after"
        who = {"before": "Cho et al., Keras' reset_after=False, ONNX's default linear_before_reset=0",
               "after": "PyTorch, Keras' default reset_after=True, ONNX's linear_before_reset=1"}
        folded = {k: v for k, v in f.items() if k != "b_hn"}
        if "b_hn" in f:
            folded["b_h"] = f["b_h"] + f["b_hn"]
        yield (f"The GRU's reset: your numbers are this example's with the reset {other} the product "
               f"({who[other]}); this example resets {gru_reset} it ({who[gru_reset]}).",
               folded, {"gru_reset": other})
        yield ("z and 1 − z swapped: your numbers are h_t = z_t ∘ h̃_t + (1 − z_t) ∘ h_{t-1} (as "
               "Colah's post writes it); PyTorch, Keras and ONNX keep the old state with z: "
               "h_t = (1 − z_t) ∘ h̃_t + z_t ∘ h_{t-1}.", f, {"colah_z": True})
    other = "xh" if concat == "hx" else "hx"
    words = {"hx": "[h_{t-1}, x_t]", "xh": "[x_t, h_{t-1}]"}
    # W has n+m columns either way: read in the other order, they meet other entries of v
    yield (f"The concatenation order: your numbers are what W gives on v = {words[other]}; this "
           f"example's W reads v = {words[concat]}.", f, {"concat": other})


def _moves(perm: dict) -> str:
    """{"f": "C", "C": "f", …} → "W_f, b_f and W_C, b_C swapped"; a longer cycle entry by entry."""
    moved, said = [], set()
    for g in sorted(perm, key="fiCorzh".index):  # in the order of the equations
        src = perm[g]
        if g == src or g in said:
            continue
        if perm[src] == g:
            moved.append(f"W_{g}, b_{g} and W_{src}, b_{src} swapped")
            said.update((g, src))
        else:
            moved.append(f"W_{g}, b_{g} got the values of W_{src}, b_{src}")
    return "; ".join(moved)


def _permuted(f: dict, perm: dict) -> dict:
    out = dict(f)
    for g, src in perm.items():
        out[f"W_{g}"], out[f"b_{g}"] = f[f"W_{src}"], f[f"b_{src}"]
    return out


def _transposed(f: dict, gates, n: int, m: int, concat: str, which: str) -> dict:
    out = dict(f)
    h_cols = slice(0, n) if concat == "hx" else slice(m, m + n)
    x_cols = slice(n, n + m) if concat == "hx" else slice(0, m)
    for g in gates:
        W = f[f"W_{g}"].copy()
        W[:, h_cols] = W[:, h_cols].T
        if which == "both":
            W[:, x_cols] = W[:, x_cols].T
        out[f"W_{g}"] = W
    return out
