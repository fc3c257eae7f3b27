"""An independent reference for the tests: every variant's equations over a sequence, written
again from the issue's text in plain Python — lists of floats, explicit loops, the math module —
and differentiated by a tiny scalar reverse-mode autodiff (each number remembers the numbers it
was made from and the local derivative with respect to each), plus the classic hand-derived
backpropagation through time for the standard LSTM as a second, separate check.

Nothing here imports the app: an example is a dict of plain lists (x as a list of T rows).
"""
from __future__ import annotations

import math


class V:
    """A scalar that remembers how it was made: parents are (V, ∂self/∂parent) pairs."""

    __slots__ = ("value", "parents", "grad")

    def __init__(self, value: float, parents=()):
        self.value = float(value)
        self.parents = parents
        self.grad = 0.0

    def __add__(self, other):
        other = other if isinstance(other, V) else V(other)
        return V(self.value + other.value, ((self, 1.0), (other, 1.0)))

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, V) else V(other)
        return V(self.value * other.value, ((self, other.value), (other, self.value)))

    __rmul__ = __mul__

    def __neg__(self):
        return V(-self.value, ((self, -1.0),))

    def __sub__(self, other):
        return self + (-(other if isinstance(other, V) else V(other)))

    def __rsub__(self, other):
        return V(other) + (-self)

    def __repr__(self):
        return f"V({self.value})"


def sigmoid(a: V) -> V:
    z = a.value
    s = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return V(s, ((a, s * (1.0 - s)),))


def tanh(a: V) -> V:
    t = math.tanh(a.value)
    return V(t, ((a, 1.0 - t * t),))


