"""Text into HTML, for the parts of a page written as strings in Python (`render_html`,
`render_svg`, `form`).

`esc(text)` escapes exactly as `markupsafe.escape` does (& < > " ' as &amp; &lt; &gt; &#34;
&#39;), but returns a plain str: `escape` builds a Markup object per call, and a page escapes
several hundred titles, ids and values that are joined into a larger string at once. Wrap the
finished string in `Markup` once.
"""
from __future__ import annotations


def esc(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&#34;").replace("'", "&#39;"))
    return text  # most text has nothing to escape: five searches, no copies
