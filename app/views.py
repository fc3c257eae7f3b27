"""The pages: an example's forward pass (GET / with a permalink's query, or the seed's example)
and backward pass (GET /backward), the form (POST to either, which redirects to the permalink),
live editing (POST /fragment), random examples, LaTeX, and a minimal route."""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from urllib.parse import urlencode

import orjson

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from . import budget, example, latex, permalink, practice_view, presets, yours_view
from .cache import remembered, url_of
from .notes import notes_for
from .cells import VARIANTS
from .fields import ALL_FIELDS
from .form import choices, form_view
from .parse import MAX_DIM
from .permalink import LINK_LIMIT, to_query
from .render_html import ViewDict, latex_to_html, page_view

bp = Blueprint("page", __name__)

_LINK_KEYS = (*ALL_FIELDS, "z")


# The page has two parts: the forward pass (GET /) and the backward pass (GET /backward), each
# for the example in the query. The same form drives both.
PARTS = {"forward": "page.index", "backward": "page.backward"}


@bp.get("/")
@remembered
def index():
    ex = _from_query("forward")
    return render_page(ex, "forward", request.args.get("time"), mode=practice_view.settings(request.args),
                   **_framework_extras(ex))


def _framework_extras(ex: example.Example) -> dict:
    """`&framework=pytorch` in the query: the example's weights drawn in that framework's layout."""
    framework = request.args.get("framework")
    if framework is None:
        return {}
    if not ex.ok:
        return {"mapping_framework": framework}
    view, why = yours_view.framework_view(ex.inp, framework)
    return {"mapping": view, "mapping_error": why, "mapping_framework": framework,
            "mapping_link": yours_view.framework_link(ex.query, framework)}


@bp.get("/backward")
@remembered
def backward():
    """Every gradient of L = Σ dh∘h_T + Σ dC∘C_T, written out like the forward steps."""
    return render_page(_from_query("backward"), "backward", request.args.get("time"))


def _from_query(part: str) -> example.Example:
    grads = part == "backward"  # the forward page does not pay for the backward pass
    if not any(key in request.args for key in _LINK_KEYS):
        return example.from_input(presets.DEFAULT.example, grads=grads)
    return example.from_pairs(request.args.items(multi=True), grads=grads)


@bp.post("/")
def submit():
    return _submit("forward")


@bp.post("/backward")
def submit_backward():
    return _submit("backward")


def _submit(part: str):
    ex = example.from_pairs(request.form.items(multi=True), grads=part == "backward")
    time = (request.form.getlist("time") or [None])[-1]  # a large sequence: its page (a timeline button comes last)
    mode = practice_view.settings(request.form)  # practice mode stays on while the numbers change
    if ex.ok and ex.query:
        pages = _paging(ex, part, time)
        return redirect(page_link(part, ex.query) + (f"&time={pages.time}" if pages else "") + mode[0].query, 303)
    return render_page(ex, part, time, mode=mode)  # errors (400), or an example too large for a link (200)


@bp.post("/practice")
def practice_check():
    """Practice mode without JavaScript: the page's Check and Reveal buttons post the learner's
    answers here (the example and the view settings stay in the query); the answer is the
    page again, with the marks, the hints and the learner's text as typed."""
    mode, problem = practice_view.settings(request.args)
    ex = _from_query("forward")
    if not any(key in request.args for key in _LINK_KEYS) and any(key in request.form for key in _LINK_KEYS):
        # an example too large for a link: its page's form carries the example itself
        ex = example.from_pairs(request.form.items(multi=True), grads=False)
    return render_page(ex, "forward", request.args.get("time"),
                   mode=(practice_view.Settings(True, mode.fade), problem), form=request.form)


@bp.get("/worksheet")
@remembered
def worksheet():
    """The example as a worksheet (LaTeX): the asked steps with empty results; key=1 fills them in."""
    ex = _from_query("forward")
    return worksheet_answer(ex, public_url(page_link("forward", ex.query)) or "(too large for a link)")


