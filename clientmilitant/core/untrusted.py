"""Text that comes from outside — chapters, imported posts and feeds: control characters, links, raw HTML.

Pure functions. The export's own guarantee lies in filters/safety.lua (pandoc's AST, not text);
these find the same things in a chapter's text so that `cm check` can name file and line, and
keep control characters away from the terminal and from every file cm writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from clientmilitant.core.errors import CmError
from clientmilitant.core.words import blank_out_unread

# C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates.
_CONTROLS = "".join(chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)])
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SHOWN = re.compile(f"[{re.escape(_CONTROLS + _BIDI)}]")
_SHOWN_BUT_CR = f"[{re.escape(_CONTROLS.replace(chr(13), '') + _BIDI)}]"

SAFE_SCHEMES = ("http", "https", "mailto")
ACTIVE_TAGS = frozenset(
    "script iframe frame frameset object embed applet form input button textarea select style link meta base svg math"
    .split()
)  # fmt: skip
URL_ATTRIBUTES = frozenset("href src action formaction data poster background xlink:href srcset cite".split())
# Patterns as text: `re` compiles each on first use and keeps it (most commands never scan Markdown)
_SCHEME = r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):"
_MD_IMAGE = r"!\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]+)"
_MD_LINK = r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^\s)>]+)"
_MD_REFERENCE = r"(?m)^ {0,3}\[([^\]]+)\]:\s*<?([^\s>]+)"
# an image by reference: ![text][label], ![label][] or ![label] (no "(" after it)
_MD_IMAGE_REFERENCE = r"!\[((?:[^\]\\]|\\.)*)\](?:\[((?:[^\]\\]|\\.)*)\])?(?![(\[])"


def strip_controls(text: str, keep_cr: bool = False) -> str:
    """`text` without control characters (tab and newline kept; carriage return when asked) or bidi overrides.

    A regular expression, not str.translate: translate looks every character of a non-ASCII text
    up in a dict (0.37 s for a 1,000-post blog's bodies, against 0.03 s)."""
    pattern = re.compile(_SHOWN_BUT_CR) if keep_cr else _SHOWN
    return pattern.sub("", text) if pattern.search(text) else text


def has_controls(text: str) -> bool:
    return bool(_SHOWN.search(text))


def refuse_controls(text: str, what: str) -> str:
    """`text` typed on the command line, refused when it holds a control character or a bidi override:
    cm never stores what it would have to strip or escape later."""
    if found := _SHOWN.search(text):
        raise CmError(
            f"{what} holds the control character {escape_controls(found[0])} (at character {found.start() + 1})",
            "type it without: cm stores no control characters or bidi overrides",
        )
    return text


def escape_controls(text: str, keep: str = "\n\t") -> str:
    """Control characters and bidi overrides shown as `\\x1b`, `\\u202e`: what a terminal may print."""

    def shown(match: re.Match) -> str:
        char = match[0]
        if char in keep:
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _SHOWN.sub(shown, text)


_TERMINAL = re.compile(f"(\x1b\\[[0-9;]*m)|[{re.escape(_CONTROLS.replace(chr(9), '').replace(chr(10), '') + _BIDI)}]")


def escape_terminal(text: str) -> str:
    """`escape_controls` for a terminal stream, except the colour codes (ESC [ … m) cm's renderer writes."""
    if not _TERMINAL.search(text):
        return text

    def shown(match: re.Match) -> str:
        if match[1]:
            return match[1]
        char = match[0]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _TERMINAL.sub(shown, text)


_JSON_RAW = f"[{re.escape(''.join(chr(c) for c in range(0x7F, 0xA0)) + _BIDI)}]"


def json_escape_controls(text: str) -> str:
    """JSON text with DEL, C1 controls and bidi overrides written as `\\u009b` (json.dumps with
    ensure_ascii=False escapes only C0 controls): the same data, and nothing raw for a terminal."""
    return re.sub(_JSON_RAW, lambda match: f"\\u{ord(match[0]):04x}", text)


def scheme(url: str) -> str | None:
    """`https` for `https://…`; None for a path or an anchor."""
    found = re.match(_SCHEME, url)
    if not found or len(found[1]) == 1:  # C:\… is a Windows path, not a scheme
        return None
    return found[1].lower()


def link_allowed(url: str) -> bool:
    """A link that survives an export: an anchor in the book, or http, https, mailto."""
    return url.startswith("#") or scheme(url) in SAFE_SCHEMES


def is_local_path(target: str) -> bool:
    """A relative path that may name a file of the book (a URL or an absolute path never does)."""
    return bool(target) and scheme(target) is None and not target.startswith(("/", "\\")) and ":" not in target[:3]


@dataclass(frozen=True)
class Found:
    """Something in a chapter's text: where (1-based line and column), what, and its kind."""

    line: int
    column: int
    kind: str  # resource | link | reference | tag | attribute | url
    value: str


def _label(text: str) -> str:
    """A reference label as Markdown matches it: case and runs of spaces do not count."""
    return " ".join(text.split()).casefold()


def decoded(target: str) -> str:
    """A path as the file system would see it once pandoc has read the Markdown and fetched it:
    HTML entities (`&#47;`) and URL escapes (`%2F`) decoded, so that `..%2F..%2Fetc` is judged
    as the `../../etc` it leads to."""
    import html
    from urllib.parse import unquote

    return unquote(html.unescape(target))


def _place(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def scan(text: str) -> Iterator[Found]:
    """Images and links of the Markdown, and raw HTML tags, attributes and URLs, in order of appearance."""
    visible = blank_out_unread(text)  # code and comments reach no reader
    found: list[Found] = []
    for pattern, kind in ((_MD_IMAGE, "resource"), (_MD_LINK, "link")):
        for match in re.finditer(pattern, visible):
            found.append(Found(*_place(visible, match.start(1)), kind, match[1]))
    image_labels = {_label(m[2] or m[1]) for m in re.finditer(_MD_IMAGE_REFERENCE, visible)}
    for match in re.finditer(_MD_REFERENCE, visible):  # the target of an image by reference is a resource
        kind = "resource" if _label(match[1]) in image_labels else "reference"
        found.append(Found(*_place(visible, match.start(2)), kind, match[2]))
    parser = _tags_parser()
    try:
        parser.feed(visible)
        parser.close()
    except Exception:  # noqa: BLE001 — html.parser gives up on some garbage: what it saw is kept
        pass
    found.extend(parser.found)
    return iter(sorted(found, key=lambda f: (f.line, f.column)))


def _tags_parser():
    """An HTML parser noting each tag, attribute that runs code, and URL (html.parser loaded only here)."""
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        """Raw HTML in a chapter: each tag, each attribute that runs code, each URL it names."""

        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[Found] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            line, column = self.getpos()
            column += 1
            if tag in ACTIVE_TAGS:
                self.found.append(Found(line, column, "tag", tag))
            for name, value in attrs:
                if name.startswith("on"):
                    self.found.append(Found(line, column, "attribute", name))
                elif name in URL_ATTRIBUTES and value:
                    kind = "resource" if name in ("src", "data", "poster", "background", "srcset") else "url"
                    self.found.append(Found(line, column, kind, value.strip()))

        handle_startendtag = handle_starttag

    return Tags()
