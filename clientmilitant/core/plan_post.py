"""Reading a plan written as in the blog post of 31 December 2007 into parts, sections and points.

The rules, in the order they are tried on each line (blank lines and indentation never matter, so
the post pasted with or without its blank lines gives the same outline):

- `1 - Title`, `2. Title`, `1.1 - Title`: a numbered heading; the count of numbers is its depth.
- `-> text` (also `→`, `=>`): a point of the current section.
- `https://…` alone on its line: a source post of the current section.
- `- text`: a *section* when `->` points follow it, or when it comes right after a `->` point
  or another `-` section (the previous section's list is over); otherwise — right under a
  heading or another `-` point — a *point*.
- any other line: a *section* heading when points follow it (`->`, or `-` lines that are points);
  otherwise a point of the current section. A trailing ` :` is dropped from a heading.
- Unnumbered sections go under the last numbered heading. Lines before the first numbered
  heading (the post's introduction) are skipped.
- A URL in a line, as `(cf. URL)`, `(URL)` or bare, becomes a source of the line's section; the
  parenthesised forms are taken out of the text. Symbol-font arrows pasted from a word
  processor (U+F0E0) become `→`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from clientmilitant.core import urls
from clientmilitant.core.model import Section, Source, slugify, unique_id
from clientmilitant.core.text import symbol_font_to_unicode

_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?(?:\s*[-–—)]|\s)\s*(\S.*)$")
_ARROW = re.compile(r"^(?:->|→|=>|⇒)\s*(.*)$")
_DASH = re.compile(r"^[-–•*]\s+(\S.*)$")
_URL_LINE = re.compile(r"^<?(https?://\S+?)>?$")
_CITED_URL = re.compile(r"\s*\((?:cf\.?|voir|see)?\s*(https?://[^\s)]+)\s*\)")
_BARE_URL = re.compile(r"https?://[^\s)>\]]+")

NUMBERED, ARROW, DASH, URL, PLAIN = "numbered", "arrow", "dash", "url", "plain"


@dataclass
class PlanImport:
    """What a plan gave: the parts, the sources its URLs name, and the lines it skipped."""

    parts: list[Section]
    sources: list[Source]
    skipped_lines: int = 0


@dataclass
class _Line:
    number: int
    kind: str
    text: str
    depth: int = 0


@dataclass
class _State:
    result: PlanImport
    taken_ids: set[str] = field(default_factory=set)
    numbered: list[Section] = field(default_factory=list)  # the open numbered heading at each depth
    current: Section | None = None
    source_by_url: dict[str, str] = field(default_factory=dict)


def clean_text(text: str) -> str:
    return symbol_font_to_unicode(text).strip()


def classify(raw: str, number: int) -> _Line | None:
    text = clean_text(raw)
    if not text:
        return None
    if match := _ARROW.match(text):
        return _Line(number, ARROW, match.group(1))
    if match := _URL_LINE.match(text):
        return _Line(number, URL, match.group(1))
    if match := _NUMBERED.match(text):
        return _Line(number, NUMBERED, match.group(2), depth=match.group(1).count(".") + 1)
    if match := _DASH.match(text):
        return _Line(number, DASH, match.group(1))
    return _Line(number, PLAIN, text)


def parse_plan(text: str) -> PlanImport:
    """Parse a plan into parts and the sources its URLs cite."""
    lines = [line for n, raw in enumerate(text.splitlines(), start=1) if (line := classify(raw, n))]
    state = _State(PlanImport(parts=[], sources=[]))
    roles: list[str] = []  # what each line turned out to be: section, point, heading…
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        after_following = lines[i + 2] if i + 2 < len(lines) else None
        previous_role = roles[-1] if roles else ""
        if line.kind == NUMBERED:
            _open_numbered(state, line)
            roles.append("numbered")
        elif state.current is None:
            state.result.skipped_lines += 1
            roles.append("skipped")
        elif line.kind == ARROW:
            _add_point(state, line.text)
            roles.append("arrow")
        elif line.kind == URL:
            _add_source(state, state.current, line.text)
            roles.append("url")
        elif line.kind == DASH:
            is_section = _is_dash_section(line, following, previous_role)
            _open_unnumbered(state, line.text) if is_section else _add_point(state, line.text)
            roles.append("dash-section" if is_section else "dash-point")
        else:
            points_follow = following is not None and (
                following.kind == ARROW
                or (following.kind == DASH and not _is_dash_section(following, after_following, "heading"))
            )
            _open_unnumbered(state, line.text.rstrip(" :\u00a0\u202f")) if points_follow else _add_point(
                state, line.text
            )
            roles.append("heading" if points_follow else "plain-point")
    return state.result


def _is_dash_section(line: _Line, following: _Line | None, previous_role: str) -> bool:
    return (following is not None and following.kind == ARROW) or previous_role in ("arrow", "url", "dash-section")


def _new_section(state: _State, title: str) -> Section:
    title, urls = _take_urls(title)
    section = Section(id=unique_id(slugify(title), state.taken_ids), title=title)
    state.taken_ids.add(section.id)
    for url in urls:
        _add_source(state, section, url)
    return section


def _open_numbered(state: _State, line: _Line) -> None:
    section = _new_section(state, line.text)
    depth = min(line.depth, len(state.numbered) + 1)  # a skipped level attaches to the nearest one
    del state.numbered[depth - 1 :]
    siblings = state.result.parts if depth == 1 else state.numbered[-1].sections
    siblings.append(section)
    state.numbered.append(section)
    state.current = section


def _open_unnumbered(state: _State, title: str) -> None:
    section = _new_section(state, title)
    state.numbered[-1].sections.append(section)
    state.current = section


def _add_point(state: _State, text: str) -> None:
    assert state.current is not None
    text, urls = _take_urls(text)
    if text:
        state.current.points.append(text)
    for url in urls:
        _add_source(state, state.current, url)


def _take_urls(text: str) -> tuple[str, list[str]]:
    """The text without its `(cf. URL)` citations, and every URL it cites."""
    urls = [m.group(1) for m in _CITED_URL.finditer(text)]
    text = _CITED_URL.sub("", text).strip()
    urls += _BARE_URL.findall(text)
    return text, urls


def _add_source(state: _State, section: Section, url: str) -> None:
    source_id = state.source_by_url.get(url)
    if source_id is None:
        source = source_from_url(url, {s.id for s in state.result.sources})
        state.result.sources.append(source)
        source_id = state.source_by_url[url] = source.id
    if source_id not in section.sources:
        section.sources.append(source_id)


def source_from_url(url: str, taken: set[str]) -> Source:
    """A registry entry for a cited URL: what the URL itself tells (site, and year-month for blogs)."""
    path = [p for p in urlsplit(url).path.split("/") if p]
    stem = urls.last_name(url) or urls.site(url)
    date = ""
    for i in range(len(path) - 1):
        if re.fullmatch(r"(19|20)\d\d", path[i]) and re.fullmatch(r"0[1-9]|1[0-2]", path[i + 1]):
            date = f"{path[i]}-{path[i + 1]}"
            break
    return Source(id=unique_id(slugify(stem) or "source", taken), url=url, date=date, site=urls.site(url))
