"""What the example's page shows of your framework: the export links, and the mapping of the
example onto a framework's layout (`GET /?<permalink query>&framework=pytorch`). Read by
`views.py` (every page) and `yours.py` (the paste box's answer)."""
from __future__ import annotations

from types import SimpleNamespace as View

from flask import url_for
from markupsafe import Markup

from . import export, frameworks
from .cache import url_of
from .markup import esc
from .pictures.mapping import mapping_view


def framework_link(query: str | None, framework: str) -> str | None:
    """The example's page with the mapping onto `framework`'s layout drawn."""
    return f"{url_of('page.index')}?{query}&framework={framework}" if query else None


def layout_links(inp, query: str | None) -> Markup | None:
    """Links to this example drawn in each framework's layout that has its cell (HTML; empty
    when none has it)."""
    if inp is None or query is None:
        return None
    have = [f for f in frameworks.FRAMEWORKS if _has_cell(f, inp.variant)]
    page = esc(f"{url_of('page.index')}?{query}")  # framework_link's, escaped once for all of them
    return Markup("".join([f'<a href="{page}&amp;framework={f}#mapping">{esc(frameworks.TITLES[f])}</a>'
                           for f in have]))


def _has_cell(framework: str, variant: str) -> bool:
    """The framework's layouts (layouts.LAYOUTS) have this cell; the peephole LSTM is ONNX's with P."""
    if variant == "peephole":
        return framework == "onnx"
    return variant in frameworks.LAYOUTS[framework]["variants"]


def export_urls(query: str | None = None, link_id: str | None = None) -> dict[str, str] | None:
    """The example's export URLs, keyed numpy, pytorch, keras, tensors (same-origin paths)."""
    if link_id is not None:
        return {kind: url_for("yours.link_export", link_id=link_id, kind=kind) for kind in export.KINDS}
    if query is None:
        return None
    return {kind: f"{url_of('yours.export_file', kind=kind)}?{query}" for kind in export.KINDS}


def export_view(inp, urls: dict | None) -> View | None:
    """The page's export links (`links`: a link per kind the example has a script for) and the
    sentences why the others have none (`why`), as HTML."""
    if urls is None or inp is None:
        return None
    links, whys = [], []
    for kind in export.KINDS:
        why = export.unavailable(kind, inp)
        if why:
            whys.append(f'<span class="why">{esc(why)}</span>')
        else:
            links.append(f'<a href="{esc(urls[kind])}">{esc(export.TITLES[kind])}</a>')
    return View(links=Markup("".join(links)), why=Markup("".join(whys)))


def framework_view(inp, framework: str | None):
    """The mapping of an example onto a framework's layout (GET /?…&framework=pytorch): its tensors
    as `from_fields` writes them (where the framework has two biases, all in the input one), or
    None with the sentence why not."""
    if inp is None or framework not in frameworks.FRAMEWORKS:
        return None, None
    variant = "peephole" if inp.variant == "peephole" else inp.variant
    try:
        tensors = export.framework_tensors(framework, inp)
        options = export.options(framework, inp)
        _, mapping = frameworks.to_fields(framework, variant, tensors, {**options, "concat": inp.concat})
    except (frameworks.FrameworkError, KeyError) as e:
        message = str(e) if isinstance(e, frameworks.FrameworkError) else f"{frameworks.TITLES[framework]} has no {inp.variant} cell."
        return None, message
    return mapping_view(framework, variant, tensors, mapping, inp.n, inp.m, inp.concat, options), None
