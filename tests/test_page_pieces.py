"""The page's pieces written in Python for speed (the cold path, BENCHMARKS.md) are byte for
byte what the general path wrote before them: the Jinja loops they replace (kept here as the
reference, as the templates had them), json.dumps for a fragment's answer, and a plain
restatement of a matrix's markup. Random valid and invalid input (hypothesis)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from app import create_app, fmt, permalink, presets, views, yours_view
from app.fields import FIELDS
from app.form import choices, form_view
from app.pictures import carousel_plot
from app.render_html import ViewDict, groups_view, groups_html, latex_to_html, matrix_html
from app.render_svg import carousel_svg
from app.cells import VARIANTS
from app.sequence import unroll
from app.trace import Sym

SETTINGS = dict(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text a learner can type: anything but lone surrogates (the form's text is UTF-8), with the
# characters HTML escapes and the line breaks a matrix has.
TYPED = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from("<>&\"'\n;,")),
                max_size=40)


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "RESPONSE_CACHE_ENTRIES": 0})


def render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return app.jinja_env.from_string(source).render(**context)


# ------------------------------------------------------------------------------ the form

# index.html's loops before the form's pieces were written in Python (form.py)
CHOICES_LOOP = """{% for c in choices %}
    <span class="choice{% if c.error %} invalid{% endif %}">
    <label for="field-{{ c.name }}">{{ c.label }}</label>
    <select name="{{ c.name }}" id="field-{{ c.name }}"{% if c.error %} aria-invalid="true" aria-describedby="error-{{ c.name }}"{% endif %}>
      {{ c.options_html }}
    </select>
    {% if c.error %}<span class="error" id="error-{{ c.name }}">{{ c.error|subscripts }}</span>{% endif %}
    </span>
  {% endfor %}"""
FIELDSETS_LOOP = """{% for group in form %}
    {% if group.kind == "more" %}<details class="more"{% if group.open %} open{% endif %}><summary>{{ group.title }}</summary>{% endif %}
    <fieldset class="{{ group.kind }}">
      <legend>{{ group.title }} <span class="eq">{{ group.equation }}</span></legend>
      {% for f in group.inputs %}
      {{ f.html }}
      {% endfor %}
    </fieldset>
    {% if group.kind == "more" %}</details>{% endif %}
  {% endfor %}"""

NAMES = [f.name for f in FIELDS]


@settings(**SETTINGS)
@given(texts=st.dictionaries(st.sampled_from(NAMES), TYPED, max_size=8),
       errors=st.dictionaries(st.sampled_from(NAMES), TYPED.filter(bool), max_size=4),
       variant=st.sampled_from([*VARIANTS, "zzz", ""]))
def test_form_pieces_are_the_template_loops(app, texts, errors, variant):
    fields = {**texts, "variant": variant}
    for _ in range(2):  # written, then remembered (form.py's memos): each checked against the loops
        form, selects = form_view(fields, errors), choices(fields, errors)
        assert "".join(c.html for c in selects) == render(app, CHOICES_LOOP, choices=selects)
        ours = "".join(g.html for g in form)
        # the template had each input as Markup (copies: the form's views are remembered, read only)
        reference = [ViewDict(title=g.title, equation=g.equation, kind=g.kind, open=g.open,
                              inputs=[ViewDict(html=Markup(i.html)) for i in g.inputs]) for g in form]
        assert ours == render(app, FIELDSETS_LOOP, form=reference)
        for name, text in texts.items():  # nothing typed is lost or unescaped
            if name not in ("variant", "concat", "gru_reset") and (text or name in errors):
                assert str(Markup.escape(text)) in ours


def test_a_long_field_is_written_the_same_as_a_short_one():
    """Texts over the remembered size are written, not remembered: the same markup."""
    long_text = "1, 2, 3\n" * 800
    a = form_view({"W_f": long_text, "x": "1"}, {"W_f": "W_f must be 3×6"})
    b = form_view({"W_f": long_text[:-8] + "1, 2, 3\n", "x": "1"}, {"W_f": "W_f must be 3×6"})
    assert [g.html for g in a] == [g.html for g in b] and "&lt;" not in a[1].html


# ------------------------------------------------------------------- a fragment's answer

@settings(**SETTINGS)
@given(html=st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
       permalink_=st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)))),
       errors=st.lists(st.fixed_dictionaries({"field": st.sampled_from(NAMES), "message": TYPED}), max_size=3))
def test_fragment_json_is_jsonify(app, html, permalink_, errors):
    answer = {"ok": True, "errors": errors, "html": html, "permalink": permalink_}
    with app.test_request_context("/"):
        ours, flask = views.fragment_json(answer), app.json.response(**answer)
        assert ours.get_data() == flask.get_data()
        assert ours.headers["Content-Type"] == flask.headers["Content-Type"] == "application/json"


def test_fragment_json_is_jsonify_for_every_code_point(app):
    """Every code point but the surrogates, in one string (the hypothesis test above draws a few)."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    answer = {"ok": True, "errors": [{"field": "x", "message": every}], "html": every, "permalink": every}
    with app.test_request_context("/"):
        assert views.fragment_json(answer).get_data() == app.json.response(**answer).get_data()