def worksheet_answer(ex: example.Example, source: str) -> Response:
    """`/worksheet?<permalink>&fade=k&key=1`, also for a short link (`/e/<id>/worksheet`)."""
    if not ex.ok:
        body = "".join(f"% {e['field']}: {e['message']}\n" for e in ex.errors)
        return Response(body, 400, mimetype="text/plain")
    mode, problem = practice_view.settings(request.args)
    key = request.args.get("key", "0")
    if key not in ("0", "1"):
        problem = f"key must be 1 (the answer key) or 0 (the worksheet); got {key[:20]!r}."
    if problem:
        return Response(f"% {problem}\n", 400, mimetype="text/plain")
    steps = ex.result.steps
    asked = practice_view.asked_steps(steps, mode.fade)
    pages = _paging(ex, "forward", request.args.get("time"))  # a huge sequence: one time step, as /latex
    shown = budget.at_time(steps, pages.time) if pages else None
    note = f"{pages.note} Add &time=1 … &time={pages.T} to this address for the others." if pages else ""
    text = practice_view.worksheet(steps, asked, key == "1", _heading(ex).partition(",")[0], source, shown, note)
    return Response(text, mimetype="text/plain")


def page_link(part: str, query: str | None) -> str | None:
    return f"{url_of(PARTS[part])}?{query}" if query else None


@bp.get("/random")
def random():
    """A seeded random example of the asked size, as a permalink."""
    errors = []
    values = {}
    for key, low, high, default in (("n", 1, MAX_DIM, 3), ("m", 1, MAX_DIM, 2), ("seed", 0, 2**32 - 1, 0)):
        text = request.args.get(key, "").strip() or str(default)
        # the length first: int() of more than 4,300 digits raises ValueError (a 500)
        if not text.isascii() or not text.isdigit() or len(text) > 12 or not low <= int(text) <= high:
            errors.append(f"{key} must be a whole number from {low} to {high}; got {text[:20]!r}.")
        else:
            values[key] = int(text)
    hand = request.args.get("hand", "0")
    if hand not in ("0", "1"):
        errors.append(f"hand must be 1 (hand-sized numbers) or 0; got {hand[:20]!r}.")
    concat = request.args.get("concat", "hx")
    if concat not in ("hx", "xh"):
        errors.append(f"concat must be hx or xh; got {concat[:20]!r}.")
    view, problem = practice_view.settings(request.args)  # ?mode=practice&fade=2 ride along
    if problem:
        errors.append(problem)
    if errors:
        return render_template("error.html", code=400, name="Bad random example",
                               message=" ".join(errors)), 400
    make = presets.hand_example if hand == "1" else presets.random_example
    ex = example.from_input(make(**values, concat=concat), grads=False)
    if ex.query:
        return redirect(page_link("forward", ex.query) + view.query, 303)
    return render_page(ex, "forward")


@bp.get("/latex")
@remembered
def latex_text():
    """The whole derivation as LaTeX ($$ … $$ blocks), for the example in the query."""
    return latex_answer(_from_query("forward"), request.args.get("time"))  # the forward steps' LaTeX


def latex_answer(ex: example.Example, time=None) -> Response:
    """The example's forward steps as LaTeX text (also GET /e/<id>/latex)."""
    if not ex.ok:
        body = "".join(f"% {e['field']}: {e['message']}\n" for e in ex.errors)
        return Response(body, 400, mimetype="text/plain")
    steps, pages = ex.result.steps, _paging(ex, "forward", time)
    if pages is None:
        return Response(latex.document(steps), mimetype="text/plain")
    head = f"% {pages.note} Add &time=1 … &time={pages.T} to this address for the others.\n\n"
    return Response(head + latex.document(budget.at_time(steps, pages.time)), mimetype="text/plain")


