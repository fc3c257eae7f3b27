"""Short links' routes (storage and ids: `links.py`).

Make one: `POST /api/v1/links` with the API's JSON body (201 {"id", "url"}; 200 when it exists),
or the page's "Short link" button, which posts the page's own form to `POST /e` and is
redirected (303) to the link. Both are rate-limited per client (LINKS_PER_MINUTE) and never
remembered (they write).

Open one: `/e/<id>` (the forward page), `/e/<id>/backward`, `/e/<id>/latex`,
`GET /api/v1/links/<id>` (the example's input, as you would POST it); `GET /api/v1/lstm?link=<id>`
is in api.py. A link's content never changes, so these are remembered like permalinks. View
options ride on the link without making a row: `?step=f.sigmoid` opens at a step (a redirect to
`#f.sigmoid`, which the page's script and the browser both follow), `?steps=f.matmul,f.bias` shows
only those steps, `?time=7` a large sequence's time step.
"""
from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from werkzeug.exceptions import TooManyRequests

from . import api, example, links, parse, parse_framework, practice_view, views, yours_view
from .budget import time_of
from .cache import remembered
from .ratelimit import SlidingWindow

bp = Blueprint("links", __name__)

_STEP_ID = re.compile(r"[A-Za-z0-9_.]{1,100}")
_TIME_PREFIX = re.compile(r"(^|\.)t\d+\.")  # t3.f.matmul, grad.t3.f.matmul.W_f
MAX_ASKED_STEPS = 200


def init_app(app) -> None:
    links.init_app(app)
    app.extensions["links_rate"] = SlidingWindow(app.config["LINKS_PER_MINUTE"])
    app.register_blueprint(bp)


# ----------------------------------------------------------------------------- making a link

@bp.post("/api/v1/links")
def create_json():
    _admit()
    body, problem = api.read_json_body()
    if problem is not None:
        return problem
    if isinstance(body, dict):  # the API's answer options are not part of the example
        for key in (*api.ANSWER_OPTIONS, "compare"):
            body.pop(key, None)
    if isinstance(body, dict) and "framework" in body:  # a framework's tensors: the link is our example
        inp, _, errors = parse_framework.parse_framework_json(body)
    else:
        inp, errors = parse.parse_json_fields(body)
    if errors:
        return api._errors(errors)
    key, created = links.create(inp)
    url = url_for("links.page", link_id=key)
    if created:
        return jsonify(id=key, url=url), 201, {"Location": url}
    return jsonify(id=key, url=url), 200


@bp.post("/e")
def create_form():
    """The page's "Short link" button: the page's form, posted here (formaction)."""
    _admit()
    part = "backward" if request.form.get("part") == "backward" else "forward"
    fields, inp, errors = example.parse_pairs(request.form.items(multi=True))
    if errors:
        return views.render_page(example.Example(typed=fields, errors=errors), part)
    key, _ = links.create(inp)
    target = url_for("links.backward_page" if part == "backward" else "links.page", link_id=key)
    time = (request.form.getlist("time") or [""])[-1]  # a large sequence's page: keep its time step
    if time.isascii() and time.isdigit() and len(time) <= 3:
        target += f"?time={time}"
    mode, _ = practice_view.settings(request.form)  # a practice page's short link opens in practice mode
    if mode.practice and part == "forward":
        target += ("&" if "?" in target else "?") + mode.query[1:]
    return redirect(target, 303)


def _admit() -> None:
    """429 with Retry-After when this client has made LINKS_PER_MINUTE links in the last minute."""
    wait = current_app.extensions["links_rate"].hit(client_address())
    if wait is not None:
        limit = current_app.config["LINKS_PER_MINUTE"]
        raise TooManyRequests(f"Too many new short links from this address: at most {limit} a minute. "
                              f"Try again in {wait} s.", retry_after=wait)


