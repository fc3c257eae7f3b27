"""The practitioner's routes: your framework's weights in, our steps out, and back.

- `POST /api/v1/import` `{"text": "<a printout>", optional "framework", "variant", "reset_after",
  "forget_bias", "linear_before_reset"}` → `{"framework", "variant", "n", "m", "options",
  "tensors": {their names: arrays}, "fields": {our names: arrays and settings}, "mapping",
  "notes"}`, or a 400 whose errors name what to choose (`field` "framework", "variant",
  "reset_after") or what is wrong with the text (`field` "text"). The printout is read by
  `paste.py`, recognised by `recognise.py`, cut into our fields by `frameworks.to_fields`.
- `POST /paste`: the page's "Paste from your framework" form: the same, then the equivalent
  example's page with the mapping drawn (no JavaScript needed).
- `POST /compare`: the page's "Does it match?" form: your framework's h (and C) against ours.
- `GET /export/<kind>?<permalink query>` and `GET /e/<id>/export/<kind>`: the example as a
  NumPy, PyTorch or Keras script, or its tensors in every layout (`export.py`).
"""
from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl

from flask import Blueprint, Response, jsonify, request, url_for

from . import api, example, export, frameworks, links, match, parse as fields_parser, presets, views
from .fields import ALL_FIELDS
from .yours_view import framework_link, framework_view
from .cache import remembered
from .cells import VARIANTS
from .fmt import exact
from .paste import PasteError, parse
from .pictures.mapping import mapping_view
from .recognise import recognise

bp = Blueprint("yours", __name__)
_FINITE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?", re.ASCII)

IMPORT_KEYS = ("text", "framework", "variant", "reset_after", "forget_bias", "linear_before_reset")


# ------------------------------------------------------------------------------ import

def read_printout(text, framework=None, variant=None, reset_after=None, forget_bias=None,
                  linear_before_reset=None):
    """A printout → (recognised, fields, mapping); raises PasteError or frameworks.FrameworkError."""
    rec = recognise(parse(text), framework, variant, reset_after)
    options = dict(rec.options)
    if forget_bias is not None:
        options["forget_bias"] = forget_bias
    if linear_before_reset is not None:
        options["linear_before_reset"] = linear_before_reset
        rec.notes = [note for note in rec.notes if "linear_before_reset" not in note]
    if rec.framework == "tf1" and forget_bias is not None:
        rec.notes = [note for note in rec.notes if "forget_bias" not in note]
    rec.options = options
    fields, mapping = frameworks.to_fields(rec.framework, rec.variant, rec.tensors, options)
    return rec, fields, mapping


def _option_errors(body: dict) -> list[dict]:
    errors = []
    for key in body:
        if key not in IMPORT_KEYS:
            errors.append({"field": "body", "message": f"Unknown field {key[:30]!r}; the fields are "
                                                       f"{', '.join(IMPORT_KEYS)}."})
    if not isinstance(body.get("text"), str):
        errors.append({"field": "text", "message": "text must be a string: the printout of your cell's tensors "
                                                   "(state_dict(), get_weights(), or JSON)."})
    for key in ("framework", "variant"):
        if body.get(key) is not None and not isinstance(body[key], str):
            errors.append({"field": key, "message": f"{key} must be a string."})
    if body.get("reset_after") is not None and not isinstance(body["reset_after"], bool):
        errors.append({"field": "reset_after", "message": "reset_after must be true or false."})
    fb = body.get("forget_bias")
    if fb is not None and (isinstance(fb, bool) or not isinstance(fb, (int, float)) or not math.isfinite(fb)
                           or abs(fb) > 1e6):
        errors.append({"field": "forget_bias", "message": "forget_bias must be a number (TF1's default is 1.0)."})
    lbr = body.get("linear_before_reset")
    if lbr is not None and (isinstance(lbr, bool) or lbr not in (0, 1)):
        errors.append({"field": "linear_before_reset", "message": "linear_before_reset must be 0 or 1."})
    return errors


@bp.post("/api/v1/import")
def import_printout():
    body, problem = api.read_json_body()
    if problem is not None:
        return problem
    if not isinstance(body, dict):
        return api._errors([{"field": "body", "message": "Send a JSON object: {\"text\": \"<the printout>\"}."}])
    errors = _option_errors(body)
    if errors:
        return api._errors(errors)
    try:
        rec, fields, mapping = read_printout(**{k: body.get(k) for k in IMPORT_KEYS})
    except PasteError as e:
        return api._errors([{"field": e.field, "message": e.message}])
    except frameworks.FrameworkError as e:
        return api._errors([{"field": name, "message": message} for name, message in e.errors])
    return jsonify(framework=rec.framework, variant=rec.variant, n=rec.n, m=rec.m, options=rec.options,
                   tensors={name: value.tolist() for name, value in rec.tensors.items()},
                   fields={name: value if isinstance(value, str) else value.tolist() for name, value in fields.items()},
                   mapping=mapping, notes=rec.notes)