@bp.get("/healthz")
def healthz():
    """The framework's floor for the benchmark: no parsing, no math, no template."""
    return Response("ok\n", mimetype="text/plain")


@lru_cache(maxsize=None)  # the presets never change: their links are built once
def _preset_queries() -> list[tuple[presets.Preset, str]]:
    return [(p, to_query(p.example) + (f"#{p.fragment}" if p.fragment else "")) for p in presets.PRESETS]


@lru_cache(maxsize=64)  # per mount path, current preset and mode (a few dozen): the same every request
def _presets_view(index_url: str, current: str | None, practising: bool = False) -> Markup:
    """The examples as a compact chooser (<li>s): each title a link, its description on hover
    and in words for screen readers; the one on this page marked (aria-current) and described.
    Practising: the links open in practice mode, without their descriptions (they quote results)."""
    items = []
    for p, query in _preset_queries():
        here = ' aria-current="page"' if p.key == current else ""
        if practising:
            base = query.partition("#")[0]
            href = f"{index_url}?{base}&mode=practice"
            items.append(f'<li><a href="{escape(href)}"{here}>{escape(p.title)}</a></li>')
            continue
        items.append(f'<li><a href="{escape(f"{index_url}?{query}")}"{here} title="{escape(_plain(p.description))}">'
                     f'{escape(p.title)}</a></li>')
    return Markup("\n".join(items))


@lru_cache(maxsize=64)
def _current_description(current: str | None) -> Markup:
    preset = next((p for p in presets.PRESETS if p.key == current), None)
    return latex_to_html(preset.description) if preset else Markup("")


def _plain(latex: str) -> str:
    return re.sub(r"<[^>]+>", "", str(latex_to_html(latex)))


@lru_cache(maxsize=None)
def _preset_keys() -> dict[str, str]:
    """Each preset's link query (its example), to tell which one a page shows."""
    return {to_query(p.example): p.key for p in presets.PRESETS}


def _current_preset(ex: example.Example) -> str | None:
    return _preset_keys().get(ex.query) if ex.ok else None


def _paging(ex: example.Example, part: str, time) -> budget.Paging | None:
    """A large sequence's page shows one time step (`budget.py`): the one asked for, or by
    default where that part starts — t = 1 forward, t = T backward (the walk back begins there)."""
    if not ex.ok:
        return None
    steps = ex.result.grad_steps if part == "backward" else ex.result.steps
    T = ex.inp.T
    return budget.paging(steps, T, time, default=T if part == "backward" else 1)


def _context(ex: example.Example, part: str, time=None, only=None, mode=None, form=None, link_id=None) -> dict:
    """What index.html and its part _worked.html are rendered from. `only`: the ids of the
    steps to show (a teacher's short link, `?steps=`); None shows them all. `mode`: the view
    settings and what was wrong with them (`practice_view.settings`); `form`: a practice
    check's answers (POST /practice); `link_id`: the short link's id, on its pages."""
    pages = _paging(ex, part, time)
    settings, problem = mode or (practice_view.Settings(), None)
    asking = practice = None
    if ex.ok and part == "forward" and settings.practice:
        steps = ex.result.steps
        asked = practice_view.asked_steps(steps, settings.fade)
        attempt = (practice_view.attempt_from_form(form, ex.inp, steps, asked) if form is not None
                   else practice_view.Attempt())
        practice = _practice_links(ex, settings, link_id)
        # Check and Reveal come back to the page as shown: a large sequence's time step, a short
        # link's chosen steps (?steps=)
        kept = ([("time", pages.time)] if pages else []) + \
               ([("steps", request.args.get("steps", ""))] if only is not None else [])
        if kept:
            practice["action"] = _with(practice["action"], "&" + urlencode(kept))
        asking = practice_view.Asking(steps, asked, attempt, practice["action"])
        practice |= dict(
            problem=problem, revealed=" ".join(sorted(attempt.revealed)),
            revealed_note=practice_view.revealed_note(steps, attempt), asked=len(asked), steps=len(steps),
            worked=len(steps) - len(asked))
    view = (page_view(ex.inp, ex.result, notes_for(ex.inp, ex.result), part, pages and pages.time, only, asking)
            if ex.ok else None)
    link = page_link(part, ex.query)
    return dict(
        view=view, part=part, link=link, canonical=public_url(link), link_limit=LINK_LIMIT, pages=pages,
        forward_link=page_link("forward", ex.query), backward_link=page_link("backward", ex.query),
        api_link=f"{url_of('api.lstm_get')}?{ex.query}" if ex.query else None,
        latex_link=f"{url_of('page.latex_text')}?{ex.query}" if ex.query else None,
        # your framework's links and the compare box; not in practice mode (a script prints the answers)
        exports=yours_view.export_view(ex.inp, yours_view.export_urls(ex.query)) if ex.ok and not practice else None,
        layouts=yours_view.layout_links(ex.inp, ex.query) if ex.ok and not practice else None,
        compare_query=None if practice else ex.query,
        practice=practice, settings=settings,
        practice_link=(None if part != "forward" else
                       f"{url_for('links.page', link_id=link_id)}?mode=practice" if link_id else
                       _with(page_link(part, ex.query), "&mode=practice")),
    )


