"""The form, shaped for the page: the selects (concatenation order, cell, the cell's options)
and the fieldsets of inputs, each with its label, hint, the user's text and its message.

Everything comes from the field table (`fields.py`) and the cell's spec (`cells/`): the
example's own cell shows its fieldsets; a field of another cell shows only while it holds text
or an error, so nothing typed is ever hidden (and a wrong field is named where it is).
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace as View  # attribute access: Jinja reads it fastest (a dict
# key costs it a failed getattr first, an exception per `c.name` in the template)

from markupsafe import Markup

from .cells import VARIANTS, FormGroup
from .fields import BY_NAME, FIELDS, uses
from .markup import esc
from .render_html import latex_to_html, message_html

_STATE = FormGroup("Input and previous state", "", tuple(f.name for f in FIELDS if f.group == "state"),
                   kind="state")
_MORE = FormGroup("Output layer, gradients, time steps", "",  # the arrays, then T
                  tuple(f.name for f in sorted(FIELDS, key=lambda f: not f.is_array) if f.group == "more"),
                  kind="more")


# Characters: a field's text up to this is remembered with its HTML (a hand-sized example's
# fields, the ones that come back page after page). Short, because a remembered entry is held
# across requests: at 512 characters (HTML-escaped up to 6 times, and 4 bytes a character
# when one of them is an emoji) the input, fieldset and select memos below hold at most about
# 512 × 12 KiB + 256 × 2 × 12 KiB + 256 × 12 KiB ≈ 15 MiB a worker, whatever is sent.
_REMEMBERED_TEXT = 512


def _input_html(name: str, text: str, error: str | None) -> str:
    """One field: its label and hint, the user's text (a textarea for a matrix), and its message.
    Written as a string, the label once per field (`_label_html`): as a Jinja loop body, the
    form's twenty fields cost more than half of the rest of the page's template. Remembered by
    content (short texts): an edit changes one field, the others come back as they were."""
    if len(text) <= _REMEMBERED_TEXT:
        return _remembered_input_html(name, text, error)
    return _write_input_html(name, text, error)


def _write_input_html(name: str, text: str, error: str | None) -> str:
    described = f"hint-{name} error-{name}" if error else f"hint-{name}"
    invalid = ' aria-invalid="true"' if error else ""
    if BY_NAME[name].kind == "matrix":
        rows = max(2, min(12, text.count("\n") + 2))
        control = (f'<textarea name="{name}" id="field-{name}" rows="{rows}" spellcheck="false" '
                   f'aria-describedby="{described}"{invalid}>{esc(text)}</textarea>')
    else:
        control = (f'<input name="{name}" id="field-{name}" value="{esc(text)}" spellcheck="false" '
                   f'autocomplete="off" aria-describedby="{described}"{invalid}>')
    message = f'<p class="error" id="error-{name}">{message_html(error)}</p>' if error else ""
    return (f'<div class="field{" invalid" if error else ""}">\n{_label_html(name)}\n{control}\n'
            f'{message}\n</div>')


# bounded: at most 512 × (_REMEMBERED_TEXT characters of text and its HTML)
_remembered_input_html = lru_cache(maxsize=512)(_write_input_html)


@lru_cache(maxsize=None)
def _label_html(name: str) -> str:
    field = BY_NAME[name]
    return (f'<label for="field-{name}">{latex_to_html(field.symbol)} <span class="hint" id="hint-{name}">'
            f'{latex_to_html(field.hint)}</span></label>')


@lru_cache(maxsize=None)  # by cell name: the same fieldsets on every page of that cell
def _groups(variant: str) -> tuple[FormGroup, ...]:
    """The fieldsets in order: the state, the cell's own, every other cell's (where a field
    that the cell does not read shows, if it holds text), the output layer and the rest."""
    groups = [_STATE, *VARIANTS[variant].gates]
    placed = {name for g in groups for name in g.fields}
    for other in VARIANTS.values():
        for g in other.gates:
            if not placed.issuperset(g.fields):  # its fields not shown yet (the GRU's b_hn for the MGU)
                groups.append(FormGroup(g.title, g.equation, tuple(f for f in g.fields if f not in placed), g.kind))
                placed.update(g.fields)
    return (*groups, _MORE)


@lru_cache(maxsize=None)
def _wanted(variant: str) -> frozenset[str]:
    """The state and gate fields the cell reads: shown even when empty."""
    spec = VARIANTS[variant]
    return frozenset(f.name for f in FIELDS if f.group in ("state", "gate") and uses(spec, f.name))


def form_view(fields: dict[str, str], errors: dict[str, str]) -> list[View]:
    """The form's fieldsets for the example's cell: each input with its label, hint, the user's
    text and its error; each fieldset also as ready HTML (`html`: the template writes it as it
    is, one piece per fieldset instead of a dozen). Read only: a fieldset is remembered by its
    inputs' names, texts and errors (an edit changes one field, the other fieldsets come back
    as they were)."""
    variant = fields.get("variant") or "lstm"
    if variant not in VARIANTS:  # a name no cell has: the select says so, the form is the LSTM's
        variant = "lstm"
    wanted = _wanted(variant)
    out = []
    for group in _groups(variant):
        inputs = tuple((name, fields.get(name, ""), errors.get(name)) for name in group.fields
                       if name in wanted or fields.get(name) or name in errors or group.kind == "more")
        if inputs:
            short = sum(len(text) for _, text, _ in inputs) <= _REMEMBERED_TEXT
            out.append(_remembered_fieldset(group, inputs) if short else _fieldset(group, inputs))
    return out


def _fieldset(group: FormGroup, inputs: tuple[tuple[str, str, str | None], ...]) -> View:
    views = [View(name=name, value=text, error=error, html=_input_html(name, text, error))
             for name, text, error in inputs]
    view = View(title=group.title, equation=latex_to_html(group.equation), inputs=views,
                kind=group.kind, open=any(i.value or i.error for i in views))
    view.html = _fieldset_html(view)
    return view


# bounded: at most 256 fieldsets of at most _REMEMBERED_TEXT characters of text each
_remembered_fieldset = lru_cache(maxsize=256)(_fieldset)


def _fieldset_html(group: View) -> Markup:
    """A fieldset (inside a <details> for the group "more"), with the whitespace the template's
    loop wrote around it."""
    more = group.kind == "more"
    title = esc(group.title)
    details = f'<details class="more"{" open" if group.open else ""}><summary>{title}</summary>' if more else ""
    inputs = "".join([f"\n      {i.html}\n      " for i in group.inputs])
    return Markup(f'\n    {details}\n    <fieldset class="{group.kind}">\n      <legend>{title} '
                  f'<span class="eq">{group.equation}</span></legend>\n      {inputs}\n    </fieldset>\n    '
                  f'{"</details>" if more else ""}\n  ')


def choices(fields: dict[str, str], errors: dict[str, str]) -> list[View]:
    """The form's selects: the concatenation order, the cell, and the cell's own options (the
    GRU's reset; "" = not given) — another cell's option only while it holds a value or an
    error. A value no option has (typed into a link) stays selected as typed, next to its
    message, so the learner sees what was read. Read only: remembered by the settings' texts and
    messages (short ones: the same few on almost every page)."""
    given = tuple((name, fields.get(name), errors.get(name)) for name in _SETTINGS)  # variant among them
    if sum(len(text or "") + len(error or "") for _, text, error in given) <= _REMEMBERED_TEXT:
        return _remembered_choices(given)
    return _choices(given)


_SETTINGS = tuple(f.name for f in FIELDS if f.kind == "setting" and f.group == "setting")


def _choices(given: tuple[tuple[str, str | None, str | None], ...]) -> list[View]:
    texts = {name: text for name, text, _ in given if text is not None}
    errors = {name: error for name, _, error in given if error is not None}
    spec = VARIANTS.get(texts.get("variant") or "lstm", VARIANTS["lstm"])
    out = []
    for field in FIELDS:
        if field.kind != "setting" or field.group != "setting":
            continue
        if field.scope == "option" and not (uses(spec, field.name) or texts.get(field.name) or field.name in errors):
            continue
        if field.name == "variant":
            options = tuple((name, spec.title) for name, spec in VARIANTS.items())
        else:
            options = tuple(zip(field.choices, field.choice_titles))
        default = options[0][0]
        if field.scope == "option":  # only some cells read it: not given is its own choice
            options, default = (("", "—"), *options), ""
        value = texts.get(field.name) or default
        if value not in dict(options):
            options = (*options, (value, f"{value} (not one of these)"))
        options_html = "".join([f'<option value="{esc(v)}"{" selected" if v == value else ""}>{esc(title)}</option>'
                                for v, title in options])
        error = errors.get(field.name)
        out.append(View(name=field.name, label=field.symbol, options=options, options_html=Markup(options_html),
                        value=value, error=error, html=_choice_html(field.name, field.symbol, options_html, error)))
    return out


_remembered_choices = lru_cache(maxsize=256)(_choices)  # bounded: 256 × at most _REMEMBERED_TEXT characters


def _choice_html(name: str, label: str, options_html: str, error: str | None) -> Markup:
    """A select with its label (and message), with the whitespace the template's loop wrote
    around it."""
    invalid = ' aria-invalid="true" aria-describedby="error-' + name + '"' if error else ""
    message = f'<span class="error" id="error-{name}">{message_html(error)}</span>' if error else ""
    return Markup(f'\n    <span class="choice{" invalid" if error else ""}">\n    <label for="field-{name}">'
                  f'{esc(label)}</label>\n    <select name="{name}" id="field-{name}"{invalid}>\n      '
                  f'{options_html}\n    </select>\n    {message}\n    </span>\n  ')