# ------------------------------------------------------------------------------ export

@bp.get("/export/<kind>")
@remembered
def export_file(kind: str):
    ex = example.from_pairs(request.args.items(multi=True), grads=False)
    if not ex.ok:
        body = "".join(f"# {e['field']}: {e['message']}\n" for e in ex.errors)
        return Response(body, 400, mimetype="text/plain")
    return _export(kind, ex, f"{url_for('page.index')}?{ex.query}" if ex.query else None)


@bp.get("/e/<link_id>/export/<kind>")
@remembered
def link_export(link_id: str, kind: str):
    ex = example.from_input(links.resolve(link_id), grads=False)
    return _export(kind, ex, url_for("links.page", link_id=link_id))


def _export(kind: str, ex: example.Example, permalink: str | None):
    if kind not in export.KINDS:
        return Response(f"# There is no {kind[:20]!r} export; there are {', '.join(export.KINDS)}.\n", 404,
                        mimetype="text/plain")
    why = export.unavailable(kind, ex.inp)
    if why:
        return Response(f"# {why}\n", 404, mimetype="text/plain")
    if kind == "tensors":
        return Response(export.tensors_json(ex.inp, permalink), mimetype="application/json")
    name = f"{ex.inp.variant}_{kind}.py"
    return Response(export.SCRIPTS[kind](ex.inp, permalink), mimetype="text/plain",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


# ------------------------------------------------------------------------------ the page

def _text(value) -> str:
    if value.ndim == 2:
        return "; ".join(", ".join(exact(a) for a in row) for row in value.tolist())
    return ", ".join(exact(a) for a in value.tolist())


def _paste_state(form) -> dict:
    # the box's names start with paste_ (but text): the page's own form has x, variant, …
    state = {f"paste_{key}": form.get(f"paste_{key}", "")[:100] for key in (*IMPORT_KEYS[1:], "x", "h_prev", "C_prev")}
    state["text"] = form.get("text", "")[:300_000]
    return state


@bp.post("/paste")
def paste_page():
    """The paste box: its text recognised, cut into our fields, and the equivalent example shown
    with the mapping drawn. Every problem comes back in the box, the text kept as typed."""
    state = _paste_state(request.form)
    reset = {"true": True, "false": False}.get(state["paste_reset_after"])
    forget_bias = state["paste_forget_bias"].strip()
    if forget_bias and (not _FINITE.fullmatch(forget_bias) or abs(float(forget_bias)) > 1e6):
        return _paste_problem(state, [{"field": "forget_bias", "message": "forget_bias must be a number, such as "
                                                                          "1.0 (TF1's default) or 0."}])
    lbr = {"0": 0, "1": 1}.get(state["paste_linear_before_reset"].strip())
    try:
        rec, fields, mapping = read_printout(state["text"], state["paste_framework"] or None,
                                             state["paste_variant"] or None, reset,
                                             float(forget_bias) if forget_bias else None, lbr)
    except PasteError as e:
        return _paste_problem(state, [{"field": e.field, "message": e.message}])
    except frameworks.FrameworkError as e:
        return _paste_problem(state, [{"field": name, "message": message} for name, message in e.errors])
    problems = _state_problems(state, rec)
    if problems:
        return _paste_problem(state, problems)
    pairs = [(k, v if isinstance(v, str) else _text(v)) for k, v in fields.items()]
    pairs.append(("x", state["paste_x"].strip() or ", ".join(["1"] * rec.m)))
    pairs.append(("h_prev", state["paste_h_prev"]))
    if VARIANTS[fields["variant"]].has_cell_state:
        pairs.append(("C_prev", state["paste_C_prev"]))
    ex = example.from_pairs(pairs, grads=False)
    if not ex.ok:
        return _paste_problem(state, ex.errors)
    view = mapping_view(rec.framework, rec.variant, rec.tensors, mapping, rec.n, rec.m, ex.inp.concat, rec.options)
    state["notes"] = rec.notes
    return views.render_page(ex, "forward", paste=state, mapping=view,
                         mapping_link=framework_link(ex.query, rec.framework))


def _state_problems(state: dict, rec) -> list[dict]:
    """x, h_{t-1}, C_{t-1} typed beside a paste: sized by the pasted tensors (m, n), said in their
    terms before the example's own checks would blame the weights."""
    out = []
    for key, size, why in (("x", rec.m, f"m = {rec.m}: the pasted input weights have {rec.m} inputs"),
                           ("h_prev", rec.n, f"n = {rec.n}: the pasted recurrent weights have {rec.n} units"),
                           ("C_prev", rec.n, f"n = {rec.n}, like h_prev")):
        try:
            rows = fields_parser.split_text(state[f"paste_{key}"])
        except fields_parser.FieldError:
            continue  # the example's parser says what is wrong with it
        column = len(rows) == size and all(len(row) == 1 for row in rows)
        if rows and not column and any(len(row) != size for row in rows):
            out.append({"field": key, "message": f"{key} must have {why} (or, for x, one row of {rec.m} per "
                                                 f"time step); it has {len(rows[0])}." if key == "x" else
                                                 f"{key} must have {why}; it has {sum(map(len, rows))} numbers."})
    return out


def _paste_problem(state: dict, errors: list[dict]):
    state["errors"] = errors
    ex = example.from_input(presets.DEFAULT.example, grads=False)
    html, _ = views.render_page(ex, "forward", paste=state)
    return html, 400


# ------------------------------------------------------------------------------ compare

def _their_states(form, inp) -> tuple[dict | None, list[dict]]:
    """Their h (and C) as pasted (a list, a tensor or array printout; the (h, c) tuple an
    LSTMCell returns is taken as both) → {"h": [...], "C": [...]}, or the errors."""
    has_C = VARIANTS[inp.variant].has_cell_state
    found: dict[str, list] = {}
    for key in ("h", "C") if has_C else ("h",):
        text = form.get(key, "")
        if not text.strip():
            continue
        try:
            tensors = parse(text).tensors
        except PasteError as e:
            vector = _page_vector(text)  # 0.1; 0.2 or 0.1 & 0.2: the page's own fields take these
            if vector is None:
                return None, [{"field": key, "message": e.message.replace("tensor 1", key)}]
            found[key] = vector
            continue
        if all(t.value.ndim == 0 for t in tensors):  # 0.1, 0.2 or one per line: a vector, as the page writes it
            values = [[t.value.item() for t in tensors]]
        else:
            values = [t.value.ravel().tolist() for t in tensors]
        if key == "h" and len(values) == 2 and has_C and not form.get("C", "").strip():
            found["C"] = values[1]  # print(cell(x, (h, c))): the (h, c) tuple
            values = values[:1]
        if len(values) != 1:
            return None, [{"field": key, "message": f"Paste one {key}: the box holds {len(values)} tensors."}]
        found[key] = values[0]
    if "h" not in found:
        return None, [{"field": "h", "message": "Paste your framework's h_t (the hidden state after the last step): "
                                                 f"n = {inp.n} numbers."}]
    for key, value in found.items():
        if len(value) != inp.n:
            return None, [{"field": key, "message": f"{key} has {len(value)} numbers; this example's has n = {inp.n} "
                                                     f"(one per {'cell state' if key == 'C' else 'hidden unit'})."}]
    return found, []


def _page_vector(text: str) -> list[float] | None:
    """The text read as the page's vector fields read it (a row, or a column split by ; or \\\\), or None."""
    try:
        rows = fields_parser.split_text(text)
        if not rows or (len(rows) > 1 and max(map(len, rows)) > 1):
            return None
        return [fields_parser.parse_number(token, "h") for row in rows for token in row]
    except fields_parser.FieldError:
        return None


@bp.post("/compare")
def compare_page():
    """The "Does it match?" box: your framework's h (and C) beside this example's."""
    query = request.form.get("query", "")[:8000]
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=len(ALL_FIELDS) + 4)
    except ValueError:
        pairs = []
    ex = example.from_pairs(pairs, grads=False)
    if not ex.ok:
        return views.render_page(ex, "forward")
    framework = request.form.get("framework") or None
    extras = {}
    if framework in frameworks.FRAMEWORKS:
        view, why = framework_view(ex.inp, framework)
        extras = {"mapping": view, "mapping_error": why, "mapping_framework": framework,
                  "mapping_link": framework_link(ex.query, framework)}
    state = {"h": request.form.get("h", "")[:20000], "C": request.form.get("C", "")[:20000], "framework": framework or ""}
    theirs, errors = _their_states(request.form, ex.inp)
    if errors:
        state["errors"] = errors
        html, _ = views.render_page(ex, "forward", compare=state, **extras)
        return html, 400
    last = ex.result.last
    spec = VARIANTS[ex.inp.variant]
    state["result"] = match.compare(dict(ex.inp.arrays), ex.inp.variant, ex.inp.concat, theirs,
                                    gru_reset=ex.inp.option("gru_reset") if "gru_reset" in spec.options else "after",
                                    answer={"h": last["h"], "C": last.get("C")})
    state["theirs"] = theirs
    return views.render_page(ex, "forward", compare=state, **extras)