def _with(url: str | None, extra: str) -> str | None:
    """`url` with "&key=value…" added to its query (or starting one)."""
    if not url or not extra:
        return url
    return url + extra if "?" in url else url + "?" + extra[1:]


def _practice_links(ex: example.Example, settings, short: str | None) -> dict:
    """Where a practice page points: its own page worked, the next example (one more step
    asked), the worksheet and its key, the form's action, and what the page's script sends
    to POST /api/v1/check (the example's fields, or its short link)."""
    fields = []  # the example's own fields, when no link carries it
    if short:
        page = url_for("links.page", link_id=short)
        sheet = url_for("links.worksheet", link_id=short)
        action = url_for("links.practice_check", link_id=short)
        body = {"link": short}
    elif ex.query:
        page = page_link("forward", ex.query)
        sheet = f"{url_for('page.worksheet')}?{ex.query}"
        action = f"{url_for('page.practice_check')}?{ex.query}"
        body = example.as_json(ex.inp)
    else:
        # Too large for a link: the form posts the example's fields beside the answers (within
        # the body cap), so Check and Reveal mark this example, never the seed's. There is no
        # address for its worked page or worksheet (its short link has them): those links are
        # left out, and the progress is kept under the example's own digest.
        page = sheet = None
        action = url_for("page.practice_check")
        body = example.as_json(ex.inp)
        fields = sorted(permalink.field_text(ex.inp, ",", ";").items())
    store = page or "example:" + hashlib.blake2b(json.dumps(body, sort_keys=True).encode(), digest_size=12).hexdigest()
    fade = "" if settings.fade is None else f"&fade={settings.fade}"
    inp = ex.inp
    fewer = "" if settings.fade is None else f"&fade={max(settings.fade - 1, 0)}"
    next_link = (f"{url_for('page.random')}?n={inp.n}&m={inp.m}&concat={inp.concat}&hand=1"
                 f"&seed={practice_view.next_seed(ex.query or store)}&mode=practice{fewer}")
    return ViewDict(worked_link=page, next_link=next_link, worksheet_link=_with(sheet, fade),
                    key_link=_with(sheet, fade + "&key=1"), action=_with(action, settings.query),
                    body=body, store=store, fields=fields, check_url=f"{request.script_root}/api/v1/check")


def public_url(link: str | None) -> str | None:
    """The link as the public reaches it: absolute under the PUBLIC_URL setting (e.g.
    https://lstm.example, the app's root), else the path itself. Never from the Host header,
    which the client writes."""
    base = current_app.config.get("PUBLIC_URL")
    if not link or not base:
        return link
    return base.rstrip("/") + link[len(request.script_root):]


