"""Web addresses: the one place that takes a URL apart (site, host, the key two addresses of the
same post share, a blog post's year-month and slug).

Pure. The keys are cached per distinct address: importing 1,000 posts compares each with every
registered source.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

_BLOG_SLUG = r"/(\d{4})/(\d{2})/(?:\d{2}/)?([^/]+?)(?:\.html?|\.php)?/?$"


def site(url: str) -> str:
    """`jbp.typepad.com` for `http://jbp.typepad.com/jb/…`: where a post was published, as written."""
    return urlsplit(url).netloc


@functools.cache
def host(url: str) -> str:
    """The site, lower case, without `www.`: two addresses of one site compare equal."""
    return urlsplit(url).netloc.lower().removeprefix("www.")


@functools.cache
def normalize_url(url: str) -> str:
    """The key two spellings of one address share: host without `www.`, no trailing slash, no scheme."""
    parts = urlsplit(url.strip())
    return f"{host(url.strip())}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


@functools.cache
def url_slug(url: str) -> tuple[str, str] | None:
    """`('2007-12', 'le-modle-radio')` for `…/jb/2007/12/le-modle-radio.html`; None for another shape."""
    match = re.search(_BLOG_SLUG, urlsplit(url).path)
    if not match:
        return None
    return f"{match[1]}-{match[2]}", match[3].lower()


def last_name(url: str) -> str:
    """The last part of the address's path without its extension (`le-modle-radio` for
    `…/2007/12/le-modle-radio.html`); '' when the path is empty."""
    path = [part for part in urlsplit(url).path.split("/") if part]
    return re.sub(r"\.\w+$", "", path[-1]) if path else ""


def is_web(url: str) -> bool:
    """An http or https address."""
    return urlsplit(url).scheme.startswith("http")
