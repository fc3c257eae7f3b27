"""The form, shaped for the page: the selects (concatenation order, cell, the cell's options)
and the fieldsets of inputs, each with its label, hint, the user's text and its message.

Everything comes from the field table (`fields.py`) and the cell's spec (`cells/`): the
example's own cell shows its fieldsets; a field of another cell shows only while it holds text
or an error, so nothing typed is ever hidden (and a wrong field is named where it is).
"""
from __future__ import annotations

from markupsafe import Markup

from .cells import VARIANTS, FormGroup
from .fields import BY_NAME, FIELDS, uses
from .render_html import latex_to_html

_STATE = FormGroup("Input and previous state", "", tuple(f.name for f in FIELDS if f.group == "state"),
                   kind="state")
_MORE = FormGroup("Output layer, gradients, time steps", "",  # the arrays, then T
                  tuple(f.name for f in sorted(FIELDS, key=lambda f: not f.is_array) if f.group == "more"),
                  kind="more")


def _input(name: str, fields: dict[str, str], errors: dict[str, str]) -> dict:
    field = BY_NAME[name]
    text = fields.get(name, "")
    return {"name": name, "label": latex_to_html(field.symbol), "hint": latex_to_html(field.hint),
            "value": text, "error": errors.get(name), "matrix": field.kind == "matrix",
            "rows": max(2, min(12, text.count("\n") + 2))}


def _groups(spec) -> list[FormGroup]:
    """The fieldsets in order: the state, the cell's own, every other cell's (where a field
    that the cell does not read shows, if it holds text), the output layer and the rest."""
    groups = [_STATE, *spec.gates]
    placed = {name for g in groups for name in g.fields}
    for other in VARIANTS.values():
        for g in other.gates:
            if not placed.issuperset(g.fields):
                groups.append(g)
                placed.update(g.fields)
    return [*groups, _MORE]


def form_view(fields: dict[str, str], errors: dict[str, str]) -> list[dict]:
    """The form's fieldsets for the example's cell: each input with its label, hint, the user's
    text and its error."""
    spec = VARIANTS.get(fields.get("variant") or "lstm", VARIANTS["lstm"])
    wanted = {f.name for f in FIELDS if f.group in ("state", "gate") and uses(spec, f.name)}
    out = []
    for group in _groups(spec):
        inputs = [_input(name, fields, errors) for name in group.fields
                  if name in wanted or fields.get(name) or name in errors or group.kind == "more"]
        if inputs:
            out.append({"title": group.title, "equation": latex_to_html(group.equation), "inputs": inputs,
                        "kind": group.kind, "open": any(i["value"] or i["error"] for i in inputs)})
    return out


def choices(fields: dict[str, str], errors: dict[str, str]) -> list[dict]:
    """The form's selects: the concatenation order, the cell, and the cell's own options (the
    GRU's reset; "" = not given) — another cell's option only while it holds a value or an
    error. A value no option has (typed into a link) stays selected as typed, next to its
    message, so the learner sees what was read."""
    spec = VARIANTS.get(fields.get("variant") or "lstm", VARIANTS["lstm"])
    out = []
    for field in FIELDS:
        if field.kind != "setting" or field.group != "setting":
            continue
        if field.scope == "option" and not (uses(spec, field.name) or fields.get(field.name) or field.name in errors):
            continue
        if field.name == "variant":
            options = tuple((name, spec.title) for name, spec in VARIANTS.items())
        else:
            options = tuple(zip(field.choices, field.choice_titles))
        default = options[0][0]
        if field.scope == "option":  # only some cells read it: not given is its own choice
            options, default = (("", "—"), *options), ""
        value = fields.get(field.name) or default
        if value not in dict(options):
            options = (*options, (value, f"{value} (not one of these)"))
        out.append({"name": field.name, "label": field.symbol, "options": options, "value": value,
                    "error": errors.get(field.name)})
    return out
