"""Ready-made examples, each opened by its permalink.

The first two come from the seed (shared/seed/forget-layer-question-and-answer.txt): the
question's forget gate and the answer's input gate, with x_t = [1, 2, 3], h_{t-1} = [4, 5, 6]
and v = [x_t, h_{t-1}] = [1, …, 6] (concat "xh", the seed's order). Where the seed gives no
numbers (the other gates, C_{t-1}) we chose small ones that do not saturate, so those steps
show something other than 0s and 1s.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .cells import VARIANTS
from .fields import BY_NAME, Inputs


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    description: str
    example: Inputs
    fragment: str = ""  # the step the link opens at, if any


def _a(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


SEED_X = _a([1, 2, 3])
SEED_H = _a([4, 5, 6])
# The question's W_f and b_f (3×6: one column per entry of the 6-vector v).
QUESTION_W_f = _a([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]])
QUESTION_b_f = _a([1, 2, 3])
# The answer's W_i (rows of 1s, 2s, 3s) and b_i = 1.
ANSWER_W_i = _a([[1] * 6, [2] * 6, [3] * 6])
ANSWER_b_i = _a([1, 1, 1])
# Our own small candidate and output weights for the seed examples.
SEED_W_C = _a([[0.1, -0.2, 0.1, 0, 0.05, -0.1], [-0.1, 0.1, 0, 0.1, -0.05, 0.02],
               [0.05, 0.05, -0.1, 0.1, -0.1, 0.1]])
SEED_b_C = _a([0, 0.1, -0.1])
SEED_W_o = _a([[0.2, 0.1, -0.1, 0.05, 0, 0.1], [-0.1, 0.2, 0.1, -0.2, 0.1, 0],
               [0.1, -0.1, 0.2, 0, -0.1, 0.05]])
SEED_b_o = _a([0.1, -0.1, 0])
SEED_C_prev = _a([0.5, -1, 2])

QUESTION = Inputs.of(
    x=SEED_X, h_prev=SEED_H, C_prev=SEED_C_prev,
    W_f=QUESTION_W_f, W_i=ANSWER_W_i, W_C=SEED_W_C, W_o=SEED_W_o,
    b_f=QUESTION_b_f, b_i=ANSWER_b_i, b_C=SEED_b_C, b_o=SEED_b_o,
    concat="xh",
)

# The answer's input gate, and the rest of its story in real numbers: it "pretends" the forget
# gate gave [0.5, 0.8, 0.9] (W_f = 0 and b_f = logit(0.5, 0.8, 0.9) = [0, ln 4, ln 9] make it
# so), and an output gate near [0, 0, 1] (b_o = [-10, -10, 10]): close to, never exactly, 0/1.
ANSWER = Inputs.of(
    x=SEED_X, h_prev=SEED_H, C_prev=SEED_C_prev,
    W_f=np.zeros((3, 6)), W_i=ANSWER_W_i, W_C=SEED_W_C, W_o=np.zeros((3, 6)),
    b_f=_a([0, math.log(4), math.log(9)]), b_i=ANSWER_b_i, b_C=SEED_b_C, b_o=_a([-10, -10, 10]),
    concat="xh",
)


def random_example(n: int = 3, m: int = 2, seed: int = 0, concat: str = "hx") -> Inputs:
    """Weights and biases uniform in ±1/√n (PyTorch's default LSTM init); x_t, h_{t-1} and
    C_{t-1} uniform in ±1. Same seed, same example: a fresh generator per call, never numpy's
    global one."""
    rng = np.random.default_rng(seed)
    k = 1 / math.sqrt(n)
    weights = {f"W_{g}": rng.uniform(-k, k, (n, n + m)) for g in "fiCo"}
    biases = {f"b_{g}": rng.uniform(-k, k, n) for g in "fiCo"}
    return Inputs.of(x=rng.uniform(-1, 1, m), h_prev=rng.uniform(-1, 1, n),
                     C_prev=rng.uniform(-1, 1, n), concat=concat, **weights, **biases)


# Hand-sized numbers (/random?hand=1, practice mode): every input an integer or a half in
# −HAND_MAX … HAND_MAX, so a product is at most a few digits and a sum can be done on paper; and
# each gate keeps at least one pre-activation within ±HAND_GATE, where σ is 0.12 … 0.88 and tanh
# −0.96 … 0.96, so the gates show something other than 0s and 1s.
HAND_MAX = 3
HAND_GATE = 2.0
_HAND_TRIES = 50  # redraws of one gate's weights before the fallback (rare past n + m ≈ 10)


def hand_example(n: int = 3, m: int = 2, seed: int = 0, concat: str = "hx") -> Inputs:
    """A random LSTM step a learner can work by hand: small integers, about one entry in six a
    half. A gate whose pre-activations all lie outside ±HAND_GATE is redrawn; if that keeps
    failing (large n + m), its first row of W is set to 0, so z = b there, which is small."""
    rng = np.random.default_rng(seed)

    def draw(*shape):
        whole = rng.integers(-HAND_MAX, HAND_MAX + 1, shape).astype(np.float64)
        halves = rng.choice([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5], shape)
        return np.where(rng.random(shape) < 1 / 6, halves, whole) + 0.0  # + 0.0: no −0.0

    x, h_prev, C_prev = draw(m), draw(n), draw(n)
    v = np.concatenate([h_prev, x] if concat == "hx" else [x, h_prev])
    arrays = {}
    for g in "fiCo":
        for _ in range(_HAND_TRIES):
            W, b = draw(n, n + m), draw(n)
            if np.any(np.abs(W @ v + b) <= HAND_GATE):
                break
        else:
            W[0] = 0.0
            b[0] = float(np.clip(b[0], -HAND_GATE, HAND_GATE))
        arrays[f"W_{g}"], arrays[f"b_{g}"] = W, b
    return Inputs.of(x=x, h_prev=h_prev, C_prev=C_prev, concat=concat, **arrays)


# Zero state: the first step of a sequence. f_t has nothing to forget (f∘C_{t-1} = 0), so
# C_t = i_t ∘ C̃_t.
ZERO_STATE = Inputs.of(
    x=_a([1, -1]), h_prev=np.zeros(2), C_prev=np.zeros(2),
    W_f=_a([[0.5, -0.5, 1, 0], [0, 0.5, -1, 0.5]]), W_i=_a([[1, 0, 0.5, -0.5], [-0.5, 1, 0, 1]]),
    W_C=_a([[0.5, 0.5, 1, -1], [-1, 0.5, 0.5, 0.5]]), W_o=_a([[0, 1, 0.5, 0.5], [1, 0, -0.5, 0.5]]),
    b_f=_a([1, 1]), b_i=_a([0, 0]), b_C=_a([0, 0]), b_o=_a([0, 0]),
)

def variant_example(variant: str, n: int = 2, m: int = 2, T: int = 1, seed: int = 1,
                    output: int = 0) -> Inputs:
    """A small example of any variant, with one-decimal numbers a learner can follow (drawn
    from a fresh generator: same arguments, same example). `T` > 1 makes x a sequence; `output`
    adds an output layer with that many outputs."""
    rng = np.random.default_rng(seed)

    def draw(*shape):
        return np.round(rng.uniform(-1, 1, shape), 1) + 0.0  # + 0.0: no -0.0 in links

    spec = VARIANTS[variant]
    weights = {name: draw(n, n + m) if BY_NAME[name].kind == "matrix" else draw(n) for name in spec.params}
    extra = {"W_y": draw(output, n), "b_y": draw(output)} if output else {}
    return Inputs.of(x=draw(T, m) if T > 1 else draw(m), h_prev=draw(n),
                     C_prev=draw(n) if spec.has_cell_state else None,
                     variant=variant, **weights, **extra)


PRESETS = (
    Preset("question", "The question's forget gate",
           "x = [1, 2, 3], h = [4, 5, 6] and the question's 3×6 W_f: W_f·v = [91, 175, 133], "
           "+ b_f = [92, 177, 136], σ saturates to 1.", QUESTION),
    Preset("answer", "The answer's input gate",
           "W_i rows of 1s, 2s and 3s, b_i = 1: W_i·v + b_i = [22, 43, 64] (the answer printed "
           "[22, 42, 62]).", ANSWER, fragment="i.bias"),
    Preset("random", "Random 3×2 example (seed 0)",
           "n = 3, m = 2; weights uniform in ±1/√n as PyTorch initialises them.", random_example()),
    Preset("zero", "Zero state",
           "h_{t-1} = C_{t-1} = 0, as at the first step of a sequence: C_t = i_t ∘ C̃_t.", ZERO_STATE),
    Preset("sequence", "A sequence of 3 steps",
           "x has 3 rows, one x_t each: h and C carry from one step to the next; an output "
           "y_t = σ(W_y·h_t + b_y) after each.", variant_example("lstm", T=3, output=1, seed=3)),
    # one example of each other cell, as its module describes it (CellSpec.preset)
    *(Preset(spec.name, title, description, variant_example(spec.name, seed=seed))
      for spec in VARIANTS.values() if spec.preset for title, description, seed in [spec.preset]),
)
DEFAULT = PRESETS[0]
