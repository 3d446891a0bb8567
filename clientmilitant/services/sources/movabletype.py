"""The Movable Type / Typepad export format: plain text, one entry after another.

    AUTHOR: jbp
    TITLE: Le modèle Radio Head pour la presse
    DATE: 12/13/2007 10:22:00 AM
    CONVERT BREAKS: 1
    -----
    BODY:
    <p>Enfin une bonne nouvelle…</p>
    -----
    COMMENT:
    AUTHOR: xgc
    DATE: 01/06/2008 02:22:00 PM
    Bonjour…
    -----
    --------

Entries end with a line of 8 dashes, sections with a line of 5. Dates are month first. With
`CONVERT BREAKS: 1` (or `__default__`) the text is written with line breaks, which become
paragraphs as Movable Type would show them; `markdown` bodies are kept; others are HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clientmilitant.core import urls
from clientmilitant.core.dates import parse_date
from clientmilitant.core.errors import BookError
from clientmilitant.core.posts import Comment
from clientmilitant.services.sources.posts import Post, html_to_markdown

ENTRY_END = "--------"
SECTION_END = "-----"
_KEY = re.compile(r"([A-Z][A-Z ]*[A-Z]):\s?(.*)$")
KNOWN_SECTIONS = {"BODY", "EXTENDED BODY", "EXCERPT", "KEYWORDS", "COMMENT", "PING"}


def looks_like_mt(text: str) -> bool:
    """The first non-blank line is an MT key and the file has MT's separators."""
    for line in text.splitlines():
        if line.strip():
            return bool(re.match(r"(AUTHOR|TITLE|DATE|BASENAME|STATUS|PRIMARY CATEGORY|CATEGORY):", line)) and (
                re.search(r"^-{5}\s*$", text, re.M) is not None
            )
    return False


@dataclass
class _Entry:
    line: int
    keys: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    comments: list[tuple[dict[str, str], list[str]]] = field(default_factory=list)


# long: one state machine over the export's lines; its states read best together
def _entries(text: str, filename: str) -> list[_Entry]:
    entries: list[_Entry] = []
    entry: _Entry | None = None
    section: str | None = None  # None: the entry's header; else the open section's name
    target: list[str] | None = None
    comment_header = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if line.strip() == ENTRY_END:
            entry, section, target = None, None, None
            continue
        if line.strip() == SECTION_END:
            section, target = "", None
            continue
        if entry is None:
            if not line.strip():
                continue
            entry = _Entry(number)
            entries.append(entry)
            section = None
        if section is None:  # the entry's header: KEY: value lines
            if not line.strip():
                continue
            match = _KEY.match(line)
            if not match:
                raise BookError(
                    f"{filename}:{number}: expected 'KEY: value' in a Movable Type entry header, not '{line[:40]}'"
                )
            entry.keys.setdefault(match[1], match[2].strip())
            continue
        if section == "" and target is None:
            name = line.strip().rstrip(":")
            if not line.strip():
                continue
            if name not in KNOWN_SECTIONS or not line.strip().endswith(":"):
                raise BookError(f"{filename}:{number}: expected a section such as BODY: or COMMENT:, not '{line[:40]}'")
            section = name
            if name == "COMMENT":
                entry.comments.append(({}, []))
                target, comment_header = entry.comments[-1][1], True
            elif name in ("BODY", "EXTENDED BODY"):
                target = entry.body
                if name == "EXTENDED BODY" and entry.body:
                    entry.body.append("")
            else:
                target = []  # excerpt, keywords, pings: not kept
            continue
        if section == "COMMENT" and comment_header:
            match = _KEY.match(line)
            if match and match[1] in ("AUTHOR", "EMAIL", "IP", "URL", "DATE"):
                entry.comments[-1][0][match[1]] = match[2].strip()
                continue
            comment_header = False
        if target is not None:
            target.append(line)
    return entries


def _html(lines: list[str], convert_breaks: str) -> str:
    text = "\n".join(lines).strip("\n")
    if convert_breaks in ("1", "__default__"):
        paragraphs = re.split(r"\n\s*\n", text)
        return "".join(f"<p>{'<br />'.join(p.splitlines())}</p>\n" for p in paragraphs if p.strip())
    if convert_breaks == "markdown":
        return ""  # kept as written: see parse_movabletype
    return text


def parse_movabletype(text: str, filename: str) -> list[Post]:
    """The entries of an MT/Typepad export, with their comments; drafts are skipped."""
    entries = [e for e in _entries(text, filename) if e.keys.get("STATUS", "Publish").lower() != "draft"]
    htmls: list[str] = []
    for entry in entries:
        breaks = entry.keys.get("CONVERT BREAKS", "1").lower()
        htmls.append(_html(entry.body, breaks))
        htmls += [_html(lines, breaks) for _, lines in entry.comments]
    texts = iter(html_to_markdown(htmls))
    posts = []
    for entry in entries:
        date = parse_date(entry.keys.get("DATE", ""), day_first=False) or ""
        if entry.keys.get("DATE") and not date:
            raise BookError(
                f"{filename}:{entry.line}: the entry's DATE '{entry.keys['DATE']}' is not a date cm can read"
            )
        url = entry.keys.get("UNIQUEURL", "")
        is_markdown = entry.keys.get("CONVERT BREAKS", "").lower() == "markdown"
        body = next(texts)
        if is_markdown:
            body = "\n".join(entry.body).strip("\n")
        post = Post(
            title=entry.keys.get("TITLE", ""),
            date=date[:10],
            text=body,
            where=f"{filename}:{entry.line}",
            author=entry.keys.get("AUTHOR", ""),
            url=url,
            site=urls.site(url),
        )
        for keys, lines in entry.comments:
            text = next(texts)
            if is_markdown:
                text = "\n".join(lines).strip("\n")
            post.comments.append(
                Comment(keys.get("AUTHOR", ""), parse_date(keys.get("DATE", ""), day_first=False) or "", text)
            )
        posts.append(post)
    return posts
