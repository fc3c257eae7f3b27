"""The cells: one module per variant, each with its equations in the docstring, the cell
function that repeats them line for line (recording its steps, `trace.py`), and its `SPEC`
(`spec.py`): everything the rest of the app needs to know about it.

To add a cell: write its module and add its SPEC to `VARIANTS` below. Nothing else names it.
"""
from __future__ import annotations

from . import coupled, gru, lstm, mgu, no_forget, peephole
from .spec import CellSpec, FormGroup

VARIANTS: dict[str, CellSpec] = {spec.name: spec for spec in (
    lstm.SPEC,
    no_forget.SPEC,
    peephole.SPEC,
    coupled.SPEC,
    gru.SPEC,
    mgu.SPEC,
)}

__all__ = ["VARIANTS", "CellSpec", "FormGroup"]