def test_fragment_json_in_debug_mode_is_jsonify_s_indented_answer():
    debug = create_app({"TESTING": True, "DEBUG": True})
    answer = {"ok": True, "errors": [], "html": "<p>x</p>", "permalink": "/?x=1"}
    with debug.test_request_context("/"):
        ours = views.fragment_json(answer).get_data()
        assert ours == debug.json.response(**answer).get_data() and b"\n  " in ours


def test_fragment_answer_carries_the_page_s_worked_example(app):
    client = app.test_client()
    inp = presets.ANSWER
    r = client.post("/fragment", data={**permalink.field_text(inp), "variant": inp.variant, "concat": inp.concat})
    assert r.status_code == 200
    answer = json.loads(r.get_data())
    page = client.get("/?" + permalink.to_query(inp)).get_data(as_text=True)
    assert answer["ok"] is True and answer["errors"] == [] and answer["html"].strip() in page
    assert answer["permalink"] == "/?" + permalink.to_query(inp)


# --------------------------------------------------------------------------- a matrix

def reference_matrix(value: np.ndarray, latex: str, field: str, scale: str | None, saturated) -> str:
    """A matrix's markup written plainly: each entry with its colour class, the exact value on
    hover when rounded (or why it is saturated), the caption with its symbol, shape and range."""
    xs = value.ravel().tolist()
    if scale == "sigmoid":
        tones, range_text = [f"s{round(10 * x)}" for x in xs], "0 … 1"
    elif scale == "tanh":
        tones, range_text = [f"d{round(5 * x)}" for x in xs], "−1 … 1"
    else:
        top = max(abs(x) for x in xs)
        tones = [f"d{round(5 * x / top)}" if top else "d0" for x in xs]
        range_text = f"−{fmt.show(top)} … {fmt.show(top)}" if top else "all zero"
    cells = []
    for k, (x, tone) in enumerate(zip(xs, tones)):
        why = saturated[k] if saturated else ""
        if why:
            cells.append(f'<td class="sat {tone}" title="{Markup.escape(why)}">{fmt.show(x)}</td>')
        else:
            title = f' title="{fmt.exact(x)}"' if fmt.is_rounded(x) else ""
            cells.append(f'<td class="{tone}"{title}>{fmt.show(x)}</td>')
    cols = 1 if value.ndim == 1 else value.shape[1]
    rows = "".join("<tr>" + "".join(cells[i:i + cols]) + "</tr>" for i in range(0, len(cells), cols))
    shape = f"{value.shape[0]}×{cols}"
    kind = f"column vector of {value.shape[0]}" if value.ndim == 1 else f"{value.shape[0]} by {cols} matrix"
    plain = str(latex_to_html(latex)).replace("<sub>", "").replace("</sub>", "")
    data_field = f' data-field="{field}"' if field else ""
    return (f'<figure class="mat"><span class="bk"><table aria-label="{Markup.escape(f"{plain}, {kind}")}"'
            f'{data_field}><tbody>{rows}</tbody></table></span>\n<figcaption>{latex_to_html(latex)} '
            f'<span class="shape">{shape}</span> <span class="range" title="colour scale of this matrix">'
            f'{Markup.escape(range_text)}</span></figcaption></figure>')


NUMBERS = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000).map(float),
                    st.sampled_from([0.0, -0.0, 1e-7, -3.25e-12, 5e-324, 0.1, 0.30000000000000004, 92.0]))


@settings(**SETTINGS)
@given(data=st.data(), rows=st.integers(1, 5), cols=st.integers(0, 5), scale=st.sampled_from([None, "sigmoid", "tanh"]),
       editable=st.booleans(), latex=st.sampled_from(["W_f", "z_f", r"\tilde{C}_t", "h_{t-1}", "b_{hn}"]))
