"""Markdown written by people (meeting minutes, evaluation outcomes) as safe HTML: rendered by markdown-it-py
(CommonMark) and sanitised by nh3 on every output, so a `<script>`, an `onclick` attribute or a
`javascript:` link in the text never reaches a browser as markup. Raw HTML in the source is not rendered
(it shows as text), and nh3 cleans what the renderer produces, whatever is stored."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_RENDERER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre", "a",
                "hr", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(source: str) -> SafeString:
    """`source` as sanitised HTML. Headings start at h2 (the page has its own h1): `# Kop` renders as h2."""
    html = _RENDERER.render(source or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it
