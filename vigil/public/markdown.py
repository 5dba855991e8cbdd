"""Know-your-rights Markdown → safe HTML: markdown-it (CommonMark, raw HTML off) then nh3 (ammonia) with a short
allow-list. Whatever a coordinator types — a <script>, an onerror, a javascript: link — comes out inert."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr", "code"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto", "tel"}


def render(body: str) -> str:
    return nh3.clean(
        _md.render(body),
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
