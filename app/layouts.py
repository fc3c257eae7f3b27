"""The four frameworks' layouts, as data: each framework's tensors for the LSTM and the GRU, their
shapes as expressions in n and m, the gate order, the orientation and the bias convention
(`frameworks.py` says where each fact comes from, and uses them). The page draws them.
"""
from __future__ import annotations

FRAMEWORKS = ("pytorch", "keras", "tf1", "onnx")
TITLES = {"pytorch": "PyTorch", "keras": "Keras", "tf1": "TF1", "onnx": "ONNX"}
OWN = {"pytorch": "PyTorch's", "keras": "Keras'", "tf1": "TF1's", "onnx": "ONNX's"}

# Our gate suffixes (W_f, b_f, …) for each of the framework's letters.
LSTM_OURS = {"i": "i", "f": "f", "g": "C", "c": "C", "j": "C", "o": "o"}
GRU_OURS = {"r": "r", "z": "z", "n": "h", "h": "h"}

# Each tensor: (rows, cols) as expressions in n and m ("4n", "m", "m+n"), or (length,) for a
# vector; `role`: "input" (meets x), "recurrent" (meets h), "both" (TF1's kernel, on [x, h]),
# "bias", "peephole". `stacked`: "rows" or "cols": along which axis the gate blocks are stacked.
# `optional`: missing means zeros.
LAYOUTS: dict[str, dict] = {
    "pytorch": {
        "title": "PyTorch", "cells": {"lstm": "nn.LSTM, nn.LSTMCell", "gru": "nn.GRU, nn.GRUCell"},
        "computes": "W·x + b (one row per unit: our orientation)",
        "suffix": "_l0",  # nn.LSTM's names: weight_ih_l0, …
        "variants": {
            "lstm": {"order": ("i", "f", "g", "o"), "tensors": {
                "weight_ih": {"shape": ("4n", "m"), "role": "input", "stacked": "rows"},
                "weight_hh": {"shape": ("4n", "n"), "role": "recurrent", "stacked": "rows"},
                "bias_ih": {"shape": ("4n",), "role": "bias", "stacked": "rows", "optional": True},
                "bias_hh": {"shape": ("4n",), "role": "bias", "stacked": "rows", "optional": True},
            }, "bias": "b = bias_ih + bias_hh (only their sum matters)"},
            "gru": {"order": ("r", "z", "n"), "tensors": {
                "weight_ih": {"shape": ("3n", "m"), "role": "input", "stacked": "rows"},
                "weight_hh": {"shape": ("3n", "n"), "role": "recurrent", "stacked": "rows"},
                "bias_ih": {"shape": ("3n",), "role": "bias", "stacked": "rows", "optional": True},
                "bias_hh": {"shape": ("3n",), "role": "bias", "stacked": "rows", "optional": True},
            }, "bias": "b_r, b_z = bias_ih + bias_hh; b_h = bias_ih's n block; b_hn = bias_hh's n "
                       "block, inside the reset: r ∘ (W_hn·h + b_hn)", "reset": "after"},
        },
    },
    "keras": {
        "title": "Keras", "cells": {"lstm": "keras.layers.LSTM", "gru": "keras.layers.GRU"},
        "computes": "x·W + b (one column per unit: the transpose of ours)",
        "variants": {
            "lstm": {"order": ("i", "f", "c", "o"), "tensors": {
                "kernel": {"shape": ("m", "4n"), "role": "input", "stacked": "cols"},
                "recurrent_kernel": {"shape": ("n", "4n"), "role": "recurrent", "stacked": "cols"},
                "bias": {"shape": ("4n",), "role": "bias", "stacked": "cols", "optional": True},
            }, "bias": "b = bias"},
            "gru": {"order": ("z", "r", "h"), "tensors": {
                "kernel": {"shape": ("m", "3n"), "role": "input", "stacked": "cols"},
                "recurrent_kernel": {"shape": ("n", "3n"), "role": "recurrent", "stacked": "cols"},
                "bias": {"shape": ("2", "3n"), "role": "bias", "stacked": "cols", "optional": True,
                         "reset_after=false": ("3n",)},
            }, "bias": "reset_after=true (default): bias row 0 is the input bias, row 1 the recurrent "
                       "one; b_z, b_r = their sums, b_h = row 0's h block, b_hn = row 1's h block "
                       "(inside the reset). reset_after=false: one bias (3n), reset before the product",
                "reset": "after (reset_after=true) or before (reset_after=false)"},
        },
    },
    "tf1": {
        "title": "TF1", "cells": {"lstm": "tf.nn.rnn_cell.LSTMCell, BasicLSTMCell"},
        "computes": "[x, h]·W + b (one column per unit: the transpose of ours, on [x_t, h_{t-1}])",
        "variants": {
            "lstm": {"order": ("i", "j", "f", "o"), "tensors": {
                "kernel": {"shape": ("m+n", "4n"), "role": "both", "stacked": "cols"},
                "bias": {"shape": ("4n",), "role": "bias", "stacked": "cols", "optional": True},
            }, "bias": "b = bias, and b_f = bias_f + forget_bias (default 1.0, added at run time, "
                       "not stored)"},
        },
    },
    "onnx": {
        "title": "ONNX", "cells": {"lstm": "LSTM operator", "gru": "GRU operator"},
        "computes": "x·Wᵀ + b (W stored one row per unit: our orientation)",
        "leading_axis": "num_directions = 1 (may be left out)",
        "variants": {
            "lstm": {"order": ("i", "o", "f", "c"), "tensors": {
                "W": {"shape": ("4n", "m"), "role": "input", "stacked": "rows"},
                "R": {"shape": ("4n", "n"), "role": "recurrent", "stacked": "rows"},
                "B": {"shape": ("8n",), "role": "bias", "stacked": "rows", "optional": True},
                "P": {"shape": ("3n",), "role": "peephole", "stacked": "rows", "optional": True,
                      "order": ("i", "o", "f")},
            }, "bias": "B = [Wb (4n), Rb (4n)]; b = Wb + Rb. With P the cell is the peephole LSTM"},
            "gru": {"order": ("z", "r", "h"), "tensors": {
                "W": {"shape": ("3n", "m"), "role": "input", "stacked": "rows"},
                "R": {"shape": ("3n", "n"), "role": "recurrent", "stacked": "rows"},
                "B": {"shape": ("6n",), "role": "bias", "stacked": "rows", "optional": True},
            }, "bias": "B = [Wb (3n), Rb (3n)]; b_z, b_r = Wb + Rb; linear_before_reset=0 (default): "
                       "reset before, b_h = Wb_h + Rb_h; =1: reset after, b_h = Wb_h, b_hn = Rb_h",
                "reset": "before (linear_before_reset=0) or after (=1)"},
        },
    },
}
# The options each framework reads, with their defaults.
OPTIONS = {"tf1": {"forget_bias": 1.0}, "keras": {"reset_after": True}, "onnx": {"linear_before_reset": 0},
           "pytorch": {}}