def test_matrix_html_is_the_plain_markup(data, rows, cols, scale, editable, latex):
    shape = (rows,) if cols == 0 else (rows, cols)
    if scale == "sigmoid":
        numbers = st.floats(0, 1)
    elif scale == "tanh":
        numbers = st.floats(-1, 1)
    else:
        numbers = NUMBERS
    value = np.array(data.draw(st.lists(numbers, min_size=int(np.prod(shape)), max_size=int(np.prod(shape)))),
                     dtype=np.float64).reshape(shape)
    saturated = None
    if cols == 0 and data.draw(st.booleans()):
        saturated = data.draw(st.lists(st.sampled_from(["", "σ(92) = 1 − 1.1×10⁻⁴⁰ <stored> as 1"]),
                                       min_size=rows, max_size=rows))
    sym = Sym("W_f" if editable else "z", latex, value)
    expected = reference_matrix(value, latex, "W_f" if editable else "", scale, saturated)
    assert matrix_html(sym, saturated, scale, editable) == expected
    assert matrix_html(sym, saturated, scale, editable) == expected  # remembered: the same


# ----------------------------------------------------------------- groups, links, carousel

GROUP_LOOPS = ("{% for group in groups %}{{ group.jump }}{% endfor %}",
               "{% for group in groups %}\n  {{ group.html }}\n  {% endfor %}")


@pytest.mark.parametrize("preset", presets.PRESETS, ids=lambda p: p.key)
def test_groups_html_is_the_template_loops(app, preset):
    for part in ("forward", "backward"):
        res = unroll(preset.example)
        groups = groups_view(res.grad_steps if part == "backward" else res.steps, {})
        jump, steps = groups_html(groups)
        with_markup = [ViewDict(jump=Markup(g.jump), html=Markup(g.html)) for g in groups]
        assert jump == render(app, GROUP_LOOPS[0], groups=with_markup)
        assert steps == render(app, GROUP_LOOPS[1], groups=with_markup)


LINK_LOOPS = """{% if exports %}<p class="exports">Run it yourself:
  {% for e in exports %}{% if not e.why %}<a href="{{ e.url }}">{{ e.title }}</a>{% endif %}{% endfor %}
  {% for e in exports %}{% if e.why %}<span class="why">{{ e.why }}</span>{% endif %}{% endfor %}</p>{% endif %}
  {% if layouts %}<p class="exports">These weights in a framework's layout:
  {% for l in layouts %}<a href="{{ l.url }}#mapping">{{ l.title }}</a>{% endfor %}</p>{% endif %}"""
LINK_PIECES = """{% if exports %}<p class="exports">Run it yourself:
  {{ exports.links }}
  {{ exports.why }}</p>{% endif %}
  {% if layouts %}<p class="exports">These weights in a framework's layout:
  {{ layouts }}</p>{% endif %}"""


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_export_and_layout_links_are_the_template_loops(app, variant):
    from app import export, frameworks
    inp = presets.variant_example(variant, 2, 3, seed=2)
    query = permalink.to_query(inp) + "&x=<'\"&>"  # any query text is escaped the same way
    with app.test_request_context("/"):
        urls = yours_view.export_urls(query)
        old_exports = [dict(kind=k, title=export.TITLES[k], url=urls[k], why=export.unavailable(k, inp))
                       for k in export.KINDS]
        # the frameworks whose layouts have this cell (the peephole LSTM is ONNX's, with P)
        have = [f for f in frameworks.FRAMEWORKS
                if (f == "onnx" if variant == "peephole" else variant in frameworks.LAYOUTS[f]["variants"])]
        old_layouts = [dict(title=frameworks.TITLES[f], url=yours_view.framework_link(query, f)) for f in have]
        new = render(app, LINK_PIECES, exports=yours_view.export_view(inp, urls),
                     layouts=yours_view.layout_links(inp, query))
    assert new == render(app, LINK_LOOPS, exports=old_exports, layouts=old_layouts)
    assert "&amp;x=&lt;&#39;&#34;&amp;&gt;" in new