def _heading(ex: example.Example) -> str:
    """The page's title, for the example's own cell: "One GRU step", "A sequence of 3 LSTM steps"."""
    if not ex.ok:
        return "One LSTM step, every number written out"
    short = VARIANTS[ex.inp.variant].short
    if ex.inp.is_sequence:
        return f"A sequence of {ex.inp.T} {short} steps, every number written out"
    return f"One {short} step, every number written out"


def render_page(ex: example.Example, part: str, time=None, only=None, mode=None, form=None, link_id=None, **links):
    """`links` replaces the page's links (`_context`): a short link's page (shortlinks.py).
    `mode`, `form`, `link_id`: practice mode (`_context`)."""
    errors = {e["field"]: e["message"] for e in ex.errors}
    fields = ex.fields
    current = _current_preset(ex)
    practising = bool(mode and mode[0].practice)
    # In practice mode the examples' descriptions (which quote results) are left out, and each
    # example opens in practice mode too.
    presets_view = _presets_view(url_of("page.index"), current, practising)
    html = render_template("index.html", fields=fields, errors=errors, form=form_view(fields, errors),
                           heading=_heading(ex),
                           choices=choices(fields, errors),
                           presets=presets_view,
                           preset_description=None if practising else _current_description(current),
                           paste_box=paste_box(links.get("paste")),
                           **{**_context(ex, part, time, only, mode, form, link_id), **links})
    return html, 200 if ex.ok else 400


def paste_box(paste) -> Markup:
    """The paste box (templates/_paste.html). Without a paste of this request's (`yours.py`'s
    answer to one) it is the same on every page of the app: rendered once per app and mount
    path, since its hundred pieces (the frameworks' and cells' options) cost a new page as much
    as the rest of the page's template. Kept in the app, one entry per mount path."""
    if paste is not None:
        return Markup(render_template("_paste.html", paste=paste))
    blocks = current_app.extensions.setdefault("rendered_blocks", {})
    key = ("_paste.html", request.script_root)
    html = blocks.get(key)
    if html is None:
        html = blocks[key] = Markup(render_template("_paste.html", paste=None))
    return html


@bp.post("/fragment")
def fragment():
    """Live editing: the form's fields in, the worked example's HTML out (or the errors), for
    the page's script to swap in without a reload. Text with mistakes is an ordinary answer
    here ({"ok": false, "errors": […]}, status 200), not a failed request: the learner is
    still typing, and the browser would log every 400 as an error in the console."""
    part = request.form.get("part") if request.form.get("part") in PARTS else "forward"
    ex = example.from_pairs(request.form.items(multi=True), grads=part == "backward")
    if not ex.ok:
        return jsonify(ok=False, errors=ex.errors)
    mode = practice_view.settings(request.form)
    context = _context(ex, part, request.form.get("time"), mode=mode)
    html = render_template("_worked.html", **context)
    pages = context["pages"]
    link = page_link(part, ex.query)
    link = link + f"&time={pages.time}" if link and pages else link
    return fragment_json({"ok": True, "errors": [], "html": html, "permalink": link and link + mode[0].query})


def fragment_json(answer: dict) -> Response:
    """A fragment's answer as jsonify writes it (compact, UTF-8, no ASCII escapes, a newline at
    the end), written by orjson: json.dumps without ASCII escapes takes about a millisecond on
    the ~90 KB of HTML, a fifth of a live edit's time; orjson writes the same bytes (the same
    text for every code point but lone surrogates, which form text, decoded from UTF-8, cannot
    hold) in a twentieth. In debug mode jsonify indents its answers: then it writes this one."""
    if current_app.debug:
        return jsonify(answer)
    return current_app.response_class(orjson.dumps(answer, option=orjson.OPT_APPEND_NEWLINE),
                                      mimetype=current_app.json.mimetype)
