"""Raw HTML made harmless: what pandoc wrote goes through nh3 (Ammonia) before a browser sees it.

A chapter may hold raw HTML (pandoc's Markdown passes it through): `<script>`, `<iframe>`, `on*=`
attributes and `javascript:` links are dropped; what pandoc itself writes (sections, notes, figures,
tables, classes and ids) is kept. Used by `cm preview` on every fragment it serves.
"""

from __future__ import annotations

# What pandoc's HTML writer produces beyond nh3's defaults: ids, classes and roles everywhere
# (notes, headings, the cm-number spans), and the few attributes of its tables, lists and figures.
_GENERIC = {"id", "class", "lang", "dir", "title", "role"}
_EXTRA_TAGS = {"section", "math", "video", "audio", "source"}
_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan"},  # no `style`: CSS can still load URLs
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "video": {"src", "controls"},
    "audio": {"src", "controls"},
    "source": {"src", "type"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(fragment: str) -> str:
    """The fragment without active content: no script, style, frame, form, event handler or
    `javascript:`/`data:` URL; relative links and images (inside the book) are kept."""
    import nh3

    attributes = {tag: set(names) for tag, names in _ATTRIBUTES.items()}
    attributes["*"] = set(_GENERIC)
    return nh3.clean(
        fragment,
        tags=set(nh3.ALLOWED_TAGS) | _EXTRA_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