CAROUSEL_TEMPLATE = """{% from "macros/svg.html" import svg_text -%}
<svg class="carousel-plot" viewBox="0 0 {{ c.width }} {{ c.height }}" width="{{ c.width }}" height="{{ c.height }}" role="img" aria-labelledby="carousel-title carousel-desc">
      <title id="carousel-title">{{ c.title }}</title>
      <desc id="carousel-desc">{{ c.desc }}</desc>
      {% for x1, y1, x2, y2 in c.grid %}<line class="grid" x1="{{ x1 }}" y1="{{ y1 }}" x2="{{ x2 }}" y2="{{ y2 }}"/>{% endfor %}
      <path class="axes" d="{{ c.axes }}"/>
      {% for t in c.ticks %}<text class="tick {{ t.cls }}" x="{{ t.x }}" y="{{ t.y }}">{{ t.text }}</text>{% endfor %}
      {{ svg_text(c.x_name, "axis-name mid", c.x_name_at[0], c.x_name_at[1]) }}
      {{ svg_text(c.y_name, "axis-name", c.y_name_at[0], c.y_name_at[1]) }}
      <g class="series cec" data-series="cec"><title>{{ c.cec.title }}</title><polyline points="{{ c.cec.points }}"/>
      {% for m in c.cec.marks %}<g class="pt" data-k="{{ m.k }}" data-j="{{ m.j }}"><title>{{ m.title }}</title><circle cx="{{ m.cx }}" cy="{{ m.cy }}" r="2.4"/></g>{% endfor %}
      </g>
      <text class="cec-label {{ c.cec_label.cls }}" x="{{ c.cec_label.x }}" y="{{ c.cec_label.y }}">{{ c.cec_label.text }}</text>
      {% for l in c.lines %}
      <g class="series {{ l.cls }}" data-series="{{ l.series }}">{% if l.band %}<polygon class="band" points="{{ l.band }}"/>{% endif %}<polyline points="{{ l.points }}"/>
      {% for m in l.marks %}<g class="pt" data-k="{{ m.k }}" data-j="{{ m.j }}"><title>{{ m.title }}</title><circle cx="{{ m.cx }}" cy="{{ m.cy }}" r="2.6"/></g>{% endfor %}
      </g>
      {% endfor %}
      {% for t in c.labels %}<text class="{{ t.cls }}" x="{{ t.x }}" y="{{ t.y }}">{{ t.text }}</text>{% endfor %}
    </svg>"""


@settings(**SETTINGS)
@given(variant=st.sampled_from(["lstm", "no_forget", "peephole", "coupled"]), n=st.integers(1, 9), m=st.integers(1, 3),
       T=st.integers(1, 12), seed=st.integers(0, 2**16), scale=st.sampled_from([1.0, 30.0]))
def test_carousel_svg_is_the_template(app, variant, n, m, T, seed, scale):
    inp = presets.variant_example(variant, n, m, T, seed=seed)
    inp = type(inp).of(**{**{k: inp[k] * scale for k in inp.arrays}, "variant": variant, "concat": inp.concat})
    spec = VARIANTS[variant]
    c = carousel_plot(inp, unroll(inp), **spec.carousel)
    assert carousel_svg(c) == render(app, CAROUSEL_TEMPLATE, c=c)


# ------------------------------------------------------------------------- the rest

def test_view_dict_reads_keys_as_attributes_and_misses_as_jinja_does(app):
    v = ViewDict(groups=[1], loss=None)
    assert v.groups == [1] and v["groups"] == [1] and v.loss is None and isinstance(v, dict)
    with pytest.raises(AttributeError):
        _ = v.chain
    assert render(app, "{{ v.groups[0] }}|{% if v.chain %}x{% endif %}|{{ v.keys is defined }}", v=v) == "1||True"


def test_url_of_remembers_only_urls_that_are_the_same_on_every_request(app):
    from app import cache
    with app.test_request_context("/"):
        for k in range(50):
            assert cache.url_of("links.page", link_id=f"id{k}") == f"/e/id{k}"
        assert cache.url_of("yours.export_file", kind="numpy") == "/export/numpy"
        remembered = app.extensions["remembered_urls"]
        assert not any("links.page" in key for key in remembered)  # a short link's id: never kept
    with app.test_request_context("/", base_url="http://evil.example"):
        assert cache.url_of("page.index", _external=True) == "http://evil.example/"
    with app.test_request_context("/", base_url="http://lstm.example"):
        assert cache.url_of("page.index", _external=True) == "http://lstm.example/"  # not the last host's


def test_long_texts_and_large_tables_are_written_but_not_remembered():
    """What is kept across requests is bounded in bytes, not only in entries: a hostile 4 KiB
    field (escaped six times over) or a 32×64 table is written each time, never remembered."""
    from app import form, render_html
    hostile = "&" * 600 + "😀"
    before = form._remembered_input_html.cache_info().currsize
    form_view({"W_f": hostile, "variant": "lstm"}, {})
    choices({"variant": hostile}, {})
    assert form._remembered_input_html.cache_info().currsize == before
    W = Sym("W_f", "W_f", np.arange(32 * 64, dtype=float).reshape(32, 64))
    tables = render_html._remembered_matrix_html.cache_info().currsize
    html = matrix_html(W, editable=True)
    assert render_html._remembered_matrix_html.cache_info().currsize == tables and html.count("<td") == 32 * 64
