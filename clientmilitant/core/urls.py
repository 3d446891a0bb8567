"""Blog addresses: the one place that compares URLs and reads platforms' slugs. Pure."""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from clientmilitant.core.text import fold


@functools.cache
def normalize_url(url: str) -> str:
    """The URL as a key: scheme, `www.`, host case and a final `/` ignored."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


@functools.cache
def host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


def netloc(url: str) -> str:
    """The host as written (`jbp.typepad.com`), '' for no URL or a relative one."""
    return urlsplit(url).netloc if url else ""


_URL_SLUG = re.compile(r"/(\d{4})/(\d{2})/(?:\d{2}/)?([^/]+?)(?:\.html?|\.php)?/?$")


@functools.cache
def url_slug(url: str) -> tuple[str, str] | None:
    """`('2007-12', 'le-modle-radio')` for `…/jb/2007/12/le-modle-radio.html`."""
    match = _URL_SLUG.search(urlsplit(url).path)
    if not match:
        return None
    return f"{match[1]}-{match[2]}", match[3].lower()


def _collapse(slug: str) -> str:
    return "-".join(part for part in slug.split("-") if part)


def title_slugs(title: str) -> list[str]:
    """The title as Typepad (accented letters dropped) and Blogger/WordPress (accents folded) slug it."""
    lowered = title.casefold().replace("'", "").replace("’", "")
    dropped = "".join(c for c in lowered if c.isascii())
    return [_collapse(re.sub(r"[^a-z0-9]+", "-", variant)) for variant in (dropped, fold(lowered))]


def slug_matches(slug: str, title: str) -> bool:
    """A platform's slug is the title, shortened: a prefix of it, or its words in the same order."""
    wanted = _collapse(slug)
    if len(wanted) < 4:
        return False
    for candidate in title_slugs(title):
        if candidate == wanted or (len(wanted) >= 8 and candidate.startswith(wanted)):
            return True
        words, it = wanted.split("-"), iter(candidate.split("-"))
        if len(words) >= 3 and all(word in it for word in words):
            return True
    return False


def site(url: str) -> str:
    """`jbp.typepad.com` for `http://jbp.typepad.com/jb/…`: where a post was published, as written."""
    return urlsplit(url).netloc


def last_name(url: str) -> str:
    """The last part of the address's path without its extension (`le-modle-radio` for
    `…/2007/12/le-modle-radio.html`); '' when the path is empty."""
    path = [part for part in urlsplit(url).path.split("/") if part]
    return re.sub(r"\.\w+$", "", path[-1]) if path else ""


def is_web(url: str) -> bool:
    """An http or https address."""
    return urlsplit(url).scheme.startswith("http")