def client_address() -> str:
    """The peer's address; behind LINKS_TRUSTED_PROXIES proxies that each append the address
    they saw to X-Forwarded-For, the entry the outermost of them wrote (a client can put anything
    before it, nothing after it)."""
    hops = current_app.config["LINKS_TRUSTED_PROXIES"]
    if hops:
        forwarded = [a.strip() for a in ",".join(request.headers.getlist("X-Forwarded-For")).split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


# ----------------------------------------------------------------------------- opening a link

@bp.get("/e/<link_id>")
@remembered
def page(link_id: str):
    return _page(link_id, "forward")


@bp.get("/e/<link_id>/backward")
@remembered
def backward_page(link_id: str):
    return _page(link_id, "backward")


@bp.get("/e/<link_id>/latex")
@remembered
def latex(link_id: str):
    ex = example.from_input(links.resolve(link_id), grads=False)
    return views.latex_answer(ex, request.args.get("time"))


@bp.get("/e/<link_id>/worksheet")
@remembered
def worksheet(link_id: str):
    """The example as a practice worksheet (LaTeX), `?fade=k`, `?key=1` for the answer key."""
    ex = example.from_input(links.resolve(link_id), grads=False)
    return views.worksheet_answer(ex, views.public_url(url_for("links.page", link_id=link_id)))


@bp.post("/e/<link_id>/practice")
def practice_check(link_id: str):
    """Practice mode without JavaScript, on a short link (views.practice_check)."""
    return _page(link_id, "forward", form=request.form)


@bp.get("/api/v1/links/<link_id>")
@remembered
def input_json(link_id: str):
    """The example's input: the fields you would POST (each field the example has, settings
    included; a field left out would be at its default)."""
    return jsonify(as_json(links.resolve(link_id)))


as_json = example.as_json  # the example's input as the API takes it (practice mode uses it too)


def _page(link_id: str, part: str, form=None):
    """`form`: a practice check's answers (POST /e/<id>/practice): the page in practice mode."""
    inp = links.resolve(link_id)
    step = request.args.get("step", "")
    if _STEP_ID.fullmatch(step):  # open at that step: the fragment is how the page names one
        rest = {key: request.args.getlist(key) for key in request.args if key != "step"}
        return redirect(url_for(request.endpoint, link_id=link_id, _anchor=step, **rest), 302)
    ex = example.from_input(inp, grads=part == "backward")
    only, note = None, None
    if "steps" in request.args and ex.ok:
        only, note = _only_steps(ex, part, request.args["steps"])
    forward = url_for("links.page", link_id=link_id)
    backward = url_for("links.backward_page", link_id=link_id)
    here = backward if part == "backward" else forward
    short = {"url": here, "public": views.public_url(here), "note": note,
             "permalink": views.page_link(part, ex.query)}  # the example in the URL, when it fits
    mode, problem = practice_view.settings(request.args)
    if form is not None:
        mode = practice_view.Settings(True, mode.fade)
    return views.render_page(ex, part, request.args.get("time"), only, mode=(mode, problem), form=form, link_id=link_id,
                         link=here, canonical=views.public_url(here), short=short,
                         forward_link=forward, backward_link=backward,
                         api_link=url_for("api.lstm_get", link=link_id),
                         latex_link=url_for("links.latex", link_id=link_id),
                         exports=None if mode.practice else yours_view.export_view(inp, _export_urls(ex.query, link_id)))


def _export_urls(query: str | None, link_id: str) -> dict:
    """The scripts' links on a short link's page: by the example in the URL when it fits one (the
    same links as its permalink's page), else by the short link."""
    return yours_view.export_urls(query) if query else yours_view.export_urls(link_id=link_id)


def _only_steps(ex: example.Example, part: str, asked: str) -> tuple[set[str] | None, str]:
    """The ids of the steps to show (by id; in a sequence, `f.matmul` means it at every time
    step; None: all), and the note that says so (and names any id that is not a step here)."""
    wanted = [w.strip() for w in asked.split(",") if w.strip()][:MAX_ASKED_STEPS]
    steps = ex.result.grad_steps if part == "backward" else ex.result.steps
    known = {s.id for s in steps} | {_untimed(s.id) for s in steps}
    unknown = [w for w in wanted if w not in known]
    chosen = [s for s in steps if s.id in wanted or _untimed(s.id) in wanted]
    missing = ""
    if unknown:
        names = ", ".join(w[:40] for w in unknown[:10]) + (", …" if len(unknown) > 10 else "")
        missing = f"Not steps of this example (step ids are like f.matmul): {names}."
    if not chosen:
        return None, f"This link asks for steps that this example does not have, so all {len(steps)} are shown. {missing}"
    return {s.id for s in chosen}, f"This link shows {len(chosen)} of the example's {len(steps)} steps. {missing}".strip()


def _untimed(step_id: str) -> str:
    return _TIME_PREFIX.sub(r"\1", step_id, count=1) if time_of(step_id) is not None else step_id
