"""Imported posts' HTML bodies as Markdown, with html-to-markdown (an HTML5 parser and converter in Rust).

Why not pandoc, which cm ships: its HTML reader converts about 0.5 MB of HTML per CPU second here,
so a 1,000-post blog (1.8 MB of bodies) took 3.7 s of CPU and 500 MB in one run; html-to-markdown
converts the same bodies in 0.04 s. Both outputs were compared on every fixture and on the hard
cases of tests/test_import_markdown.py (paragraphs, breaks, nested lists, links, emphasis, quotes,
images, headings, tables, code, entities, French spaces, Markdown characters, active content,
malformed HTML): the text pandoc reads back from either is the same, except where noted there.

Around the converter, three documented steps:
- French spaces: its whitespace normalisation would turn U+00A0 and U+202F into plain spaces
  (and its strict mode keeps every run of spaces and newlines, which Markdown reads as line
  breaks): they are swapped for private-use characters before and put back after.
- A block quote after a paragraph gets the blank line before it that pandoc's Markdown needs.
- Two line breaks in a row (`texte<br /><br />texte`, Blogger's paragraphs) make a paragraph, not
  a line holding only a break.
- Its escaping of `-`, `.`, `)`, `=`, `+`, `&` is kept only where Markdown could read the character
  as syntax (a list marker at a line's start, an entity): `tee\\-shirt` reads `tee-shirt`.
Active content (iframe, script, style, object, embed, form, media) is dropped, not made a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

# French and typographic spaces, protected from whitespace normalisation by private-use stand-ins
_SPACES = {"\u00a0": "\U0010ff00", "\u202f": "\U0010ff01", "\u2009": "\U0010ff02", "\u2007": "\U0010ff03"}
_SPACE_ENTITIES = {
    "\u00a0": r"nbsp|NonBreakingSpace|#0*160|#[xX]0*[aA]0",
    "\u202f": r"#0*8239|#[xX]0*202[fF]",
    "\u2009": r"thinsp|ThinSpace|#0*8201|#[xX]0*2009",
    "\u2007": r"numsp|#0*8199|#[xX]0*2007",
}
_ENTITY = re.compile("&(?:" + "|".join(f"(?P<e{i}>{p})" for i, p in enumerate(_SPACE_ENTITIES.values())) + ");?")
_STAND_IN = [_SPACES[char] for char in _SPACE_ENTITIES]
_RESTORED = {v: k for k, v in _SPACES.items()}

DROPPED = ["script", "style", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
           "input", "button", "select", "textarea", "video", "audio", "canvas", "svg", "template"]  # fmt: skip

_FENCE = re.compile(r"^\s*(```+|~~~+)")
# an inline code span, left alone; else an escape Markdown may not need
_ESCAPE = re.compile(r"(`+).*?\1|(?<=\w)\\(-)(?=\w)|(?<=\w)\\([.)])|\\(&)(?![#\w]+;)|\\([+=])")
_LINE_START = re.compile(r"\s*(?:(?:>|[-+*]|\d+[.)])\s+)*")  # quote and list markers before a line's text
_ORDERED = re.compile(_LINE_START.pattern + r"\d+")


def _options(base: str = ""):
    from html_to_markdown import ConversionOptions

    return ConversionOptions(
        whitespace_mode="normalized", newline_style="backslash", heading_style="atx", bullets="-",
        list_indent_width=4, escape_asterisks=True, escape_underscores=True, escape_misc=True,
        sup_symbol="^", sub_symbol="~", extract_metadata=False, exclude_selectors=DROPPED,
        base_url=base or None,
    )  # fmt: skip


def _protect(html: str) -> str:
    def stand_in(match: re.Match) -> str:
        return _STAND_IN[int(match.lastgroup[1:])]

    return _swap(_ENTITY.sub(stand_in, html), _SPACES)


def _swap(text: str, pairs: dict[str, str]) -> str:
    """str.replace, not str.translate: translate is ten times slower on non-ASCII text."""
    for char, other in pairs.items():
        if char in text:
            text = text.replace(char, other)
    return text


def _needed(match: re.Match, line: str) -> bool:
    """Whether the escape `match` found is syntax Markdown would read: code; `1984\\.` or `\\+` where a
    list marker goes; a line of `=` (a heading's underline)."""
    before = line[: match.start()]
    return bool(
        match[1]
        or (match[3] and _ORDERED.fullmatch(before))
        or (match[5] == "+" and _LINE_START.fullmatch(before))
        or (match[5] == "=" and not line.replace("\\", "").replace("=", "").strip())
    )


def _unescape(line: str) -> str:
    if "\\" not in line:
        return line
    return _ESCAPE.sub(lambda m: m[0] if _needed(m, line) else m[2] or m[3] or m[4] or m[5], line)


def tidy(markdown: str) -> str:
    """The converter's Markdown with the French spaces back, blank lines where pandoc needs them,
    no line of only spaces, and no backslash a reader does not need (code left as it is)."""
    lines, fence = [], None
    for line in _swap(markdown, _RESTORED).split("\n"):
        opening = _FENCE.match(line)
        if fence is not None:
            fence = None if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence) else fence
            lines.append(line)
            continue
        if opening:
            fence = opening[1]
        elif not line.strip():
            line = ""
        elif line.strip() == "\\":  # a break on an empty line: `<br /><br />`, a paragraph to a reader
            line = ""
            if lines and lines[-1].endswith("\\"):
                lines[-1] = lines[-1][:-1].rstrip()
        elif line.lstrip().startswith(">") and lines and lines[-1].strip() and not lines[-1].lstrip().startswith(">"):
            lines.append("")  # `a\n> b` is one paragraph to pandoc: the quote needs its blank line
        line = line if opening else _unescape(line)
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n")


def html_to_markdown(
    bodies: list[str], progress: Callable[[int, int], None] | None = None, bases: list[str] | None = None
) -> list[str]:
    """Each HTML fragment as Markdown; `progress(done, total)` is told every few hundred bodies.

    `bases[i]` is the address of the page body i was on (the post's link): its relative links and
    images (`/2007/12/billet.html`, `img/a.png`) are made absolute against it, so that an archived
    post still leads where it led on the blog. "" or no `bases`: links are kept as written."""
    from html_to_markdown import convert

    options: dict[str, object] = {}
    results, total = [], len(bodies)
    for done, html in enumerate(bodies, start=1):
        base = bases[done - 1] if bases else ""
        if base not in options:
            if len(options) > 256:  # a post's body and its comments share a base: keep only recent ones
                options.clear()
            options[base] = _options(base if urlsplit(base).scheme in ("http", "https") else "")
        results.append(tidy(convert(_protect(html), options[base]).content) if html.strip() else "")
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)
    return results