def backprop(loss: V) -> None:
    """Every V's grad becomes ∂loss/∂it: reverse topological order, iteratively."""
    order, seen, stack = [], set(), [(loss, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for parent, _ in node.parents:
            if id(parent) not in seen:
                stack.append((parent, False))
    loss.grad = 1.0
    for node in reversed(order):
        for parent, local in node.parents:
            parent.grad += local * node.grad


# ------------------------------------------------------------------------------ the equations

def _leaf(value):
    """Nested lists of floats → the same nesting of leaf Vs."""
    if isinstance(value, list):
        return [_leaf(a) for a in value]
    return V(value)


def _values(value):
    if isinstance(value, list):
        return [_values(a) for a in value]
    return value.value


def _grads(value):
    if isinstance(value, list):
        return [_grads(a) for a in value]
    return value.grad


def _linear(W, v, b):
    """W·v + b, row by row, summed left to right."""
    out = []
    for row, bj in zip(W, b, strict=True):
        total = V(0.0)
        for w, vk in zip(row, v, strict=True):
            total = total + w * vk
        out.append(total + bj)
    return out


def _columns(W, cols):
    return [[row[c] for c in cols] for row in W]


VARIANT_PARAMS = {
    "lstm": ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
    "no_forget": ("W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
    "peephole": ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o", "p_f", "p_i", "p_o"),
    "coupled": ("W_f", "b_f", "W_C", "b_C", "W_o", "b_o"),
    "gru": ("W_r", "b_r", "W_z", "b_z", "W_h", "b_h"),
    "mgu": ("W_f", "b_f", "W_h", "b_h"),
}


def run(example: dict) -> dict:
    """The example's forward pass, loss and gradients.

    example: x (list of T rows), h_prev, C_prev (not for "gru", "mgu"), the variant's weights (lists),
    concat ("hx"/"xh"), variant, gru_reset ("after"/"before"), optionally W_y, b_y, dh, dC, dy.
    Returns {"steps": [{name: [floats]} per t], "loss": float, "grads": {field: lists}}."""
    variant = example.get("variant", "lstm")
    concat = example.get("concat", "hx")
    gru = variant in ("gru", "mgu")  # no cell state
    leaves = {name: _leaf(example[name]) for name in VARIANT_PARAMS[variant]}
    if "b_hn" in example:  # the GRU's optional bias inside the reset (PyTorch's)
        leaves["b_hn"] = _leaf(example["b_hn"])
    leaves["h_prev"] = _leaf(example["h_prev"])
    if not gru:
        leaves["C_prev"] = _leaf(example["C_prev"])
    if "W_y" in example:
        leaves["W_y"], leaves["b_y"] = _leaf(example["W_y"]), _leaf(example["b_y"])
    P = leaves
    xs = [_leaf(row) for row in example["x"]]
    n, m = len(example["h_prev"]), len(example["x"][0])
    h = P["h_prev"]
    C = None if gru else P["C_prev"]
    steps = []
    for x in xs:
        v = h + x if concat == "hx" else x + h
        out = {}
        if variant == "mgu":  # Zhou et al. 2016
            f = [sigmoid(a) for a in _linear(P["W_f"], v, P["b_f"])]
            fh = [f[j] * h[j] for j in range(n)]
            h_tilde = [tanh(a) for a in _linear(P["W_h"], fh + x if concat == "hx" else x + fh, P["b_h"])]
            h = [(1.0 - f[j]) * h[j] + f[j] * h_tilde[j] for j in range(n)]
            out.update(f=f, h_tilde=h_tilde, h=h)
        elif gru:
            r = [sigmoid(a) for a in _linear(P["W_r"], v, P["b_r"])]
            z = [sigmoid(a) for a in _linear(P["W_z"], v, P["b_z"])]
            if example.get("gru_reset", "after") == "after":
                h_cols = list(range(n)) if concat == "hx" else list(range(m, m + n))
                x_cols = list(range(n, n + m)) if concat == "hx" else list(range(m))
                Wx = _linear(_columns(P["W_h"], x_cols), x, P["b_h"])
                Wh = _linear(_columns(P["W_h"], h_cols), h, P["b_hn"] if "b_hn" in P else [0.0] * n)
                z_h = [Wx[j] + r[j] * Wh[j] for j in range(n)]
            else:
                rh = [r[j] * h[j] for j in range(n)]
                vr = rh + x if concat == "hx" else x + rh
                z_h = _linear(P["W_h"], vr, P["b_h"])
            h_tilde = [tanh(a) for a in z_h]
            h = [(1.0 - z[j]) * h_tilde[j] + z[j] * h[j] for j in range(n)]
            out.update(r=r, z=z, h_tilde=h_tilde, h=h, z_h=z_h)
        else:
            C_prev = C
            if variant == "no_forget":
                f = None
            else:
                z_f = _linear(P["W_f"], v, P["b_f"])
                if variant == "peephole":
                    z_f = [z_f[j] + P["p_f"][j] * C_prev[j] for j in range(n)]
                f = [sigmoid(a) for a in z_f]
            if variant == "coupled":
                i = [1.0 - f[j] for j in range(n)]
            else:
                z_i = _linear(P["W_i"], v, P["b_i"])
                if variant == "peephole":
                    z_i = [z_i[j] + P["p_i"][j] * C_prev[j] for j in range(n)]
                i = [sigmoid(a) for a in z_i]
            C_tilde = [tanh(a) for a in _linear(P["W_C"], v, P["b_C"])]
            if f is None:
                C = [C_prev[j] + i[j] * C_tilde[j] for j in range(n)]
            else:
                C = [f[j] * C_prev[j] + i[j] * C_tilde[j] for j in range(n)]
            z_o = _linear(P["W_o"], v, P["b_o"])
            if variant == "peephole":
                z_o = [z_o[j] + P["p_o"][j] * C[j] for j in range(n)]  # the new cell state
            o = [sigmoid(a) for a in z_o]
            h = [o[j] * tanh(C[j]) for j in range(n)]
            out.update(i=i, C_tilde=C_tilde, o=o, C=C, h=h)
            if f is not None:
                out["f"] = f
        if "W_y" in example:
            out["y"] = [sigmoid(a) for a in _linear(P["W_y"], h, P["b_y"])]
        steps.append(out)

    # L = Σ dh ∘ h_T + Σ dC ∘ C_T + Σ dy ∘ y_T
    dh = example.get("dh", [1.0] * n)
    loss = V(0.0)
    for j in range(n):
        loss = loss + dh[j] * h[j]
    if not gru and "dC" in example:
        for j in range(n):
            loss = loss + example["dC"][j] * C[j]
    if "dy" in example:
        for j, dyj in enumerate(example["dy"]):
            loss = loss + dyj * steps[-1]["y"][j]
    backprop(loss)
    grads = {name: _grads(value) for name, value in leaves.items()}
    grads["x"] = [_grads(x) for x in xs]
    return {"steps": [{k: _values(val) for k, val in s.items()} for s in steps],
            "loss": loss.value, "grads": grads}


# ----------------------------------------------------- the classic BPTT, by hand, for the LSTM

def lstm_bptt(example: dict) -> dict:
    """Standard LSTM, L = Σ dh∘h_T + Σ dC∘C_T: the textbook backward equations, no autodiff.

        δo = δh ∘ tanh(C)                 δC += δh ∘ o ∘ (1 − tanh²(C))
        δf = δC ∘ C_{t-1}   δi = δC ∘ C̃   δC̃ = δC ∘ i   δC_{t-1} = δC ∘ f
        δz_g = δg ∘ g(1 − g) (σ gates),  δz_C = δC̃ ∘ (1 − C̃²)
        δW_g += δz_g vᵀ,  δb_g += δz_g,  δv = Σ_g W_gᵀ δz_g → (δh_{t-1}, δx_t)
    """
    concat = example.get("concat", "hx")
    W = {g: example[f"W_{g}"] for g in "fiCo"}
    b = {g: example[f"b_{g}"] for g in "fiCo"}
    n, m = len(example["h_prev"]), len(example["x"][0])

    def sig(z):
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    h, C = list(example["h_prev"]), list(example["C_prev"])
    cache = []
    for x in example["x"]:
        v = h + list(x) if concat == "hx" else list(x) + h
        z = {g: [sum(W[g][j][k] * v[k] for k in range(n + m)) + b[g][j] for j in range(n)] for g in "fiCo"}
        f, i, o = ([sig(a) for a in z[g]] for g in "fio")
        Ct = [math.tanh(a) for a in z["C"]]
        C_new = [f[j] * C[j] + i[j] * Ct[j] for j in range(n)]
        h_new = [o[j] * math.tanh(C_new[j]) for j in range(n)]
        cache.append((v, C, f, i, Ct, o, C_new))
        h, C = h_new, C_new
    dW = {g: [[0.0] * (n + m) for _ in range(n)] for g in "fiCo"}
    db = {g: [0.0] * n for g in "fiCo"}
    dxs = []
    dh = list(example.get("dh", [1.0] * n))
    dC = list(example.get("dC", [0.0] * n))
    for v, C_prev, f, i, Ct, o, C_t in reversed(cache):
        tC = [math.tanh(c) for c in C_t]
        do = [dh[j] * tC[j] for j in range(n)]
        dC = [dC[j] + dh[j] * o[j] * (1 - tC[j] ** 2) for j in range(n)]
        df = [dC[j] * C_prev[j] for j in range(n)]
        di = [dC[j] * Ct[j] for j in range(n)]
        dCt = [dC[j] * i[j] for j in range(n)]
        dz = {"f": [df[j] * f[j] * (1 - f[j]) for j in range(n)],
              "i": [di[j] * i[j] * (1 - i[j]) for j in range(n)],
              "C": [dCt[j] * (1 - Ct[j] ** 2) for j in range(n)],
              "o": [do[j] * o[j] * (1 - o[j]) for j in range(n)]}
        dv = [0.0] * (n + m)
        for g in "fiCo":
            for j in range(n):
                db[g][j] += dz[g][j]
                for k in range(n + m):
                    dW[g][j][k] += dz[g][j] * v[k]
                    dv[k] += W[g][j][k] * dz[g][j]
        dh_prev, dx = (dv[:n], dv[n:]) if concat == "hx" else (dv[m:], dv[:m])
        dxs.append(dx)
        dC = [dC[j] * f[j] for j in range(n)]
        dh = dh_prev
    grads = {"x": list(reversed(dxs)), "h_prev": dh, "C_prev": dC}
    for g in "fiCo":
        grads[f"W_{g}"], grads[f"b_{g}"] = dW[g], db[g]
    return grads


# ------------------------------------------------------------------------------ examples

def random_example(rng, variant: str = "lstm", n: int = 3, m: int = 2, T: int = 1, concat: str = "hx",
                   gru_reset: str = "after", output: int = 0, dC: bool = True, dy: bool = True,
                   scale: float = 1.0) -> dict:
    """A random example as plain lists (x as T rows), every number uniform in ±scale.
    output: k, the size of an output layer (0: none)."""
    def u(*shape):
        return rng.uniform(-scale, scale, shape).tolist()

    ex = {"variant": variant, "concat": concat, "x": u(T, m), "h_prev": u(n), "dh": u(n)}
    if variant == "gru":
        ex["gru_reset"] = gru_reset
    elif variant != "mgu":
        ex["C_prev"] = u(n)
        if dC:
            ex["dC"] = u(n)
    for name in VARIANT_PARAMS[variant]:
        ex[name] = u(n, n + m) if name.startswith("W_") else u(n)
    if output:
        ex["W_y"], ex["b_y"] = u(output, n), u(output)
        if dy:
            ex["dy"] = u(output)
    return ex


def api_body(example: dict) -> dict:
    """The example as the API takes it: one vector x for a single step, T rows for a sequence."""
    body = dict(example)
    if len(example["x"]) == 1:
        body["x"] = example["x"][0]
    return body
